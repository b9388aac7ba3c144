/* batch_stream.c: an epoch's permutation dealt in batches. */
#include "batch_stream.h"

#include "../error.h"
#include "train.h"

#include <gsl/gsl_randist.h>
#include <stdlib.h>

int basin_batch_stream_init(basin_batch_stream *s, size_t n, size_t B, unsigned long seed)
{
    *s = (basin_batch_stream){.n = n, .B = B == 0 || B > n ? n : B};
    s->per_epoch = basin_train_steps_per_epoch(n, s->B);
    s->rng = gsl_rng_alloc(gsl_rng_mt19937);
    s->order = malloc((n ? n : 1) * sizeof *s->order);
    if (!s->rng || !s->order) {
        basin_batch_stream_release(s);
        basin_error_set("out of memory for the order of %zu examples", n);
        return -1;
    }
    gsl_rng_set(s->rng, seed);
    for (size_t i = 0; i < n; i++)
        s->order[i] = i;
    return 0;
}

basin_batch basin_batch_stream_next(basin_batch_stream *s)
{
    long in_epoch = s->drawn++ % s->per_epoch;
    if (s->B == s->n)
        return BASIN_FULL_BATCH;
    if (in_epoch == 0)
        gsl_ran_shuffle(s->rng, s->order, s->n, sizeof *s->order);
    size_t first = (size_t)in_epoch * s->B;
    return (basin_batch){s->order + first, s->n - first < s->B ? s->n - first : s->B};
}

void basin_batch_stream_release(basin_batch_stream *s)
{
    if (s->rng)
        gsl_rng_free(s->rng);
    free(s->order);
    *s = (basin_batch_stream){0};
}
