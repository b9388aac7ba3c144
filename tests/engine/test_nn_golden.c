/* test_nn_golden.c: models built from every layer type against PyTorch 1.13 in float64
 * (tests/reference/make_golden_nn.py): state_dict names and shapes, outputs, loss and every parameter's
 * gradient within 1e-10 relative, and a Hessian-vector product (double backward) within 1e-8, in training
 * and eval mode; BatchNorm's running statistics and the
 * weights after three SGD steps; every layer's output and gradient variances (what basin inspect prints). */
#include "support.h"

#include "engine/nn/layers.h"
#include "engine/nn/model.h"
#include "engine/nn/net_problem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "../reference/golden_nn.h"


#define BATCH 6
#define TOL 1e-10

static double loss_and_grad(golden_loss kind, const double *out, const int *labels, const double *targets,
                            size_t K, double *dout)
{
    switch (kind) {
    case GOLDEN_LOSS_BCE: return loss_bce_logits(dout, out, labels, BATCH);
    case GOLDEN_LOSS_CROSS_ENTROPY: return loss_cross_entropy(dout, out, labels, BATCH, K);
    case GOLDEN_LOSS_MSE: break;
    }
    return loss_mse(dout, out, targets, BATCH, K);
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof golden_cases / sizeof *golden_cases; i++) {
        const golden_case *gc = &golden_cases[i];
        basin_model *m = basin_model_create(gc->layers, gc->n_layers, gc->c, gc->h, gc->w);
        assert_non_null(m);
        /* The same tensors, names and shapes as the nn.Sequential's state_dict. */
        assert_int_equal(m->n_tensors, gc->n_names);
        for (size_t t = 0; t < gc->n_names; t++) {
            assert_string_equal(m->tensors[t].name, gc->names[t].name);
            assert_int_equal(m->tensors[t].ndim, gc->names[t].ndim);
            for (size_t d = 0; d < gc->names[t].ndim; d++)
                assert_int_equal(m->tensors[t].shape[d], gc->names[t].shape[d]);
        }
        assert_int_equal(m->n_params, gc->n_params);
        assert_int_equal(m->n_state, gc->n_state);
        memcpy(m->state, gc->state, gc->n_state * sizeof *gc->state);
        basin_forward_opts opts = {.mode = gc->mode, .update_stats = false, .rng = NULL, .no_dropout = false};
        const double *out = basin_model_forward(m, gc->params, gc->x, BATCH, opts);
        assert_non_null(out);
        assert_int_equal(BATCH * m->out_features, gc->n_out);
        double *dout = malloc(gc->n_out * sizeof *dout), *g = calloc(m->n_params, sizeof *g);
        double loss = loss_and_grad(gc->loss, out, gc->labels, gc->targets, m->out_features, dout);
        double out_diff = support_max_rel_diff(out, gc->out, gc->n_out);
        basin_model_backward(m, gc->params, dout, g, NULL, NULL);
        double grad_diff = support_max_rel_diff(g, gc->grad, m->n_params);
        /* H·v by the R-operator at the same point */
        double *rdout = malloc(gc->n_out * sizeof *rdout), *hv = calloc(m->n_params, sizeof *hv);
        out = basin_model_forward(m, gc->params, gc->x, BATCH, opts);
        loss_and_grad(gc->loss, out, gc->labels, gc->targets, m->out_features, dout);
        const double *rout = basin_model_forward_r(m, gc->params, gc->v);
        assert_non_null(rout);
        if (gc->loss == GOLDEN_LOSS_CROSS_ENTROPY)
            loss_cross_entropy_r(rdout, out, rout, BATCH, m->out_features);
        else if (gc->loss == GOLDEN_LOSS_BCE)
            loss_bce_logits_r(rdout, out, rout, BATCH);
        else
            loss_mse_r(rdout, rout, BATCH, m->out_features);
        basin_model_backward_r(m, gc->params, gc->v, dout, rdout, NULL, hv);
        double hv_scale = 0, hv_diff = 0;
        for (size_t j = 0; j < m->n_params; j++)
            hv_scale = fmax(hv_scale, fabs(gc->hv[j]));
        for (size_t j = 0; j < m->n_params; j++)
            hv_diff = fmax(hv_diff, fabs(hv[j] - gc->hv[j]) / hv_scale);
        free(rdout), free(hv);
        double loss_diff = fabs(loss - gc->loss_value) / fabs(gc->loss_value);
        print_message("    %-20s outputs %.1e  loss %.1e  gradient %.1e  H·v %.1e (%zu parameters)\n", gc->name,
                      out_diff, loss_diff, grad_diff, hv_diff, m->n_params);
        assert_true(hv_diff < 1e-8);
        assert_true(out_diff < TOL);
        assert_true(loss_diff < TOL);
        assert_true(grad_diff < TOL);
        free(dout), free(g);
        basin_model_destroy(m);
    }
}

/* Three SGD steps in training mode move the running statistics as PyTorch's do. */
static void test_running_statistics(void **state)
{
    (void)state;
    const golden_case *gc = &golden_cases[0];
    basin_model *m = basin_model_create(gc->layers, gc->n_layers, gc->c, gc->h, gc->w);
    double *w = malloc(m->n_params * sizeof *w), *g = malloc(m->n_params * sizeof *g), dout[BATCH];
    memcpy(w, steps_w0, m->n_params * sizeof *w);
    for (int step = 0; step < 3; step++) {
        const double *out = basin_model_forward(m, w, steps_x + step * BATCH * 3, BATCH,
                                                (basin_forward_opts){.mode = BASIN_MODE_TRAIN, .update_stats = true, .rng = NULL, .no_dropout = false});
        assert_non_null(out);
        loss_bce_logits(dout, out, steps_labels + step * BATCH, BATCH);
        memset(g, 0, m->n_params * sizeof *g);
        basin_model_backward(m, w, dout, g, NULL, NULL);
        for (size_t j = 0; j < m->n_params; j++)
            w[j] -= 0.1 * g[j];
    }
    double w_diff = support_max_rel_diff(w, steps_w, m->n_params);
    double state_diff = support_max_rel_diff(m->state, steps_state, m->n_state);
    print_message("    after 3 steps: weights %.1e, running statistics %.1e\n", w_diff, state_diff);
    assert_true(w_diff < TOL);
    assert_true(state_diff < TOL);
    assert_close(m->state[m->tensors[6].offset], 3.0, 0); /* 1.num_batches_tracked */
    free(w), free(g);
    basin_model_destroy(m);
}

/* A model run as two pipeline stages, layers [0, k) then [k, n) forward and the reverse backward, gives
 * the whole model's outputs and gradient to the bit, at every split point of every golden model. */
static void test_layer_ranges(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof golden_cases / sizeof *golden_cases; i++) {
        const golden_case *gc = &golden_cases[i];
        basin_model *m = basin_model_create(gc->layers, gc->n_layers, gc->c, gc->h, gc->w);
        memcpy(m->state, gc->state, gc->n_state * sizeof *gc->state);
        basin_forward_opts opts = {.mode = gc->mode, .update_stats = false, .rng = NULL, .no_dropout = true};
        size_t n_out = gc->n_out;
        double *whole = malloc(n_out * sizeof *whole), *dout = malloc(n_out * sizeof *dout);
        double *g_whole = calloc(m->n_params, sizeof *g_whole), *g = malloc(m->n_params * sizeof *g);
        memcpy(whole, basin_model_forward(m, gc->params, gc->x, BATCH, opts), n_out * sizeof *whole);
        loss_and_grad(gc->loss, whole, gc->labels, gc->targets, m->out_features, dout);
        basin_model_backward(m, gc->params, dout, g_whole, NULL, NULL);
        for (size_t k = 1; k < m->n_layers; k++) {
            const double *mid = basin_model_forward_range(m, gc->params, 0, k, gc->x, BATCH, opts);
            const double *out = basin_model_forward_range(m, gc->params, k, m->n_layers, mid, BATCH, opts);
            assert_memory_equal(out, whole, n_out * sizeof *out);
            memset(g, 0, m->n_params * sizeof *g);
            const double *dmid = basin_model_backward_range(m, gc->params, k, m->n_layers, dout, g, NULL, NULL);
            assert_non_null(dmid);
            assert_null(basin_model_backward_range(m, gc->params, 0, k, dmid, g, NULL, NULL));
            assert_memory_equal(g, g_whole, m->n_params * sizeof *g);
        }
        free(whole), free(dout), free(g_whole), free(g);
        basin_model_destroy(m);
    }
}

/* basin_net_layer_variances (what basin inspect and the layers view show) against PyTorch's variances of
 * every module's output and of the mean loss's gradient on it, over one training-mode batch. */
static void test_layer_variances(void **state)
{
    (void)state;
    static const basin_loss losses[] = {[GOLDEN_LOSS_BCE] = BASIN_LOSS_BCE,
                                        [GOLDEN_LOSS_CROSS_ENTROPY] = BASIN_LOSS_CROSS_ENTROPY,
                                        [GOLDEN_LOSS_MSE] = BASIN_LOSS_MSE};
    for (size_t i = 0; i < sizeof golden_variance_cases / sizeof *golden_variance_cases; i++) {
        const golden_variance_case *gc = &golden_variance_cases[i];
        size_t B = GOLDEN_VARIANCE_BATCH;
        bool regression = gc->loss == GOLDEN_LOSS_MSE;
        basin_dataset *d = support_fixed_dataset(B, gc->c, gc->h, gc->w, gc->x, gc->labels,
                                                 regression ? 0 : gc->n_classes, gc->targets, 2);
        basin_model *m = basin_model_create(gc->layers, gc->n_layers, gc->c, gc->h, gc->w);
        assert_non_null(m);
        assert_int_equal(m->n_params, gc->n_params);
        basin_net_problem *np = basin_net_problem_create((basin_net){m, losses[gc->loss]}, d, 1);
        assert_non_null(np);
        double act[16], grad[16];
        assert_true(gc->n_layers <= 16);
        assert_int_equal(basin_net_layer_variances(np, gc->params, B, act, grad), 0);
        double act_diff = support_max_rel_diff(act, gc->act_var, gc->n_layers);
        double grad_diff = support_max_rel_diff(grad, gc->grad_var, gc->n_layers);
        print_message("    %-20s activations %.1e, gradients %.1e\n", gc->name, act_diff, grad_diff);
        assert_true(act_diff < TOL);
        assert_true(grad_diff < TOL);
        basin_problem_destroy(&np->base);
        basin_dataset_destroy(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_running_statistics),
        cmocka_unit_test(test_layer_variances),
        cmocka_unit_test(test_layer_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
