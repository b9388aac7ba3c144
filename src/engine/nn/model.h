/* model.h: a feed-forward network as a sequence of layers over one flat parameter vector, laid out as
 * the equivalent PyTorch nn.Sequential's parameters() (Linear weight (out,in), Conv2d weight
 * (C_out,C_in,k,k), then the bias). BatchNorm running statistics are state, kept apart from the
 * parameters. The model owns every workspace, sized once for the largest batch asked for, so a
 * training step allocates nothing. */
#ifndef BASIN_NN_MODEL_H
#define BASIN_NN_MODEL_H

#include "keyed_draw.h"
#include "layers.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum {
    BASIN_LAYER_LINEAR,
    BASIN_LAYER_CONV2D,
    BASIN_LAYER_MAXPOOL2D,
    BASIN_LAYER_AVGPOOL2D,
    BASIN_LAYER_FLATTEN,
    BASIN_LAYER_ACTIVATION,
    BASIN_LAYER_BATCHNORM,
    BASIN_LAYER_LAYERNORM,
    BASIN_LAYER_DROPOUT,
} basin_layer_kind;

/* What a layer is, before shapes are known. */
typedef struct basin_layer_desc {
    basin_layer_kind kind;
    size_t out;         /* LINEAR: output features; CONV2D: output channels */
    size_t kernel;      /* CONV2D and pools */
    size_t stride;      /* CONV2D and pools (0: pools use the kernel size, conv 1) */
    size_t padding;     /* CONV2D */
    basin_activation act;
    double slope;       /* LEAKY_RELU's negative slope */
    double p;           /* DROPOUT's probability */
} basin_layer_desc;

typedef struct basin_layer basin_layer;
typedef struct basin_model basin_model;
typedef struct basin_forward_opts basin_forward_opts;

/* What a layer's parameters are, for initialization, penalties and filter-normalized directions. */
typedef enum {
    BASIN_LAYER_ROLE_NONE,     /* no parameters */
    BASIN_LAYER_ROLE_WEIGHTED, /* a weight matrix or filter bank with fans, and a bias */
    BASIN_LAYER_ROLE_AFFINE,   /* a normalization's scale γ and shift β */
} basin_layer_role;

/* A layer kind as one table of functions (each kind's lives in its file beside its kernels); the model's
 * passes are short loops over them. Shapes are per example; B is the batch. */
typedef struct basin_layer_ops {
    basin_layer_role role;
    /* The equivalent PyTorch class ("Linear", "BatchNorm1d", ...). */
    const char *(*torch_name)(const basin_layer *l);
    /* Fills the output shape from the input shape; -1 with a message naming layer index when it does not fit. */
    int (*shape)(basin_layer *l, size_t index);
    /* Gives the layer its parameters and state in m, named as the state_dict names them (NULL: none). */
    void (*lay_out)(basin_model *m, basin_layer *l, size_t index);
    /* Allocates its workspaces for B examples, raising *cols to the unfolded size its backward needs;
     * false when memory runs out. */
    bool (*reserve)(basin_layer *l, size_t B, size_t *cols);
    /* Forward over x (B × inputs): returns the output (x itself when the layer passes it through), or
     * NULL with a message. */
    const double *(*forward)(basin_model *m, basin_layer *l, size_t index, const double *w, const double *x, size_t B,
                             const basin_forward_opts *o);
    /* Backward from dy: accumulates the parameter gradient into g and writes dx (when non-NULL). Returns
     * true when the layer passed the gradient through unchanged (dx untouched). */
    bool (*backward)(const basin_model *m, basin_layer *l, const double *w, const double *dy, double *dx, double *g,
                     size_t B);
    /* R-operator (hvp.c): extra tangent workspaces beyond rout (NULL: none; false when memory runs out);
     * clearing what the backward reads when the layer's tangent is known to be zero (NULL: nothing); the
     * tangent forward from rin (NULL: zero), returning R{y} (NULL: zero); the backward carrying the
     * gradient and its tangent, returning true when it passed both through. */
    bool (*reserve_r)(basin_layer *l, size_t B);
    void (*clear_r)(basin_layer *l, size_t B);
    const double *(*forward_r)(const basin_model *m, basin_layer *l, const double *w, const double *v,
                               const double *rin, size_t B);
    bool (*backward_r)(const basin_model *m, basin_layer *l, const double *w, const double *v, size_t B,
                       const double *dy, const double *rdy, double *dx, double *rdx, double *g, double *hv);
} basin_layer_ops;

struct basin_layer {
    basin_layer_desc d;
    const basin_layer_ops *ops;                   /* the kind's functions */
    size_t in_c, in_h, in_w, out_c, out_h, out_w; /* per-example shapes */
    size_t weight, n_weight, bias, n_bias;        /* offsets and sizes in the parameter vector */
    size_t stats;                                 /* BATCHNORM: offset of running_mean in state */
    const double *in, *y;                         /* the last forward's input and output */
    double *out, *cols, *tmp, *xhat, *rstd, *mask;
    size_t *argmax;
    /* Hessian-vector products (hvp.c): the tangents of the input and output, and their workspaces */
    const double *rin, *ry;
    double *rout, *rxhat, *rcols;
    unsigned long r_pass; /* activations: the model's pass whose σ', σ'' rxhat holds (0: none) */
};

/* A named tensor of the equivalent nn.Sequential's state_dict. */
typedef struct basin_tensor {
    char name[48];   /* "0.weight", "1.running_mean", ... */
    bool is_state;   /* in the state vector, not the parameters */
    bool is_integer; /* num_batches_tracked (int64 in PyTorch) */
    size_t offset, size, ndim, shape[4];
} basin_tensor;

typedef enum {
    BASIN_MODE_EVAL,
    BASIN_MODE_TRAIN,
} basin_mode;

struct basin_model {
    basin_layer *layers;
    size_t n_layers;
    size_t in_c, in_h, in_w, in_features, out_features;
    size_t n_params;
    double *state; /* BatchNorm running statistics and batch counts */
    size_t n_state;
    basin_tensor *tensors;
    size_t n_tensors;
    double bn_eps, bn_momentum, ln_eps;
    size_t capacity;       /* examples the workspaces hold */
    double *grad[2];       /* ping-pong gradients on activations */
    double *dcols;
    size_t r_capacity;     /* examples the tangent workspaces hold */
    double *rgrad[2];
    double *dkept;         /* each layer's output gradient of a backward_r, kept for products that reuse it */
    size_t batch;          /* examples in the last forward */
    basin_mode mode;       /* of the last forward */
    bool dropout;          /* the last forward applied dropout */
    const basin_reducer *bn_sync; /* of the last forward: what BatchNorm's backward sums over */
    unsigned long passes;  /* forward passes run (of any range): whose activations the layers hold */
};

/* Builds a model of n layers for examples of shape (in_c, in_h, in_w), checking that the shapes
 * chain (a conv needs a spatial input, a window must fit). Returns it (owned by the caller) or NULL with
 * a message naming the layer. */
basin_model *basin_model_create(const basin_layer_desc *descs, size_t n, size_t in_c, size_t in_h,
                                size_t in_w);

/* Frees m; NULL is a no-op. */
void basin_model_destroy(basin_model *m);

/* A model of the same layers and shapes with its own workspaces and a copy of m's state. Returns it
 * (owned by the caller) or NULL with a message. */
basin_model *basin_model_clone(const basin_model *m);

/* The bytes the workspaces for batches of B examples take (an estimate from above). Can't fail. */
double basin_model_batch_bytes(const basin_model *m, size_t B);

/* Makes room for batches of B examples. Returns 0, or -1 with a message when they would not fit the
 * memory budget (basin_budget_check) or memory runs out. */
int basin_model_reserve(basin_model *m, size_t B);

/* Whether m has a layer of kind. */
bool basin_model_has_layer(const basin_model *m, basin_layer_kind kind);

/* Resets the state to PyTorch's fresh values (running mean 0, variance 1, no batches tracked). */
void basin_model_reset_state(basin_model *m);

struct basin_forward_opts {
    basin_mode mode;
    bool update_stats; /* TRAIN: move BatchNorm's running statistics (PyTorch always does) */
    gsl_rng *rng;      /* TRAIN: dropout masks; NULL when the model has no dropout */
    bool no_dropout;   /* TRAIN: leave dropout off (a deterministic training-mode gradient) */
    const basin_draw_key *key;    /* TRAIN: dropout masks keyed by (seed, step, layer, example, unit), not rng */
    const basin_reducer *bn_sync; /* TRAIN: BatchNorm statistics over every shard of the batch (NULL: its own) */
};

/* Runs the model at parameters w on x (B × in_features) and returns the output (B × out_features),
 * valid until the next forward; activations are kept for basin_model_backward. Returns NULL with a
 * message when training BatchNorm sees one value per channel, or memory runs out. */
const double *basin_model_forward(basin_model *m, const double *w, const double *x, size_t B,
                                  basin_forward_opts opts);

/* The same from layer `first` on, x being that layer's input (B × its input features); layers before it
 * keep what they held (a backward pass then reaches only down to `first`). */
const double *basin_model_forward_from(basin_model *m, const double *w, size_t first, const double *x, size_t B,
                                       basin_forward_opts opts);

/* Layers [first, end) forward from x, that range's input (B × layer first's inputs): a pipeline stage.
 * Layers outside it keep what they held. Returns layer end − 1's output, or NULL with a message. */
const double *basin_model_forward_range(basin_model *m, const double *w, size_t first, size_t end, const double *x,
                                        size_t B, basin_forward_opts opts);

/* Whether the gradient on layer i's input is needed: whether a layer below i has parameters (a Flatten
 * or a standardization first needs none, nor does the Linear layer after it pass one down). */
bool basin_model_needs_input_grad(const basin_model *m, size_t i);

/* Called by backward with the gradient on each layer's output, last layer first. */
typedef void (*basin_grad_hook)(void *ctx, size_t layer, const double *dout, size_t n);

/* Back-propagates dout (gradient on the last forward's output) and accumulates the parameter gradient
 * into g (length n_params). dout may be the model's own grad[0] buffer. hook may be NULL. */
void basin_model_backward(basin_model *m, const double *w, const double *dout, double *g,
                          basin_grad_hook hook, void *ctx);

/* The same through layers [first, end) after a forward over them, dout being the gradient on layer
 * end − 1's output: returns the gradient on layer first's input (in one of the model's buffers, valid
 * until the next pass), or NULL when first is 0 (nobody needs it). */
const double *basin_model_backward_range(basin_model *m, const double *w, size_t first, size_t end,
                                         const double *dout, double *g, basin_grad_hook hook, void *ctx);

/* Pearlmutter's R-operator after a forward pass at w: the tangent forward along the parameter direction
 * v (returns R{output}, valid until the next call), then a backward that carries the gradient and its
 * tangent together. dout is the loss gradient on the output and rdout its tangent; the parameter
 * gradient accumulates into g (may be NULL) and the Hessian-vector product into hv. The forward returns
 * NULL with a message when memory runs out; the backward can't fail. (hvp.c) */
const double *basin_model_forward_r(basin_model *m, const double *w, const double *v);
void basin_model_backward_r(basin_model *m, const double *w, const double *v, const double *dout,
                            const double *rdout, double *g, double *hv);

/* The backward of basin_model_backward_r for H·v alone, for products at one forward pass and one dout:
 * reuse false computes the plain gradients and keeps them (each layer's output gradient); reuse true,
 * after such a call at the same forward pass and dout, takes them from there and computes only their
 * tangents, as a retained graph does. Can't fail. (hvp.c) */
void basin_model_hvp_backward(basin_model *m, const double *w, const double *v, const double *dout,
                              const double *rdout, double *hv, bool reuse);

/* Values per example a layer takes in and gives out; its convolution shape for a batch of B. */
size_t basin_layer_inputs(const basin_layer *l);
size_t basin_layer_outputs(const basin_layer *l);
conv_shape basin_layer_conv_shape(const basin_layer *l, size_t B);

/* Floating-point work per example of a layer's forward pass, up to a constant (a Linear's in·out, a
 * convolution's weights times its output positions, else its outputs): what balancing and the simulated
 * clock weigh layers by. */
double basin_layer_work(const basin_layer *l);

/* The PyTorch class a layer corresponds to ("Linear", "BatchNorm1d", "Tanh", ...). */
const char *basin_layer_torch_name(const basin_layer *l);

/* Fans as torch.nn.init computes them: fan_in = in·k·k, fan_out = out·k·k; 0 for layers without
 * a weight. */
void basin_layer_fans(const basin_layer *l, size_t *fan_in, size_t *fan_out);

#endif
