/* test_data_parallel.c: synchronous data parallelism equals one worker on the global batch. K workers
 * × B examples, SGD with momentum on digits, against one worker × K·B from the same start: the weights
 * agree to 1e-12 relative after every step (rounding only: the ring sums in another order), with an
 * unequal last batch and with K not dividing the batch; with BatchNorm, local statistics make it differ
 * (more than 1e-6 after one step), as DDP's default does. Each all-reduce moves 2(K−1)/K of the values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/parallel/data_parallel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct run {
    basin_dataset *data;
    basin_net_problem *np;
    double *w;
    basin_optimizer *opt;
    basin_data_parallel *dp; /* NULL: one worker */
    basin_trainer *trainer;
} run;

static run start(const char *model, int workers, const basin_train_config *cfg)
{
    run r = {0};
    r.data = support_dataset("digits", 0);
    r.np = support_net_problem(model, r.data, 3);
    r.w = calloc(r.np->base.dim, sizeof *r.w);
    assert_non_null(r.w);
    support_init("default", r.np->net.model, r.w, 1);
    r.opt = support_optimizer("sgd:lr=0.05,momentum=0.9", r.np->base.dim);
    basin_grad_source source = basin_grad_source_local(r.np);
    if (workers > 1) {
        r.dp = basin_data_parallel_create(r.np, workers, 3);
        assert_non_null(r.dp);
        source = basin_data_parallel_source(r.dp);
    }
    r.trainer = basin_trainer_create(r.np, r.w, r.opt, NULL, cfg, source);
    assert_non_null(r.trainer);
    return r;
}

static void finish(run *r)
{
    basin_trainer_destroy(r->trainer);
    basin_data_parallel_destroy(r->dp);
    basin_optimizer_destroy(r->opt);
    basin_problem_destroy(&r->np->base);
    basin_dataset_destroy(r->data);
    free(r->w);
}

/* Steps both runs in lockstep; returns the largest relative difference of their weights over the steps. */
static double lockstep(run *a, run *b, long steps)
{
    basin_train_row ra, rb;
    double worst = 0;
    for (long s = 0; s <= steps; s++) {
        assert_int_equal(basin_trainer_step(a->trainer, &ra), 1);
        assert_int_equal(basin_trainer_step(b->trainer, &rb), 1);
        worst = fmax(worst, support_max_rel_diff(a->w, b->w, a->np->base.dim));
    }
    return worst;
}

static void test_sync_equals_one_worker_on_the_global_batch(void **state)
{
    (void)state;
    /* 1438 training examples, batches of 64: the 23rd step of each epoch holds 30 (shards 8, 8, 7, 7) */
    basin_train_config cfg = {.epochs = -1, .steps = 30, .batch = 64, .seed = 5};
    static const int workers[] = {4, 3, 2};
    for (size_t i = 0; i < sizeof workers / sizeof *workers; i++) {
        run one = start("mlp:hidden=64/32", 1, &cfg), many = start("mlp:hidden=64/32", workers[i], &cfg);
        double diff = lockstep(&one, &many, 30);
        print_message("%d workers: largest relative difference %.3g over 30 steps\n", workers[i], diff);
        if (!(diff < 1e-12))
            fail_msg("%d workers: weights differ by %.3g relative", workers[i], diff);
        /* the weights moved, and the runs are not the same bits: the sums really went round the ring */
        assert_true(support_max_rel_diff(one.w, many.w, one.np->base.dim) > 0);
        /* each all-reduce of dim + 1 values (gradient and loss) sends 2(K−1) chunks of ⌊n/K⌋ or ⌈n/K⌉ */
        double n = (double)(one.np->base.dim + 1), per_step = (double)basin_data_parallel_values_sent(many.dp) / 30;
        assert_true(fabs(per_step - 2.0 * (workers[i] - 1) / workers[i] * n) <= 2.0 * workers[i]);
        finish(&one), finish(&many);
    }
}

static void test_local_batchnorm_breaks_the_equivalence(void **state)
{
    (void)state;
    basin_train_config cfg = {.epochs = -1, .steps = 1, .batch = 64, .seed = 5};
    run one = start("mlp:hidden=32,norm=batch", 1, &cfg), many = start("mlp:hidden=32,norm=batch", 4, &cfg);
    double diff = lockstep(&one, &many, 1);
    print_message("local BatchNorm, 4 workers: %.3g relative after one step\n", diff);
    if (!(diff > 1e-6))
        fail_msg("local BatchNorm on 4 shards of 16: weights differ by only %.3g", diff);
    finish(&one), finish(&many);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sync_equals_one_worker_on_the_global_batch),
        cmocka_unit_test(test_local_batchnorm_breaks_the_equivalence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
