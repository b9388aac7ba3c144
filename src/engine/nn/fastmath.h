/* fastmath.h: tanh and the logistic sigmoid over arrays, in loops the compiler vectorizes. Both agree
 * with libm to a few units in the last place and propagate NaN. */
#ifndef BASIN_NN_FASTMATH_H
#define BASIN_NN_FASTMATH_H

#include <stddef.h>

/* out[i] = tanh(x[i]) for i < n; out may alias x. Can't fail. */
void basin_tanh_array(double *out, const double *x, size_t n);

/* out[i] = 1/(1 + exp(−x[i])) for i < n; out may alias x. Below x = −700 the result is 0 to within
 * 1e-304 rather than the exact subnormal. Can't fail. */
void basin_sigmoid_array(double *out, const double *x, size_t n);

#endif
