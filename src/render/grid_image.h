/* grid_image.h: a heatmap's pixels: a square grid of colours painted into a plot area, smoothed
 * bilinearly. What the decision regions and the loss landscapes draw. */
#ifndef BASIN_GRID_IMAGE_H
#define BASIN_GRID_IMAGE_H

#include "plot.h"

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

/* The colour of cell (row, col) of the grid, row 0 at the top, into rgb. */
typedef void (*basin_cell_color)(size_t row, size_t col, unsigned char rgb[3], const void *ctx);

/* Paints an n × n grid of colours into p's area, clipped to it: with centred, the cells' centres sit on
 * the grid's points (the first and last on the area's edges: the image reaches half a cell past them),
 * else the cells tile the area. Returns 0, or -1 with a message naming what (out of memory). */
int basin_paint_grid(cairo_t *cr, const basin_plot *p, size_t n, bool centred, basin_cell_color color, const void *ctx,
                     const char *what);

#endif
