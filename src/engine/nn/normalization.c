/* normalization.c: what BatchNorm and LayerNorm share: a scale γ and shift β, and the tangent passes of
 * the R-operator (per group of values: a BatchNorm channel over the batch, or a LayerNorm example). */
#include "layer_kind.h"

#include <math.h>
#include <string.h>

void basin_lay_out_affine(basin_model *m, basin_layer *l, size_t index, size_t n)
{
    l->n_weight = l->n_bias = n;
    l->weight = m->n_params, l->bias = l->weight + n;
    m->n_params += 2 * n;
    basin_add_tensor(m, index, "weight", false, l->weight, 1, &n);
    basin_add_tensor(m, index, "bias", false, l->bias, 1, &n);
}

/* R{x̂} for the backward */
bool basin_norm_reserve_r(basin_layer *l, size_t B)
{
    return (l->rxhat = basin_workspace(B * basin_layer_inputs(l))) != NULL;
}

void basin_norm_clear_r(basin_layer *l, size_t B)
{
    memset(l->rxhat, 0, B * basin_layer_inputs(l) * sizeof *l->rxhat);
}

/* Normalization layers share their tangent: per group of values (a BatchNorm channel, or a LayerNorm
 * example), R{x̂} = r·(R{x} − mean R{x} − x̂·mean(x̂ R{x})) in training, r·R{x} for BatchNorm in eval. */
const double *basin_norm_forward_r(const basin_model *m, basin_layer *l, const double *w, const double *v,
                                   const double *rin, size_t B)
{
    (void)rin; /* l->rin */
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
    return l->rout;
}

bool basin_norm_backward_r(const basin_model *m, basin_layer *l, const double *w, const double *v, size_t B,
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
        if (!rdx)
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
                    if (dx)
                        dx[i] = r * inner;
                    rdx[i] = rr * inner + r * (ra - rma - l->rxhat[i] * max - xhat * rmax);
                } else { /* eval BatchNorm is affine: dx = γ·r·dy */
                    if (dx)
                        dx[i] = r * a;
                    rdx[i] = r * ra;
                }
            }
    }
    return false;
}
