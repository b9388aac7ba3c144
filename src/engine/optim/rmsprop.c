/* rmsprop.c: torch.optim.RMSprop (1.13):
 *     d = g + wd·w;  v = α·v + (1−α)·d²;  centered: m = α·m + (1−α)·d, avg = √(v − m²) + eps, else
 *     avg = √v + eps;  momentum > 0: buf = momentum·buf + d/avg, w = w − lr·buf;  else w = w − lr·d/avg
 * (the momentum buffer starts at zero, unlike SGD's). */
#include "optimizer.h"
#include "optimizers.h"

#include <math.h>

typedef struct rmsprop {
    basin_optimizer base;
    double alpha, eps, weight_decay, momentum;
    bool centered;
    double *square_avg, *grad_avg, *buf;
} rmsprop;

static int rmsprop_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                        basin_batch batch)
{
    (void)p;
    (void)batch;
    rmsprop *r = (rmsprop *)o;
    double alpha = r->alpha;
    for (size_t i = 0; i < o->dim; i++) {
        double d = g[i];
        if (r->weight_decay != 0)
            d = d + r->weight_decay * w[i];
        r->square_avg[i] = r->square_avg[i] * alpha + (1 - alpha) * d * d;
        double avg;
        if (r->centered) {
            r->grad_avg[i] = r->grad_avg[i] * alpha + (1 - alpha) * d;
            avg = sqrt(r->square_avg[i] + -1 * r->grad_avg[i] * r->grad_avg[i]);
        } else {
            avg = sqrt(r->square_avg[i]);
        }
        avg = avg + r->eps;
        if (r->momentum > 0) {
            r->buf[i] = r->buf[i] * r->momentum + 1 * d / avg;
            w[i] = w[i] + -lr * r->buf[i];
        } else {
            w[i] = w[i] + -lr * d / avg;
        }
    }
    return 0;
}

/* lr/avg: the running RMS (centered: the deviation) plus eps. */
static void rmsprop_coordinate_steps(const basin_optimizer *o, double lr, double *out)
{
    const rmsprop *r = (const rmsprop *)o;
    for (size_t i = 0; i < o->dim; i++) {
        double v = r->centered ? r->square_avg[i] + -1 * r->grad_avg[i] * r->grad_avg[i] : r->square_avg[i];
        out[i] = lr / (sqrt(v) + r->eps);
    }
}

/* A preconditioned step: no scalar limit on the raw Hessian's λmax exists. */
static const basin_optimizer_ops rmsprop_ops = {
    .step = rmsprop_step,
    .no_limit = "RMSProp rescales coordinates",
    .coordinate_steps = rmsprop_coordinate_steps};

static basin_optimizer *rmsprop_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    rmsprop *r = basin_optimizer_alloc(sizeof *r, entry, &rmsprop_ops, params, dim, 3 * dim);
    if (!r)
        return NULL;
    r->alpha = basin_params_real(params, "alpha");
    r->eps = basin_params_real(params, "eps");
    r->weight_decay = basin_params_real(params, "weight_decay");
    r->momentum = basin_params_real(params, "momentum");
    r->centered = basin_params_bool(params, "centered");
    r->square_avg = r->base.state;
    r->grad_avg = r->base.state + dim;
    r->buf = r->base.state + 2 * dim;
    return &r->base;
}

static const basin_param_spec rmsprop_specs[] = {
    BASIN_REAL("lr", "0.01", 0, BASIN_INF, "learning rate"),
    BASIN_REAL("alpha", "0.99", 0, BASIN_INF, "smoothing constant of the squared-gradient average"),
    BASIN_REAL("eps", "1e-8", 0, BASIN_INF, "added to the square root for stability"),
    BASIN_REAL("weight_decay", "0", 0, BASIN_INF, "L2 penalty added to the gradient"),
    BASIN_REAL("momentum", "0", 0, BASIN_INF, "momentum factor"),
    BASIN_BOOL("centered", "false", "divide by an estimate of the gradient's variance instead"),
    BASIN_PARAMS_END};

const basin_entry basin_optim_rmsprop = {
    BASIN_KIND_OPTIMIZER, "rmsprop", "steps divided by a running RMS of the gradient (torch.optim.RMSprop)",
    rmsprop_specs, NULL, {.optimizer = rmsprop_create}};
