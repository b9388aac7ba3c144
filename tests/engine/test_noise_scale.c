/* test_noise_scale.c: the gradient noise scale on least squares. Exact: tr(Σ)/|G|² from the per-example
 * gradients equals the same formula over per-example gradients taken by central differences of each
 * example's loss (1e-6); the two-batch estimator (batches of 4 and 100 of 200 examples, drawn without
 * replacement) averages to it within 2% over 600,000 rounds, at three points. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/analysis/noise_scale.h"

#include <math.h>
#include <stdlib.h>

/* The estimate's spread is about 2% at 10^5 rounds here (heavy-tailed per-example gradients); the
 * sanitizer build, ten times slower, checks a looser bound on fewer rounds. */
#ifdef BASIN_SANITIZED
#define ROUNDS 60000
#define TOLERANCE 0.06
#else
#define ROUNDS 600000
#define TOLERANCE 0.02
#endif

/* tr(Σ)/|G|² from per-example gradients by central differences (independent of the analytic gradient). */
static double finite_difference_b_simple(const basin_problem *p, const double *w)
{
    size_t n = p->dim, N = p->n_examples;
    double *g = calloc(N * n, sizeof *g), *mean = calloc(n, sizeof *mean), *x = malloc(n * sizeof *x);
    assert_non_null(g);
    assert_non_null(mean);
    assert_non_null(x);
    for (size_t e = 0; e < N; e++)
        for (size_t i = 0; i < n; i++) {
            for (size_t k = 0; k < n; k++)
                x[k] = w[k];
            double h = 1e-5 * fmax(1, fabs(w[i]));
            x[i] = w[i] + h;
            double up = basin_problem_eval_batch(p, x, (basin_batch){&e, 1}, NULL);
            x[i] = w[i] - h;
            double down = basin_problem_eval_batch(p, x, (basin_batch){&e, 1}, NULL);
            g[e * n + i] = (up - down) / (2 * h);
            mean[i] += g[e * n + i] / (double)N;
        }
    double spread = 0, grad_sq = 0;
    for (size_t e = 0; e < N; e++)
        for (size_t i = 0; i < n; i++)
            spread += (g[e * n + i] - mean[i]) * (g[e * n + i] - mean[i]);
    for (size_t i = 0; i < n; i++)
        grad_sq += mean[i] * mean[i];
    free(g), free(mean), free(x);
    return spread / (double)N / grad_sq;
}

static void test_noise_scale_on_least_squares(void **state)
{
    (void)state;
    basin_problem *p = support_problem("linreg:n=200,normalize=true,label_noise=0.5");
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(rng);
    gsl_rng_set(rng, 11);
    static const double points[][2] = {{0.3, -0.2}, {2, 1}, {-1, 0.5}};
    for (size_t k = 0; k < 3; k++) {
        basin_noise_scale exact, estimate;
        assert_int_equal(basin_noise_scale_exact(p, points[k], &exact), 0);
        double fd = finite_difference_b_simple(p, points[k]);
        assert_true(fabs(exact.b_simple - fd) <= 1e-6 * fd);
        assert_int_equal(basin_noise_scale_two_batch(p, points[k], 4, 100, ROUNDS, rng, &estimate), 0);
        print_message("point %zu: B_simple exact %.5g, two-batch %.5g (%+.2f%%)\n", k, exact.b_simple,
                      estimate.b_simple, 100 * (estimate.b_simple / exact.b_simple - 1));
        assert_true(fabs(estimate.b_simple / exact.b_simple - 1) < TOLERANCE);
    }
    basin_noise_scale out;
    assert_int_equal(basin_noise_scale_two_batch(p, points[0], 64, 8, 10, rng, &out), -1);
    basin_problem *surface = support_problem("rosenbrock");
    assert_int_equal(basin_noise_scale_exact(surface, points[0], &out), -1);
    basin_problem_destroy(surface);
    gsl_rng_free(rng);
    basin_problem_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_noise_scale_on_least_squares),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
