/* data_parallel.h: synchronous data parallelism as a gradient source. The trainer draws the step's global
 * minibatch (K workers × B examples) as it always does; the source deals it to K workers as PyTorch's
 * DistributedSampler deals an epoch (strided: worker r takes positions r, r+K, ...), each worker computes
 * its shard's gradient on its own clone of the problem (on its own thread), and the communicator's ring
 * all-reduce sums shard sums: the step's gradient is the mean over the global batch exactly, also for an
 * unequal last batch. (PyTorch's DDP averages the workers' means instead, which weighs a short shard's
 * examples more; on equal shards the two agree.)
 * BatchNorm is local (DDP's default: each worker normalizes its shard with its own statistics, so the run
 * differs from one worker on the global batch) or sync (SyncBatchNorm: the shards' sums are all-reduced,
 * forward and backward, and the run is the global batch's again); every step starts from rank 0's running
 * statistics and leaves rank 0's behind (DDP broadcasts buffers). Dropout and augmentation draw from a
 * generator keyed by (seed, step, layer, example, unit), so the same example gets the same mask on any
 * worker and a run with dropout equals the single-worker run, which DDP does not give. */
#ifndef BASIN_DATA_PARALLEL_H
#define BASIN_DATA_PARALLEL_H

#include "comm.h"
#include "cost_model.h"
#include "timeline.h"

#include "../nn/train.h"

/* The registry's entry: sync:workers=K. */
extern const basin_entry basin_parallel_sync;

typedef struct basin_data_parallel basin_data_parallel;

typedef struct basin_data_parallel_config {
    int workers;           /* K */
    unsigned long seed;    /* what dropout and augmentation are keyed by */
    bool bn_sync;          /* BatchNorm statistics over the global batch */
    const double *speeds;  /* K speeds for the simulated clock (NULL: all 1) */
    basin_cost_model cost; /* the all-reduce's cost on the simulated clock */
    basin_comm *world;     /* an MPI world whose size is workers: this process runs its rank's worker and
                              talks to the others through it (must outlive the source); NULL: threads */
} basin_data_parallel_config;

/* The configuration a parsed spec of the sync entry says (cfg->speeds points into params). Returns 0, or
 * -1 with a message (speeds= of another length than workers=). */
int basin_data_parallel_config_from(const basin_params *params, unsigned long seed, basin_data_parallel_config *cfg);

/* K workers over np (which must outlive it; its model state is what steps start from and end in), each
 * with a clone, as cfg says (speeds, when given, are copied). Every step also estimates the gradient
 * noise scale from the workers' and the global batch's gradient norms (the two-batch estimator, running
 * averages with decay 0.95) and moves the simulated clock by the slowest worker's time
 * (its shard's examples over its speed) plus the all-reduce's. Returns
 * it (owned by the caller) or NULL with a message. */
basin_data_parallel *basin_data_parallel_create(basin_net_problem *np, const basin_data_parallel_config *cfg);

/* The gradient source the trainer steps with (dp must outlive it). Can't fail. */
basin_grad_source basin_data_parallel_source(basin_data_parallel *dp);

/* Values each worker has sent in all-reduces so far (the same for every worker). */
size_t basin_data_parallel_values_sent(const basin_data_parallel *dp);

/* On MPI ranks, once training has ended: rank 0's timeline gains the other ranks' measured spans
 * (collective: every rank calls it). Nothing to do on threads. Returns 0, or -1 with a message. */
int basin_data_parallel_gather_timeline(basin_data_parallel *dp);

/* The spans of the steps so far on the simulated clock: each worker's compute, then the all-reduce. */
const basin_timeline *basin_data_parallel_timeline(const basin_data_parallel *dp);

/* Frees dp and its clones (not np); NULL is a no-op. */
void basin_data_parallel_destroy(basin_data_parallel *dp);

#endif
