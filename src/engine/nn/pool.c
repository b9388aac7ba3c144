/* pool.c: max and average pooling over k×k windows moved by stride, without padding. */
#include "layers.h"
#include "layer_kind.h"

#include <stdlib.h>
#include <string.h>

static size_t pooled(size_t n, size_t k, size_t stride)
{
    return (n - k) / stride + 1;
}

/* Whether v takes the window's lead from lead: a larger value, or a NaN over a number (PyTorch: a NaN
 * wins and stays). Comparisons joined without branches, so that the choice compiles to selects. */
static inline int takes_lead(double v, double lead)
{
    return (v > lead) | ((v != v) & (lead == lead));
}

void maxpool2d_forward(double *out, size_t *argmax, const double *inp, size_t B, size_t C, size_t H,
                       size_t W, size_t k, size_t stride)
{
    size_t Ho = pooled(H, k, stride), Wo = pooled(W, k, stride);
    for (size_t bc = 0; bc < B * C; bc++) {
        const double *plane = inp + bc * H * W;
        for (size_t oy = 0; oy < Ho; oy++)
            for (size_t ox = 0; ox < Wo; ox++) {
                size_t best = (oy * stride) * W + ox * stride;
                double lead = plane[best];
                for (size_t ky = 0; ky < k; ky++)
                    for (size_t kx = 0; kx < k; kx++) {
                        size_t at = (oy * stride + ky) * W + ox * stride + kx;
                        double v = plane[at];
                        int take = takes_lead(v, lead);
                        best = take ? at : best;
                        lead = take ? v : lead;
                    }
                size_t o = (bc * Ho + oy) * Wo + ox;
                out[o] = lead;
                argmax[o] = bc * H * W + best;
            }
    }
}

void maxpool2d_backward(double *dinp, const double *dout, const size_t *argmax, size_t B, size_t C,
                        size_t H, size_t W, size_t k, size_t stride)
{
    size_t n_out = B * C * pooled(H, k, stride) * pooled(W, k, stride);
    memset(dinp, 0, B * C * H * W * sizeof *dinp);
    for (size_t o = 0; o < n_out; o++)
        dinp[argmax[o]] += dout[o];
}

void avgpool2d_forward(double *out, const double *inp, size_t B, size_t C, size_t H, size_t W, size_t k,
                       size_t stride)
{
    size_t Ho = pooled(H, k, stride), Wo = pooled(W, k, stride);
    double scale = 1.0 / (double)(k * k);
    for (size_t bc = 0; bc < B * C; bc++) {
        const double *plane = inp + bc * H * W;
        for (size_t oy = 0; oy < Ho; oy++)
            for (size_t ox = 0; ox < Wo; ox++) {
                double sum = 0;
                for (size_t ky = 0; ky < k; ky++)
                    for (size_t kx = 0; kx < k; kx++)
                        sum += plane[(oy * stride + ky) * W + ox * stride + kx];
                out[(bc * Ho + oy) * Wo + ox] = sum * scale;
            }
    }
}

void avgpool2d_backward(double *dinp, const double *dout, size_t B, size_t C, size_t H, size_t W, size_t k,
                        size_t stride)
{
    size_t Ho = pooled(H, k, stride), Wo = pooled(W, k, stride);
    double scale = 1.0 / (double)(k * k);
    memset(dinp, 0, B * C * H * W * sizeof *dinp);
    for (size_t bc = 0; bc < B * C; bc++) {
        double *plane = dinp + bc * H * W;
        for (size_t oy = 0; oy < Ho; oy++)
            for (size_t ox = 0; ox < Wo; ox++) {
                double g = dout[(bc * Ho + oy) * Wo + ox] * scale;
                for (size_t ky = 0; ky < k; ky++)
                    for (size_t kx = 0; kx < k; kx++)
                        plane[(oy * stride + ky) * W + ox * stride + kx] += g;
            }
    }
}

/* ---- the MaxPool2d and AvgPool2d kinds ---- */

static const char *maxpool_name(const basin_layer *l)
{
    (void)l;
    return "MaxPool2d";
}

static const char *avgpool_name(const basin_layer *l)
{
    (void)l;
    return "AvgPool2d";
}

static int pool_shape(basin_layer *l, size_t index)
{
    if (l->d.stride == 0)
        l->d.stride = l->d.kernel;
    return basin_shape_window(l, index);
}

static bool maxpool_reserve(basin_layer *l, size_t B, size_t *cols)
{
    (void)cols;
    size_t n = B * basin_layer_outputs(l);
    return (l->out = basin_workspace(n)) && (l->argmax = calloc(n ? n : 1, sizeof *l->argmax));
}

static const double *maxpool_fwd(basin_model *m, basin_layer *l, size_t index, const double *w, const double *x,
                                 size_t B, const basin_forward_opts *o)
{
    (void)m, (void)index, (void)w, (void)o;
    maxpool2d_forward(l->out, l->argmax, x, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
    return l->out;
}

static const double *avgpool_fwd(basin_model *m, basin_layer *l, size_t index, const double *w, const double *x,
                                 size_t B, const basin_forward_opts *o)
{
    (void)m, (void)index, (void)w, (void)o;
    avgpool2d_forward(l->out, x, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
    return l->out;
}

static bool maxpool_bwd(const basin_model *m, basin_layer *l, const double *w, const double *dy, double *dx,
                        double *g, size_t B)
{
    (void)m, (void)w, (void)g;
    if (dx)
        maxpool2d_backward(dx, dy, l->argmax, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
    return false;
}

static bool avgpool_bwd(const basin_model *m, basin_layer *l, const double *w, const double *dy, double *dx,
                        double *g, size_t B)
{
    (void)m, (void)w, (void)g;
    if (dx)
        avgpool2d_backward(dx, dy, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
    return false;
}

/* Pools are linear in their input once the maxima are chosen: the tangent goes through the same way. */
static const double *maxpool_fwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v,
                                   const double *rin, size_t B)
{
    (void)m, (void)w, (void)v;
    for (size_t o = 0; o < B * basin_layer_outputs(l); o++)
        l->rout[o] = rin ? rin[l->argmax[o]] : 0;
    return l->rout;
}

static const double *avgpool_fwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v,
                                   const double *rin, size_t B)
{
    (void)m, (void)w, (void)v;
    if (!rin)
        return NULL;
    avgpool2d_forward(l->rout, rin, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
    return l->rout;
}

static bool maxpool_bwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v, size_t B,
                          const double *dy, const double *rdy, double *dx, double *rdx, double *g, double *hv)
{
    (void)v, (void)hv;
    maxpool_bwd(m, l, w, dy, dx, g, B);
    maxpool_bwd(m, l, w, rdy, rdx, g, B);
    return false;
}

static bool avgpool_bwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v, size_t B,
                          const double *dy, const double *rdy, double *dx, double *rdx, double *g, double *hv)
{
    (void)v, (void)hv;
    avgpool_bwd(m, l, w, dy, dx, g, B);
    avgpool_bwd(m, l, w, rdy, rdx, g, B);
    return false;
}

const basin_layer_ops basin_maxpool2d_ops = {
    .role = BASIN_LAYER_ROLE_NONE, .torch_name = maxpool_name, .shape = pool_shape, .reserve = maxpool_reserve,
    .forward = maxpool_fwd, .backward = maxpool_bwd, .forward_r = maxpool_fwd_r, .backward_r = maxpool_bwd_r};

const basin_layer_ops basin_avgpool2d_ops = {
    .role = BASIN_LAYER_ROLE_NONE, .torch_name = avgpool_name, .shape = pool_shape, .reserve = basin_reserve_out,
    .forward = avgpool_fwd, .backward = avgpool_bwd, .forward_r = avgpool_fwd_r, .backward_r = avgpool_bwd_r};
