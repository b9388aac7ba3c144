/* async.c: the delay rules of asynchronous SGD: which past point each step's gradient is taken at. */
#include "async.h"

#include "../error.h"
#include "../params.h"

#include <math.h>
#include <stdlib.h>

static const basin_param_spec async_specs[] = {
    BASIN_INT("workers", "4", 1, 1024, "workers K pushing gradients to the parameter server"),
    BASIN_CHOICE("order", "round-robin", "round-robin|fixed",
                 "round-robin: workers push in turn (staleness K−1); fixed: every gradient delay= updates old"),
    BASIN_INT("delay", "", 0, 100000, "fixed: the staleness τ of every gradient"),
    BASIN_CHOICE("lr_staleness", "none", "none|inverse", "inverse: each step's learning rate divided by its staleness τ"),
    BASIN_PARAMS_END};

const basin_entry basin_parallel_async = {BASIN_KIND_PARALLEL, "async",
                                          "asynchronous SGD: a parameter server applies stale gradients as they come",
                                          async_specs, NULL, {NULL}};

basin_async *basin_async_create(const basin_params *params)
{
    bool fixed = basin_params_choice(params, "order") == 1;
    if (fixed != basin_params_given(params, "delay")) {
        basin_error_set(fixed ? "async: order=fixed needs delay=T" : "async: delay= applies to order=fixed");
        return NULL;
    }
    basin_async *a = calloc(1, sizeof *a);
    int k = (int)basin_params_real(params, "workers");
    if (a && !fixed)
        a->read_at = calloc((size_t)k, sizeof *a->read_at);
    if (!a || (!fixed && !a->read_at)) {
        free(a);
        basin_error_set("out of memory for %d workers", k);
        return NULL;
    }
    a->order = fixed ? BASIN_ASYNC_FIXED : BASIN_ASYNC_ROUND_ROBIN;
    a->workers = k;
    a->delay = fixed ? (long)basin_params_real(params, "delay") : 0;
    a->inverse = basin_params_choice(params, "lr_staleness") == 1;
    return a;
}

long basin_async_read(basin_async *a, long t)
{
    if (a->order == BASIN_ASYNC_FIXED)
        return t > a->delay ? t - a->delay : 0;
    int worker = (int)(t % a->workers);
    long read = a->read_at[worker];
    a->read_at[worker] = t + 1; /* it reads the point its own push makes */
    return read;
}

long basin_async_staleness(const basin_async *a, long t)
{
    if (a->order == BASIN_ASYNC_FIXED)
        return t > a->delay ? a->delay : t;
    return t - a->read_at[t % a->workers];
}

double basin_async_lr_factor(const basin_async *a, long t)
{
    long tau = basin_async_staleness(a, t);
    return a->inverse && tau > 0 ? 1.0 / (double)tau : 1.0;
}

double basin_async_stability_limit(long tau)
{
    return 2 * sin(M_PI / (2.0 * (2.0 * (double)tau + 1)));
}

void basin_async_destroy(basin_async *a)
{
    if (!a)
        return;
    free(a->read_at);
    free(a);
}
