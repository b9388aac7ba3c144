/* async.h: asynchronous SGD with a parameter server, as a delay rule for a run: K workers each read the
 * parameters, compute a gradient there and push it; the server applies each push at once. What a step's
 * gradient sees is the point its worker read: the staleness τ is the number of updates applied between
 * the read and the push.
 *   events:      a simulated clock: worker w's n-th gradient takes (1 + jitter·(2u − 1))/speed_w time
 *                units, u drawn keyed by (seed, w, n); the earliest push is applied next (ties: the lower
 *                worker), and the worker reads the new point at once;
 *   round-robin: events with equal speeds and no jitter: workers push in turn 0, 1, ..., K−1, 0, ...,
 *                so τ = K−1 once every worker has pushed (Langford et al. 2009);
 *   fixed:       every step's gradient is taken at the point delay= updates back (τ = T; at the start,
 *                the starting point); no clock;
 *   replay:      the workers push in the order pushes= lists (a run recorded on MPI ranks, or any other),
 *                each reading the new point at once, as the parameter server did; no clock.
 * ssp=S (stale synchronous parallel, Ho et al. 2013): a worker that has pushed more than S times more than
 * the slowest waits until the slowest catches up; with S = 0 all K workers of a round read the same point,
 * so each round is one synchronous step with the K workers' gradients summed.
 * Delayed gradient descent on f = λx²/2 is stable only for ηλ < 2·sin(π/(2(2τ+1))): 2, 1, 0.618, 0.445,
 * 0.347 for τ = 0…4 (basin_async_stability_limit). lr_staleness=inverse divides each step's learning
 * rate by its staleness (when τ > 0; Zhang et al. 2016), which brings η/τ back under the bound. */
#ifndef BASIN_ASYNC_H
#define BASIN_ASYNC_H

#include "../registry.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum { BASIN_ASYNC_ROUND_ROBIN, BASIN_ASYNC_FIXED, BASIN_ASYNC_EVENTS, BASIN_ASYNC_REPLAY } basin_async_order;

typedef struct basin_async basin_async;

/* The registry's entry: async:workers=K,order=...,delay=T,speeds=...,jitter=J,ssp=S,lr_staleness=... */
extern const basin_entry basin_parallel_async;

/* The rule a spec of basin_parallel_async describes, its draws keyed by seed. Returns it (owned by the
 * caller) or NULL with a message (delay= without order=fixed or the reverse, speeds= of another length
 * than workers=, keys that apply to another order). */
basin_async *basin_async_create(const basin_params *params, unsigned long seed);

/* The step (0 ≤ it ≤ t) whose point the gradient of step t is taken at, and the push recorded. Call once
 * per step, in order. −1 with a message when a replay has no push left for step t. */
long basin_async_read(basin_async *a, long t);

/* The staleness τ of step t's gradient (0 ≤ t, steps read in order up to t−1), without recording it. */
long basin_async_staleness(const basin_async *a, long t);

/* The simulated time of the last push (NAN for order=fixed and replay, 0 before the first), when its
 * worker began computing the gradient it pushed (NAN for order=fixed and replay), and the worker. */
double basin_async_now(const basin_async *a);
double basin_async_last_start(const basin_async *a);
int basin_async_last_worker(const basin_async *a);

/* Worker w's speed on the clock (1 unless order=events gave speeds=). */
double basin_async_speed(const basin_async *a, int w);

/* Workers K; the step whose point worker w holds now (round-robin and events), or −1 for order=fixed. */
int basin_async_workers(const basin_async *a);
long basin_async_held(const basin_async *a, int w);

/* order=fixed's delay T, or −1 for the other orders. */
long basin_async_delay(const basin_async *a);

/* What step t's learning rate is multiplied by: 1/τ with lr_staleness=inverse and τ > 0, else 1. */
double basin_async_lr_factor(const basin_async *a, long t);

/* ηλ's bound for gradient descent with a fixed delay tau on a quadratic: 2·sin(π/(2(2τ+1))). */
double basin_async_stability_limit(long tau);

/* Frees a; NULL is a no-op. */
void basin_async_destroy(basin_async *a);

#endif
