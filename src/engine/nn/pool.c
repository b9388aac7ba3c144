/* pool.c: max and average pooling over k×k windows moved by stride, without padding. */
#include "layers.h"

#include <string.h>

static size_t pooled(size_t n, size_t k, size_t stride)
{
    return (n - k) / stride + 1;
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
                for (size_t ky = 0; ky < k; ky++)
                    for (size_t kx = 0; kx < k; kx++) {
                        size_t at = (oy * stride + ky) * W + ox * stride + kx;
                        /* NaN propagates as in PyTorch: a NaN wins and stays. */
                        if (plane[at] > plane[best] || (plane[at] != plane[at] && plane[best] == plane[best]))
                            best = at;
                    }
                size_t o = (bc * Ho + oy) * Wo + ox;
                out[o] = plane[best];
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
