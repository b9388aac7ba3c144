/* bench.h: what the benchmarks share: a monotonic clock, and giving up with the engine's message. */
#ifndef BASIN_BENCH_H
#define BASIN_BENCH_H

#include "engine/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* p, or the end of the benchmark with "bench: WHAT: the engine's message" when p is NULL. */
static inline void *bench_must(void *p, const char *what)
{
    if (!p) {
        fprintf(stderr, "bench: %s: %s\n", what, basin_error_message());
        exit(1);
    }
    return p;
}

/* Runs the PyTorch side's command and passes each of its "torch NAME VALUE" lines to take. */
static inline void bench_torch_lines(const char *cmd, void (*take)(void *ctx, const char *name, double value),
                                     void *ctx)
{
    char line[256], name[32];
    double value;
    FILE *p = popen(cmd, "r");
    while (p && fgets(line, sizeof line, p))
        if (sscanf(line, "torch %31s %lf", name, &value) == 2)
            take(ctx, name, value);
    if (p)
        pclose(p);
}

#endif
