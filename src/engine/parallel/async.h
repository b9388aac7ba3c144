/* async.h: asynchronous SGD with a parameter server, as a delay rule for a run: K workers each read the
 * parameters, compute a gradient there and push it; the server applies each push at once. What a step's
 * gradient sees is the point its worker read: the staleness τ is the number of updates applied between
 * the read and the push.
 *   round-robin: workers push in turn 0, 1, ..., K−1, 0, ...; each reads right after its own push, so
 *                τ = K−1 once every worker has pushed (Langford et al. 2009);
 *   fixed:T:     every step's gradient is taken at the point T updates back (τ = T; at the start, the
 *                starting point).
 * Delayed gradient descent on f = λx²/2 is stable only for ηλ < 2·sin(π/(2(2τ+1))): 2, 1, 0.618, 0.445,
 * 0.347 for τ = 0…4 (basin_async_stability_limit). lr_staleness=inverse divides each step's learning
 * rate by its staleness (when τ > 0; Zhang et al. 2016), which brings η/τ back under the bound. */
#ifndef BASIN_ASYNC_H
#define BASIN_ASYNC_H

#include "../registry.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum { BASIN_ASYNC_ROUND_ROBIN, BASIN_ASYNC_FIXED } basin_async_order;

typedef struct basin_async {
    basin_async_order order;
    int workers;   /* K */
    long delay;    /* T for fixed */
    long *read_at; /* round-robin: the step whose point each worker holds; owned */
    bool inverse;  /* lr_staleness=inverse */
} basin_async;

/* The registry's entry: async:workers=K,order=round-robin|fixed,delay=T. */
extern const basin_entry basin_parallel_async;

/* The rule a spec of basin_parallel_async describes. Returns it (owned by the caller) or NULL with a
 * message. */
basin_async *basin_async_create(const basin_params *params);

/* The step (0 ≤ it ≤ t) whose point the gradient of step t is taken at, and the push recorded. Call once
 * per step, in order. */
long basin_async_read(basin_async *a, long t);

/* The staleness τ of step t's gradient (0 ≤ t, steps read in order up to t−1), without recording it. */
long basin_async_staleness(const basin_async *a, long t);

/* What step t's learning rate is multiplied by: 1/τ with lr_staleness=inverse and τ > 0, else 1. */
double basin_async_lr_factor(const basin_async *a, long t);

/* ηλ's bound for gradient descent with a fixed delay tau on a quadratic: 2·sin(π/(2(2τ+1))). */
double basin_async_stability_limit(long tau);

/* Frees a; NULL is a no-op. */
void basin_async_destroy(basin_async *a);

#endif
