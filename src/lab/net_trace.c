/* net_trace.c: a network run stepped by the trainer, each evaluation recorded into its trace. */
#include "net_trace.h"

#include "engine/analysis/curvature.h"
#include "engine/analysis/landscape.h"
#include "engine/error.h"
#include "engine/parallel/parallel_training.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Examples the per-layer variances are measured on. */
#define VARIANCE_BATCH 256

void basin_net_trace_free(basin_net_trace *t)
{
    if (!t)
        return;
    basin_problem_destroy(t->np ? &t->np->base : NULL);
    free(t->epoch), free(t->train_loss), free(t->test_loss), free(t->test_acc);
    free(t->swa_test_loss), free(t->swa_test_acc);
    free(t->ensemble_test_loss), free(t->ensemble_test_acc);
    free(t->w), free(t->state), free(t->weight_norm), free(t->act_var), free(t->grad_var);
    free(t->sharp_epoch), free(t->sharp_lambda), free(t->sharp_limit);
    free(t->spec_nodes), free(t->spec_weights), free(t->spec_count);
    free(t->land_loss), free(t->traj_a), free(t->traj_b);
    free(t->boundary), free(t->boundary_ready), free(t->boundary_coarse), free(t->coarse_ready);
    free(t->step), free(t->sim_time), free(t->noise_scale), free(t->staleness);
    basin_timeline_free(&t->timeline);
    free(t);
}

static bool grow(double **p, size_t n)
{
    double *q = realloc(*p, (n ? n : 1) * sizeof *q);
    if (q)
        *p = q;
    return q != NULL;
}

static bool grow_floats(float **p, size_t n)
{
    float *q = realloc(*p, (n ? n : 1) * sizeof *q);
    if (q)
        *p = q;
    return q != NULL;
}

static bool grow_flags(bool **p, size_t old, size_t n)
{
    bool *q = realloc(*p, (n ? n : 1) * sizeof *q);
    if (q) {
        memset(q + old, 0, (n - old) * sizeof *q);
        *p = q;
    }
    return q != NULL;
}

struct basin_net_training {
    basin_net_trace *t;
    basin_net_trace_wants wants;
    bool parallel;
    double *w;                 /* the weights the trainer updates */
    basin_optimizer *opt;
    basin_schedule *sched;
    basin_train_config cfg;    /* sync changes the batch and the rate's scale */
    basin_parallel_training pt;
    basin_trainer *trainer;
    double *act_var, *grad_var;           /* one frame's, measured before it is copied in */
    double *spec_nodes, *spec_weights;
    basin_net_problem *replica;           /* the decision regions' model while training goes on */
};

/* The quadrature of the Hessian at w (training mode, statistics untouched, dropout off) into nodes and
 * weights; returns the count (0 when it fails). */
static size_t measure_spectrum(basin_net_trace *t, const double *w, double *nodes, double *weights)
{
    basin_net_view view;
    const basin_problem *p = basin_net_view_init(&view, t->np, BASIN_EVAL_TRAIN_FIXED);
    size_t count = 0;
    if (basin_slq_nodes(p, w, BASIN_FULL_BATCH, BASIN_SPECTRUM_RUNS, BASIN_SPECTRUM_STEPS, 7, NULL, nodes, weights,
                        &count) != 0)
        count = 0;
    return count;
}

static int record_sharpness(basin_net_trace *t, const basin_train_row *row)
{
    if (t->n_sharp == t->cap_sharp) {
        size_t cap = t->cap_sharp ? 2 * t->cap_sharp : 64;
        if (!grow(&t->sharp_epoch, cap) || !grow(&t->sharp_lambda, cap) || !grow(&t->sharp_limit, cap)) {
            basin_error_set("out of memory recording the training");
            return -1;
        }
        t->cap_sharp = cap;
    }
    t->sharp_epoch[t->n_sharp] = row->epoch;
    t->sharp_lambda[t->n_sharp] = row->lambda_max;
    t->sharp_limit[t->n_sharp] = row->stability;
    t->n_sharp++;
    return 0;
}

/* The box of every example (model input space), padded by a tenth: where the decision regions are drawn. */
static void data_box(const basin_dataset *d, double box[4])
{
    box[0] = box[2] = INFINITY;
    box[1] = box[3] = -INFINITY;
    const basin_split *splits[2] = {&d->train, &d->test};
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < splits[s]->n; i++) {
            const double *x = splits[s]->x + 2 * i;
            box[0] = fmin(box[0], x[0]), box[1] = fmax(box[1], x[0]);
            box[2] = fmin(box[2], x[1]), box[3] = fmax(box[3], x[1]);
        }
    double px = 0.1 * (box[1] - box[0]) + 1e-9, py = 0.1 * (box[3] - box[2]) + 1e-9;
    box[0] -= px, box[1] += px, box[2] -= py, box[3] += py;
}

/* Keeps a step's staleness (async runs). */
static int record_staleness(basin_net_trace *t, double staleness)
{
    if (t->n_stale == t->cap_stale) {
        size_t cap = t->cap_stale ? 2 * t->cap_stale : 256;
        if (!grow(&t->staleness, cap)) {
            basin_error_set("out of memory recording the training");
            return -1;
        }
        t->cap_stale = cap;
    }
    t->staleness[t->n_stale++] = staleness;
    return 0;
}

/* Room for one more frame in every per-frame array (and its decision regions, none computed). */
static int reserve_frame(basin_net_training *s)
{
    basin_net_trace *t = s->t;
    if (t->len < t->cap)
        return 0;
    size_t cap = t->cap ? 2 * t->cap : 64;
    size_t K = t->np->net.model->out_features, fine = t->boundary_grid * t->boundary_grid * K;
    size_t coarse = BASIN_BOUNDARY_COARSE * BASIN_BOUNDARY_COARSE * K;
    bool spectrum_ok = !s->wants.spectrum ||
                       (grow(&t->spec_nodes, cap * BASIN_SPECTRUM_NODES) &&
                        grow(&t->spec_weights, cap * BASIN_SPECTRUM_NODES) &&
                        (t->spec_count = realloc(t->spec_count, cap * sizeof *t->spec_count)) != NULL);
    bool boundary_ok = !t->boundary_grid ||
                       (grow_floats(&t->boundary, cap * fine) && grow_floats(&t->boundary_coarse, cap * coarse) &&
                        grow_flags(&t->boundary_ready, t->cap, cap) && grow_flags(&t->coarse_ready, t->cap, cap));
    if (!spectrum_ok || !boundary_ok || !grow(&t->epoch, cap) || !grow(&t->train_loss, cap) ||
        !grow(&t->test_loss, cap) || !grow(&t->test_acc, cap) || !grow(&t->swa_test_loss, cap) ||
        !grow(&t->swa_test_acc, cap) || !grow(&t->ensemble_test_loss, cap) || !grow(&t->ensemble_test_acc, cap) ||
        !grow(&t->sim_time, cap) || !grow(&t->noise_scale, cap) || !grow(&t->w, cap * t->dim) ||
        !grow(&t->weight_norm, cap) ||
        !(t->step = realloc(t->step, cap * sizeof *t->step)) || !grow(&t->state, cap * t->n_state) ||
        !grow(&t->act_var, cap * t->n_layers) || !grow(&t->grad_var, cap * t->n_layers)) {
        basin_error_set("out of memory recording the training");
        return -1;
    }
    t->cap = cap;
    return 0;
}

static int follow_parallel(basin_net_training *s, long steps);

/* ‖w‖ over the weights of m's Linear and Conv2d layers (biases and normalization left out). */
static double weight_norm(const basin_model *m, const double *w)
{
    double sum = 0;
    for (size_t i = 0; i < m->n_layers; i++) {
        const basin_layer *l = &m->layers[i];
        for (size_t j = 0; l->ops->role == BASIN_LAYER_ROLE_WEIGHTED && j < l->n_weight; j++)
            sum += w[l->weight + j] * w[l->weight + j];
    }
    return sqrt(sum);
}

/* Records one trainer row: the measurements first (the slow part, on the trainer's own model), then the
 * copy into the trace under sync. */
static int record(basin_net_training *s, const basin_train_row *row, const basin_lab_sync *sync)
{
    basin_net_trace *t = s->t;
    bool frame = !isnan(row->test_loss);
    size_t count = 0;
    if (frame) {
        if (!s->wants.layers ||
            basin_net_layer_variances(t->np, row->w, VARIANCE_BATCH, s->act_var, s->grad_var) != 0)
            for (size_t i = 0; i < t->n_layers; i++)
                s->act_var[i] = s->grad_var[i] = NAN;
        if (s->wants.spectrum)
            count = measure_spectrum(t, row->w, s->spec_nodes, s->spec_weights);
    }
    basin_lab_sync_lock(sync);
    int rc = 0;
    if (!isnan(row->lambda_max))
        rc = record_sharpness(t, row);
    if (rc == 0 && row->step > 0 && !isnan(row->staleness))
        rc = record_staleness(t, row->staleness);
    if (rc == 0 && frame && (rc = reserve_frame(s)) == 0) {
        size_t k = t->len, L = t->n_layers;
        t->epoch[k] = row->epoch, t->train_loss[k] = row->train_loss, t->test_loss[k] = row->test_loss;
        t->test_acc[k] = row->test_acc;
        t->swa_test_loss[k] = row->swa_test_loss, t->swa_test_acc[k] = row->swa_test_acc;
        t->ensemble_test_loss[k] = row->ensemble_test_loss, t->ensemble_test_acc[k] = row->ensemble_test_acc;
        t->step[k] = row->step;
        t->sim_time[k] = s->parallel ? row->sim_time : (double)row->step; /* one gradient a unit */
        t->noise_scale[k] = row->noise_scale;
        memcpy(t->w + k * t->dim, row->w, t->dim * sizeof *t->w);
        t->weight_norm[k] = weight_norm(t->np->net.model, row->w);
        memcpy(t->state + k * t->n_state, t->np->net.model->state, t->n_state * sizeof *t->state);
        memcpy(t->act_var + k * L, s->act_var, L * sizeof *t->act_var);
        memcpy(t->grad_var + k * L, s->grad_var, L * sizeof *t->grad_var);
        if (s->wants.spectrum) {
            memcpy(t->spec_nodes + k * BASIN_SPECTRUM_NODES, s->spec_nodes, sizeof *s->spec_nodes * BASIN_SPECTRUM_NODES);
            memcpy(t->spec_weights + k * BASIN_SPECTRUM_NODES, s->spec_weights,
                   sizeof *s->spec_weights * BASIN_SPECTRUM_NODES);
            t->spec_count[k] = count;
        }
        t->len++;
        if (s->parallel) /* the timeline and the account so far, shown while training goes on */
            rc = follow_parallel(s, row->step);
    }
    basin_lab_sync_unlock(sync);
    return rc;
}

static int plane_eval(void *ctx, const double *w, double a, double b, double *loss, double *accuracy)
{
    return basin_net_plane_eval(ctx, w, a, b, loss, accuracy);
}

/* Copies the points the grid has finished (a prefix of its order: one thread computes it) into the
 * shared grid, under the caller's lock. */
typedef struct landscape_fill {
    basin_net_trace *t;
    const double *scratch;
    const size_t *order;
    size_t copied;
    const basin_lab_sync *sync;
    double last;
} landscape_fill;

static void copy_finished(landscape_fill *f, size_t done)
{
    basin_lab_sync_lock(f->sync);
    for (; f->copied < done; f->copied++)
        f->t->land_loss[f->order[f->copied]] = f->scratch[f->order[f->copied]];
    basin_lab_sync_unlock(f->sync);
}

static void on_progress(void *ctx, size_t done, size_t total)
{
    landscape_fill *f = ctx;
    /* copy every 64 points: often enough to watch it fill, rarely enough not to contend for the lock */
    if (done == total || done - f->copied >= 64)
        copy_finished(f, done);
}

int basin_net_trace_landscape(basin_net_trace *t, basin_net_problem *replica, const basin_lab_sync *sync)
{
    size_t n = t->dim, T = t->len, G = t->land_grid;
    if (G == 0 || t->land_done)
        return 0;
    const double *origin = t->w + (T - 1) * n;
    double *d1 = malloc(n * sizeof *d1), *d2 = malloc(n * sizeof *d2), *acc = malloc(G * G * sizeof *acc),
           *scratch = malloc(G * G * sizeof *scratch);
    size_t *order = malloc(G * G * sizeof *order);
    int rc = -1;
    basin_net_plane plane = {0};
    if (!d1 || !d2 || !acc || !scratch || !order) {
        basin_error_set("out of memory for the landscape");
        goto done;
    }
    double ratio[2], reach = 0, *a = malloc(T * sizeof *a), *b = malloc(T * sizeof *b);
    if (!a || !b || basin_trajectory_pca(t->w, T, n, d1, d2, ratio) != 0) {
        free(a), free(b);
        goto done;
    }
    for (size_t k = 0; k < T; k++) {
        basin_project(origin, d1, d2, n, t->w + k * n, &a[k], &b[k]);
        reach = fmax(reach, fmax(fabs(a[k]), fabs(b[k])));
    }
    /* the plane and the trajectory in it, published together */
    basin_lab_sync_lock(sync);
    memcpy(t->traj_a, a, T * sizeof *a), memcpy(t->traj_b, b, T * sizeof *b);
    memcpy(t->land_ratio, ratio, sizeof ratio);
    t->land_range = reach > 0 ? 1.25 * reach : 1;
    t->land_ready = true;
    basin_lab_sync_unlock(sync);
    free(a), free(b);
    memcpy(replica->net.model->state, t->state + (T - 1) * t->n_state, t->n_state * sizeof *t->state);
    basin_landscape_order(G, true, order);
    landscape_fill fill = {t, scratch, order, 0, sync, 0};
    basin_landscape_progress progress = {.report = on_progress, .ctx = &fill};
    void *ctx[1] = {&plane};
    double range[2] = {-t->land_range, t->land_range};
    if (basin_net_plane_init(&plane, replica, origin, d1, d2) == 0 &&
        basin_landscape_grid(plane_eval, ctx, 1, origin, d1, d2, n, G, range, scratch, acc, &progress) == 0) {
        copy_finished(&fill, G * G);
        basin_lab_sync_lock(sync);
        t->land_done = true;
        basin_lab_sync_unlock(sync);
        rc = 0;
    }
done:
    basin_net_plane_free(&plane);
    free(d1), free(d2), free(acc), free(scratch), free(order);
    return rc;
}

/* Grid points per forward pass of the decision regions. */
#define BOUNDARY_CHUNK 2048

/* Frame k's decision regions into dest: replica's eval-mode outputs at the frame's weights and running
 * statistics over a G × G grid of the boundary box. */
static int boundary_frame(const basin_net_trace *t, basin_net_problem *replica, size_t k, size_t G, float *dest)
{
    basin_model *m = replica->net.model;
    size_t K = m->out_features;
    const double *box = t->boundary_box, *w = t->w + k * t->dim;
    double x[2 * BOUNDARY_CHUNK];
    memcpy(m->state, t->state + k * t->n_state, t->n_state * sizeof *m->state);
    for (size_t start = 0; start < G * G; start += BOUNDARY_CHUNK) {
        size_t n = G * G - start < BOUNDARY_CHUNK ? G * G - start : BOUNDARY_CHUNK;
        for (size_t i = 0; i < n; i++) {
            size_t row = (start + i) / G, col = (start + i) % G;
            x[2 * i] = box[0] + (box[1] - box[0]) * ((double)col + 0.5) / (double)G;
            x[2 * i + 1] = box[3] - (box[3] - box[2]) * ((double)row + 0.5) / (double)G;
        }
        const double *out = basin_model_forward(m, w, x, n, (basin_forward_opts){.mode = BASIN_MODE_EVAL, .update_stats = false, .rng = NULL, .no_dropout = true});
        if (!out)
            return -1;
        for (size_t i = 0; i < n * K; i++)
            dest[start * K + i] = (float)out[i];
    }
    return 0;
}

int basin_net_trace_fill_boundary(basin_net_trace *t, basin_net_problem *replica, size_t k, bool coarse,
                                 const basin_lab_sync *sync)
{
    if (!t->boundary_grid || k >= t->len || (coarse ? t->coarse_ready : t->boundary_ready)[k])
        return 0;
    size_t G = coarse ? BASIN_BOUNDARY_COARSE : t->boundary_grid, frame_size = G * G * replica->net.model->out_features;
    float *scratch = malloc(frame_size * sizeof *scratch);
    if (!scratch) {
        basin_error_set("out of memory for the decision regions");
        return -1;
    }
    int rc = boundary_frame(t, replica, k, G, scratch);
    if (rc == 0) {
        basin_lab_sync_lock(sync);
        memcpy((coarse ? t->boundary_coarse : t->boundary) + k * frame_size, scratch, frame_size * sizeof *scratch);
        (coarse ? t->coarse_ready : t->boundary_ready)[k] = true;
        basin_lab_sync_unlock(sync);
    }
    free(scratch);
    return rc;
}

/* Room for the landscape, not yet computed (NaN): frames and their plane come with the grid. */
static int reserve_landscape(basin_net_trace *t)
{
    size_t G = BASIN_LANDSCAPE_GRID;
    if (t->len < 3)
        return 0; /* too few frames for a plane */
    t->land_loss = malloc(G * G * sizeof *t->land_loss);
    t->traj_a = calloc(t->len, sizeof *t->traj_a), t->traj_b = calloc(t->len, sizeof *t->traj_b);
    if (!t->land_loss || !t->traj_a || !t->traj_b) {
        basin_error_set("out of memory for the landscape");
        return -1;
    }
    for (size_t i = 0; i < G * G; i++)
        t->land_loss[i] = NAN;
    t->land_range = 1;
    t->land_grid = G;
    return 0;
}

/* Brings the run's account and its copy of the parallel timeline up to the trainer's after steps: the
 * spans added since the last call (spans are only appended), the note, the dropped count. Returns 0, or
 * -1 with a message. */
static int follow_parallel(basin_net_training *s, long steps)
{
    basin_net_trace *t = s->t;
    const basin_timeline *src = basin_parallel_training_timeline(&s->pt);
    basin_timeline *dst = &t->timeline;
    basin_parallel_training_describe(&s->pt, steps, t->parallel_text, sizeof t->parallel_text);
    if (dst->rows == 0)
        basin_timeline_init(dst, src->rows, src->row_noun, src->limit, src->preview_steps);
    snprintf(t->timeline_title, sizeof t->timeline_title, "%s", src->title ? src->title : "");
    dst->title = t->timeline_title;
    dst->dropped = src->dropped;
    snprintf(dst->note, sizeof dst->note, "%s", src->note);
    for (size_t i = dst->n; i < src->n; i++)
        if (basin_timeline_add(dst, src->spans[i]) != 0)
            return -1;
    return 0;
}

void basin_lab_sync_lock(const basin_lab_sync *sync)
{
    if (sync && sync->lock)
        sync->lock(sync->ctx);
}

void basin_lab_sync_unlock(const basin_lab_sync *sync)
{
    if (sync && sync->unlock)
        sync->unlock(sync->ctx);
}

bool basin_lab_sync_stopped(const basin_lab_sync *sync)
{
    return sync && sync->stop && sync->stop(sync->ctx);
}

void basin_net_training_free(basin_net_training *s)
{
    if (!s)
        return;
    basin_trainer_destroy(s->trainer);
    basin_problem_destroy(s->replica ? &s->replica->base : NULL);
    basin_parallel_training_release(&s->pt);
    basin_schedule_destroy(s->sched);
    basin_optimizer_destroy(s->opt);
    free(s->w), free(s->act_var), free(s->grad_var), free(s->spec_nodes), free(s->spec_weights);
    free(s);
}

basin_net_training *basin_net_training_start(basin_net_problem *np, const double *w0, basin_optimizer *opt,
                                             basin_schedule *sched, const basin_train_config *cfg,
                                             basin_net_trace_wants wants, const basin_spec *parallel,
                                             basin_net_trace **trace)
{
    *trace = NULL;
    basin_net_training *s = calloc(1, sizeof *s);
    basin_net_trace *t = calloc(1, sizeof *t);
    if (!s || !t) {
        free(s), free(t);
        basin_schedule_destroy(sched);
        basin_optimizer_destroy(opt);
        basin_problem_destroy(&np->base);
        basin_error_set("out of memory");
        return NULL;
    }
    s->t = t, s->opt = opt, s->sched = sched, s->wants = wants, s->cfg = *cfg;
    s->parallel = parallel && parallel->entry;
    t->np = np;
    t->dim = np->base.dim;
    t->n_state = np->net.model->n_state;
    t->n_layers = np->net.model->n_layers;
    t->result = (basin_train_result){.stopped_early_at = -1, .best_step = -1, .swa_test_loss = NAN, .swa_test_acc = NAN,
                                     .average_test_loss = NAN, .average_test_acc = NAN,
                                     .ensemble_test_loss = NAN, .ensemble_test_acc = NAN};
    if (wants.boundary && np->data->n_features == 2) {
        t->boundary_grid = BASIN_BOUNDARY_GRID;
        data_box(np->data, t->boundary_box);
    }
    s->w = malloc((t->dim + 1) * sizeof *s->w);
    s->act_var = malloc((t->n_layers + 1) * sizeof *s->act_var);
    s->grad_var = malloc((t->n_layers + 1) * sizeof *s->grad_var);
    s->spec_nodes = malloc(BASIN_SPECTRUM_NODES * sizeof *s->spec_nodes);
    s->spec_weights = malloc(BASIN_SPECTRUM_NODES * sizeof *s->spec_weights);
    basin_grad_source source = basin_grad_source_local(np);
    bool ok = s->w && s->act_var && s->grad_var && s->spec_nodes && s->spec_weights;
    if (!ok)
        basin_error_set("out of memory");
    if (ok && s->parallel) {
        ok = basin_parallel_training_init(&s->pt, np, parallel, &s->cfg, NULL) == 0;
        if (ok)
            source = basin_parallel_training_source(&s->pt);
    }
    if (ok) {
        memcpy(s->w, w0, t->dim * sizeof *s->w);
        t->global_batch = s->cfg.batch ? s->cfg.batch : np->data->train.n;
        ok = (s->trainer = basin_trainer_create(np, s->w, opt, sched, &s->cfg, source)) != NULL;
    }
    if (!ok) {
        basin_net_training_free(s);
        basin_net_trace_free(t);
        return NULL;
    }
    *trace = t;
    return s;
}

/* Training has ended: the result, the parallel account and timeline, room for the landscape. */
static int finish(basin_net_training *s, const basin_lab_sync *sync)
{
    basin_net_trace *t = s->t;
    basin_train_result result;
    if (basin_trainer_finish(s->trainer, &result) != 0)
        return -1;
    basin_lab_sync_lock(sync);
    t->result = result;
    int rc = s->parallel ? follow_parallel(s, t->result.steps) : 0;
    if (rc == 0 && s->wants.landscape && !t->result.diverged)
        rc = reserve_landscape(t);
    t->finished = rc == 0;
    basin_lab_sync_unlock(sync);
    return rc;
}

int basin_net_training_step(basin_net_training *s, const basin_lab_sync *sync)
{
    if (s->t->finished)
        return 0;
    size_t frames = s->t->len;
    basin_train_row row;
    int rc;
    while ((rc = basin_trainer_step(s->trainer, &row)) == 1)
        if (record(s, &row, sync) != 0)
            return -1;
        else if (s->t->len > frames)
            return 1;
    return rc == 0 ? (finish(s, sync) == 0 ? 0 : -1) : -1;
}

int basin_net_training_fill_latest(basin_net_training *s, const basin_lab_sync *sync)
{
    basin_net_trace *t = s->t;
    if (!t->boundary_grid || t->len == 0)
        return 0;
    if (!s->replica && !(s->replica = basin_net_problem_clone(t->np, 0)))
        return -1;
    return basin_net_trace_fill_boundary(t, s->replica, t->len - 1, true, sync);
}

basin_net_trace *basin_net_trace_train(basin_net_problem *np, const double *w0, basin_optimizer *opt,
                                       basin_schedule *sched, const basin_train_config *cfg,
                                       basin_net_trace_wants wants, const basin_spec *parallel)
{
    basin_net_trace *t;
    basin_net_training *s = basin_net_training_start(np, w0, opt, sched, cfg, wants, parallel, &t);
    int rc = s ? 1 : -1;
    while (rc == 1)
        rc = basin_net_training_step(s, NULL);
    basin_net_training_free(s);
    if (rc != 0) {
        basin_net_trace_free(t);
        return NULL;
    }
    return t;
}

size_t basin_net_trace_frame(const basin_net_trace *t, size_t shown)
{
    if (!t || t->len == 0)
        return 0;
    return shown == 0 ? 0 : (shown < t->len ? shown : t->len) - 1;
}

size_t basin_net_trace_frame_of_step(const basin_net_trace *t, long step)
{
    size_t k = 0;
    while (k + 1 < t->len && t->step[k + 1] <= step)
        k++;
    return k;
}
