/* adagrad.c: torch.optim.Adagrad (1.13). With t the step count from 1:
 *     d = g + wd·w;  clr = lr / (1 + (t−1)·lr_decay);  sum += d²;  w = w − clr·d / (√sum + eps) */
#include "optimizer.h"
#include "optimizers.h"

#include <math.h>

typedef struct adagrad {
    basin_optimizer base;
    double lr_decay, weight_decay, eps;
    double *sum; /* accumulated squared gradients, from initial_accumulator_value */
} adagrad;

static int adagrad_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                        basin_batch batch)
{
    (void)p;
    (void)batch;
    adagrad *a = (adagrad *)o;
    double step = (double)(o->steps + 1);
    double clr = lr / (1 + (step - 1) * a->lr_decay);
    for (size_t i = 0; i < o->dim; i++) {
        double d = g[i];
        if (a->weight_decay != 0)
            d = d + a->weight_decay * w[i];
        a->sum[i] = a->sum[i] + 1 * d * d;
        double std = sqrt(a->sum[i]) + a->eps;
        w[i] = w[i] + -clr * d / std;
    }
    return 0;
}

/* clr/(√sum + eps), with the decayed rate of the last step. */
static void adagrad_coordinate_steps(const basin_optimizer *o, double lr, double *out)
{
    const adagrad *a = (const adagrad *)o;
    double clr = lr / (1 + (double)(o->steps - 1) * a->lr_decay);
    for (size_t i = 0; i < o->dim; i++)
        out[i] = clr / (sqrt(a->sum[i]) + a->eps);
}

/* A preconditioned step: no scalar limit on the raw Hessian's λmax exists. */
static const basin_optimizer_ops adagrad_ops = {
    .step = adagrad_step,
    .no_limit = "Adagrad rescales coordinates",
    .coordinate_steps = adagrad_coordinate_steps};

static basin_optimizer *adagrad_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    adagrad *a = basin_optimizer_alloc(sizeof *a, entry, &adagrad_ops, params, dim, dim);
    if (!a)
        return NULL;
    a->lr_decay = basin_params_real(params, "lr_decay");
    a->weight_decay = basin_params_real(params, "weight_decay");
    a->eps = basin_params_real(params, "eps");
    a->sum = a->base.state;
    double initial = basin_params_real(params, "initial_accumulator_value");
    for (size_t i = 0; i < dim; i++)
        a->sum[i] = initial;
    return &a->base;
}

static const basin_param_spec adagrad_specs[] = {
    BASIN_REAL("lr", "0.01", 0, BASIN_INF, "learning rate"),
    BASIN_REAL("lr_decay", "0", 0, BASIN_INF, "learning-rate decay: lr / (1 + (t−1)·lr_decay)"),
    BASIN_REAL("weight_decay", "0", 0, BASIN_INF, "L2 penalty added to the gradient"),
    BASIN_REAL("initial_accumulator_value", "0", 0, BASIN_INF, "starting value of the sum of squares"),
    BASIN_REAL("eps", "1e-10", 0, BASIN_INF, "added to the square root for stability"),
    BASIN_PARAMS_END};

const basin_entry basin_optim_adagrad = {
    BASIN_KIND_OPTIMIZER, "adagrad", "per-coordinate steps shrinking with the sum of squared gradients (torch.optim.Adagrad)",
    adagrad_specs, NULL, {.optimizer = adagrad_create}};
