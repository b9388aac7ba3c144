/* sgd.c: torch.optim.SGD (1.13): weight decay, momentum with dampening, Nesterov.
 *     d = g + wd·w;  buf = d on the first step, else momentum·buf + (1−dampening)·d;
 *     d = d + momentum·buf (Nesterov) or buf;  w = w − lr·d */
#include "optimizer.h"
#include "optimizers.h"

#include "../error.h"

#include <math.h>
#include <stdio.h>

typedef struct sgd {
    basin_optimizer base;
    double momentum, dampening, weight_decay;
    bool nesterov;
    double *buf; /* momentum buffer, valid from the first step */
} sgd;

static int sgd_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                    basin_batch batch)
{
    (void)p;
    (void)batch;
    sgd *s = (sgd *)o;
    double *restrict buf = s->buf;
    if (s->weight_decay == 0 && s->momentum != 0 && !s->nesterov && o->steps > 0) {
        /* heavy ball after the first step, in a loop without branches that the compiler vectorizes */
        for (size_t i = 0; i < o->dim; i++) {
            buf[i] = buf[i] * s->momentum + (1 - s->dampening) * g[i];
            w[i] = w[i] + -lr * buf[i];
        }
        return 0;
    }
    bool first = o->steps == 0;
    for (size_t i = 0; i < o->dim; i++) {
        double d = g[i];
        if (s->weight_decay != 0)
            d = d + s->weight_decay * w[i];
        if (s->momentum != 0) {
            buf[i] = first ? d : buf[i] * s->momentum + (1 - s->dampening) * d;
            d = s->nesterov ? d + s->momentum * buf[i] : buf[i];
        }
        w[i] = w[i] + -lr * d;
    }
    return 0;
}

/* On f = λx²/2 the update is linear in (x, buf); with h = λ + wd, c = 1 − dampening and s = lr·h, the
 * characteristic polynomial is z² − (1 + β − s·c)z + β for heavy ball and z² − (1 + β − s(1 + β))z + β(1 − s)
 * for Nesterov (c = 1). Its root crosses −1 at s = 2(1+β)/c and s = (2+2β)/(1+2β). Without momentum torch
 * keeps no buffer, so dampening does nothing and the limit is 2/lr. */
static double sgd_stability_limit(const basin_optimizer *o, double lr, char *formula, size_t size)
{
    const sgd *s = (const sgd *)o;
    double beta = s->momentum, tau = s->dampening, wd = s->weight_decay;
    bool nesterov = s->nesterov;
    const char *wd_text = wd != 0 ? " − wd" : "";
    if (beta == 0) {
        snprintf(formula, size, "2/η%s", wd_text);
        return 2 / lr - wd;
    }
    if (nesterov) {
        snprintf(formula, size, "(2+2β)/(η(1+2β))%s", wd_text);
        return (2 + 2 * beta) / (lr * (1 + 2 * beta)) - wd;
    }
    if (tau >= 1) {
        snprintf(formula, size, "none: dampening ≥ 1 starves momentum");
        return NAN;
    }
    snprintf(formula, size, tau != 0 ? "2(1+β)/(η(1−τ))%s" : "2(1+β)/η%s", wd_text);
    return 2 * (1 + beta) / (lr * (1 - tau)) - wd;
}

/* Every coordinate's step is the learning rate (its momentum buffer averages the gradients). */
static void sgd_coordinate_steps(const basin_optimizer *o, double lr, double *out)
{
    for (size_t i = 0; i < o->dim; i++)
        out[i] = lr;
}

static const basin_optimizer_ops sgd_ops = {.step = sgd_step, .stability_limit = sgd_stability_limit,
                                            .coordinate_steps = sgd_coordinate_steps};

static basin_optimizer *sgd_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    double momentum = basin_params_real(params, "momentum");
    double dampening = basin_params_real(params, "dampening");
    bool nesterov = basin_params_bool(params, "nesterov");
    if (nesterov && (momentum <= 0 || dampening != 0)) {
        basin_error_set("sgd: Nesterov momentum requires a momentum and zero dampening (momentum=%g, "
                        "dampening=%g)", momentum, dampening);
        return NULL;
    }
    sgd *s = basin_optimizer_alloc(sizeof *s, entry, &sgd_ops, params, dim, dim);
    if (!s)
        return NULL;
    s->momentum = momentum;
    s->dampening = dampening;
    s->nesterov = nesterov;
    s->weight_decay = basin_params_real(params, "weight_decay");
    s->buf = s->base.state;
    return &s->base;
}

static const basin_param_spec sgd_specs[] = {
    BASIN_REAL("lr", NULL, 0, BASIN_INF, "learning rate (no default, as in torch)"),
    BASIN_REAL("momentum", "0", 0, BASIN_INF, "momentum factor"),
    BASIN_REAL("dampening", "0", -BASIN_INF, BASIN_INF, "dampening of the gradient added to the momentum"),
    BASIN_REAL("weight_decay", "0", 0, BASIN_INF, "L2 penalty added to the gradient"),
    BASIN_BOOL("nesterov", "false", "Nesterov momentum (needs momentum > 0, dampening = 0)"),
    BASIN_PARAMS_END};

const basin_entry basin_optim_sgd = {
    BASIN_KIND_OPTIMIZER, "sgd", "stochastic gradient descent with momentum and Nesterov (torch.optim.SGD)",
    sgd_specs, NULL, {.optimizer = sgd_create}};
