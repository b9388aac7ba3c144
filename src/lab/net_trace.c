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
    free(t->w), free(t->state), free(t->act_var), free(t->grad_var);
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

typedef struct recorder {
    basin_net_trace *t;
    basin_net_trace_wants wants;
    bool parallel;
} recorder;

/* The quadrature of frame k's Hessian (training mode, statistics untouched, dropout off). */
static void record_spectrum(basin_net_trace *t, size_t k, const double *w)
{
    basin_net_view view;
    const basin_problem *p = basin_net_view_init(&view, t->np, BASIN_EVAL_TRAIN_FIXED);
    size_t count = 0;
    if (basin_slq_nodes(p, w, BASIN_FULL_BATCH, BASIN_SPECTRUM_RUNS, BASIN_SPECTRUM_STEPS, 7, NULL,
                        t->spec_nodes + k * BASIN_SPECTRUM_NODES, t->spec_weights + k * BASIN_SPECTRUM_NODES,
                        &count) != 0)
        count = 0;
    t->spec_count[k] = count;
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

static int record(void *ctx, const basin_train_row *row)
{
    recorder *rec = ctx;
    basin_net_trace *t = rec->t;
    if (!isnan(row->lambda_max) && record_sharpness(t, row) != 0)
        return -1;
    if (row->step > 0 && !isnan(row->staleness) && record_staleness(t, row->staleness) != 0)
        return -1;
    if (isnan(row->test_loss))
        return 0;
    if (t->len == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        bool spectrum_ok = !rec->wants.spectrum ||
                           (grow(&t->spec_nodes, cap * BASIN_SPECTRUM_NODES) &&
                            grow(&t->spec_weights, cap * BASIN_SPECTRUM_NODES) &&
                            (t->spec_count = realloc(t->spec_count, cap * sizeof *t->spec_count)) != NULL);
        if (!spectrum_ok || !grow(&t->epoch, cap) || !grow(&t->train_loss, cap) || !grow(&t->test_loss, cap) ||
            !grow(&t->test_acc, cap) || !grow(&t->swa_test_loss, cap) || !grow(&t->swa_test_acc, cap) ||
            !grow(&t->ensemble_test_loss, cap) || !grow(&t->ensemble_test_acc, cap) ||
            !grow(&t->sim_time, cap) || !grow(&t->noise_scale, cap) ||
            !grow(&t->w, cap * t->dim) ||
            !(t->step = realloc(t->step, cap * sizeof *t->step)) || !grow(&t->state, cap * t->n_state) ||
            !grow(&t->act_var, cap * t->n_layers) || !grow(&t->grad_var, cap * t->n_layers)) {
            basin_error_set("out of memory recording the training");
            return -1;
        }
        t->cap = cap;
    }
    size_t k = t->len;
    t->epoch[k] = row->epoch, t->train_loss[k] = row->train_loss, t->test_loss[k] = row->test_loss;
    t->test_acc[k] = row->test_acc;
    t->swa_test_loss[k] = row->swa_test_loss, t->swa_test_acc[k] = row->swa_test_acc;
    t->ensemble_test_loss[k] = row->ensemble_test_loss, t->ensemble_test_acc[k] = row->ensemble_test_acc;
    t->step[k] = row->step;
    t->sim_time[k] = rec->parallel ? row->sim_time : (double)row->step; /* one gradient a unit */
    t->noise_scale[k] = row->noise_scale;
    memcpy(t->w + k * t->dim, row->w, t->dim * sizeof *t->w);
    memcpy(t->state + k * t->n_state, t->np->net.model->state, t->n_state * sizeof *t->state);
    if (!rec->wants.layers || basin_net_layer_variances(t->np, row->w, VARIANCE_BATCH, t->act_var + k * t->n_layers,
                                                        t->grad_var + k * t->n_layers) != 0)
        for (size_t i = 0; i < t->n_layers; i++)
            t->act_var[k * t->n_layers + i] = t->grad_var[k * t->n_layers + i] = NAN;
    if (rec->wants.spectrum)
        record_spectrum(t, k, row->w);
    t->len++;
    return 0;
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
    if (f->sync && f->sync->lock)
        f->sync->lock(f->sync->ctx);
    for (; f->copied < done; f->copied++)
        f->t->land_loss[f->order[f->copied]] = f->scratch[f->order[f->copied]];
    if (f->sync && f->sync->unlock)
        f->sync->unlock(f->sync->ctx);
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
    if (G == 0)
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
    if (sync && sync->lock)
        sync->lock(sync->ctx);
    memcpy(t->traj_a, a, T * sizeof *a), memcpy(t->traj_b, b, T * sizeof *b);
    memcpy(t->land_ratio, ratio, sizeof ratio);
    t->land_range = reach > 0 ? 1.25 * reach : 1;
    t->land_ready = true;
    if (sync && sync->unlock)
        sync->unlock(sync->ctx);
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
        if (sync && sync->lock)
            sync->lock(sync->ctx);
        memcpy((coarse ? t->boundary_coarse : t->boundary) + k * frame_size, scratch, frame_size * sizeof *scratch);
        (coarse ? t->coarse_ready : t->boundary_ready)[k] = true;
        if (sync && sync->unlock)
            sync->unlock(sync->ctx);
    }
    free(scratch);
    return rc;
}

/* Room for the decision regions of every frame, none computed yet. */
static int reserve_boundaries(basin_net_trace *t)
{
    size_t K = t->np->net.model->out_features, fine = t->boundary_grid * t->boundary_grid * K;
    size_t coarse = BASIN_BOUNDARY_COARSE * BASIN_BOUNDARY_COARSE * K;
    t->boundary = malloc((t->len * fine + 1) * sizeof *t->boundary);
    t->boundary_coarse = malloc((t->len * coarse + 1) * sizeof *t->boundary_coarse);
    t->boundary_ready = calloc(t->len + 1, sizeof *t->boundary_ready);
    t->coarse_ready = calloc(t->len + 1, sizeof *t->coarse_ready);
    if (!t->boundary || !t->boundary_coarse || !t->boundary_ready || !t->coarse_ready) {
        basin_error_set("out of memory for the decision regions");
        return -1;
    }
    return 0;
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

/* Copies the spans of src into dst (a timeline of its own). Returns 0, or -1 with a message. */
static int copy_timeline(basin_timeline *dst, const basin_timeline *src)
{
    basin_timeline_init(dst, src->rows, src->row_noun, src->limit, src->preview_steps);
    dst->dropped = src->dropped;
    snprintf(dst->note, sizeof dst->note, "%s", src->note);
    for (size_t i = 0; i < src->n; i++)
        if (basin_timeline_add(dst, src->spans[i]) != 0)
            return -1;
    return 0;
}

basin_net_trace *basin_net_trace_train(basin_net_problem *np, const double *w0, basin_optimizer *opt,
                                   const basin_schedule *sched, const basin_train_config *cfg,
                                   basin_net_trace_wants wants, const basin_spec *parallel)
{
    basin_net_trace *t = calloc(1, sizeof *t);
    double *w = malloc((np->base.dim + 1) * sizeof *w);
    if (!t || !w) {
        free(t), free(w);
        basin_problem_destroy(&np->base);
        basin_error_set("out of memory");
        return NULL;
    }
    t->np = np;
    t->dim = np->base.dim;
    t->n_state = np->net.model->n_state;
    t->n_layers = np->net.model->n_layers;
    memcpy(w, w0, t->dim * sizeof *w);
    if (wants.boundary && np->data->n_features == 2) {
        t->boundary_grid = BASIN_BOUNDARY_GRID;
        data_box(np->data, t->boundary_box);
    }
    recorder rec = {t, wants, parallel && parallel->entry};
    basin_train_config local = *cfg; /* sync changes the batch and the rate's scale */
    basin_parallel_training pt = {0};
    basin_grad_source source = basin_grad_source_local(np);
    int rc = 1;
    if (rec.parallel) {
        rc = basin_parallel_training_init(&pt, np, parallel, &local, NULL) == 0 ? 1 : -1;
        if (rc == 1)
            source = basin_parallel_training_source(&pt);
    }
    t->global_batch = local.batch ? local.batch : np->data->train.n;
    basin_trainer *trainer = rc == 1 ? basin_trainer_create(np, w, opt, sched, &local, source) : NULL;
    basin_train_row row;
    rc = trainer ? 1 : -1;
    while (rc == 1 && (rc = basin_trainer_step(trainer, &row)) == 1)
        if (record(&rec, &row) != 0)
            rc = -1;
    if (rc == 0)
        rc = basin_trainer_finish(trainer, &t->result);
    basin_trainer_destroy(trainer);
    if (rc == 0 && rec.parallel) {
        basin_parallel_training_describe(&pt, t->result.steps, t->parallel_text, sizeof t->parallel_text);
        const basin_timeline *tl = basin_parallel_training_timeline(&pt);
        rc = copy_timeline(&t->timeline, tl);
        snprintf(t->timeline_title, sizeof t->timeline_title, "%s", tl->title);
        t->timeline.title = t->timeline_title;
    }
    basin_parallel_training_release(&pt);
    free(w);
    if (rc == 0 && wants.landscape && !t->result.diverged)
        rc = reserve_landscape(t);
    if (rc == 0 && t->boundary_grid)
        rc = reserve_boundaries(t);
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
