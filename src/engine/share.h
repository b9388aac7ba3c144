/* share.h: a computation's independent items shared among ranks (MPI processes, or threads): this rank
 * computes the items i with i mod size = rank, and sum (0, or -1 with a message) replaces a buffer by its
 * sum over the ranks, the same on every rank. The others' items are −0 in this rank's buffer, the
 * identity of IEEE addition (x + (−0) = x for every x, +0 and −0 included, where +0 would turn −0 into
 * +0), so the parts put together are the whole computed in one process, to the bit.
 * A NULL share means every item here. */
#ifndef BASIN_SHARE_H
#define BASIN_SHARE_H

#include <stddef.h>

typedef struct basin_share {
    int rank, size;
    int (*sum)(void *ctx, double *values, size_t n);
    void *ctx;
} basin_share;

#endif
