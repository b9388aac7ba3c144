/* registry.c: the list of every named thing, in the order `basin list` shows them. */
#include "registry.h"

#include "nn/augment.h"
#include "nn/datasets.h"
#include "nn/init.h"
#include "nn/models.h"
#include "optim/optimizers.h"
#include "parallel/async.h"
#include "parallel/data_parallel.h"
#include "parallel/tensor_parallel.h"
#include "parallel/pipeline.h"
#include "problem/linreg.h"
#include "problem/quadratic.h"
#include "problem/formula.h"
#include "problem/surfaces.h"
#include "schedule.h"

#include <stdio.h>
#include <string.h>

static const basin_entry *const surfaces[] = {
    &basin_surface_quadratic,   &basin_surface_rosenbrock,     &basin_surface_himmelblau,
    &basin_surface_beale,       &basin_surface_booth,          &basin_surface_rastrigin,
    &basin_surface_ackley,      &basin_surface_styblinski_tang, &basin_surface_six_hump_camel,
    &basin_surface_saddle,      &basin_surface_monkey_saddle,  &basin_surface_linreg,
    &basin_surface_expr,
};

static const basin_entry *const optimizers[] = {
    &basin_optim_sgd,  &basin_optim_adagrad, &basin_optim_rmsprop,
    &basin_optim_adam, &basin_optim_adamw,   &basin_optim_newton, &basin_optim_adadelta,
    &basin_optim_adamax, &basin_optim_nadam, &basin_optim_radam, &basin_optim_rprop, &basin_optim_asgd,
    &basin_optim_sam, &basin_optim_lbfgs,
};

static const basin_entry *const schedules[] = {
    &basin_schedule_constant, &basin_schedule_step, &basin_schedule_exp,
    &basin_schedule_cosine,   &basin_schedule_warmup,
};

static const basin_entry *const models[] = {&basin_model_mlp, &basin_model_cnn};

static const basin_entry *const datasets[] = {
    &basin_data_spirals, &basin_data_moons,  &basin_data_circles, &basin_data_blobs,
    &basin_data_xor,     &basin_data_linreg, &basin_data_digits, &basin_data_csv,
};

static const basin_entry *const inits[] = {
    &basin_init_default,         &basin_init_constant,       &basin_init_zeros,
    &basin_init_uniform,         &basin_init_normal,         &basin_init_xavier_uniform,
    &basin_init_xavier_normal,   &basin_init_kaiming_uniform, &basin_init_kaiming_normal,
    &basin_init_orthogonal,
};

static const basin_entry *const augments[] = {&basin_augment_image, &basin_augment_jitter};

static const basin_entry *const parallels[] = {&basin_parallel_sync, &basin_parallel_async, &basin_parallel_pipeline,
                                               &basin_parallel_tensor};

static const struct {
    const basin_entry *const *entries;
    size_t count;
    const char *name;
} kinds[BASIN_KIND_COUNT] = {
    [BASIN_KIND_SURFACE] = {surfaces, sizeof surfaces / sizeof *surfaces, "surface"},
    [BASIN_KIND_OPTIMIZER] = {optimizers, sizeof optimizers / sizeof *optimizers, "optimizer"},
    [BASIN_KIND_SCHEDULE] = {schedules, sizeof schedules / sizeof *schedules, "schedule"},
    [BASIN_KIND_MODEL] = {models, sizeof models / sizeof *models, "model"},
    [BASIN_KIND_DATA] = {datasets, sizeof datasets / sizeof *datasets, "data"},
    [BASIN_KIND_INIT] = {inits, sizeof inits / sizeof *inits, "init"},
    [BASIN_KIND_AUGMENT] = {augments, sizeof augments / sizeof *augments, "augment"},
    [BASIN_KIND_PARALLEL] = {parallels, sizeof parallels / sizeof *parallels, "parallel"},
};

const basin_entry *basin_registry_find(basin_kind kind, const char *name)
{
    for (size_t i = 0; i < kinds[kind].count; i++)
        if (strcmp(kinds[kind].entries[i]->name, name) == 0)
            return kinds[kind].entries[i];
    return NULL;
}

const basin_entry *const *basin_registry_list(basin_kind kind, size_t *count)
{
    *count = kinds[kind].count;
    return kinds[kind].entries;
}

const char *basin_kind_name(basin_kind kind)
{
    return kinds[kind].name;
}

void basin_registry_names(basin_kind kind, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < kinds[kind].count && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", kinds[kind].entries[i]->name);
}
