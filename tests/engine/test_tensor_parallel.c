/* test_tensor_parallel.c: Megatron's MLP split gives the unsplit model's loss and gradient: T = 2 and 4
 * workers against one back-propagation (basin_net_eval) on digits, to 1e-12 relative, for an MLP with one
 * pair and a whole last layer, one with two pairs, and a CNN whose dense head is a pair; 20 steps of SGD
 * with momentum land on the plain trainer's weights. Each worker sends 2(T−1)/T of every all-reduce: the
 * pair's output forward and its input gradient backward (none at the network's input). Widths T does not
 * divide, a normalization or dropout between Linear layers are refused with messages naming the layer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/error.h"
#include "engine/parallel/tensor_parallel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH = 64 };

static void test_split_gradient_equals_the_whole(void **state)
{
    (void)state;
    static const char *const models[] = {"mlp:hidden=64/32", "mlp:hidden=32/16/32/16,act=tanh",
                                         "cnn:channels=4,hidden=32"};
    basin_dataset *data = support_dataset("digits", 0);
    size_t idx[BATCH];
    for (size_t i = 0; i < BATCH; i++)
        idx[i] = (i * 37) % data->train.n;
    for (size_t k = 0; k < sizeof models / sizeof *models; k++) {
        basin_net_problem *np = support_net_problem(models[k], data, 3);
        size_t n = np->base.dim;
        double *w = malloc(n * sizeof *w), *whole = malloc(n * sizeof *whole), *split = malloc(n * sizeof *split);
        assert_true(w && whole && split);
        support_init("default", np->net.model, w, 1);
        double loss = basin_net_eval(np, w, (basin_batch){idx, BATCH}, &BASIN_EVAL_TRAIN_FIXED, whole);
        for (int t = 2; t <= 4; t += 2) {
            basin_tensor_parallel *tp = basin_tensor_parallel_create(np, t, (basin_cost_model){0}, NULL);
            if (!tp)
                fail_msg("%s, T = %d: %s", models[k], t, basin_error_message());
            basin_grad_source source = basin_tensor_parallel_source(tp);
            double split_loss = source.gradient(source.ctx, w, (basin_batch){idx, BATCH}, split);
            double diff = support_max_scaled_diff(split, whole, n);
            print_message("%s, T = %d (%zu pairs): gradient %.3g relative, loss %.3g\n", models[k], t,
                          basin_tensor_parallel_pairs(tp), diff, fabs(split_loss - loss) / loss);
            assert_true(basin_tensor_parallel_pairs(tp) >= 1);
            if (!(diff < 1e-12 && fabs(split_loss - loss) < 1e-12 * loss))
                fail_msg("%s, T = %d: gradient %.3g, loss %.3g relative", models[k], t, diff,
                         fabs(split_loss - loss) / loss);
            basin_tensor_parallel_destroy(tp);
        }
        free(w), free(whole), free(split);
        basin_problem_destroy(&np->base);
    }
    basin_dataset_destroy(data);
}

/* Two pairs (64 → 32 → 16 and 16 → 32 → 16) and a whole last Linear: per step each worker sends
 * 2(T−1)/T of B·16 (first pair's output) + B·16 (second pair's output) + B·16 (second pair's input
 * gradient); the first pair's input is the (flattened) data, whose gradient nobody needs. */
static void test_training_and_bytes(void **state)
{
    (void)state;
    basin_dataset *data = support_dataset("digits", 0);
    basin_train_config cfg = {.epochs = -1, .steps = 20, .batch = BATCH, .seed = 5};
    basin_net_problem *one = support_net_problem("mlp:hidden=32/16/32/16", data, 3),
                      *many = support_net_problem("mlp:hidden=32/16/32/16", data, 3);
    size_t n = one->base.dim;
    double *w1 = malloc(n * sizeof *w1), *w4 = malloc(n * sizeof *w4);
    assert_true(w1 && w4);
    support_init("default", one->net.model, w1, 1);
    memcpy(w4, w1, n * sizeof *w1);
    basin_optimizer *o1 = support_optimizer("sgd:lr=0.05,momentum=0.9", n), *o4 = support_optimizer("sgd:lr=0.05,momentum=0.9", n);
    basin_tensor_parallel *tp = basin_tensor_parallel_create(many, 4, (basin_cost_model){0}, NULL);
    assert_non_null(tp);
    basin_trainer *a = basin_trainer_create(one, w1, o1, NULL, &cfg, basin_grad_source_local(one));
    basin_trainer *b = basin_trainer_create(many, w4, o4, NULL, &cfg, basin_tensor_parallel_source(tp));
    assert_true(a && b);
    basin_train_row ra, rb;
    double worst = 0;
    for (int s = 0; s <= 20; s++) {
        assert_int_equal(basin_trainer_step(a, &ra), 1);
        assert_int_equal(basin_trainer_step(b, &rb), 1);
        worst = fmax(worst, support_max_rel_diff(w4, w1, n));
    }
    print_message("T = 4 against one process: %.3g relative over 20 steps\n", worst);
    assert_true(worst < 1e-12);
    double per_step = (double)basin_tensor_parallel_values_sent(tp) / 20;
    double expected = 2.0 * 3 / 4 * (3.0 * BATCH * 16);
    print_message("values sent per worker per step: %.1f (2(T−1)/T · 3·B·16 = %.1f)\n", per_step, expected);
    assert_true(fabs(per_step - expected) <= 3 * 2 * 4);
    basin_trainer_destroy(a), basin_trainer_destroy(b);
    basin_tensor_parallel_destroy(tp);
    basin_optimizer_destroy(o1), basin_optimizer_destroy(o4);
    basin_problem_destroy(&one->base), basin_problem_destroy(&many->base);
    free(w1), free(w4);
    basin_dataset_destroy(data);
}

/* The clock: with latency L per message each of the step's three all-reduces (two pairs' outputs, the
 * second pair's input gradient) sends 2(T−1) messages in sequence, so L = 0.01 adds 3·6·0.01 = 0.18 a step
 * for T = 4; with T = 1 the step is the whole model's, a unit per example of the batch. */
static void test_clock(void **state)
{
    (void)state;
    basin_dataset *data = support_dataset("digits", 0);
    basin_net_problem *np = support_net_problem("mlp:hidden=32/16/32/16", data, 3);
    double *w = malloc(np->base.dim * sizeof *w), *g = malloc(np->base.dim * sizeof *g), times[3];
    assert_true(w && g);
    support_init("default", np->net.model, w, 1);
    size_t idx[BATCH];
    for (size_t i = 0; i < BATCH; i++)
        idx[i] = i;
    const struct {
        int t;
        basin_cost_model cost;
    } cases[] = {{4, {0, 0}}, {4, {0.01, 0}}, {1, {0.01, 0}}};
    for (int k = 0; k < 3; k++) {
        basin_tensor_parallel *tp = basin_tensor_parallel_create(np, cases[k].t, cases[k].cost, NULL);
        assert_non_null(tp);
        basin_grad_source source = basin_tensor_parallel_source(tp);
        basin_grad_step info;
        source.gradient(source.ctx, w, (basin_batch){idx, BATCH}, g);
        source.step_info(source.ctx, &info);
        times[k] = info.sim_time;
        basin_tensor_parallel_destroy(tp);
    }
    print_message("a step: %.6g time units for T = 4, %.6g with latency 0.01, %.6g for T = 1\n", times[0], times[1],
                  times[2]);
    assert_true(fabs(times[1] - times[0] - 0.18) < 1e-12);
    assert_true(times[0] < BATCH && fabs(times[2] - BATCH) < 1e-9);
    free(w), free(g);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(data);
}

/* The plan the split view draws: Flatten whole, the first Linear column-parallel, the Tanh on each slice,
 * the second Linear row-parallel, then the rest whole; two pairs in a deeper MLP. */
static void test_plan(void **state)
{
    (void)state;
    basin_dataset *data = support_dataset("digits", 0);
    basin_net_problem *np = support_net_problem("mlp:hidden=64/32,act=tanh", data, 3);
    basin_tensor_role roles[6];
    assert_int_equal(np->net.model->n_layers, 6);
    assert_int_equal(basin_tensor_parallel_plan(np->net.model, 4, roles), 0);
    static const basin_tensor_role want[6] = {BASIN_TENSOR_WHOLE, BASIN_TENSOR_COLUMNS, BASIN_TENSOR_SLICED,
                                              BASIN_TENSOR_ROWS, BASIN_TENSOR_WHOLE, BASIN_TENSOR_WHOLE};
    for (int i = 0; i < 6; i++)
        assert_int_equal(roles[i], want[i]);
    basin_problem_destroy(&np->base);
    np = support_net_problem("mlp:hidden=32/16/32/16", data, 3);
    basin_tensor_role deep[10];
    assert_int_equal(basin_tensor_parallel_plan(np->net.model, 2, deep), 0);
    int columns = 0, rows = 0;
    for (size_t i = 0; i < np->net.model->n_layers; i++)
        columns += deep[i] == BASIN_TENSOR_COLUMNS, rows += deep[i] == BASIN_TENSOR_ROWS;
    assert_int_equal(columns, 2);
    assert_int_equal(rows, 2);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(data);
}

static void test_refusals(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"mlp:hidden=30", "layer 1's 30 features cannot be split among 4 workers"}, /* layer 0 is Flatten */
        {"mlp:hidden=32,norm=batch", "layer 2 (BatchNorm1d) follows Linear layer 1"},
        {"mlp:hidden=32,dropout=0.5", "layer 3 (Dropout) follows Linear layer 1"},
    };
    basin_dataset *data = support_dataset("digits", 0);
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        basin_net_problem *np = support_net_problem(cases[k][0], data, 3);
        assert_null(basin_tensor_parallel_create(np, 4, (basin_cost_model){0}, NULL));
        if (!strstr(basin_error_message(), cases[k][1]))
            fail_msg("%s: '%s' does not say '%s'", cases[k][0], basin_error_message(), cases[k][1]);
        basin_problem_destroy(&np->base);
    }
    basin_dataset_destroy(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_gradient_equals_the_whole),
        cmocka_unit_test(test_training_and_bytes),
        cmocka_unit_test(test_clock),
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
