/* linreg.c: the lecture's badly scaled regression. Example i has features
 *     x_i1 = scale1·(1.5 + 0.25 z_i1)   (a platelet count ~ 1e5)
 *     x_i2 = scale2·(1.5 + 0.25 z_i2)   (a height ~ 1 m)
 * and target y_i = 3·x_i1/scale1 − 2·x_i2/scale2 + label_noise·ε_i, with z, ε standard normal from seed.
 * The model has no intercept, so w is 2-D and drawable; its Hessian XᵀX/N has condition number ~1e11.
 * normalize=true standardizes each feature (mean 0, variance 1) and centers y, as fitting an intercept
 * would, leaving a well-conditioned problem. The loss is a mean over examples, so minibatches give
 * unbiased gradients for SGD. */
#include "linreg.h"

#include "../budget.h"
#include "../error.h"
#include "../problem.h"

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#define LINREG_FEATURES 2

typedef struct linreg {
    basin_problem base;
    double *x; /* N×2, row-major */
    double *y; /* N */
} linreg;

static double linreg_eval(const basin_problem *p, const double *w, basin_batch batch, double *g)
{
    const linreg *lr = (const linreg *)p;
    size_t m = batch.idx ? batch.m : p->n_examples;
    double loss = 0, g0 = 0, g1 = 0;
    for (size_t k = 0; k < m; k++) {
        size_t i = batch.idx ? batch.idx[k] : k;
        const double *xi = lr->x + i * LINREG_FEATURES;
        double r = xi[0] * w[0] + xi[1] * w[1] - lr->y[i];
        loss += r * r;
        g0 += r * xi[0];
        g1 += r * xi[1];
    }
    if (g) {
        g[0] = g0 / (double)m;
        g[1] = g1 / (double)m;
    }
    return 0.5 * loss / (double)m;
}

static void linreg_hessian(const basin_problem *p, const double *w, basin_batch batch, double *h)
{
    (void)w;
    const linreg *lr = (const linreg *)p;
    size_t m = batch.idx ? batch.m : p->n_examples;
    double h00 = 0, h01 = 0, h11 = 0;
    for (size_t k = 0; k < m; k++) {
        const double *xi = lr->x + (batch.idx ? batch.idx[k] : k) * LINREG_FEATURES;
        h00 += xi[0] * xi[0];
        h01 += xi[0] * xi[1];
        h11 += xi[1] * xi[1];
    }
    h[0] = h00 / (double)m;
    h[1] = h[2] = h01 / (double)m;
    h[3] = h11 / (double)m;
}

static void linreg_destroy(basin_problem *p)
{
    linreg *lr = (linreg *)p;
    free(lr->x);
    free(lr->y);
    free(lr);
}

static const basin_problem_ops linreg_ops = {.eval = linreg_eval, .hessian = linreg_hessian, .destroy = linreg_destroy};

static void standardize(linreg *lr)
{
    size_t n = lr->base.n_examples;
    for (size_t j = 0; j < LINREG_FEATURES; j++) {
        double mean = 0, var = 0;
        for (size_t i = 0; i < n; i++)
            mean += lr->x[i * LINREG_FEATURES + j];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++) {
            double d = lr->x[i * LINREG_FEATURES + j] - mean;
            var += d * d;
        }
        double sd = sqrt(var / (double)n);
        for (size_t i = 0; i < n; i++) {
            double *v = &lr->x[i * LINREG_FEATURES + j];
            *v = sd > 0 ? (*v - mean) / sd : 0;
        }
    }
    double mean_y = 0;
    for (size_t i = 0; i < n; i++)
        mean_y += lr->y[i];
    mean_y /= (double)n;
    for (size_t i = 0; i < n; i++)
        lr->y[i] -= mean_y;
}

/* The least-squares minimum, by QR of X (better conditioned than the normal equations). */
static double least_squares_minimum(const linreg *lr)
{
    size_t n = lr->base.n_examples;
    gsl_matrix_const_view x = gsl_matrix_const_view_array(lr->x, n, LINREG_FEATURES);
    gsl_vector_const_view y = gsl_vector_const_view_array(lr->y, n);
    gsl_matrix *qr = gsl_matrix_alloc(n, LINREG_FEATURES);
    gsl_vector *tau = gsl_vector_alloc(LINREG_FEATURES), *w = gsl_vector_alloc(LINREG_FEATURES),
               *resid = gsl_vector_alloc(n);
    double f_min = NAN;
    if (qr && tau && w && resid) {
        gsl_matrix_memcpy(qr, &x.matrix);
        if (gsl_linalg_QR_decomp(qr, tau) == 0 && gsl_linalg_QR_lssolve(qr, tau, &y.vector, w, resid) == 0)
            f_min = linreg_eval(&lr->base, w->data, BASIN_FULL_BATCH, NULL);
    }
    gsl_vector_free(resid);
    gsl_vector_free(w);
    gsl_vector_free(tau);
    gsl_matrix_free(qr);
    return f_min;
}

void basin_linreg_generate(size_t n, const double scale[2], double label_noise, gsl_rng *rng, double *x,
                           double *y)
{
    for (size_t i = 0; i < n; i++) {
        double *xi = x + i * LINREG_FEATURES;
        for (size_t j = 0; j < LINREG_FEATURES; j++)
            xi[j] = scale[j] * (1.5 + 0.25 * gsl_ran_gaussian(rng, 1.0));
        y[i] = 3 * xi[0] / scale[0] - 2 * xi[1] / scale[1] + label_noise * gsl_ran_gaussian(rng, 1.0);
    }
}

static basin_problem *linreg_create(const basin_entry *entry, const basin_params *params)
{
    (void)entry;
    size_t n = (size_t)basin_params_real(params, "n");
    double scale[LINREG_FEATURES] = {basin_params_real(params, "scale1"), basin_params_real(params, "scale2")};
    double label_noise = basin_params_real(params, "label_noise");
    /* the features and targets, and a full gradient's per-example residuals */
    if (basin_budget_check((LINREG_FEATURES + 2.0) * sizeof(double) * (double)n, "linreg: n=%zu", n) != 0)
        return NULL;
    linreg *lr = calloc(1, sizeof *lr);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!lr || !rng || !(lr->x = malloc(n * LINREG_FEATURES * sizeof *lr->x)) ||
        !(lr->y = malloc(n * sizeof *lr->y))) {
        basin_error_set("linreg: out of memory for n=%zu", n);
        gsl_rng_free(rng);
        if (lr)
            linreg_destroy(&lr->base);
        return NULL;
    }
    lr->base.ops = &linreg_ops;
    lr->base.dim = LINREG_FEATURES;
    lr->base.n_examples = n;
    gsl_rng_set(rng, (unsigned long)basin_params_real(params, "seed"));
    basin_linreg_generate(n, scale, label_noise, rng, lr->x, lr->y);
    gsl_rng_free(rng);
    if (basin_params_bool(params, "normalize"))
        standardize(lr);
    lr->base.f_min = least_squares_minimum(lr);
    return &lr->base;
}

static const basin_param_spec linreg_specs[] = {
    BASIN_INT("n", "200", 2, 1e7, "number of examples"),
    BASIN_REAL("scale1", "1e5", 1e-300, BASIN_INF, "scale of feature 1 (a platelet count, ~1e5)"),
    BASIN_REAL("scale2", "1", 1e-300, BASIN_INF, "scale of feature 2 (a height in metres, ~1)"),
    BASIN_REAL("label_noise", "0.1", 0, BASIN_INF, "std. dev. of the noise in the targets"),
    BASIN_BOOL("normalize", "false", "standardize the features and center the target"),
    BASIN_INT("seed", "0", 0, 4294967295.0, "seed of the generated data set"),
    BASIN_NOISE_PARAM,
    BASIN_PARAMS_END};

const basin_entry basin_surface_linreg = {
    BASIN_KIND_SURFACE, "linreg",
    "least squares ½‖Xw−y‖²/N, features of scale 1e5 and 1 (no intercept): κ(XᵀX/N) ~ 1e11 unless normalize=true",
    linreg_specs, NULL, {.surface = linreg_create}};
