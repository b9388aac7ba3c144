/* lbfgs.c: torch.optim.LBFGS (1.13), after minFunc: one step runs up to max_iter iterations of limited-
 * memory BFGS, each evaluating the loss again on the step's batch (torch's closure): the two-loop
 * recursion over the last history_size pairs (s, y) with ys > 1e-10 and H₀ = ys/yy, a first step of
 * min(1, 1/‖g‖₁)·lr, then lr, either taken as it is or (line_search_fn=strong_wolfe) from torch's
 * strong-Wolfe search with cubic interpolation. State (directions, history, counts) carries across steps. */
#include "optimizer.h"
#include "optimizers.h"

#include "../error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct lbfgs {
    basin_optimizer base;
    int max_iter, max_eval, history_size;
    double tolerance_grad, tolerance_change;
    bool wolfe;
    /* torch's state */
    long n_iter, func_evals;
    double t, H_diag, prev_loss;
    int n_old;               /* pairs kept, oldest first */
    bool have_prev;
    double *d, *prev_flat_grad, *old_dirs, *old_stps, *ro, *al;
    /* scratch */
    double *flat_grad, *q, *x_init, *g_new, *g_prev, *bracket_g[2];
    const basin_problem *p;
    basin_batch batch;
} lbfgs;

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static double max_abs(const double *a, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(a[i]));
    return m;
}

/* The loss and gradient at w + t·d (w is left as it was), as torch's _directional_evaluate. */
static double directional(lbfgs *a, double *w, double t, const double *d, double *g)
{
    size_t n = a->base.dim;
    for (size_t i = 0; i < n; i++)
        w[i] = w[i] + t * d[i];
    double f = basin_problem_eval_batch(a->p, w, a->batch, g);
    memcpy(w, a->x_init, n * sizeof *w);
    return f;
}

static double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2, const double *bounds)
{
    double xmin = bounds ? bounds[0] : x1 <= x2 ? x1 : x2, xmax = bounds ? bounds[1] : x1 <= x2 ? x2 : x1;
    double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2), d2_square = d1 * d1 - g1 * g2;
    if (d2_square >= 0) {
        double d2 = sqrt(d2_square);
        double min_pos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                                  : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
        return fmin(fmax(min_pos, xmin), xmax);
    }
    return (xmin + xmax) / 2.;
}

/* torch's _strong_wolfe from w along d, starting at t: the accepted loss into *f and gradient into g,
 * the step into *t; returns the evaluations. */
static int strong_wolfe(lbfgs *a, double *w, double *t_io, const double *d, double *f_io, double *g, double gtd)
{
    const double c1 = 1e-4, c2 = 0.9;
    const int max_ls = 25;
    size_t n = a->base.dim;
    double d_norm = max_abs(d, n), f = *f_io, t = *t_io;
    memcpy(a->g_prev, g, n * sizeof *g);
    double f_new = directional(a, w, t, d, a->g_new);
    int evals = 1;
    double gtd_new = dot(a->g_new, d, n);
    double t_prev = 0, f_prev = f, gtd_prev = gtd;
    double bracket[2], bracket_f[2], bracket_gtd[2];
    int n_bracket = 0;
    bool done = false;
    int ls_iter = 0;
    while (ls_iter < max_ls) {
        if (f_new > (f + c1 * t * gtd) || (ls_iter > 1 && f_new >= f_prev)) {
            bracket[0] = t_prev, bracket[1] = t, bracket_f[0] = f_prev, bracket_f[1] = f_new;
            memcpy(a->bracket_g[0], a->g_prev, n * sizeof *g), memcpy(a->bracket_g[1], a->g_new, n * sizeof *g);
            bracket_gtd[0] = gtd_prev, bracket_gtd[1] = gtd_new, n_bracket = 2;
            break;
        }
        if (fabs(gtd_new) <= -c2 * gtd) {
            bracket[0] = t, bracket_f[0] = f_new, n_bracket = 1;
            memcpy(a->bracket_g[0], a->g_new, n * sizeof *g);
            done = true;
            break;
        }
        if (gtd_new >= 0) {
            bracket[0] = t_prev, bracket[1] = t, bracket_f[0] = f_prev, bracket_f[1] = f_new;
            memcpy(a->bracket_g[0], a->g_prev, n * sizeof *g), memcpy(a->bracket_g[1], a->g_new, n * sizeof *g);
            bracket_gtd[0] = gtd_prev, bracket_gtd[1] = gtd_new, n_bracket = 2;
            break;
        }
        double bounds[2] = {t + 0.01 * (t - t_prev), t * 10}, tmp = t;
        t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds);
        t_prev = tmp, f_prev = f_new;
        memcpy(a->g_prev, a->g_new, n * sizeof *g);
        gtd_prev = gtd_new;
        f_new = directional(a, w, t, d, a->g_new);
        evals++;
        gtd_new = dot(a->g_new, d, n);
        ls_iter++;
    }
    if (ls_iter == max_ls) {
        bracket[0] = 0, bracket[1] = t, bracket_f[0] = f, bracket_f[1] = f_new, n_bracket = 2;
        memcpy(a->bracket_g[0], g, n * sizeof *g), memcpy(a->bracket_g[1], a->g_new, n * sizeof *g);
        /* torch keeps bracket_gtd from before here: the search is over and the zoom below does not run */
    }
    bool insuf_progress = false;
    int low = n_bracket == 2 && bracket_f[0] > bracket_f[n_bracket - 1] ? 1 : 0, high = 1 - low;
    while (!done && ls_iter < max_ls) {
        if (fabs(bracket[1] - bracket[0]) * d_norm < a->tolerance_change)
            break;
        t = cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1], NULL);
        double hi = fmax(bracket[0], bracket[1]), lo = fmin(bracket[0], bracket[1]), eps = 0.1 * (hi - lo);
        if (fmin(hi - t, t - lo) < eps) {
            if (insuf_progress || t >= hi || t <= lo) {
                t = fabs(t - hi) < fabs(t - lo) ? hi - eps : lo + eps;
                insuf_progress = false;
            } else {
                insuf_progress = true;
            }
        } else {
            insuf_progress = false;
        }
        f_new = directional(a, w, t, d, a->g_new);
        evals++;
        gtd_new = dot(a->g_new, d, n);
        ls_iter++;
        if (f_new > (f + c1 * t * gtd) || f_new >= bracket_f[low]) {
            bracket[high] = t, bracket_f[high] = f_new, bracket_gtd[high] = gtd_new;
            memcpy(a->bracket_g[high], a->g_new, n * sizeof *g);
            low = bracket_f[0] <= bracket_f[1] ? 0 : 1, high = 1 - low;
        } else {
            if (fabs(gtd_new) <= -c2 * gtd) {
                done = true;
            } else if (gtd_new * (bracket[high] - bracket[low]) >= 0) {
                bracket[high] = bracket[low], bracket_f[high] = bracket_f[low], bracket_gtd[high] = bracket_gtd[low];
                memcpy(a->bracket_g[high], a->bracket_g[low], n * sizeof *g);
            }
            bracket[low] = t, bracket_f[low] = f_new, bracket_gtd[low] = gtd_new;
            memcpy(a->bracket_g[low], a->g_new, n * sizeof *g);
        }
    }
    *t_io = bracket[low], *f_io = bracket_f[low];
    memcpy(g, a->bracket_g[low], n * sizeof *g);
    return evals;
}

static int lbfgs_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                      basin_batch batch)
{
    lbfgs *a = (lbfgs *)o;
    size_t n = o->dim;
    if (!p) {
        basin_error_set("lbfgs: its line steps need the problem");
        return -1;
    }
    a->p = p, a->batch = batch;
    double loss = basin_problem_eval_batch(p, w, batch, NULL); /* the closure's first evaluation */
    memcpy(a->flat_grad, g, n * sizeof *g);
    int current_evals = 1;
    a->func_evals++;
    if (max_abs(a->flat_grad, n) <= a->tolerance_grad)
        return 0;
    for (int iter = 1; iter <= a->max_iter; iter++) {
        a->n_iter++;
        if (a->n_iter == 1) {
            for (size_t i = 0; i < n; i++)
                a->d[i] = -a->flat_grad[i];
            a->n_old = 0;
            a->H_diag = 1;
        } else {
            double *y = a->q, ys = 0, yy;
            for (size_t i = 0; i < n; i++)
                y[i] = a->flat_grad[i] - a->prev_flat_grad[i];
            double *s = a->g_new; /* scratch: s = d·t */
            for (size_t i = 0; i < n; i++)
                s[i] = a->d[i] * a->t;
            ys = dot(y, s, n);
            if (ys > 1e-10) {
                if (a->n_old == a->history_size) { /* the oldest pair goes */
                    memmove(a->old_dirs, a->old_dirs + n, (size_t)(a->n_old - 1) * n * sizeof *a->old_dirs);
                    memmove(a->old_stps, a->old_stps + n, (size_t)(a->n_old - 1) * n * sizeof *a->old_stps);
                    memmove(a->ro, a->ro + 1, (size_t)(a->n_old - 1) * sizeof *a->ro);
                    a->n_old--;
                }
                memcpy(a->old_dirs + (size_t)a->n_old * n, y, n * sizeof *y);
                memcpy(a->old_stps + (size_t)a->n_old * n, s, n * sizeof *s);
                a->ro[a->n_old++] = 1. / ys;
                yy = dot(y, y, n);
                a->H_diag = ys / yy;
            }
            double *q = a->q;
            for (size_t i = 0; i < n; i++)
                q[i] = -a->flat_grad[i];
            for (int k = a->n_old - 1; k >= 0; k--) {
                a->al[k] = dot(a->old_stps + (size_t)k * n, q, n) * a->ro[k];
                const double *dir = a->old_dirs + (size_t)k * n;
                for (size_t i = 0; i < n; i++)
                    q[i] = q[i] + -a->al[k] * dir[i];
            }
            for (size_t i = 0; i < n; i++)
                a->d[i] = q[i] * a->H_diag;
            for (int k = 0; k < a->n_old; k++) {
                double be_k = dot(a->old_dirs + (size_t)k * n, a->d, n) * a->ro[k];
                const double *stp = a->old_stps + (size_t)k * n;
                for (size_t i = 0; i < n; i++)
                    a->d[i] = a->d[i] + (a->al[k] - be_k) * stp[i];
            }
        }
        memcpy(a->prev_flat_grad, a->flat_grad, n * sizeof *g);
        a->have_prev = true;
        a->prev_loss = loss;
        if (a->n_iter == 1) {
            double l1 = 0;
            for (size_t i = 0; i < n; i++)
                l1 += fabs(a->flat_grad[i]);
            a->t = fmin(1., 1. / l1) * lr;
        } else {
            a->t = lr;
        }
        double gtd = dot(a->flat_grad, a->d, n);
        if (gtd > -a->tolerance_change)
            break;
        int ls_evals = 0;
        bool opt_cond = false;
        if (a->wolfe) {
            memcpy(a->x_init, w, n * sizeof *w);
            ls_evals = strong_wolfe(a, w, &a->t, a->d, &loss, a->flat_grad, gtd);
            for (size_t i = 0; i < n; i++)
                w[i] = w[i] + a->t * a->d[i];
            opt_cond = max_abs(a->flat_grad, n) <= a->tolerance_grad;
        } else {
            for (size_t i = 0; i < n; i++)
                w[i] = w[i] + a->t * a->d[i];
            if (iter != a->max_iter) {
                loss = basin_problem_eval_batch(p, w, batch, a->flat_grad);
                opt_cond = max_abs(a->flat_grad, n) <= a->tolerance_grad;
                ls_evals = 1;
            }
        }
        current_evals += ls_evals;
        a->func_evals += ls_evals;
        if (iter == a->max_iter || current_evals >= a->max_eval || opt_cond)
            break;
        double moved = 0;
        for (size_t i = 0; i < n; i++)
            moved = fmax(moved, fabs(a->d[i] * a->t));
        if (moved <= a->tolerance_change || fabs(loss - a->prev_loss) < a->tolerance_change)
            break;
    }
    return 0;
}

static void lbfgs_release(basin_optimizer *o)
{
    free(((lbfgs *)o)->old_dirs);
}

static const basin_optimizer_ops lbfgs_ops = {
    .step = lbfgs_step,
    .no_limit = "L-BFGS models the curvature itself",
    .release = lbfgs_release};

long basin_lbfgs_evaluations(const basin_optimizer *o)
{
    return o->entry == &basin_optim_lbfgs ? ((const lbfgs *)o)->func_evals : -1;
}

static basin_optimizer *lbfgs_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    int history = (int)basin_params_real(params, "history_size");
    lbfgs *a = basin_optimizer_alloc(sizeof *a, entry, &lbfgs_ops, params, dim, 9 * dim + 2 * (size_t)history);
    if (!a)
        return NULL;
    a->old_dirs = malloc((2 * (size_t)history * dim + 1) * sizeof *a->old_dirs);
    if (!a->old_dirs) {
        basin_optimizer_destroy(&a->base);
        basin_error_set("lbfgs: out of memory for a history of %d × %zu", history, dim);
        return NULL;
    }
    a->old_stps = a->old_dirs + (size_t)history * dim;
    a->max_iter = (int)basin_params_real(params, "max_iter");
    a->max_eval = basin_params_given(params, "max_eval") ? (int)basin_params_real(params, "max_eval") : a->max_iter * 5 / 4;
    a->history_size = history;
    a->tolerance_grad = basin_params_real(params, "tolerance_grad");
    a->tolerance_change = basin_params_real(params, "tolerance_change");
    a->wolfe = basin_params_choice(params, "line_search_fn") == 1;
    double *s = a->base.state;
    a->d = s, a->prev_flat_grad = s + dim, a->flat_grad = s + 2 * dim, a->q = s + 3 * dim, a->x_init = s + 4 * dim;
    a->g_new = s + 5 * dim, a->g_prev = s + 6 * dim, a->bracket_g[0] = s + 7 * dim, a->bracket_g[1] = s + 8 * dim;
    a->ro = s + 9 * dim, a->al = a->ro + history;
    return &a->base;
}

static const basin_param_spec lbfgs_specs[] = {
    BASIN_REAL("lr", "1", 0, BASIN_INF, "learning rate: the step along each direction (its first: min(1, 1/‖g‖₁)·lr)"),
    BASIN_INT("max_iter", "20", 1, 100000, "iterations in one step"),
    BASIN_INT("max_eval", "", 1, 1000000, "loss evaluations in one step at most (default max_iter·5/4)"),
    BASIN_REAL("tolerance_grad", "1e-7", 0, BASIN_INF, "a step ends when max |g| is this small"),
    BASIN_REAL("tolerance_change", "1e-9", 0, BASIN_INF, "a step ends when the loss or w changes less"),
    BASIN_INT("history_size", "100", 1, 10000, "pairs (s, y) kept for the curvature"),
    BASIN_CHOICE("line_search_fn", "none", "none|strong_wolfe", "none: take the step; strong_wolfe: torch's search"),
    BASIN_PARAMS_END};

const basin_entry basin_optim_lbfgs = {BASIN_KIND_OPTIMIZER, "lbfgs",
                                       "limited-memory BFGS, several loss evaluations a step (torch.optim.LBFGS)",
                                       lbfgs_specs, NULL, {.optimizer = lbfgs_create}};
