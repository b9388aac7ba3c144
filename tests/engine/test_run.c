/* test_run.c: runs and traces: row 0 is the start, same seed gives the same bits, gradient noise has
 * the asked-for spread, divergence stops a run and keeps only finite rows, each coordinate's step size is
 * what the optimizers' published recurrences give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <math.h>
#include <string.h>

static void test_row_zero_is_the_start(void **state)
{
    (void)state;
    basin_problem *p = support_problem("rosenbrock");
    double start[2] = {-1.5, 2};
    basin_run *run = support_run(p, "adam:lr=0.01", NULL, start, 0, 0, 10);
    assert_int_equal(run->trace.len, 1);
    assert_memory_equal(run->trace.w, start, sizeof start);
    assert_close(run->trace.loss[0], 6.25 + 100 * 0.0625, 0);
    assert_int_equal(basin_run_steps(run, 10), 10);
    assert_int_equal(run->trace.len, 11);
    assert_int_equal(run->opt->steps, 10);
    basin_run_destroy(run);
    basin_problem_destroy(p);
}

static void run_twice(const char *surface, const char *opt, size_t batch, unsigned long s1, unsigned long s2,
                      bool expect_equal)
{
    basin_problem *p = support_problem(surface);
    double start[2] = {3, -2};
    basin_run *a = support_run(p, opt, NULL, start, s1, batch, 50);
    basin_run *b = support_run(p, opt, NULL, start, s2, batch, 50);
    basin_run_steps(a, 50);
    basin_run_steps(b, 50);
    assert_int_equal(a->trace.len, b->trace.len);
    bool equal = memcmp(a->trace.w, b->trace.w, a->trace.len * 2 * sizeof(double)) == 0;
    if (equal != expect_equal)
        fail_msg("%s with %s, batch %zu, seeds %lu and %lu: trajectories %s", surface, opt, batch, s1, s2,
                 equal ? "equal" : "differ");
    basin_run_destroy(a);
    basin_run_destroy(b);
    basin_problem_destroy(p);
}

static void test_same_seed_same_bits(void **state)
{
    (void)state;
    run_twice("linreg:normalize=true", "sgd:lr=0.1", 8, 42, 42, true);
    run_twice("linreg:normalize=true", "sgd:lr=0.1", 8, 42, 43, false);
    run_twice("booth:noise=0.5", "adam:lr=0.1", 0, 7, 7, true);
    run_twice("booth:noise=0.5", "adam:lr=0.1", 0, 7, 8, false);
    run_twice("linreg:normalize=true", "sgd:lr=0.1", 0, 1, 2, true); /* nothing random: seeds don't matter */
}

/* At booth's minimum the gradient is 0, so SGD with lr = 1 moves by the noise alone: each coordinate's
 * step has mean 0 and standard deviation σ. */
static void test_gradient_noise_has_the_given_spread(void **state)
{
    (void)state;
    basin_problem *p = support_problem("booth:noise=0.3");
    double start[2] = {1, 3};
    const int steps = 4000;
    double sum = 0, sum2 = 0;
    for (int k = 0; k < steps; k++) {
        basin_run *run = support_run(p, "sgd:lr=1", NULL, start, (unsigned long)k, 0, 1);
        basin_run_step(run);
        for (int i = 0; i < 2; i++) {
            double step = start[i] - run->w[i];
            sum += step;
            sum2 += step * step;
        }
        basin_run_destroy(run);
    }
    double n = 2.0 * steps, mean = sum / n, sd = sqrt(sum2 / n - mean * mean);
    print_message("gradient noise σ=0.3: measured mean %.4f, sd %.4f over %d draws\n", mean, sd, 2 * steps);
    assert_close(mean, 0, 4 * 0.3 / sqrt(n));
    assert_close(sd, 0.3, 0.3 * 4 / sqrt(2 * n));
    basin_problem_destroy(p);
}

static void test_divergence_stops_and_keeps_finite_rows(void **state)
{
    (void)state;
    basin_problem *p = support_problem("rosenbrock");
    double start[2] = {-1.5, 2};
    basin_run *run = support_run(p, "sgd:lr=0.01", NULL, start, 0, 0, 100);
    long taken = basin_run_steps(run, 100);
    assert_true(taken < 100);
    assert_int_equal(run->diverged_at, taken + 1);
    assert_int_equal(run->trace.len, (size_t)run->diverged_at);
    assert_string_equal(run->stop_reason, "diverged");
    for (size_t t = 0; t < run->trace.len; t++)
        assert_true(isfinite(run->trace.loss[t]) && fabs(run->trace.loss[t]) <= BASIN_DIVERGENCE_LOSS);
    assert_false(basin_run_step(run)); /* stays stopped */
    assert_int_equal(run->trace.len, (size_t)run->diverged_at);
    basin_run_destroy(run);

    /* A start that is already out of bounds leaves an empty trace. */
    double far[2] = {1e60, 0};
    run = support_run(p, "sgd:lr=0.01", NULL, far, 0, 0, 10);
    assert_int_equal(run->trace.len, 0);
    assert_int_equal(run->diverged_at, 0);
    basin_run_destroy(run);
    basin_problem_destroy(p);
}

/* Each coordinate's recorded step size against the recurrences of Adagrad (Duchi et al.), RMSProp (torch's
 * form) and Adam (Kingma and Ba, with bias correction) run here on the trace's own gradients; SGD's is η;
 * Newton has none; Adam's first step moves each coordinate by η. */
static void test_coordinate_steps_follow_the_recurrences(void **state)
{
    (void)state;
    basin_problem *p = support_problem("quadratic:eig=100/1");
    double start[2] = {-1.5, 2};
    const char *opts[] = {"sgd:lr=0.019", "adagrad:lr=0.5,lr_decay=0.01", "rmsprop:lr=0.05", "adam:lr=0.1", "newton"};
    for (int k = 0; k < 5; k++) {
        basin_run *run = support_run(p, opts[k], NULL, start, 0, 0, 30);
        assert_int_equal(basin_run_record_coordinate_steps(run), 0);
        basin_run_steps(run, 30);
        const basin_trace *tr = &run->trace;
        double sum[2] = {0, 0}, v[2] = {0, 0}, g[2], worst = 0;
        for (size_t t = 1; t < tr->len; t++) {
            basin_problem_eval(p, tr->w + 2 * (t - 1), g); /* the gradient that step t used */
            for (int i = 0; i < 2; i++) {
                double want = NAN, got = tr->coord_step[2 * t + i];
                sum[i] += g[i] * g[i];
                v[i] = (k == 2 ? 0.99 : 0.999) * v[i] + (k == 2 ? 0.01 : 0.001) * g[i] * g[i];
                if (k == 0)
                    want = 0.019;
                else if (k == 1)
                    want = 0.5 / (1 + (double)(t - 1) * 0.01) / (sqrt(sum[i]) + 1e-10);
                else if (k == 2)
                    want = 0.05 / (sqrt(v[i]) + 1e-8);
                else if (k == 3)
                    want = 0.1 / (sqrt(v[i] / (1 - pow(0.999, (double)t))) + 1e-8);
                if (k == 4)
                    assert_true(isnan(got));
                else
                    worst = fmax(worst, fabs(got / want - 1));
            }
        }
        assert_true(isnan(tr->coord_step[0]) && isnan(tr->coord_step[1])); /* row 0: no step yet */
        print_message("%s: step sizes within %.1e of the recurrence\n", opts[k], worst);
        assert_true(worst < 1e-13);
        if (k == 3)
            for (int i = 0; i < 2; i++)
                assert_true(fabs(fabs(tr->w[2 + i] - tr->w[i]) / 0.1 - 1) < 1e-6);
        basin_run_destroy(run);
    }
    basin_problem_destroy(p);
}

/* ASGD's averaged iterate: row 0 the start, then the uniform mean of the iterates from step t0 + 2 on
 * (torch's μ = 1/max(1, step − 1 − t0) at each step), so it first parts from the iterate at row t0 + 3;
 * its loss column is the problem's loss there. Other optimizers have no such columns. */
static void test_average_is_the_mean_of_the_iterates(void **state)
{
    (void)state;
    basin_problem *p = support_problem("quadratic:eig=1/10,noise=1");
    double start[2] = {2, -1};
    basin_run *run = support_run(p, "asgd:lr=0.05,t0=5,lambd=0", NULL, start, 3, 0, 30);
    basin_run_steps(run, 30);
    const basin_trace *tr = &run->trace;
    assert_memory_equal(tr->average, start, sizeof start);
    assert_int_equal(basin_trace_average_parts(tr, tr->len), 8);
    for (size_t t = 8; t <= 30; t++) {
        double mean[2] = {0, 0};
        for (size_t k = 7; k <= t; k++)
            mean[0] += tr->w[2 * k] / (double)(t - 6), mean[1] += tr->w[2 * k + 1] / (double)(t - 6);
        assert_close(tr->average[2 * t], mean[0], 1e-14);
        assert_close(tr->average[2 * t + 1], mean[1], 1e-14);
        assert_close(tr->average_loss[t], basin_problem_eval(p, tr->average + 2 * t, NULL), 0);
    }
    basin_run_destroy(run);
    run = support_run(p, "asgd", NULL, start, 3, 0, 30); /* t0 = 10⁶: the iterate itself */
    basin_run_steps(run, 30);
    assert_int_equal(basin_trace_average_parts(&run->trace, run->trace.len), run->trace.len);
    basin_run_destroy(run);
    run = support_run(p, "sgd:lr=0.05", NULL, start, 3, 0, 30);
    assert_null(run->trace.average);
    assert_null(run->trace.average_loss);
    basin_run_destroy(run);
    basin_problem_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_row_zero_is_the_start),
        cmocka_unit_test(test_same_seed_same_bits),
        cmocka_unit_test(test_gradient_noise_has_the_given_spread),
        cmocka_unit_test(test_divergence_stops_and_keeps_finite_rows),
        cmocka_unit_test(test_coordinate_steps_follow_the_recurrences),
        cmocka_unit_test(test_average_is_the_mean_of_the_iterates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
