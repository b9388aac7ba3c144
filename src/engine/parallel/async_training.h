/* async_training.h: asynchronous SGD for networks as a gradient source. The rule of async.h says, for
 * every step, which worker pushes and which step's parameters it read; the source keeps the parameters
 * each worker holds (or, for order=fixed, the last T + 1) and takes the step's gradient there, on the
 * step's minibatch (the pushing worker's). The trainer applies it to the current parameters, with the
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
 * describes, keyed by seed. Returns it (owned by the caller) or NULL with a message. */
basin_async_training *basin_async_training_create(basin_net_problem *np, const basin_params *params,
                                                  unsigned long seed);

/* The gradient source the trainer steps with (at must outlive it). */
basin_grad_source basin_async_training_source(basin_async_training *at);

/* Σ τ over the steps so far. */
double basin_async_training_staleness_sum(const basin_async_training *at);

/* Each push's compute on the simulated clock, on its worker's row (none for order=fixed: no clock). */
const basin_timeline *basin_async_training_timeline(const basin_async_training *at);

/* Frees at (not np); NULL is a no-op. */
void basin_async_training_destroy(basin_async_training *at);

#endif
