/* quadratic.c: synthetic quadratics of chosen spectrum, the lecture's model of ill-conditioning.
 * H = R diag(eig) Rᵀ: in 2-D R rotates by angle (counter-clockwise, degrees); in N-D R is a random
 * rotation (Haar-distributed, QR of a Gaussian matrix) drawn from seed, or the identity (rotate=false). */
#include "quadratic.h"

#include "../budget.h"
#include "../error.h"
#include "../linalg.h"
#include "../problem.h"

#include <gsl/gsl_cblas.h> /* declarations only: the symbols come from OpenBLAS */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct quadratic {
    basin_problem base;
    double *h;      /* dim×dim, row-major, symmetric */
    double *center; /* dim */
    double *diff;   /* scratch for x − c */
} quadratic;

enum { SPECTRUM_LINEAR, SPECTRUM_LOG, SPECTRUM_TWO_CLUSTER };

static double quadratic_eval(const basin_problem *p, const double *w, basin_batch batch, double *g)
{
    (void)batch;
    const quadratic *q = (const quadratic *)p;
    int n = (int)p->dim;
    double *d = q->diff;
    for (int i = 0; i < n; i++)
        d[i] = w[i] - q->center[i];
    double *hd = g ? g : d + n; /* diff has room for 2·dim */
    cblas_dsymv(CblasRowMajor, CblasUpper, n, 1.0, q->h, n, d, 1, 0.0, hd, 1);
    return 0.5 * cblas_ddot(n, d, 1, hd, 1);
}

static void quadratic_hessian(const basin_problem *p, const double *w, basin_batch batch, double *h)
{
    (void)w;
    (void)batch;
    const quadratic *q = (const quadratic *)p;
    memcpy(h, q->h, p->dim * p->dim * sizeof *h);
}

static void quadratic_destroy(basin_problem *p)
{
    quadratic *q = (quadratic *)p;
    free(q->h);
    free(q->center);
    free(q->diff);
    free(q);
}

static const basin_problem_ops quadratic_ops = {.eval = quadratic_eval, .hessian = quadratic_hessian,
                                                 .destroy = quadratic_destroy};

/* Eigenvalues from λmin = 1 to λmax = kappa, in increasing order. */
static void spectrum_fill(double *eig, size_t n, double kappa, int shape)
{
    for (size_t i = 0; i < n; i++) {
        double t = n > 1 ? (double)i / (double)(n - 1) : 0;
        switch (shape) {
        case SPECTRUM_LINEAR:
            eig[i] = 1 + (kappa - 1) * t;
            break;
        case SPECTRUM_LOG:
            eig[i] = pow(kappa, t);
            break;
        default: { /* two tight clusters: the lower half in [1, 1+s], the upper in [κ−s, κ], s = (κ−1)/10 */
            size_t low = (n + 1) / 2, j = i < low ? i : i - low, m = i < low ? low : n - low;
            double u = m > 1 ? (double)j / (double)(m - 1) : 0, s = (kappa - 1) / 10;
            eig[i] = i < low ? 1 + s * u : kappa - s + s * u;
        }
        }
    }
    if (n > 1)
        eig[n - 1] = kappa; /* exact, whatever pow rounds to */
}

/* A Haar-random rotation: Q of the QR factorisation of a Gaussian matrix, with the signs of R's
 * diagonal moved into Q so that the distribution is uniform. Writes n×n row-major into r. */
static int random_rotation(double *r, size_t n, unsigned long seed)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double *a = malloc(n * n * sizeof *a);
    int status = -1;
    if (rng && a) {
        gsl_rng_set(rng, seed);
        for (size_t i = 0; i < n * n; i++)
            a[i] = gsl_ran_gaussian(rng, 1.0);
        status = basin_signed_qr_q(n, a, r);
    } else {
        basin_error_set("out of memory for a %zu×%zu rotation", n, n);
    }
    free(a);
    gsl_rng_free(rng);
    return status;
}

/* h = R diag(eig) Rᵀ, upper triangle mirrored so that h is exactly symmetric; from 32 coordinates on as
 * one BLAS product (R diag(eig)) Rᵀ, through scratch (n×n). */
static void compose_hessian(double *h, const double *r, const double *eig, size_t n, double *scratch)
{
    if (n >= 32) {
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < n; k++)
                scratch[i * n + k] = r[i * n + k] * eig[k];
        basin_dgemm(CblasNoTrans, CblasTrans, (int)n, (int)n, (int)n, 1.0, scratch, (int)n, r,
                    (int)n, 0.0, h, (int)n);
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++)
                h[j * n + i] = h[i * n + j];
        return;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++) {
            double sum = 0;
            for (size_t k = 0; k < n; k++)
                sum += r[i * n + k] * eig[k] * r[j * n + k];
            h[i * n + j] = h[j * n + i] = sum;
        }
}

/* Coordinates at most: dense n×n matrices and O(n³) decompositions. */
#define QUADRATIC_MAX_DIM 4096

/* Resolves eig, dim, kappa and spectrum into n eigenvalues; returns them (caller frees) or NULL. */

static double *eigenvalues_from(const basin_params *params, size_t *dim_out)
{
    size_t n_eig;
    const double *eig = basin_params_list(params, "eig", &n_eig);
    bool have_eig = basin_params_present(params, "eig");
    if (have_eig && (basin_params_given(params, "kappa") || basin_params_given(params, "spectrum"))) {
        basin_error_set("quadratic: give eig= or kappa=/spectrum=, not both");
        return NULL;
    }
    size_t n = have_eig ? n_eig : (size_t)basin_params_real(params, "dim");
    if (n > QUADRATIC_MAX_DIM) {
        basin_error_set("quadratic: eig= lists %zu eigenvalues; at most %d coordinates (as dim=)", n, QUADRATIC_MAX_DIM);
        return NULL;
    }
    /* the Hessian, the rotation and the eigen-decomposition's workspace: three n×n matrices */
    if (basin_budget_check(3.0 * (double)n * (double)n * sizeof(double), "quadratic: dim=%zu", n) != 0)
        return NULL;
    if (have_eig && basin_params_given(params, "dim") && (size_t)basin_params_real(params, "dim") != n) {
        basin_error_set("quadratic: dim=%g but eig= lists %zu eigenvalues",
                        basin_params_real(params, "dim"), n_eig);
        return NULL;
    }
    double *out = malloc(n * sizeof *out);
    if (!out) {
        basin_error_set("quadratic: out of memory for %zu eigenvalues", n);
        return NULL;
    }
    if (have_eig)
        memcpy(out, eig, n * sizeof *out);
    else
        spectrum_fill(out, n, basin_params_real(params, "kappa"), basin_params_choice(params, "spectrum"));
    *dim_out = n;
    return out;
}

static basin_problem *quadratic_create(const basin_entry *entry, const basin_params *params)
{
    (void)entry;
    size_t n = 0;
    double *eig = eigenvalues_from(params, &n);
    if (!eig)
        return NULL;
    quadratic *q = calloc(1, sizeof *q);
    double *r = malloc(n * n * sizeof *r), *scratch = malloc(n * n * sizeof *scratch);
    if (!q || !r || !scratch || !(q->h = malloc(n * n * sizeof *q->h)) || !(q->center = calloc(n, sizeof *q->center)) ||
        !(q->diff = malloc(2 * n * sizeof *q->diff))) {
        basin_error_set("quadratic: out of memory for dim=%zu", n);
        goto fail;
    }
    q->base.ops = &quadratic_ops;
    q->base.dim = n;
    q->base.f_min = 0;
    for (size_t i = 0; i < n; i++)
        if (eig[i] < 0)
            q->base.f_min = -INFINITY;

    if (n != 2 && basin_params_given(params, "angle")) {
        basin_error_set("quadratic: angle= applies to 2-D quadratics (this one has dim=%zu; use seed=)", n);
        goto fail;
    }
    if (n <= 2 && basin_params_given(params, "rotate")) {
        basin_error_set("quadratic: rotate= applies to N-D quadratics (dim > 2); a 2-D one turns by angle=");
        goto fail;
    }
    if (n == 2) {
        double theta = basin_params_real(params, "angle") * M_PI / 180;
        double c = cos(theta), s = sin(theta);
        double rot[4] = {c, -s, s, c}; /* columns are the eigenvectors */
        memcpy(r, rot, sizeof rot);
    } else if (n > 2 && basin_params_bool(params, "rotate")) {
        if (random_rotation(r, n, (unsigned long)basin_params_real(params, "seed")) != 0) {
            basin_error_set("quadratic: %s", basin_error_message());
            goto fail;
        }
    } else {
        memset(r, 0, n * n * sizeof *r);
        for (size_t i = 0; i < n; i++)
            r[i * n + i] = 1;
    }
    compose_hessian(q->h, r, eig, n, scratch);

    size_t n_center;
    const double *center = basin_params_list(params, "center", &n_center);
    if (basin_params_present(params, "center")) {
        if (n_center != n) {
            basin_error_set("quadratic: center= has %zu values but the quadratic has dim=%zu", n_center, n);
            goto fail;
        }
        memcpy(q->center, center, n * sizeof *center);
    }
    free(r);
    free(scratch);
    free(eig);
    return &q->base;
fail:
    free(r);
    free(scratch);
    free(eig);
    if (q)
        quadratic_destroy(&q->base);
    return NULL;
}

static const basin_param_spec quadratic_specs[] = {
    BASIN_LIST("eig", "", -BASIN_INF, BASIN_INF, "eigenvalues λ1/λ2/...; sets dim (default: from kappa)"),
    BASIN_INT("dim", "2", 1, QUADRATIC_MAX_DIM,
              "number of coordinates (dense: dim² numbers; newton and analyze cost O(dim³))"),
    BASIN_REAL("kappa", "10", 1, BASIN_INF, "condition number λmax/λmin when eig= is not given (λmin = 1)"),
    BASIN_CHOICE("spectrum", "linear", "linear|log|two-cluster",
                 "eigenvalue spacing from 1 to kappa: linear, log (geometric) or two tight clusters"),
    BASIN_REAL("angle", "0", -BASIN_INF, BASIN_INF, "2-D: counter-clockwise rotation of the eigenvectors, degrees"),
    BASIN_BOOL("rotate", "true", "N-D: a random rotation from seed (false: axis-aligned)"),
    BASIN_INT("seed", "0", 0, 4294967295.0, "N-D: seed of the random rotation"),
    BASIN_LIST("center", "", -BASIN_INF, BASIN_INF, "the minimizer c1/c2/... (default: the origin)"),
    BASIN_NOISE_PARAM,
    BASIN_PARAMS_END};

const basin_entry basin_surface_quadratic = {
    BASIN_KIND_SURFACE, "quadratic",
    "½(x−c)ᵀH(x−c), H = R diag(eig) Rᵀ: a bowl of chosen eigenvalues, condition number and rotation",
    quadratic_specs, NULL, {.surface = quadratic_create}};
