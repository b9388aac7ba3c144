/* dropout.c: inverted dropout: in training each value is zeroed with probability p and the survivors
 * are scaled by 1/(1−p), so eval needs no rescaling. */
#include "layers.h"

void dropout_forward(double *out, double *mask, const double *inp, size_t n, double p, gsl_rng *rng)
{
    double keep = p < 1 ? 1.0 / (1.0 - p) : 0.0;
    for (size_t i = 0; i < n; i++) {
        mask[i] = gsl_rng_uniform(rng) < p ? 0.0 : keep;
        out[i] = inp[i] * mask[i];
    }
}

void dropout_backward(double *dinp, const double *dout, const double *mask, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dinp[i] = dout[i] * mask[i];
}
