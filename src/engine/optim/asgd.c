/* asgd.c: torch.optim.ASGD (1.13), averaged SGD (Polyak and Juditsky 1992). With t from 1, η₁ = lr:
 *     d = g + wd·w;  w = w·(1 − λ·ηₜ);  w = w − ηₜ·d
 *     ax = w while μₜ = 1, else ax + (w − ax)·μₜ     (the averaged iterate, from step t0 on)
 *     ηₜ₊₁ = lr/(1 + λ·lr·t)^α;  μₜ₊₁ = 1/max(1, t − t0) */
#include "optimizer.h"
#include "optimizers.h"

#include <math.h>
#include <stdio.h>

typedef struct asgd {
    basin_optimizer base;
    double lambd, alpha, t0, weight_decay;
    double eta, mu; /* torch's state['eta'] and state['mu'] */
    double *ax;
} asgd;

static int asgd_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                     basin_batch batch)
{
    (void)p, (void)batch;
    asgd *a = (asgd *)o;
    if (o->steps == 0) /* torch sets eta to the group's lr when it makes the state */
        a->eta = lr;
    double step = (double)(o->steps + 1);
    for (size_t i = 0; i < o->dim; i++) {
        double d = a->weight_decay != 0 ? g[i] + a->weight_decay * w[i] : g[i];
        w[i] = w[i] * (1 - a->lambd * a->eta);
        w[i] = w[i] + -a->eta * d;
        a->ax[i] = a->mu != 1 ? a->ax[i] + (w[i] - a->ax[i]) * a->mu : w[i];
    }
    a->eta = lr / pow(1 + a->lambd * lr * step, a->alpha);
    a->mu = 1 / fmax(1, step - a->t0);
    return 0;
}

/* Plain SGD's limit at the rate this step takes (ηₜ, not lr), with the shrink λ·ηₜ besides. */
static double asgd_stability_limit(const basin_optimizer *o, double lr, char *formula, size_t size)
{
    const asgd *a = (const asgd *)o;
    double eta = o->steps == 0 ? lr : a->eta;
    snprintf(formula, size, "2/ηₜ (ηₜ = lr/(1 + λ·lr·t)^α)");
    return 2 / eta;
}

static const double *asgd_average(const basin_optimizer *o)
{
    return ((const asgd *)o)->ax;
}

static const basin_optimizer_ops asgd_ops = {.step = asgd_step, .stability_limit = asgd_stability_limit,
                                             .average = asgd_average};

static basin_optimizer *asgd_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    asgd *a = basin_optimizer_alloc(sizeof *a, entry, &asgd_ops, params, dim, dim);
    if (!a)
        return NULL;
    a->lambd = basin_params_real(params, "lambd");
    a->alpha = basin_params_real(params, "alpha");
    a->t0 = basin_params_real(params, "t0");
    a->weight_decay = basin_params_real(params, "weight_decay");
    a->mu = 1;
    a->ax = a->base.state;
    return &a->base;
}

static const basin_param_spec asgd_specs[] = {
    BASIN_REAL("lr", "0.01", 0, BASIN_INF, "learning rate (the first step's; later ones decay)"),
    BASIN_REAL("lambd", "1e-4", 0, BASIN_INF, "decay term λ: the rate's decay and w's shrink"),
    BASIN_REAL("alpha", "0.75", 0, BASIN_INF, "power of the rate's decay"),
    BASIN_REAL("t0", "1e6", 0, BASIN_INF, "the step from which the iterates are averaged"),
    BASIN_REAL("weight_decay", "0", 0, BASIN_INF, "L2 penalty added to the gradient"),
    BASIN_PARAMS_END};

const basin_entry basin_optim_asgd = {BASIN_KIND_OPTIMIZER, "asgd",
                                      "averaged SGD: a decaying rate and the running average of the iterates "
                                      "(torch.optim.ASGD)",
                                      asgd_specs, NULL, {.optimizer = asgd_create}};
