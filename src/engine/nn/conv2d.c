/* conv2d.c: 2-D convolution (cross-correlation, as PyTorch) by im2col and one dgemm over the whole
 * batch: the unfolded input cols (C·k·k, B·P) with P = Ho·Wo is multiplied by the weight (O, C·k·k). */
#include "layers.h"
#include "layer_kind.h"

#include "../linalg.h"

#include <gsl/gsl_cblas.h>
#include <string.h>

void conv2d_im2col(double *cols, const double *inp, const conv_shape *s)
{
    size_t P = s->Ho * s->Wo, BP = s->B * P;
    for (size_t c = 0; c < s->C; c++)
        for (size_t ky = 0; ky < s->k; ky++)
            for (size_t kx = 0; kx < s->k; kx++) {
                double *row = cols + ((c * s->k + ky) * s->k + kx) * BP;
                for (size_t b = 0; b < s->B; b++) {
                    const double *plane = inp + (b * s->C + c) * s->H * s->W;
                    for (size_t oy = 0; oy < s->Ho; oy++) {
                        long y = (long)(oy * s->stride + ky) - (long)s->pad;
                        double *dst = row + b * P + oy * s->Wo;
                        for (size_t ox = 0; ox < s->Wo; ox++) {
                            long x = (long)(ox * s->stride + kx) - (long)s->pad;
                            dst[ox] = (y >= 0 && y < (long)s->H && x >= 0 && x < (long)s->W)
                                          ? plane[(size_t)y * s->W + (size_t)x]
                                          : 0.0;
                        }
                    }
                }
            }
}

void conv2d_col2im(double *dinp, const double *dcols, const conv_shape *s)
{
    size_t P = s->Ho * s->Wo, BP = s->B * P;
    memset(dinp, 0, s->B * s->C * s->H * s->W * sizeof *dinp);
    for (size_t c = 0; c < s->C; c++)
        for (size_t ky = 0; ky < s->k; ky++)
            for (size_t kx = 0; kx < s->k; kx++) {
                const double *row = dcols + ((c * s->k + ky) * s->k + kx) * BP;
                for (size_t b = 0; b < s->B; b++) {
                    double *plane = dinp + (b * s->C + c) * s->H * s->W;
                    for (size_t oy = 0; oy < s->Ho; oy++) {
                        long y = (long)(oy * s->stride + ky) - (long)s->pad;
                        if (y < 0 || y >= (long)s->H)
                            continue;
                        const double *src = row + b * P + oy * s->Wo;
                        for (size_t ox = 0; ox < s->Wo; ox++) {
                            long x = (long)(ox * s->stride + kx) - (long)s->pad;
                            if (x >= 0 && x < (long)s->W)
                                plane[(size_t)y * s->W + (size_t)x] += src[ox];
                        }
                    }
                }
            }
}

void conv2d_forward(double *out, double *cols, double *tmp, const double *inp, const double *weight,
                    const double *bias, const conv_shape *s)
{
    size_t P = s->Ho * s->Wo, BP = s->B * P, K = s->C * s->k * s->k;
    conv2d_im2col(cols, inp, s);
    /* tmp (O, B·P) = W (O,K) · cols (K, B·P) */
    basin_dgemm(CblasNoTrans, CblasNoTrans, (int)s->O, (int)BP, (int)K, 1.0, weight, (int)K,
                cols, (int)BP, 0.0, tmp, (int)BP);
    for (size_t b = 0; b < s->B; b++)
        for (size_t o = 0; o < s->O; o++) {
            const double *src = tmp + o * BP + b * P;
            double *dst = out + (b * s->O + o) * P;
            for (size_t p = 0; p < P; p++)
                dst[p] = src[p] + bias[o];
        }
}

void conv2d_backward(double *dinp, double *dweight, double *dbias, double *dcols, double *tmp,
                     const double *dout, const double *cols, const double *weight, const conv_shape *s)
{
    size_t P = s->Ho * s->Wo, BP = s->B * P, K = s->C * s->k * s->k;
    for (size_t b = 0; b < s->B; b++)
        for (size_t o = 0; o < s->O; o++) {
            const double *src = dout + (b * s->O + o) * P;
            double *dst = tmp + o * BP + b * P;
            double sum = 0;
            for (size_t p = 0; p < P; p++) {
                dst[p] = src[p];
                sum += src[p];
            }
            dbias[o] += sum;
        }
    /* dW (O,K) += tmp (O,B·P) · colsᵀ (B·P,K) */
    basin_dgemm(CblasNoTrans, CblasTrans, (int)s->O, (int)K, (int)BP, 1.0, tmp, (int)BP, cols,
                (int)BP, 1.0, dweight, (int)K);
    if (!dinp)
        return;
    /* dcols (K, B·P) = Wᵀ (K,O) · tmp (O, B·P) */
    basin_dgemm(CblasTrans, CblasNoTrans, (int)K, (int)BP, (int)s->O, 1.0, weight, (int)K, tmp,
                (int)BP, 0.0, dcols, (int)BP);
    conv2d_col2im(dinp, dcols, s);
}

/* ---- the Conv2d kind ---- */

static const char *conv_name(const basin_layer *l)
{
    (void)l;
    return "Conv2d";
}

static int conv_shape_of(basin_layer *l, size_t index)
{
    if (l->d.stride == 0)
        l->d.stride = 1;
    if (basin_shape_window(l, index) != 0)
        return -1;
    l->out_c = l->d.out;
    return 0;
}

/* weight (out, in, k, k) then bias (out), as nn.Conv2d's parameters() */
static void conv_lay_out(basin_model *m, basin_layer *l, size_t index)
{
    size_t k = l->d.kernel, shape[4] = {l->out_c, l->in_c, k, k};
    l->n_weight = l->out_c * l->in_c * k * k, l->n_bias = l->out_c;
    l->weight = m->n_params, l->bias = l->weight + l->n_weight;
    m->n_params += l->n_weight + l->n_bias;
    basin_add_tensor(m, index, "weight", false, l->weight, 4, shape);
    basin_add_tensor(m, index, "bias", false, l->bias, 1, &l->out_c);
}

static bool conv_reserve(basin_layer *l, size_t B, size_t *cols)
{
    size_t k = l->in_c * l->d.kernel * l->d.kernel, bp = B * l->out_h * l->out_w;
    *cols = k * bp > *cols ? k * bp : *cols;
    return (l->out = basin_workspace(B * basin_layer_outputs(l))) && (l->cols = basin_workspace(k * bp)) &&
           (l->tmp = basin_workspace(l->out_c * bp));
}

static const double *conv_fwd(basin_model *m, basin_layer *l, size_t index, const double *w, const double *x,
                              size_t B, const basin_forward_opts *o)
{
    (void)m, (void)index, (void)o;
    conv_shape s = basin_layer_conv_shape(l, B);
    conv2d_forward(l->out, l->cols, l->tmp, x, w + l->weight, w + l->bias, &s);
    return l->out;
}

static bool conv_bwd(const basin_model *m, basin_layer *l, const double *w, const double *dy, double *dx, double *g,
                     size_t B)
{
    conv_shape s = basin_layer_conv_shape(l, B);
    conv2d_backward(dx, g + l->weight, g + l->bias, m->dcols, l->tmp, dy, l->cols, w + l->weight, &s);
    return false;
}

/* R{cols} (C·k·k, B·P), then R{dy} regrouped (O, B·P) */
static bool conv_reserve_r(basin_layer *l, size_t B)
{
    return (l->rcols = basin_workspace((l->in_c * l->d.kernel * l->d.kernel + l->out_c) * B * l->out_h * l->out_w)) != NULL;
}

/* its backward reads R{cols} */
static void conv_clear_r(basin_layer *l, size_t B)
{
    memset(l->rcols, 0, l->in_c * l->d.kernel * l->d.kernel * B * l->out_h * l->out_w * sizeof *l->rcols);
}

/* R{y} = W ∗ R{x} + V ∗ x + v_b, through the unfolded inputs (tmp is the forward's scratch) */
static const double *conv_fwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v,
                                const double *rin, size_t B)
{
    (void)m;
    conv_shape s = basin_layer_conv_shape(l, B);
    size_t P = s.Ho * s.Wo, BP = B * P, K = s.C * s.k * s.k;
    if (rin)
        conv2d_im2col(l->rcols, rin, &s);
    else
        memset(l->rcols, 0, K * BP * sizeof *l->rcols);
    basin_dgemm(CblasNoTrans, CblasNoTrans, (int)s.O, (int)BP, (int)K, 1.0, w + l->weight, (int)K,
                l->rcols, (int)BP, 0.0, l->tmp, (int)BP);
    basin_dgemm(CblasNoTrans, CblasNoTrans, (int)s.O, (int)BP, (int)K, 1.0, v + l->weight, (int)K,
                l->cols, (int)BP, 1.0, l->tmp, (int)BP);
    for (size_t b = 0; b < B; b++)
        for (size_t o = 0; o < s.O; o++)
            for (size_t p = 0; p < P; p++)
                l->rout[(b * s.O + o) * P + p] = l->tmp[o * BP + b * P + p] + v[l->bias + o];
    return l->rout;
}

static bool conv_bwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v, size_t B,
                       const double *dy, const double *rdy, double *dx, double *rdx, double *g, double *hv)
{
    conv_shape s = basin_layer_conv_shape(l, B);
    size_t P = s.Ho * s.Wo, BP = B * P, K = s.C * s.k * s.k;
    /* dy and R{dy} regrouped as (O, B·P); the forward's tmp and the room after R{cols} hold them */
    double *dtmp = l->tmp, *rdtmp = l->rcols + K * BP;
    for (size_t b = 0; b < B; b++)
        for (size_t o = 0; o < s.O; o++)
            for (size_t p = 0; p < P; p++) {
                double d = dy[(b * s.O + o) * P + p], rdv = rdy[(b * s.O + o) * P + p];
                dtmp[o * BP + b * P + p] = d;
                rdtmp[o * BP + b * P + p] = rdv;
                if (g)
                    g[l->bias + o] += d;
                hv[l->bias + o] += rdv;
            }
    /* R{dW} = R{dy}·colsᵀ + dy·R{cols}ᵀ */
    if (g)
        basin_dgemm(CblasNoTrans, CblasTrans, (int)s.O, (int)K, (int)BP, 1.0, dtmp, (int)BP, l->cols,
                    (int)BP, 1.0, g + l->weight, (int)K);
    basin_dgemm(CblasNoTrans, CblasTrans, (int)s.O, (int)K, (int)BP, 1.0, rdtmp, (int)BP, l->cols,
                (int)BP, 1.0, hv + l->weight, (int)K);
    basin_dgemm(CblasNoTrans, CblasTrans, (int)s.O, (int)K, (int)BP, 1.0, dtmp, (int)BP, l->rcols,
                (int)BP, 1.0, hv + l->weight, (int)K);
    if (rdx) { /* dx NULL: the plain gradient is known (basin_model_hvp_backward) */
        /* dx = fold(Wᵀ·dy);  R{dx} = fold(Wᵀ·R{dy} + Vᵀ·dy), unfolded into dcols first */
        if (dx) {
            basin_dgemm(CblasTrans, CblasNoTrans, (int)K, (int)BP, (int)s.O, 1.0, w + l->weight, (int)K,
                        dtmp, (int)BP, 0.0, m->dcols, (int)BP);
            conv2d_col2im(dx, m->dcols, &s);
        }
        basin_dgemm(CblasTrans, CblasNoTrans, (int)K, (int)BP, (int)s.O, 1.0, w + l->weight, (int)K,
                    rdtmp, (int)BP, 0.0, m->dcols, (int)BP);
        basin_dgemm(CblasTrans, CblasNoTrans, (int)K, (int)BP, (int)s.O, 1.0, v + l->weight, (int)K,
                    dtmp, (int)BP, 1.0, m->dcols, (int)BP);
        conv2d_col2im(rdx, m->dcols, &s);
    }
    return false;
}

const basin_layer_ops basin_conv2d_ops = {
    .role = BASIN_LAYER_ROLE_WEIGHTED, .torch_name = conv_name, .shape = conv_shape_of, .lay_out = conv_lay_out,
    .reserve = conv_reserve, .forward = conv_fwd, .backward = conv_bwd, .reserve_r = conv_reserve_r,
    .clear_r = conv_clear_r, .forward_r = conv_fwd_r, .backward_r = conv_bwd_r};
