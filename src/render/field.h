/* field.h: a 2-D problem's loss sampled on a grid over a window, with the colour scale and the contour
 * levels that suit it (log-spaced above the minimum where values span decades, as on Rosenbrock). */
#ifndef BASIN_FIELD_H
#define BASIN_FIELD_H

#include "colormap.h"

#include "engine/problem.h"
#include "lab/lab.h"

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct basin_field {
    size_t nx, ny;
    double window[4]; /* xmin, xmax, ymin, ymax */
    double *f;        /* ny × nx, row j at y = ymin + j·dy */
    double lo, hi;    /* finite range of f */
    bool log;         /* colours and levels spaced in log(f − ref) */
    double ref;       /* log reference: f* when known, else the grid's minimum */
    double floor;     /* smallest f − ref that the log scale resolves */
} basin_field;

/* Samples p (2-D) on nx × ny points of window and picks the scale (scale AUTO: log when the top of the
 * range is over 100 times the 10th percentile, both above ref). Returns 0, or -1 with a message (out of
 * memory, or no finite value in the window). */
int basin_field_sample(basin_field *field, const basin_problem *p, const double window[4], size_t nx, size_t ny,
                       basin_level_scale scale);

/* The same for values already computed (ny rows of nx, row j at y = ymin + j·dy, as a landscape's grid):
 * copied in, the scale picked as for a sampled problem whose minimum is f_min (NaN: unknown). Returns 0,
 * or -1 with a message. */
int basin_field_from_values(basin_field *field, const double *values, const double window[4], size_t nx, size_t ny,
                            double f_min, basin_level_scale scale);

/* Frees the samples; a zeroed field is fine. */
void basin_field_free(basin_field *field);

/* Where v falls on the colour scale, in [0, 1] (NaN for non-finite v). */
double basin_field_fraction(const basin_field *field, double v);

/* The value at fraction t of the scale (the inverse of basin_field_fraction). */
double basin_field_value(const basin_field *field, double t);

/* An nx × ny image of the field through map (row 0 at the top, i.e. at ymax). NULL on failure. */
cairo_surface_t *basin_field_image(const basin_field *field, basin_colormap map);

#endif
