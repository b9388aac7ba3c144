/* fuzz.h: what every fuzz target shares. A target defines LLVMFuzzerTestOneInput (and
 * LLVMFuzzerInitialize); libFuzzer drives it in the fuzz build (tests/fuzz/run), replay.c replays its
 * corpus and every crash ever found in the normal suite. */
#ifndef BASIN_FUZZ_H
#define BASIN_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a file that is not on disk (a memfd, named /proc/self/fd/N), for readers that take a path.
 * Writes the path into path (size bytes) and returns the descriptor to close, or -1. */
int fuzz_file(const uint8_t *data, size_t size, char *path, size_t path_size);

/* The input as a NUL-terminated string (caller frees), or NULL. */
char *fuzz_text(const uint8_t *data, size_t size);

/* What every target sets first: small memory budget (a request past it is refused, not slow), one
 * OpenBLAS thread. */
void fuzz_environment(void);

#endif
