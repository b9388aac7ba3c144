/* adam.c: torch.optim.Adam and torch.optim.AdamW (1.13). With t the step count from 1:
 *     Adam: d = g + wd·w.   AdamW: w = w·(1 − lr·wd), d = g (decoupled weight decay).
 *     m = β1·m + (1−β1)·d;  v = β2·v + (1−β2)·d²;  amsgrad: v̂ = max(v̂, v), else v̂ = v
 *     w = w − (lr/(1−β1ᵗ)) · m / (√v̂/√(1−β2ᵗ) + eps) */
#include "optimizer.h"
#include "optimizers.h"

#include "../vector_clones.h"

#include <math.h>

typedef struct adam {
    basin_optimizer base;
    double beta1, beta2, eps, weight_decay;
    bool amsgrad, decoupled;
    double *exp_avg, *exp_avg_sq, *max_exp_avg_sq;
} adam;

/* The update of one parameter from its direction d (the gradient, with L2 weight decay for Adam). */
static inline double adam_update(double w, double d, double *restrict m, double *restrict v, double *restrict vmax,
                                 const adam *a, double step_size, double bias_correction2_sqrt)
{
    *m = *m * a->beta1 + (1 - a->beta1) * d;
    *v = *v * a->beta2 + (1 - a->beta2) * d * d;
    double second = *v;
    if (vmax) {
        *vmax = fmax(*vmax, *v);
        second = *vmax;
    }
    double denom = sqrt(second) / bias_correction2_sqrt + a->eps;
    return w + -step_size * *m / denom;
}

/* torch's defaults, in a loop without branches that the compiler vectorizes (the same operations). */
BASIN_AVX2_CLONES static void adam_plain(size_t n, double *restrict w, const double *restrict g, double *restrict m,
                                         double *restrict v, double beta1, double beta2, double eps, double step_size,
                                         double bias_correction2_sqrt)
{
    for (size_t i = 0; i < n; i++) {
        double d = g[i];
        m[i] = m[i] * beta1 + (1 - beta1) * d;
        v[i] = v[i] * beta2 + (1 - beta2) * d * d;
        w[i] = w[i] + -step_size * m[i] / (sqrt(v[i]) / bias_correction2_sqrt + eps);
    }
}

static int adam_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                     basin_batch batch)
{
    (void)p;
    (void)batch;
    adam *a = (adam *)o;
    double step = (double)(o->steps + 1);
    double bias_correction1 = 1 - pow(a->beta1, step);
    double bias_correction2 = 1 - pow(a->beta2, step);
    double step_size = lr / bias_correction1;
    double bias_correction2_sqrt = sqrt(bias_correction2);
    double *restrict m = a->exp_avg, *restrict v = a->exp_avg_sq;
    if (!a->decoupled && a->weight_decay == 0 && !a->amsgrad) {
        adam_plain(o->dim, w, g, m, v, a->beta1, a->beta2, a->eps, step_size, bias_correction2_sqrt);
        return 0;
    }
    for (size_t i = 0; i < o->dim; i++) {
        double d = g[i];
        if (a->decoupled)
            w[i] = w[i] * (1 - lr * a->weight_decay);
        else if (a->weight_decay != 0)
            d = d + a->weight_decay * w[i];
        w[i] = adam_update(w[i], d, &m[i], &v[i], a->amsgrad ? &a->max_exp_avg_sq[i] : NULL, a, step_size,
                           bias_correction2_sqrt);
    }
    return 0;
}

/* lr/(√v̂/√(1 − β₂ᵗ) + eps): what multiplies the bias-corrected average m̂ = m/(1 − β₁ᵗ). */
static void adam_coordinate_steps(const basin_optimizer *o, double lr, double *out)
{
    const adam *a = (const adam *)o;
    double bias_correction2_sqrt = sqrt(1 - pow(a->beta2, (double)o->steps));
    for (size_t i = 0; i < o->dim; i++) {
        double second = a->amsgrad ? a->max_exp_avg_sq[i] : a->exp_avg_sq[i];
        out[i] = lr / (sqrt(second) / bias_correction2_sqrt + a->eps);
    }
}

/* Adam's step is preconditioned by √v̂: its stability limit (Cohen et al. 2022: (2+2β₁)/((1−β₁)η)) bounds the
 * preconditioned Hessian's λmax, not the raw one's. */
static const basin_optimizer_ops adam_ops = {
    .step = adam_step,
    .no_limit = "Adam rescales each coordinate",
    .coordinate_steps = adam_coordinate_steps};

static const bool adam_decoupled = false, adamw_decoupled = true;

static basin_optimizer *adam_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    adam *a = basin_optimizer_alloc(sizeof *a, entry, &adam_ops, params, dim, 3 * dim);
    if (!a)
        return NULL;
    a->beta1 = basin_params_real(params, "beta1");
    a->beta2 = basin_params_real(params, "beta2");
    a->eps = basin_params_real(params, "eps");
    a->weight_decay = basin_params_real(params, "weight_decay");
    a->amsgrad = basin_params_bool(params, "amsgrad");
    a->decoupled = *(const bool *)entry->impl;
    a->exp_avg = a->base.state;
    a->exp_avg_sq = a->base.state + dim;
    a->max_exp_avg_sq = a->base.state + 2 * dim;
    return &a->base;
}

#define ADAM_SPECS(wd_default, wd_doc)                                                              \
    BASIN_REAL("lr", "0.001", 0, BASIN_INF, "learning rate"),                                       \
    BASIN_REAL_BELOW("beta1", "0.9", 0, 1, "decay of the gradient average (torch's betas[0])"),    \
    BASIN_REAL_BELOW("beta2", "0.999", 0, 1, "decay of the squared-gradient average (betas[1])"),  \
    BASIN_REAL("eps", "1e-8", 0, BASIN_INF, "added to the denominator for stability"),             \
    BASIN_REAL("weight_decay", wd_default, 0, BASIN_INF, wd_doc),                                   \
    BASIN_BOOL("amsgrad", "false", "use the running maximum of the squared-gradient average"),     \
    BASIN_PARAMS_END

static const basin_param_spec adam_specs[] = {ADAM_SPECS("0", "L2 penalty added to the gradient")};
static const basin_param_spec adamw_specs[] = {
    ADAM_SPECS("0.01", "decoupled weight decay: w shrinks by lr·weight_decay each step")};

const basin_entry basin_optim_adam = {
    BASIN_KIND_OPTIMIZER, "adam", "adaptive moments with bias correction (torch.optim.Adam)", adam_specs,
    &adam_decoupled, {.optimizer = adam_create}};

const basin_entry basin_optim_adamw = {
    BASIN_KIND_OPTIMIZER, "adamw", "Adam with decoupled weight decay (torch.optim.AdamW)", adamw_specs,
    &adamw_decoupled, {.optimizer = adam_create}};
