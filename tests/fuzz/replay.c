/* replay.c: runs a fuzz target on every file of the folders given (its seed corpus and the crashes it
 * ever found), so the normal build and the sanitizer build check them without libFuzzer. Fails when a
 * folder is missing or empty; a crash is the sanitizers' or the signal's. */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

static long replay_folder(const char *folder)
{
    DIR *dir = opendir(folder);
    if (!dir) {
        perror(folder);
        return -1;
    }
    long count = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", folder, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) {
            perror(path);
            closedir(dir);
            return -1;
        }
        uint8_t *data = malloc(1 << 20);
        size_t size = data ? fread(data, 1, 1 << 20, f) : 0;
        fclose(f);
        if (!data) {
            closedir(dir);
            return -1;
        }
        LLVMFuzzerTestOneInput(data, size);
        free(data);
        count++;
    }
    closedir(dir);
    return count;
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize(&argc, &argv) != 0)
        return 1;
    long total = 0;
    for (int i = 1; i < argc; i++) {
        long n = replay_folder(argv[i]);
        if (n < 0)
            return 1;
        printf("%s: %ld inputs\n", argv[i], n);
        total += n;
    }
    if (total == 0) {
        fprintf(stderr, "replay: no inputs\n");
        return 1;
    }
    return 0;
}
