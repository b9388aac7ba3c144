/* layernorm.c: layer normalization over the features of each example (biased variance, affine), the
 * same in training and eval. */
#include "layers.h"
#include "layer_kind.h"

#include "../error.h"

#include <math.h>

void layernorm_forward(double *out, double *xhat, double *rstd, const double *inp, const double *gamma,
                       const double *beta, size_t B, size_t F, double eps)
{
    for (size_t b = 0; b < B; b++) {
        const double *x = inp + b * F;
        double mean = 0, var = 0;
        for (size_t f = 0; f < F; f++)
            mean += x[f];
        mean /= (double)F;
        for (size_t f = 0; f < F; f++)
            var += (x[f] - mean) * (x[f] - mean);
        double r = 1.0 / sqrt(var / (double)F + eps);
        rstd[b] = r;
        double *xh = xhat + b * F, *y = out + b * F;
        for (size_t f = 0; f < F; f++) {
            xh[f] = (x[f] - mean) * r;
            y[f] = gamma[f] * xh[f] + beta[f];
        }
    }
}

void layernorm_backward(double *dinp, double *dgamma, double *dbeta, const double *dout, const double *xhat,
                        const double *rstd, const double *gamma, size_t B, size_t F)
{
    for (size_t b = 0; b < B; b++) {
        const double *dy = dout + b * F, *xh = xhat + b * F;
        double mean_g = 0, mean_g_xhat = 0; /* g = γ·dy, the gradient on x̂ */
        for (size_t f = 0; f < F; f++) {
            dgamma[f] += dy[f] * xh[f];
            dbeta[f] += dy[f];
            double g = gamma[f] * dy[f];
            mean_g += g;
            mean_g_xhat += g * xh[f];
        }
        if (!dinp)
            continue;
        mean_g /= (double)F;
        mean_g_xhat /= (double)F;
        double *dx = dinp + b * F;
        for (size_t f = 0; f < F; f++)
            dx[f] = rstd[b] * (gamma[f] * dy[f] - mean_g - xh[f] * mean_g_xhat);
    }
}

/* ---- the LayerNorm kind, over the flat features of each example ---- */

static const char *layernorm_name(const basin_layer *l)
{
    (void)l;
    return "LayerNorm";
}

static int layernorm_shape(basin_layer *l, size_t index)
{
    if (l->in_h == 1 && l->in_w == 1)
        return 0;
    basin_error_set("layer %zu (LayerNorm) normalizes flat features; flatten first", index);
    return -1;
}

/* γ and β per feature */
static void layernorm_lay_out(basin_model *m, basin_layer *l, size_t index)
{
    basin_lay_out_affine(m, l, index, basin_layer_inputs(l));
}

static bool layernorm_reserve(basin_layer *l, size_t B, size_t *cols)
{
    (void)cols;
    return (l->out = basin_workspace(B * basin_layer_outputs(l))) &&
           (l->xhat = basin_workspace(B * basin_layer_inputs(l))) && (l->rstd = basin_workspace(B));
}

static const double *layernorm_fwd(basin_model *m, basin_layer *l, size_t index, const double *w, const double *x,
                                   size_t B, const basin_forward_opts *o)
{
    (void)index, (void)o;
    layernorm_forward(l->out, l->xhat, l->rstd, x, w + l->weight, w + l->bias, B, l->in_c, m->ln_eps);
    return l->out;
}

static bool layernorm_bwd(const basin_model *m, basin_layer *l, const double *w, const double *dy, double *dx,
                          double *g, size_t B)
{
    (void)m;
    layernorm_backward(dx, g + l->weight, g + l->bias, dy, l->xhat, l->rstd, w + l->weight, B, l->in_c);
    return false;
}

const basin_layer_ops basin_layernorm_ops = {
    .role = BASIN_LAYER_ROLE_AFFINE, .torch_name = layernorm_name, .shape = layernorm_shape,
    .lay_out = layernorm_lay_out, .reserve = layernorm_reserve, .forward = layernorm_fwd, .backward = layernorm_bwd,
    .reserve_r = basin_norm_reserve_r, .clear_r = basin_norm_clear_r, .forward_r = basin_norm_forward_r,
    .backward_r = basin_norm_backward_r};
