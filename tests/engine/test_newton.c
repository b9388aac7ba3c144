/* test_newton.c: Newton's method against closed forms: one step on a quadratic lands on its minimizer,
 * damped steps shrink the error by 1 − lr, indefinite Hessians lead to saddles and maxima, singular
 * ones give the pseudo-inverse step, and a non-finite Hessian fails cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void newton_steps(const char *surface, const char *opt, double *w, int steps)
{
    basin_problem *p = support_problem(surface);
    basin_optimizer *o = support_optimizer(opt, p->dim);
    double *g = malloc(p->dim * sizeof *g);
    for (int s = 0; s < steps; s++) {
        basin_problem_eval(p, w, g);
        assert_int_equal(basin_optimizer_step(o, w, g, o->lr, p, BASIN_FULL_BATCH), 0);
    }
    free(g);
    basin_optimizer_destroy(o);
    basin_problem_destroy(p);
}

static void test_one_step_solves_a_quadratic(void **state)
{
    (void)state;
    double w[2] = {2.5, 1.5};
    newton_steps("quadratic:eig=1/50,angle=30,center=1/-0.5", "newton", w, 1);
    assert_close(w[0], 1, 1e-13);
    assert_close(w[1], -0.5, 1e-13);

    double c[3] = {0.5, -1, 2}, z[30];
    for (int i = 0; i < 30; i++)
        z[i] = sin(i + 1.0);
    newton_steps("quadratic:dim=30,kappa=1000,spectrum=log,seed=2", "newton", z, 1);
    for (int i = 0; i < 30; i++)
        assert_close(z[i], 0, 1e-11);
    (void)c;
}

static void test_damped_newton_shrinks_by_one_minus_lr(void **state)
{
    (void)state;
    double w[2] = {2.5, 1.5};
    newton_steps("quadratic:eig=1/50,angle=30,center=1/-0.5", "newton:lr=0.25", w, 1);
    assert_close(w[0], 1 + 0.75 * 1.5, 1e-13);
    assert_close(w[1], -0.5 + 0.75 * 2.0, 1e-13);
}

static void test_indefinite_hessian_heads_for_saddles_and_maxima(void **state)
{
    (void)state;
    /* x² − y²: the quadratic model is exact, so one step lands on the saddle. */
    double w[2] = {0.7, -0.3};
    newton_steps("saddle", "newton", w, 1);
    assert_close(w[0], 0, 1e-15);
    assert_close(w[1], 0, 1e-15);
    /* Himmelblau from near its maximum converges to the maximum, f ≈ 181.6. */
    double m[2] = {-0.4, -1.1};
    newton_steps("himmelblau", "newton", m, 8);
    assert_close(m[0], -0.27084459, 1e-7);
    assert_close(m[1], -0.92303856, 1e-7);
}

static void test_singular_hessian_takes_the_pseudo_inverse_step(void **state)
{
    (void)state;
    /* Zero Hessian (the monkey saddle's origin): no step, no NaN. */
    double w[2] = {0, 0};
    newton_steps("monkey-saddle", "newton", w, 3);
    assert_close(w[0], 0, 0);
    assert_close(w[1], 0, 0);
    /* eig = 0/4 along the axes: the flat direction keeps its coordinate, the curved one is solved. */
    double v[2] = {3, -2};
    newton_steps("quadratic:eig=0/4,center=1/1", "newton", v, 1);
    assert_close(v[0], 3, 1e-15);
    assert_close(v[1], 1, 1e-15);
}

static void test_non_finite_hessian_fails_cleanly(void **state)
{
    (void)state;
    basin_problem *p = support_problem("rosenbrock");
    basin_optimizer *o = support_optimizer("newton", 2);
    double w[2] = {1e200, 1}, g[2] = {1, 1};
    assert_int_equal(basin_optimizer_step(o, w, g, 1, p, BASIN_FULL_BATCH), -1);
    assert_non_null(strstr(basin_error_message(), "non-finite"));
    assert_close(w[0], 1e200, 0); /* left unchanged */
    assert_close(w[1], 1, 0);
    basin_optimizer_destroy(o);
    basin_problem_destroy(p);
}

/* Stochastic Newton: gradient and Hessian from the same minibatch, so one step solves that batch's
 * least-squares problem (its minibatch gradient vanishes there). */
static void test_stochastic_newton_solves_its_minibatch(void **state)
{
    (void)state;
    basin_problem *p = support_problem("linreg:normalize=true");
    double start[2] = {4, -3};
    basin_run *run = support_run(p, "newton", NULL, start, 5, 10, 1);
    assert_true(basin_run_step(run));
    double g[2];
    basin_problem_eval_batch(p, run->w, (basin_batch){run->idx, 10}, g);
    assert_close(g[0], 0, 1e-12);
    assert_close(g[1], 0, 1e-12);
    double full[2];
    basin_problem_eval(p, run->w, full);
    assert_true(hypot(full[0], full[1]) > 1e-6); /* the full problem is not solved by one batch */
    basin_run_destroy(run);
    basin_problem_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_step_solves_a_quadratic),
        cmocka_unit_test(test_damped_newton_shrinks_by_one_minus_lr),
        cmocka_unit_test(test_indefinite_hessian_heads_for_saddles_and_maxima),
        cmocka_unit_test(test_singular_hessian_takes_the_pseudo_inverse_step),
        cmocka_unit_test(test_non_finite_hessian_fails_cleanly),
        cmocka_unit_test(test_stochastic_newton_solves_its_minibatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
