/* batchnorm.c: batch normalization (Ioffe & Szegedy) with PyTorch's semantics: per channel over the
 * batch and the spatial positions; training normalizes by the biased batch variance and moves the
 * running statistics by momentum with the unbiased variance; eval uses the running statistics. */
#include "layers.h"
#include "layer_kind.h"

#include "../error.h"

#include <math.h>

/* Sums n values over the shards when sync says so; 0, or -1 with a message. */
static int sum_shards(const basin_reducer *sync, double *values, size_t n)
{
    return sync ? sync->sum(sync->ctx, values, n) : 0;
}

/* Σ over the batch of channel c's values of x (S per example), in one fixed order. */
static double channel_sum(const double *inp, size_t B, size_t C, size_t S, size_t c, double shift)
{
    double sum = 0;
    for (size_t b = 0; b < B; b++) {
        const double *x = inp + (b * C + c) * S;
        for (size_t s = 0; s < S; s++)
            sum += isnan(shift) ? x[s] : (x[s] - shift) * (x[s] - shift);
    }
    return sum;
}

int batchnorm_forward_train(double *out, double *xhat, double *rstd, double *sums, double *running_mean,
                            double *running_var, const double *inp, const double *gamma, const double *beta,
                            size_t B, size_t C, size_t S, double eps, double momentum, const basin_reducer *sync)
{
    for (size_t c = 0; c < C; c++)
        sums[c] = channel_sum(inp, B, C, S, c, NAN);
    sums[C] = (double)(B * S);
    if (sum_shards(sync, sums, C + 1) != 0)
        return -1;
    double count = sums[C];
    if (count < 2) {
        basin_error_set("batchnorm: training needs more than 1 value per channel (batch of %zu with %zu "
                        "position%s); use a larger batch or eval mode",
                        B, S, S == 1 ? "" : "s");
        return -1;
    }
    double *mean = sums + C + 1; /* C values: sums[C + 1 .. 2C] */
    for (size_t c = 0; c < C; c++)
        mean[c] = sums[c] / count;
    for (size_t c = 0; c < C; c++)
        sums[c] = channel_sum(inp, B, C, S, c, mean[c]);
    if (sum_shards(sync, sums, C) != 0)
        return -1;
    for (size_t c = 0; c < C; c++) {
        double r = 1.0 / sqrt(sums[c] / count + eps);
        rstd[c] = r;
        for (size_t b = 0; b < B; b++) {
            const double *x = inp + (b * C + c) * S;
            double *xh = xhat + (b * C + c) * S, *y = out + (b * C + c) * S;
            for (size_t s = 0; s < S; s++) {
                xh[s] = (x[s] - mean[c]) * r;
                y[s] = gamma[c] * xh[s] + beta[c];
            }
        }
        if (running_mean) {
            running_mean[c] = (1 - momentum) * running_mean[c] + momentum * mean[c];
            running_var[c] = (1 - momentum) * running_var[c] + momentum * sums[c] / (count - 1);
        }
    }
    sums[2 * C] = count;
    return 0;
}

void batchnorm_forward_eval(double *out, const double *inp, const double *gamma, const double *beta,
                            const double *running_mean, const double *running_var, size_t B, size_t C,
                            size_t S, double eps)
{
    for (size_t c = 0; c < C; c++) {
        double r = 1.0 / sqrt(running_var[c] + eps);
        for (size_t b = 0; b < B; b++) {
            const double *x = inp + (b * C + c) * S;
            double *y = out + (b * C + c) * S;
            for (size_t s = 0; s < S; s++)
                y[s] = gamma[c] * ((x[s] - running_mean[c]) * r) + beta[c];
        }
    }
}

void batchnorm_backward_train(double *dinp, double *dgamma, double *dbeta, const double *dout,
                              const double *xhat, const double *rstd, const double *gamma, double *sums, size_t B,
                              size_t C, size_t S, const basin_reducer *sync)
{
    for (size_t c = 0; c < C; c++) {
        double sum_dy = 0, sum_dy_xhat = 0;
        for (size_t b = 0; b < B; b++) {
            const double *dy = dout + (b * C + c) * S, *xh = xhat + (b * C + c) * S;
            for (size_t s = 0; s < S; s++) {
                sum_dy += dy[s];
                sum_dy_xhat += dy[s] * xh[s];
            }
        }
        dgamma[c] += sum_dy_xhat;
        dbeta[c] += sum_dy;
        sums[2 * c] = sum_dy, sums[2 * c + 1] = sum_dy_xhat;
    }
    if (!dinp)
        return;
    double count = sums[2 * C];
    (void)sum_shards(sync, sums, 2 * C); /* on failure the reducer's owner reports it */
    for (size_t c = 0; c < C; c++) {
        /* dx = γ·rstd·(dy − mean(dy) − x̂·mean(dy·x̂)) */
        double k = gamma[c] * rstd[c];
        double mean_dy = sums[2 * c] / count, mean_dy_xhat = sums[2 * c + 1] / count;
        for (size_t b = 0; b < B; b++) {
            const double *dy = dout + (b * C + c) * S, *xh = xhat + (b * C + c) * S;
            double *dx = dinp + (b * C + c) * S;
            for (size_t s = 0; s < S; s++)
                dx[s] = k * (dy[s] - mean_dy - xh[s] * mean_dy_xhat);
        }
    }
}

void batchnorm_backward_eval(double *dinp, double *dgamma, double *dbeta, const double *dout,
                             const double *inp, const double *gamma, const double *running_mean,
                             const double *running_var, size_t B, size_t C, size_t S, double eps)
{
    for (size_t c = 0; c < C; c++) {
        double r = 1.0 / sqrt(running_var[c] + eps);
        double sum_dy = 0, sum_dy_xhat = 0;
        for (size_t b = 0; b < B; b++) {
            const double *dy = dout + (b * C + c) * S, *x = inp + (b * C + c) * S;
            double *dx = dinp ? dinp + (b * C + c) * S : NULL;
            for (size_t s = 0; s < S; s++) {
                sum_dy += dy[s];
                sum_dy_xhat += dy[s] * ((x[s] - running_mean[c]) * r);
                if (dx)
                    dx[s] = dy[s] * gamma[c] * r;
            }
        }
        dgamma[c] += sum_dy_xhat;
        dbeta[c] += sum_dy;
    }
}

/* ---- the BatchNorm kind: BatchNorm1d over features, BatchNorm2d over channels ---- */

static const char *batchnorm_name(const basin_layer *l)
{
    return l->in_h * l->in_w == 1 ? "BatchNorm1d" : "BatchNorm2d";
}

/* γ and β per channel, then running_mean, running_var and num_batches_tracked as state */
static void batchnorm_lay_out(basin_model *m, basin_layer *l, size_t index)
{
    size_t n = l->in_c;
    basin_lay_out_affine(m, l, index, n);
    l->stats = m->n_state;
    m->n_state += 2 * n + 1;
    basin_add_tensor(m, index, "running_mean", true, l->stats, 1, &n);
    basin_add_tensor(m, index, "running_var", true, l->stats + n, 1, &n);
    basin_add_tensor(m, index, "num_batches_tracked", true, l->stats + 2 * n, 0, NULL);
}

static bool batchnorm_reserve(basin_layer *l, size_t B, size_t *cols)
{
    (void)cols;
    return (l->out = basin_workspace(B * basin_layer_outputs(l))) &&
           (l->xhat = basin_workspace(B * basin_layer_inputs(l))) && (l->rstd = basin_workspace(l->in_c)) &&
           (l->tmp = basin_workspace(2 * l->in_c + 1));
}

static const double *batchnorm_fwd(basin_model *m, basin_layer *l, size_t index, const double *w, const double *x,
                                   size_t B, const basin_forward_opts *o)
{
    double *stats = m->state + l->stats;
    size_t S = l->in_h * l->in_w;
    if (o->mode != BASIN_MODE_TRAIN) {
        batchnorm_forward_eval(l->out, x, w + l->weight, w + l->bias, stats, stats + l->in_c, B, l->in_c, S,
                               m->bn_eps);
        return l->out;
    }
    if (batchnorm_forward_train(l->out, l->xhat, l->rstd, l->tmp, o->update_stats ? stats : NULL,
                                o->update_stats ? stats + l->in_c : NULL, x, w + l->weight, w + l->bias, B, l->in_c,
                                S, m->bn_eps, m->bn_momentum, o->bn_sync) != 0) {
        basin_error_set("layer %zu: %s", index, basin_error_message());
        return NULL;
    }
    if (o->update_stats)
        stats[2 * l->in_c] += 1;
    return l->out;
}

static bool batchnorm_bwd(const basin_model *m, basin_layer *l, const double *w, const double *dy, double *dx,
                          double *g, size_t B)
{
    size_t S = l->in_h * l->in_w;
    if (m->mode == BASIN_MODE_TRAIN)
        batchnorm_backward_train(dx, g + l->weight, g + l->bias, dy, l->xhat, l->rstd, w + l->weight, l->tmp, B,
                                 l->in_c, S, m->bn_sync);
    else
        batchnorm_backward_eval(dx, g + l->weight, g + l->bias, dy, l->in, w + l->weight, m->state + l->stats,
                                m->state + l->stats + l->in_c, B, l->in_c, S, m->bn_eps);
    return false;
}

const basin_layer_ops basin_batchnorm_ops = {
    .role = BASIN_LAYER_ROLE_AFFINE, .torch_name = batchnorm_name, .shape = basin_shape_same,
    .lay_out = batchnorm_lay_out, .reserve = batchnorm_reserve, .forward = batchnorm_fwd, .backward = batchnorm_bwd,
    .reserve_r = basin_norm_reserve_r, .clear_r = basin_norm_clear_r, .forward_r = basin_norm_forward_r,
    .backward_r = basin_norm_backward_r};
