/* async_training.c: stale gradients for the trainer: the parameters each worker read, kept until it
 * pushes. */
#include "async_training.h"

#include "../error.h"
#include "../nn/batch_stream.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What PyTorch's training step runs on a worker (train.c's TRAINING_STEP). */
#define WORKER_STEP ((basin_eval_opts){.mode = BASIN_MODE_TRAIN, .update_stats = true, .dropout = true, .augment = true})

struct basin_async_training {
    basin_net_problem *np;
    basin_async *rule;  /* owned */
    size_t dim;
    int slots;          /* K held points, or T + 1 past ones for order=fixed */
    double *points;     /* slots × dim */
    basin_batch_stream tickets; /* round-robin and events: each read's batch, in the order of the reads */
    size_t *batches;    /* slots × B: the batch each worker read with its point */
    size_t *batch_m;    /* slots: its examples (0: the full batch) */
    long t;             /* steps so far */
    double unit;        /* the rule's clock counts gradients: one is the first batch's examples */
    double staleness_sum;
    int *pushes;        /* the worker of each push so far (not for order=fixed), cap of them */
    size_t cap;
    basin_grad_step info;
    basin_timeline timeline;
    char title[128];
    double origin;      /* the wall clock when it was made */
};

basin_async_training *basin_async_training_create(basin_net_problem *np, const basin_params *params,
                                                  size_t batch, unsigned long seed)
{
    basin_async *rule = basin_async_create(params, seed);
    if (!rule)
        return NULL;
    basin_async_training *at = calloc(1, sizeof *at);
    long delay = basin_async_delay(rule);
    int slots = delay >= 0 ? (int)delay + 1 : basin_async_workers(rule);
    if (at) {
        at->np = np, at->rule = rule, at->dim = np->base.dim, at->slots = slots;
        at->points = malloc((size_t)slots * at->dim * sizeof *at->points);
        if (delay < 0 && basin_batch_stream_init(&at->tickets, np->data->train.n, batch, seed) == 0) {
            at->batches = malloc((size_t)slots * at->tickets.B * sizeof *at->batches);
            at->batch_m = calloc((size_t)slots, sizeof *at->batch_m);
        }
        basin_timeline_init(&at->timeline, basin_async_workers(rule), "worker", BASIN_TIMELINE_LIMIT,
                            3L * basin_async_workers(rule));
        at->origin = basin_timeline_wall();
        int k = basin_async_workers(rule);
        double speeds[64];
        char text[96] = "";
        for (int w = 0; w < k && w < 64; w++)
            speeds[w] = basin_async_speed(rule, w);
        if (k <= 64)
            basin_timeline_speeds_text(speeds, k, text, sizeof text);
        snprintf(at->title, sizeof at->title, "Asynchronous SGD: %d workers%s", k, text);
        at->timeline.title = at->title;
    }
    if (!at || !at->points || (delay < 0 && (!at->batches || !at->batch_m))) {
        if (at)
            at->rule = rule, basin_async_training_destroy(at);
        else
            basin_async_destroy(rule);
        basin_error_set("out of memory for %d copies of %zu parameters", slots, np->base.dim);
        return NULL;
    }
    return at;
}

static double async_gradient(void *ctx, const double *w, basin_batch batch, double *g)
{
    basin_async_training *at = ctx;
    long t = at->t, delay = basin_async_delay(at->rule);
    at->info = (basin_grad_step){.failed = true}; /* until it has the gradient */
    if (delay >= 0) { /* a ring of the last T + 1 points */
        memcpy(at->points + (size_t)(t % at->slots) * at->dim, w, at->dim * sizeof *w);
    } else { /* every worker that read this step's point keeps a copy, and draws its batch */
        for (int k = 0; k < at->slots; k++)
            if (basin_async_held(at->rule, k) == t) {
                memcpy(at->points + (size_t)k * at->dim, w, at->dim * sizeof *w);
                basin_batch b = basin_batch_stream_next(&at->tickets);
                at->batch_m[k] = b.idx ? b.m : 0;
                if (b.idx)
                    memcpy(at->batches + (size_t)k * at->tickets.B, b.idx, b.m * sizeof *b.idx);
            }
    }
    double factor = basin_async_lr_factor(at->rule, t);
    long read = basin_async_read(at->rule, t);
    if (read < 0)
        return NAN;
    int slot = delay >= 0 ? (int)(read % at->slots) : basin_async_last_worker(at->rule);
    if (delay < 0 && (size_t)t == at->cap) {
        size_t cap = at->cap ? 2 * at->cap : 256;
        int *grown = realloc(at->pushes, cap * sizeof *grown);
        if (!grown) {
            basin_error_set("out of memory recording %ld pushes", t + 1);
            return NAN;
        }
        at->pushes = grown, at->cap = cap;
    }
    if (delay < 0)
        at->pushes[t] = slot;
    at->t++;
    at->staleness_sum += (double)(t - read);
    if (at->unit == 0)
        at->unit = (double)(batch.idx ? batch.m : at->np->data->train.n);
    double now = at->unit * basin_async_now(at->rule), began = at->unit * basin_async_last_start(at->rule);
    at->info = (basin_grad_step){factor, (double)(t - read), now, NAN, NAN, false};
    if (!isnan(now) && basin_timeline_add(&at->timeline, (basin_span){slot, BASIN_SPAN_COMPUTE, t + 1, -1, began, now}) != 0)
        return at->info.failed = true, NAN;
    if (delay < 0) /* the batch its worker drew when it read */
        batch = at->batch_m[slot] ? (basin_batch){at->batches + (size_t)slot * at->tickets.B, at->batch_m[slot]}
                                  : BASIN_FULL_BATCH;
    double wall = basin_timeline_wall(); /* the workers take turns on this thread: measured one after another */
    double loss = basin_net_eval(at->np, at->points + (size_t)slot * at->dim, batch, &WORKER_STEP, g);
    basin_span measured = {slot, BASIN_SPAN_COMPUTE, t + 1, -1, wall - at->origin, basin_timeline_wall() - at->origin};
    if (basin_timeline_add_measured(&at->timeline, measured) != 0)
        return at->info.failed = true, NAN;
    return loss;
}

static void async_step_info(void *ctx, basin_grad_step *info)
{
    *info = ((basin_async_training *)ctx)->info;
}

basin_grad_source basin_async_training_source(basin_async_training *at)
{
    return (basin_grad_source){.gradient = async_gradient, .ctx = at, .step_info = async_step_info};
}

const basin_timeline *basin_async_training_timeline(const basin_async_training *at)
{
    return &at->timeline;
}

const int *basin_async_training_pushes(const basin_async_training *at, size_t *n)
{
    *n = at->pushes ? (size_t)at->t : 0;
    return at->pushes;
}

double basin_async_training_staleness_sum(const basin_async_training *at)
{
    return at->staleness_sum;
}

void basin_async_training_destroy(basin_async_training *at)
{
    if (!at)
        return;
    basin_async_destroy(at->rule);
    basin_timeline_free(&at->timeline);
    basin_batch_stream_release(&at->tickets);
    free(at->points), free(at->batches), free(at->batch_m), free(at->pushes);
    free(at);
}
