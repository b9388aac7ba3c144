/* fuzz_csv.c: the CSV data reader on any bytes, under each way of reading it (the first byte picks the
 * header mode, the task, the label column and a shape). */
#include "fuzz.h"

#include "engine/nn/csv_data.h"

#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_environment();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const labels[] = {"last", "first", "1", "label", "y", "7"};
    if (size < 1)
        return 0;
    uint8_t how = data[0];
    char path[64];
    int fd = fuzz_file(data + 1, size - 1, path, sizeof path);
    if (fd < 0)
        return 0;
    basin_csv_config c = {.path = path, .label = labels[how % 6], .header = (how / 6) % 3, .task = (how / 18) % 3,
                          .name = "fuzz"};
    if (how & 0x80)
        c.shape[0] = 1, c.shape[1] = 2, c.shape[2] = 2;
    basin_dataset_destroy(basin_csv_dataset(&c));
    close(fd);
    return 0;
}
