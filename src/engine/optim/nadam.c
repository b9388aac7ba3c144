/* nadam.c: torch.optim.NAdam (1.13), Adam with Nesterov momentum (Dozat 2016). With t from 1:
 *     d = g + wd·w;  μₜ = β1·(1 − ½·0.96^(t·ψ));  μ_prod ← μ_prod·μₜ;  μ_next = μ_prod·μₜ·μₜ₊₁
 *     m = β1·m + (1−β1)·d;  v = β2·v + (1−β2)·d²;  denom = √(v/(1−β2ᵗ)) + eps
 *     w = w − lr·(1−μₜ)/(1−μ_prod) · d/denom − lr·μₜ₊₁/(1−μ_next) · m/denom
 * μ_next multiplies μₜ in twice, as torch 1.13 does (later versions drop one); Basin matches 1.13. */
#include "optimizer.h"
#include "optimizers.h"

#include <math.h>

typedef struct nadam {
    basin_optimizer base;
    basin_moments m;
    double momentum_decay;
    double mu_product; /* torch's state['mu_product'] */
    double *exp_avg, *exp_avg_sq;
} nadam;

static int nadam_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                      basin_batch batch)
{
    (void)p, (void)batch;
    nadam *a = (nadam *)o;
    double step = (double)(o->steps + 1), bias_correction2 = 1 - pow(a->m.beta2, step);
    double mu = a->m.beta1 * (1. - 0.5 * pow(0.96, step * a->momentum_decay));
    double mu_next = a->m.beta1 * (1. - 0.5 * pow(0.96, (step + 1) * a->momentum_decay));
    a->mu_product *= mu;
    double mu_product_next = a->mu_product * mu * mu_next;
    double c1 = -lr * (1. - mu) / (1. - a->mu_product), c2 = -lr * mu_next / (1. - mu_product_next);
    for (size_t i = 0; i < o->dim; i++) {
        double d = a->m.weight_decay != 0 ? g[i] + a->m.weight_decay * w[i] : g[i];
        a->exp_avg[i] = a->exp_avg[i] * a->m.beta1 + (1 - a->m.beta1) * d;
        a->exp_avg_sq[i] = a->exp_avg_sq[i] * a->m.beta2 + (1 - a->m.beta2) * d * d;
        double denom = sqrt(a->exp_avg_sq[i] / bias_correction2) + a->m.eps;
        w[i] = w[i] + c1 * d / denom;
        w[i] = w[i] + c2 * a->exp_avg[i] / denom;
    }
    return 0;
}

static const basin_optimizer_ops nadam_ops = {
    .step = nadam_step,
    .no_limit = "NAdam rescales each coordinate"};

static basin_optimizer *nadam_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    nadam *a = basin_optimizer_alloc(sizeof *a, entry, &nadam_ops, params, dim, 2 * dim);
    if (!a)
        return NULL;
    a->m = basin_moments_read(params);
    a->momentum_decay = basin_params_real(params, "momentum_decay");
    a->mu_product = 1.;
    a->exp_avg = a->base.state;
    a->exp_avg_sq = a->base.state + dim;
    return &a->base;
}

static const basin_param_spec nadam_specs[] = {
    BASIN_REAL("lr", "0.002", 0, BASIN_INF, "learning rate"),
    BASIN_MOMENT_SPECS("decay of the squared-gradient average (betas[1])"),
    BASIN_REAL("momentum_decay", "0.004", 0, BASIN_INF, "ψ of the momentum schedule μₜ = β1(1 − ½·0.96^(tψ))"),
    BASIN_PARAMS_END};

const basin_entry basin_optim_nadam = {BASIN_KIND_OPTIMIZER, "nadam",
                                       "Adam with Nesterov momentum (torch.optim.NAdam)", nadam_specs, NULL,
                                       {.optimizer = nadam_create}};
