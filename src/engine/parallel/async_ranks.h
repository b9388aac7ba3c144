/* async_ranks.h: asynchronous SGD on MPI ranks, for real: rank 0 is the parameter server and ranks
 * 1..K the workers. The server sends a worker the current parameters with the batch it is to use (the
 * j-th point sent takes the trainer's j-th batch, as async_training.h's workers draw theirs); the worker
 * computes the gradient there and sends it back; the server applies the pushes in the order they
 * arrive, each at once, and sends the pushing worker the new parameters. The staleness each push
 * actually had (updates applied since its worker's read) is recorded with the worker's number, and
 * async:order=replay,pushes=... replays the recorded order in the simulator to the same bits (the
 * gradients do not depend on where they were computed: no dropout, augmentation or BatchNorm statistics,
 * which stay on the workers, so those are refused). */
#ifndef BASIN_ASYNC_RANKS_H
#define BASIN_ASYNC_RANKS_H

#include "comm.h"
#include "timeline.h"

#include "../nn/train.h"
#include "../params.h"

typedef struct basin_async_ranks basin_async_ranks;

/* This rank's part (world's rank 0: the server; others: a worker) of training np (which must outlive
 * it) as a spec of basin_parallel_async says (workers = ranks − 1; lr_staleness=; the simulator's keys
 * order=, ssp=, speeds= are refused), in batches of batch examples (0: the full batch) dealt as the
 * trainer's with seed. Returns it (owned by the caller) or NULL with a message. */
basin_async_ranks *basin_async_ranks_create(basin_net_problem *np, const basin_params *params, size_t batch,
                                            unsigned long seed, basin_comm *world);

/* Whether this rank is a worker (it serves; it does not train). */
bool basin_async_ranks_is_worker(const basin_async_ranks *ar);

/* A worker's life: gradients at the points the server sends, until it says stop. 0, or -1 with a message. */
int basin_async_ranks_serve(basin_async_ranks *ar);

/* The server's gradient source (each call: the next push to arrive). */
basin_grad_source basin_async_ranks_source(basin_async_ranks *ar);

/* The server, once training has ended: waits for the pushes still coming and tells every worker to stop.
 * 0, or -1 with a message. */
int basin_async_ranks_end(basin_async_ranks *ar);

/* The worker (0..K−1) of each push so far, n of them; Σ τ over them. */
const int *basin_async_ranks_pushes(const basin_async_ranks *ar, size_t *n);
double basin_async_ranks_staleness_sum(const basin_async_ranks *ar);

/* Each push's compute as the server saw it (from sending the point to receiving the gradient), in
 * seconds since training began, on its worker's row. */
const basin_timeline *basin_async_ranks_timeline(const basin_async_ranks *ar);

/* Frees ar (not np); NULL is a no-op. */
void basin_async_ranks_destroy(basin_async_ranks *ar);

#endif
