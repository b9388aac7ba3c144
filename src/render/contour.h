/* contour.h: level sets of a sampled function by marching squares, and the choice of levels. */
#ifndef BASIN_CONTOUR_H
#define BASIN_CONTOUR_H

#include <stddef.h>

/* Receives one segment of a level set, in grid coordinates (i along x, j along y). */
typedef void (*basin_segment_fn)(double i0, double j0, double i1, double j1, void *user);

/* Emits the segments of {f = level} for the grid f[j·nx + i] (nx, ny ≥ 2), linearly interpolated on the
 * cell edges; a saddle cell (diagonal corners on one side) is resolved by the mean of its corners. Cells
 * with a non-finite corner are skipped. Returns the number of segments. Can't fail. */
size_t basin_contour_segments(const double *f, size_t nx, size_t ny, double level, basin_segment_fn emit,
                              void *user);

#endif
