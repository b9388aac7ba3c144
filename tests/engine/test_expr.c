/* test_expr.c: typed formulas: value, gradient and Hessian against PyTorch autograd at random points and
 * at kinks (tests/reference/make_golden_expr.py), Rosenbrock typed against the built-in one under every
 * optimizer, the same bits from three threads as from one, and parse errors that name the column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/error.h"
#include "engine/expr.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct golden_expr {
    const char *formula;
    int dim, points;
    const double *rows; /* points × (x (dim), f, ∇f (dim), ∇²f (dim × dim)) */
} golden_expr;

#include "../reference/golden_expr.inc"

#define RELATIVE 1e-13

/* Whether got is within RELATIVE of want, relative to scale (the largest magnitude of its kind). */
static bool close_to(double got, double want, double scale)
{
    return fabs(got - want) <= RELATIVE * fmax(scale, 1e-300) || got == want;
}

static double largest(const double *v, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

static void test_against_torch(void **state)
{
    (void)state;
    size_t n_cases = sizeof golden_exprs / sizeof *golden_exprs, checked = 0;
    double worst = 0;
    assert_true(n_cases >= 30);
    for (size_t c = 0; c < n_cases; c++) {
        const golden_expr *k = &golden_exprs[c];
        basin_expr *e = basin_expr_compile(k->formula);
        if (!e)
            fail_msg("'%s': %s", k->formula, basin_error_message());
        size_t d = (size_t)k->dim, row = 1 + 2 * d + d * d;
        for (int p = 0; p < k->points; p++) {
            const double *r = k->rows + (size_t)p * row, *x = r, *want_g = r + d + 1, *want_h = r + 2 * d + 1;
            double g[4], h[16];
            double f = basin_expr_eval(e, x, d, g, h);
            double sf = fabs(r[d]), sg = largest(want_g, d), sh = largest(want_h, d * d);
            bool ok = close_to(f, r[d], fmax(sf, 1e-300));
            for (size_t i = 0; i < d; i++)
                ok = ok && close_to(g[i], want_g[i], sg);
            for (size_t i = 0; i < d * d; i++)
                ok = ok && close_to(h[i], want_h[i], sh) && h[i] == h[(i % d) * d + i / d]; /* exactly symmetric */
            if (!ok)
                fail_msg("'%s' at point %d: f %.17g (torch %.17g), ∂x %.17g (%.17g), ∂²xx %.17g (%.17g), ∂²xy %.17g (%.17g)",
                         k->formula, p, f, r[d], g[0], want_g[0], h[0], want_h[0], h[1], want_h[1]);
            worst = fmax(worst, fabs(f - r[d]) / fmax(sf, 1e-300));
            for (size_t i = 0; i < d * d && sh > 0; i++)
                worst = fmax(worst, fabs(h[i] - want_h[i]) / sh);
            checked++;
        }
        /* the value alone, or with the gradient alone, is the same number */
        double g[4];
        const double *x = k->rows;
        assert_true(basin_expr_eval(e, x, d, NULL, NULL) == basin_expr_eval(e, x, d, g, NULL));
        basin_expr_free(e);
    }
    print_message("%zu formulas at %zu points: worst relative difference to torch %.2g\n", n_cases, checked, worst);
}

/* Rosenbrock typed equals the built-in Rosenbrock step for step under every optimizer. */
static void test_rosenbrock_typed(void **state)
{
    (void)state;
    static const char *const optimizers[] = {"sgd:lr=0.001,momentum=0.9", "adagrad:lr=0.5", "rmsprop:lr=0.01",
                                             "adam:lr=0.05", "adamw:lr=0.05,weight_decay=0.1", "newton"};
    basin_problem *builtin = support_problem("rosenbrock");
    basin_problem *typed = support_problem("expr:f=\"(1-x)^2 + 100*(y-x^2)^2\",domain=\"-2:2,-1:3\",minimum=\"1,1\"");
    assert_int_equal(typed->dim, 2);
    assert_true(typed->f_min == 0);
    assert_true(typed->domain[0] == -2 && typed->domain[3] == 3);
    double start[2] = {-1.5, 2}, worst = 0;
    for (size_t k = 0; k < sizeof optimizers / sizeof *optimizers; k++) {
        basin_run *a = basin_run_create(builtin, support_optimizer(optimizers[k], 2), NULL, start, 0, 0, 300);
        basin_run *b = basin_run_create(typed, support_optimizer(optimizers[k], 2), NULL, start, 0, 0, 300);
        assert_int_equal(basin_run_steps(a, 300), basin_run_steps(b, 300));
        assert_int_equal(a->trace.len, b->trace.len);
        for (size_t i = 0; i < 2 * a->trace.len; i++) {
            double d = fabs(a->trace.w[i] - b->trace.w[i]) / fmax(fabs(a->trace.w[i]), 1);
            worst = fmax(worst, d);
            if (d > 1e-12)
                fail_msg("%s: coordinate %zu: built-in %.17g, typed %.17g", optimizers[k], i, a->trace.w[i], b->trace.w[i]);
        }
        basin_run_destroy(a), basin_run_destroy(b);
    }
    print_message("6 optimizers × 300 steps: the typed Rosenbrock's path within %.2g of the built-in one\n", worst);
    basin_problem_destroy(builtin), basin_problem_destroy(typed);
}

typedef struct grid_job {
    const basin_expr *e;
    double *out; /* 64 × 64 points × (f, ∇f, ∇²f) */
} grid_job;

static void *eval_grid(void *arg)
{
    grid_job *j = arg;
    for (int r = 0; r < 64; r++)
        for (int c = 0; c < 64; c++) {
            double x[2] = {-2 + 4 * c / 63.0, -1 + 4 * r / 63.0}, *o = j->out + 7 * (r * 64 + c);
            o[0] = basin_expr_eval(j->e, x, 2, o + 1, o + 3);
        }
    return NULL;
}

/* One compiled formula evaluated by three threads at once gives the bits one thread gives. */
static void test_threads(void **state)
{
    (void)state;
    basin_expr *e = basin_expr_compile("sin(3*x)*exp(-y^2) + softplus(x*y) + atan2(y, 2 + x)");
    assert_non_null(e);
    size_t size = 7 * 64 * 64;
    double *one = malloc(size * sizeof *one), *many[3];
    grid_job alone = {e, one}, jobs[3];
    eval_grid(&alone);
    pthread_t threads[3];
    for (int t = 0; t < 3; t++) {
        many[t] = malloc(size * sizeof *many[t]);
        jobs[t] = (grid_job){e, many[t]};
        assert_int_equal(pthread_create(&threads[t], NULL, eval_grid, &jobs[t]), 0);
    }
    for (int t = 0; t < 3; t++) {
        pthread_join(threads[t], NULL);
        assert_memory_equal(one, many[t], size * sizeof *one);
        free(many[t]);
    }
    free(one);
    basin_expr_free(e);
}

/* Errors name the column and what was expected, or the unknown name and what is valid. */
static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *formula, *message;
    } cases[] = {
        {"(1-x)^2 + 100*(y-x^2", "column 21: expected ')' after 'y-x^2'"},
        {"x + z", "column 5: unknown name 'z' (variables x, y, x0 … x15"},
        {"sin x", "column 1: 'sin' is a function: write sin(...)"},
        {"atan2(x)", "column 1: 'atan2' takes 2 arguments, not 1"},
        {"x +", "column 4: expected a number, a name or '(' but found the end"},
        {"x ** 2", "column 4: expected a number, a name or '(' but found '*'"},
        {"x^2 y", "column 5: unexpected 'y' after 'x^2'"},
        {"x16", "column 1: unknown name 'x16'"},
        {"  ", "the formula is empty"},
        {"exp(x, y)", "column 1: 'exp' takes 1 argument, not 2"},
        {"x(2)", "column 1: 'x' is a variable, not a function"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        basin_expr *e = basin_expr_compile(cases[i].formula);
        if (e)
            fail_msg("'%s' compiled", cases[i].formula);
        if (!strstr(basin_error_message(), cases[i].message))
            fail_msg("'%s': '%s' (want '%s')", cases[i].formula, basin_error_message(), cases[i].message);
    }
    /* a point where the formula is not finite is a value, not a failure */
    basin_expr *e = basin_expr_compile("log(x) + 1/y");
    double x[2] = {-1, 0}, g[2];
    assert_true(isnan(basin_expr_eval(e, x, 2, g, NULL)));
    basin_expr_free(e);
    /* constants fold; variables count */
    e = basin_expr_compile("2^3 + pi - e + x7");
    assert_int_equal(basin_expr_vars(e), 8);
    double w[8] = {0, 0, 0, 0, 0, 0, 0, 0.5};
    assert_true(basin_expr_eval(e, w, 8, NULL, NULL) == 8 + M_PI - M_E + 0.5);
    basin_expr_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_torch),
        cmocka_unit_test(test_rosenbrock_typed),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
