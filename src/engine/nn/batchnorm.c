/* batchnorm.c: batch normalization (Ioffe & Szegedy) with PyTorch's semantics: per channel over the
 * batch and the spatial positions; training normalizes by the biased batch variance and moves the
 * running statistics by momentum with the unbiased variance; eval uses the running statistics. */
#include "layers.h"

#include "../error.h"

#include <math.h>

int batchnorm_forward_train(double *out, double *xhat, double *rstd, double *running_mean,
                            double *running_var, const double *inp, const double *gamma, const double *beta,
                            size_t B, size_t C, size_t S, double eps, double momentum)
{
    size_t count = B * S;
    if (count < 2) {
        basin_error_set("batchnorm: training needs more than 1 value per channel (batch of %zu with %zu "
                        "position%s); use a larger batch or eval mode",
                        B, S, S == 1 ? "" : "s");
        return -1;
    }
    for (size_t c = 0; c < C; c++) {
        double mean = 0, var = 0;
        for (size_t b = 0; b < B; b++) {
            const double *x = inp + (b * C + c) * S;
            for (size_t s = 0; s < S; s++)
                mean += x[s];
        }
        mean /= (double)count;
        for (size_t b = 0; b < B; b++) {
            const double *x = inp + (b * C + c) * S;
            for (size_t s = 0; s < S; s++)
                var += (x[s] - mean) * (x[s] - mean);
        }
        double biased = var / (double)count;
        double r = 1.0 / sqrt(biased + eps);
        rstd[c] = r;
        for (size_t b = 0; b < B; b++) {
            const double *x = inp + (b * C + c) * S;
            double *xh = xhat + (b * C + c) * S, *y = out + (b * C + c) * S;
            for (size_t s = 0; s < S; s++) {
                xh[s] = (x[s] - mean) * r;
                y[s] = gamma[c] * xh[s] + beta[c];
            }
        }
        if (running_mean) {
            running_mean[c] = (1 - momentum) * running_mean[c] + momentum * mean;
            running_var[c] = (1 - momentum) * running_var[c] + momentum * var / (double)(count - 1);
        }
    }
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
                              const double *xhat, const double *rstd, const double *gamma, size_t B,
                              size_t C, size_t S)
{
    double count = (double)(B * S);
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
        if (!dinp)
            continue;
        /* dx = γ·rstd·(dy − mean(dy) − x̂·mean(dy·x̂)) */
        double k = gamma[c] * rstd[c];
        double mean_dy = sum_dy / count, mean_dy_xhat = sum_dy_xhat / count;
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
