/* weights_view.h: the weights views of a training lab: a histogram of each run's Linear and Conv2d weights
 * at the frame shown with the share of them near zero (L1's sparsity beside L2's shrinkage), and their norm
 * against epoch (how far weight decay and early stopping let them grow). */
#ifndef BASIN_WEIGHTS_VIEW_H
#define BASIN_WEIGHTS_VIEW_H

#include "lab/lab.h"
#include "plot.h"

#include <cairo.h>
#include <stddef.h>

/* The share of weights w (n of them) with |w| < threshold. */
double basin_weights_share_near_zero(const double *w, size_t n, double threshold);

/* Each run's weights at the frame shown as a histogram outline on one axis (share per bin; the weights beyond
 * the 99th percentile of |w| counted in the end bins), with the
 * share within 10⁻³ of zero written in the run's colour. Returns 0, or -1 with a message. */
int basin_training_weights(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown);

/* The Euclidean norm of each run's Linear and Conv2d weights against epoch, up to the frame shown. Returns 0,
 * or -1 with a message. */
int basin_training_weight_norms(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme,
                                size_t shown);

/* Each run's first weighted layer at the frame shown, one dot per neuron at its weights from the first two
 * inputs: constant initialization keeps every neuron on one dot. Returns 0, or -1 with a message. */
int basin_training_neurons(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown);

#endif
