/* test_train.c: training real networks: the quality the lecture promises (spirals, digits with an MLP
 * and a CNN), the same bits for the same seed, constant initialization's symmetry, early stopping's
 * restored weights, SWA as the plain average of epoch-end weights, a one-snapshot ensemble equal to its
 * model, the net problem's gradient (with L1) against differences, and every optimizer driving a net. */
#include "support.h"

#include "engine/error.h"
#include "engine/nn/init.h"
#include "engine/nn/train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

typedef struct trained {
    basin_dataset *data;
    basin_net_problem *np;
    double *w;
    basin_train_result res;
    double min_test_loss; /* over the evaluated rows */
} trained;

static int track(void *ctx, const basin_train_row *row)
{
    trained *t = ctx;
    if (!isnan(row->test_loss) && row->test_loss < t->min_test_loss)
        t->min_test_loss = row->test_loss;
    return 0;
}

static trained train(const char *model, const char *data, const char *init, const char *opt,
                     basin_train_config cfg)
{
    trained t = {.min_test_loss = INFINITY};
    t.data = support_dataset(data, 0);
    t.np = support_net_problem(model, t.data, 3);
    t.w = calloc(t.np->base.dim, sizeof *t.w);
    support_init(init, t.np->net.model, t.w, 1);
    basin_optimizer *o = support_optimizer(opt, t.np->base.dim);
    if (support_train(t.np, t.w, o, NULL, &cfg, track, &t, &t.res) != 0)
        fail_msg("training failed: %s", basin_error_message());
    basin_optimizer_destroy(o);
    return t;
}

static void release(trained *t)
{
    basin_problem_destroy(&t->np->base);
    basin_dataset_destroy(t->data);
    free(t->w);
}

static double train_accuracy(trained *t)
{
    double loss, acc;
    assert_int_equal(basin_net_evaluate(t->np, t->w, &t->data->train, &loss, &acc, NULL), 0);
    return acc;
}

static void test_spirals(void **state)
{
    (void)state;
    trained t = train("mlp:sizes=2/64/64/1,act=tanh", "spirals", "default", "sgd:lr=0.1,momentum=0.9",
                      (basin_train_config){.epochs = 200, .steps = -1, .batch = 64});
    double acc = train_accuracy(&t);
    print_message("    two spirals, 2-64-64-1 tanh: training accuracy %.2f%%\n", 100 * acc);
    assert_true(acc >= 0.99);
    release(&t);
}

static void test_digits_mlp(void **state)
{
    (void)state;
    trained t = train("mlp:hidden=128/64", "digits", "default", "adam:lr=1e-3",
                      (basin_train_config){.epochs = 30, .steps = -1, .batch = 64});
    print_message("    digits, MLP 64-128-64-10: test accuracy %.2f%%\n", 100 * t.res.test_acc);
    assert_true(t.res.test_acc >= 0.96);
    release(&t);
}

static void test_digits_cnn(void **state)
{
    (void)state;
    trained t = train("cnn:norm=batch", "digits", "default", "adam:lr=2e-3",
                      (basin_train_config){.epochs = 20, .steps = -1, .batch = 32});
    print_message("    digits, CNN 16/32 with BatchNorm: test accuracy %.2f%%\n", 100 * t.res.test_acc);
    assert_true(t.res.test_acc >= 0.97);
    release(&t);
}

/* Dropout and augmentation draw from the seeded generators: the same seed gives the same bits. */
static void test_same_seed_same_bits(void **state)
{
    (void)state;
    basin_train_config cfg = {.epochs = 3, .steps = -1, .batch = 16, .seed = 9};
    trained a = train("mlp:hidden=16/16,dropout=0.2,norm=batch", "moons", "default", "adam", cfg);
    trained b = train("mlp:hidden=16/16,dropout=0.2,norm=batch", "moons", "default", "adam", cfg);
    assert_memory_equal(a.w, b.w, a.np->base.dim * sizeof *a.w);
    assert_memory_equal(a.np->net.model->state, b.np->net.model->state, a.np->net.model->n_state * sizeof(double));
    cfg.seed = 10;
    trained c = train("mlp:hidden=16/16,dropout=0.2,norm=batch", "moons", "default", "adam", cfg);
    assert_true(memcmp(a.w, c.w, a.np->base.dim * sizeof *a.w) != 0);
    release(&a), release(&b), release(&c);
}

/* The gradient source is the trainer's one seam: a source that evaluates on a clone of the problem (as a
 * worker would) trains to the same bits as the local one, and is asked once per step. */
typedef struct clone_source {
    basin_net_problem *clone;
    long calls;
} clone_source;

static double clone_gradient(void *ctx, const double *w, basin_batch batch, double *g)
{
    clone_source *s = ctx;
    s->calls++;
    basin_eval_opts step = {.mode = BASIN_MODE_TRAIN, .update_stats = true, .dropout = true, .augment = true};
    return basin_net_eval(s->clone, w, batch, &step, g);
}

static void test_gradient_source(void **state)
{
    (void)state;
    basin_train_config cfg = {.epochs = 3, .steps = -1, .batch = 16, .seed = 9};
    trained local = train("mlp:hidden=16/16,dropout=0.2", "moons", "default", "adam", cfg);
    basin_dataset *d = support_dataset("moons", 0);
    basin_net_problem *np = support_net_problem("mlp:hidden=16/16,dropout=0.2", d, 3);
    double *w = calloc(np->base.dim, sizeof *w);
    support_init("default", np->net.model, w, 1);
    /* the clone draws dropout masks from the seed the local problem was given */
    clone_source source = {basin_net_problem_clone(np, 3), 0};
    basin_optimizer *o = support_optimizer("adam", np->base.dim);
    basin_trainer *t = basin_trainer_create(np, w, o, NULL, &cfg, (basin_grad_source){.gradient = clone_gradient, .ctx = &source});
    basin_train_row row;
    long rows = 0;
    while (basin_trainer_step(t, &row) == 1)
        rows++;
    basin_train_result res;
    assert_int_equal(basin_trainer_finish(t, &res), 0);
    assert_int_equal(source.calls, res.steps);
    assert_int_equal(rows, 1 + res.steps);
    assert_memory_equal(w, local.w, np->base.dim * sizeof *w);
    basin_trainer_destroy(t);
    basin_optimizer_destroy(o);
    basin_problem_destroy(&source.clone->base);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(d);
    free(w);
    release(&local);
}

/* Constant initialization: every neuron of a layer gets the same gradient, so they stay identical
 * through training (the symmetry the lecture warns about); the default init breaks it. */
static double row_spread(const trained *t, size_t layer)
{
    const basin_layer *l = &t->np->net.model->layers[layer];
    size_t in = l->in_c;
    double spread = 0;
    for (size_t o = 1; o < l->out_c; o++)
        for (size_t i = 0; i < in; i++)
            spread = fmax(spread, fabs(t->w[l->weight + o * in + i] - t->w[l->weight + i]));
    return spread;
}

static void test_constant_init_symmetry(void **state)
{
    (void)state;
    basin_train_config cfg = {.epochs = 5, .steps = -1, .batch = 32};
    trained t = train("mlp:hidden=8/8,act=tanh", "moons", "constant:val=0.3", "sgd:lr=0.5,momentum=0.9", cfg);
    double moved = fabs(t.w[t.np->net.model->layers[0].weight] - 0.3);
    print_message("    constant init: weights moved by %.3g, rows differ by at most %.1e and %.1e\n", moved,
                  row_spread(&t, 0), row_spread(&t, 2));
    assert_true(moved > 1e-3);
    assert_true(row_spread(&t, 0) < 1e-12);
    assert_true(row_spread(&t, 2) < 1e-12);
    trained d = train("mlp:hidden=8/8,act=tanh", "moons", "default", "sgd:lr=0.5,momentum=0.9", cfg);
    assert_true(row_spread(&d, 0) > 1e-2);
    release(&t), release(&d);
}

/* Early stopping on an overfitting net ends training and restores the weights of the best test loss. */
static void test_early_stopping(void **state)
{
    (void)state;
    trained t = train("mlp:hidden=128/128", "moons:n=60,noise=0.35", "default", "adam:lr=0.01",
                      (basin_train_config){.epochs = 400, .steps = -1, .batch = 16, .early_stop = 5});
    print_message("    stopped at step %ld, restored step %ld, test loss %.4g (best seen %.4g)\n",
                  t.res.stopped_early_at, t.res.best_step, t.res.test_loss, t.min_test_loss);
    assert_true(t.res.stopped_early_at > 0);
    assert_true(t.res.steps < 400 * 3);
    assert_close(t.res.test_loss, t.min_test_loss, 0);
    release(&t);
}

/* SWA's weights are the mean of the epoch-end weights from its start on: reproduced by training the
 * same seed for 3, 4 and 5 epochs. */
static void test_swa_average(void **state)
{
    (void)state;
    const char *model = "mlp:hidden=16", *data = "moons", *opt = "sgd:lr=0.2,momentum=0.9";
    trained swa = train(model, data, "default", opt, (basin_train_config){.epochs = 5, .steps = -1, .batch = 32,
                                                                         .swa_start = 3});
    assert_int_equal(swa.res.swa_models, 3);
    size_t dim = swa.np->base.dim;
    double *mean = calloc(dim, sizeof *mean);
    for (long e = 3; e <= 5; e++) {
        trained t = train(model, data, "default", opt, (basin_train_config){.epochs = e, .steps = -1, .batch = 32});
        for (size_t i = 0; i < dim; i++)
            mean[i] += t.w[i] / 3;
        release(&t);
    }
    assert_true(support_max_rel_diff(swa.w, mean, dim) < 1e-13);
    free(mean);
    release(&swa);
}

/* SWA's average tracked at every evaluation: before its start nothing; from it on the average's test loss
 * and accuracy with BatchNorm statistics recomputed, the last one the result's, bit for bit; and the
 * trained model's own rows are those of a run without SWA, bit for bit (the average's statistics do not
 * leak into the running ones). */
typedef struct rows {
    double test_loss[64], swa_loss[64], ensemble_loss[64], epoch[64];
    int n;
} rows;

static int keep_rows(void *ctx, const basin_train_row *row)
{
    rows *r = ctx;
    if (!isnan(row->test_loss) && r->n < 64)
        r->test_loss[r->n] = row->test_loss, r->swa_loss[r->n] = row->swa_test_loss,
        r->ensemble_loss[r->n] = row->ensemble_test_loss, r->epoch[r->n++] = row->epoch;
    return 0;
}

static void test_swa_tracks_its_average(void **state)
{
    (void)state;
    basin_dataset *data = support_dataset("moons:n=300", 0);
    rows with = {0}, without = {0};
    basin_train_result res[2];
    for (int k = 0; k < 2; k++) {
        basin_net_problem *np = support_net_problem("mlp:hidden=16,norm=batch", data, 3);
        double *w = calloc(np->base.dim, sizeof *w);
        support_init("default", np->net.model, w, 1);
        basin_optimizer *o = support_optimizer("sgd:lr=0.2,momentum=0.9", np->base.dim);
        basin_train_config cfg = {.epochs = 8, .steps = -1, .batch = 32, .swa_start = k ? 4 : 0};
        if (support_train(np, w, o, NULL, &cfg, keep_rows, k ? &with : &without, &res[k]) != 0)
            fail_msg("%s", basin_error_message());
        basin_optimizer_destroy(o);
        basin_problem_destroy(&np->base);
        free(w);
    }
    assert_int_equal(with.n, without.n);
    assert_memory_equal(with.test_loss, without.test_loss, (size_t)with.n * sizeof *with.test_loss);
    for (int i = 0; i < with.n; i++)
        assert_true(with.epoch[i] < 4 ? isnan(with.swa_loss[i]) : isfinite(with.swa_loss[i]));
    assert_memory_equal(&with.swa_loss[with.n - 1], &res[1].swa_test_loss, sizeof(double));
    print_message("    SWA from epoch 4: the average's test loss %.4f, the last SGD weights' %.4f\n",
                  res[1].swa_test_loss, with.test_loss[with.n - 1]);
    basin_dataset_destroy(data);
}

/* ASGD's averaged iterate is evaluated beside the weights: at every evaluation its test loss is that of
 * basin_optimizer_average's weights evaluated directly, bit for bit (after the start, where nothing is
 * averaged yet), the last one the result's; with the
 * default t0 (averaging from step 10⁶) the average is the weights themselves. */
typedef struct asgd_rows {
    const basin_net_problem *np;
    const basin_optimizer *opt;
    int rows, averaged; /* evaluated rows; those whose average differs from the weights */
    double last;
} asgd_rows;

static int check_average(void *ctx, const basin_train_row *row)
{
    asgd_rows *r = ctx;
    if (isnan(row->test_loss))
        return 0;
    if (row->step == 0) { /* the start: nothing averaged yet */
        assert_true(isnan(row->swa_test_loss));
        return 0;
    }
    double loss, acc;
    const double *average = basin_optimizer_average(r->opt);
    assert_int_equal(basin_net_evaluate(r->np, average, &r->np->data->test, &loss, &acc, NULL), 0);
    assert_memory_equal(&loss, &row->swa_test_loss, sizeof loss);
    assert_memory_equal(&acc, &row->swa_test_acc, sizeof acc);
    r->rows++, r->averaged += loss != row->test_loss, r->last = loss;
    return 0;
}

static void test_asgd_average_tracked(void **state)
{
    (void)state;
    basin_dataset *data = support_dataset("moons:n=300", 0);
    for (int k = 0; k < 2; k++) {
        basin_net_problem *np = support_net_problem("mlp:hidden=16", data, 3);
        double *w = calloc(np->base.dim, sizeof *w);
        support_init("default", np->net.model, w, 1);
        basin_optimizer *o = support_optimizer(k ? "asgd:lr=0.3,t0=20" : "asgd:lr=0.3", np->base.dim);
        basin_train_config cfg = {.epochs = 10, .steps = -1, .batch = 32};
        asgd_rows r = {.np = np, .opt = o};
        basin_train_result res;
        if (support_train(np, w, o, NULL, &cfg, check_average, &r, &res) != 0)
            fail_msg("%s", basin_error_message());
        assert_int_equal(r.rows, 10);
        assert_memory_equal(&r.last, &res.average_test_loss, sizeof r.last);
        if (k)
            assert_int_equal(r.averaged, 8); /* 8 steps an epoch; the average parts from w at step t0 + 3 */
        else
            assert_int_equal(r.averaged, 0);
        print_message("    ASGD%s: test loss %.4f, its average's %.4f\n", k ? " from step 20" : "", res.test_loss,
                      res.average_test_loss);
        basin_optimizer_destroy(o);
        basin_problem_destroy(&np->base);
        free(w);
    }
    basin_dataset_destroy(data);
}

/* The snapshots' ensemble tracked at every evaluation: nothing before the first snapshot, at it the model's
 * own test loss (an ensemble of one), the last one the result's, bit for bit. */
static void test_ensemble_tracked(void **state)
{
    (void)state;
    basin_dataset *data = support_dataset("moons:n=300", 0);
    rows r = {0};
    basin_train_result res;
    basin_net_problem *np = support_net_problem("mlp:hidden=16", data, 3);
    double *w = calloc(np->base.dim, sizeof *w);
    support_init("default", np->net.model, w, 1);
    basin_optimizer *o = support_optimizer("sgd:lr=0.2,momentum=0.9", np->base.dim);
    basin_train_config cfg = {.epochs = 8, .steps = -1, .batch = 32, .snapshots = 2};
    if (support_train(np, w, o, NULL, &cfg, keep_rows, &r, &res) != 0)
        fail_msg("%s", basin_error_message());
    for (int i = 0; i < r.n; i++) {
        assert_true(r.epoch[i] < 4 ? isnan(r.ensemble_loss[i]) : isfinite(r.ensemble_loss[i]));
        if (fabs(r.epoch[i] - 4) < 1e-9)
            assert_true(fabs(r.ensemble_loss[i] / r.test_loss[i] - 1) < 1e-12);
    }
    assert_memory_equal(&r.ensemble_loss[r.n - 1], &res.ensemble_test_loss, sizeof(double));
    basin_optimizer_destroy(o);
    basin_problem_destroy(&np->base);
    free(w);
    basin_dataset_destroy(data);
}

/* A one-snapshot ensemble's averaged probabilities are the model's own: the same test loss. */
static void test_one_snapshot(void **state)
{
    (void)state;
    trained t = train("mlp:hidden=16", "blobs:centers=4", "default", "sgd:lr=0.1",
                      (basin_train_config){.epochs = 4, .steps = -1, .batch = 32, .snapshots = 1});
    assert_close(t.res.ensemble_test_loss, t.res.test_loss, 1e-12);
    assert_close(t.res.ensemble_test_acc, t.res.test_acc, 0);
    release(&t);
}

/* The net problem's full-batch gradient in training mode (BatchNorm on the batch, an L1 penalty) agrees
 * with central differences of its loss. */
static void test_problem_gradient(void **state)
{
    (void)state;
    basin_dataset *d = support_dataset("blobs:n=40,centers=3,dim=3", 0);
    basin_net_problem *np = support_net_problem("mlp:hidden=5/4,norm=batch,act=tanh", d, 0);
    np->l1 = 0.01;
    size_t dim = np->base.dim;
    double *w = malloc(dim * sizeof *w), *g = malloc(dim * sizeof *g), *fd = malloc(dim * sizeof *fd);
    support_init("xavier_normal", np->net.model, w, 2);
    for (size_t i = 0; i < dim; i++)
        w[i] += 0.05 * sin((double)i); /* biases away from zero, so |w| has no kink nearby */
    basin_problem_eval(&np->base, w, g);
    support_fd_gradient(&np->base, w, 1e-6, fd);
    double diff = support_max_rel_diff(g, fd, dim);
    print_message("    %zu parameters: gradient vs differences %.1e\n", dim, diff);
    assert_true(diff < 1e-7);
    free(w), free(g), free(fd);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(d);
}

/* A loss without a gradient runs in cache-sized blocks of examples where every example's outputs are its
 * own: the same loss as the one pass that computes the gradient, to rounding (the mean summed block by
 * block), on all the digits and on a batch of them, for a CNN (blocks of about 19) and a wide MLP with an
 * L1 penalty; under BatchNorm's batch statistics no block is cut (a block's statistics would differ). */
static void test_loss_in_blocks(void **state)
{
    (void)state;
    basin_dataset *d = support_dataset("digits:test=0", 0);
    static const char *const models[] = {"cnn", "mlp:hidden=1024/1024", "mlp:hidden=512,norm=batch"};
    size_t idx[700];
    for (size_t i = 0; i < 700; i++)
        idx[i] = (i * 37) % d->train.n;
    for (size_t k = 0; k < 3; k++) {
        basin_net_problem *np = support_net_problem(models[k], d, 0);
        np->l1 = k == 1 ? 1e-4 : 0;
        double *w = malloc(np->base.dim * sizeof *w), *g = malloc(np->base.dim * sizeof *g);
        support_init("default", np->net.model, w, 1);
        basin_batch batches[2] = {BASIN_FULL_BATCH, {idx, 700}};
        for (int b = 0; b < 2; b++) {
            double alone = basin_problem_eval_batch(&np->base, w, batches[b], NULL);
            double with_gradient = basin_problem_eval_batch(&np->base, w, batches[b], g);
            print_message("    %s, %s: %.17g vs %.17g\n", models[k], b ? "700 examples" : "all", alone, with_gradient);
            assert_true(isfinite(alone));
            if (k == 2)
                assert_true(alone == with_gradient);
            else
                assert_true(fabs(alone - with_gradient) <= 1e-13 * fabs(with_gradient));
        }
        free(w), free(g);
        basin_problem_destroy(&np->base);
    }
    basin_dataset_destroy(d);
}

/* Models whose first layer has no parameters (the digits' Flatten): the gradient and H·v stop at the
 * first Linear layer, and are still right: the gradient against differences of the loss, H·v (twice: the
 * second reuses the first's plain gradients) against differences of the gradient. */
static void test_parameter_free_first_layer(void **state)
{
    (void)state;
    basin_dataset *d = support_dataset("digits:test=0", 0);
    static const char *const models[] = {"mlp:sizes=64/10", "mlp:sizes=64/12/10,act=tanh"};
    basin_batch batch = BASIN_FULL_BATCH; /* whole: the second product reuses the first's */
    for (size_t k = 0; k < 2; k++) {
        basin_net_problem *np = support_net_problem(models[k], d, 0);
        size_t n = np->base.dim;
        double *w = malloc(n * sizeof *w), *v = malloc(n * sizeof *v), *hv = malloc(n * sizeof *hv),
               *fd = malloc(n * sizeof *fd), *gp = malloc(n * sizeof *gp), *gm = malloc(n * sizeof *gm),
               *at = malloc(n * sizeof *at);
        support_init("default", np->net.model, w, 1);
        for (size_t i = 0; i < n; i++)
            v[i] = cos(0.7 * (double)i);
        double h = 1e-5;
        for (size_t i = 0; i < n; i++)
            at[i] = w[i] + h * v[i];
        basin_problem_eval_batch(&np->base, at, batch, gp);
        for (size_t i = 0; i < n; i++)
            at[i] = w[i] - h * v[i];
        basin_problem_eval_batch(&np->base, at, batch, gm);
        for (size_t i = 0; i < n; i++)
            fd[i] = (gp[i] - gm[i]) / (2 * h);
        for (int pass = 0; pass < 2; pass++) {
            basin_net_view view;
            basin_problem_hvp(basin_net_view_init(&view, np, BASIN_EVAL_TRAIN_FIXED), w, batch, v, hv);
            double diff = support_max_scaled_diff(hv, fd, n);
            print_message("    %s: H·v against differences %.1e\n", models[k], diff);
            assert_true(diff < 1e-6);
        }
        double e = 1e-6;
        basin_problem_eval_batch(&np->base, w, batch, gp);
        for (int j = 0; j < 3; j++) { /* a few gradient entries of the first Linear layer against differences */
            size_t i = (size_t)j * 97 % n;
            memcpy(at, w, n * sizeof *w);
            at[i] += e;
            double up = basin_problem_eval_batch(&np->base, at, batch, NULL);
            at[i] -= 2 * e;
            double down = basin_problem_eval_batch(&np->base, at, batch, NULL);
            assert_true(fabs(gp[i] - (up - down) / (2 * e)) < 1e-7 * (1 + fabs(gp[i])));
        }
        free(w), free(v), free(hv), free(fd), free(gp), free(gm), free(at);
        basin_problem_destroy(&np->base);
    }
    basin_dataset_destroy(d);
}

/* Every optimizer of the first slice lowers a small net's loss; Newton (its Hessian by differences of
 * exact gradients) is given a convex net, logistic regression, where it is at its best: on the
 * non-convex one it heads for the nearest critical point, a saddle, as it does on surfaces. */
static void test_every_optimizer(void **state)
{
    (void)state;
    static const char *const opts[] = {"sgd:lr=0.5", "sgd:lr=0.2,momentum=0.9,nesterov=true", "adagrad:lr=0.1",
                                       "rmsprop:lr=0.01", "adam:lr=0.02", "adamw:lr=0.02", "newton"};
    for (size_t k = 0; k < sizeof opts / sizeof *opts; k++) {
        const char *model = strncmp(opts[k], "newton", 6) == 0 ? "mlp:sizes=2/1" : "mlp:hidden=4,act=tanh";
        basin_train_config cfg = {.epochs = -1, .steps = 15, .batch = 0, .eval_every = 15};
        trained t = train(model, "blobs:n=60,centers=2", "default", opts[k], cfg);
        cfg.steps = 0;
        trained s = train(model, "blobs:n=60,centers=2", "default", "sgd:lr=0", cfg);
        print_message("    %-40s train loss %.4f -> %.4f\n", opts[k], s.res.train_loss, t.res.train_loss);
        assert_true(t.res.train_loss < 0.8 * s.res.train_loss);
        release(&t), release(&s);
    }
}

/* The edge of stability (Cohen et al. 2021): full-batch gradient descent on a small tanh MLP (MSE) raises
 * λmax (progressive sharpening) until it reaches 2/η, then hovers there instead of passing it. */
typedef struct sharpness_log {
    double lambda[64], limit;
    size_t n;
} sharpness_log;

static int record_sharpness(void *ctx, const basin_train_row *row)
{
    sharpness_log *s = ctx;
    if (!isnan(row->lambda_max) && s->n < 64) {
        s->lambda[s->n++] = row->lambda_max;
        s->limit = row->stability;
    }
    return 0;
}

static void test_edge_of_stability(void **state)
{
    (void)state;
    basin_dataset *d = support_dataset("moons:n=200", 0);
    basin_net_problem *np = support_net_problem("mlp:hidden=32/32,act=tanh,loss=mse", d, 3);
    double *w = calloc(np->base.dim, sizeof *w);
    support_init("default", np->net.model, w, 1);
    basin_optimizer *o = support_optimizer("sgd:lr=0.2", np->base.dim);
    basin_train_config cfg = {.epochs = -1, .steps = 3000, .batch = 0, .eval_every = 1000, .track_sharpness = 100};
    sharpness_log log = {0};
    basin_train_result res;
    assert_int_equal(support_train(np, w, o, NULL, &cfg, record_sharpness, &log, &res), 0);
    assert_int_equal(log.n, 30);
    assert_close(log.limit, 10.0, 1e-12);
    double late_lo = INFINITY, late_hi = 0;
    for (size_t i = 15; i < log.n; i++)
        late_lo = fmin(late_lo, log.lambda[i]), late_hi = fmax(late_hi, log.lambda[i]);
    print_message("    λmax %.3g at step 100, %.3g at 300; from step 1600 between %.4g and %.4g; 2/η = %g\n",
                  log.lambda[0], log.lambda[2], late_lo, late_hi, log.limit);
    assert_true(log.lambda[0] < 0.75 * log.limit); /* well below the limit at first */
    assert_true(log.lambda[2] > log.lambda[0]);    /* rising */
    assert_true(late_lo > 0.9 * log.limit && late_hi < 1.1 * log.limit); /* then hovering at it */
    basin_optimizer_destroy(o);
    free(w);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(d);
}

/* BatchNorm cannot train on one example: a clear error before training starts. */
static void test_batchnorm_batch_one(void **state)
{
    (void)state;
    basin_dataset *d = support_dataset("moons:n=50", 0); /* 40 training examples */
    basin_net_problem *np = support_net_problem("mlp:hidden=4,norm=batch", d, 0);
    basin_train_config cfg = {.epochs = 1, .steps = -1, .batch = 1};
    assert_int_equal(basin_train_check(np, &cfg), -1);
    assert_non_null(strstr(basin_error_message(), "batch of one"));
    cfg.batch = 3; /* 40 = 13·3 + 1 */
    assert_int_equal(basin_train_check(np, &cfg), -1);
    cfg.batch = 8;
    assert_int_equal(basin_train_check(np, &cfg), 0);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spirals),          cmocka_unit_test(test_digits_mlp),
        cmocka_unit_test(test_digits_cnn),       cmocka_unit_test(test_same_seed_same_bits),
        cmocka_unit_test(test_constant_init_symmetry), cmocka_unit_test(test_early_stopping),
        cmocka_unit_test(test_swa_average),      cmocka_unit_test(test_swa_tracks_its_average),      cmocka_unit_test(test_one_snapshot),
        cmocka_unit_test(test_asgd_average_tracked),
        cmocka_unit_test(test_ensemble_tracked),
        cmocka_unit_test(test_problem_gradient), cmocka_unit_test(test_every_optimizer),
        cmocka_unit_test(test_batchnorm_batch_one), cmocka_unit_test(test_edge_of_stability),
        cmocka_unit_test(test_gradient_source),
        cmocka_unit_test(test_loss_in_blocks),
        cmocka_unit_test(test_parameter_free_first_layer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
