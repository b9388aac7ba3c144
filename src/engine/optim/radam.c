/* radam.c: torch.optim.RAdam (1.13), Liu et al. 2020's rectified Adam. With t from 1:
 *     d = g + wd·w;  m = β1·m + (1−β1)·d;  v = β2·v + (1−β2)·d²;  m̂ = m/(1−β1ᵗ)
 *     ρ∞ = 2/(1−β2) − 1;  ρₜ = ρ∞ − 2t·β2ᵗ/(1−β2ᵗ)
 *     ρₜ > 5: w = w − m̂·lr·(√(1−β2ᵗ)/(√v + eps))·r,  r = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ))
 *     else:   w = w − m̂·lr (momentum SGD while the variance estimate is unreliable) */
#include "optimizer.h"
#include "optimizers.h"

#include <math.h>

typedef struct radam {
    basin_optimizer base;
    basin_moments m;
    double *exp_avg, *exp_avg_sq;
} radam;

static int radam_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                      basin_batch batch)
{
    (void)p, (void)batch;
    radam *a = (radam *)o;
    double step = (double)(o->steps + 1);
    double bias_correction1 = 1 - pow(a->m.beta1, step), bias_correction2 = 1 - pow(a->m.beta2, step);
    double rho_inf = 2 / (1 - a->m.beta2) - 1;
    double rho_t = rho_inf - 2 * step * pow(a->m.beta2, step) / bias_correction2;
    double rect = rho_t > 5. ? sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) : 0;
    for (size_t i = 0; i < o->dim; i++) {
        double d = a->m.weight_decay != 0 ? g[i] + a->m.weight_decay * w[i] : g[i];
        a->exp_avg[i] = a->exp_avg[i] * a->m.beta1 + (1 - a->m.beta1) * d;
        a->exp_avg_sq[i] = a->exp_avg_sq[i] * a->m.beta2 + (1 - a->m.beta2) * d * d;
        double corrected = a->exp_avg[i] / bias_correction1;
        if (rho_t > 5.) {
            double adaptive_lr = sqrt(bias_correction2) / (sqrt(a->exp_avg_sq[i]) + a->m.eps);
            w[i] = w[i] - corrected * lr * adaptive_lr * rect;
        } else {
            w[i] = w[i] - corrected * lr;
        }
    }
    return 0;
}

static const basin_optimizer_ops radam_ops = {
    .step = radam_step,
    .no_limit = "RAdam rescales each coordinate (after its first steps)"};

static basin_optimizer *radam_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    radam *a = basin_optimizer_alloc(sizeof *a, entry, &radam_ops, params, dim, 2 * dim);
    if (!a)
        return NULL;
    a->m = basin_moments_read(params);
    a->exp_avg = a->base.state;
    a->exp_avg_sq = a->base.state + dim;
    return &a->base;
}

static const basin_param_spec radam_specs[] = {
    BASIN_REAL("lr", "0.001", 0, BASIN_INF, "learning rate"),
    BASIN_MOMENT_SPECS("decay of the squared-gradient average (betas[1])"),
    BASIN_PARAMS_END};

const basin_entry basin_optim_radam = {BASIN_KIND_OPTIMIZER, "radam",
                                       "rectified Adam: momentum SGD until the variance estimate is reliable "
                                       "(torch.optim.RAdam)",
                                       radam_specs, NULL, {.optimizer = radam_create}};
