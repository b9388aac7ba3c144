/* test_data_parallel.c: synchronous data parallelism equals one worker on the global batch. K workers
 * × B examples, SGD with momentum on digits, against one worker × K·B from the same start: the weights
 * agree to 1e-12 relative after every step (rounding only: the ring sums in another order), with an
 * unequal last batch and with K not dividing the batch; with BatchNorm, local statistics make it differ
 * (more than 1e-6 after one step), as DDP's default does, and SyncBatchNorm makes it agree again, running
 * statistics included. With dropout and with augmentation, whose draws are keyed by example, K workers
 * equal one data-parallel worker (the plain trainer's stream differs: the reference is K = 1), and the
 * masks drop the share p of units. Each all-reduce moves 2(K−1)/K of the values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/analysis/noise_scale.h"
#include "engine/analysis/curvature.h"
#include "engine/error.h"
#include "engine/parallel/data_parallel.h"
#include "engine/parallel/parallel_training.h"
#include "engine/spec.h"

#include <gsl/gsl_randist.h>
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
    basin_spec *aug;         /* owned: the augmentation, or NULL */
} run;

/* workers > 0: the data-parallel source with that many workers; 0: the plain trainer. */
static run start_with(const char *model, int workers, bool bn_sync, const char *augment, const basin_train_config *cfg)
{
    run r = {0};
    r.data = support_dataset("digits", 0);
    r.np = support_net_problem(model, r.data, 3);
    if (augment) { /* the problem keeps pointers into the spec */
        r.aug = calloc(1, sizeof *r.aug);
        assert_non_null(r.aug);
        assert_int_equal(basin_spec_parse(r.aug, BASIN_KIND_AUGMENT, augment), 0);
        r.np->augment = r.aug->entry, r.np->augment_params = &r.aug->params;
    }
    r.w = calloc(r.np->base.dim, sizeof *r.w);
    assert_non_null(r.w);
    support_init("default", r.np->net.model, r.w, 1);
    r.opt = support_optimizer("sgd:lr=0.05,momentum=0.9", r.np->base.dim);
    basin_grad_source source = basin_grad_source_local(r.np);
    if (workers > 0) {
        r.dp = basin_data_parallel_create(r.np, &(basin_data_parallel_config){.workers = workers, .seed = 3, .bn_sync = bn_sync});
        assert_non_null(r.dp);
        source = basin_data_parallel_source(r.dp);
    }
    r.trainer = basin_trainer_create(r.np, r.w, r.opt, NULL, cfg, source);
    assert_non_null(r.trainer);
    return r;
}

/* One worker (the plain trainer) or K data-parallel workers with local BatchNorm. */
static run start(const char *model, int workers, const basin_train_config *cfg)
{
    return start_with(model, workers > 1 ? workers : 0, false, NULL, cfg);
}

static void finish(run *r)
{
    basin_trainer_destroy(r->trainer);
    basin_data_parallel_destroy(r->dp);
    basin_optimizer_destroy(r->opt);
    basin_problem_destroy(&r->np->base);
    basin_dataset_destroy(r->data);
    free(r->w);
    if (r->aug)
        basin_spec_clear(r->aug);
    free(r->aug);
}

/* Steps a run as lockstep does. */
static void advance(run *r, long steps)
{
    basin_train_row row;
    for (long s = 0; s <= steps; s++)
        assert_int_equal(basin_trainer_step(r->trainer, &row), 1);
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

static void test_sync_batchnorm_restores_it(void **state)
{
    (void)state;
    /* 25 steps cross the short batch of 30 (shards 8, 8, 7, 7): the shards' shares of the mean must be
     * summed in the same units for the statistics' backward pass to be the global batch's */
    basin_train_config cfg = {.epochs = -1, .steps = 25, .batch = 64, .seed = 5};
    run one = start_with("mlp:hidden=32/32,norm=batch", 0, false, NULL, &cfg),
        many = start_with("mlp:hidden=32/32,norm=batch", 4, true, NULL, &cfg);
    double diff = lockstep(&one, &many, 25);
    print_message("SyncBatchNorm, 4 workers: %.3g relative over 25 steps\n", diff);
    if (!(diff < 1e-12))
        fail_msg("SyncBatchNorm on 4 shards: weights differ by %.3g relative", diff);
    const basin_model *a = one.np->net.model, *b = many.np->net.model;
    double stats = support_max_rel_diff(a->state, b->state, a->n_state);
    print_message("running statistics: %.3g relative\n", stats);
    assert_true(stats < 1e-12);
    finish(&one), finish(&many);
}

/* K data-parallel workers against one, model and augmentation as given: the largest relative difference
 * of the weights over 20 steps, and (through moved) how far the run went from the same one without draws. */
static double keyed_runs_agree(const char *model, const char *augment, int workers, double *moved)
{
    basin_train_config cfg = {.epochs = -1, .steps = 20, .batch = 64, .seed = 5};
    run one = start_with(model, 1, false, augment, &cfg), many = start_with(model, workers, false, augment, &cfg);
    run plain = start_with("mlp:hidden=64/32", 1, false, NULL, &cfg);
    double diff = lockstep(&one, &many, 20);
    advance(&plain, 20);
    *moved = support_max_rel_diff(one.w, plain.w, one.np->base.dim);
    finish(&one), finish(&many), finish(&plain);
    return diff;
}

static void test_keyed_dropout_and_augmentation_equal_one_worker(void **state)
{
    (void)state;
    double moved, diff = keyed_runs_agree("mlp:hidden=64/32,dropout=0.3", NULL, 4, &moved);
    print_message("dropout 0.3, 4 workers against 1: %.3g relative; %.3g from the run without dropout\n", diff,
                  moved);
    if (!(diff < 1e-12))
        fail_msg("with dropout, 4 workers differ from 1 by %.3g relative", diff);
    assert_true(moved > 1e-3); /* the masks really changed the run */
    diff = keyed_runs_agree("mlp:hidden=64/32", "image", 3, &moved);
    print_message("augmented, 3 workers against 1: %.3g relative; %.3g from the run without\n", diff, moved);
    if (!(diff < 1e-12))
        fail_msg("with augmentation, 3 workers differ from 1 by %.3g relative", diff);
    assert_true(moved > 1e-3);
}

/* The noise scale a sync run logs: at fixed weights (learning rate 0) the workers' and the global batch's
 * gradient norms give, step after step, estimates whose running average stays near the exact B_simple
 * from every example's gradient (basin_noise_scale_exact); over 1500 steps of 4 × 16 on digits the mean
 * of the logged values is within 5 % of it. The clock counts examples: a step of 4 × 16 at equal speeds
 * takes 16 units, with one worker at a quarter speed 64, plus the all-reduce's cost. */
static void test_logged_noise_scale_and_clock(void **state)
{
    (void)state;
    basin_dataset *data = support_dataset("digits", 0);
    basin_net_problem *np = support_net_problem("mlp:hidden=32", data, 3);
    size_t n = np->base.dim, N = data->train.n;
    double *w = malloc(n * sizeof *w), *g = malloc(n * sizeof *g);
    size_t *order = malloc(N * sizeof *order);
    assert_true(w && g && order);
    support_init("default", np->net.model, w, 1);
    basin_noise_scale exact;
    assert_int_equal(basin_noise_scale_exact(&np->base, w, &exact), 0);
    basin_data_parallel *dp = basin_data_parallel_create(np, &(basin_data_parallel_config){.workers = 4, .seed = 3});
    assert_non_null(dp);
    basin_grad_source source = basin_data_parallel_source(dp);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t i = 0; i < N; i++)
        order[i] = i;
    double sum = 0;
    basin_grad_step info;
    for (int step = 0; step < 1500; step++) {
        gsl_ran_shuffle(rng, order, N, sizeof *order);
        source.gradient(source.ctx, w, (basin_batch){order, 64}, g);
        source.step_info(source.ctx, &info);
        if (step >= 100)
            sum += info.noise_scale / 1400;
    }
    print_message("noise scale: exact %.4g, logged running estimate %.4g on average\n", exact.b_simple, sum);
    assert_true(fabs(sum - exact.b_simple) < 0.05 * exact.b_simple);
    assert_true(fabs(info.sim_time - 1500 * 16) < 1e-9);
    basin_data_parallel_destroy(dp);

    static const double speeds[] = {1, 1, 1, 0.25};
    basin_data_parallel_config slow = {.workers = 4, .seed = 3, .speeds = speeds, .cost = {0.01, 1000}};
    dp = basin_data_parallel_create(np, &slow);
    assert_non_null(dp);
    source = basin_data_parallel_source(dp);
    source.gradient(source.ctx, w, (basin_batch){order, 64}, g);
    source.step_info(source.ctx, &info);
    /* 64 units for the straggler's 16 examples, then 6 messages of ⌈(n + 2)/4⌉ values */
    double want = 64 + 6 * (0.01 + (double)((n + 2 + 3) / 4) / 1000);
    print_message("one step with a straggler and a slow network: %.6g time units (want %.6g)\n", info.sim_time, want);
    assert_true(fabs(info.sim_time - want) < 1e-12);
    basin_data_parallel_destroy(dp);
    gsl_rng_free(rng);
    free(w), free(g), free(order);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(data);
}

/* The square-root rule's companions for Adam: β → 1 − K(1 − β), ε → ε/√K, refused when K(1 − β) ≥ 1; SGD
 * is left alone. The stability verdict's λmax is the dense Hessian's largest eigenvalue, and the verdict
 * turns at 2(1+β)/λmax. */
static void test_scaling_rules_and_verdict(void **state)
{
    (void)state;
    basin_spec par, opt;
    assert_int_equal(basin_spec_parse(&par, BASIN_KIND_PARALLEL, "sync:workers=4,scale=sqrt"), 0);
    assert_int_equal(basin_spec_parse(&opt, BASIN_KIND_OPTIMIZER, "adam:beta1=0.9,beta2=0.99,eps=1e-8"), 0);
    assert_int_equal(basin_parallel_training_adapt_optimizer(&par, &opt), 0);
    assert_true(fabs(basin_params_real(&opt.params, "beta1") - 0.6) < 1e-15);
    assert_true(fabs(basin_params_real(&opt.params, "beta2") - 0.96) < 1e-15);
    assert_true(fabs(basin_params_real(&opt.params, "eps") - 5e-9) < 1e-24);
    basin_spec_clear(&opt);
    assert_int_equal(basin_spec_parse(&opt, BASIN_KIND_OPTIMIZER, "sgd:lr=0.1,momentum=0.9"), 0);
    assert_int_equal(basin_parallel_training_adapt_optimizer(&par, &opt), 0);
    assert_true(basin_params_real(&opt.params, "momentum") == 0.9);
    basin_spec_clear(&opt), basin_spec_clear(&par);
    assert_int_equal(basin_spec_parse(&par, BASIN_KIND_PARALLEL, "sync:workers=16,scale=sqrt"), 0);
    assert_int_equal(basin_spec_parse(&opt, BASIN_KIND_OPTIMIZER, "adam"), 0);
    assert_int_equal(basin_parallel_training_adapt_optimizer(&par, &opt), -1);
    assert_non_null(strstr(basin_error_message(), "beta1=0.9 cannot be scaled for 16 workers"));
    basin_spec_clear(&opt), basin_spec_clear(&par);

    basin_dataset *data = support_dataset("moons:n=200", 0);
    basin_net_problem *np = support_net_problem("mlp:hidden=8", data, 3);
    size_t n = np->base.dim;
    double *w = malloc(n * sizeof *w), *eval = malloc(n * sizeof *eval);
    assert_true(w && eval);
    support_init("default", np->net.model, w, 1);
    basin_net_view view;
    assert_int_equal(basin_hessian_spectrum(basin_net_view_init(&view, np, BASIN_EVAL_TRAIN_FIXED), w,
                                            BASIN_FULL_BATCH, NULL, eval, NULL), 0);
    double lambda = eval[n - 1], limit_lr = 2 * 1.9 / lambda;
    basin_optimizer *sgd = support_optimizer("sgd:lr=0.1,momentum=0.9", n);
    char text[256];
    for (int side = 0; side < 2; side++) {
        double lr = limit_lr * (side ? 1.01 : 0.99);
        assert_int_equal(basin_parallel_training_verdict(np, w, sgd, lr, text, sizeof text), 0);
        print_message("%s\n", text);
        char want[32];
        snprintf(want, sizeof want, "λmax %.4g", lambda);
        assert_non_null(strstr(text, want));
        assert_non_null(strstr(text, side ? ": unstable" : ": stable"));
    }
    basin_optimizer_destroy(sgd);
    free(w), free(eval);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sync_equals_one_worker_on_the_global_batch),
        cmocka_unit_test(test_local_batchnorm_breaks_the_equivalence),
        cmocka_unit_test(test_sync_batchnorm_restores_it),
        cmocka_unit_test(test_keyed_dropout_and_augmentation_equal_one_worker),
        cmocka_unit_test(test_logged_noise_scale_and_clock),
        cmocka_unit_test(test_scaling_rules_and_verdict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
