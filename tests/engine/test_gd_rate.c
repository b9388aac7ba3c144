/* test_gd_rate.c: gradient descent on a quadratic converges for lr < 2/λmax and diverges above, and
 * each eigen-direction's error shrinks by exactly |1 − lr·λ| per step (the lecture's convergence law); every
 * optimizer's stability limit against bisection on a 1-D quadratic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/linalg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_MAX 10

/* Runs GD with lr on spec from start; returns the run (caller destroys). */
static basin_run *gd(const basin_problem *p, double lr, const double *start, long steps)
{
    char opt[64];
    snprintf(opt, sizeof opt, "sgd:lr=%.17g", lr);
    basin_run *run = support_run(p, opt, NULL, start, 0, 0, steps);
    basin_run_steps(run, steps);
    return run;
}

static void test_threshold_two_over_lambda_max(void **state)
{
    (void)state;
    basin_problem *p = support_problem("quadratic:eig=1/50,angle=30");
    double start[2] = {2.5, 1.5};
    double f0 = basin_problem_eval(p, start, NULL);
    double below[] = {0.001, 0.02, 0.039, 0.0399};
    for (size_t k = 0; k < 4; k++) {
        basin_run *run = gd(p, below[k], start, 20000);
        assert_int_equal(run->diverged_at, -1);
        double f = run->trace.loss[run->trace.len - 1];
        if (!(f < 1e-12 * f0))
            fail_msg("lr=%g < 2/λmax: loss %.3g after 20000 steps", below[k], f);
        basin_run_destroy(run);
    }
    /* Just above, the error grows by |1 − lr·λmax| = 1.005 a step: past 1e100 in ~23,000 steps. */
    double above[] = {0.0401, 0.05, 0.1};
    for (size_t k = 0; k < 3; k++) {
        basin_run *run = gd(p, above[k], start, 60000);
        if (run->diverged_at < 0)
            fail_msg("lr=%g > 2/λmax did not diverge (loss %.3g)", above[k], run->trace.loss[run->trace.len - 1]);
        /* Every kept row is finite and within the divergence bound, and the loss grows. */
        for (size_t t = 0; t < run->trace.len; t++)
            assert_true(isfinite(run->trace.loss[t]) && fabs(run->trace.loss[t]) <= BASIN_DIVERGENCE_LOSS);
        assert_int_equal((size_t)run->diverged_at, run->trace.len);
        assert_true(run->trace.loss[run->trace.len - 1] > 1e90);
        basin_run_destroy(run);
    }
    basin_problem_destroy(p);
}

/* Projects each row's error w_t − c onto H's eigenvectors and checks c_k(t+1) = (1 − lr·λ_k)·c_k(t). */
static void check_rates(const char *spec, double lr, const double *start)
{
    basin_problem *p = support_problem(spec);
    size_t n = p->dim;
    double h[N_MAX * N_MAX], eval[N_MAX], evec[N_MAX * N_MAX], zero[N_MAX] = {0};
    basin_problem_hessian(p, zero, BASIN_FULL_BATCH, h);
    assert_int_equal(basin_symmetric_eigen(n, h, eval, evec), 0);
    basin_run *run = gd(p, lr, start, 60);
    assert_int_equal(run->trace.len, 61);
    double worst = 0;
    for (size_t k = 0; k < n; k++) {
        double factor = 1 - lr * eval[k];
        for (size_t t = 0; t + 1 < run->trace.len; t++) {
            double now = 0, next = 0;
            for (size_t i = 0; i < n; i++) {
                now += evec[i * n + k] * run->trace.w[t * n + i];
                next += evec[i * n + k] * run->trace.w[(t + 1) * n + i];
            }
            double norm = 0;
            for (size_t i = 0; i < n; i++)
                norm = fmax(norm, fabs(run->trace.w[t * n + i]));
            if (fabs(now) < 1e-6 * norm) /* decayed into the other directions' rounding */
                break;
            double measured = next / now;
            worst = fmax(worst, fabs(measured - factor));
            if (fabs(measured - factor) > 1e-9)
                fail_msg("%s, lr=%g: direction %zu (λ=%g) shrank by %.12g at step %zu, expected 1 − lr·λ = %.12g",
                         spec, lr, k, eval[k], measured, t, factor);
        }
    }
    print_message("%s lr=%g: per-direction rate matches |1 − lr·λ| within %.1e\n", spec, lr, worst);
    basin_run_destroy(run);
    basin_problem_destroy(p);
}

static void test_rate_per_eigen_direction(void **state)
{
    (void)state;
    double start2[2] = {2.5, 1.5};
    check_rates("quadratic:eig=1/50,angle=30", 0.039, start2);  /* zig-zag: 1 − 0.039·50 = −0.95 */
    check_rates("quadratic:eig=1/50,angle=30", 0.02, start2);   /* λmax direction damped at once */
    double start10[N_MAX] = {1, -2, 0.5, 3, -1, 2, -0.5, 1.5, -3, 0.25};
    check_rates("quadratic:dim=10,kappa=20,spectrum=log,seed=4", 0.09, start10);
}

/* Whether the optimizer of spec, iterated on f = λx²/2 from x = 1, has shrunk |x| after many steps. */
static bool shrinks(const char *spec, double lambda)
{
    basin_optimizer *o = support_optimizer(spec, 1);
    double x = 1, g;
    for (long t = 0; t < 40000 && fabs(x) < 1e150; t++) {
        g = lambda * x;
        assert_int_equal(basin_optimizer_step(o, &x, &g, o->lr, NULL, (basin_batch){0}), 0);
    }
    basin_optimizer_destroy(o);
    return fabs(x) < 1;
}

/* The stability limit the log, labs and the window show, against the curvature found by bisection where
 * the real optimizer's iteration on a 1-D quadratic turns from shrinking to growing. */
static void test_stability_limit_by_bisection(void **state)
{
    (void)state;
    static const char *const specs[] = {
        "sgd:lr=0.1",
        "sgd:lr=0.1,momentum=0.9",
        "sgd:lr=0.1,momentum=0.9,nesterov=true",
        "sgd:lr=0.05,momentum=0.5,dampening=0.3",
        "sgd:lr=0.1,momentum=0.9,weight_decay=0.5",
        "sgd:lr=0.2,momentum=0.7,nesterov=true,weight_decay=0.25",
        "sgd:lr=0.1,weight_decay=1",
        "sgd:lr=0.1,momentum=0.9,dampening=0.9",
    };
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        basin_optimizer *o = support_optimizer(specs[i], 1);
        char formula[96];
        double limit = basin_optimizer_stability_limit(o, o->lr, formula, sizeof formula);
        basin_optimizer_destroy(o);
        double lo = 0, hi = 1;
        while (shrinks(specs[i], hi))
            hi *= 2;
        for (int k = 0; k < 50; k++) {
            double mid = 0.5 * (lo + hi);
            *(shrinks(specs[i], mid) ? &lo : &hi) = mid;
        }
        print_message("    %-52s %-22s %9.4f  bisection %9.4f\n", specs[i], formula, limit, lo);
        assert_true(fabs(limit - lo) <= 1e-3 * limit);
    }
    /* Adaptive optimizers and Newton have no scalar limit on the raw Hessian, and say why. */
    static const char *const none[] = {"adam", "adamw", "rmsprop", "adagrad", "newton"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        basin_optimizer *o = support_optimizer(none[i], 1);
        char formula[96];
        assert_true(isnan(basin_optimizer_stability_limit(o, 0.1, formula, sizeof formula)));
        assert_non_null(strstr(formula, "none: "));
        basin_optimizer_destroy(o);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threshold_two_over_lambda_max),
        cmocka_unit_test(test_rate_per_eigen_direction),
        cmocka_unit_test(test_stability_limit_by_bisection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
