/* test_pipeline_parallel.c: the staged execution on threads gives the minibatch's gradient. Against one
 * back-propagation over the batch (basin_net_eval), to 1e-12 relative: GPipe, 1F1B and the interleaved
 * schedule for several S, M and V, on 61 examples (unequal micro-batches), balanced by work and by a
 * given balance=; gradient accumulation itself (shares of micro-batches summed) the same. 20 steps of SGD
 * with momentum land on the plain trainer's weights. With BatchNorm the pipeline equals accumulating
 * micro-batches each normalized on its own (and differs from the batch by more than 1e-6); with dropout it
 * equals one data-parallel worker, whose draws are keyed the same way. Bad configurations are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/error.h"
#include "engine/parallel/comm.h"
#include "engine/parallel/data_parallel.h"
#include "engine/parallel/pipeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH = 61 };

static size_t idx[BATCH];

typedef struct setup {
    basin_dataset *data;
    basin_net_problem *np;
    double *w, *g, *reference;
} setup;

static setup make(const char *model)
{
    setup s;
    s.data = support_dataset("digits", 0);
    s.np = support_net_problem(model, s.data, 3);
    size_t n = s.np->base.dim;
    s.w = malloc(n * sizeof *s.w), s.g = malloc(n * sizeof *s.g), s.reference = malloc(n * sizeof *s.reference);
    assert_true(s.w && s.g && s.reference);
    support_init("default", s.np->net.model, s.w, 1);
    for (size_t i = 0; i < BATCH; i++)
        idx[i] = (i * 37 + 5) % s.data->train.n;
    return s;
}

static void unmake(setup *s)
{
    free(s->w), free(s->g), free(s->reference);
    basin_problem_destroy(&s->np->base);
    basin_dataset_destroy(s->data);
}

/* The pipeline's loss and gradient (into s->g) at s->w on the batch. */
static double pipeline_gradient(setup *s, basin_pipeline_config cfg)
{
    basin_pipeline *pp = basin_pipeline_create(s->np, &cfg);
    if (!pp)
        fail_msg("%s", basin_error_message());
    basin_grad_source source = basin_pipeline_source(pp);
    double loss = source.gradient(source.ctx, s->w, (basin_batch){idx, BATCH}, s->g);
    basin_pipeline_destroy(pp);
    return loss;
}

/* Σ over M micro-batches of each one's share of the mean loss and its gradient, evaluated as o says. */
static double accumulated(setup *s, int micro, basin_eval_opts o, double *g)
{
    double *part = malloc(s->np->base.dim * sizeof *part), loss = 0;
    assert_non_null(part);
    memset(g, 0, s->np->base.dim * sizeof *g);
    basin_shard shard = {.global_batch = BATCH};
    o.shard = &shard;
    for (int m = 0; m < micro; m++) {
        size_t first, end;
        basin_comm_chunk(BATCH, micro, m, &first, &end);
        loss += basin_net_eval(s->np, s->w, (basin_batch){idx + first, end - first}, &o, part);
        for (size_t i = 0; i < s->np->base.dim; i++)
            g[i] += part[i];
    }
    free(part);
    return loss;
}

static void test_schedules_give_the_minibatch_gradient(void **state)
{
    (void)state;
    setup s = make("mlp:hidden=32/32/32,act=tanh"); /* Flatten, then 4 Linear and 3 Tanh: 8 layers */
    double loss = basin_net_eval(s.np, s.w, (basin_batch){idx, BATCH}, &BASIN_EVAL_TRAIN_FIXED, s.reference);
    double acc_loss = accumulated(&s, 5, BASIN_EVAL_TRAIN_FIXED, s.g);
    double acc = support_max_scaled_diff(s.g, s.reference, s.np->base.dim);
    print_message("accumulating 5 micro-batches: %.3g relative\n", acc);
    assert_true(acc < 1e-12 && fabs(acc_loss - loss) < 1e-12 * loss);
    static const double balance[] = {3, 1, 2, 2};
    const struct {
        basin_pipe_kind kind;
        int stages, micro, chunks;
        const double *balance;
    } cases[] = {
        {BASIN_PIPE_GPIPE, 2, 4, 1, NULL},   {BASIN_PIPE_GPIPE, 4, 8, 1, NULL},   {BASIN_PIPE_1F1B, 2, 1, 1, NULL},
        {BASIN_PIPE_1F1B, 3, 4, 1, NULL},    {BASIN_PIPE_1F1B, 4, 16, 1, NULL},   {BASIN_PIPE_1F1B, 4, 5, 1, balance},
        {BASIN_PIPE_INTERLEAVED, 2, 4, 2, NULL}, {BASIN_PIPE_INTERLEAVED, 2, 6, 3, NULL},
        {BASIN_PIPE_INTERLEAVED, 4, 8, 2, NULL},
    };
    static const char *const names[] = {"gpipe", "1f1b", "interleaved"};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        basin_pipeline_config cfg = {.stages = cases[k].stages, .micro = cases[k].micro, .chunks = cases[k].chunks,
                                     .schedule = cases[k].kind, .balance = cases[k].balance,
                                     .n_balance = cases[k].balance ? 4 : 0, .seed = 7};
        double got = pipeline_gradient(&s, cfg), diff = support_max_scaled_diff(s.g, s.reference, s.np->base.dim);
        print_message("%s S=%d M=%d V=%d%s: gradient %.3g, loss %.3g relative\n", names[cases[k].kind],
                      cases[k].stages, cases[k].micro, cases[k].chunks, cases[k].balance ? " balance=3/1/2/2" : "",
                      diff, fabs(got - loss) / loss);
        if (!(diff < 1e-12 && fabs(got - loss) < 1e-12 * loss))
            fail_msg("%s S=%d M=%d: gradient %.3g relative", names[cases[k].kind], cases[k].stages, cases[k].micro,
                     diff);
    }
    unmake(&s);
}

static void test_training_equals_the_plain_trainer(void **state)
{
    (void)state;
    basin_dataset *data = support_dataset("digits", 0);
    basin_train_config cfg = {.epochs = -1, .steps = 20, .batch = 64, .seed = 5};
    basin_net_problem *one = support_net_problem("mlp:hidden=32/32", data, 3),
                      *staged = support_net_problem("mlp:hidden=32/32", data, 3);
    size_t n = one->base.dim;
    double *w1 = malloc(n * sizeof *w1), *w2 = malloc(n * sizeof *w2);
    assert_true(w1 && w2);
    support_init("default", one->net.model, w1, 1);
    memcpy(w2, w1, n * sizeof *w1);
    basin_optimizer *o1 = support_optimizer("sgd:lr=0.05,momentum=0.9", n),
                    *o2 = support_optimizer("sgd:lr=0.05,momentum=0.9", n);
    basin_pipeline_config pc = {.stages = 3, .micro = 4, .chunks = 1, .schedule = BASIN_PIPE_1F1B, .seed = 5};
    basin_pipeline *pp = basin_pipeline_create(staged, &pc);
    assert_non_null(pp);
    basin_trainer *a = basin_trainer_create(one, w1, o1, NULL, &cfg, basin_grad_source_local(one));
    basin_trainer *b = basin_trainer_create(staged, w2, o2, NULL, &cfg, basin_pipeline_source(pp));
    assert_true(a && b);
    basin_train_row ra, rb;
    double worst = 0;
    for (int step = 0; step <= 20; step++) {
        assert_int_equal(basin_trainer_step(a, &ra), 1);
        assert_int_equal(basin_trainer_step(b, &rb), 1);
        worst = fmax(worst, support_max_rel_diff(w2, w1, n));
    }
    print_message("1f1b S=3 M=4 against one process: %.3g relative over 20 steps\n", worst);
    assert_true(worst < 1e-12);
    basin_trainer_destroy(a), basin_trainer_destroy(b);
    basin_pipeline_destroy(pp);
    basin_optimizer_destroy(o1), basin_optimizer_destroy(o2);
    basin_problem_destroy(&one->base), basin_problem_destroy(&staged->base);
    free(w1), free(w2);
    basin_dataset_destroy(data);
}

static void test_batchnorm_and_dropout(void **state)
{
    (void)state;
    setup s = make("mlp:hidden=32/32,norm=batch");
    basin_eval_opts per_micro = BASIN_EVAL_TRAIN_FIXED;
    (void)accumulated(&s, 4, per_micro, s.reference);
    double *whole = malloc(s.np->base.dim * sizeof *whole);
    assert_non_null(whole);
    basin_net_eval(s.np, s.w, (basin_batch){idx, BATCH}, &BASIN_EVAL_TRAIN_FIXED, whole);
    basin_pipeline_config cfg = {.stages = 2, .micro = 4, .chunks = 1, .schedule = BASIN_PIPE_GPIPE, .seed = 7};
    pipeline_gradient(&s, cfg);
    double diff = support_max_scaled_diff(s.g, s.reference, s.np->base.dim),
           apart = support_max_scaled_diff(s.g, whole, s.np->base.dim);
    print_message("BatchNorm: %.3g from micro-batches normalized alone, %.3g from the whole batch\n", diff, apart);
    assert_true(diff < 1e-12 && apart > 1e-6);
    free(whole);
    unmake(&s);

    s = make("mlp:hidden=32/32,dropout=0.3");
    basin_data_parallel *dp = basin_data_parallel_create(s.np, &(basin_data_parallel_config){.workers = 1, .seed = 7});
    assert_non_null(dp);
    basin_grad_source one = basin_data_parallel_source(dp);
    one.gradient(one.ctx, s.w, (basin_batch){idx, BATCH}, s.reference);
    basin_data_parallel_destroy(dp);
    double *plain = malloc(s.np->base.dim * sizeof *plain);
    assert_non_null(plain);
    basin_net_eval(s.np, s.w, (basin_batch){idx, BATCH}, &BASIN_EVAL_TRAIN_FIXED, plain);
    cfg = (basin_pipeline_config){.stages = 3, .micro = 4, .chunks = 1, .schedule = BASIN_PIPE_1F1B, .seed = 7};
    pipeline_gradient(&s, cfg);
    diff = support_max_scaled_diff(s.g, s.reference, s.np->base.dim);
    apart = support_max_scaled_diff(s.g, plain, s.np->base.dim);
    print_message("dropout: %.3g from one keyed data-parallel worker, %.3g from no dropout\n", diff, apart);
    assert_true(diff < 1e-12 && apart > 1e-3);
    free(plain);
    unmake(&s);
}

/* The simulated clock counts examples: one stage does the whole model's forward and backward, 61 units a
 * step (the batch) whatever M; two stages with one micro-batch pass one message each way, each costing the
 * latency. */
static void test_clock(void **state)
{
    (void)state;
    setup s = make("mlp:hidden=32/32");
    const struct {
        basin_pipeline_config cfg;
        double want;
    } cases[] = {
        {{.stages = 1, .micro = 4, .chunks = 1, .schedule = BASIN_PIPE_GPIPE}, BATCH},
        {{.stages = 2, .micro = 1, .chunks = 1, .schedule = BASIN_PIPE_1F1B, .cost = {0.1, 0}}, BATCH + 0.2},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        basin_pipeline *pp = basin_pipeline_create(s.np, &cases[k].cfg);
        assert_non_null(pp);
        basin_grad_source source = basin_pipeline_source(pp);
        basin_grad_step info;
        for (int step = 1; step <= 3; step++) {
            source.gradient(source.ctx, s.w, (basin_batch){idx, BATCH}, s.g);
            source.step_info(source.ctx, &info);
            assert_true(fabs(info.sim_time - step * cases[k].want) < 1e-9);
        }
        print_message("S=%d M=%d: %.17g time units a step\n", cases[k].cfg.stages, cases[k].cfg.micro, info.sim_time / 3);
        basin_pipeline_destroy(pp);
    }
    unmake(&s);
}

static void test_refusals(void **state)
{
    (void)state;
    setup s = make("mlp:hidden=32");
    static const double three[] = {1, 1, 1}, short_of[] = {1, 1};
    const struct {
        basin_pipeline_config cfg;
        const char *says;
    } cases[] = {
        {{.stages = 8, .micro = 4, .chunks = 1, .schedule = BASIN_PIPE_GPIPE}, "8 pieces need at least 8 layers; the model has 4"},
        {{.stages = 2, .micro = 4, .chunks = 1, .schedule = BASIN_PIPE_GPIPE, .balance = three, .n_balance = 3},
         "balance= gives 3 counts for 2 pieces"},
        {{.stages = 2, .micro = 4, .chunks = 1, .schedule = BASIN_PIPE_GPIPE, .balance = short_of, .n_balance = 2},
         "balance= counts add up to 2 layers; the model has 4"},
        {{.stages = 2, .micro = 3, .chunks = 2, .schedule = BASIN_PIPE_INTERLEAVED},
         "micro= a multiple of stages=2, not 3"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        assert_null(basin_pipeline_create(s.np, &cases[k].cfg));
        if (!strstr(basin_error_message(), cases[k].says))
            fail_msg("'%s' does not say '%s'", basin_error_message(), cases[k].says);
    }
    basin_pipeline_config many = {.stages = 2, .micro = 100, .chunks = 1, .schedule = BASIN_PIPE_GPIPE};
    basin_pipeline *pp = basin_pipeline_create(s.np, &many);
    assert_non_null(pp);
    basin_grad_source source = basin_pipeline_source(pp);
    assert_true(isnan(source.gradient(source.ctx, s.w, (basin_batch){idx, BATCH}, s.g)));
    assert_non_null(strstr(basin_error_message(), "a batch of 61 examples cannot make 100 micro-batches"));
    basin_pipeline_destroy(pp);
    unmake(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedules_give_the_minibatch_gradient),
        cmocka_unit_test(test_training_equals_the_plain_trainer),
        cmocka_unit_test(test_batchnorm_and_dropout),
        cmocka_unit_test(test_clock),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
