/* training_view.h: a training lab's panels at a moment of its replay (shown evaluations, once per epoch):
 * loss or accuracy against epoch, decision regions over 2-D data, variance by layer. Each returns 0, or
 * -1 with a message (out of memory). The boundary panels ask the lab for the model's predictions on a
 * grid at the frame shown. */
#ifndef BASIN_TRAINING_VIEW_H
#define BASIN_TRAINING_VIEW_H

#include "plot.h"
#include "theme.h"

#include "lab/lab.h"

#include <cairo.h>
#include <stddef.h>

/* Loss (train solid, test dashed, log axis) or test accuracy of every run against epoch. */
int basin_training_curves(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme,
                          basin_view view, size_t shown);

/* Decision regions and training points of up to four runs, side by side. */
int basin_training_boundaries(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme,
                              size_t shown);

/* Activation and gradient variance of each hidden layer's output, one line per run, log axes. */
int basin_training_layers(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown);

/* λmax (solid) against the optimizer's stability limit (dashed; none for adaptive optimizers) of runs
 * that track it, up to the frame shown. */
int basin_training_sharpness(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown);

/* The Hessian's spectral density (stochastic Lanczos quadrature, Gaussian-broadened) at the frame shown. */
int basin_training_spectrum(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown);

/* Each run's loss over the plane of its trajectory's principal components (log colour scale), with the
 * trajectory projected up to the frame shown; up to four runs. */
int basin_training_landscapes(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme,
                              size_t shown);

#endif
