/* data_parallel.c: the synchronous data-parallel gradient source: deal, compute, all-reduce, average. */
#include "data_parallel.h"

#include "comm_threads.h"

#include "../analysis/noise_scale.h"
#include "../error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What PyTorch's training step runs on each worker (train.c's TRAINING_STEP). */
#define WORKER_STEP ((basin_eval_opts){.mode = BASIN_MODE_TRAIN, .update_stats = true, .dropout = true, .augment = true})

typedef struct worker {
    basin_data_parallel *dp;
    basin_net_problem *replica; /* owned */
    double *sums;               /* dim + 2: the shard's share of the gradient, of the loss, and of the mean
                                   squared norm of the workers' gradients */
    size_t *shard;              /* the shard's example indices */
    basin_comm *comm;           /* the step's communicator */
    basin_reducer bn_sync;      /* SyncBatchNorm's sums over the shards, through comm */
    int bn_status;              /* 0, or -1 once one of them failed */
    basin_span_buffer measured; /* the step's compute and all-reduce on the wall clock */
} worker;

struct basin_data_parallel {
    basin_net_problem *np;
    int k;
    bool bn_sync;               /* BatchNorm statistics over the global batch */
    unsigned long seed;         /* what dropout and augmentation are keyed by */
    double *speeds;             /* k */
    basin_cost_model cost;
    double clock;               /* the simulated time after the steps so far */
    double grad_sq_avg, trace_avg; /* the noise scale's running averages */
    basin_grad_step info;       /* of the last step */
    basin_timeline timeline;
    char title[128];
    double origin;              /* the wall clock when the workers were made */
    basin_comm *world;          /* MPI: this process is one rank of it (NULL: every worker a thread here) */
    size_t dim;
    worker *workers;
    void **ctx;
    basin_comm *comms;
    size_t values_sent;
    long step;                  /* gradients computed so far */
    /* the step being computed */
    const double *w;
    basin_batch batch;
};

/* The reducer SyncBatchNorm sums through: an all-reduce over the step's communicator. */
static int sum_over_shards(void *ctx, double *values, size_t n)
{
    worker *wk = ctx;
    if (wk->bn_status == 0)
        wk->bn_status = basin_comm_allreduce_sum(wk->comm, values, n);
    return wk->bn_status;
}

int basin_data_parallel_config_from(const basin_params *params, unsigned long seed, basin_data_parallel_config *cfg)
{
    *cfg = (basin_data_parallel_config){.workers = (int)basin_params_real(params, "workers"), .seed = seed,
                                        .bn_sync = basin_params_choice(params, "bn") == 1,
                                        .cost = basin_cost_model_from(params)};
    size_t n = 0;
    if (basin_params_given(params, "speeds"))
        cfg->speeds = basin_params_list(params, "speeds", &n);
    if (cfg->speeds && n != (size_t)cfg->workers) {
        basin_error_set("sync: speeds= gives %zu speeds for workers=%d", n, cfg->workers);
        return -1;
    }
    return 0;
}

basin_data_parallel *basin_data_parallel_create(basin_net_problem *np, const basin_data_parallel_config *cfg)
{
    int workers = cfg->workers;
    basin_data_parallel *dp = calloc(1, sizeof *dp);
    size_t n = np->data->train.n;
    if (dp) {
        dp->np = np, dp->k = workers, dp->dim = np->base.dim, dp->bn_sync = cfg->bn_sync, dp->seed = cfg->seed;
        dp->cost = cfg->cost, dp->world = cfg->world;
        basin_timeline_init(&dp->timeline, workers, "worker", BASIN_TIMELINE_LIMIT, 4);
        dp->origin = basin_timeline_wall();
        char speeds[96] = "";
        if (cfg->speeds)
            basin_timeline_speeds_text(cfg->speeds, workers, speeds, sizeof speeds);
        snprintf(dp->title, sizeof dp->title, "Synchronous data parallel: %d workers%s", workers, speeds);
        dp->timeline.title = dp->title;
        dp->workers = calloc((size_t)workers, sizeof *dp->workers);
        dp->ctx = calloc((size_t)workers, sizeof *dp->ctx);
        dp->comms = calloc((size_t)workers, sizeof *dp->comms);
        dp->speeds = malloc((size_t)workers * sizeof *dp->speeds);
        for (int r = 0; dp->speeds && r < workers; r++)
            dp->speeds[r] = cfg->speeds ? cfg->speeds[r] : 1;
    }
    bool ok = dp && dp->workers && dp->ctx && dp->comms && dp->speeds;
    for (int r = 0; ok && r < workers; r++) {
        worker *wk = &dp->workers[r];
        wk->dp = dp;
        wk->bn_sync = (basin_reducer){sum_over_shards, wk};
        dp->ctx[r] = wk;
        if (cfg->world && r != cfg->world->rank)
            continue; /* another process's worker */
        wk->replica = basin_net_problem_clone(np, cfg->seed * 1000003UL + (unsigned long)r);
        wk->sums = malloc((dp->dim + 2) * sizeof *wk->sums);
        wk->shard = malloc((n / (size_t)workers + 1) * sizeof *wk->shard);
        ok = wk->replica && wk->sums && wk->shard;
    }
    if (!ok) {
        basin_data_parallel_destroy(dp);
        basin_error_set("out of memory for %d data-parallel workers", workers);
        return NULL;
    }
    return dp;
}

/* |x|² in four interleaved sums (a fixed order: the same bits every run), fast where one chain of
 * additions would wait on each other. */
static double squared_norm(const double *x, size_t n)
{
    double sq[4] = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int j = 0; j < 4; j++)
            sq[j] += x[i + j] * x[i + j];
    for (; i < n; i++)
        sq[0] += x[i] * x[i];
    return (sq[0] + sq[1]) + (sq[2] + sq[3]);
}

/* One worker's step: its strided shard of the global batch, the shard's share of the gradient and loss
 * (dropout and augmentation keyed by example, BatchNorm's statistics its own or summed over the shards),
 * the all-reduce. */
static int worker_step(basin_comm *c, void *ctx)
{
    worker *wk = ctx;
    basin_data_parallel *dp = wk->dp;
    basin_model *model = wk->replica->net.model, *main = dp->np->net.model;
    size_t m = dp->batch.idx ? dp->batch.m : dp->np->data->train.n, count = 0;
    for (size_t p = (size_t)c->rank; p < m; p += (size_t)dp->k)
        wk->shard[count++] = dp->batch.idx ? dp->batch.idx[p] : p;
    memcpy(model->state, main->state, model->n_state * sizeof *model->state); /* rank 0's buffers */
    memset(wk->sums, 0, (dp->dim + 2) * sizeof *wk->sums);
    basin_comm_set_step(c, dp->step);
    wk->comm = c, wk->bn_status = 0;
    basin_draw_key key = {dp->seed, (uint64_t)dp->step, NULL};
    basin_shard shard = {m, &key, dp->bn_sync ? &wk->bn_sync : NULL};
    basin_eval_opts opts = WORKER_STEP;
    opts.shard = &shard;
    double began = basin_timeline_wall();
    /* a failed evaluation is NaN, as on one worker: the sum carries it to the trainer; with SyncBatchNorm
     * the worker stops instead, so that no other waits for sums it will not send. (Every worker has
     * examples then: parallel_gradient refuses batches smaller than K.) */
    if (count > 0)
        wk->sums[dp->dim] = basin_net_eval(wk->replica, dp->w, (basin_batch){wk->shard, count}, &opts, wk->sums);
    if (wk->bn_status != 0 || (dp->bn_sync && isnan(wk->sums[dp->dim])))
        return -1;
    if (count > 0 && dp->k > 1) { /* |g_r|² of the shard's mean gradient, weighted by its share (noise scale) */
        double share = (double)count / (double)m;
        wk->sums[dp->dim + 1] = squared_norm(wk->sums, dp->dim) / share;
    }
    double computed = basin_timeline_wall();
    int status = basin_comm_allreduce_sum(c, wk->sums, dp->dim + 2);
    long step = dp->step + 1;
    if (basin_span_buffer_add(&wk->measured, c->rank, BASIN_SPAN_COMPUTE, step, -1, began, computed) != 0 ||
        basin_span_buffer_add(&wk->measured, c->rank, BASIN_SPAN_COMM, step, -1, computed, basin_timeline_wall()) != 0)
        return -1;
    return status;
}

/* The step's simulated time and spans, and the noise scale's running estimate, from the reduced sums.
 * Returns 0, or -1 with a message when the timeline cannot grow. */
static int account(basin_data_parallel *dp, size_t m, const double *sums)
{
    double slowest = 0, per_worker = (double)m / dp->k, began = dp->clock;
    for (int r = 0; r < dp->k; r++) {
        size_t shard = (size_t)r < m ? (m - (size_t)r + (size_t)dp->k - 1) / (size_t)dp->k : 0;
        double busy = (double)shard / dp->speeds[r];
        slowest = fmax(slowest, busy);
        if (basin_timeline_add(&dp->timeline, (basin_span){r, BASIN_SPAN_COMPUTE, dp->step, -1, began, began + busy}) != 0)
            return -1;
    }
    double reduce = basin_cost_allreduce(&dp->cost, dp->dim + 2, dp->k);
    for (int r = 0; r < dp->k && dp->k > 1; r++)
        if (basin_timeline_add(&dp->timeline, (basin_span){r, BASIN_SPAN_COMM, dp->step, -1, began + slowest,
                                                           began + slowest + reduce}) != 0)
            return -1;
    dp->clock += slowest + reduce;
    dp->info.sim_time = dp->clock;
    snprintf(dp->timeline.note, sizeof dp->timeline.note, "%.0f values sent per worker a step",
             (double)dp->values_sent / (double)dp->step);
    double big_sq = dp->k > 1 ? squared_norm(sums, dp->dim) : NAN;
    if (!isfinite(big_sq))
        return 0;
    double grad_sq, trace, beta = 0.95;
    basin_noise_scale_pair(sums[dp->dim + 1], per_worker, big_sq, (double)m, dp->np->data->train.n, &grad_sq, &trace);
    dp->grad_sq_avg = beta * dp->grad_sq_avg + (1 - beta) * grad_sq;
    dp->trace_avg = beta * dp->trace_avg + (1 - beta) * trace;
    /* Adam-style bias corrections of the two averages are the same and cancel in the ratio */
    dp->info.noise_scale = dp->trace_avg / dp->grad_sq_avg;
    return 0;
}

static void parallel_step_info(void *ctx, basin_grad_step *info)
{
    *info = ((basin_data_parallel *)ctx)->info;
}

/* The step on one rank of an MPI world: this process's worker, then rank 0's running statistics sent to
 * every rank (DDP broadcasts buffers), so that every rank holds the same state as every thread would. */
static double rank_gradient(basin_data_parallel *dp, size_t m, double *g)
{
    basin_comm *c = dp->world;
    worker *wk = &dp->workers[c->rank];
    size_t sent = c->values_sent;
    int status = worker_step(c, wk);
    dp->step++;
    dp->values_sent += c->values_sent - sent;
    dp->info = (basin_grad_step){1, NAN, NAN, NAN, (double)(c->values_sent - sent), false};
    if (basin_span_buffer_flush(&wk->measured, &dp->timeline, dp->origin) != 0)
        status = -1;
    basin_model *main = dp->np->net.model, *mine = wk->replica->net.model;
    if (status == 0 && main->n_state) {
        memcpy(main->state, mine->state, main->n_state * sizeof *main->state);
        status = basin_comm_broadcast(c, main->state, main->n_state, 0);
    }
    basin_comm_release(c); /* the events: a timeline keeps what it needs */
    if (status != 0)
        return NAN;
    if (g)
        memcpy(g, wk->sums, dp->dim * sizeof *g);
    return account(dp, m, wk->sums) != 0 ? NAN : wk->sums[dp->dim];
}

static double parallel_gradient(void *ctx, const double *w, basin_batch batch, double *g)
{
    basin_data_parallel *dp = ctx;
    size_t m = batch.idx ? batch.m : dp->np->data->train.n;
    if (dp->bn_sync && m < (size_t)dp->k) {
        basin_error_set("bn=sync: a batch of %zu examples cannot be shared by %d workers", m, dp->k);
        return NAN;
    }
    dp->w = w, dp->batch = batch;
    if (dp->world)
        return rank_gradient(dp, m, g);
    int status = basin_comm_threads_run(dp->k, worker_step, dp->ctx, dp->comms);
    dp->step++;
    dp->values_sent += dp->comms[0].values_sent;
    for (int r = 0; r < dp->k; r++)
        if (basin_span_buffer_flush(&dp->workers[r].measured, &dp->timeline, dp->origin) != 0)
            status = -1;
    dp->info = (basin_grad_step){1, NAN, NAN, NAN, (double)dp->comms[0].values_sent, false};
    for (int r = 0; r < dp->k; r++)
        basin_comm_release(&dp->comms[r]);
    if (status != 0)
        return NAN;
    basin_model *main = dp->np->net.model, *first = dp->workers[0].replica->net.model;
    memcpy(main->state, first->state, main->n_state * sizeof *main->state);
    const double *sums = dp->workers[0].sums;
    if (g)
        memcpy(g, sums, dp->dim * sizeof *g);
    if (account(dp, m, sums) != 0)
        return NAN;
    return sums[dp->dim];
}

basin_grad_source basin_data_parallel_source(basin_data_parallel *dp)
{
    return (basin_grad_source){.gradient = parallel_gradient, .ctx = dp, .step_info = parallel_step_info};
}

int basin_data_parallel_gather_timeline(basin_data_parallel *dp)
{
    return dp->world ? basin_timeline_gather_measured(&dp->timeline, dp->world, dp->origin) : 0;
}

const basin_timeline *basin_data_parallel_timeline(const basin_data_parallel *dp)
{
    return &dp->timeline;
}

size_t basin_data_parallel_values_sent(const basin_data_parallel *dp)
{
    return dp->values_sent;
}

void basin_data_parallel_destroy(basin_data_parallel *dp)
{
    if (!dp)
        return;
    for (int r = 0; dp->workers && r < dp->k; r++) {
        basin_problem_destroy(dp->workers[r].replica ? &dp->workers[r].replica->base : NULL);
        free(dp->workers[r].sums);
        free(dp->workers[r].shard);
        basin_span_buffer_free(&dp->workers[r].measured);
    }
    free(dp->workers), free(dp->ctx), free(dp->comms), free(dp->speeds);
    basin_timeline_free(&dp->timeline);
    free(dp);
}

static const basin_param_spec sync_specs[] = {
    BASIN_INT("workers", "2", 1, 256, "workers K, each on its own thread with its own batch (global batch K × --batch)"),
    BASIN_CHOICE("bn", "local", "local|sync",
                 "BatchNorm statistics per worker (DDP's default) or over the global batch (SyncBatchNorm)"),
    BASIN_CHOICE("scale", "none", "none|linear|sqrt",
                 "the learning rate times K (Goyal et al. 2017) or √K (the square-root rule) for the K-fold batch"),
    BASIN_REAL("warmup", "0", 0, 1e6, "epochs over which the scaled rate ramps up linearly from the unscaled one"),
    BASIN_LIST("speeds", "", 1e-6, 1e6, "each worker's speed on the simulated clock, e.g. 1/1/1/0.25 (default all 1)"),
    BASIN_COST_MODEL_KEYS,
    BASIN_PARAMS_END};

const basin_entry basin_parallel_sync = {BASIN_KIND_PARALLEL, "sync",
                                         "synchronous data parallel: K workers, strided shards, ring all-reduce",
                                         sync_specs, NULL, {NULL}};
