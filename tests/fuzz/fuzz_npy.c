/* fuzz_npy.c: the .npy reader, both ways it is called: for a tensor of a known shape (the first byte
 * picks one of a few) and for whatever the header declares. */
#include "fuzz.h"

#include "lab/npy.h"

#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_environment();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t shapes[][4] = {{1, 3, 0, 0}, {2, 4, 3, 0}, {3, 2, 1, 3}, {1, 1, 0, 0}};
    if (size < 1)
        return 0;
    const size_t *shape = shapes[data[0] % 4];
    char path[64];
    int fd = fuzz_file(data + 1, size - 1, path, sizeof path);
    if (fd < 0)
        return 0;
    double dest[24];
    basin_npy_read_shaped(path, "fuzz", shape[0], shape + 1, dest);
    double *values = NULL;
    size_t ndim, dims[BASIN_NPY_MAX_DIMS];
    if (basin_npy_read(path, &values, &ndim, dims) == 0)
        free(values);
    close(fd);
    return 0;
}
