/* golden_nn.h: the shape of tests/reference/golden_nn.inc (written by make_golden_nn.py from PyTorch): each
 * case's layers, state_dict names and shapes, weights, inputs, and PyTorch's outputs, loss, gradient and
 * Hessian-vector product; then BatchNorm statistics after three SGD steps, a small MLP's top
 * eigenvalues, and per-layer activation and gradient variances. Include this once per test program: it defines the data. */
#ifndef BASIN_GOLDEN_NN_H
#define BASIN_GOLDEN_NN_H

#include "engine/nn/model.h"

#include <stddef.h>

typedef struct golden_tensor {
    const char *name;
    size_t ndim, shape[4];
} golden_tensor;

typedef enum { GOLDEN_LOSS_BCE, GOLDEN_LOSS_CROSS_ENTROPY, GOLDEN_LOSS_MSE } golden_loss;

typedef struct golden_case {
    const char *name;
    const basin_layer_desc *layers;
    size_t n_layers, c, h, w;
    basin_mode mode;
    golden_loss loss;
    const golden_tensor *names;
    size_t n_names;
    const double *params;
    size_t n_params;
    const double *state;
    size_t n_state;
    const double *x;
    const int *labels;
    const double *targets;
    const double *out;
    size_t n_out;
    double loss_value;
    const double *grad;
    const double *v, *hv; /* a direction and PyTorch's H·v along it (double backward) */
} golden_case;

/* Per-layer variances of a layer's output and of the loss gradient on it, over one training-mode batch. */
typedef struct golden_variance_case {
    const char *name;
    const basin_layer_desc *layers;
    size_t n_layers, c, h, w;
    golden_loss loss;
    size_t n_classes;
    const double *params;
    size_t n_params;
    const double *x;
    const int *labels;
    const double *targets;
    const double *act_var, *grad_var; /* n_layers each */
} golden_variance_case;

#include "golden_nn.inc"

#endif
