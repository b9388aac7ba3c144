/* relief.h: the 3-D view's height map of a sampled field: each sample's place on the colour scale, with
 * the lowest samples lying flat and dips narrower than the grid (a steep valley's floor caught by single
 * samples, which would stand out as spikes) raised to their neighbours; and the height anywhere on it by bilinear interpolation, so that
 * what is drawn on the surface stays on the surface drawn. */
#ifndef BASIN_RELIEF_H
#define BASIN_RELIEF_H

#include "field.h"

#include <stddef.h>

/* The share of the samples, the lowest, that lie flat at the height of the highest of them: below it a log
 * scale sinks a minimum into a funnel and a narrow valley into a trench of needles. */
#define BASIN_RELIEF_FLAT 0.03

/* How far below all eight neighbours (in fractions of the colour scale) a sample may lie before it counts
 * as a dip narrower than the grid. */
#define BASIN_RELIEF_DIP 0.02

/* The heights in [0, 1] of field's nx × ny samples into heights (row-major like field->f): the colour
 * fraction (non-finite values at the top), the lowest BASIN_RELIEF_FLAT of them raised to the highest of
 * those, then each sample raised to at most BASIN_RELIEF_DIP below the lowest of its neighbours. Can't
 * fail (without memory for the sort, the lowest samples are left as they are). */
void basin_relief_heights(const basin_field *field, float *heights);

/* The height at grid coordinates (gx, gy) (0 to nx − 1, 0 to ny − 1; clamped) by bilinear interpolation. */
double basin_relief_height_at(const float *heights, size_t nx, size_t ny, double gx, double gy);

#endif
