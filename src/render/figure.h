/* figure.h: a lab's whole figure: its title, one panel per view (the contour view on the left, the
 * others beside it), a shared legend; drawn on any cairo target and written as PNG, SVG or PDF. */
#ifndef BASIN_FIGURE_H
#define BASIN_FIGURE_H

#include "contour_view.h"
#include "theme.h"

#include "lab/lab.h"

#include <cairo.h>
#include <stdbool.h>

typedef enum { BASIN_FORMAT_PNG, BASIN_FORMAT_SVG, BASIN_FORMAT_PDF } basin_format;

/* Draws the 3-D surface view of lab (its first shown rows) into rect of cr, whose device has scale pixels
 * per point; the render layer has no OpenGL, so whoever has it supplies this. Returns 0, or -1 with a
 * message. */
typedef int (*basin_surface_painter)(cairo_t *cr, basin_rect rect, double scale, const basin_lab *lab, size_t shown,
                                     bool dark, void *user);

typedef struct basin_figure_options {
    int width, height; /* pixels for PNG; with dpi, the page size of SVG and PDF */
    double dpi;        /* pixels per inch: fonts are in points, so this scales a PNG's text */
    bool dark;
    double font_scale;
    bool labels;       /* label the contour lines */
    size_t grid;       /* heatmap samples per side */
    size_t shown;      /* rows of each run drawn (the step a window shows); 0: every row */
    basin_surface_painter surface; /* draws the surface view; NULL: the panel says it needs OpenGL */
    void *surface_user;
    size_t landscape_run; /* a training lab's 3-D view: the run whose landscape it shows (basin_lab_landscape_run) */
} basin_figure_options;

/* The defaults: 1600×900 at 200 dpi, light, a 256-point grid. */
basin_figure_options basin_figure_defaults(void);

/* The format named by path's extension (.png, .svg, .pdf, any case). Returns 0, or -1 with a message. */
int basin_format_from_path(const char *path, basin_format *format);

/* The layout of a figure of size w × h points: where each of the lab's views goes. */
typedef struct basin_figure_layout {
    basin_rect title, legend;
    basin_rect panel[BASIN_VIEW_COUNT];
    basin_view views[BASIN_VIEW_COUNT];
    size_t n;
    double fit; /* how well the smallest panel suits a chart: 1 or more when it has the room one needs */
} basin_figure_layout;

/* The least fit an exported figure is drawn at: below it basin_figure_draw refuses (too small a size for
 * the type). */
#define BASIN_FIGURE_LEAST_FIT 0.6

basin_figure_layout basin_figure_layout_make(const basin_lab *lab, const basin_figure_options *o, double w, double h,
                                             const basin_theme *theme);

/* Whether o's size has room for lab's panels at o's type size (their fit at least BASIN_FIGURE_LEAST_FIT).
 * Returns 0, or -1 with a message saying what to change. */
int basin_figure_check_room(const basin_lab *lab, const basin_figure_options *o);

/* Draws the figure of a simulated lab on cr, whose user space is w × h points. Returns 0, or -1 with a
 * message (panels too small for the type, the surface cannot be sampled, out of memory). */
int basin_figure_draw(cairo_t *cr, double w, double h, const basin_lab *lab, const basin_figure_options *o);

/* What a live figure keeps between frames: the contour view with its cached backdrop, valid for one
 * scene (surface, window, levels, colours, views) at one size, whatever the runs do: changing an
 * optimizer's learning rate does not resample the surface. */
typedef struct basin_figure_cache {
    char scene[1024];
    double w, h, scale;
    basin_figure_options options;
    bool has_view;
    basin_contour_view view;
} basin_figure_cache;

/* Draws the figure as basin_figure_draw does, showing the runs' first shown rows only, and keeping the
 * contour backdrop in cache (rebuilt when the scene, size, scale or options change). cr's device has
 * scale pixels per point. Returns 0, or -1 with a message. */
int basin_figure_draw_live(cairo_t *cr, double w, double h, double scale, const basin_lab *lab,
                           const basin_figure_options *o, size_t shown, basin_figure_cache *cache);

/* Frees what cache holds; a zeroed cache is fine. */
void basin_figure_cache_free(basin_figure_cache *cache);

/* Writes what fixes a lab's drawn surface (its spec, window, levels, scale, colormap and views) into buf:
 * two labs with the same text draw the same backdrop. */
void basin_figure_scene(const basin_lab *lab, char *buf, size_t size);

/* Draws a figure on cr, whose user space is w × h points. Returns 0, or -1 with a message. */
typedef int (*basin_drawing)(cairo_t *cr, double w, double h, const void *ctx);

/* Renders what draw draws at o's size and resolution and writes it in format through write (cairo's
 * stream writer) to closure; a PDF gets title as its metadata. Returns 0 only when drawing and cairo
 * succeed, else -1 with a message. */
int basin_drawing_write(const char *title, const basin_figure_options *o, basin_drawing draw, const void *ctx,
                        basin_format format, cairo_write_func_t write, void *closure);

/* The same to path in the format its extension names, whole or not at all (see basin_figure_export).
 * Returns 0; -2 with a message when the path is unusable; -1 with a message when drawing or writing
 * fails. */
int basin_drawing_export(const char *title, const basin_figure_options *o, basin_drawing draw, const void *ctx,
                         const char *path, FILE *stdout_stream);

/* Renders the figure and writes it in format through write (cairo's stream writer) to closure. Returns
 * 0 only when cairo reports success, else -1 with a message. */
int basin_figure_write(const basin_lab *lab, const basin_figure_options *o, basin_format format,
                       cairo_write_func_t write, void *closure);

/* Writes the figure to path in the format its extension names, whole or not at all (a temporary file
 * renamed when complete; "-" writes to stdout_stream): what `basin export` and the window's `e` key do.
 * Returns 0; -2 with a message when the path is unusable (an unknown extension, a folder that cannot
 * be written to); -1 with a message when drawing or writing fails (nothing is left behind). */
int basin_figure_export(const basin_lab *lab, const basin_figure_options *o, const char *path, FILE *stdout_stream);

#endif
