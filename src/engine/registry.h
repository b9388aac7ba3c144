/* registry.h: every named thing (surfaces, optimizers, schedules, models, data sets,
 * initializers, augmentations) with its keys, defaults, one-line doc
 * and constructor. Spec parsing, `basin list`, --help and lab files all read this one table. */
#ifndef BASIN_REGISTRY_H
#define BASIN_REGISTRY_H

#include "params.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

typedef struct basin_problem basin_problem;
typedef struct basin_optimizer basin_optimizer;
typedef struct basin_schedule basin_schedule;
typedef struct basin_dataset basin_dataset;
typedef struct basin_net basin_net;

typedef enum {
    BASIN_KIND_SURFACE,
    BASIN_KIND_OPTIMIZER,
    BASIN_KIND_SCHEDULE,
    BASIN_KIND_MODEL,
    BASIN_KIND_DATA,
    BASIN_KIND_INIT,
    BASIN_KIND_AUGMENT,
    BASIN_KIND_PARALLEL,
    BASIN_KIND_COUNT,
} basin_kind;

typedef struct basin_entry {
    basin_kind kind;
    const char *name;
    const char *doc;               /* one line */
    const basin_param_spec *specs; /* terminated by BASIN_PARAMS_END */
    const void *impl;              /* what the constructor needs to tell family members apart */
    /* Constructors: return a new object owned by the caller, or NULL with basin_error_message(). */
    union {
        basin_problem *(*surface)(const struct basin_entry *self, const basin_params *params);
        basin_optimizer *(*optimizer)(const struct basin_entry *self, const basin_params *params,
                                      size_t dim);
        basin_schedule *(*schedule)(const struct basin_entry *self, const basin_params *params);
        /* fills net for data; returns 0 or -1 */
        int (*model)(const struct basin_entry *self, const basin_params *params, const basin_dataset *data,
                     basin_net *net);
        /* the raw examples, drawn from rng */
        basin_dataset *(*data)(const struct basin_entry *self, const basin_params *params, gsl_rng *rng);
    } create; /* initializers, augmentations and parallel modes are applied, not created: none */
} basin_entry;

/* The entry of kind named name, or NULL. */
const basin_entry *basin_registry_find(basin_kind kind, const char *name);

/* The entries of a kind in listing order; *count receives their number. Can't fail. */
const basin_entry *const *basin_registry_list(basin_kind kind, size_t *count);

/* "surface", "optimizer", "schedule", "model", "data", "init", "augment", "parallel". */
const char *basin_kind_name(basin_kind kind);

/* Writes "a, b, c": every name of a kind, for error messages. */
void basin_registry_names(basin_kind kind, char *buf, size_t size);

#endif
