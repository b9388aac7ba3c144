/* schedule.c: closed-form learning-rate schedules.
 *   constant              1
 *   step                  γ^⌊t/S⌋                                   (torch StepLR)
 *   exp                   γ^t                                       (torch ExponentialLR)
 *   cosine                (t+1)/W for t < W, then
 *                         E/lr + (1 − E/lr)(1 + cos(π(t−W)/(T−W)))/2   (CosineAnnealingLR after a
 *                         linear warmup: past T_max it follows the cosine back up, as torch's does;
 *                         with hold=true, min(t−W, T−W) holds eta_min instead)
 *   warmup                (t+1)/W for t < W, then 1                 (torch LinearLR from 1/W to 1) */
#include "schedule.h"

#include "error.h"

#include <math.h>
#include <stdlib.h>

typedef enum { SCHEDULE_CONSTANT, SCHEDULE_STEP, SCHEDULE_EXP, SCHEDULE_COSINE, SCHEDULE_WARMUP } schedule_kind;

struct basin_schedule {
    schedule_kind kind;
    double step_size, gamma, t_max, eta_min, warmup;
    bool hold; /* cosine: hold eta_min after T_max */
};

static const schedule_kind kinds[] = {SCHEDULE_CONSTANT, SCHEDULE_STEP, SCHEDULE_EXP, SCHEDULE_COSINE,
                                      SCHEDULE_WARMUP};

static double key_or(const basin_entry *entry, const basin_params *params, const char *key, double fallback)
{
    return basin_param_find(entry->specs, key) >= 0 ? basin_params_real(params, key) : fallback;
}

basin_schedule *basin_schedule_create(const basin_entry *entry, const basin_params *params)
{
    BASIN_ASSERT(entry->kind == BASIN_KIND_SCHEDULE);
    return entry->create.schedule(entry, params);
}

static basin_schedule *schedule_create(const basin_entry *entry, const basin_params *params)
{
    basin_schedule *s = calloc(1, sizeof *s);
    if (!s) {
        basin_error_set("%s: out of memory", entry->name);
        return NULL;
    }
    s->kind = *(const schedule_kind *)entry->impl;
    s->step_size = key_or(entry, params, "step_size", 1);
    s->gamma = key_or(entry, params, "gamma", 1);
    s->t_max = key_or(entry, params, "T_max", 0);
    s->eta_min = key_or(entry, params, "eta_min", 0);
    s->warmup = key_or(entry, params, s->kind == SCHEDULE_WARMUP ? "steps" : "warmup", 0);
    s->hold = s->kind == SCHEDULE_COSINE && basin_params_bool(params, "hold");
    if (s->kind == SCHEDULE_COSINE && s->t_max > 0 && s->t_max <= s->warmup) {
        basin_error_set("cosine: T_max=%g must exceed warmup=%g (T_max counts the warmup steps)", s->t_max,
                        s->warmup);
        free(s);
        return NULL;
    }
    return s;
}

void basin_schedule_destroy(basin_schedule *s)
{
    free(s);
}

double basin_schedule_factor(const basin_schedule *s, long t, double base_lr, long horizon)
{
    if (!s)
        return 1;
    double tt = (double)t;
    switch (s->kind) {
    case SCHEDULE_CONSTANT:
        return 1;
    case SCHEDULE_STEP:
        return pow(s->gamma, floor(tt / s->step_size));
    case SCHEDULE_EXP:
        return pow(s->gamma, tt);
    case SCHEDULE_WARMUP:
        return tt < s->warmup ? (tt + 1) / s->warmup : 1;
    case SCHEDULE_COSINE: {
        if (tt < s->warmup)
            return (tt + 1) / s->warmup;
        /* A zero base lr stays zero (the factor form cannot rise from 0 to eta_min). */
        double floor_factor = base_lr > 0 ? s->eta_min / base_lr : 0;
        double span = (s->t_max > 0 ? s->t_max : (double)horizon) - s->warmup;
        if (span <= 0)
            return floor_factor;
        double progress = (s->hold ? fmin(tt - s->warmup, span) : tt - s->warmup) / span;
        return floor_factor + (1 - floor_factor) * (1 + cos(M_PI * progress)) / 2;
    }
    }
    return 1;
}

static const basin_param_spec constant_specs[] = {BASIN_PARAMS_END};
static const basin_param_spec step_specs[] = {
    BASIN_INT("step_size", NULL, 1, BASIN_INF, "steps between decays"),
    BASIN_REAL("gamma", "0.1", 0, BASIN_INF, "factor applied every step_size steps"),
    BASIN_PARAMS_END};
static const basin_param_spec exp_specs[] = {
    BASIN_REAL("gamma", NULL, 0, BASIN_INF, "factor applied every step"),
    BASIN_PARAMS_END};
static const basin_param_spec cosine_specs[] = {
    BASIN_INT("T_max", "0", 0, BASIN_INF, "step where the cosine reaches eta_min (0: the run's step count)"),
    BASIN_REAL("eta_min", "0", 0, BASIN_INF, "the lowest learning rate (absolute, not a factor)"),
    BASIN_INT("warmup", "0", 0, BASIN_INF, "steps of linear warmup before the cosine starts"),
    BASIN_BOOL("hold", "false", "hold eta_min after T_max (torch follows the cosine back up)"),
    BASIN_PARAMS_END};
static const basin_param_spec warmup_specs[] = {
    BASIN_INT("steps", "5", 1, BASIN_INF, "warmup length W: the factor is (t+1)/W for t < W"),
    BASIN_PARAMS_END};

const basin_entry basin_schedule_constant = {
    BASIN_KIND_SCHEDULE, "constant", "the base learning rate at every step", constant_specs,
    &kinds[SCHEDULE_CONSTANT], {.schedule = schedule_create}};
const basin_entry basin_schedule_step = {
    BASIN_KIND_SCHEDULE, "step", "γ^⌊t/step_size⌋: decay by gamma every step_size steps (torch StepLR)",
    step_specs, &kinds[SCHEDULE_STEP], {.schedule = schedule_create}};
const basin_entry basin_schedule_exp = {
    BASIN_KIND_SCHEDULE, "exp", "γ^t: decay by gamma every step (torch ExponentialLR)", exp_specs,
    &kinds[SCHEDULE_EXP], {.schedule = schedule_create}};
const basin_entry basin_schedule_cosine = {
    BASIN_KIND_SCHEDULE, "cosine",
    "linear warmup, then a cosine from lr down to eta_min at T_max and on (torch CosineAnnealingLR)",
    cosine_specs, &kinds[SCHEDULE_COSINE], {.schedule = schedule_create}};
const basin_entry basin_schedule_warmup = {
    BASIN_KIND_SCHEDULE, "warmup", "(t+1)/W for the first W steps, then the base lr (torch LinearLR)",
    warmup_specs, &kinds[SCHEDULE_WARMUP], {.schedule = schedule_create}};
