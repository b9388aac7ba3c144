/* adamax.c: torch.optim.Adamax (1.13). With t the step count from 1:
 *     d = g + wd·w;  m = β1·m + (1−β1)·d;  u = max(β2·u, |d| + eps)
 *     w = w − (lr/(1−β1ᵗ)) · m / u */
#include "optimizer.h"
#include "optimizers.h"

#include <math.h>

typedef struct adamax {
    basin_optimizer base;
    basin_moments m;
    double *exp_avg, *exp_inf;
} adamax;

static int adamax_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                       basin_batch batch)
{
    (void)p, (void)batch;
    adamax *a = (adamax *)o;
    double clr = lr / (1 - pow(a->m.beta1, (double)(o->steps + 1)));
    for (size_t i = 0; i < o->dim; i++) {
        double d = a->m.weight_decay != 0 ? g[i] + a->m.weight_decay * w[i] : g[i];
        a->exp_avg[i] = a->exp_avg[i] * a->m.beta1 + (1 - a->m.beta1) * d;
        a->exp_inf[i] = fmax(a->exp_inf[i] * a->m.beta2, fabs(d) + a->m.eps);
        w[i] = w[i] + -clr * a->exp_avg[i] / a->exp_inf[i];
    }
    return 0;
}

/* lr/(1 − β₁ᵗ)/u: what multiplies the average m. */
static void adamax_coordinate_steps(const basin_optimizer *o, double lr, double *out)
{
    const adamax *a = (const adamax *)o;
    double clr = lr / (1 - pow(a->m.beta1, (double)o->steps));
    for (size_t i = 0; i < o->dim; i++)
        out[i] = clr / a->exp_inf[i];
}

static const basin_optimizer_ops adamax_ops = {
    .step = adamax_step,
    .no_limit = "Adamax rescales each coordinate",
    .coordinate_steps = adamax_coordinate_steps};

static basin_optimizer *adamax_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    adamax *a = basin_optimizer_alloc(sizeof *a, entry, &adamax_ops, params, dim, 2 * dim);
    if (!a)
        return NULL;
    a->m = basin_moments_read(params);
    a->exp_avg = a->base.state;
    a->exp_inf = a->base.state + dim;
    return &a->base;
}

static const basin_param_spec adamax_specs[] = {
    BASIN_REAL("lr", "0.002", 0, BASIN_INF, "learning rate"),
    BASIN_MOMENT_SPECS("decay of the running maximum of |g| (betas[1])"),
    BASIN_PARAMS_END};

const basin_entry basin_optim_adamax = {BASIN_KIND_OPTIMIZER, "adamax",
                                        "Adam with the infinity norm: a running maximum of |g| (torch.optim.Adamax)",
                                        adamax_specs, NULL, {.optimizer = adamax_create}};
