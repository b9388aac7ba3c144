/* hvp.c: exact Hessian-vector products by Pearlmutter's R-operator. After an ordinary forward pass, a
 * forward pass of tangents R{y} = J_x·R{x} + J_θ·v goes through every layer; the backward pass then
 * carries each layer's gradient dy together with its tangent R{dy}, so that the tangent of the
 * parameter gradient, H·v, accumulates beside the gradient itself. Each layer kind's rules are written
 * beside its kernels (its table's forward_r and backward_r); they are the derivatives of the forward and
 * backward formulas of layers.h. Here are the walks over the layers. */
#include "model.h"
#include "layer_kind.h"

#include "../error.h"

#include <stdlib.h>
#include <string.h>

static int reserve_r(basin_model *m)
{
    size_t B = m->capacity;
    if (m->r_capacity >= B)
        return 0;
    size_t widest = m->in_features, all = 0;
    bool ok = true;
    for (size_t i = 0; i < m->n_layers && ok; i++) {
        basin_layer *l = &m->layers[i];
        all += basin_layer_outputs(l);
        free(l->rout), free(l->rxhat), free(l->rcols);
        l->rout = l->rxhat = l->rcols = NULL;
        l->r_pass = 0;
        widest = basin_layer_outputs(l) > widest ? basin_layer_outputs(l) : widest;
        ok = (l->rout = basin_workspace(B * basin_layer_outputs(l))) != NULL;
        if (ok && l->ops->reserve_r)
            ok = l->ops->reserve_r(l, B);
    }
    free(m->rgrad[0]), free(m->rgrad[1]), free(m->dkept);
    ok = ok && (m->rgrad[0] = basin_workspace(B * widest)) && (m->rgrad[1] = basin_workspace(B * widest)) &&
         (m->dkept = basin_workspace(B * all));
    if (!ok) {
        basin_error_set("out of memory for Hessian-vector products on %zu examples", B);
        return -1;
    }
    m->r_capacity = B;
    return 0;
}

/* Whether a layer's parameters are untouched by v (a layer's block of a unit vector, say): the terms it
 * feeds are skipped, which makes a dense Hessian's columns cheap. */
static bool still(const basin_layer *l, const double *v)
{
    return basin_zero_block(v + l->weight, l->n_weight) && basin_zero_block(v + l->bias, l->n_bias);
}

const double *basin_model_forward_r(basin_model *m, const double *w, const double *v)
{
    if (reserve_r(m) != 0)
        return NULL;
    size_t B = m->batch;
    const double *cur = NULL; /* the input's tangent: none */
    for (size_t i = 0; i < m->n_layers; i++) {
        basin_layer *l = &m->layers[i];
        l->rin = cur;
        bool has_params = l->n_weight + l->n_bias > 0;
        if (has_params && !cur && still(l, v)) { /* a zero tangent stays zero: skip the layer */
            l->ry = NULL;
            if (l->ops->clear_r)
                l->ops->clear_r(l, B);
            continue;
        }
        cur = l->ry = l->ops->forward_r(m, l, w, v, cur, B);
    }
    if (!cur) { /* a model whose parameters never meet the output: the tangent is zero */
        basin_layer *last = &m->layers[m->n_layers - 1];
        memset(last->rout, 0, B * basin_layer_outputs(last) * sizeof *last->rout);
        cur = last->rout;
    }
    return cur;
}

void basin_model_hvp_backward(basin_model *m, const double *w, const double *v, const double *dout,
                              const double *rdout, double *hv, bool reuse)
{
    size_t B = m->batch;
    const double *d = dout, *rd = rdout;
    double *kept = m->dkept;
    for (size_t l = 0; l < m->n_layers; l++)
        kept += B * basin_layer_outputs(&m->layers[l]); /* the block's end: layer i's gradient is below it */
    for (size_t i = m->n_layers; i-- > 0;) {
        basin_layer *l = &m->layers[i];
        kept -= B * basin_layer_outputs(l);
        if (reuse)
            d = kept; /* the plain gradient on its output, as the first product computed it */
        else
            memcpy(kept, d, B * basin_layer_outputs(l) * sizeof *d);
        bool below = basin_model_needs_input_grad(m, i);
        double *dx = !below || reuse ? NULL : d == m->grad[0] ? m->grad[1] : m->grad[0];
        double *rdx = !below ? NULL : rd == m->rgrad[0] ? m->rgrad[1] : m->rgrad[0];
        if (!l->ops->backward_r(m, l, w, v, B, d, rd, dx, rdx, NULL, hv) && rdx)
            d = dx ? dx : d, rd = rdx;
        if (!below) /* the layers below have no parameters */
            break;
    }
}

void basin_model_backward_r(basin_model *m, const double *w, const double *v, const double *dout,
                            const double *rdout, double *g, double *hv)
{
    size_t B = m->batch;
    const double *d = dout, *rd = rdout;
    for (size_t i = m->n_layers; i-- > 0;) {
        basin_layer *l = &m->layers[i];
        /* ping-pong: write into whichever buffer the incoming gradients are not in */
        bool below = basin_model_needs_input_grad(m, i);
        double *dx = !below ? NULL : d == m->grad[0] ? m->grad[1] : m->grad[0];
        double *rdx = !below ? NULL : rd == m->rgrad[0] ? m->rgrad[1] : m->rgrad[0];
        if (!l->ops->backward_r(m, l, w, v, B, d, rd, dx, rdx, g, hv) && rdx)
            d = dx, rd = rdx;
        if (!below) /* the layers below have no parameters */
            break;
    }
}
