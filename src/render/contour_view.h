/* contour_view.h: the main 2-D view: the loss as a heatmap with contour lines and a colour bar, and the
 * runs' trajectories on top. What does not change between frames (the backdrop) is drawn once into a
 * cached image for raster frames; vector exports draw it directly. */
#ifndef BASIN_CONTOUR_VIEW_H
#define BASIN_CONTOUR_VIEW_H

#include "field.h"
#include "plot.h"
#include "theme.h"

#include "lab/lab.h"

#include <cairo.h>

#define BASIN_MAX_LEVELS 200

typedef struct basin_contour_view {
    basin_rect outer;
    basin_plot plot;
    basin_rect colorbar;
    basin_field field;
    basin_colormap map;
    double levels[BASIN_MAX_LEVELS];
    int n_levels;
    cairo_surface_t *heat;     /* the field through the colormap */
    cairo_surface_t *backdrop; /* the cached backdrop at backdrop_scale pixels per point, or NULL */
    double backdrop_scale;
} basin_contour_view;

/* The colormap a lab's surface is drawn with: its colormap key, where auto means the diverging map for
 * surfaces unbounded below (saddles) and viridis otherwise. */
basin_colormap basin_lab_colormap(const basin_lab *lab);

/* The window a lab's contour view shows: xrange/yrange if given, else the surface's usual window (or the
 * runs' bounding box), widened to hold every start point. */
void basin_contour_window(const basin_lab *lab, double window[4]);

/* Lays the view out in outer and samples the lab's surface on a grid × grid mesh. Returns 0, or -1 with
 * a message. */
int basin_contour_view_init(basin_contour_view *v, const basin_lab *lab, basin_rect outer, const basin_theme *theme,
                            size_t grid);

/* Frees the samples and images; a zeroed view is fine. */
void basin_contour_view_free(basin_contour_view *v);

/* Draws the backdrop: heatmap, contour lines (labelled if labels), colour bar, axes and title. */
void basin_contour_view_backdrop(basin_contour_view *v, cairo_t *cr, const basin_theme *theme, const char *title,
                                 bool labels);

/* Paints the backdrop from the cache, rendering it first at scale pixels per point if needed. For raster
 * targets whose device is scale pixels per point. */
void basin_contour_view_backdrop_cached(basin_contour_view *v, cairo_t *cr, const basin_theme *theme,
                                        const char *title, bool labels, double scale);

/* Draws every run of lab up to row shown (or its end), in its colour. */
void basin_contour_view_runs(const basin_contour_view *v, cairo_t *cr, const basin_lab *lab, const basin_theme *theme,
                             size_t shown);

#endif
