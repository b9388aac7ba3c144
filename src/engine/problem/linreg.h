/* linreg.h: least squares ½‖Xw−y‖²/N on a generated data set with two features of very different scale. */
#ifndef BASIN_LINREG_H
#define BASIN_LINREG_H

#include "../registry.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

extern const basin_entry basin_surface_linreg;

/* Draws n examples of the badly scaled regression (features x, n×2 row-major, and targets y) from rng;
 * the linreg surface and the linreg data set share it. Can't fail. */
void basin_linreg_generate(size_t n, const double scale[2], double label_noise, gsl_rng *rng, double *x,
                           double *y);

#endif
