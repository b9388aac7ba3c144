/* sgd.c: torch.optim.SGD (1.13): weight decay, momentum with dampening, Nesterov.
 *     d = g + wd·w;  buf = d on the first step, else momentum·buf + (1−dampening)·d;
 *     d = d + momentum·buf (Nesterov) or buf;  w = w − lr·d */
#include "optimizer.h"
#include "optimizers.h"

#include "../error.h"

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

static const basin_optimizer_ops sgd_ops = {sgd_step};

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
