/* schedule.h: learning-rate schedules, a factor on the base lr at step index t = 0, 1, ... (the first
 * step uses t = 0), with the closed forms of torch's StepLR, ExponentialLR, CosineAnnealingLR and a
 * linear warmup. */
#ifndef BASIN_SCHEDULE_H
#define BASIN_SCHEDULE_H

#include "registry.h"

/* Builds a schedule from a registry entry of kind BASIN_KIND_SCHEDULE. Returns it (owned by the
 * caller) or NULL with basin_error_message(). */
basin_schedule *basin_schedule_create(const basin_entry *entry, const basin_params *params);

/* Frees s; NULL is a no-op. */
void basin_schedule_destroy(basin_schedule *s);

/* The factor on base_lr at step index t; horizon is the run's step count, which cosine uses when
 * T_max is not given. s NULL means constant (1). Can't fail. */
double basin_schedule_factor(const basin_schedule *s, long t, double base_lr, long horizon);

extern const basin_entry basin_schedule_constant;
extern const basin_entry basin_schedule_step;
extern const basin_entry basin_schedule_exp;
extern const basin_entry basin_schedule_cosine;
extern const basin_entry basin_schedule_warmup;

#endif
