/* model.c: shapes, parameter layout, workspaces, and the forward and backward passes through a
 * sequence of layers. */
#include "model.h"
#include "layer_kind.h"

#include "../budget.h"
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
    return l->ops->torch_name(l);
}

void basin_layer_fans(const basin_layer *l, size_t *fan_in, size_t *fan_out)
{
    /* a weight of out × in × (k × k) values: fan_in = in·k·k, fan_out = out·k·k */
    bool weighted = l->ops->role == BASIN_LAYER_ROLE_WEIGHTED;
    *fan_in = weighted ? l->n_weight / l->out_c : 0;
    *fan_out = weighted ? l->n_weight / l->in_c : 0;
}

const basin_layer_ops *basin_layer_ops_of(basin_layer_kind kind)
{
    static const basin_layer_ops *const kinds[] = {
        [BASIN_LAYER_LINEAR] = &basin_linear_ops,         [BASIN_LAYER_CONV2D] = &basin_conv2d_ops,
        [BASIN_LAYER_MAXPOOL2D] = &basin_maxpool2d_ops,   [BASIN_LAYER_AVGPOOL2D] = &basin_avgpool2d_ops,
        [BASIN_LAYER_FLATTEN] = &basin_flatten_ops,       [BASIN_LAYER_ACTIVATION] = &basin_activation_ops,
        [BASIN_LAYER_BATCHNORM] = &basin_batchnorm_ops,   [BASIN_LAYER_LAYERNORM] = &basin_layernorm_ops,
        [BASIN_LAYER_DROPOUT] = &basin_dropout_ops,
    };
    return kinds[kind];
}

void basin_add_tensor(basin_model *m, size_t index, const char *what, bool is_state, size_t offset, size_t ndim,
                      const size_t *shape)
{
    basin_tensor *t = &m->tensors[m->n_tensors++];
    snprintf(t->name, sizeof t->name, "%zu.%s", index, what);
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

int basin_shape_same(basin_layer *l, size_t index)
{
    (void)l, (void)index; /* the model sets the output shape to the input's before asking */
    return 0;
}

int basin_shape_window(basin_layer *l, size_t index)
{
    size_t pad = l->d.kind == BASIN_LAYER_CONV2D ? l->d.padding : 0;
    if (l->d.kernel == 0 || l->d.kernel > l->in_h + 2 * pad || l->d.kernel > l->in_w + 2 * pad) {
        basin_error_set("layer %zu (%s): a %zu×%zu window does not fit a %zu×%zu input", index,
                        basin_layer_torch_name(l), l->d.kernel, l->d.kernel, l->in_h, l->in_w);
        return -1;
    }
    l->out_h = (l->in_h + 2 * pad - l->d.kernel) / l->d.stride + 1;
    l->out_w = (l->in_w + 2 * pad - l->d.kernel) / l->d.stride + 1;
    return 0;
}

double basin_layer_work(const basin_layer *l)
{
    if (l->d.kind == BASIN_LAYER_LINEAR)
        return (double)l->in_c * (double)l->out_c;
    if (l->d.kind == BASIN_LAYER_CONV2D)
        return (double)l->n_weight * (double)(l->out_h * l->out_w);
    return (double)basin_layer_outputs(l);
}

double *basin_workspace(size_t n)
{
    double *p = malloc((n ? n : 1) * sizeof *p);
    if (p)
        memset(p, 0, (n ? n : 1) * sizeof *p);
    return p;
}

bool basin_reserve_out(basin_layer *l, size_t B, size_t *cols)
{
    (void)cols;
    return (l->out = basin_workspace(B * basin_layer_outputs(l))) != NULL;
}

bool basin_zero_block(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] != 0)
            return false;
    return true;
}

/* Fills l's output shape from its input shape, or returns -1 with a message. */
static int shape_layer(basin_layer *l, size_t index)
{
    l->out_c = l->in_c, l->out_h = l->in_h, l->out_w = l->in_w;
    if (l->ops->shape(l, index) != 0)
        return -1;
    if (basin_layer_outputs(l) == 0) {
        basin_error_set("layer %zu (%s) has no outputs", index, basin_layer_torch_name(l));
        return -1;
    }
    return 0;
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
        l->ops = basin_layer_ops_of(l->d.kind);
        l->in_c = c, l->in_h = h, l->in_w = w;
        if (shape_layer(l, i) != 0) {
            basin_model_destroy(m);
            return NULL;
        }
        if (l->ops->lay_out)
            l->ops->lay_out(m, l, i);
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

bool basin_model_has_layer(const basin_model *m, basin_layer_kind kind)
{
    for (size_t i = 0; i < m->n_layers; i++)
        if (m->layers[i].d.kind == kind)
            return true;
    return false;
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
        l->r_pass = 0;
    }
    free(m->grad[0]), free(m->grad[1]), free(m->dcols), free(m->rgrad[0]), free(m->rgrad[1]), free(m->dkept);
    m->grad[0] = m->grad[1] = m->dcols = m->rgrad[0] = m->rgrad[1] = m->dkept = NULL;
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

double basin_model_batch_bytes(const basin_model *m, size_t B)
{
    /* per example: each layer's output and its gradient, a convolution's unfolded inputs and their
     * gradient, and the two widest buffers the backward pass alternates between */
    double per_example = 2.0 * (double)m->in_features;
    for (size_t i = 0; i < m->n_layers; i++) {
        const basin_layer *l = &m->layers[i];
        per_example += 2.0 * (double)basin_layer_outputs(l);
        if (l->d.kind == BASIN_LAYER_CONV2D)
            per_example += 2.0 * (double)(l->in_c * l->d.kernel * l->d.kernel * l->out_h * l->out_w);
    }
    return per_example * (double)B * sizeof(double);
}

int basin_model_reserve(basin_model *m, size_t B)
{
    if (B <= m->capacity)
        return 0;
    if (basin_budget_check(basin_model_batch_bytes(m, B), "batches of %zu examples through the model", B) != 0)
        return -1;
    free_workspaces(m);
    size_t widest = m->in_features, cols = 0;
    bool ok = true;
    for (size_t i = 0; i < m->n_layers && ok; i++) {
        basin_layer *l = &m->layers[i];
        widest = basin_layer_outputs(l) > widest ? basin_layer_outputs(l) : widest;
        ok = l->ops->reserve(l, B, &cols);
    }
    ok = ok && (m->grad[0] = basin_workspace(B * widest)) && (m->grad[1] = basin_workspace(B * widest)) &&
         (m->dcols = basin_workspace(cols));
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
    return basin_model_forward_range(m, w, 0, m->n_layers, x, B, opts);
}

const double *basin_model_forward_from(basin_model *m, const double *w, size_t first, const double *x, size_t B,
                                       basin_forward_opts opts)
{
    return basin_model_forward_range(m, w, first, m->n_layers, x, B, opts);
}

const double *basin_model_forward_range(basin_model *m, const double *w, size_t first, size_t end, const double *x,
                                        size_t B, basin_forward_opts opts)
{
    BASIN_ASSERT(first < end && end <= m->n_layers);
    if (basin_model_reserve(m, B) != 0)
        return NULL;
    m->batch = B;
    m->passes++;
    m->mode = opts.mode;
    m->dropout = opts.mode == BASIN_MODE_TRAIN && !opts.no_dropout;
    m->bn_sync = opts.mode == BASIN_MODE_TRAIN ? opts.bn_sync : NULL;
    const double *cur = x;
    for (size_t i = first; i < end && cur; i++) {
        basin_layer *l = &m->layers[i];
        l->in = cur;
        cur = l->y = l->ops->forward(m, l, i, w, cur, B, &opts);
    }
    return cur;
}

void basin_model_backward(basin_model *m, const double *w, const double *dout, double *g,
                          basin_grad_hook hook, void *ctx)
{
    basin_model_backward_range(m, w, 0, m->n_layers, dout, g, hook, ctx);
}

bool basin_model_needs_input_grad(const basin_model *m, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (m->layers[j].n_weight + m->layers[j].n_bias > 0)
            return true;
    return false;
}

const double *basin_model_backward_range(basin_model *m, const double *w, size_t first, size_t end,
                                         const double *dout, double *g, basin_grad_hook hook, void *ctx)
{
    BASIN_ASSERT(first < end && end <= m->n_layers);
    size_t B = m->batch;
    const double *d = dout;
    int which = dout == m->grad[0] ? 1 : 0;
    for (size_t i = end; i-- > first;) {
        basin_layer *l = &m->layers[i];
        if (hook)
            hook(ctx, i, d, B * basin_layer_outputs(l));
        /* the input's gradient where a layer below has parameters, the hook watches, or a stage before
         * this range receives it (then every layer of the range passes its gradient down) */
        bool wanted = i > 0 && (basin_model_needs_input_grad(m, i) || hook || first > 0);
        double *din = wanted ? m->grad[which] : NULL;
        if (!l->ops->backward(m, l, w, d, din, g, B) && din) {
            d = din;
            which ^= 1;
        }
        if (!wanted) /* the layers below have no parameters, and nobody watches them */
            break;
    }
    return first == 0 ? NULL : d;
}
