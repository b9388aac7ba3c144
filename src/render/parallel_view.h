/* parallel_view.h: the panels of parallel runs at a moment of their replay: the timeline of workers or
 * stages (training labs; it follows the frame shown), the staleness of the applied gradients (async runs
 * on surfaces or networks) and the loss against simulated time (every run with a clock: the question of
 * scaling is how fast the loss falls in time, not in steps). Each returns 0, or -1 with a message (out
 * of memory). */
#ifndef BASIN_PARALLEL_VIEW_H
#define BASIN_PARALLEL_VIEW_H

#include "plot.h"
#include "theme.h"

#include "lab/lab.h"

#include <cairo.h>
#include <stddef.h>

/* The height each timeline takes at full type size, the least before a layout counts it cramped (its type
 * shrunk to two thirds), and what lies below them (the time axis's label and the legend), in type sizes:
 * shorter bands get smaller type. */
#define BASIN_TIMELINE_BAND 9.0
#define BASIN_TIMELINE_LEAST_BAND 6.0
#define BASIN_TIMELINE_BELOW 3.8

/* Up to four runs' timelines stacked on one time scale, each from its preview's worth of steps ending at
 * the frame shown (from the first step when the whole run is shown). */
int basin_parallel_timelines(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown);

/* The share of steps applied with each staleness τ, a line per run, up to the moment shown. */
int basin_parallel_staleness(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown);

/* Training loss (surface runs: the loss) against simulated time, a line per run, log axis. */
int basin_parallel_scaling(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown);

/* The running estimate of the gradient noise scale B_simple of each sync run against epoch (log axis),
 * and dashed at the same colour the global batch it trains with: below B_simple a bigger batch still
 * buys fewer steps. */
int basin_parallel_noise(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown);

/* Megatron's split of the first tensor-parallel run's model drawn: each Linear layer's units as a column,
 * a split pair's hidden units coloured by the worker that owns them, bands from the units a worker reads
 * to the units it computes, "Σ" where an all-reduce sums the row-parallel layer's partial outputs. */
int basin_parallel_split(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown);

#endif
