/* bench.h: what the benchmarks share: a monotonic clock, and giving up with the engine's message. */
#ifndef BASIN_BENCH_H
#define BASIN_BENCH_H

#include "engine/error.h"

#include <gsl/gsl_randist.h>
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

/* A network benchmark's start: dim weights drawn from N(0, 0.1²), then a shuffled order of n examples,
 * from mt19937's default seed (the same every run). The caller frees both; exits when out of memory. */
static inline void bench_start(size_t dim, size_t n, double **w, size_t **order)
{
    *w = bench_must(calloc(dim, sizeof **w), "weights");
    *order = bench_must(malloc(n * sizeof **order), "order");
    gsl_rng *rng = bench_must(gsl_rng_alloc(gsl_rng_mt19937), "generator");
    for (size_t i = 0; i < dim; i++)
        (*w)[i] = gsl_ran_gaussian(rng, 0.1);
    for (size_t i = 0; i < n; i++)
        (*order)[i] = i;
    gsl_ran_shuffle(rng, *order, n, sizeof **order);
    gsl_rng_free(rng);
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
