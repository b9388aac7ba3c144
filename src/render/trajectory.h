/* trajectory.h: a run's path over a 2-D view: a polyline with a halo, step dots for short runs,
 * arrows for direction, a start marker, an end marker, and a cross where a run diverged. */
#ifndef BASIN_TRAJECTORY_H
#define BASIN_TRAJECTORY_H

#include "plot.h"
#include "theme.h"

#include "engine/run.h"

#include <cairo.h>

/* Draws the first len rows of trace (2-D) in colour rgb on plot p, clipped to its area; diverged marks
 * the last row with a cross. Can't fail (cairo errors are sticky on cr). */
void basin_draw_trajectory(cairo_t *cr, const basin_plot *p, const basin_theme *theme, const basin_trace *trace,
                           size_t len, const double rgb[3], bool diverged);

/* An asynchronous run's stale read at its last shown row: the point the gradient of the step that made
 * row len − 1 was taken at (row len − 2 − τ) as a hollow ghost in colour rgb, joined by a dashed line to
 * the point the step was applied at (row len − 2). Nothing when that gradient was fresh. Can't fail. */
void basin_draw_stale_read(cairo_t *cr, const basin_plot *p, const basin_theme *theme, const basin_trace *trace,
                           size_t len, const double rgb[3]);

#endif
