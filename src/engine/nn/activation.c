/* activation.c: elementwise activations. tanh and sigmoid run through a vectorizable tanh (libm's
 * scalar tanh costs more than the matrix products of a small network); GELU is PyTorch's exact
 * erf form. */
#include "layers.h"

#include "fastmath.h"

#include <math.h>

void activation_forward(double *out, const double *inp, size_t n, basin_activation act, double slope)
{
    switch (act) {
    case BASIN_ACT_IDENTITY:
        for (size_t i = 0; i < n; i++)
            out[i] = inp[i];
        break;
    case BASIN_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            out[i] = inp[i] > 0 ? inp[i] : 0.0;
        break;
    case BASIN_ACT_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) {
            double x = inp[i];
            out[i] = x > 0 ? x : x * slope;
        }
        break;
    case BASIN_ACT_TANH:
        basin_tanh_array(out, inp, n);
        break;
    case BASIN_ACT_SIGMOID:
        basin_sigmoid_array(out, inp, n);
        break;
    case BASIN_ACT_GELU:
        for (size_t i = 0; i < n; i++)
            out[i] = 0.5 * inp[i] * (1.0 + erf(inp[i] * M_SQRT1_2));
        break;
    }
}

void activation_backward(double *dinp, const double *dout, const double *inp, const double *out, size_t n,
                         basin_activation act, double slope)
{
    switch (act) {
    case BASIN_ACT_IDENTITY:
        for (size_t i = 0; i < n; i++)
            dinp[i] = dout[i];
        break;
    case BASIN_ACT_RELU: /* loads outside the conditionals, so the loops vectorize */
        for (size_t i = 0; i < n; i++) {
            double d = dout[i];
            dinp[i] = inp[i] > 0 ? d : 0.0;
        }
        break;
    case BASIN_ACT_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) {
            double d = dout[i];
            dinp[i] = inp[i] > 0 ? d : d * slope;
        }
        break;
    case BASIN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            dinp[i] = dout[i] * (1.0 - out[i] * out[i]);
        break;
    case BASIN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            dinp[i] = dout[i] * out[i] * (1.0 - out[i]);
        break;
    case BASIN_ACT_GELU:
        for (size_t i = 0; i < n; i++) {
            double x = inp[i];
            double cdf = 0.5 * (1.0 + erf(x * M_SQRT1_2));
            double pdf = exp(-0.5 * x * x) * (0.5 * M_2_SQRTPI * M_SQRT1_2);
            dinp[i] = dout[i] * (cdf + x * pdf);
        }
        break;
    }
}
