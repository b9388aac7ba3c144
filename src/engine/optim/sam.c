/* sam.c: sharpness-aware minimization (Foret et al. 2021), around any other optimizer. Each step ascends
 * to the worst point of a ball of radius ρ, to first order, and takes the base optimizer's step from w
 * with the gradient there:
 *     e = ρ·g/‖g‖  (adaptive, ASAM (Kwon et al. 2021): e = ρ·w²·g/‖|w|·g‖)
 *     g_sam = ∇L(w + e) on the same minibatch;  w = base_step(w, g_sam)
 * as the authors' reference code does (‖·‖ + 1e-12 against a zero gradient). A base that evaluates the
 * loss again (L-BFGS) gets SAM's gradient at every point it tries, as from a closure running both passes. */
#include "optimizer.h"
#include "optimizers.h"

#include "../error.h"
#include "../spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sam sam;

/* The problem as SAM's base optimizer sees it: the loss at w, with the gradient at w + e(w) (what a torch
 * closure that runs SAM's two passes returns), so a base that evaluates again (L-BFGS's line steps) gets
 * SAM's gradient at every point; curvature is the problem's own at w (Newton). */
typedef struct sam_problem {
    basin_problem base;
    const basin_problem *p; /* the problem being minimized, not owned */
    sam *owner;
} sam_problem;

struct sam {
    basin_optimizer base;
    double rho;
    bool adaptive;
    basin_optimizer *inner;  /* the base optimizer, owned */
    double *ascended, *g_sam, *g_plain; /* w + e, the gradient there, the gradient at w */
    sam_problem view;
};

/* g_sam = ∇L(w + e) over batch, e from the gradient g at w. */
static void sam_gradient(sam *a, const basin_problem *p, const double *w, const double *g, basin_batch batch,
                         double *g_sam)
{
    size_t n = a->base.dim;
    double norm = 0;
    for (size_t i = 0; i < n; i++) {
        double s = a->adaptive ? fabs(w[i]) * g[i] : g[i];
        norm += s * s;
    }
    double scale = a->rho / (sqrt(norm) + 1e-12);
    for (size_t i = 0; i < n; i++)
        a->ascended[i] = w[i] + (a->adaptive ? w[i] * w[i] : 1.0) * g[i] * scale;
    basin_problem_eval_batch(p, a->ascended, batch, g_sam);
}

static double sam_problem_eval(const basin_problem *bp, const double *w, basin_batch batch, double *g)
{
    const sam_problem *v = (const sam_problem *)bp;
    if (!g)
        return basin_problem_eval_batch(v->p, w, batch, NULL);
    double loss = basin_problem_eval_batch(v->p, w, batch, v->owner->g_plain);
    sam_gradient(v->owner, v->p, w, v->owner->g_plain, batch, g);
    return loss;
}

static void sam_problem_hessian(const basin_problem *bp, const double *w, basin_batch batch, double *h)
{
    basin_problem_hessian(((const sam_problem *)bp)->p, w, batch, h);
}

static void sam_problem_hvp(const basin_problem *bp, const double *w, basin_batch batch, const double *v,
                            double *hv)
{
    basin_problem_hvp(((const sam_problem *)bp)->p, w, batch, v, hv);
}

static const basin_problem_ops sam_problem_ops = {.eval = sam_problem_eval, .hessian = sam_problem_hessian,
                                                  .hvp = sam_problem_hvp};

static int sam_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                    basin_batch batch)
{
    sam *a = (sam *)o;
    if (!p) {
        basin_error_set("sam: the second gradient needs the problem");
        return -1;
    }
    a->view.base = *p;
    a->view.base.ops = &sam_problem_ops;
    a->view.base.grad_noise = 0;
    a->view.p = p, a->view.owner = a;
    sam_gradient(a, p, w, g, batch, a->g_sam);
    return basin_optimizer_step(a->inner, w, a->g_sam, lr, &a->view.base, batch);
}

static void sam_release(basin_optimizer *o)
{
    sam *a = (sam *)o;
    basin_optimizer_destroy(a->inner);
}

static const basin_optimizer_ops sam_ops = {
    .step = sam_step,
    .no_limit = "no scalar limit (SAM steps with the gradient at w + ρ·g/‖g‖)",
    .release = sam_release};

static basin_optimizer *sam_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    basin_spec spec;
    const char *text = basin_params_string(params, "base");
    if (basin_spec_parse(&spec, BASIN_KIND_OPTIMIZER, text) != 0) {
        char message[512];
        snprintf(message, sizeof message, "%s", basin_error_message());
        basin_error_set("sam: base=%s: %s", text, message);
        return NULL;
    }
    if (spec.entry == entry) {
        basin_spec_clear(&spec);
        basin_error_set("sam: base=%s: SAM cannot wrap itself", text);
        return NULL;
    }
    basin_optimizer *inner = basin_optimizer_create(spec.entry, &spec.params, dim);
    basin_spec_clear(&spec);
    if (!inner)
        return NULL;
    sam *a = basin_optimizer_alloc(sizeof *a, entry, &sam_ops, params, dim, 3 * dim);
    if (!a) {
        basin_optimizer_destroy(inner);
        return NULL;
    }
    a->inner = inner;
    a->base.lr = inner->lr; /* a schedule scales the base's rate */
    a->rho = basin_params_real(params, "rho");
    a->adaptive = basin_params_bool(params, "adaptive");
    a->ascended = a->base.state;
    a->g_sam = a->base.state + dim;
    a->g_plain = a->base.state + 2 * dim;
    return &a->base;
}

static const basin_param_spec sam_specs[] = {
    BASIN_STRING("base", "sgd:lr=0.1",
                 "the optimizer stepping with SAM's gradient, quoted: base=\"sgd:lr=0.1,momentum=0.9\""),
    BASIN_REAL("rho", "0.05", 0, BASIN_INF, "radius of the ball the ascent searches"),
    BASIN_BOOL("adaptive", "false", "ASAM: the ball scaled by |w| elementwise"),
    BASIN_PARAMS_END};

const basin_entry basin_optim_sam = {BASIN_KIND_OPTIMIZER, "sam",
                                     "sharpness-aware minimization around a base optimizer (Foret et al. 2021)",
                                     sam_specs, NULL, {.optimizer = sam_create}};
