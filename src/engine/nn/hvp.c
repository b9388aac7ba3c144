/* hvp.c: exact Hessian-vector products by Pearlmutter's R-operator. After an ordinary forward pass, a
 * forward pass of tangents R{y} = J_x·R{x} + J_θ·v goes through every layer; the backward pass then
 * carries each layer's gradient dy together with its tangent R{dy}, so that the tangent of the
 * parameter gradient, H·v, accumulates beside the gradient itself. Each layer's rules are written next
 * to its code below; they are the derivatives of the forward and backward formulas of layers.h. */
#include "model.h"

#include "../error.h"

#include <gsl/gsl_cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double *zeroed(size_t n)
{
    return calloc(n ? n : 1, sizeof(double));
}

static int reserve_r(basin_model *m)
{
    size_t B = m->capacity;
    if (m->r_capacity >= B)
        return 0;
    size_t widest = m->in_features;
    bool ok = true;
    for (size_t i = 0; i < m->n_layers && ok; i++) {
        basin_layer *l = &m->layers[i];
        free(l->rout), free(l->rxhat), free(l->rcols);
        l->rout = l->rxhat = l->rcols = NULL;
        widest = basin_layer_outputs(l) > widest ? basin_layer_outputs(l) : widest;
        ok = (l->rout = zeroed(B * basin_layer_outputs(l))) != NULL;
        if (ok && (l->d.kind == BASIN_LAYER_BATCHNORM || l->d.kind == BASIN_LAYER_LAYERNORM))
            ok = (l->rxhat = zeroed(B * basin_layer_inputs(l))) != NULL;
        if (ok && l->d.kind == BASIN_LAYER_ACTIVATION) /* σ' then σ'' of each input, for the backward */
            ok = (l->rxhat = zeroed(2 * B * basin_layer_inputs(l))) != NULL;
        if (ok && l->d.kind == BASIN_LAYER_CONV2D) /* R{cols} (C·k·k, B·P), then R{dy} regrouped (O, B·P) */
            ok = (l->rcols = zeroed((l->in_c * l->d.kernel * l->d.kernel + l->out_c) * B * l->out_h * l->out_w)) != NULL;
    }
    free(m->rgrad[0]), free(m->rgrad[1]);
    ok = ok && (m->rgrad[0] = zeroed(B * widest)) && (m->rgrad[1] = zeroed(B * widest));
    if (!ok) {
        basin_error_set("out of memory for Hessian-vector products on %zu examples", B);
        return -1;
    }
    m->r_capacity = B;
    return 0;
}

/* σ'(x) into s1 and σ''(x) into s2 for n inputs x with outputs y, each activation in a loop of its own
 * so that the loops vectorize. σ'' is zero for the piecewise-linear ones (their kinks have measure
 * zero); at a kink σ' is PyTorch's (relu'(0) = 0, leaky_relu'(0) = slope). */
static void derivatives(basin_activation act, const double *x, const double *y, size_t n, double leak, double *s1,
                        double *s2)
{
    switch (act) {
    case BASIN_ACT_IDENTITY:
        for (size_t i = 0; i < n; i++)
            s1[i] = 1, s2[i] = 0;
        break;
    case BASIN_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            s1[i] = x[i] > 0 ? 1.0 : 0.0, s2[i] = 0;
        break;
    case BASIN_ACT_LEAKY_RELU:
        for (size_t i = 0; i < n; i++)
            s1[i] = x[i] > 0 ? 1.0 : leak, s2[i] = 0;
        break;
    case BASIN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            s1[i] = 1 - y[i] * y[i], s2[i] = -2 * y[i] * (1 - y[i] * y[i]);
        break;
    case BASIN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            s1[i] = y[i] * (1 - y[i]), s2[i] = y[i] * (1 - y[i]) * (1 - 2 * y[i]);
        break;
    case BASIN_ACT_GELU:
        for (size_t i = 0; i < n; i++) {
            double pdf = exp(-0.5 * x[i] * x[i]) * (0.5 * M_2_SQRTPI * M_SQRT1_2);
            s1[i] = 0.5 * (1 + erf(x[i] * M_SQRT1_2)) + x[i] * pdf;
            s2[i] = pdf * (2 - x[i] * x[i]);
        }
        break;
    }
}

/* Whether the direction has nothing in n values (a layer's block of a unit vector, say): the terms it
 * feeds are skipped, which makes a dense Hessian's columns cheap. */
static bool zero_block(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] != 0)
            return false;
    return true;
}

/* Whether a layer's parameters are untouched by v. */
static bool still(const basin_layer *l, const double *v)
{
    return zero_block(v + l->weight, l->n_weight) && zero_block(v + l->bias, l->n_bias);
}

/* ---- forward ---- */

static void linear_r(basin_layer *l, const double *w, const double *v, size_t B)
{
    size_t I = l->in_c, O = l->out_c;
    const double *vb = v + l->bias;
    for (size_t b = 0; b < B; b++)
        memcpy(l->rout + b * O, vb, O * sizeof *vb);
    /* R{y} = R{x}·Wᵀ + x·Vᵀ + v_b */
    if (l->rin)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)O, (int)I, 1.0, l->rin, (int)I,
                    w + l->weight, (int)I, 1.0, l->rout, (int)O);
    if (!zero_block(v + l->weight, l->n_weight))
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)O, (int)I, 1.0, l->in, (int)I,
                    v + l->weight, (int)I, 1.0, l->rout, (int)O);
}

static void conv_r(basin_layer *l, const double *w, const double *v, size_t B)
{
    conv_shape s = basin_layer_conv_shape(l, B);
    size_t P = s.Ho * s.Wo, BP = B * P, K = s.C * s.k * s.k;
    /* R{y} = W ∗ R{x} + V ∗ x + v_b, through the unfolded inputs (tmp is the forward's scratch) */
    if (l->rin)
        conv2d_im2col(l->rcols, l->rin, &s);
    else
        memset(l->rcols, 0, K * BP * sizeof *l->rcols);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)s.O, (int)BP, (int)K, 1.0, w + l->weight, (int)K,
                l->rcols, (int)BP, 0.0, l->tmp, (int)BP);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)s.O, (int)BP, (int)K, 1.0, v + l->weight, (int)K,
                l->cols, (int)BP, 1.0, l->tmp, (int)BP);
    for (size_t b = 0; b < B; b++)
        for (size_t o = 0; o < s.O; o++)
            for (size_t p = 0; p < P; p++)
                l->rout[(b * s.O + o) * P + p] = l->tmp[o * BP + b * P + p] + v[l->bias + o];
}

/* Normalization layers share their tangent: per group of values (a BatchNorm channel, or a LayerNorm
 * example), R{x̂} = r·(R{x} − mean R{x} − x̂·mean(x̂ R{x})) in training, r·R{x} for BatchNorm in eval. */
static void norm_r(basin_model *m, basin_layer *l, const double *w, const double *v, size_t B)
{
    bool batch = l->d.kind == BASIN_LAYER_BATCHNORM, train = m->mode == BASIN_MODE_TRAIN || !batch;
    size_t C = batch ? l->in_c : B, S = batch ? l->in_h * l->in_w : l->in_c;
    size_t blocks = batch ? B : 1, block_stride = batch ? l->in_c * S : 0;
    for (size_t c = 0; c < C; c++) {
        size_t base = batch ? c * S : c * S, n = blocks * S;
        double r, m1 = 0, m2 = 0;
        if (batch && !train)
            r = 1 / sqrt(m->state[l->stats + l->in_c + c] + m->bn_eps);
        else
            r = l->rstd[c];
        for (size_t b = 0; b < blocks; b++)
            for (size_t s = 0; s < S; s++) {
                size_t i = base + b * block_stride + s;
                double rx = l->rin ? l->rin[i] : 0;
                if (train) {
                    m1 += rx;
                    m2 += l->xhat[i] * rx;
                }
            }
        m1 /= (double)n, m2 /= (double)n;
        for (size_t b = 0; b < blocks; b++)
            for (size_t s = 0; s < S; s++) {
                size_t i = base + b * block_stride + s, f = batch ? c : s;
                double rx = l->rin ? l->rin[i] : 0;
                double xhat = train ? l->xhat[i] : (l->in[i] - m->state[l->stats + c]) * r;
                double rxhat = train ? r * (rx - m1 - xhat * m2) : r * rx;
                l->rxhat[i] = rxhat;
                l->rout[i] = w[l->weight + f] * rxhat + v[l->weight + f] * xhat + v[l->bias + f];
            }
    }
}

const double *basin_model_forward_r(basin_model *m, const double *w, const double *v)
{
    if (reserve_r(m) != 0)
        return NULL;
    size_t B = m->batch;
    const double *cur = NULL; /* the input's tangent: none */
    for (size_t i = 0; i < m->n_layers; i++) {
        basin_layer *l = &m->layers[i];
        size_t n = B * basin_layer_inputs(l);
        l->rin = cur;
        bool has_params = l->n_weight + l->n_bias > 0;
        if (has_params && !cur && still(l, v)) { /* a zero tangent stays zero: skip the layer */
            l->ry = NULL;
            if (l->d.kind == BASIN_LAYER_CONV2D) /* its backward reads R{cols} */
                memset(l->rcols, 0, l->in_c * l->d.kernel * l->d.kernel * B * l->out_h * l->out_w * sizeof *l->rcols);
            if (l->d.kind == BASIN_LAYER_BATCHNORM || l->d.kind == BASIN_LAYER_LAYERNORM)
                memset(l->rxhat, 0, B * basin_layer_inputs(l) * sizeof *l->rxhat);
            continue;
        }
        switch (l->d.kind) {
        case BASIN_LAYER_LINEAR:
            linear_r(l, w, v, B);
            cur = l->rout;
            break;
        case BASIN_LAYER_CONV2D:
            conv_r(l, w, v, B);
            cur = l->rout;
            break;
        case BASIN_LAYER_MAXPOOL2D:
            for (size_t o = 0; o < B * basin_layer_outputs(l); o++)
                l->rout[o] = cur ? cur[l->argmax[o]] : 0;
            cur = l->rout;
            break;
        case BASIN_LAYER_AVGPOOL2D:
            if (cur) {
                avgpool2d_forward(l->rout, cur, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
                cur = l->rout;
            }
            break;
        case BASIN_LAYER_FLATTEN:
            break;
        case BASIN_LAYER_ACTIVATION:
            if (l->d.act != BASIN_ACT_IDENTITY) {
                double *s1 = l->rxhat, *s2 = l->rxhat + n;
                derivatives(l->d.act, l->in, l->y, n, l->d.slope, s1, s2);
                if (cur) {
                    for (size_t k = 0; k < n; k++)
                        l->rout[k] = s1[k] * cur[k];
                    cur = l->rout;
                }
            }
            break;
        case BASIN_LAYER_BATCHNORM:
        case BASIN_LAYER_LAYERNORM:
            norm_r(m, l, w, v, B);
            cur = l->rout;
            break;
        case BASIN_LAYER_DROPOUT:
            if (cur && m->dropout && l->d.p > 0) {
                for (size_t k = 0; k < n; k++)
                    l->rout[k] = cur[k] * l->mask[k];
                cur = l->rout;
            }
            break;
        }
        l->ry = cur;
    }
    if (!cur) { /* a model whose parameters never meet the output: the tangent is zero */
        basin_layer *last = &m->layers[m->n_layers - 1];
        memset(last->rout, 0, B * basin_layer_outputs(last) * sizeof *last->rout);
        cur = last->rout;
    }
    return cur;
}

/* ---- backward ---- */

static void linear_back_r(basin_layer *l, const double *w, const double *v, size_t B, const double *dy,
                          const double *rdy, double *dx, double *rdx, double *g, double *hv)
{
    int I = (int)l->in_c, O = (int)l->out_c, b = (int)B;
    if (g)
        linear_backward(NULL, g + l->weight, g + l->bias, dy, l->in, w + l->weight, B, l->in_c, l->out_c);
    /* R{dW} = R{dy}ᵀ·x + dyᵀ·R{x};  R{db} = Σ R{dy};  R{dx} = R{dy}·W + dy·V */
    linear_backward(NULL, hv + l->weight, hv + l->bias, rdy, l->in, w + l->weight, B, l->in_c, l->out_c);
    if (l->rin)
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, O, I, b, 1.0, dy, O, l->rin, I, 1.0, hv + l->weight, I);
    if (dx) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, I, O, 1.0, dy, O, w + l->weight, I, 0.0, dx, I);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, I, O, 1.0, rdy, O, w + l->weight, I, 0.0, rdx, I);
        if (!zero_block(v + l->weight, l->n_weight))
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, I, O, 1.0, dy, O, v + l->weight, I, 1.0, rdx, I);
    }
}

static void conv_back_r(basin_model *m, basin_layer *l, const double *w, const double *v, size_t B,
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
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)s.O, (int)K, (int)BP, 1.0, dtmp, (int)BP, l->cols,
                    (int)BP, 1.0, g + l->weight, (int)K);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)s.O, (int)K, (int)BP, 1.0, rdtmp, (int)BP, l->cols,
                (int)BP, 1.0, hv + l->weight, (int)K);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)s.O, (int)K, (int)BP, 1.0, dtmp, (int)BP, l->rcols,
                (int)BP, 1.0, hv + l->weight, (int)K);
    if (dx) {
        /* dx = fold(Wᵀ·dy);  R{dx} = fold(Wᵀ·R{dy} + Vᵀ·dy), unfolded into dcols first */
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)BP, (int)s.O, 1.0, w + l->weight, (int)K,
                    dtmp, (int)BP, 0.0, m->dcols, (int)BP);
        conv2d_col2im(dx, m->dcols, &s);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)BP, (int)s.O, 1.0, w + l->weight, (int)K,
                    rdtmp, (int)BP, 0.0, m->dcols, (int)BP);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)BP, (int)s.O, 1.0, v + l->weight, (int)K,
                    dtmp, (int)BP, 1.0, m->dcols, (int)BP);
        conv2d_col2im(rdx, m->dcols, &s);
    }
}

static void norm_back_r(basin_model *m, basin_layer *l, const double *w, const double *v, size_t B,
                        const double *dy, const double *rdy, double *dx, double *rdx, double *g, double *hv)
{
    bool batch = l->d.kind == BASIN_LAYER_BATCHNORM, train = m->mode == BASIN_MODE_TRAIN || !batch;
    size_t C = batch ? l->in_c : B, S = batch ? l->in_h * l->in_w : l->in_c;
    size_t blocks = batch ? B : 1, block_stride = batch ? l->in_c * S : 0;
    for (size_t c = 0; c < C; c++) {
        size_t base = c * S, n = blocks * S;
        double r = train ? l->rstd[c] : 1 / sqrt(m->state[l->stats + l->in_c + c] + m->bn_eps);
        /* With a = γ·dy (per value), the backward is dx = r·(a − mean a − x̂·mean(a·x̂)); its tangent
         * uses R{a} = v_γ·dy + γ·R{dy}, R{x̂}, and R{r} = −r²·mean(x̂·R{x}). */
        double ma = 0, max = 0, rma = 0, rmax = 0, mxr = 0;
        for (size_t b = 0; b < blocks; b++)
            for (size_t s = 0; s < S; s++) {
                size_t i = base + b * block_stride + s, f = batch ? c : s;
                double xhat = train ? l->xhat[i] : (l->in[i] - m->state[l->stats + c]) * r;
                double rxhat = l->rxhat[i], rx = l->rin ? l->rin[i] : 0;
                double gam = w[l->weight + f], a = gam * dy[i], ra = v[l->weight + f] * dy[i] + gam * rdy[i];
                if (g) {
                    g[l->weight + f] += dy[i] * xhat;
                    g[l->bias + f] += dy[i];
                }
                hv[l->weight + f] += rdy[i] * xhat + dy[i] * rxhat;
                hv[l->bias + f] += rdy[i];
                ma += a, max += a * xhat, rma += ra, rmax += ra * xhat + a * rxhat, mxr += xhat * rx;
            }
        if (!dx)
            continue;
        ma /= (double)n, max /= (double)n, rma /= (double)n, rmax /= (double)n, mxr /= (double)n;
        double rr = -r * r * mxr;
        for (size_t b = 0; b < blocks; b++)
            for (size_t s = 0; s < S; s++) {
                size_t i = base + b * block_stride + s, f = batch ? c : s;
                double xhat = train ? l->xhat[i] : (l->in[i] - m->state[l->stats + c]) * r;
                double gam = w[l->weight + f], a = gam * dy[i], ra = v[l->weight + f] * dy[i] + gam * rdy[i];
                if (train) {
                    double inner = a - ma - xhat * max;
                    dx[i] = r * inner;
                    rdx[i] = rr * inner + r * (ra - rma - l->rxhat[i] * max - xhat * rmax);
                } else { /* eval BatchNorm is affine: dx = γ·r·dy */
                    dx[i] = r * a;
                    rdx[i] = r * ra;
                }
            }
    }
}

void basin_model_backward_r(basin_model *m, const double *w, const double *v, const double *dout,
                            const double *rdout, double *g, double *hv)
{
    size_t B = m->batch;
    const double *d = dout, *rd = rdout;
    for (size_t i = m->n_layers; i-- > 0;) {
        basin_layer *l = &m->layers[i];
        size_t n = B * basin_layer_inputs(l);
        /* ping-pong: write into whichever buffer the incoming gradients are not in */
        double *dx = i == 0 ? NULL : d == m->grad[0] ? m->grad[1] : m->grad[0];
        double *rdx = i == 0 ? NULL : rd == m->rgrad[0] ? m->rgrad[1] : m->rgrad[0];
        bool passes = false;
        switch (l->d.kind) {
        case BASIN_LAYER_LINEAR:
            linear_back_r(l, w, v, B, d, rd, dx, rdx, g, hv);
            break;
        case BASIN_LAYER_CONV2D:
            conv_back_r(m, l, w, v, B, d, rd, dx, rdx, g, hv);
            break;
        case BASIN_LAYER_MAXPOOL2D:
            if (dx) {
                maxpool2d_backward(dx, d, l->argmax, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
                maxpool2d_backward(rdx, rd, l->argmax, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
            }
            break;
        case BASIN_LAYER_AVGPOOL2D:
            if (dx) {
                avgpool2d_backward(dx, d, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
                avgpool2d_backward(rdx, rd, B, l->in_c, l->in_h, l->in_w, l->d.kernel, l->d.stride);
            }
            break;
        case BASIN_LAYER_FLATTEN:
            passes = true;
            break;
        case BASIN_LAYER_ACTIVATION:
            passes = l->d.act == BASIN_ACT_IDENTITY;
            /* dx = dy·σ';  R{dx} = R{dy}·σ' + dy·σ''·R{x} (σ', σ'' kept by the tangent forward) */
            if (!passes && dx) {
                const double *s1 = l->rxhat, *s2 = l->rxhat + n, *rin = l->rin;
                for (size_t k = 0; k < n; k++) {
                    dx[k] = d[k] * s1[k];
                    rdx[k] = rd[k] * s1[k] + (rin ? d[k] * s2[k] * rin[k] : 0);
                }
            }
            break;
        case BASIN_LAYER_BATCHNORM:
        case BASIN_LAYER_LAYERNORM:
            norm_back_r(m, l, w, v, B, d, rd, dx, rdx, g, hv);
            break;
        case BASIN_LAYER_DROPOUT:
            passes = !(m->dropout && l->d.p > 0);
            for (size_t k = 0; !passes && dx && k < n; k++) {
                dx[k] = d[k] * l->mask[k];
                rdx[k] = rd[k] * l->mask[k];
            }
            break;
        }
        if (!passes && dx)
            d = dx, rd = rdx;
    }
}
