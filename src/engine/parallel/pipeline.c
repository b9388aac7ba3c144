/* pipeline.c: the staged execution: pieces of the model on stage threads, following the schedule's
 * lists, messages tagged by (kind, piece, micro-batch) so that one queue between two stages can carry
 * forwards and backwards of several chunks. */
#include "pipeline.h"

#include "comm_threads.h"

#include "../error.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { HEADER = 4 }; /* a message's header: kind (0 forward, 1 backward), sending piece, micro-batch, values */

/* A copy of the model that holds one piece's activations for one micro-batch between its forward and its
 * backward. */
typedef struct slot {
    basin_model *model; /* owned */
    double *input;      /* the piece's input received from the previous stage */
    double *dout;       /* the gradient on the piece's outputs */
    bool busy;
} slot;

/* A message that arrived before the one the stage waited for. */
typedef struct stashed {
    struct stashed *next;
    int from;
    double header[HEADER];
    double data[];
} stashed;

typedef struct stage {
    basin_pipeline *pp;
    basin_net_problem *replica; /* owned: gathers the batch's inputs and labels */
    slot *slots;
    int n_slots;
    int *slot_of;               /* [chunk·M + micro]: the slot holding it */
    double *g;                  /* dim: the gradient of this stage's pieces' parameters */
    double *state;              /* the running statistics as this stage moves them */
    double loss;
    stashed *stash;
    basin_span_buffer measured; /* the step's forwards and backwards on the wall clock */
} stage;

struct basin_pipeline {
    basin_net_problem *np;
    basin_pipeline_config cfg;  /* cfg.balance points to balance */
    double *balance;            /* owned copy of the configuration's, or NULL */
    int pieces;
    size_t *bounds;             /* pieces + 1: piece p is layers [bounds[p], bounds[p + 1]) */
    basin_pipe_action *actions;
    stage *stages;
    void **ctx;
    basin_comm *comms;
    size_t *identity;           /* 0 … n − 1: the full batch's example indices */
    size_t widest;              /* values per example of the widest layer input or output */
    size_t values_sent;
    long step;
    double clock;               /* the simulated time after the steps so far */
    double *costs;              /* 3 × pieces: basin_pipe_costs' arrays */
    double *starts;             /* S × actions per stage: when each action began in the last step */
    double *merged;             /* MPI: the stage's gradient, loss share, statistics and values sent (a
                                   share of the mean), summed over the ranks */
    basin_timeline timeline;
    char title[128];
    double origin;              /* the wall clock when the pipeline was made */
    basin_grad_step info;       /* of the last step */
    /* the step being computed */
    const double *w;
    basin_batch batch;
};

basin_pipeline_config basin_pipeline_config_from(const basin_params *params, unsigned long seed)
{
    basin_pipeline_config cfg = {.stages = (int)basin_params_real(params, "stages"),
                                 .micro = (int)basin_params_real(params, "micro"),
                                 .schedule = (basin_pipe_kind)basin_params_choice(params, "schedule"),
                                 .seed = seed, .cost = basin_cost_model_from(params),
                                 .equal_costs = basin_params_choice(params, "costs") == 1};
    cfg.chunks = cfg.schedule == BASIN_PIPE_INTERLEAVED ? (int)basin_params_real(params, "chunks") : 1;
    if (basin_params_given(params, "balance"))
        cfg.balance = basin_params_list(params, "balance", &cfg.n_balance);
    return cfg;
}

/* Splits n layers into p contiguous non-empty pieces minimizing the largest piece's work and, among the
 * splits that do, the sum of the pieces' squared work (the most even of them), by dynamic programming over
 * prefix sums. Returns 0, or -1 with a message. */
static int balance_by_work(const basin_model *m, int p, size_t *bounds)
{
    size_t n = m->n_layers, P = (size_t)p, cells = (n + 1) * (P + 1);
    double *prefix = malloc((n + 1) * sizeof *prefix), *worst = malloc(cells * sizeof *worst);
    double *squares = malloc(cells * sizeof *squares);
    size_t *cut = malloc(cells * sizeof *cut);
    if (!prefix || !worst || !squares || !cut) {
        free(prefix), free(worst), free(squares), free(cut);
        basin_error_set("out of memory balancing %zu layers", n);
        return -1;
    }
    prefix[0] = 0;
    for (size_t i = 0; i < n; i++)
        prefix[i + 1] = prefix[i] + basin_layer_work(&m->layers[i]);
    /* [j·(P+1) + k]: the best split of the first j layers into k pieces */
    for (size_t c = 0; c < cells; c++)
        worst[c] = squares[c] = INFINITY;
    worst[0] = squares[0] = 0;
    for (size_t k = 1; k <= P; k++)
        for (size_t j = k; j <= n; j++)
            for (size_t i = k - 1; i < j; i++) {
                double piece = prefix[j] - prefix[i], w = fmax(worst[i * (P + 1) + k - 1], piece);
                double sq = squares[i * (P + 1) + k - 1] + piece * piece;
                size_t here = j * (P + 1) + k;
                if (w < worst[here] || (w == worst[here] && sq < squares[here]))
                    worst[here] = w, squares[here] = sq, cut[here] = i;
            }
    bounds[P] = n;
    for (size_t k = P, j = n; k > 0; k--)
        j = bounds[k - 1] = cut[j * (P + 1) + k];
    free(prefix), free(worst), free(squares), free(cut);
    return 0;
}

static int split_layers(basin_pipeline *pp)
{
    const basin_model *m = pp->np->net.model;
    if (m->n_layers < (size_t)pp->pieces) {
        basin_error_set("pipeline: %d pieces need at least %d layers; the model has %zu", pp->pieces, pp->pieces,
                        m->n_layers);
        return -1;
    }
    if (!pp->cfg.balance)
        return balance_by_work(m, pp->pieces, pp->bounds);
    if (pp->cfg.n_balance != (size_t)pp->pieces) {
        basin_error_set("pipeline: balance= gives %zu counts for %d pieces", pp->cfg.n_balance, pp->pieces);
        return -1;
    }
    pp->bounds[0] = 0;
    for (int p = 0; p < pp->pieces; p++) {
        double count = pp->cfg.balance[p];
        if (count < 1 || count != floor(count)) {
            basin_error_set("pipeline: balance= count %g is not a whole number of layers ≥ 1", count);
            return -1;
        }
        pp->bounds[p + 1] = pp->bounds[p] + (size_t)count;
    }
    if (pp->bounds[pp->pieces] != m->n_layers) {
        basin_error_set("pipeline: balance= counts add up to %zu layers; the model has %zu", pp->bounds[pp->pieces],
                        m->n_layers);
        return -1;
    }
    return 0;
}

static int make_stage(basin_pipeline *pp, int s)
{
    stage *st = &pp->stages[s];
    st->pp = pp;
    pp->ctx[s] = st;
    size_t dim = pp->np->base.dim, n_state = pp->np->net.model->n_state;
    int m = pp->cfg.micro, pieces_in_flight = basin_pipe_peak_in_flight(pp->actions, s, m, pp->cfg.chunks);
    size_t rows = (pp->np->data->train.n + (size_t)m - 1) / (size_t)m; /* the largest micro-batch */
    st->n_slots = pieces_in_flight;
    st->slots = calloc((size_t)pieces_in_flight, sizeof *st->slots);
    st->slot_of = calloc((size_t)m * (size_t)pp->cfg.chunks, sizeof *st->slot_of);
    st->g = malloc(dim * sizeof *st->g);
    st->state = malloc((n_state ? n_state : 1) * sizeof *st->state);
    st->replica = basin_net_problem_clone(pp->np, 0);
    if (!st->slots || !st->slot_of || !st->g || !st->state || !st->replica)
        return -1;
    for (int k = 0; k < pieces_in_flight; k++) {
        slot *sl = &st->slots[k];
        sl->model = basin_model_clone(pp->np->net.model);
        sl->input = malloc(rows * pp->widest * sizeof *sl->input);
        sl->dout = malloc(rows * pp->widest * sizeof *sl->dout);
        if (!sl->model || !sl->input || !sl->dout)
            return -1;
    }
    return 0;
}

basin_pipeline *basin_pipeline_create(basin_net_problem *np, const basin_pipeline_config *cfg)
{
    int S = cfg->stages, M = cfg->micro, V = cfg->chunks;
    if (cfg->schedule == BASIN_PIPE_INTERLEAVED && M % S != 0) {
        basin_error_set("pipeline: the interleaved schedule needs micro= a multiple of stages=%d, not %d", S, M);
        return NULL;
    }
    basin_pipeline *pp = calloc(1, sizeof *pp);
    size_t n = np->data->train.n;
    if (pp) {
        pp->np = np, pp->cfg = *cfg, pp->pieces = S * V;
        pp->bounds = calloc((size_t)pp->pieces + 1, sizeof *pp->bounds);
        pp->actions = malloc((size_t)S * basin_pipe_actions_per_stage(M, V) * sizeof *pp->actions);
        pp->stages = calloc((size_t)S, sizeof *pp->stages);
        pp->ctx = calloc((size_t)S, sizeof *pp->ctx);
        pp->comms = calloc((size_t)S, sizeof *pp->comms);
        pp->identity = malloc(n * sizeof *pp->identity);
        pp->costs = malloc(3 * (size_t)pp->pieces * sizeof *pp->costs);
        pp->starts = malloc((size_t)S * basin_pipe_actions_per_stage(M, V) * sizeof *pp->starts);
        basin_timeline_init(&pp->timeline, S, "stage", BASIN_TIMELINE_LIMIT, 1);
        pp->origin = basin_timeline_wall();
        static const char *const names[] = {"GPipe", "1F1B", "Interleaved 1F1B"};
        char chunks[32] = "";
        if (V > 1)
            snprintf(chunks, sizeof chunks, " × %d chunks", V);
        snprintf(pp->title, sizeof pp->title, "%s: %d stages%s, %d micro-batch%s", names[cfg->schedule], S, chunks, M,
                 M == 1 ? "" : "es");
        pp->timeline.title = pp->title;
        if (cfg->balance && (pp->balance = malloc(cfg->n_balance * sizeof *cfg->balance)))
            memcpy(pp->balance, cfg->balance, cfg->n_balance * sizeof *cfg->balance);
        pp->cfg.balance = pp->balance;
    }
    if (!pp || !pp->bounds || !pp->actions || !pp->stages || !pp->ctx || !pp->comms || !pp->identity || !pp->costs || !pp->starts ||
        (cfg->balance && !pp->balance)) {
        basin_pipeline_destroy(pp);
        basin_error_set("out of memory for a pipeline of %d stages", S);
        return NULL;
    }
    if (split_layers(pp) != 0) {
        basin_pipeline_destroy(pp);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        pp->identity[i] = i;
    const basin_model *m = np->net.model;
    pp->widest = m->in_features;
    for (size_t i = 0; i < m->n_layers; i++) {
        size_t ins = basin_layer_inputs(&m->layers[i]), outs = basin_layer_outputs(&m->layers[i]);
        pp->widest = ins > pp->widest ? ins : pp->widest;
        pp->widest = outs > pp->widest ? outs : pp->widest;
    }
    basin_pipe_schedule(cfg->schedule, S, M, V, pp->actions);
    int peak = 0;
    for (int s = 0; s < S; s++) {
        int held = basin_pipe_peak_in_flight(pp->actions, s, M, V);
        peak = held > peak ? held : peak;
        if (cfg->world && s != cfg->world->rank)
            continue; /* another process's stage */
        if (make_stage(pp, s) != 0) {
            basin_pipeline_destroy(pp);
            basin_error_set("out of memory for a pipeline of %d stages", S);
            return NULL;
        }
    }
    if (cfg->world && !(pp->merged = malloc((np->base.dim + 2 + np->net.model->n_state) * sizeof *pp->merged))) {
        basin_pipeline_destroy(pp);
        basin_error_set("out of memory for a pipeline of %d stages", S);
        return NULL;
    }
    snprintf(pp->timeline.note, sizeof pp->timeline.note, "at most %d micro-batch%s in flight", peak,
             peak == 1 ? "" : "es");
    return pp;
}

/* Sends n values to stage `to` behind a header naming them. 0, or -1 with a message. */
static int send_tagged(basin_comm *c, int to, int kind, int piece, int micro, const double *data, size_t n)
{
    double header[HEADER] = {kind, piece, micro, (double)n};
    return basin_comm_send(c, to, header, HEADER) == 0 && basin_comm_send(c, to, data, n) == 0 ? 0 : -1;
}

/* Receives into data the n values stage `from` sent under (kind, piece, micro), keeping whatever else
 * arrives first for later. 0, or -1 with a message. */
static int recv_tagged(basin_comm *c, stage *st, int from, int kind, int piece, int micro, double *data, size_t n)
{
    for (stashed **p = &st->stash; *p; p = &(*p)->next) {
        stashed *x = *p;
        if (x->from == from && x->header[0] == kind && x->header[1] == piece && x->header[2] == micro) {
            memcpy(data, x->data, n * sizeof *data);
            *p = x->next;
            free(x);
            return 0;
        }
    }
    for (;;) {
        double header[HEADER];
        if (basin_comm_recv(c, from, header, HEADER) != 0)
            return -1;
        size_t values = (size_t)header[3];
        if (header[0] == kind && header[1] == piece && header[2] == micro && values == n)
            return basin_comm_recv(c, from, data, n);
        stashed *x = malloc(sizeof *x + (values ? values : 1) * sizeof *x->data);
        if (!x) {
            basin_error_set("stage %d: out of memory keeping a message of %zu values", c->rank, values);
            return -1;
        }
        x->from = from;
        memcpy(x->header, header, sizeof header);
        if (basin_comm_recv(c, from, x->data, values) != 0) {
            free(x);
            return -1;
        }
        x->next = st->stash, st->stash = x;
    }
}

static int free_slot(const stage *st)
{
    for (int k = 0; k < st->n_slots; k++)
        if (!st->slots[k].busy)
            return k;
    return -1;
}

/* One action of stage s's list. 0, or -1 with a message. */
static int run_action(basin_comm *c, stage *st, const basin_pipe_action *a, const double *x)
{
    basin_pipeline *pp = st->pp;
    int S = pp->cfg.stages, piece = a->chunk * S + c->rank, last = pp->pieces - 1;
    size_t first = pp->bounds[piece], end = pp->bounds[piece + 1], B = pp->batch.m, r0, r1;
    basin_comm_chunk(B, pp->cfg.micro, a->micro, &r0, &r1);
    size_t rows = r1 - r0;
    const basin_model *whole = pp->np->net.model;
    size_t ins = basin_layer_inputs(&whole->layers[first]), outs = basin_layer_outputs(&whole->layers[end - 1]);
    int *held = &st->slot_of[a->chunk * pp->cfg.micro + a->micro];
    if (a->op == 'F') {
        int k = free_slot(st);
        BASIN_ASSERT(k >= 0); /* the slots are as many as the list ever holds */
        slot *sl = &st->slots[k];
        sl->busy = true, *held = k;
        const double *input = x + r0 * whole->in_features;
        if (piece > 0) {
            if (recv_tagged(c, st, (piece - 1) % S, 0, piece - 1, a->micro, sl->input, rows * ins) != 0)
                return -1;
            input = sl->input;
        }
        basin_draw_key key = {pp->cfg.seed, (uint64_t)pp->step, pp->batch.idx + r0};
        basin_forward_opts opts = {.mode = BASIN_MODE_TRAIN, .update_stats = true, .key = &key};
        memcpy(sl->model->state, st->state, whole->n_state * sizeof *st->state);
        double began = basin_timeline_wall();
        const double *out = basin_model_forward_range(sl->model, pp->w, first, end, input, rows, opts);
        if (basin_span_buffer_add(&st->measured, c->rank, BASIN_SPAN_FORWARD, pp->step + 1, a->micro, began,
                                  basin_timeline_wall()) != 0)
            return -1;
        memcpy(st->state, sl->model->state, whole->n_state * sizeof *st->state);
        if (!out)
            return -1;
        if (piece == last) {
            st->loss += basin_net_batch_loss(st->replica, r0, rows, B, out, sl->dout);
            return 0;
        }
        return send_tagged(c, (piece + 1) % S, 0, piece, a->micro, out, rows * outs);
    }
    slot *sl = &st->slots[*held];
    if (piece < last && recv_tagged(c, st, (piece + 1) % S, 1, piece + 1, a->micro, sl->dout, rows * outs) != 0)
        return -1;
    double began = basin_timeline_wall();
    const double *din = basin_model_backward_range(sl->model, pp->w, first, end, sl->dout, st->g, NULL, NULL);
    sl->busy = false;
    if (basin_span_buffer_add(&st->measured, c->rank, BASIN_SPAN_BACKWARD, pp->step + 1, a->micro, began,
                              basin_timeline_wall()) != 0)
        return -1;
    return piece > 0 ? send_tagged(c, (piece - 1) % S, 1, piece, a->micro, din, rows * ins) : 0;
}

/* A stage's step: its list in order. */
static int stage_step(basin_comm *c, void *ctx)
{
    stage *st = ctx;
    basin_pipeline *pp = st->pp;
    int S = pp->cfg.stages;
    basin_comm_set_step(c, pp->step);
    memset(st->g, 0, pp->np->base.dim * sizeof *st->g);
    memcpy(st->state, pp->np->net.model->state, pp->np->net.model->n_state * sizeof *st->state);
    st->loss = 0;
    const double *x = NULL;
    if ((c->rank == 0 || c->rank == S - 1) && !(x = basin_net_batch_inputs(st->replica, pp->batch)))
        return -1;
    size_t per_stage = basin_pipe_actions_per_stage(pp->cfg.micro, pp->cfg.chunks);
    const basin_pipe_action *list = pp->actions + (size_t)c->rank * per_stage;
    for (size_t i = 0; i < per_stage; i++)
        if (run_action(c, st, &list[i], x) != 0)
            return -1;
    return 0;
}

/* The step's makespan on the simulated clock for a batch of B (see pipeline.h), its actions' spans added
 * to the timeline from the clock on. Returns it, or a negative value with a message. */
static double step_time(basin_pipeline *pp, size_t B)
{
    const basin_model *m = pp->np->net.model;
    size_t P = (size_t)pp->pieces;
    double total = 0, rows = (double)B / pp->cfg.micro;
    for (size_t i = 0; i < m->n_layers; i++)
        total += basin_layer_work(&m->layers[i]);
    for (size_t p = 0; p < P; p++) {
        double work = 0;
        for (size_t i = pp->bounds[p]; i < pp->bounds[p + 1]; i++)
            work += basin_layer_work(&m->layers[i]);
        if (pp->cfg.equal_costs)
            work = total / (double)P;
        pp->costs[p] = work / total / 3 * rows;
        pp->costs[P + p] = 2 * pp->costs[p];
        size_t outs = basin_layer_outputs(&m->layers[pp->bounds[p + 1] - 1]);
        pp->costs[2 * P + p] = basin_cost_message(&pp->cfg.cost, (size_t)ceil(rows * (double)outs));
    }
    basin_pipe_costs costs = {pp->costs, pp->costs + P, pp->costs + 2 * P};
    double makespan = basin_pipe_simulate_costs(pp->actions, pp->cfg.stages, pp->cfg.micro, pp->cfg.chunks, &costs,
                                                pp->starts, NULL, NULL);
    size_t per_stage = basin_pipe_actions_per_stage(pp->cfg.micro, pp->cfg.chunks);
    for (int s = 0; s < pp->cfg.stages && makespan >= 0; s++)
        for (size_t i = 0; i < per_stage; i++) {
            const basin_pipe_action *a = &pp->actions[(size_t)s * per_stage + i];
            size_t piece = (size_t)(a->chunk * pp->cfg.stages + s);
            double start = pp->clock + pp->starts[(size_t)s * per_stage + i];
            double cost = a->op == 'F' ? pp->costs[piece] : pp->costs[P + piece];
            basin_span span = {s, a->op == 'F' ? BASIN_SPAN_FORWARD : BASIN_SPAN_BACKWARD, pp->step, a->micro,
                               start, start + cost};
            if (basin_timeline_add(&pp->timeline, span) != 0)
                return -1;
        }
    return makespan;
}

/* Copies the running statistics of the layers on piece p's stage back into the model. */
static void keep_statistics(basin_pipeline *pp)
{
    basin_model *m = pp->np->net.model;
    for (int p = 0; p < pp->pieces; p++)
        for (size_t i = pp->bounds[p]; i < pp->bounds[p + 1]; i++) {
            const basin_layer *l = &m->layers[i];
            if (l->d.kind == BASIN_LAYER_BATCHNORM)
                memcpy(m->state + l->stats, pp->stages[p % pp->cfg.stages].state + l->stats,
                       (2 * l->in_c + 1) * sizeof *m->state);
        }
}

/* The step on one rank of an MPI world: this process's stage, then the stages' parts summed over the
 * ranks — each parameter, running statistic and the loss is one stage's, the others add zeros — so that
 * every rank holds what the threads hold. */
static double rank_gradient(basin_pipeline *pp, double *g)
{
    basin_comm *c = pp->cfg.world;
    stage *st = &pp->stages[c->rank];
    size_t sent = c->values_sent, dim = pp->np->base.dim;
    int status = stage_step(c, st);
    pp->step++;
    if (basin_span_buffer_flush(&st->measured, &pp->timeline, pp->origin) != 0)
        status = -1;
    for (stashed *x = st->stash, *next; x; x = next)
        next = x->next, free(x);
    st->stash = NULL;
    for (int k = 0; k < st->n_slots; k++)
        st->slots[k].busy = false;
    basin_model *m = pp->np->net.model;
    double *merged = pp->merged, *state = merged + dim + 1, *values = state + m->n_state;
    *values = (double)(c->values_sent - sent) / pp->cfg.stages; /* before the sum, which is this program's */
    memcpy(merged, st->g, dim * sizeof *merged);
    merged[dim] = c->rank == pp->cfg.stages - 1 ? st->loss : 0;
    memset(state, 0, m->n_state * sizeof *state);
    for (int p = c->rank; p < pp->pieces; p += pp->cfg.stages) /* this stage's pieces' statistics */
        for (size_t i = pp->bounds[p]; i < pp->bounds[p + 1]; i++)
            if (m->layers[i].d.kind == BASIN_LAYER_BATCHNORM)
                memcpy(state + m->layers[i].stats, st->state + m->layers[i].stats,
                       (2 * m->layers[i].in_c + 1) * sizeof *state);
    if (status == 0)
        status = basin_comm_allreduce_sum(c, merged, dim + 2 + m->n_state);
    basin_comm_release(c);
    pp->info = (basin_grad_step){1, NAN, NAN, NAN, *values, false}; /* the mean over the stages, as on threads */
    pp->values_sent += (size_t)llround(*values * pp->cfg.stages);
    double makespan = status == 0 ? step_time(pp, pp->batch.m) : -1;
    if (makespan < 0)
        return NAN;
    pp->info.sim_time = pp->clock += makespan;
    for (size_t i = 0; i < m->n_layers; i++)
        if (m->layers[i].d.kind == BASIN_LAYER_BATCHNORM)
            memcpy(m->state + m->layers[i].stats, state + m->layers[i].stats,
                   (2 * m->layers[i].in_c + 1) * sizeof *state);
    if (g)
        memcpy(g, merged, dim * sizeof *g);
    return merged[dim];
}

static double pipeline_gradient(void *ctx, const double *w, basin_batch batch, double *g)
{
    basin_pipeline *pp = ctx;
    if (!batch.idx)
        batch = (basin_batch){pp->identity, pp->np->data->train.n};
    if (batch.m < (size_t)pp->cfg.micro) {
        basin_error_set("pipeline: a batch of %zu examples cannot make %d micro-batches", batch.m, pp->cfg.micro);
        return NAN;
    }
    pp->w = w, pp->batch = batch;
    if (pp->cfg.world)
        return rank_gradient(pp, g);
    int status = basin_comm_threads_run(pp->cfg.stages, stage_step, pp->ctx, pp->comms);
    pp->step++;
    pp->info = (basin_grad_step){1, NAN, NAN, NAN, 0, false};
    for (int s = 0; s < pp->cfg.stages; s++) {
        if (basin_span_buffer_flush(&pp->stages[s].measured, &pp->timeline, pp->origin) != 0)
            status = -1;
        pp->info.values_sent += (double)pp->comms[s].values_sent / pp->cfg.stages;
        pp->values_sent += pp->comms[s].values_sent;
        basin_comm_release(&pp->comms[s]);
        for (stashed *x = pp->stages[s].stash, *next; x; x = next)
            next = x->next, free(x);
        pp->stages[s].stash = NULL;
        for (int k = 0; k < pp->stages[s].n_slots; k++)
            pp->stages[s].slots[k].busy = false;
    }
    double makespan = status == 0 ? step_time(pp, batch.m) : -1;
    if (makespan < 0)
        return NAN;
    pp->info.sim_time = pp->clock += makespan;
    keep_statistics(pp);
    for (size_t i = 0; g && i < pp->np->base.dim; i++) {
        g[i] = 0;
        for (int s = 0; s < pp->cfg.stages; s++) /* each parameter is one stage's: the others add 0 */
            g[i] += pp->stages[s].g[i];
    }
    return pp->stages[pp->cfg.stages - 1].loss;
}

static void pipeline_step_info(void *ctx, basin_grad_step *info)
{
    *info = ((basin_pipeline *)ctx)->info;
}

basin_grad_source basin_pipeline_source(basin_pipeline *pp)
{
    return (basin_grad_source){.gradient = pipeline_gradient, .ctx = pp, .step_info = pipeline_step_info};
}

void basin_pipeline_piece(const basin_pipeline *pp, int piece, size_t *first, size_t *end)
{
    *first = pp->bounds[piece], *end = pp->bounds[piece + 1];
}

int basin_pipeline_gather_timeline(basin_pipeline *pp)
{
    return pp->cfg.world ? basin_timeline_gather_measured(&pp->timeline, pp->cfg.world, pp->origin) : 0;
}

const basin_timeline *basin_pipeline_timeline(const basin_pipeline *pp)
{
    return &pp->timeline;
}

const basin_pipe_action *basin_pipeline_actions(const basin_pipeline *pp)
{
    return pp->actions;
}

size_t basin_pipeline_values_sent(const basin_pipeline *pp)
{
    return pp->values_sent;
}

void basin_pipeline_describe(const basin_pipeline *pp, long steps, char *text, size_t n)
{
    static const char *const names[] = {"gpipe", "1f1b", "interleaved"};
    const basin_pipeline_config *c = &pp->cfg;
    double bubble = NAN;
    (void)basin_pipe_simulate(pp->actions, c->stages, c->micro, c->chunks, 1, 1, NULL, NULL, &bubble);
    int peak = 0;
    for (int s = 0; s < c->stages; s++)
        peak = pp->stages[s].n_slots > peak ? pp->stages[s].n_slots : peak;
    size_t used = (size_t)snprintf(text, n, "pipeline: %d stages", c->stages);
    if (c->chunks > 1 && used < n)
        used += (size_t)snprintf(text + used, n - used, " × %d chunks", c->chunks);
    if (used < n)
        used += (size_t)snprintf(text + used, n - used, ", %d micro-batches, %s; layers", c->micro,
                                 names[c->schedule]);
    for (int p = 0; p < pp->pieces && used < n; p++) {
        size_t first = pp->bounds[p], last = pp->bounds[p + 1] - 1;
        used += first == last ? (size_t)snprintf(text + used, n - used, "%s%zu", p ? " | " : " ", first)
                              : (size_t)snprintf(text + used, n - used, "%s%zu-%zu", p ? " | " : " ", first, last);
    }
    if (used < n)
        snprintf(text + used, n - used, "; bubble %.1f%% with equal costs, at most %d micro-batch%s in flight on a "
                                        "stage, %.0f values sent per step",
                 100 * bubble, peak, peak == 1 ? "" : "es",
                 (double)pp->values_sent / (double)(steps > 0 ? steps : 1));
}

void basin_pipeline_destroy(basin_pipeline *pp)
{
    if (!pp)
        return;
    for (int s = 0; pp->stages && s < pp->cfg.stages; s++) {
        stage *st = &pp->stages[s];
        for (int k = 0; st->slots && k < st->n_slots; k++) {
            basin_model_destroy(st->slots[k].model);
            free(st->slots[k].input), free(st->slots[k].dout);
        }
        basin_problem_destroy(st->replica ? &st->replica->base : NULL);
        basin_span_buffer_free(&st->measured);
        free(st->slots), free(st->slot_of), free(st->g), free(st->state);
    }
    free(pp->balance);
    basin_timeline_free(&pp->timeline);
    free(pp->merged), free(pp->costs), free(pp->starts), free(pp->bounds), free(pp->actions), free(pp->stages), free(pp->ctx), free(pp->comms), free(pp->identity);
    free(pp);
}

static const basin_param_spec pipeline_specs[] = {
    BASIN_INT("stages", "2", 1, 64, "stages S, each on its own thread holding consecutive layers"),
    BASIN_INT("micro", "4", 1, 4096, "micro-batches M the batch is split into"),
    BASIN_CHOICE("schedule", "gpipe", "gpipe|1f1b|interleaved",
                 "all forwards then all backwards, one forward one backward, or 1F1B over chunks (Megatron)"),
    BASIN_INT("chunks", "2", 1, 64, "interleaved: pieces V per stage (the model in S·V pieces)"),
    BASIN_LIST("balance", "", 1, 1e6, "layers per piece (S·V counts); empty: balanced by each layer's work"),
    BASIN_CHOICE("costs", "work", "work|equal",
                 "the simulated clock's piece costs: each layer's work, or equal pieces (the textbook bubble)"),
    BASIN_COST_MODEL_KEYS,
    BASIN_PARAMS_END};

const basin_entry basin_parallel_pipeline = {
    BASIN_KIND_PARALLEL, "pipeline", "pipeline parallel: consecutive layers on S stages, M micro-batches",
    pipeline_specs, NULL, {NULL}};
