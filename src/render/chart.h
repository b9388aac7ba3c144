/* chart.h: general charts: lines (loss against step on a log axis, learning rate, λmax beside its stability limit,
 * train/test curves, a 1-D landscape), a histogram or density (a Hessian spectrum), bars (per-layer
 * variances). */
#ifndef BASIN_CHART_H
#define BASIN_CHART_H

#include "plot.h"
#include "theme.h"

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct basin_series {
    const double *x, *y; /* n points; non-finite points (and ≤ 0 on a log axis) break the line */
    size_t n;
    double rgb[3];
    bool dashed;    /* a reference line such as 2/η */
    bool dotted;    /* a third kind of line: dots (an averaged model beside the trained one) */
    bool end_cross; /* a diverged run: left out of the range, marked where it leaves (or ends) */
    size_t inner;   /* its first inner points are a thin line, so that an earlier series it coincides
                       with there shows around it (a run stopped early, a run before it parts) */
    bool extent;    /* not drawn: its points only widen the axes (what later frames of an animation show,
                       so that the axes do not jump) */
} basin_series;

/* How many leading points b shares with a (the same x and y to 1e-9 relative): b is drawn inner there. */
size_t basin_series_shared_prefix(const basin_series *a, const basin_series *b);

/* Sets inner on each series to the longest prefix it shares with an earlier one of the same dash (when
 * two points or more), so that both show. */
void basin_series_mark_inner(basin_series *series, size_t n);

/* Draws series in outer with axes fitted to the data (y on a log axis if ylog). The y range is padded;
 * a log axis starts at most 30 decades below its top. The range fits the runs that did not diverge
 * (end_cross false) and the start of those that did, so a diverging run never squeezes the others: it is
 * drawn up to the top edge, with a triangle where it left (or a cross at its end when it stays inside).
 * On a log axis a value of exactly 0 (f − f* where f* was reached) drops the line to the axis floor and
 * marks the first such point with a disc; a negative value is a gap. Returns the plot used. */
basin_plot basin_chart_lines(cairo_t *cr, basin_rect outer, const basin_theme *theme, const basin_series *series,
                             size_t n_series, bool ylog, const char *title, const char *xlabel, const char *ylabel);

/* The same, drawing each series' first shown points on axes fitted to all of its points. */
basin_plot basin_chart_lines_upto(cairo_t *cr, basin_rect outer, const basin_theme *theme, const basin_series *series,
                                  size_t n_series, size_t shown, bool ylog, const char *title, const char *xlabel,
                                  const char *ylabel);

/* A histogram of n values in bins equal bins over their range; density scales bars to unit area. */
basin_plot basin_chart_histogram(cairo_t *cr, basin_rect outer, const basin_theme *theme, const double *values, size_t n,
                                 int bins, bool density, const double rgb[3], const char *title, const char *xlabel);

/* One bar per value, named below; ylog puts the values on a log axis. */
basin_plot basin_chart_bars(cairo_t *cr, basin_rect outer, const basin_theme *theme, const char *const *names,
                            const double *values, size_t n, bool ylog, const double rgb[3], const char *title,
                            const char *ylabel);

#endif
