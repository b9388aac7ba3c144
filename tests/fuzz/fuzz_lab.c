/* fuzz_lab.c: the lab loader (the INI reader, the overrides and the builder that checks every key), on a
 * file and with one --set override taken from the input's first line. */
#include "fuzz.h"

#include "lab/lab.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_environment();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* "SET\n" first: everything before the first newline is an override when it contains '=' */
    const uint8_t *newline = memchr(data, '\n', size);
    char *set = newline ? fuzz_text(data, (size_t)(newline - data)) : NULL;
    bool has_set = set && strchr(set, '=');
    const uint8_t *file = has_set ? newline + 1 : data;
    size_t file_size = has_set ? size - (size_t)(newline + 1 - data) : size;
    char path[64];
    int fd = fuzz_file(file, file_size, path, sizeof path);
    if (fd >= 0) {
        basin_lab lab;
        if (basin_lab_load(&lab, path, has_set ? &set : NULL, has_set ? 1 : 0) == 0)
            basin_lab_free(&lab);
        close(fd);
    }
    free(set);
    return 0;
}
