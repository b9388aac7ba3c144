/* linear.c: the fully connected layer, out = inp·Wᵀ + b, through OpenBLAS dgemm. */
#include "layers.h"
#include "layer_kind.h"

#include "../error.h"
#include "../linalg.h"

#include <gsl/gsl_cblas.h>
#include <string.h>

void linear_forward(double *out, const double *inp, const double *weight, const double *bias, size_t B,
                    size_t I, size_t O)
{
    for (size_t b = 0; b < B; b++)
        memcpy(out + b * O, bias, O * sizeof *out);
    basin_dgemm(CblasNoTrans, CblasTrans, (int)B, (int)O, (int)I, 1.0, inp, (int)I, weight,
                (int)I, 1.0, out, (int)O);
}

void linear_backward(double *dinp, double *dweight, double *dbias, const double *dout, const double *inp,
                     const double *weight, size_t B, size_t I, size_t O)
{
    /* dW (O,I) += doutᵀ (O,B) · inp (B,I) */
    basin_dgemm(CblasTrans, CblasNoTrans, (int)O, (int)I, (int)B, 1.0, dout, (int)O, inp,
                (int)I, 1.0, dweight, (int)I);
    for (size_t b = 0; b < B; b++) {
        const double *row = dout + b * O;
        for (size_t o = 0; o < O; o++)
            dbias[o] += row[o];
    }
    /* dinp (B,I) = dout (B,O) · W (O,I) */
    if (dinp)
        basin_dgemm(CblasNoTrans, CblasNoTrans, (int)B, (int)I, (int)O, 1.0, dout, (int)O,
                    weight, (int)I, 0.0, dinp, (int)I);
}

/* ---- the Linear kind ---- */

static const char *linear_name(const basin_layer *l)
{
    (void)l;
    return "Linear";
}

static int linear_shape(basin_layer *l, size_t index)
{
    if (l->in_h != 1 || l->in_w != 1) {
        basin_error_set("layer %zu (Linear) needs flat features but gets %zu×%zu×%zu; flatten first", index,
                        l->in_c, l->in_h, l->in_w);
        return -1;
    }
    l->out_c = l->d.out;
    return 0;
}

/* weight (out, in) then bias (out), as nn.Linear's parameters() */
static void linear_lay_out(basin_model *m, basin_layer *l, size_t index)
{
    size_t shape[2] = {l->out_c, l->in_c};
    l->n_weight = l->out_c * l->in_c, l->n_bias = l->out_c;
    l->weight = m->n_params, l->bias = l->weight + l->n_weight;
    m->n_params += l->n_weight + l->n_bias;
    basin_add_tensor(m, index, "weight", false, l->weight, 2, shape);
    basin_add_tensor(m, index, "bias", false, l->bias, 1, &l->out_c);
}

static const double *linear_fwd(basin_model *m, basin_layer *l, size_t index, const double *w, const double *x,
                                size_t B, const basin_forward_opts *o)
{
    (void)m, (void)index, (void)o;
    linear_forward(l->out, x, w + l->weight, w + l->bias, B, l->in_c, l->out_c);
    return l->out;
}

static bool linear_bwd(const basin_model *m, basin_layer *l, const double *w, const double *dy, double *dx, double *g,
                       size_t B)
{
    (void)m;
    linear_backward(dx, g + l->weight, g + l->bias, dy, l->in, w + l->weight, B, l->in_c, l->out_c);
    return false;
}

/* R{y} = R{x}·Wᵀ + x·Vᵀ + v_b */
static const double *linear_fwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v,
                                  const double *rin, size_t B)
{
    (void)m;
    size_t I = l->in_c, O = l->out_c;
    const double *vb = v + l->bias;
    for (size_t b = 0; b < B; b++)
        memcpy(l->rout + b * O, vb, O * sizeof *vb);
    if (rin)
        basin_dgemm(CblasNoTrans, CblasTrans, (int)B, (int)O, (int)I, 1.0, rin, (int)I,
                    w + l->weight, (int)I, 1.0, l->rout, (int)O);
    if (!basin_zero_block(v + l->weight, l->n_weight))
        basin_dgemm(CblasNoTrans, CblasTrans, (int)B, (int)O, (int)I, 1.0, l->in, (int)I,
                    v + l->weight, (int)I, 1.0, l->rout, (int)O);
    return l->rout;
}

/* R{dW} = R{dy}ᵀ·x + dyᵀ·R{x};  R{db} = Σ R{dy};  R{dx} = R{dy}·W + dy·V */
static bool linear_bwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v, size_t B,
                         const double *dy, const double *rdy, double *dx, double *rdx, double *g, double *hv)
{
    (void)m;
    int I = (int)l->in_c, O = (int)l->out_c, b = (int)B;
    if (g)
        linear_backward(NULL, g + l->weight, g + l->bias, dy, l->in, w + l->weight, B, l->in_c, l->out_c);
    linear_backward(NULL, hv + l->weight, hv + l->bias, rdy, l->in, w + l->weight, B, l->in_c, l->out_c);
    if (l->rin)
        basin_dgemm(CblasTrans, CblasNoTrans, O, I, b, 1.0, dy, O, l->rin, I, 1.0, hv + l->weight, I);
    if (rdx) { /* dx NULL: the plain gradient is known (basin_model_hvp_backward) */
        if (dx)
            basin_dgemm(CblasNoTrans, CblasNoTrans, b, I, O, 1.0, dy, O, w + l->weight, I, 0.0, dx, I);
        basin_dgemm(CblasNoTrans, CblasNoTrans, b, I, O, 1.0, rdy, O, w + l->weight, I, 0.0, rdx, I);
        if (!basin_zero_block(v + l->weight, l->n_weight))
            basin_dgemm(CblasNoTrans, CblasNoTrans, b, I, O, 1.0, dy, O, v + l->weight, I, 1.0, rdx, I);
    }
    return false;
}

const basin_layer_ops basin_linear_ops = {
    .role = BASIN_LAYER_ROLE_WEIGHTED, .torch_name = linear_name, .shape = linear_shape, .lay_out = linear_lay_out,
    .reserve = basin_reserve_out, .forward = linear_fwd, .backward = linear_bwd, .forward_r = linear_fwd_r,
    .backward_r = linear_bwd_r};
