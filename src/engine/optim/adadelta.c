/* adadelta.c: torch.optim.Adadelta (1.13), Zeiler 2012:
 *     d = g + wd·w;  s = ρ·s + (1−ρ)·d²;  δ = √(a + eps)/√(s + eps) · d;  a = ρ·a + (1−ρ)·δ²
 *     w = w − lr·δ */
#include "optimizer.h"
#include "optimizers.h"

#include <math.h>

typedef struct adadelta {
    basin_optimizer base;
    double rho, eps, weight_decay;
    double *square_avg, *acc_delta;
} adadelta;

static int adadelta_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                         basin_batch batch)
{
    (void)p, (void)batch;
    adadelta *a = (adadelta *)o;
    for (size_t i = 0; i < o->dim; i++) {
        double d = a->weight_decay != 0 ? g[i] + a->weight_decay * w[i] : g[i];
        a->square_avg[i] = a->square_avg[i] * a->rho + (1 - a->rho) * d * d;
        double std = sqrt(a->square_avg[i] + a->eps);
        double delta = sqrt(a->acc_delta[i] + a->eps) / std * d;
        a->acc_delta[i] = a->acc_delta[i] * a->rho + (1 - a->rho) * delta * delta;
        w[i] = w[i] + -lr * delta;
    }
    return 0;
}

/* lr·√(a + eps)/√(s + eps): what multiplies the gradient. */
static void adadelta_coordinate_steps(const basin_optimizer *o, double lr, double *out)
{
    const adadelta *a = (const adadelta *)o;
    for (size_t i = 0; i < o->dim; i++)
        out[i] = lr * sqrt(a->acc_delta[i] + a->eps) / sqrt(a->square_avg[i] + a->eps);
}

static const basin_optimizer_ops adadelta_ops = {
    .step = adadelta_step,
    .no_limit = "Adadelta rescales each coordinate",
    .coordinate_steps = adadelta_coordinate_steps};

static basin_optimizer *adadelta_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    adadelta *a = basin_optimizer_alloc(sizeof *a, entry, &adadelta_ops, params, dim, 2 * dim);
    if (!a)
        return NULL;
    a->rho = basin_params_real(params, "rho");
    a->eps = basin_params_real(params, "eps");
    a->weight_decay = basin_params_real(params, "weight_decay");
    a->square_avg = a->base.state;
    a->acc_delta = a->base.state + dim;
    return &a->base;
}

static const basin_param_spec adadelta_specs[] = {
    BASIN_REAL("lr", "1", 0, BASIN_INF, "scale of each step (torch's default 1: the units come from the ratio)"),
    BASIN_REAL("rho", "0.9", 0, 1, "decay of the squared-gradient and squared-step averages"),
    BASIN_REAL("eps", "1e-6", 0, BASIN_INF, "added inside both square roots"),
    BASIN_REAL("weight_decay", "0", 0, BASIN_INF, "L2 penalty added to the gradient"),
    BASIN_PARAMS_END};

const basin_entry basin_optim_adadelta = {BASIN_KIND_OPTIMIZER, "adadelta",
                                          "steps in the units of w: RMS of past steps over RMS of gradients "
                                          "(torch.optim.Adadelta)",
                                          adadelta_specs, NULL, {.optimizer = adadelta_create}};
