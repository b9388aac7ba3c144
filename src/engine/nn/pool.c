/* pool.c: max and average pooling over k×k windows moved by stride, without padding. */
#include "layers.h"
#include "layer_kind.h"

#include "../vector_clones.h"

#include <stdint.h>
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

/* The common 2×2 window moved by 2, LANES outputs at a time in vectors (comparisons give masks, so the
 * maxima of noise meet no branch to mispredict); its four candidates in the order of the general loop. */
#define LANES 4
typedef double vd __attribute__((vector_size(8 * LANES)));
typedef int64_t vi __attribute__((vector_size(8 * LANES)));

static inline __attribute__((always_inline)) vd load(const double *p)
{
    vd v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* One row of outputs: candidates a, b (top row, even and odd columns) and c, d (bottom row). */
static inline __attribute__((always_inline)) void lead_of_four(vd a, vd b, vd c, vd d, vi at, vi W, vd *lead, vi *where)
{
    vd v[3] = {b, c, d};
    vi offset[3] = {(vi){0} + 1, W, W + 1};
    *lead = a, *where = at;
    for (int j = 0; j < 3; j++) {
        vi take = (v[j] > *lead) | ((v[j] != v[j]) & (*lead == *lead));
        *lead = (vd)(((vi)v[j] & take) | ((vi)*lead & ~take));
        *where = ((at + offset[j]) & take) | (*where & ~take);
    }
}

BASIN_AVX2_CLONES
static void maxpool2x2_forward(double *out, size_t *argmax, const double *inp, size_t planes, size_t H, size_t W)
{
    size_t Ho = H / 2, Wo = W / 2;
    const vi twice = {0, 2, 4, 6}, evens = {0, 2, 4, 6}, odds = {1, 3, 5, 7};
    vi width = (vi){0} + (int64_t)W;
    for (size_t bc = 0; bc < planes; bc++)
        for (size_t oy = 0; oy < Ho; oy++) {
            const double *top = inp + (bc * H + 2 * oy) * W, *bottom = top + W;
            double *o = out + (bc * Ho + oy) * Wo;
            size_t *am = argmax + (bc * Ho + oy) * Wo, first = (bc * H + 2 * oy) * W, ox = 0;
            for (; ox + LANES <= Wo; ox += LANES) {
                vd t0 = load(top + 2 * ox), t1 = load(top + 2 * ox + LANES);
                vd b0 = load(bottom + 2 * ox), b1 = load(bottom + 2 * ox + LANES);
                vd lead;
                vi where;
                lead_of_four(__builtin_shuffle(t0, t1, evens), __builtin_shuffle(t0, t1, odds),
                             __builtin_shuffle(b0, b1, evens), __builtin_shuffle(b0, b1, odds),
                             twice + (int64_t)(first + 2 * ox), width, &lead, &where);
                memcpy(o + ox, &lead, sizeof lead);
                memcpy(am + ox, &where, sizeof where);
            }
            for (; ox < Wo; ox++) { /* the rest one at a time, in the first lane */
                vd lead;
                vi where;
                lead_of_four((vd){top[2 * ox]}, (vd){top[2 * ox + 1]}, (vd){bottom[2 * ox]}, (vd){bottom[2 * ox + 1]},
                             (vi){(int64_t)(first + 2 * ox)}, width, &lead, &where);
                o[ox] = lead[0];
                am[ox] = (size_t)where[0];
            }
        }
}

void maxpool2d_forward(double *out, size_t *argmax, const double *inp, size_t B, size_t C, size_t H,
                       size_t W, size_t k, size_t stride)
{
    if (k == 2 && stride == 2) {
        maxpool2x2_forward(out, argmax, inp, B * C, H, W);
        return;
    }
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
