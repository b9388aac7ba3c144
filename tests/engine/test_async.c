/* test_async.c: asynchronous SGD as a delay rule. Round-robin with K workers is a fixed delay of K−1,
 * bit for bit; gradient descent with delay τ on f = λx²/2 converges just below ηλ = 2·sin(π/(2(2τ+1)))
 * and diverges just above (τ = 0, 1, 2, 4), the closed form being the root of z^(τ+1) − z^τ + ηλ = 0 on
 * the unit circle; a 1-D run's iterates equal the recurrence x_{t+1} = x_t − ηλ·x_{max(0,t−τ)}. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/parallel/async.h"
#include "engine/spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static basin_async *rule(const char *text)
{
    basin_spec spec;
    assert_int_equal(basin_spec_parse(&spec, BASIN_KIND_PARALLEL, text), 0);
    basin_async *a = basin_async_create(&spec.params);
    basin_spec_clear(&spec);
    assert_non_null(a);
    return a;
}

static basin_problem *problem(const char *text)
{
    basin_spec spec;
    assert_int_equal(basin_spec_parse(&spec, BASIN_KIND_SURFACE, text), 0);
    basin_problem *p = basin_problem_create(spec.entry, &spec.params);
    basin_spec_clear(&spec);
    assert_non_null(p);
    return p;
}

static basin_run *async_run(const basin_problem *p, const char *opt, const char *parallel, const double *start,
                            long steps)
{
    basin_run *r = support_run(p, opt, NULL, start, 1, 0, steps);
    basin_run_set_async(r, rule(parallel));
    basin_run_steps(r, steps);
    return r;
}

static void test_round_robin_is_a_fixed_delay(void **state)
{
    (void)state;
    basin_problem *p = problem("rosenbrock");
    const double start[2] = {-1.5, 2};
    for (int k = 1; k <= 5; k++) {
        char rr[64], fixed[64];
        snprintf(rr, sizeof rr, "async:workers=%d", k);
        snprintf(fixed, sizeof fixed, "async:order=fixed,delay=%d", k - 1);
        basin_run *a = async_run(p, "sgd:lr=2e-4,momentum=0.5", rr, start, 300);
        basin_run *b = async_run(p, "sgd:lr=2e-4,momentum=0.5", fixed, start, 300);
        assert_int_equal(a->trace.len, 301);
        assert_int_equal(b->trace.len, 301);
        assert_memory_equal(a->trace.w, b->trace.w, 301 * 2 * sizeof(double));
        /* staleness K−1 once every worker has pushed: Σ τ = Σ_{t<K−1} t + (300 − (K−1))·(K−1) */
        double want = (k - 1) * (k - 2) / 2.0 + (300.0 - (k - 1)) * (k - 1);
        assert_true(a->staleness_sum == want);
        basin_run *fresh = async_run(p, "sgd:lr=2e-4,momentum=0.5", "async:workers=1", start, 300);
        if (k > 1) /* and the delay matters */
            assert_true(memcmp(a->trace.w + 600, fresh->trace.w + 600, 2 * sizeof(double)) != 0);
        basin_run_destroy(a), basin_run_destroy(b), basin_run_destroy(fresh);
    }
    basin_problem_destroy(p);
}

/* |x| after steps of delayed GD at ηλ = factor × the limit, from x0 = 1, as a run; the run's iterates are
 * checked against the recurrence on the way. */
static double final_size(long tau, double factor, long steps)
{
    basin_problem *p = problem("quadratic:eig=1");
    double lr = factor * basin_async_stability_limit(tau), x0 = 1;
    char opt[64], parallel[64];
    snprintf(opt, sizeof opt, "sgd:lr=%.17g", lr);
    snprintf(parallel, sizeof parallel, "async:order=fixed,delay=%ld", tau);
    basin_run *r = async_run(p, opt, parallel, &x0, steps);
    double *x = malloc((size_t)(steps + 1) * sizeof *x);
    assert_non_null(x);
    x[0] = x0;
    for (long t = 0; t < (long)r->trace.len - 1; t++) {
        x[t + 1] = x[t] - lr * x[t > tau ? t - tau : 0];
        assert_true(fabs(r->trace.w[t + 1] - x[t + 1]) <= 1e-12 * fmax(1, fabs(x[t + 1])));
    }
    double size = r->trace.len == (size_t)steps + 1 ? fabs(r->trace.w[steps]) : INFINITY;
    free(x);
    basin_run_destroy(r);
    basin_problem_destroy(p);
    return size;
}

static void test_delayed_gradient_descent_stability_law(void **state)
{
    (void)state;
    /* the limits themselves: 2, 1, 0.618, 0.445, 0.347 */
    static const double limits[] = {2, 1, 0.6180339887498949, 0.4450418679126288, 0.3472963553338607};
    for (long tau = 0; tau <= 4; tau++)
        assert_true(fabs(basin_async_stability_limit(tau) - limits[tau]) < 1e-15);
    static const long taus[] = {0, 1, 2, 4};
    for (size_t i = 0; i < sizeof taus / sizeof *taus; i++) {
        double below = final_size(taus[i], 0.98, 20000), above = final_size(taus[i], 1.02, 20000);
        print_message("tau %ld: |x| after 20000 steps: %.3g at 0.98 of the limit, %.3g at 1.02\n", taus[i], below,
                      above);
        assert_true(below < 1e-6);
        assert_true(above > 1e6);
    }
}

/* K = 4 workers in turn at ηλ = 1.2 on f = x²/2: τ = 3 allows only 0.445, so the run diverges; with
 * lr_staleness=inverse each step takes η/τ = 0.4 once every worker has pushed, and it converges; the
 * trace's learning rates are the divided ones. */
static void test_inverse_staleness_learning_rate(void **state)
{
    (void)state;
    basin_problem *p = problem("quadratic:eig=1");
    double x0 = 1;
    basin_run *plain = async_run(p, "sgd:lr=1.2", "async:workers=4", &x0, 20000);
    basin_run *inverse = async_run(p, "sgd:lr=1.2", "async:workers=4,lr_staleness=inverse", &x0, 20000);
    assert_true(plain->diverged_at >= 0 || fabs(plain->trace.w[plain->trace.len - 1]) > 1e6);
    assert_int_equal(inverse->trace.len, 20001);
    assert_true(fabs(inverse->trace.w[20000]) < 1e-6);
    /* staleness 0, 1, 2 for the first pushes, then 3 */
    static const double factors[] = {1, 1, 0.5, 1.0 / 3, 1.0 / 3};
    for (int t = 0; t < 5; t++)
        assert_true(fabs(inverse->trace.lr[t] - 1.2 * factors[t]) < 1e-15);
    basin_run_destroy(plain), basin_run_destroy(inverse);
    basin_problem_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_robin_is_a_fixed_delay),
        cmocka_unit_test(test_delayed_gradient_descent_stability_law),
        cmocka_unit_test(test_inverse_staleness_learning_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
