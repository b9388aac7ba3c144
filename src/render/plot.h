/* plot.h: one plot: a data area inside a panel, its mapping from data to points (linear or log), its
 * frame, ticks, grid, title and axis labels; and text drawing for everything else. */
#ifndef BASIN_PLOT_H
#define BASIN_PLOT_H

#include "theme.h"

#include <cairo.h>
#include <stddef.h>
#include <stdbool.h>

typedef struct basin_rect {
    double x, y, w, h;
} basin_rect;

typedef struct basin_plot {
    basin_rect area; /* the data area, in points */
    double xmin, xmax, ymin, ymax;
    bool xlog, ylog;
    bool no_y_ticks; /* the caller labels the y axis itself (a timeline's rows) */
    basin_rect outer; /* the panel it was made in: text stays inside */
    bool x_counts;    /* x counts things (layers, whole epochs): ticks at whole numbers only */
} basin_plot;

/* A plot filling outer less room for a title, tick labels and axis labels. Ranges must be increasing
 * (positive on a log axis). Can't fail. */
basin_plot basin_plot_make(basin_rect outer, const basin_theme *theme, double xmin, double xmax, bool xlog,
                           double ymin, double ymax, bool ylog);

/* Shrinks the data area (centred) so that one unit is as long on x as on y (contour views). */
void basin_plot_equal_aspect(basin_plot *p);

/* Data to points. Values outside the range map outside the area; on a log axis, values ≤ 0 map to
 * -∞-ward points far outside. */
double basin_plot_x(const basin_plot *p, double x);
double basin_plot_y(const basin_plot *p, double y);

/* Points to data: the inverse of basin_plot_x and basin_plot_y. */
double basin_plot_data_x(const basin_plot *p, double px);
double basin_plot_data_y(const basin_plot *p, double py);

/* Draws the frame, grid (if grid), ticks with labels, the title above and the axis labels (NULL: none). */
void basin_plot_axes(cairo_t *cr, const basin_plot *p, const basin_theme *theme, const char *title,
                     const char *xlabel, const char *ylabel, bool grid);

/* Clips cr to the data area (cairo_save first; cairo_restore to undo). */
void basin_plot_clip(cairo_t *cr, const basin_plot *p);

/* Draws UTF-8 text of size points at (x, y) anchored by (ax, ay): 0 left/top, 0.5 centre, 1 right/bottom
 * (of the text's logical extents), rotated by angle radians. */
void basin_text(cairo_t *cr, const basin_theme *theme, double size, basin_rgb color, double x, double y, double ax,
                double ay, double angle, const char *text);

/* Where text was drawn on a cairo context, in device pixels: what a test of a layout reads back. */
typedef struct basin_text_box {
    double x0, y0, x1, y1; /* the text's logical extents (ascent to descent, advance wide), axis-aligned */
    char text[64];         /* its first bytes */
} basin_text_box;

typedef struct basin_text_boxes {
    basin_text_box *box; /* owned; n of them */
    size_t n, cap;
} basin_text_boxes;

/* From now on every basin_text on cr adds its box to boxes (which must outlive cr's drawing; a box that
 * cannot be stored is dropped). Free boxes->box when done. */
void basin_text_boxes_record(cairo_t *cr, basin_text_boxes *boxes);

/* Draws text centred in box at size points, or smaller to fit its width (down to 60 %), or else on two
 * lines broken at the space nearest the middle, each fitted the same way. */
void basin_text_fit(cairo_t *cr, const basin_theme *theme, double size, basin_rgb color, basin_rect box,
                    const char *text);

/* Draws text (when draw) as a paragraph broken at spaces into lines at most width points wide (a word
 * wider than that gets a line of its own), its first line's top at (x, y). Returns its height. */
double basin_text_paragraph(cairo_t *cr, const basin_theme *theme, double size, basin_rgb color, double x, double y,
                            double width, const char *text, bool draw);

/* The advance width of text at size points. */
double basin_text_width(cairo_t *cr, const basin_theme *theme, double size, const char *text);

/* Sets cr's source colour. */
void basin_set_color(cairo_t *cr, basin_rgb c);

#endif
