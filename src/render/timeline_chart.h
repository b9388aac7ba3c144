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

/* Draws t from time 0 to the end of step last_step (all when last_step ≤ 0): every span under way by then,
 * cut at the edge, in outer, titled title (the idle share is appended), with a legend of the kinds present
 * below the rows. Can't fail. */
void basin_chart_timeline(cairo_t *cr, basin_rect outer, const basin_theme *theme, const basin_timeline *t,
                          long last_step, const char *title);

/* The plot basin_chart_timeline draws in: x is simulated time; row r fills the r-th of t->rows equal
 * bands of the data area from the top. Can't fail. */
basin_plot basin_timeline_chart_plot(basin_rect outer, const basin_theme *theme, const basin_timeline *t, long last_step);

/* The idle share of rows × [0, end of step last_step): what the chart's title says. */
double basin_timeline_shown_idle(const basin_timeline *t, long last_step);

#endif
