/* timeline_chart.h: a parallel run's timeline as a Gantt chart, drawn as in the GPipe and Megatron papers:
 * workers or stages as rows, forwards, backwards (or whole gradients) and communication as boxes, idle
 * time as the bare row, micro-batch numbers in the boxes that fit them, and the idle share of the shown
 * time in the title. */
#ifndef BASIN_TIMELINE_CHART_H
#define BASIN_TIMELINE_CHART_H

#include "plot.h"
#include "theme.h"

#include "engine/parallel/timeline.h"

#include <cairo.h>
#include <stdbool.h>

/* What part of a timeline a chart shows, and how. */
typedef struct basin_timeline_window {
    long first_step, last_step; /* steps count from 1; last_step ≤ 0: to the end */
    double duration;            /* the time axis's length (charts stacked on one scale); 0: the steps' own */
    bool compact;               /* no axis label and legend: charts stacked over one shared legend */
    double title_size;          /* at most this type size for the title (stacked charts share one); 0: 1.1× */
} basin_timeline_window;

/* Draws t over the time steps first_step … last_step take, from the first one's start (the axis counts
 * from 0 there): every span under way in that time, cut at the edges, in outer, titled title (the idle
 * share and t's note are appended), with the time axis's label and a legend of the kinds present below the
 * rows unless compact. Can't fail. */
void basin_chart_timeline(cairo_t *cr, basin_rect outer, const basin_theme *theme, const basin_timeline *t,
                          const basin_timeline_window *window, const char *title);

/* The type size of the title basin_chart_timeline gives t in a chart width w wide: 1.1× the theme's (or
 * window's title_size), shrunk to fit. Can't fail. */
double basin_timeline_title_size(cairo_t *cr, const basin_theme *theme, double w, const basin_timeline *t,
                                 const basin_timeline_window *window, const char *title);

/* What a chart of t says its x axis is: the simulated time, or t->clock. */
const char *basin_timeline_axis_label(const basin_timeline *t);

/* The plot basin_chart_timeline draws in: x is simulated time since the first shown step began; row r
 * fills the r-th of t->rows equal bands of the data area from the top. Can't fail. */
basin_plot basin_timeline_chart_plot(basin_rect outer, const basin_theme *theme, const basin_timeline *t,
                                     const basin_timeline_window *window);

/* The time steps first … last take (0 when nothing was recorded there). */
double basin_timeline_duration(const basin_timeline *t, long first_step, long last_step);

/* The shared legend under stacked charts: swatches of the kinds present (forward, backward, gradient,
 * communication, in basin_span_kind's order) and idle, in r; its height. Can't fail. */
void basin_timeline_legend(cairo_t *cr, const basin_theme *theme, basin_rect r, const bool present[4]);
double basin_timeline_legend_height(const basin_theme *theme);

/* Marks in present[kind] the kinds of t's spans. Can't fail. */
void basin_timeline_kinds(const basin_timeline *t, bool present[4]);

/* The idle share of rows × the time steps first_step … last_step take: what the chart's title says (NAN
 * when nothing was recorded there). */
double basin_timeline_shown_idle(const basin_timeline *t, long first_step, long last_step);

#endif
