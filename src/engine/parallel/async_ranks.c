/* async_ranks.c: the parameter server and its workers as MPI ranks, talking point to point: the server
 * sends [read step, batch size (0: the full batch), the batch's indices (padded to B), the parameters]
 * (a read step of −1: stop) and a worker answers [loss, read step, gradient]. */
#include "async_ranks.h"

#include "async.h"

#include "../error.h"
#include "../nn/batch_stream.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What PyTorch's training step runs on a worker (train.c's TRAINING_STEP). */
#define WORKER_STEP ((basin_eval_opts){.mode = BASIN_MODE_TRAIN, .update_stats = true, .dropout = true, .augment = true})

struct basin_async_ranks {
    basin_net_problem *np;
    basin_comm *world;
    int workers;               /* K: ranks 1..K */
    bool inverse;              /* lr_staleness=inverse */
    size_t dim;
    basin_batch_stream tickets; /* each point sent takes the next batch */
    double *message;           /* the larger of the two messages */
    size_t to_worker, to_server; /* their lengths: 2 + B + dim, 2 + dim */
    long *read_at;             /* K: the step whose point each worker holds, −1 when it holds none */
    double *sent_at;           /* K: when it was sent */
    int last;                  /* the worker of the last push, −1 before the first */
    long t;                    /* pushes so far */
    int *pushes;               /* the worker of each, cap of them */
    size_t cap;
    double staleness_sum;
    basin_grad_step info;
    basin_timeline timeline;
    char title[96];
};

static int refuse(const basin_net_problem *np, const basin_params *params, const basin_comm *world)
{
    static const char *const simulator_keys[] = {"order", "delay", "speeds", "jitter", "ssp", "pushes"};
    for (size_t i = 0; i < sizeof simulator_keys / sizeof *simulator_keys; i++)
        if (basin_params_given(params, simulator_keys[i])) {
            basin_error_set("async on MPI ranks: the pushes come as the workers finish; %s= is the simulator's "
                            "(--backend threads)", simulator_keys[i]);
            return -1;
        }
    int k = (int)basin_params_real(params, "workers");
    if (k + 1 != world->size) {
        basin_error_set("async:workers=%d needs %d ranks (rank 0 serves the parameters) but the launcher started %d; "
                        "give workers=%d", k, k + 1, world->size, world->size - 1);
        return -1;
    }
    const basin_model *m = np->net.model;
    const char *stays = m->n_state ? "BatchNorm's running statistics"
                        : basin_model_has_layer(m, BASIN_LAYER_DROPOUT) ? "dropout's masks"
                        : np->augment ? "augmentation's draws" : NULL;
    if (stays) {
        basin_error_set("async on MPI ranks cannot train this model yet: %s would stay on the workers, and the run "
                        "could not be replayed (--backend threads simulates it)", stays);
        return -1;
    }
    return 0;
}

basin_async_ranks *basin_async_ranks_create(basin_net_problem *np, const basin_params *params, size_t batch,
                                            unsigned long seed, basin_comm *world)
{
    if (refuse(np, params, world) != 0)
        return NULL;
    basin_async_ranks *ar = calloc(1, sizeof *ar);
    if (!ar || basin_batch_stream_init(&ar->tickets, np->data->train.n, batch, seed) != 0) {
        free(ar);
        basin_error_set("out of memory for asynchronous training");
        return NULL;
    }
    int k = world->size - 1;
    ar->np = np, ar->world = world, ar->workers = k, ar->dim = np->base.dim, ar->last = -1;
    ar->inverse = basin_params_choice(params, "lr_staleness") == 1;
    ar->to_worker = 2 + ar->tickets.B + ar->dim, ar->to_server = 2 + ar->dim;
    ar->message = malloc(ar->to_worker * sizeof *ar->message);
    ar->read_at = malloc((size_t)k * sizeof *ar->read_at);
    ar->sent_at = calloc((size_t)k, sizeof *ar->sent_at);
    if (!ar->message || !ar->read_at || !ar->sent_at) {
        basin_async_ranks_destroy(ar);
        basin_error_set("out of memory for messages of %zu parameters", np->base.dim);
        return NULL;
    }
    for (int w = 0; w < k; w++)
        ar->read_at[w] = -1;
    basin_timeline_init(&ar->timeline, k, "worker", BASIN_TIMELINE_LIMIT, 3L * k);
    snprintf(ar->title, sizeof ar->title, "Asynchronous SGD on %d MPI ranks, rank 0 serving", k + 1);
    ar->timeline.title = ar->title;
    ar->timeline.clock = "seconds since the first step shown, measured on rank 0";
    return ar;
}

bool basin_async_ranks_is_worker(const basin_async_ranks *ar)
{
    return ar->world->rank != 0;
}

int basin_async_ranks_serve(basin_async_ranks *ar)
{
    double *m = ar->message, *g = malloc(ar->to_server * sizeof *g);
    size_t *idx = malloc((ar->tickets.B + 1) * sizeof *idx);
    if (!g || !idx) {
        free(g), free(idx);
        basin_error_set("rank %d: out of memory for a gradient of %zu values", ar->world->rank, ar->dim);
        return -1;
    }
    int rc = 0;
    while ((rc = basin_comm_recv(ar->world, 0, m, ar->to_worker)) == 0 && m[0] >= 0) {
        size_t count = (size_t)m[1];
        for (size_t i = 0; i < count; i++)
            idx[i] = (size_t)m[2 + i];
        basin_batch batch = count ? (basin_batch){idx, count} : BASIN_FULL_BATCH;
        g[0] = basin_net_eval(ar->np, m + 2 + ar->tickets.B, batch, &WORKER_STEP, g + 2);
        g[1] = m[0];
        if (!isfinite(g[0])) /* the server sees the non-finite loss and ends training */
            for (size_t i = 2; i < ar->to_server; i++)
                g[i] = NAN;
        if ((rc = basin_comm_send(ar->world, 0, g, ar->to_server)) != 0)
            break;
    }
    free(g), free(idx);
    return rc;
}

/* Sends worker w the point w_now as step read's, with the next batch. */
static int send_point(basin_async_ranks *ar, int w, long read, const double *point)
{
    double *m = ar->message;
    basin_batch b = basin_batch_stream_next(&ar->tickets);
    m[0] = (double)read, m[1] = b.idx ? (double)b.m : 0;
    for (size_t i = 0; i < ar->tickets.B; i++)
        m[2 + i] = b.idx && i < b.m ? (double)b.idx[i] : 0;
    memcpy(m + 2 + ar->tickets.B, point, ar->dim * sizeof *point);
    ar->read_at[w] = read;
    ar->sent_at[w] = basin_comm_now(ar->world);
    return basin_comm_send(ar->world, w + 1, m, ar->to_worker);
}

static int record_push(basin_async_ranks *ar, int w)
{
    if ((size_t)ar->t == ar->cap) {
        size_t cap = ar->cap ? 2 * ar->cap : 256;
        int *grown = realloc(ar->pushes, cap * sizeof *grown);
        if (!grown) {
            basin_error_set("out of memory recording %ld pushes", ar->t + 1);
            return -1;
        }
        ar->pushes = grown, ar->cap = cap;
    }
    ar->pushes[ar->t] = w;
    return 0;
}

static double server_gradient(void *ctx, const double *w, basin_batch batch, double *g)
{
    (void)batch; /* the worker's own, sent with its point */
    basin_async_ranks *ar = ctx;
    long t = ar->t;
    ar->info = (basin_grad_step){.failed = true}; /* until it has the gradient */
    for (int k = 0; k < ar->workers; k++) /* at the start every worker reads; then the last pusher */
        if ((t == 0 || k == ar->last) && send_point(ar, k, t, w) != 0)
            return NAN;
    double *m = ar->message;
    int from;
    if (basin_comm_recv_any(ar->world, &from, m, ar->to_server) != 0)
        return NAN;
    int k = from - 1;
    long tau = t - (long)m[1];
    if (record_push(ar, k) != 0)
        return NAN;
    memcpy(g, m + 2, ar->dim * sizeof *g);
    ar->last = k, ar->read_at[k] = -1, ar->t++;
    ar->staleness_sum += (double)tau;
    ar->info = (basin_grad_step){ar->inverse && tau > 0 ? 1.0 / (double)tau : 1.0, (double)tau, NAN, NAN, NAN, false};
    basin_span span = {k, BASIN_SPAN_COMPUTE, t + 1, -1, ar->sent_at[k], basin_comm_now(ar->world)};
    if (basin_timeline_add(&ar->timeline, span) != 0)
        return ar->info.failed = true, NAN;
    return m[0];
}

static void server_step_info(void *ctx, basin_grad_step *info)
{
    *info = ((basin_async_ranks *)ctx)->info;
}

basin_grad_source basin_async_ranks_source(basin_async_ranks *ar)
{
    return (basin_grad_source){.gradient = server_gradient, .ctx = ar, .step_info = server_step_info};
}

int basin_async_ranks_end(basin_async_ranks *ar)
{
    double *m = ar->message;
    int computing = 0;
    for (int k = 0; k < ar->workers; k++)
        computing += ar->read_at[k] >= 0;
    for (int from; computing > 0; computing--) /* their pushes, which nobody applies now */
        if (basin_comm_recv_any(ar->world, &from, m, ar->to_server) != 0)
            return -1;
    memset(m, 0, ar->to_worker * sizeof *m);
    m[0] = -1;
    for (int k = 0; k < ar->workers; k++)
        if (basin_comm_send(ar->world, k + 1, m, ar->to_worker) != 0)
            return -1;
    return 0;
}

const int *basin_async_ranks_pushes(const basin_async_ranks *ar, size_t *n)
{
    *n = (size_t)ar->t;
    return ar->pushes;
}

double basin_async_ranks_staleness_sum(const basin_async_ranks *ar)
{
    return ar->staleness_sum;
}

const basin_timeline *basin_async_ranks_timeline(const basin_async_ranks *ar)
{
    return &ar->timeline;
}

void basin_async_ranks_destroy(basin_async_ranks *ar)
{
    if (!ar)
        return;
    basin_batch_stream_release(&ar->tickets);
    basin_timeline_free(&ar->timeline);
    free(ar->message), free(ar->read_at), free(ar->sent_at), free(ar->pushes);
    free(ar);
}
