/* measures_view.h: the measures view of a training lab: each run's sharpness at the end by four measures
 * (λmax, trace, ε-sharpness, SAM's), grouped by measure and scaled to the sharpest run of each, with the
 * values written on the bars, so that where the measures disagree shows at a glance. */
#ifndef BASIN_MEASURES_VIEW_H
#define BASIN_MEASURES_VIEW_H

#include "lab/lab.h"
#include "plot.h"

#include <cairo.h>
#include <stddef.h>

/* Draws the grouped bars. Returns 0 (can't fail). */
int basin_training_measures(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown);

#endif
