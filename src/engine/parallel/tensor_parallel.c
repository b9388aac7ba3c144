/* tensor_parallel.c: each worker runs a narrower copy of the model (a split pair's hidden width ÷ T) over
 * its slice of the parameters, segment by segment, all-reducing where a split pair ends (forward) and
 * where it begins (backward). */
#include "tensor_parallel.h"

#include "comm_threads.h"

#include "../error.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Layers [first, end) run together; a split pair is column-parallel Linear first, row-parallel end − 1. */
typedef struct segment {
    size_t first, end;
    bool split;
    bool needs_input_grad; /* a layer before it has parameters */
} segment;

/* Where a worker's parameter k lives in the full vector, and whether this worker writes its gradient
 * (a slice is one worker's; a whole layer's and the row-parallel bias are rank 0's). */
#define NOWHERE SIZE_MAX /* the row-parallel bias on ranks > 0: zero, so the sum adds it once */

typedef struct worker {
    basin_tensor_parallel *tp;
    basin_net_problem *replica; /* owned: the batch's inputs, labels and loss */
    basin_model *model;         /* owned: the narrower model */
    size_t *global;             /* model->n_params: index in the full vector, or NOWHERE */
    bool *owned;
    double *w, *g;              /* the slice of the parameters and its gradient */
    double *buffer;             /* a reduced input gradient */
    double loss;
    basin_span_buffer measured; /* the step's passes and all-reduces on the wall clock */
} worker;

struct basin_tensor_parallel {
    basin_net_problem *np;
    int t;
    segment *segments;
    size_t n_segments, pairs;
    worker *workers;
    void **ctx;
    basin_comm *comms;
    size_t values_sent;
    basin_cost_model cost;
    double clock;               /* the simulated time after the steps so far */
    long step;                  /* steps so far */
    basin_timeline timeline;
    char title[128];
    double origin;              /* the wall clock when the workers were made */
    basin_comm *world;          /* MPI: this process is one rank of it (NULL: every worker a thread here) */
    basin_grad_step info;       /* of the last step */
    /* the step being computed */
    const double *w;
    double *g;
    basin_batch batch;
};

static bool is_linear(const basin_layer *l)
{
    return l->d.kind == BASIN_LAYER_LINEAR;
}

int basin_tensor_parallel_plan(const basin_model *m, int workers, basin_tensor_role *roles)
{
    size_t n = m->n_layers;
    for (size_t i = 0; i < n; i++)
        roles[i] = BASIN_TENSOR_WHOLE;
    for (size_t i = 0; i < n;) {
        const basin_layer *l = &m->layers[i];
        if (l->d.kind == BASIN_LAYER_DROPOUT && l->d.p > 0) {
            basin_error_set("tensor: layer %zu is Dropout; tensor parallelism here runs networks without dropout", i);
            return -1;
        }
        size_t j = i + 1;
        while (is_linear(l) && j < n && m->layers[j].d.kind == BASIN_LAYER_ACTIVATION)
            j++;
        bool pair = is_linear(l) && j < n && is_linear(&m->layers[j]);
        if (is_linear(l) && !pair && j < n) { /* a Linear, then a layer that needs all its features */
            basin_error_set("tensor: layer %zu (%s) follows Linear layer %zu; tensor parallelism splits pairs of "
                            "Linear layers with only activations between",
                            j, basin_layer_torch_name(&m->layers[j]), i);
            return -1;
        }
        if (pair && l->out_c % (size_t)workers != 0) {
            basin_error_set("tensor: layer %zu's %zu features cannot be split among %d workers", i, l->out_c, workers);
            return -1;
        }
        if (pair) {
            roles[i] = BASIN_TENSOR_COLUMNS, roles[j] = BASIN_TENSOR_ROWS;
            for (size_t k = i + 1; k < j; k++)
                roles[k] = BASIN_TENSOR_SLICED;
        }
        i = pair ? j + 1 : i + 1;
    }
    return 0;
}

/* The segments of the plan: a split pair (its column-parallel Linear to its row-parallel one), or one
 * whole layer. Returns 0, or -1 with a message. */
static int find_segments(basin_tensor_parallel *tp)
{
    const basin_model *m = tp->np->net.model;
    basin_tensor_role *roles = malloc((m->n_layers ? m->n_layers : 1) * sizeof *roles);
    if (!roles) {
        basin_error_set("out of memory planning the split");
        return -1;
    }
    if (basin_tensor_parallel_plan(m, tp->t, roles) != 0) {
        free(roles);
        return -1;
    }
    bool parameters_before = false;
    for (size_t i = 0; i < m->n_layers;) {
        size_t end = i + 1;
        if (roles[i] == BASIN_TENSOR_COLUMNS)
            while (roles[end - 1] != BASIN_TENSOR_ROWS)
                end++;
        tp->segments[tp->n_segments++] = (segment){i, end, roles[i] == BASIN_TENSOR_COLUMNS, parameters_before};
        tp->pairs += roles[i] == BASIN_TENSOR_COLUMNS;
        for (size_t k = i; k < end; k++)
            parameters_before = parameters_before || m->layers[k].n_weight > 0;
        i = end;
    }
    free(roles);
    return 0;
}

/* The worker's model: the full model's layers with each column-parallel Linear's outputs ÷ T. */
static basin_model *narrow_model(const basin_tensor_parallel *tp)
{
    const basin_model *m = tp->np->net.model;
    basin_layer_desc *descs = malloc(m->n_layers * sizeof *descs);
    if (!descs) {
        basin_error_set("out of memory for a tensor-parallel worker");
        return NULL;
    }
    for (size_t i = 0; i < m->n_layers; i++)
        descs[i] = m->layers[i].d;
    for (size_t s = 0; s < tp->n_segments; s++)
        if (tp->segments[s].split)
            descs[tp->segments[s].first].out /= (size_t)tp->t;
    basin_model *narrow = basin_model_create(descs, m->n_layers, m->in_c, m->in_h, m->in_w);
    free(descs);
    if (narrow)
        memcpy(narrow->state, m->state, m->n_state * sizeof *m->state);
    return narrow;
}

/* Maps worker rank's parameters to the full vector (see worker.global and worker.owned). */
static void map_parameters(const basin_tensor_parallel *tp, worker *wk, int rank)
{
    const basin_model *full = tp->np->net.model, *m = wk->model;
    for (size_t i = 0; i < m->n_layers; i++) {
        const basin_layer *f = &full->layers[i], *l = &m->layers[i];
        bool first_of_pair = false, last_of_pair = false;
        for (size_t s = 0; s < tp->n_segments; s++)
            if (tp->segments[s].split) {
                first_of_pair = first_of_pair || tp->segments[s].first == i;
                last_of_pair = last_of_pair || tp->segments[s].end - 1 == i;
            }
        size_t n = l->n_weight + l->n_bias; /* a weight then its bias, or γ then β */
        for (size_t k = 0; k < n; k++) {
            size_t local = l->weight + k, global;
            bool owned = rank == 0;
            if (first_of_pair) { /* rows [rank·out, (rank + 1)·out) of the weight, and of the bias */
                size_t rows = l->out_c, r0 = (size_t)rank * rows;
                global = k < l->n_weight ? f->weight + r0 * f->in_c + k : f->bias + r0 + (k - l->n_weight);
                owned = true;
            } else if (last_of_pair && k < l->n_weight) { /* columns [rank·in, (rank + 1)·in) of each row */
                size_t row = k / l->in_c, col = k % l->in_c;
                global = f->weight + row * f->in_c + (size_t)rank * l->in_c + col;
                owned = true;
            } else if (last_of_pair) {
                global = rank == 0 ? f->bias + (k - l->n_weight) : NOWHERE;
            } else {
                global = f->weight + k;
            }
            wk->global[local] = global, wk->owned[local] = owned && global != NOWHERE;
        }
    }
}

/* One step on the simulated clock for a batch of B (see tensor_parallel.h): each segment's forward (a third
 * of its share of the work, a split pair's divided by T), the pair's all-reduce, then the backwards (two
 * thirds) in reverse with the input gradient's all-reduce, the same on every worker; the spans are added
 * to the timeline from the clock on. Returns the step's time, or −1 with a message. */
static double step_spans(basin_tensor_parallel *tp, size_t B)
{
    const basin_model *m = tp->np->net.model;
    double total = 0, t = tp->clock;
    for (size_t i = 0; i < m->n_layers; i++)
        total += basin_layer_work(&m->layers[i]);
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < tp->n_segments; k++) {
            const segment *seg = &tp->segments[pass ? tp->n_segments - 1 - k : k];
            double work = 0;
            for (size_t i = seg->first; i < seg->end; i++)
                work += basin_layer_work(&m->layers[i]);
            double compute = (pass ? 2.0 : 1.0) / 3 * work / total / (seg->split ? tp->t : 1) * (double)B, reduce = 0;
            if (seg->split && !pass)
                reduce = basin_cost_allreduce(&tp->cost, B * basin_layer_outputs(&m->layers[seg->end - 1]), tp->t);
            else if (seg->split && seg->needs_input_grad)
                reduce = basin_cost_allreduce(&tp->cost, B * basin_layer_inputs(&m->layers[seg->first]), tp->t);
            for (int r = 0; r < tp->t; r++) {
                basin_span span = {r, pass ? BASIN_SPAN_BACKWARD : BASIN_SPAN_FORWARD, tp->step, -1, t, t + compute};
                basin_span comm = {r, BASIN_SPAN_COMM, tp->step, -1, t + compute, t + compute + reduce};
                if (basin_timeline_add(&tp->timeline, span) != 0 ||
                    (reduce > 0 && basin_timeline_add(&tp->timeline, comm) != 0))
                    return -1;
            }
            t += compute + reduce;
        }
    return t - tp->clock;
}

basin_tensor_parallel *basin_tensor_parallel_create(basin_net_problem *np, int workers, basin_cost_model cost,
                                                    basin_comm *world)
{
    if (np->l1 > 0 || np->augment) {
        basin_error_set("tensor: %s is not supported with tensor parallelism", np->l1 > 0 ? "--l1" : "--augment");
        return NULL;
    }
    basin_tensor_parallel *tp = calloc(1, sizeof *tp);
    size_t layers = np->net.model->n_layers;
    if (tp) {
        tp->np = np, tp->t = workers, tp->cost = cost, tp->world = world;
        tp->segments = calloc(layers, sizeof *tp->segments);
        tp->workers = calloc((size_t)workers, sizeof *tp->workers);
        tp->ctx = calloc((size_t)workers, sizeof *tp->ctx);
        tp->comms = calloc((size_t)workers, sizeof *tp->comms);
    }
    if (!tp || !tp->segments || !tp->workers || !tp->ctx || !tp->comms) {
        basin_tensor_parallel_destroy(tp);
        basin_error_set("out of memory for %d tensor-parallel workers", workers);
        return NULL;
    }
    if (find_segments(tp) != 0) {
        basin_tensor_parallel_destroy(tp);
        return NULL;
    }
    for (int r = 0; r < workers; r++) {
        worker *wk = &tp->workers[r];
        wk->tp = tp, tp->ctx[r] = wk;
        if (world && r != world->rank)
            continue; /* another process's worker */
        if (!(wk->model = narrow_model(tp)) || !(wk->replica = basin_net_problem_clone(np, 0))) {
            basin_tensor_parallel_destroy(tp);
            return NULL;
        }
        size_t n = wk->model->n_params;
        wk->global = malloc((n ? n : 1) * sizeof *wk->global);
        wk->owned = malloc((n ? n : 1) * sizeof *wk->owned);
        wk->w = malloc((n ? n : 1) * sizeof *wk->w);
        wk->g = malloc((n ? n : 1) * sizeof *wk->g);
        if (!wk->global || !wk->owned || !wk->w || !wk->g) {
            basin_tensor_parallel_destroy(tp);
            basin_error_set("out of memory for %d tensor-parallel workers", workers);
            return NULL;
        }
        map_parameters(tp, wk, r);
    }
    basin_timeline_init(&tp->timeline, workers, "worker", BASIN_TIMELINE_LIMIT, 2);
    tp->origin = basin_timeline_wall();
    snprintf(tp->title, sizeof tp->title, "Tensor parallel (Megatron MLP): %d workers, %zu split pair%s", workers,
             tp->pairs, tp->pairs == 1 ? "" : "s");
    tp->timeline.title = tp->title;
    return tp;
}

/* The widest input of a layer that begins a segment: what the reduced input gradient needs per example. */
static size_t widest_input(const basin_model *m)
{
    size_t widest = m->in_features;
    for (size_t i = 0; i < m->n_layers; i++)
        widest = basin_layer_inputs(&m->layers[i]) > widest ? basin_layer_inputs(&m->layers[i]) : widest;
    return widest;
}

/* One worker's step: its slice forward by segments, the loss, backward by segments, its gradient out. */
static int worker_step(basin_comm *c, void *ctx)
{
    worker *wk = ctx;
    basin_tensor_parallel *tp = wk->tp;
    basin_model *m = wk->model;
    size_t B = tp->batch.idx ? tp->batch.m : tp->np->data->train.n;
    for (size_t k = 0; k < m->n_params; k++)
        wk->w[k] = wk->global[k] == NOWHERE ? 0.0 : tp->w[wk->global[k]];
    memcpy(m->state, tp->np->net.model->state, m->n_state * sizeof *m->state);
    const double *x = basin_net_batch_inputs(wk->replica, tp->batch);
    if (!x || !(wk->buffer = realloc(wk->buffer, B * widest_input(m) * sizeof *wk->buffer)))
        return -1;
    basin_forward_opts opts = {.mode = BASIN_MODE_TRAIN, .update_stats = true, .no_dropout = true};
    long step = tp->step + 1;
    double t0 = basin_timeline_wall(), t1;
    for (size_t s = 0; s < tp->n_segments && x; s++) {
        const segment *seg = &tp->segments[s];
        x = basin_model_forward_range(m, wk->w, seg->first, seg->end, x, B, opts);
        if (x && seg->split) { /* the row-parallel layer's partial sums */
            double *out = m->layers[seg->end - 1].out;
            t1 = basin_timeline_wall();
            if (basin_comm_allreduce_sum(c, out, B * basin_layer_outputs(&m->layers[seg->end - 1])) != 0 ||
                basin_span_buffer_add(&wk->measured, c->rank, BASIN_SPAN_FORWARD, step, -1, t0, t1) != 0 ||
                basin_span_buffer_add(&wk->measured, c->rank, BASIN_SPAN_COMM, step, -1, t1,
                                      t0 = basin_timeline_wall()) != 0)
                return -1;
        }
    }
    if (!x)
        return -1;
    wk->loss = basin_net_batch_loss(wk->replica, 0, B, B, x, m->grad[0]);
    memset(wk->g, 0, m->n_params * sizeof *wk->g);
    const double *d = m->grad[0];
    for (size_t s = tp->n_segments; s-- > 0 && d;) {
        const segment *seg = &tp->segments[s];
        d = basin_model_backward_range(m, wk->w, seg->first, seg->end, d, wk->g, NULL, NULL);
        if (!seg->needs_input_grad)
            break;
        if (d && seg->split) { /* the column-parallel layer's input gradient, one part per worker */
            size_t n = B * basin_layer_inputs(&m->layers[seg->first]);
            memcpy(wk->buffer, d, n * sizeof *d);
            t1 = basin_timeline_wall();
            if (basin_comm_allreduce_sum(c, wk->buffer, n) != 0 ||
                basin_span_buffer_add(&wk->measured, c->rank, BASIN_SPAN_BACKWARD, step, -1, t0, t1) != 0 ||
                basin_span_buffer_add(&wk->measured, c->rank, BASIN_SPAN_COMM, step, -1, t1,
                                      t0 = basin_timeline_wall()) != 0)
                return -1;
            d = wk->buffer;
        }
    }
    if (basin_span_buffer_add(&wk->measured, c->rank, BASIN_SPAN_BACKWARD, step, -1, t0, basin_timeline_wall()) != 0)
        return -1;
    for (size_t k = 0; k < m->n_params; k++)
        if (wk->owned[k])
            tp->g[wk->global[k]] = wk->g[k];
    return 0;
}

/* The step on one rank of an MPI world: this process's worker writes the gradient entries it owns into a
 * zeroed vector, summed over the ranks (each entry is one worker's: the others add zeros), and rank 0's
 * running statistics are sent to every rank, so that every rank holds what the threads hold. */
static double rank_gradient(basin_tensor_parallel *tp, double *g)
{
    basin_comm *c = tp->world;
    worker *wk = &tp->workers[c->rank];
    size_t sent = c->values_sent, dim = tp->np->base.dim;
    memset(tp->g, 0, dim * sizeof *tp->g);
    int status = worker_step(c, wk);
    size_t activations = c->values_sent - sent; /* what Megatron moves; the sum below is this program's */
    tp->values_sent += activations;
    tp->step++;
    if (basin_span_buffer_flush(&wk->measured, &tp->timeline, tp->origin) != 0)
        status = -1;
    double took = step_spans(tp, tp->batch.idx ? tp->batch.m : tp->np->data->train.n);
    tp->clock += took;
    tp->info = (basin_grad_step){1, NAN, tp->clock, NAN, (double)activations, false};
    snprintf(tp->timeline.note, sizeof tp->timeline.note, "%.0f values sent per worker a step",
             (double)tp->values_sent / (double)tp->step);
    basin_model *main = tp->np->net.model;
    if (status == 0)
        status = basin_comm_allreduce_sum(c, tp->g, dim);
    if (status == 0 && main->n_state) {
        memcpy(main->state, wk->model->state, main->n_state * sizeof *main->state);
        status = basin_comm_broadcast(c, main->state, main->n_state, 0);
    }
    basin_comm_release(c);
    if (g && g != tp->g)
        memcpy(g, tp->g, dim * sizeof *g);
    return status != 0 || took < 0 ? NAN : wk->loss;
}

static double tensor_gradient(void *ctx, const double *w, basin_batch batch, double *g)
{
    basin_tensor_parallel *tp = ctx;
    double *scratch = g ? NULL : malloc(tp->np->base.dim * sizeof *scratch);
    if (!g && !scratch) {
        basin_error_set("out of memory for a gradient of %zu values", tp->np->base.dim);
        return NAN;
    }
    tp->w = w, tp->g = g ? g : scratch, tp->batch = batch;
    if (tp->world) {
        double loss = rank_gradient(tp, g);
        free(scratch);
        return loss;
    }
    int status = basin_comm_threads_run(tp->t, worker_step, tp->ctx, tp->comms);
    tp->values_sent += tp->comms[0].values_sent;
    tp->step++;
    for (int r = 0; r < tp->t; r++)
        if (basin_span_buffer_flush(&tp->workers[r].measured, &tp->timeline, tp->origin) != 0)
            status = -1;
    double took = step_spans(tp, batch.idx ? batch.m : tp->np->data->train.n);
    tp->clock += took;
    tp->info = (basin_grad_step){1, NAN, tp->clock, NAN, (double)tp->comms[0].values_sent, false};
    snprintf(tp->timeline.note, sizeof tp->timeline.note, "%.0f values sent per worker a step",
             (double)tp->values_sent / (double)tp->step);
    for (int r = 0; r < tp->t; r++)
        basin_comm_release(&tp->comms[r]);
    free(scratch);
    if (status != 0 || took < 0)
        return NAN;
    basin_model *main = tp->np->net.model, *first = tp->workers[0].model;
    memcpy(main->state, first->state, main->n_state * sizeof *main->state);
    return tp->workers[0].loss;
}

static void tensor_step_info(void *ctx, basin_grad_step *info)
{
    *info = ((basin_tensor_parallel *)ctx)->info;
}

basin_grad_source basin_tensor_parallel_source(basin_tensor_parallel *tp)
{
    return (basin_grad_source){.gradient = tensor_gradient, .ctx = tp, .step_info = tensor_step_info};
}

int basin_tensor_parallel_gather_timeline(basin_tensor_parallel *tp)
{
    return tp->world ? basin_timeline_gather_measured(&tp->timeline, tp->world, tp->origin) : 0;
}

const basin_timeline *basin_tensor_parallel_timeline(const basin_tensor_parallel *tp)
{
    return &tp->timeline;
}

size_t basin_tensor_parallel_pairs(const basin_tensor_parallel *tp)
{
    return tp->pairs;
}

size_t basin_tensor_parallel_values_sent(const basin_tensor_parallel *tp)
{
    return tp->values_sent;
}

void basin_tensor_parallel_destroy(basin_tensor_parallel *tp)
{
    if (!tp)
        return;
    for (int r = 0; tp->workers && r < tp->t; r++) {
        worker *wk = &tp->workers[r];
        basin_problem_destroy(wk->replica ? &wk->replica->base : NULL);
        basin_model_destroy(wk->model);
        free(wk->global), free(wk->owned), free(wk->w), free(wk->g), free(wk->buffer);
        basin_span_buffer_free(&wk->measured);
    }
    basin_timeline_free(&tp->timeline);
    free(tp->segments), free(tp->workers), free(tp->ctx), free(tp->comms);
    free(tp);
}

static const basin_param_spec tensor_specs[] = {
    BASIN_INT("workers", "2", 1, 256, "workers T, each holding 1/T of every split pair of Linear layers"),
    BASIN_COST_MODEL_KEYS,
    BASIN_PARAMS_END};

const basin_entry basin_parallel_tensor = {BASIN_KIND_PARALLEL, "tensor",
                                           "tensor parallel: Megatron's MLP split, column- then row-parallel Linear",
                                           tensor_specs, NULL, {NULL}};
