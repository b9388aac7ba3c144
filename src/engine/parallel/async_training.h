/* async_training.h: asynchronous SGD for networks as a gradient source. The rule of async.h says, for
 * every step, which worker pushes and which step's parameters it read; the source keeps the parameters
 * each worker holds (or, for order=fixed, the last T + 1) and takes the step's gradient there. A worker
 * draws its minibatch when it reads: the j-th read takes the trainer's j-th batch (a stream of its own,
 * the trainer's batches in the same order), so round-robin, where the j-th read is pushed at step j, and
 * order=fixed, which takes the step's batch, use the trainer's batches step for step, and a worker on MPI
 * can be handed its batch with its point. The trainer applies it to the current parameters, with the
 * learning rate divided by the staleness under lr_staleness=inverse. The workers are simulated in turn on
 * one thread, as the clock says: same seed, same bits. The rule's clock counts gradients; here each takes
 * as many units as the first batch has examples (the cost model's unit: an example). */
#ifndef BASIN_ASYNC_TRAINING_H
#define BASIN_ASYNC_TRAINING_H

#include "async.h"
#include "timeline.h"

#include "../nn/train.h"

typedef struct basin_async_training basin_async_training;

/* Asynchronous training of np (which must outlive it) by the rule a spec of basin_parallel_async
 * describes, in batches of batch examples (0: the full batch) drawn as the trainer's with seed, which
 * also keys the rule's draws. Returns it (owned by the caller) or NULL with a message. */
basin_async_training *basin_async_training_create(basin_net_problem *np, const basin_params *params,
                                                  size_t batch, unsigned long seed);

/* The gradient source the trainer steps with (at must outlive it). */
basin_grad_source basin_async_training_source(basin_async_training *at);

/* The worker of each push so far, n of them (none for order=fixed: no workers). */
const int *basin_async_training_pushes(const basin_async_training *at, size_t *n);

/* Σ τ over the steps so far. */
double basin_async_training_staleness_sum(const basin_async_training *at);

/* Each push's compute on the simulated clock, on its worker's row (none for order=fixed: no clock). */
const basin_timeline *basin_async_training_timeline(const basin_async_training *at);

/* Frees at (not np); NULL is a no-op. */
void basin_async_training_destroy(basin_async_training *at);

#endif
