/* curvature.c: spectra, traces and sharpness from Hessian-vector products. */
#include "curvature.h"
#include "lbfgsb.h"

#include "../budget.h"
#include "../error.h"
#include "../linalg.h"

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double dot(size_t n, const double *a, const double *b)
{
    return cblas_ddot((int)n, a, 1, b, 1);
}

static double norm(size_t n, const double *a)
{
    return cblas_dnrm2((int)n, a, 1);
}

static bool all_finite(size_t n, const double *a)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a[i]))
            return false;
    return true;
}

static gsl_rng *seeded(unsigned long seed)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (rng)
        gsl_rng_set(rng, seed);
    return rng;
}

/* Whether this rank computes item i of a shared computation. */
static bool mine(const basin_share *share, size_t i)
{
    return !share || i % (size_t)share->size == (size_t)share->rank;
}

/* n values of −0, the identity of addition, for a shared computation's items (NULL without memory). */
static double *minus_zeros(size_t n)
{
    double *v = malloc((n + 1) * sizeof *v);
    for (size_t i = 0; v && i <= n; i++)
        v[i] = -0.0;
    return v;
}

/* The items' sum over the ranks (nothing to do without a share). */
static int sum_shares(const basin_share *share, double *values, size_t n)
{
    return share && share->size > 1 ? share->sum(share->ctx, values, n) : 0;
}

double basin_hessian_spectrum_bytes(size_t dim, bool vectors)
{
    /* the eigenvalues alone: the one matrix, decomposed in place; with vectors LAPACK wants a copy, the
     * vectors and 2n² of workspace besides */
    return (double)dim * (double)dim * sizeof(double) * (vectors ? 4 : 1);
}

int basin_hessian_spectrum(const basin_problem *p, const double *w, basin_batch batch, const basin_share *share,
                           double *eval, double *evec)
{
    size_t n = p->dim;
    if (n > BASIN_DENSE_MAX_DIM) {
        basin_error_set("%zu parameters are more than the %d a dense Hessian allows here; use top:K or bottom:K "
                        "(Lanczos)",
                        n, BASIN_DENSE_MAX_DIM);
        return -1;
    }
    if (basin_budget_check(basin_hessian_spectrum_bytes(n, evec != NULL), "a %zu×%zu Hessian%s", n, n,
                           evec ? " with its eigenvectors" : "") != 0)
        return -1;
    double *h = malloc(n * n * sizeof *h);
    if (!h) {
        basin_error_set("out of memory for a %zu×%zu Hessian", n, n);
        return -1;
    }
    if (share && share->size > 1 && p->ops->hessian_columns) { /* this rank's columns, then all of them */
        p->ops->hessian_columns(p, w, batch, (size_t)share->rank, (size_t)share->size, h);
        if (sum_shares(share, h, n * n) != 0) {
            free(h);
            return -1;
        }
        basin_hessian_symmetrize(n, h);
    } else {
        basin_problem_hessian(p, w, batch, h);
    }
    int rc = evec ? basin_symmetric_eigen(n, h, eval, evec) : basin_symmetric_eigenvalues_inplace(n, h, eval);
    free(h);
    return rc;
}

/* Eigenpairs of the j×j tridiagonal (alpha, beta) ascending: values into theta, vectors into s (column
 * i of the row-major j×j). */
static int tridiagonal_eigen(size_t j, const double *alpha, const double *beta, double *theta, double *s)
{
    double *t = calloc(j * j, sizeof *t);
    if (!t) {
        basin_error_set("out of memory");
        return -1;
    }
    for (size_t i = 0; i < j; i++) {
        t[i * j + i] = alpha[i];
        if (i + 1 < j)
            t[i * j + i + 1] = t[(i + 1) * j + i] = beta[i];
    }
    int rc = basin_symmetric_eigen(j, t, theta, s);
    free(t);
    return rc;
}

/* The Lanczos recurrence from q0 with full reorthogonalization, up to m steps: Q (m+1 rows of n),
 * alpha, beta. Stops early on an invariant subspace. Returns the steps taken, or 0 with a message. */
typedef struct krylov {
    size_t n, m, steps;
    double *q, *alpha, *beta, *z;
} krylov;

static void krylov_free(krylov *k)
{
    free(k->q), free(k->alpha), free(k->beta), free(k->z);
}

static int krylov_init(krylov *k, size_t n, size_t m)
{
    *k = (krylov){.n = n, .m = m};
    k->q = malloc((m + 1) * n * sizeof *k->q);
    k->alpha = calloc(m + 1, sizeof *k->alpha);
    k->beta = calloc(m + 1, sizeof *k->beta);
    k->z = malloc(n * sizeof *k->z);
    if (!k->q || !k->alpha || !k->beta || !k->z) {
        krylov_free(k);
        basin_error_set("out of memory for a Krylov space of %zu vectors of %zu", m + 1, n);
        return -1;
    }
    return 0;
}

/* One step j: z = H q_j, α_j, full reorthogonalization (twice), β_j, q_{j+1}. Returns 1 to go on, 0 on
 * an invariant subspace, -1 on a non-finite product. */
static int krylov_step(krylov *k, const basin_problem *p, const double *w, basin_batch batch)
{
    size_t n = k->n, j = k->steps;
    double *qj = k->q + j * n, *z = k->z;
    basin_problem_hvp(p, w, batch, qj, z);
    if (!all_finite(n, z)) {
        basin_error_set("a Hessian-vector product is not finite");
        return -1;
    }
    k->alpha[j] = dot(n, qj, z);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i <= j; i++) {
            const double *qi = k->q + i * n;
            cblas_daxpy((int)n, -dot(n, qi, z), qi, 1, z, 1);
        }
    double b = norm(n, z);
    k->beta[j] = b;
    k->steps++;
    double scale = fabs(k->alpha[j]) + (j ? k->beta[j - 1] : 0) + 1e-300;
    if (b <= 1e-12 * scale)
        return 0;
    for (size_t i = 0; i < n; i++)
        k->q[(j + 1) * n + i] = z[i] / b;
    return 1;
}

static void random_unit(gsl_rng *rng, size_t n, double *v, bool rademacher)
{
    for (size_t i = 0; i < n; i++)
        v[i] = rademacher ? (gsl_rng_uniform(rng) < 0.5 ? -1.0 : 1.0) : gsl_ran_gaussian(rng, 1.0);
    double s = norm(n, v);
    for (size_t i = 0; i < n; i++)
        v[i] /= s;
}

int basin_lanczos(const basin_problem *p, const double *w, basin_batch batch, const basin_lanczos_opts *o,
                  double *eval, double *evec, size_t *iterations)
{
    size_t n = p->dim, k = o->k;
    size_t m = o->max_iter ? o->max_iter : (n < 300 ? n : 300);
    double tol = o->tol > 0 ? o->tol : 1e-10;
    if (k == 0 || k > n || m < k) {
        basin_error_set("Lanczos: %zu eigenvalues asked of %zu parameters with at most %zu steps", k, n, m);
        return -1;
    }
    krylov kr;
    gsl_rng *rng = seeded(o->seed);
    double *theta = malloc(m * sizeof *theta), *s = malloc(m * m * sizeof *s);
    int rc = -1;
    if (!rng || !theta || !s || krylov_init(&kr, n, m) != 0) {
        if (rng)
            gsl_rng_free(rng);
        free(theta), free(s);
        basin_error_set("out of memory for Lanczos");
        return -1;
    }
    random_unit(rng, n, kr.q, false);
    if (o->start && norm(n, o->start) > 0) {
        double s0 = norm(n, o->start);
        for (size_t i = 0; i < n; i++)
            kr.q[i] = o->start[i] / s0;
    }
    bool converged = false;
    while (!converged) {
        int go = krylov_step(&kr, p, w, batch);
        if (go < 0)
            goto done;
        size_t j = kr.steps;
        /* Ritz pairs are checked every 5 steps (a j×j eigenproblem each time) and at the end. */
        if ((j < k || j % 5 != 0) && go && j < m && j < n)
            continue;
        if (tridiagonal_eigen(j, kr.alpha, kr.beta, theta, s) != 0)
            goto done;
        /* The wanted Ritz pairs are converged when β_j·|last component of their vector| is small. */
        converged = true;
        for (size_t i = 0; i < k && i < j; i++) {
            size_t col = o->smallest ? i : j - 1 - i;
            double residual = kr.beta[j - 1] * fabs(s[(j - 1) * j + col]);
            converged = converged && residual <= tol * fmax(fabs(theta[col]), 1e-300);
        }
        converged = converged || !go || j == m || j == n;
        if (converged) {
            if (j < k) {
                basin_error_set("Lanczos: the Krylov space closed after %zu steps, fewer than the %zu eigenvalues asked",
                                j, k);
                goto done;
            }
            for (size_t i = 0; i < k; i++) {
                size_t col = o->smallest ? i : j - k + i; /* ascending either way */
                eval[i] = theta[col];
                if (evec) {
                    double *x = evec + i * n;
                    memset(x, 0, n * sizeof *x);
                    for (size_t r = 0; r < j; r++)
                        cblas_daxpy((int)n, s[r * j + col], kr.q + r * n, 1, x, 1);
                }
            }
        }
    }
    if (iterations)
        *iterations = kr.steps;
    rc = 0;
done:
    krylov_free(&kr);
    gsl_rng_free(rng);
    free(theta), free(s);
    return rc;
}

int basin_power_iteration(const basin_problem *p, const double *w, basin_batch batch, size_t k, size_t max_iter,
                          double tol, unsigned long seed, double *eval, size_t *products)
{
    size_t n = p->dim, used = 0;
    gsl_rng *rng = seeded(seed);
    double *found = malloc((k + 1) * n * sizeof *found), *v = malloc(n * sizeof *v), *hv = malloc(n * sizeof *hv);
    int rc = -1;
    if (!rng || !found || !v || !hv) {
        basin_error_set("out of memory for power iteration");
        goto done;
    }
    for (size_t e = 0; e < k; e++) {
        random_unit(rng, n, v, false);
        double lambda = NAN;
        for (size_t it = 0; it < max_iter; it++) {
            for (size_t f = 0; f < e; f++) /* deflation: stay orthogonal to the eigenvectors found */
                cblas_daxpy((int)n, -dot(n, found + f * n, v), found + f * n, 1, v, 1);
            double s = norm(n, v);
            for (size_t i = 0; i < n; i++)
                v[i] /= s;
            basin_problem_hvp(p, w, batch, v, hv);
            used++;
            double next = dot(n, v, hv), hn = norm(n, hv);
            if (!isfinite(next) || !(hn > 0)) {
                basin_error_set("power iteration: a Hessian-vector product is zero or not finite");
                goto done;
            }
            for (size_t i = 0; i < n; i++)
                v[i] = hv[i] / hn;
            bool settled = isfinite(lambda) && fabs(next - lambda) / (fabs(lambda) + 1e-6) < tol;
            lambda = next;
            if (settled)
                break;
        }
        eval[e] = lambda;
        memcpy(found + e * n, v, n * sizeof *v);
    }
    if (products)
        *products = used;
    rc = 0;
done:
    if (rng)
        gsl_rng_free(rng);
    free(found), free(v), free(hv);
    return rc;
}

int basin_hutchinson_trace(const basin_problem *p, const double *w, basin_batch batch, size_t probes,
                           unsigned long seed, const basin_share *share, double *trace, double *stderr_out)
{
    size_t n = p->dim;
    gsl_rng *rng = seeded(seed);
    double *z = malloc(n * sizeof *z), *hz = malloc(n * sizeof *hz), *x = minus_zeros(probes);
    double mean = 0, m2 = 0;
    int rc = -1;
    if (!rng || !z || !hz || !x || probes < 2) {
        basin_error_set(probes < 2 ? "Hutchinson's trace needs at least 2 probes" : "out of memory");
        goto done;
    }
    for (size_t i = 0; i < probes; i++) { /* every probe drawn, this rank's multiplied: x_i = zᵀHz */
        for (size_t j = 0; j < n; j++)
            z[j] = gsl_rng_uniform(rng) < 0.5 ? -1.0 : 1.0;
        if (!mine(share, i))
            continue;
        basin_problem_hvp(p, w, batch, z, hz);
        x[i] = dot(n, z, hz);
    }
    if (sum_shares(share, x, probes) != 0)
        goto done;
    for (size_t i = 0; i < probes; i++) {
        if (!isfinite(x[i])) {
            basin_error_set("a Hessian-vector product is not finite");
            goto done;
        }
        double delta = x[i] - mean;
        mean += delta / (double)(i + 1);
        m2 += delta * (x[i] - mean);
    }
    *trace = mean;
    *stderr_out = sqrt(m2 / (double)(probes - 1) / (double)probes);
    rc = 0;
done:
    if (rng)
        gsl_rng_free(rng);
    free(z), free(hz), free(x);
    return rc;
}

int basin_slq_nodes(const basin_problem *p, const double *w, basin_batch batch, size_t runs, size_t steps,
                    unsigned long seed, const basin_share *share, double *nodes, double *weights, size_t *count)
{
    size_t n = p->dim, m = steps < n ? steps : n;
    krylov kr;
    gsl_rng *rng = seeded(seed);
    double *theta = malloc(m * sizeof *theta), *s = malloc(m * m * sizeof *s);
    double *parts = minus_zeros(runs * (2 * m + 1)); /* per run: its steps, m nodes, m weights */
    int rc = -1;
    if (!rng || !theta || !s || !parts || krylov_init(&kr, n, m) != 0) {
        basin_error_set("out of memory for stochastic Lanczos quadrature");
        if (rng)
            gsl_rng_free(rng);
        free(theta), free(s), free(parts);
        return -1;
    }
    for (size_t run = 0; run < runs; run++) {
        kr.steps = 0;
        random_unit(rng, n, kr.q, true); /* every run's probe drawn, this rank's run */
        if (!mine(share, run))
            continue;
        int go = 1;
        while (go > 0 && kr.steps < m)
            go = krylov_step(&kr, p, w, batch);
        if (go < 0 || tridiagonal_eigen(kr.steps, kr.alpha, kr.beta, theta, s) != 0)
            goto done;
        /* Gauss quadrature: nodes θ_i with weights (first component of their vector)², averaged over runs */
        double *part = parts + run * (2 * m + 1);
        part[0] = (double)kr.steps;
        for (size_t i = 0; i < kr.steps; i++)
            part[1 + i] = theta[i], part[1 + m + i] = s[i] * s[i] / (double)runs; /* row 0, column i */
    }
    if (sum_shares(share, parts, runs * (2 * m + 1)) != 0)
        goto done;
    *count = 0;
    for (size_t run = 0; run < runs; run++) {
        const double *part = parts + run * (2 * m + 1);
        for (size_t i = 0; i < (size_t)part[0]; i++, (*count)++)
            nodes[*count] = part[1 + i], weights[*count] = part[1 + m + i];
    }
    rc = 0;
done:
    krylov_free(&kr);
    gsl_rng_free(rng);
    free(theta), free(s), free(parts);
    return rc;
}

void basin_slq_broaden(const double *nodes, const double *weights, size_t count, double sigma, const double *t,
                       size_t n_grid, double *density)
{
    for (size_t g = 0; g < n_grid; g++) {
        double sum = 0;
        for (size_t i = 0; i < count; i++) {
            double d = (t[g] - nodes[i]) / sigma;
            sum += weights[i] * exp(-0.5 * d * d);
        }
        density[g] = sum / (sigma * sqrt(2 * M_PI));
    }
}

int basin_slq_density(const basin_problem *p, const double *w, basin_batch batch, size_t runs, size_t steps,
                      double sigma, unsigned long seed, const basin_share *share, const double *t, size_t n_grid,
                      double *density)
{
    double *nodes = malloc((runs * steps + 1) * sizeof *nodes), *weights = malloc((runs * steps + 1) * sizeof *weights);
    size_t count;
    int rc = nodes && weights ? basin_slq_nodes(p, w, batch, runs, steps, seed, share, nodes, weights, &count) : -1;
    if (rc == 0)
        basin_slq_broaden(nodes, weights, count, sigma, t, n_grid, density);
    else if (!nodes || !weights)
        basin_error_set("out of memory");
    free(nodes), free(weights);
    return rc;
}

typedef struct ascent {
    const basin_problem *p;
    const double *w;
    basin_batch batch;
    double *x;
} ascent;

/* −f(w + y) and its gradient in y: L-BFGS-B minimizes. */
static double negative_loss(void *ctx, const double *y, double *g)
{
    ascent *a = ctx;
    size_t n = a->p->dim;
    for (size_t i = 0; i < n; i++)
        a->x[i] = a->w[i] + y[i];
    double f = basin_problem_eval_batch(a->p, a->x, a->batch, g);
    for (size_t i = 0; i < n; i++)
        g[i] = -g[i];
    return -f;
}

int basin_epsilon_sharpness(const basin_problem *p, const double *w, basin_batch batch,
                            const basin_sharpness_opts *opts, basin_sharpness_result *result)
{
    size_t n = p->dim;
    double *y = malloc(n * sizeof *y), *lower = malloc(n * sizeof *lower), *upper = malloc(n * sizeof *upper);
    ascent a = {p, w, batch, malloc(n * sizeof *a.x)};
    gsl_rng *rng = seeded(opts->seed);
    int rc = -1;
    *result = (basin_sharpness_result){.value = NAN, .max_loss = -INFINITY};
    if (!y || !lower || !upper || !a.x || !rng) {
        basin_error_set("out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        upper[i] = opts->epsilon * (fabs(w[i]) + 1), lower[i] = -upper[i];
    double f0 = basin_problem_eval_batch(p, w, batch, NULL);
    if (!isfinite(f0)) {
        basin_error_set("the loss is not finite at the point");
        goto done;
    }
    basin_lbfgsb_opts lo = {.memory = 10, .factr = 1e7, .pgtol = 1e-5, .max_iterations = opts->max_iterations};
    for (size_t s = 0; s < opts->starts; s++) {
        for (size_t i = 0; i < n; i++)
            y[i] = s == 0 ? 0 : gsl_ran_flat(rng, lower[i], upper[i]);
        basin_lbfgsb_result r;
        if (basin_lbfgsb_minimize(n, y, lower, upper, negative_loss, &a, &lo, &r) != 0)
            goto done;
        result->iterations += r.iterations, result->evaluations += r.evaluations, result->starts++;
        if (-r.f > result->max_loss)
            result->max_loss = -r.f, result->best_start = s;
    }
    result->max_loss = fmax(result->max_loss, f0);
    result->value = 100 * (result->max_loss - f0) / (1 + f0);
    rc = 0;
done:
    if (rng)
        gsl_rng_free(rng);
    free(y), free(lower), free(upper), free(a.x);
    return rc;
}

double basin_sam_sharpness(const basin_problem *p, const double *w, basin_batch batch, double rho)
{
    size_t n = p->dim;
    double *g = malloc(n * sizeof *g), *x = malloc(n * sizeof *x), result = NAN;
    if (!g || !x) {
        basin_error_set("out of memory");
    } else {
        double f0 = basin_problem_eval_batch(p, w, batch, g), gn = norm(n, g);
        for (size_t i = 0; i < n; i++)
            x[i] = w[i] + (gn > 0 ? rho * g[i] / gn : 0);
        result = basin_problem_eval_batch(p, x, batch, NULL) - f0;
    }
    free(g), free(x);
    return result;
}
