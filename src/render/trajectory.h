/* trajectory.h: a run's path over a 2-D view: a polyline with a halo, step dots for short runs,
 * arrows for direction, a start marker, an end marker, and a cross where a run diverged; an averaged
 * iterate's path dashed beside it. */
#ifndef BASIN_TRAJECTORY_H
#define BASIN_TRAJECTORY_H

#include "plot.h"
#include "theme.h"

#include "engine/run.h"

#include <cairo.h>

/* Draws the first len rows of trace (2-D) in colour rgb on plot p, clipped to its area, but its start
 * (basin_draw_start); diverged marks the last row with a cross. depth counts the paths drawn before that it
 * lies on: it is drawn half as wide for each, without a halo, so that they show around it. Can't fail
 * (cairo errors are sticky). */
void basin_draw_trajectory(cairo_t *cr, const basin_plot *p, const basin_theme *theme, const basin_trace *trace,
                           size_t len, const double rgb[3], bool diverged, int depth);

/* Whether every point of b's first len_b rows lies within tol device units of a's path (its first len_a
 * rows), on plot p: then b would hide under a or a under b. Checks at most about 64 of b's points. */
bool basin_trajectory_covers(const basin_plot *p, const basin_trace *a, size_t len_a, const basin_trace *b, size_t len_b,
                             double tol);

/* The length on the plot, in device units, of the path of trace's first len rows. */
double basin_trajectory_length(const basin_plot *p, const basin_trace *trace, size_t len);

/* The start marker at (x, y) of the k runs that start there: a ringed disc cut into k wedges, one in each
 * run's colour rgb[i], so that runs sharing a start all show. */
void basin_draw_start(cairo_t *cr, const basin_plot *p, const basin_theme *theme, double x, double y,
                      const double (*rgb)[3], size_t k);

/* The averaged iterate a run's optimizer keeps beside w (ASGD's), over trace's first len rows from where it
 * parts from the iterate: a dashed line in rgb darkened over a halo, ending in a diamond. Nothing when
 * the trace has none or it never parts. Can't fail. */
void basin_draw_average_path(cairo_t *cr, const basin_plot *p, const basin_theme *theme, const basin_trace *trace,
                             size_t len, const double rgb[3]);

/* An asynchronous run's stale read at its last shown row: the point the gradient of the step that made
 * row len − 1 was taken at (row len − 2 − τ) as a hollow ghost in colour rgb, joined by a dashed line to
 * the point the step was applied at (row len − 2). Nothing when that gradient was fresh. Can't fail. */
void basin_draw_stale_read(cairo_t *cr, const basin_plot *p, const basin_theme *theme, const basin_trace *trace,
                           size_t len, const double rgb[3]);

#endif
