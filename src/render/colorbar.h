/* colorbar.h: a vertical colour bar beside a heatmap: the colormap's ramp in a frame, ticks labelled with
 * the values the colours stand for, and a caption above. */
#ifndef BASIN_COLORBAR_H
#define BASIN_COLORBAR_H

#include "colormap.h"
#include "plot.h"

#include <stddef.h>

/* Room a colour bar of values lo to hi (log: 0 < lo < hi) takes right of a heatmap with its labels and
 * caption, in points at theme's size. */
double basin_colorbar_room(const basin_theme *theme, double lo, double hi, bool log);

/* Paints map from t0 (bottom) to t1 (top) of its range into b, framed. Can't fail (a ramp that cannot be
 * allocated is left out). */
void basin_colorbar_ramp(cairo_t *cr, const basin_theme *theme, basin_rect b, basin_colormap map, double t0, double t1);

/* The whole bar for a heatmap whose colours run from map(t0) at value lo to map(t1) at value hi (linearly
 * in the value, or in its logarithm when log: then 0 < lo < hi): the ramp, ticks at nice values with
 * their labels right of it, and caption right of them. Can't fail. */
void basin_colorbar(cairo_t *cr, const basin_theme *theme, basin_rect b, basin_colormap map, double t0, double t1,
                    double lo, double hi, bool log, const char *caption);

/* Ticks at values ticks[k] (labelled as basin_tick_label does with step) at fractions[k] of b's height from
 * its bottom, labels right of b, at least a line apart, and caption right of them reading upwards. */
void basin_colorbar_labels(cairo_t *cr, const basin_theme *theme, basin_rect b, const double *ticks,
                          const double *fractions, size_t n, double step, const char *caption);

/* The same with labels as text (a class's name) at fractions[k] of b's height. */
void basin_colorbar_text_labels(cairo_t *cr, const basin_theme *theme, basin_rect b, const char *const *labels,
                                const double *fractions, size_t n, const char *caption);

/* Room a key with these text labels takes right of a heatmap, as basin_colorbar_room counts it. */
double basin_colorbar_room_labels(const basin_theme *theme, const char *const *labels, size_t n);

/* The bar's place beside a plot area: 0.9 em right of it, 0.9 em wide, as tall. */
basin_rect basin_colorbar_beside(const basin_rect *area, const basin_theme *theme);

#endif
