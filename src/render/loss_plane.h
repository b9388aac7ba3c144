/* loss_plane.h: a loss landscape over a plane of parameter space as Li et al. (2018) draw it: the loss
 * on a G × G grid coloured on a log scale with level sets, a path in the plane on top. What a training
 * lab's landscape panels and `basin landscape --plot` draw (the 3-D view builds its mesh from it too). */
#ifndef BASIN_LOSS_PLANE_H
#define BASIN_LOSS_PLANE_H

#include "lab/net_trace.h"
#include "render/plot.h"
#include "render/theme.h"

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct basin_loss_plane {
    size_t grid;                   /* G points a side (≥ 2) */
    const double *loss;            /* G × G, row-major, b outer; NaN where not computed yet */
    double a_range[2], b_range[2]; /* the grid's first and last coordinates along each direction */
    const double *path_a, *path_b; /* a path in the plane (NULL: none) ... */
    size_t path_len;               /* ... of this many points */
    double rgb[3];                 /* its dots' colour */
} basin_loss_plane;

/* A run's landscape (t->land_grid > 0) with its trajectory up to frame (none before the plane is known). */
basin_loss_plane basin_loss_plane_of_trace(const basin_net_trace *t, size_t frame, const double rgb[3]);

/* The value at grid point (row, col), or while the grid fills in coarse to fine the coarser point covering
 * it (NaN when there is none yet). */
double basin_loss_plane_at(const basin_loss_plane *p, size_t row, size_t col);

/* Widens scale (start it at {INFINITY, -INFINITY}) to log10 of p's finite positive losses, or to the values
 * themselves when *log is false. Can't fail. */
void basin_loss_plane_widen(const basin_loss_plane *p, bool log, double scale[2]);

/* Whether every computed value of p is positive and finite (so that a log scale shows them all). */
bool basin_loss_plane_positive(const basin_loss_plane *p);

/* Draws p into the plot made in r (equal aspect; its axes left to the caller, *plot receives it): the
 * heatmap (viridis, scale[0] to scale[1] of log10(loss) or of the loss), 12 thin level sets between them,
 * and the path (a white line, dots in p->rgb). Returns 0, or -1 with a message (out of memory). */
int basin_loss_plane_draw(cairo_t *cr, basin_rect r, const basin_theme *theme, const basin_loss_plane *p,
                          const double scale[2], bool log, basin_plot *plot);

/* Whether every point of p is computed. */
bool basin_loss_plane_complete(const basin_loss_plane *p);

/* Paints a 3-D view of plane into rect of cr (points; scale pixels a point). Returns 0, or -1 with a message. */
typedef int (*basin_plane_painter)(cairo_t *cr, basin_rect rect, double scale, const basin_loss_plane *plane,
                                   void *user);

/* A landscape figure: its title, the plane with axes (or its 3-D view through paint3d), a colour bar of the
 * loss; a 1-D slice (one_d: loss holds grid values along a) is a curve on a linear axis. */
typedef struct basin_loss_figure {
    const basin_loss_plane *plane;
    bool one_d;
    const char *title, *x_label, *y_label;
    basin_plane_painter paint3d; /* NULL: the flat figure */
    void *user;
} basin_loss_figure;

/* A basin_drawing of a basin_loss_figure (ctx). Returns 0, or -1 with a message. */
int basin_loss_figure_draw(cairo_t *cr, double w, double h, const void *ctx);

#endif
