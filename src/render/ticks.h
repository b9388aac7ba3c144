/* ticks.h: "nice" tick positions and labels for linear and log axes. */
#ifndef BASIN_TICKS_H
#define BASIN_TICKS_H

#include <stdbool.h>
#include <stddef.h>

/* Writes up to max tick values in [lo, hi] into ticks and returns how many: multiples of 1, 2, 2.5 or 5
 * × 10^k aiming at about target ticks; on a log axis the powers of ten (every k-th when there are many),
 * 1, 2 and 5 times them when only one or two are in range, or linear ticks when the range spans less
 * than a decade. *step receives the linear spacing (0 on a decade axis, −1 on a 1-2-5 one), for
 * labelling. */
size_t basin_ticks(double lo, double hi, bool log, int target, double *ticks, size_t max, double *step);

/* A tick label: as few decimals as step needs ("0.25", "-3", "1e+06"), or 10ⁿ with Unicode superscripts
 * on a decade axis (step 0), or m·10ⁿ on a 1-2-5 one (step −1). */
void basin_tick_label(double value, double step, char *buf, size_t size);

#endif
