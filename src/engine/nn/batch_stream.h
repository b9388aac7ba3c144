/* batch_stream.h: the trainer's minibatches as a stream: B examples at a time in the order of a
 * permutation of the training split drawn afresh (gsl_ran_shuffle on MT19937 seeded with the run's seed)
 * at the start of every epoch, the last batch of an epoch holding what is left. Two streams made alike
 * give the same batches, so a gradient source can draw ahead of the trainer's own. */
#ifndef BASIN_BATCH_STREAM_H
#define BASIN_BATCH_STREAM_H

#include "net_problem.h"

#include <gsl/gsl_rng.h>

typedef struct basin_batch_stream {
    gsl_rng *rng;
    size_t *order; /* n: the epoch's permutation */
    size_t n, B;   /* examples, batch size (B = n: the full batch) */
    long per_epoch, drawn;
} basin_batch_stream;

/* Starts s for n examples in batches of B (0 or more than n: the full batch) with seed. Returns 0, or -1
 * with a message when memory runs out. */
int basin_batch_stream_init(basin_batch_stream *s, size_t n, size_t B, unsigned long seed);

/* The next batch (BASIN_FULL_BATCH when B = n); its indices stay valid until the next call. */
basin_batch basin_batch_stream_next(basin_batch_stream *s);

/* Frees what s holds. */
void basin_batch_stream_release(basin_batch_stream *s);

#endif
