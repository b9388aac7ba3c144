/* test_surfaces.c: every surface's gradient against central finite differences of its loss and its
 * Hessian against finite differences of its gradient, at several points; known minima and values;
 * the quadratic's spectrum and rotation; least squares' scaling, minibatches and minimum. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/error.h"
#include "engine/linalg.h"
#include "engine/registry.h"
#include "engine/spec.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Every registered surface with its defaults, plus variants that exercise its keys. */
static const char *const variants[] = {
    "rosenbrock:a=2,b=10",
    "rastrigin:dim=5,A=3",
    "quadratic:eig=1/50,angle=30,center=1/-0.5",
    "quadratic:eig=-2/3",
    "quadratic:dim=12,kappa=100,spectrum=log,seed=3",
    "quadratic:dim=9,kappa=40,spectrum=two-cluster,rotate=false",
    "linreg:normalize=true",
    "linreg:n=50,scale1=1000,scale2=0.01,label_noise=1,seed=7",
    "expr:f=\"sin(x)*exp(y/2) + x^2*y - atan2(y, 2 + x)\"",
    "expr:f=\"softplus(x0 - x1) * tanh(x2) + sqrt(1 + x0^2 + x2^2)\"",
};

#define MAX_DIM 12

static void check_derivatives(const char *spec)
{
    static const double points[][2] = {{0.3, -0.7}, {-1.2, 0.8}, {1.7, 1.3}, {-0.4, -1.9}, {2.2, -0.6}};
    basin_problem *p = support_problem(spec);
    size_t n = p->dim;
    assert_true(n <= MAX_DIM);
    bool linreg_raw = strncmp(spec, "linreg", 6) == 0 && !strstr(spec, "normalize");
    for (size_t k = 0; k < sizeof points / sizeof *points; k++) {
        double w[MAX_DIM], g[MAX_DIM], fd[MAX_DIM], h[MAX_DIM * MAX_DIM], fdh[MAX_DIM * MAX_DIM];
        for (size_t i = 0; i < n; i++)
            w[i] = points[k][i % 2] * (1 + 0.1 * (double)i);
        if (linreg_raw) /* keep the residuals O(1) at the problem's own scale */
            w[0] *= 1e-5;
        double f = basin_problem_eval(p, w, g);
        assert_true(isfinite(f));
        assert_close(basin_problem_eval(p, w, NULL), f, 0);
        support_fd_gradient(p, w, 1e-6, fd);
        /* FD at relative step 1e-6 is good to ~1e-8 of the scale; a wrong formula is off by O(1). */
        double scale = 1 + fabs(f);
        for (size_t i = 0; i < n; i++)
            if (fabs(g[i] - fd[i]) > 1e-6 * (scale + fabs(g[i]) * (linreg_raw ? 1e5 : 1)))
                fail_msg("%s at point %zu: d/dx%zu = %.12g, finite differences %.12g", spec, k, i, g[i], fd[i]);
        basin_problem_hessian(p, w, BASIN_FULL_BATCH, h);
        support_fd_hessian(p, w, 1e-6, fdh);
        double hscale = 0;
        for (size_t i = 0; i < n * n; i++)
            hscale = fmax(hscale, fabs(h[i]));
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                assert_close(h[i * n + j], h[j * n + i], 0); /* exactly symmetric */
                if (fabs(h[i * n + j] - fdh[i * n + j]) > 1e-6 * (1 + hscale))
                    fail_msg("%s at point %zu: H[%zu][%zu] = %.12g, finite differences %.12g", spec, k, i, j,
                             h[i * n + j], fdh[i * n + j]);
            }
    }
    basin_problem_destroy(p);
}

static void test_every_surface_has_exact_derivatives(void **state)
{
    (void)state;
    size_t count;
    const basin_entry *const *entries = basin_registry_list(BASIN_KIND_SURFACE, &count);
    for (size_t i = 0; i < count; i++) /* a typed formula needs one: the variants below give several */
        if (strcmp(entries[i]->name, "expr") != 0)
            check_derivatives(entries[i]->name);
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++)
        check_derivatives(variants[i]);
}

typedef struct known_minimum {
    const char *spec;
    double x, y, f;
} known_minimum;

/* Minimizers from the literature (Himmelblau's and the camel's to full double precision). */
static const known_minimum minima[] = {
    {"rosenbrock", 1, 1, 0},
    {"rosenbrock:a=2,b=5", 2, 4, 0},
    {"himmelblau", 3, 2, 0},
    {"himmelblau", -2.805118086952745, 3.131312518250573, 0},
    {"himmelblau", -3.779310253377747, -3.283185991286170, 0},
    {"himmelblau", 3.584428340330492, -1.848126526964404, 0},
    {"beale", 3, 0.5, 0},
    {"booth", 1, 3, 0},
    {"rastrigin", 0, 0, 0},
    {"ackley", 0, 0, 0},
    {"styblinski-tang", -2.903534027771178, -2.903534027771178, -78.33233140754283},
    {"six-hump-camel", 0.08984201368301331, -0.7126564032704135, -1.031628453489877},
    {"six-hump-camel", -0.08984201368301331, 0.7126564032704135, -1.031628453489877},
    {"quadratic:eig=1/50,angle=30,center=1/-0.5", 1, -0.5, 0},
};

static void test_known_minima(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof minima / sizeof *minima; k++) {
        const known_minimum *m = &minima[k];
        basin_problem *p = support_problem(m->spec);
        double w[2] = {m->x, m->y}, g[2], h[4], eval[2];
        double f = basin_problem_eval(p, w, g);
        if (fabs(f - m->f) > 1e-12 || hypot(g[0], g[1]) > 1e-7)
            fail_msg("%s at (%g, %g): f = %.17g (expected %.17g), |grad| = %.3g", m->spec, m->x, m->y, f, m->f,
                     hypot(g[0], g[1]));
        assert_close(p->f_min, m->f, 1e-12); /* the registry's f* is the true minimum value */
        basin_problem_hessian(p, w, BASIN_FULL_BATCH, h);
        assert_int_equal(basin_symmetric_eigen(2, h, eval, NULL), 0);
        if (strcmp(m->spec, "ackley") != 0) /* the cusp: no second-order condition there */
            assert_true(eval[0] > 0);
        basin_problem_destroy(p);
    }
}

static void test_stationary_points_that_are_not_minima(void **state)
{
    (void)state;
    double origin[2] = {0, 0}, g[2], h[4];
    basin_problem *saddle = support_problem("saddle");
    assert_close(basin_problem_eval(saddle, origin, g), 0, 0);
    basin_problem_hessian(saddle, origin, BASIN_FULL_BATCH, h);
    assert_close(h[0], 2, 0);
    assert_close(h[3], -2, 0);
    assert_true(isinf(saddle->f_min) && saddle->f_min < 0);
    basin_problem_destroy(saddle);

    basin_problem *monkey = support_problem("monkey-saddle");
    basin_problem_eval(monkey, origin, g);
    basin_problem_hessian(monkey, origin, BASIN_FULL_BATCH, h);
    for (int i = 0; i < 4; i++)
        assert_close(h[i], 0, 0); /* degenerate: the Hessian vanishes */
    assert_close(hypot(g[0], g[1]), 0, 0);
    basin_problem_destroy(monkey);

    /* Himmelblau's one local maximum. */
    basin_problem *him = support_problem("himmelblau");
    double top[2] = {-0.270845, -0.923039}, eval[2];
    assert_close(basin_problem_eval(him, top, g), 181.617, 1e-3);
    assert_true(hypot(g[0], g[1]) < 1e-4);
    basin_problem_hessian(him, top, BASIN_FULL_BATCH, h);
    basin_symmetric_eigen(2, h, eval, NULL);
    assert_true(eval[1] < 0);
    basin_problem_destroy(him);
}

static double *eigenvalues_of(const basin_problem *p)
{
    size_t n = p->dim;
    double *h = malloc(n * n * sizeof *h), *eval = malloc(n * sizeof *eval), *w = calloc(n, sizeof *w);
    assert_true(h && eval && w);
    basin_problem_hessian(p, w, BASIN_FULL_BATCH, h);
    assert_int_equal(basin_symmetric_eigen(n, h, eval, NULL), 0);
    free(h);
    free(w);
    return eval;
}

static void test_quadratic_spectrum_and_rotation(void **state)
{
    (void)state;
    /* 2-D: the first eigenvector is (cos θ, sin θ), rotated counter-clockwise. */
    basin_problem *q = support_problem("quadratic:eig=2/50,angle=30");
    double h[4], zero[2] = {0, 0}, c = cos(M_PI / 6), s = sin(M_PI / 6);
    basin_problem_hessian(q, zero, BASIN_FULL_BATCH, h);
    assert_close(h[0] * c + h[1] * s, 2 * c, 1e-13);
    assert_close(h[2] * c + h[3] * s, 2 * s, 1e-13);
    assert_close(-h[0] * s + h[1] * c, -50 * s, 1e-13);
    basin_problem_destroy(q);

    /* N-D spectra from 1 to kappa, invariant under the random rotation. */
    struct { const char *spec; int shape; } cases[] = {
        {"quadratic:dim=20,kappa=1000,spectrum=log,seed=11", 0},
        {"quadratic:dim=20,kappa=1000,spectrum=linear", 1},
        {"quadratic:dim=20,kappa=1000,spectrum=two-cluster", 2},
    };
    for (size_t k = 0; k < 3; k++) {
        q = support_problem(cases[k].spec);
        assert_int_equal(q->dim, 20);
        double *eval = eigenvalues_of(q);
        for (size_t i = 0; i < 20; i++) {
            double t = (double)i / 19, expected;
            if (cases[k].shape == 0)
                expected = pow(1000, t);
            else if (cases[k].shape == 1)
                expected = 1 + 999 * t;
            else
                expected = i < 10 ? 1 + 99.9 * (double)i / 9 : 1000 - 99.9 + 99.9 * (double)(i - 10) / 9;
            if (fabs(eval[i] - expected) > 1e-9 * expected)
                fail_msg("%s: eigenvalue %zu is %.15g, expected %.15g", cases[k].spec, i, eval[i], expected);
        }
        free(eval);
        basin_problem_destroy(q);
    }

    /* The rotation is random (off-diagonal mass) yet the same for the same seed; rotate=false is diagonal. */
    basin_problem *a = support_problem("quadratic:dim=6,kappa=10,seed=5");
    basin_problem *b = support_problem("quadratic:dim=6,kappa=10,seed=5");
    basin_problem *d = support_problem("quadratic:dim=6,kappa=10,rotate=false");
    double ha[36], hb[36], hd[36], z[6] = {0};
    basin_problem_hessian(a, z, BASIN_FULL_BATCH, ha);
    basin_problem_hessian(b, z, BASIN_FULL_BATCH, hb);
    basin_problem_hessian(d, z, BASIN_FULL_BATCH, hd);
    assert_memory_equal(ha, hb, sizeof ha);
    double off_a = 0, off_d = 0;
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            if (i != j) {
                off_a += fabs(ha[i * 6 + j]);
                off_d += fabs(hd[i * 6 + j]);
            }
    assert_true(off_a > 1);
    assert_close(off_d, 0, 0);
    basin_problem_destroy(a);
    basin_problem_destroy(b);
    basin_problem_destroy(d);
}

static void expect_surface_error(const char *text, const char *fragment)
{
    basin_spec spec;
    int parsed = basin_spec_parse(&spec, BASIN_KIND_SURFACE, text);
    basin_problem *p = parsed == 0 ? basin_problem_create(spec.entry, &spec.params) : NULL;
    if (p)
        fail_msg("'%s' was accepted", text);
    if (!strstr(basin_error_message(), fragment))
        fail_msg("'%s': message '%s' lacks '%s'", text, basin_error_message(), fragment);
    basin_spec_clear(&spec);
}

static void test_quadratic_rejects_contradictions(void **state)
{
    (void)state;
    expect_surface_error("quadratic:eig=1/2,kappa=5", "not both");
    expect_surface_error("quadratic:eig=1/2/3,dim=2", "dim=2");
    expect_surface_error("quadratic:eig=1/2,center=1/2/3", "center=");
    expect_surface_error("quadratic:dim=3,angle=10", "angle=");
    expect_surface_error("quadratic:eig=1/9,rotate=false", "rotate=");
}

static void test_linreg_scaling(void **state)
{
    (void)state;
    basin_problem *raw = support_problem("linreg");
    basin_problem *norm = support_problem("linreg:normalize=true");
    assert_int_equal(raw->n_examples, 200);
    double *er = eigenvalues_of(raw), *en = eigenvalues_of(norm);
    double kappa_raw = er[1] / er[0], kappa_norm = en[1] / en[0];
    print_message("linreg condition number: raw %.3g, standardized %.3g\n", kappa_raw, kappa_norm);
    assert_true(kappa_raw > 1e10); /* platelets (1e5) beside heights (1): hopeless for gradient descent */
    assert_true(kappa_norm < 1.5);  /* standardized independent features: nearly round */
    free(er);
    free(en);
    basin_problem_destroy(raw);
    basin_problem_destroy(norm);
}

/* The loss is a mean, so the mean of the gradients of equal minibatches partitioning the examples is
 * the full gradient; and the minimum value f* is where the gradient vanishes. */
static void test_linreg_minibatches_and_minimum(void **state)
{
    (void)state;
    basin_problem *p = support_problem("linreg:normalize=true,n=120");
    double w[2] = {0.7, -1.3}, g[2], g_sum[2] = {0, 0}, gb[2];
    size_t idx[40];
    basin_problem_eval(p, w, g);
    for (size_t b = 0; b < 3; b++) {
        for (size_t k = 0; k < 40; k++)
            idx[k] = 3 * k + b; /* interleaved partition */
        basin_problem_eval_batch(p, w, (basin_batch){idx, 40}, gb);
        g_sum[0] += gb[0] / 3;
        g_sum[1] += gb[1] / 3;
    }
    assert_close(g_sum[0], g[0], 1e-14);
    assert_close(g_sum[1], g[1], 1e-14);

    /* Sampled batches: distinct, increasing, in range, the same for the same seed. */
    gsl_rng *r1 = gsl_rng_alloc(gsl_rng_mt19937), *r2 = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r1, 9);
    gsl_rng_set(r2, 9);
    size_t a[16], b[16];
    for (int rep = 0; rep < 50; rep++) {
        basin_batch ba = basin_problem_sample_batch(p, 16, r1, a);
        basin_problem_sample_batch(p, 16, r2, b);
        assert_int_equal(ba.m, 16);
        assert_memory_equal(a, b, sizeof a);
        for (int k = 1; k < 16; k++)
            assert_true(a[k] > a[k - 1]);
        assert_true(a[15] < 120);
    }
    assert_null(basin_problem_sample_batch(p, 0, r1, a).idx);
    gsl_rng_free(r1);
    gsl_rng_free(r2);

    /* f* by QR; one Newton step on a quadratic lands on the minimizer, where f = f*. */
    double h[4], det, wstar[2];
    basin_problem_eval(p, (double[2]){0, 0}, g);
    basin_problem_hessian(p, w, BASIN_FULL_BATCH, h);
    det = h[0] * h[3] - h[1] * h[2];
    wstar[0] = -(h[3] * g[0] - h[1] * g[1]) / det;
    wstar[1] = -(-h[2] * g[0] + h[0] * g[1]) / det;
    assert_close(basin_problem_eval(p, wstar, NULL), p->f_min, 1e-12);
    assert_true(p->f_min > 0); /* label noise leaves a residual */
    basin_problem_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_surface_has_exact_derivatives),
        cmocka_unit_test(test_known_minima),
        cmocka_unit_test(test_stationary_points_that_are_not_minima),
        cmocka_unit_test(test_quadratic_spectrum_and_rotation),
        cmocka_unit_test(test_quadratic_rejects_contradictions),
        cmocka_unit_test(test_linreg_scaling),
        cmocka_unit_test(test_linreg_minibatches_and_minimum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
