/* landscape.c: directions, trajectory PCA, projections and the threaded, progressive grid. */
#include "landscape.h"

#include "../error.h"
#include "../linalg.h"
#include "../parallel/thread_policy.h"

#include <gsl/gsl_cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

void basin_filter_normalize(const basin_model *m, const double *w, double *d, bool keep_others)
{
    bool *is_weight = calloc(m->n_params ? m->n_params : 1, sizeof *is_weight);
    for (size_t i = 0; i < m->n_layers; i++) {
        const basin_layer *l = &m->layers[i];
        if (l->ops->role != BASIN_LAYER_ROLE_WEIGHTED)
            continue;
        size_t per = l->n_weight / l->out_c; /* one output filter (conv) or neuron (linear) */
        for (size_t o = 0; o < l->out_c; o++) {
            double *dr = d + l->weight + o * per;
            const double *wr = w + l->weight + o * per;
            double dn = cblas_dnrm2((int)per, dr, 1), wn = cblas_dnrm2((int)per, wr, 1);
            for (size_t k = 0; k < per; k++)
                dr[k] = dn > 0 ? dr[k] * wn / dn : 0;
        }
        if (is_weight)
            for (size_t k = 0; k < l->n_weight; k++)
                is_weight[l->weight + k] = true;
    }
    for (size_t i = 0; is_weight && i < m->n_params; i++)
        if (!is_weight[i])
            d[i] = keep_others ? w[i] : 0; /* Li et al.: ignored (zero), or copied from the weights */
    free(is_weight);
}

int basin_trajectory_pca(const double *traj, size_t T, size_t n, double *d1, double *d2, double ratio[2])
{
    if (T < 3) {
        basin_error_set("PCA of a trajectory needs at least 3 points (got %zu)", T);
        return -1;
    }
    /* As Li et al.: iterates minus the final point, then (as scikit-learn's PCA does) centered. */
    double *x = malloc(T * n * sizeof *x), *mean = calloc(n, sizeof *mean), *g = malloc(T * T * sizeof *g),
           *eval = malloc(T * sizeof *eval), *evec = malloc(T * T * sizeof *evec);
    int rc = -1;
    if (!x || !mean || !g || !eval || !evec) {
        basin_error_set("out of memory for the PCA of %zu points", T);
        goto done;
    }
    const double *last = traj + (T - 1) * n;
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < n; i++) {
            x[t * n + i] = traj[t * n + i] - last[i];
            mean[i] += x[t * n + i] / (double)T;
        }
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < n; i++)
            x[t * n + i] -= mean[i];
    /* The Gram matrix X·Xᵀ (T × T) shares its non-zero spectrum with the covariance; the principal
     * directions are Xᵀu/√σ. */
    basin_dgemm(CblasNoTrans, CblasTrans, (int)T, (int)T, (int)n, 1.0, x, (int)n, x, (int)n, 0.0, g,
                (int)T);
    if (basin_symmetric_eigen(T, g, eval, evec) != 0)
        goto done;
    double total = 0;
    for (size_t t = 0; t < T; t++)
        total += fmax(eval[t], 0);
    double *dirs[2] = {d1, d2};
    for (int k = 0; k < 2; k++) {
        size_t col = T - 1 - (size_t)k;
        double s = sqrt(fmax(eval[col], 0));
        ratio[k] = total > 0 ? fmax(eval[col], 0) / total : 0;
        for (size_t i = 0; i < n; i++) {
            double sum = 0;
            for (size_t t = 0; t < T; t++)
                sum += x[t * n + i] * evec[t * T + col];
            dirs[k][i] = s > 0 ? sum / s : 0;
        }
    }
    rc = 0;
done:
    free(x), free(mean), free(g), free(eval), free(evec);
    return rc;
}

void basin_project(const double *origin, const double *d1, const double *d2, size_t n, const double *x, double *a,
                   double *b)
{
    double g11 = 0, g12 = 0, g22 = 0, r1 = 0, r2 = 0;
    for (size_t i = 0; i < n; i++) {
        double r = x[i] - origin[i];
        g11 += d1[i] * d1[i], r1 += d1[i] * r;
        if (d2)
            g12 += d1[i] * d2[i], g22 += d2[i] * d2[i], r2 += d2[i] * r;
    }
    if (!d2) {
        *a = g11 > 0 ? r1 / g11 : 0;
        return;
    }
    /* the 2 × 2 normal equations */
    double det = g11 * g22 - g12 * g12;
    *a = det != 0 ? (g22 * r1 - g12 * r2) / det : 0;
    *b = det != 0 ? (g11 * r2 - g12 * r1) / det : 0;
}

void basin_landscape_order(size_t grid, bool two_d, size_t *order)
{
    size_t total = two_d ? grid * grid : grid, k = 0;
    bool *taken = calloc(total ? total : 1, sizeof *taken);
    for (size_t stride = 8; stride >= 1; stride /= 2)
        for (size_t row = 0; row < (two_d ? grid : 1); row += two_d ? stride : 1)
            for (size_t col = 0; col < grid; col += stride) {
                size_t i = row * grid + col;
                if (taken && !taken[i]) {
                    taken[i] = true;
                    order[k++] = i;
                }
            }
    for (size_t i = 0; taken && i < total; i++) /* anything a stride missed */
        if (!taken[i])
            order[k++] = i;
    if (!taken)
        for (size_t i = 0; i < total; i++)
            order[i] = i;
    free(taken);
}

typedef struct grid_job {
    basin_landscape_eval eval;
    const double *origin, *d1, *d2;
    size_t n, grid, total;
    double lo, hi;
    const size_t *order;
    double *loss, *accuracy;
    atomic_size_t next, finished;
    const basin_landscape_progress *progress;
    atomic_int failed;
    pthread_mutex_t lock; /* the first failure's message */
    char message[256];
} grid_job;

typedef struct worker {
    grid_job *job;
    void *ctx;
    bool reports; /* the calling thread tells the progress */
} worker;

static double coordinate(const grid_job *j, size_t k)
{
    return j->grid > 1 ? j->lo + (j->hi - j->lo) * (double)k / (double)(j->grid - 1) : j->lo;
}

static void *work(void *arg)
{
    worker *wk = arg;
    grid_job *j = wk->job;
    double *w = malloc(j->n * sizeof *w);
    if (!w) {
        atomic_store(&j->failed, 1);
        return NULL;
    }
    for (;;) {
        size_t slot = atomic_fetch_add(&j->next, 1);
        if (slot >= j->total || atomic_load(&j->failed))
            break;
        size_t i = j->order[slot];
        double a = coordinate(j, i % j->grid), b = j->d2 ? coordinate(j, i / j->grid) : 0;
        for (size_t k = 0; k < j->n; k++)
            w[k] = j->origin[k] + a * j->d1[k] + (j->d2 ? b * j->d2[k] : 0);
        if (j->eval(wk->ctx, w, a, b, &j->loss[i], &j->accuracy[i]) != 0) {
            pthread_mutex_lock(&j->lock);
            if (!atomic_exchange(&j->failed, 1))
                snprintf(j->message, sizeof j->message, "%s", basin_error_message());
            pthread_mutex_unlock(&j->lock);
            break;
        }
        if (j->progress && j->progress->finished) {
            pthread_mutex_lock(&j->lock);
            j->progress->finished(j->progress->ctx, i, j->loss[i], j->accuracy[i]);
            pthread_mutex_unlock(&j->lock);
        }
        size_t finished = atomic_fetch_add(&j->finished, 1) + 1;
        if (wk->reports && j->progress && j->progress->report)
            j->progress->report(j->progress->ctx, finished, j->total);
    }
    free(w);
    return NULL;
}

int basin_landscape_grid(basin_landscape_eval eval, void *const *ctx, size_t n_threads, const double *origin,
                         const double *d1, const double *d2, size_t n, size_t grid, const double range[2],
                         double *loss, double *accuracy, const basin_landscape_progress *progress)
{
    return basin_landscape_grid_part(eval, ctx, n_threads, origin, d1, d2, n, grid, range, loss, accuracy, progress,
                                     0, 1);
}

int basin_landscape_grid_part(basin_landscape_eval eval, void *const *ctx, size_t n_threads, const double *origin,
                              const double *d1, const double *d2, size_t n, size_t grid, const double range[2],
                              double *loss, double *accuracy, const basin_landscape_progress *progress, size_t part,
                              size_t parts)
{
    size_t all = d2 ? grid * grid : grid, total = 0;
    size_t *order = malloc((all ? all : 1) * sizeof *order);
    pthread_t *threads = calloc(n_threads, sizeof *threads);
    worker *workers = calloc(n_threads, sizeof *workers);
    if (!order || !threads || !workers || n_threads == 0) {
        free(order), free(threads), free(workers);
        basin_error_set("out of memory for a %zu-point landscape", total);
        return -1;
    }
    basin_landscape_order(grid, d2 != NULL, order);
    const bool *done = progress ? progress->done : NULL;
    for (size_t i = 0; i < all; i++) { /* this part's points, in the same coarse-to-fine order; 0 elsewhere */
        size_t p = order[i];
        bool mine = i % parts == part;
        if (!mine || !done || !done[p])
            loss[p] = accuracy[p] = 0; /* (known points of this part keep the caller's values) */
        if (mine && !(done && done[p]))
            order[total++] = p;
    }
    grid_job job = {.eval = eval, .origin = origin, .d1 = d1, .d2 = d2, .n = n, .grid = grid, .total = total,
                    .lo = range[0], .hi = range[1], .order = order, .loss = loss, .accuracy = accuracy,
                    .progress = progress};
    atomic_init(&job.next, 0);
    atomic_init(&job.finished, 0);
    atomic_init(&job.failed, 0);
    pthread_mutex_init(&job.lock, NULL);
    basin_thread_policy policy = basin_threads_enter(n_threads);
    size_t started = 0;
    for (size_t t = 0; t < n_threads; t++) {
        workers[t] = (worker){&job, ctx[t], t == 0};
        if (t == 0 || pthread_create(&threads[t], NULL, work, &workers[t]) == 0)
            started = t + 1;
    }
    work(&workers[0]); /* the calling thread is the first worker */
    for (size_t t = 1; t < started; t++)
        pthread_join(threads[t], NULL);
    basin_threads_leave(policy);
    pthread_mutex_destroy(&job.lock);
    free(order), free(threads), free(workers);
    if (atomic_load(&job.failed)) {
        basin_error_set("%s", job.message[0] ? job.message : "out of memory evaluating the landscape");
        return -1;
    }
    return 0;
}
