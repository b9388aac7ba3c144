/* rprop.c: torch.optim.Rprop (1.13), resilient backpropagation: only the gradient's sign is used. Each
 * coordinate's step s starts at lr; where g·g_prev > 0 it grows (s·η₊), where < 0 it shrinks (s·η₋) and
 * that step is skipped (the gradient is taken as 0, also for the next comparison), where = 0 it stays;
 * s is clamped to [step_size_min, step_size_max]; w = w − sign(g)·s. The learning rate only seeds s. */
#include "optimizer.h"
#include "optimizers.h"

#include "../error.h"

#include <math.h>

typedef struct rprop {
    basin_optimizer base;
    double etaminus, etaplus, step_min, step_max;
    double *prev, *step_size;
} rprop;

static double sign_of(double v)
{
    return (double)((v > 0) - (v < 0));
}

static int rprop_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                      basin_batch batch)
{
    (void)p, (void)batch;
    rprop *a = (rprop *)o;
    for (size_t i = 0; i < o->dim; i++) {
        if (o->steps == 0) /* torch fills the steps with the group's lr when it makes the state */
            a->step_size[i] = lr;
        double factor = sign_of(g[i] * a->prev[i]);
        factor = factor > 0 ? a->etaplus : factor < 0 ? a->etaminus : 1;
        a->step_size[i] = fmin(fmax(a->step_size[i] * factor, a->step_min), a->step_max);
        double d = factor == a->etaminus ? 0 : g[i];
        w[i] = w[i] + -1 * sign_of(d) * a->step_size[i];
        a->prev[i] = d;
    }
    return 0;
}

/* Each coordinate's step, whatever the gradient's size. */
static void rprop_coordinate_steps(const basin_optimizer *o, double lr, double *out)
{
    (void)lr;
    const rprop *a = (const rprop *)o;
    for (size_t i = 0; i < o->dim; i++)
        out[i] = a->step_size[i];
}

static const basin_optimizer_ops rprop_ops = {
    .step = rprop_step,
    .no_limit = "Rprop steps by the gradient's sign",
    .coordinate_steps = rprop_coordinate_steps};

static basin_optimizer *rprop_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    double etaminus = basin_params_real(params, "etaminus"), etaplus = basin_params_real(params, "etaplus");
    if (!(etaminus < 1 && 1 < etaplus)) { /* torch: 0 < etaminus < 1 < etaplus */
        basin_error_set("rprop: etaminus=%g and etaplus=%g must have 0 < etaminus < 1 < etaplus", etaminus, etaplus);
        return NULL;
    }
    rprop *a = basin_optimizer_alloc(sizeof *a, entry, &rprop_ops, params, dim, 2 * dim);
    if (!a)
        return NULL;
    a->etaminus = etaminus, a->etaplus = etaplus;
    a->step_min = basin_params_real(params, "step_size_min");
    a->step_max = basin_params_real(params, "step_size_max");
    a->prev = a->base.state;
    a->step_size = a->base.state + dim;
    return &a->base;
}

static const basin_param_spec rprop_specs[] = {
    BASIN_REAL("lr", "0.01", 0, BASIN_INF, "the first step of each coordinate"),
    BASIN_REAL("etaminus", "0.5", 0, 1, "factor of a step after the gradient's sign flipped (torch's etas[0])"),
    BASIN_REAL("etaplus", "1.2", 1, BASIN_INF, "factor of a step after the sign held (etas[1])"),
    BASIN_REAL("step_size_min", "1e-6", 0, BASIN_INF, "smallest step (step_sizes[0])"),
    BASIN_REAL("step_size_max", "50", 0, BASIN_INF, "largest step (step_sizes[1])"),
    BASIN_PARAMS_END};

const basin_entry basin_optim_rprop = {BASIN_KIND_OPTIMIZER, "rprop",
                                       "resilient backpropagation: steps by the gradient's sign, grown and shrunk "
                                       "(torch.optim.Rprop)",
                                       rprop_specs, NULL, {.optimizer = rprop_create}};
