/* model.c: shapes, parameter layout, workspaces, and the forward and backward passes through a
 * sequence of layers. */
#include "model.h"

#include "../error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t basin_layer_inputs(const basin_layer *l)
{
    return l->in_c * l->in_h * l->in_w;
}

size_t basin_layer_outputs(const basin_layer *l)
{
    return l->out_c * l->out_h * l->out_w;
}

conv_shape basin_layer_conv_shape(const basin_layer *l, size_t B)
{
    return (conv_shape){B, l->in_c, l->in_h, l->in_w, l->out_c, l->d.kernel, l->d.stride, l->d.padding,
                        l->out_h, l->out_w};
}

const char *basin_layer_torch_name(const basin_layer *l)
{
    static const char *const acts[] = {
        [BASIN_ACT_IDENTITY] = "Identity", [BASIN_ACT_RELU] = "ReLU", [BASIN_ACT_LEAKY_RELU] = "LeakyReLU",
        [BASIN_ACT_TANH] = "Tanh",         [BASIN_ACT_SIGMOID] = "Sigmoid", [BASIN_ACT_GELU] = "GELU",
    };
    switch (l->d.kind) {
    case BASIN_LAYER_LINEAR: return "Linear";
    case BASIN_LAYER_CONV2D: return "Conv2d";
    case BASIN_LAYER_MAXPOOL2D: return "MaxPool2d";
    case BASIN_LAYER_AVGPOOL2D: return "AvgPool2d";
    case BASIN_LAYER_FLATTEN: return "Flatten";
    case BASIN_LAYER_ACTIVATION: return acts[l->d.act];
    case BASIN_LAYER_BATCHNORM: return l->in_h * l->in_w == 1 ? "BatchNorm1d" : "BatchNorm2d";
    case BASIN_LAYER_LAYERNORM: return "LayerNorm";
    case BASIN_LAYER_DROPOUT: return "Dropout";
    }
    return "?";
}

void basin_layer_fans(const basin_layer *l, size_t *fan_in, size_t *fan_out)
{
    size_t k = l->d.kind == BASIN_LAYER_CONV2D ? l->d.kernel * l->d.kernel : 1;
    if (l->d.kind == BASIN_LAYER_LINEAR || l->d.kind == BASIN_LAYER_CONV2D) {
        *fan_in = l->in_c * k;
        *fan_out = l->out_c * k;
    } else {
        *fan_in = *fan_out = 0;
    }
}

static void add_tensor(basin_model *m, size_t layer, const char *what, bool is_state, size_t offset,
                       size_t ndim, const size_t *shape)
{
    basin_tensor *t = &m->tensors[m->n_tensors++];
    snprintf(t->name, sizeof t->name, "%zu.%s", layer, what);
    t->is_state = is_state;
    t->is_integer = strcmp(what, "num_batches_tracked") == 0;
    t->offset = offset;
    t->ndim = ndim;
    t->size = 1;
    for (size_t i = 0; i < ndim; i++) {
        t->shape[i] = shape[i];
        t->size *= shape[i];
    }
}

/* Fills l's output shape from its input shape, or returns -1 with a message. */
static int shape_layer(basin_layer *l, size_t index)
{
    const char *name = basin_layer_torch_name(l);
    bool flat = l->in_h == 1 && l->in_w == 1;
    l->out_c = l->in_c, l->out_h = l->in_h, l->out_w = l->in_w;
    switch (l->d.kind) {
    case BASIN_LAYER_LINEAR:
        if (!flat) {
            basin_error_set("layer %zu (Linear) needs flat features but gets %zu×%zu×%zu; flatten first",
                            index, l->in_c, l->in_h, l->in_w);
            return -1;
        }
        l->out_c = l->d.out;
        break;
    case BASIN_LAYER_CONV2D:
    case BASIN_LAYER_MAXPOOL2D:
    case BASIN_LAYER_AVGPOOL2D: {
        bool conv = l->d.kind == BASIN_LAYER_CONV2D;
        size_t pad = conv ? l->d.padding : 0;
        if (l->d.stride == 0)
            l->d.stride = conv ? 1 : l->d.kernel;
        if (l->d.kernel == 0 || l->d.kernel > l->in_h + 2 * pad || l->d.kernel > l->in_w + 2 * pad) {
            basin_error_set("layer %zu (%s): a %zu×%zu window does not fit a %zu×%zu input", index, name,
                            l->d.kernel, l->d.kernel, l->in_h, l->in_w);
            return -1;
        }
        l->out_h = (l->in_h + 2 * pad - l->d.kernel) / l->d.stride + 1;
        l->out_w = (l->in_w + 2 * pad - l->d.kernel) / l->d.stride + 1;
        if (conv)
            l->out_c = l->d.out;
        break;
    }
    case BASIN_LAYER_FLATTEN:
        l->out_c = basin_layer_inputs(l), l->out_h = l->out_w = 1;
        break;
    case BASIN_LAYER_LAYERNORM:
        if (!flat) {
            basin_error_set("layer %zu (LayerNorm) normalizes flat features; flatten first", index);
            return -1;
        }
        break;
    case BASIN_LAYER_ACTIVATION:
    case BASIN_LAYER_BATCHNORM:
    case BASIN_LAYER_DROPOUT:
        break;
    }
    if (basin_layer_outputs(l) == 0) {
        basin_error_set("layer %zu (%s) has no outputs", index, name);
        return -1;
    }
    return 0;
}

/* Gives l its parameters and state, and names them as PyTorch's state_dict does. */
static void lay_out_parameters(basin_model *m, basin_layer *l, size_t index)
{
    size_t k = l->d.kernel;
    switch (l->d.kind) {
    case BASIN_LAYER_LINEAR:
    case BASIN_LAYER_CONV2D: {
        bool conv = l->d.kind == BASIN_LAYER_CONV2D;
        size_t wshape[4] = {l->out_c, l->in_c, k, k};
        l->n_weight = l->out_c * l->in_c * (conv ? k * k : 1);
        l->n_bias = l->out_c;
        l->weight = m->n_params;
        l->bias = l->weight + l->n_weight;
        m->n_params += l->n_weight + l->n_bias;
        add_tensor(m, index, "weight", false, l->weight, conv ? 4 : 2, wshape);
        add_tensor(m, index, "bias", false, l->bias, 1, &l->out_c);
        break;
    }
    case BASIN_LAYER_BATCHNORM:
    case BASIN_LAYER_LAYERNORM: {
        size_t n = l->d.kind == BASIN_LAYER_BATCHNORM ? l->in_c : basin_layer_inputs(l);
        l->n_weight = l->n_bias = n;
        l->weight = m->n_params;
        l->bias = l->weight + n;
        m->n_params += 2 * n;
        add_tensor(m, index, "weight", false, l->weight, 1, &n);
        add_tensor(m, index, "bias", false, l->bias, 1, &n);
        if (l->d.kind == BASIN_LAYER_BATCHNORM) {
            l->stats = m->n_state;
            m->n_state += 2 * n + 1;
            add_tensor(m, index, "running_mean", true, l->stats, 1, &n);
            add_tensor(m, index, "running_var", true, l->stats + n, 1, &n);
            add_tensor(m, index, "num_batches_tracked", true, l->stats + 2 * n, 0, NULL);
        }
        break;
    }
    default:
        break;
    }
}

basin_model *basin_model_create(const basin_layer_desc *descs, size_t n, size_t in_c, size_t in_h,
                                size_t in_w)
{
    basin_model *m = calloc(1, sizeof *m);
    if (!m || !(m->layers = calloc(n ? n : 1, sizeof *m->layers)) ||
        !(m->tensors = calloc(5 * n + 1, sizeof *m->tensors))) {
        basin_model_destroy(m);
        basin_error_set("out of memory for a model of %zu layers", n);
        return NULL;
    }
    m->n_layers = n;
    m->in_c = in_c, m->in_h = in_h, m->in_w = in_w;
    m->in_features = in_c * in_h * in_w;
    m->bn_eps = 1e-5, m->bn_momentum = 0.1, m->ln_eps = 1e-5;
    size_t c = in_c, h = in_h, w = in_w;
    for (size_t i = 0; i < n; i++) {
        basin_layer *l = &m->layers[i];
        l->d = descs[i];
        l->in_c = c, l->in_h = h, l->in_w = w;
        if (shape_layer(l, i) != 0) {
            basin_model_destroy(m);
            return NULL;
        }
        lay_out_parameters(m, l, i);
        c = l->out_c, h = l->out_h, w = l->out_w;
    }
    m->out_features = c * h * w;
    m->state = calloc(m->n_state ? m->n_state : 1, sizeof *m->state);
    if (!m->state) {
        basin_model_destroy(m);
        basin_error_set("out of memory for a model's state");
        return NULL;
    }
    basin_model_reset_state(m);
    return m;
}

basin_model *basin_model_clone(const basin_model *m)
{
    basin_layer_desc *descs = malloc((m->n_layers + 1) * sizeof *descs);
    if (!descs) {
        basin_error_set("out of memory");
        return NULL;
    }
    for (size_t i = 0; i < m->n_layers; i++)
        descs[i] = m->layers[i].d;
    basin_model *copy = basin_model_create(descs, m->n_layers, m->in_c, m->in_h, m->in_w);
    free(descs);
    if (copy) {
        copy->bn_eps = m->bn_eps, copy->bn_momentum = m->bn_momentum, copy->ln_eps = m->ln_eps;
        memcpy(copy->state, m->state, m->n_state * sizeof *m->state);
    }
    return copy;
}

void basin_model_reset_state(basin_model *m)
{
    for (size_t i = 0; i < m->n_layers; i++) {
        const basin_layer *l = &m->layers[i];
        if (l->d.kind != BASIN_LAYER_BATCHNORM)
            continue;
        for (size_t c = 0; c < l->in_c; c++) {
            m->state[l->stats + c] = 0.0;
            m->state[l->stats + l->in_c + c] = 1.0;
        }
        m->state[l->stats + 2 * l->in_c] = 0.0;
    }
}

static void free_workspaces(basin_model *m)
{
    for (size_t i = 0; i < m->n_layers; i++) {
        basin_layer *l = &m->layers[i];
        free(l->out), free(l->cols), free(l->tmp), free(l->xhat), free(l->rstd), free(l->mask),
            free(l->argmax);
        l->out = l->cols = l->tmp = l->xhat = l->rstd = l->mask = NULL;
        l->argmax = NULL;
        free(l->rout), free(l->rxhat), free(l->rcols);
        l->rout = l->rxhat = l->rcols = NULL;
    }
    free(m->grad[0]), free(m->grad[1]), free(m->dcols), free(m->rgrad[0]), free(m->rgrad[1]);
    m->grad[0] = m->grad[1] = m->dcols = m->rgrad[0] = m->rgrad[1] = NULL;
    m->capacity = m->r_capacity = 0;
}

void basin_model_destroy(basin_model *m)
{
    if (!m)
        return;
    if (m->layers)
        free_workspaces(m);
    free(m->layers);
    free(m->tensors);
    free(m->state);
    free(m);
}

/* A zeroed block of n doubles (touched now, so a training step takes no page faults), or NULL. */
static double *workspace(size_t n)
{
    double *p = malloc((n ? n : 1) * sizeof *p);
    if (p)
        memset(p, 0, (n ? n : 1) * sizeof *p);
    return p;
}

int basin_model_reserve(basin_model *m, size_t B)
{
    if (B <= m->capacity)
        return 0;
    free_workspaces(m);
    size_t widest = m->in_features, cols = 0;
    bool ok = true;
    for (size_t i = 0; i < m->n_layers && ok; i++) {
        basin_layer *l = &m->layers[i];
        size_t nin = B * basin_layer_inputs(l), nout = B * basin_layer_outputs(l);
        widest = nout / B > widest ? nout / B : widest;
        switch (l->d.kind) {
        case BASIN_LAYER_CONV2D: {
            size_t k = l->in_c * l->d.kernel * l->d.kernel, bp = B * l->out_h * l->out_w;
            ok = (l->out = workspace(nout)) && (l->cols = workspace(k * bp)) &&
                 (l->tmp = workspace(l->out_c * bp));
            cols = k * bp > cols ? k * bp : cols;
            break;
        }
        case BASIN_LAYER_MAXPOOL2D:
            ok = (l->out = workspace(nout)) && (l->argmax = calloc(nout ? nout : 1, sizeof *l->argmax));
            break;
        case BASIN_LAYER_BATCHNORM:
            ok = (l->out = workspace(nout)) && (l->xhat = workspace(nin)) && (l->rstd = workspace(l->in_c));
            break;
        case BASIN_LAYER_LAYERNORM:
            ok = (l->out = workspace(nout)) && (l->xhat = workspace(nin)) && (l->rstd = workspace(B));
            break;
        case BASIN_LAYER_DROPOUT:
            ok = (l->out = workspace(nout)) && (l->mask = workspace(nout));
            break;
        case BASIN_LAYER_FLATTEN:
            break;
        default:
            ok = (l->out = workspace(nout)) != NULL;
            break;
        }
    }
    ok = ok && (m->grad[0] = workspace(B * widest)) && (m->grad[1] = workspace(B * widest)) &&
         (m->dcols = workspace(cols));
    if (!ok) {
        free_workspaces(m);
        basin_error_set("out of memory for batches of %zu examples", B);
        return -1;
    }
    m->capacity = B;
    return 0;
}

const double *basin_model_forward(basin_model *m, const double *w, const double *x, size_t B,
                                  basin_forward_opts opts)
{
    return basin_model_forward_from(m, w, 0, x, B, opts);
}

const double *basin_model_forward_from(basin_model *m, const double *w, size_t first, const double *x, size_t B,
                                       basin_forward_opts opts)
{
    if (basin_model_reserve(m, B) != 0)
        return NULL;
    bool train = opts.mode == BASIN_MODE_TRAIN;
    m->batch = B;
    m->mode = opts.mode;
    m->dropout = train && !opts.no_dropout;
    const double *cur = x;
    for (size_t i = first; i < m->n_layers; i++) {
        basin_layer *l = &m->layers[i];
        size_t n = B * basin_layer_inputs(l), S = l->in_h * l->in_w;
        l->in = cur;
        switch (l->d.kind) {
        case BASIN_LAYER_LINEAR:
            linear_forward(l->out, cur, w + l->weight, w + l->bias, B, l->in_c, l->out_c);
            cur = l->out;
            break;
        case BASIN_LAYER_CONV2D: {
            conv_shape s = basin_layer_conv_shape(l, B);
            conv2d_forward(l->out, l->cols, l->tmp, cur, w + l->weight, w + l->bias, &s);
            cur = l->out;
            break;
        }
        case BASIN_LAYER_MAXPOOL2D:
            maxpool2d_forward(l->out, l->argmax, cur, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
            cur = l->out;
            break;
        case BASIN_LAYER_AVGPOOL2D:
            avgpool2d_forward(l->out, cur, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
            cur = l->out;
            break;
        case BASIN_LAYER_FLATTEN:
            break;
        case BASIN_LAYER_ACTIVATION:
            if (l->d.act != BASIN_ACT_IDENTITY) {
                activation_forward(l->out, cur, n, l->d.act, l->d.slope);
                cur = l->out;
            }
            break;
        case BASIN_LAYER_BATCHNORM: {
            double *stats = m->state + l->stats;
            if (train) {
                if (batchnorm_forward_train(l->out, l->xhat, l->rstd, opts.update_stats ? stats : NULL,
                                            opts.update_stats ? stats + l->in_c : NULL, cur, w + l->weight,
                                            w + l->bias, B, l->in_c, S, m->bn_eps, m->bn_momentum) != 0) {
                    basin_error_set("layer %zu: %s", i, basin_error_message());
                    return NULL;
                }
                if (opts.update_stats)
                    stats[2 * l->in_c] += 1;
            } else {
                batchnorm_forward_eval(l->out, cur, w + l->weight, w + l->bias, stats, stats + l->in_c, B,
                                       l->in_c, S, m->bn_eps);
            }
            cur = l->out;
            break;
        }
        case BASIN_LAYER_LAYERNORM:
            layernorm_forward(l->out, l->xhat, l->rstd, cur, w + l->weight, w + l->bias, B, l->in_c,
                              m->ln_eps);
            cur = l->out;
            break;
        case BASIN_LAYER_DROPOUT:
            if (train && l->d.p > 0 && !opts.no_dropout) {
                BASIN_ASSERT(opts.rng);
                dropout_forward(l->out, l->mask, cur, n, l->d.p, opts.rng);
                cur = l->out;
            }
            break;
        }
        l->y = cur;
    }
    return cur;
}

void basin_model_backward(basin_model *m, const double *w, const double *dout, double *g,
                          basin_grad_hook hook, void *ctx)
{
    size_t B = m->batch;
    bool train = m->mode == BASIN_MODE_TRAIN;
    const double *d = dout;
    int which = dout == m->grad[0] ? 1 : 0;
    for (size_t i = m->n_layers; i-- > 0;) {
        basin_layer *l = &m->layers[i];
        if (hook)
            hook(ctx, i, d, B * basin_layer_outputs(l));
        size_t n = B * basin_layer_inputs(l), S = l->in_h * l->in_w;
        double *din = i == 0 ? NULL : m->grad[which];
        bool passes = false; /* the layer passed its input through unchanged */
        switch (l->d.kind) {
        case BASIN_LAYER_LINEAR:
            linear_backward(din, g + l->weight, g + l->bias, d, l->in, w + l->weight, B, l->in_c, l->out_c);
            break;
        case BASIN_LAYER_CONV2D: {
            conv_shape s = basin_layer_conv_shape(l, B);
            conv2d_backward(din, g + l->weight, g + l->bias, m->dcols, l->tmp, d, l->cols, w + l->weight, &s);
            break;
        }
        case BASIN_LAYER_MAXPOOL2D:
            if (din)
                maxpool2d_backward(din, d, l->argmax, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
            break;
        case BASIN_LAYER_AVGPOOL2D:
            if (din)
                avgpool2d_backward(din, d, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
            break;
        case BASIN_LAYER_FLATTEN:
            passes = true;
            break;
        case BASIN_LAYER_ACTIVATION:
            passes = l->d.act == BASIN_ACT_IDENTITY;
            if (!passes && din)
                activation_backward(din, d, l->in, l->y, n, l->d.act, l->d.slope);
            break;
        case BASIN_LAYER_BATCHNORM:
            if (train)
                batchnorm_backward_train(din, g + l->weight, g + l->bias, d, l->xhat, l->rstd, w + l->weight,
                                         B, l->in_c, S);
            else
                batchnorm_backward_eval(din, g + l->weight, g + l->bias, d, l->in, w + l->weight,
                                        m->state + l->stats, m->state + l->stats + l->in_c, B, l->in_c, S,
                                        m->bn_eps);
            break;
        case BASIN_LAYER_LAYERNORM:
            layernorm_backward(din, g + l->weight, g + l->bias, d, l->xhat, l->rstd, w + l->weight, B,
                               l->in_c);
            break;
        case BASIN_LAYER_DROPOUT:
            passes = !(m->dropout && l->d.p > 0);
            if (!passes && din)
                dropout_backward(din, d, l->mask, n);
            break;
        }
        if (!passes && din) {
            d = din;
            which ^= 1;
        }
    }
}
