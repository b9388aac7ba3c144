/* optimizer.c: what every optimizer shares: construction, stepping, one block of state. */
#include "optimizer.h"

#include "../error.h"

#include <stdlib.h>

basin_optimizer *basin_optimizer_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    BASIN_ASSERT(entry->kind == BASIN_KIND_OPTIMIZER);
    return entry->create.optimizer(entry, params, dim);
}

int basin_optimizer_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                         basin_batch batch)
{
    BASIN_ASSERT(p == NULL || p->dim == o->dim);
    int status = o->ops->step(o, w, g, lr, p, batch);
    if (status == 0)
        o->steps++;
    return status;
}

double basin_optimizer_stability_limit(const basin_optimizer *o, double lr, char *formula, size_t size)
{
    char scratch[96];
    if (!o->ops->stability_limit) {
        if (formula)
            snprintf(formula, size, "none: %s", o->ops->no_limit);
        return NAN;
    }
    return o->ops->stability_limit(o, lr, formula ? formula : scratch, formula ? size : sizeof scratch);
}

bool basin_optimizer_coordinate_steps(const basin_optimizer *o, double lr, double *out)
{
    if (!o->ops->coordinate_steps || o->steps == 0)
        return false;
    o->ops->coordinate_steps(o, lr, out);
    return true;
}

const double *basin_optimizer_average(const basin_optimizer *o)
{
    return o->ops->average ? o->ops->average(o) : NULL;
}

void basin_optimizer_destroy(basin_optimizer *o)
{
    if (!o)
        return;
    if (o->ops->release)
        o->ops->release(o);
    free(o->state);
    free(o);
}

void *basin_optimizer_alloc(size_t size, const basin_entry *entry, const basin_optimizer_ops *ops,
                            const basin_params *params, size_t dim, size_t state_len)
{
    basin_optimizer *o = calloc(1, size);
    double *state = calloc(state_len ? state_len : 1, sizeof *state);
    if (!o || !state) {
        free(o);
        free(state);
        basin_error_set("%s: out of memory for %zu parameters", entry->name, dim);
        return NULL;
    }
    o->ops = ops;
    o->entry = entry;
    o->dim = dim;
    o->lr = basin_param_find(params->specs, "lr") >= 0 ? basin_params_real(params, "lr") : 0;
    o->state = state;
    return o;
}

basin_moments basin_moments_read(const basin_params *params)
{
    return (basin_moments){basin_params_real(params, "beta1"), basin_params_real(params, "beta2"),
                           basin_params_real(params, "eps"), basin_params_real(params, "weight_decay")};
}
