/* conv2d.c: 2-D convolution (cross-correlation, as PyTorch) by im2col and one dgemm over the whole
 * batch: the unfolded input cols (C·k·k, B·P) with P = Ho·Wo is multiplied by the weight (O, C·k·k). */
#include "layers.h"

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
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)s->O, (int)BP, (int)K, 1.0, weight, (int)K,
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
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)s->O, (int)K, (int)BP, 1.0, tmp, (int)BP, cols,
                (int)BP, 1.0, dweight, (int)K);
    if (!dinp)
        return;
    /* dcols (K, B·P) = Wᵀ (K,O) · tmp (O, B·P) */
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)BP, (int)s->O, 1.0, weight, (int)K, tmp,
                (int)BP, 0.0, dcols, (int)BP);
    conv2d_col2im(dinp, dcols, s);
}
