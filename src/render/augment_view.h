/* augment_view.h: the augment view of a training lab: a grid of training images, each beside draws of
 * a run's augmentation, so that a student sees what the network is trained on. */
#ifndef BASIN_AUGMENT_VIEW_H
#define BASIN_AUGMENT_VIEW_H

#include "lab/lab.h"
#include "plot.h"

#include <cairo.h>
#include <stddef.h>

/* Draws the first run's samples that has them (dark ink on light, the raw pixels' range), with the
 * original column apart, or a line saying that no run augments images. Returns 0 (can't fail). */
int basin_training_augment(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown);

#endif
