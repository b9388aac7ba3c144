/* dots.h: many round markers of one size (a fill and an outline) at once: on a raster target one stamp
 * per colour, drawn once and pasted at whole device pixels; on a vector target (SVG, PDF) circles. */
#ifndef BASIN_DOTS_H
#define BASIN_DOTS_H

#include "theme.h"

#include <cairo.h>
#include <stddef.h>

/* Draws, in order and within the current clip, a dot of radius r (user units) at each of the n points
 * (x[i], y[i]) in user coordinates, filled with fills[kind[i]] (kind[i] < n_kinds) and outlined with a
 * line of width outline_width in outline. On an image surface the dots sit at the nearest whole device
 * pixel. Returns 0, or -1 with a message (out of memory). */
int basin_dots(cairo_t *cr, const double *x, const double *y, const size_t *kind, size_t n, const basin_rgb *fills,
               size_t n_kinds, double r, basin_rgb outline, double outline_width);

#endif
