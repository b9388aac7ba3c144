/* layernorm.c: layer normalization over the features of each example (biased variance, affine), the
 * same in training and eval. */
#include "layers.h"

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
