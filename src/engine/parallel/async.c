/* async.c: the delay rules of asynchronous SGD: which past point each step's gradient is taken at, on a
 * simulated clock of worker events. */
#include "async.h"

#include "../error.h"
#include "../nn/keyed_draw.h"
#include "../params.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct basin_async {
    basin_async_order order;
    int workers;    /* K */
    long delay;     /* T for fixed */
    bool inverse;   /* lr_staleness=inverse */
    long ssp;       /* the bound S, or −1 for none */
    double jitter;
    double *speed;  /* K: gradients per time unit */
    double *replay; /* replay: the worker of each push, len of them (owned) */
    size_t replay_len;
    long pushed;    /* pushes so far */
    unsigned long seed;
    long *read_at;  /* K: the step whose point each worker holds */
    double *ready;  /* K: when its push is ready (INFINITY while it waits for the slowest) */
    double *began;  /* K: when it began computing it */
    long *pushes;   /* K: pushes made */
    double now;     /* the clock at the last push */
    double last_start; /* when its worker began computing it */
    int last;       /* its worker */
};

static const basin_param_spec async_specs[] = {
    BASIN_INT("workers", "4", 1, 1024, "workers K pushing gradients to the parameter server"),
    BASIN_CHOICE("order", "round-robin", "round-robin|fixed|events|replay",
                 "round-robin: workers push in turn (staleness K−1); fixed: every gradient delay= updates old; "
                 "events: a simulated clock with worker speeds; replay: the pushes= of a recorded run"),
    BASIN_INT("delay", "", 0, 100000, "fixed: the staleness τ of every gradient"),
    BASIN_LIST("speeds", "", 1e-6, 1e6, "events: each worker's speed (gradients per time unit), e.g. 1/1/1/0.25"),
    BASIN_REAL_BELOW("jitter", "0.25", 0, 1, "events: each gradient's time varies by up to ± this share"),
    BASIN_INT("ssp", "", 0, 1000000, "stale synchronous parallel: no worker more than S pushes ahead of the slowest"),
    BASIN_LIST("pushes", "", 0, 1023, "replay: the worker of each push in turn (pushes=@FILE: a recorded run's)"),
    BASIN_CHOICE("lr_staleness", "none", "none|inverse", "inverse: each step's learning rate divided by its staleness τ"),
    BASIN_PARAMS_END};

const basin_entry basin_parallel_async = {BASIN_KIND_PARALLEL, "async",
                                          "asynchronous SGD: a parameter server applies stale gradients as they come",
                                          async_specs, NULL, {NULL}};

/* The time worker w's n-th gradient takes. */
static double compute_time(const basin_async *a, int w, long n)
{
    basin_draw_key key = {a->seed, (uint64_t)n, NULL};
    double u = basin_keyed_uniform(basin_keyed_bits(&key, (uint64_t)w, 0), 0);
    return (1 + a->jitter * (2 * u - 1)) / a->speed[w];
}

static int check_keys(const basin_params *params, basin_async_order order)
{
    if ((order == BASIN_ASYNC_FIXED) != basin_params_given(params, "delay")) {
        basin_error_set(order == BASIN_ASYNC_FIXED ? "async: order=fixed needs delay=T"
                                                   : "async: delay= applies to order=fixed");
        return -1;
    }
    if (order != BASIN_ASYNC_EVENTS && (basin_params_given(params, "speeds") || basin_params_given(params, "jitter"))) {
        basin_error_set("async: %s= applies to order=events", basin_params_given(params, "speeds") ? "speeds" : "jitter");
        return -1;
    }
    if ((order == BASIN_ASYNC_FIXED || order == BASIN_ASYNC_REPLAY) && basin_params_given(params, "ssp")) {
        basin_error_set("async: ssp= applies to workers that push as a rule says (round-robin or events), not "
                        "order=%s", order == BASIN_ASYNC_FIXED ? "fixed" : "replay");
        return -1;
    }
    if ((order == BASIN_ASYNC_REPLAY) != basin_params_given(params, "pushes")) {
        basin_error_set(order == BASIN_ASYNC_REPLAY ? "async: order=replay needs pushes= (the recorded workers)"
                                                    : "async: pushes= applies to order=replay");
        return -1;
    }
    size_t len = 0;
    const double *pushes = order == BASIN_ASYNC_REPLAY ? basin_params_list(params, "pushes", &len) : NULL;
    for (size_t i = 0; i < len; i++)
        if (pushes[i] != floor(pushes[i]) || pushes[i] >= basin_params_real(params, "workers")) {
            basin_error_set("async: push %zu of the replay is by worker %g, not one of workers=%g", i + 1, pushes[i],
                            basin_params_real(params, "workers"));
            return -1;
        }
    size_t n = 0;
    if (basin_params_given(params, "speeds"))
        basin_params_list(params, "speeds", &n);
    if (n && n != (size_t)basin_params_real(params, "workers")) {
        basin_error_set("async: speeds= gives %zu speeds for workers=%g", n, basin_params_real(params, "workers"));
        return -1;
    }
    return 0;
}

basin_async *basin_async_create(const basin_params *params, unsigned long seed)
{
    basin_async_order order = (basin_async_order)basin_params_choice(params, "order");
    if (check_keys(params, order) != 0)
        return NULL;
    basin_async *a = calloc(1, sizeof *a);
    int k = (int)basin_params_real(params, "workers");
    if (a) {
        a->speed = malloc((size_t)k * sizeof *a->speed);
        a->read_at = calloc((size_t)k, sizeof *a->read_at);
        a->ready = malloc((size_t)k * sizeof *a->ready);
        a->pushes = calloc((size_t)k, sizeof *a->pushes);
        a->began = calloc((size_t)k, sizeof *a->began);
    }
    size_t len = 0;
    const double *pushes = basin_params_given(params, "pushes") ? basin_params_list(params, "pushes", &len) : NULL;
    if (a && len && (a->replay = malloc(len * sizeof *a->replay)))
        memcpy(a->replay, pushes, len * sizeof *pushes), a->replay_len = len;
    if (!a || !a->speed || !a->read_at || !a->ready || !a->pushes || !a->began || (len && !a->replay)) {
        basin_async_destroy(a);
        basin_error_set("out of memory for %d workers", k);
        return NULL;
    }
    a->order = order, a->workers = k, a->seed = seed, a->last = -1;
    a->delay = order == BASIN_ASYNC_FIXED ? (long)basin_params_real(params, "delay") : 0;
    a->inverse = basin_params_choice(params, "lr_staleness") == 1;
    a->ssp = basin_params_given(params, "ssp") ? (long)basin_params_real(params, "ssp") : -1;
    a->jitter = order == BASIN_ASYNC_EVENTS ? basin_params_real(params, "jitter") : 0;
    size_t n = 0;
    const double *speeds = basin_params_given(params, "speeds") ? basin_params_list(params, "speeds", &n) : NULL;
    for (int w = 0; w < k; w++)
        a->speed[w] = speeds ? speeds[w] : 1;
    a->now = a->last_start = order == BASIN_ASYNC_FIXED || order == BASIN_ASYNC_REPLAY ? NAN : 0; /* no clock */
    for (int w = 0; w < k; w++) /* every worker reads the start at time 0 */
        a->ready[w] = compute_time(a, w, 0);
    return a;
}

/* The worker whose push comes next: the earliest ready, the lower on ties (replay: the recorded one; the
 * last when the record has ended). */
static int next_worker(const basin_async *a)
{
    if (a->order == BASIN_ASYNC_REPLAY)
        return (int)a->replay[(size_t)a->pushed < a->replay_len ? (size_t)a->pushed : a->replay_len - 1];
    int next = 0;
    for (int w = 1; w < a->workers; w++)
        if (a->ready[w] < a->ready[next])
            next = w;
    return next;
}

long basin_async_read(basin_async *a, long t)
{
    if (a->order == BASIN_ASYNC_FIXED)
        return t > a->delay ? t - a->delay : 0;
    if (a->order == BASIN_ASYNC_REPLAY && (size_t)a->pushed >= a->replay_len) {
        basin_error_set("async: the replay holds %zu pushes and step %ld asks for one more", a->replay_len, t + 1);
        return -1;
    }
    int w = next_worker(a);
    long read = a->read_at[w];
    a->pushed++;
    if (a->order != BASIN_ASYNC_REPLAY)
        a->now = a->ready[w], a->last_start = a->began[w];
    a->last = w;
    a->pushes[w]++;
    a->ready[w] = INFINITY; /* until it reads again */
    long slowest = a->pushes[0];
    for (int v = 1; v < a->workers; v++)
        slowest = a->pushes[v] < slowest ? a->pushes[v] : slowest;
    /* w, and any worker waiting on the slowest, reads the new point now unless it is too far ahead */
    for (int v = 0; v < a->workers; v++)
        if (isinf(a->ready[v]) && (a->ssp < 0 || a->pushes[v] - slowest <= a->ssp)) {
            a->read_at[v] = t + 1;
            a->began[v] = a->now;
            a->ready[v] = a->now + compute_time(a, v, a->pushes[v]);
        }
    return read;
}

long basin_async_staleness(const basin_async *a, long t)
{
    if (a->order == BASIN_ASYNC_FIXED)
        return t > a->delay ? a->delay : t;
    return t - a->read_at[next_worker(a)];
}

double basin_async_now(const basin_async *a)
{
    return a->now;
}

double basin_async_last_start(const basin_async *a)
{
    return a->last_start;
}

int basin_async_last_worker(const basin_async *a)
{
    return a->last;
}

int basin_async_workers(const basin_async *a)
{
    return a->workers;
}

double basin_async_speed(const basin_async *a, int w)
{
    return a->speed[w];
}

long basin_async_held(const basin_async *a, int w)
{
    return a->order == BASIN_ASYNC_FIXED ? -1 : a->read_at[w];
}

long basin_async_delay(const basin_async *a)
{
    return a->order == BASIN_ASYNC_FIXED ? a->delay : -1;
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
    free(a->speed), free(a->replay), free(a->read_at), free(a->ready), free(a->pushes), free(a->began);
    free(a);
}
