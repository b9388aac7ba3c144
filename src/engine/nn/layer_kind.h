/* layer_kind.h: what the layer kinds' tables share (inside the engine): every kind's table, and the
 * helpers their functions use for shapes, parameters and workspaces. */
#ifndef BASIN_NN_LAYER_KIND_H
#define BASIN_NN_LAYER_KIND_H

#include "model.h"

extern const basin_layer_ops basin_linear_ops, basin_conv2d_ops, basin_maxpool2d_ops, basin_avgpool2d_ops,
    basin_flatten_ops, basin_activation_ops, basin_batchnorm_ops, basin_layernorm_ops, basin_dropout_ops;

/* The table of a kind. Can't fail. */
const basin_layer_ops *basin_layer_ops_of(basin_layer_kind kind);

/* A zeroed block of n doubles (touched now, so a training step takes no page faults), or NULL. */
double *basin_workspace(size_t n);

/* Whether v has nothing in its n values. */
bool basin_zero_block(const double *v, size_t n);

/* Adds a named tensor of layer index to m's state_dict listing. */
void basin_add_tensor(basin_model *m, size_t index, const char *what, bool is_state, size_t offset, size_t ndim,
                      const size_t *shape);

/* The usual pieces: the output shaped as the input; the output buffer alone. */
int basin_shape_same(basin_layer *l, size_t index);
bool basin_reserve_out(basin_layer *l, size_t B, size_t *cols);

/* A k×k window moved by stride (convolutions and pools; padding for convolutions): the output's height
 * and width, -1 with a message when the window does not fit. */
int basin_shape_window(basin_layer *l, size_t index);


/* Normalizations (normalization.c): a scale and shift of n values each; their shared tangent passes. */
void basin_lay_out_affine(basin_model *m, basin_layer *l, size_t index, size_t n);
bool basin_norm_reserve_r(basin_layer *l, size_t B);
void basin_norm_clear_r(basin_layer *l, size_t B);
const double *basin_norm_forward_r(const basin_model *m, basin_layer *l, const double *w, const double *v,
                                   const double *rin, size_t B);
bool basin_norm_backward_r(const basin_model *m, basin_layer *l, const double *w, const double *v, size_t B,
                           const double *dy, const double *rdy, double *dx, double *rdx, double *g, double *hv);

#endif
