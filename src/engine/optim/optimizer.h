/* optimizer.h: one interface over flat arrays for every optimizer. An optimizer updates w in place from
 * a gradient g and a learning rate lr (the schedule's, for this step); Newton also asks the problem for
 * curvature over the same batch. Semantics, defaults and state follow torch.optim 1.13 exactly. */
#ifndef BASIN_OPTIMIZER_H
#define BASIN_OPTIMIZER_H

#include "../problem.h"
#include "../registry.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct basin_optimizer_ops {
    /* One update of w (length dim). Returns 0, or -1 with a message (e.g. Newton at a non-finite
     * Hessian). */
    int (*step)(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                basin_batch batch);
    /* The stability limit at lr (see basin_optimizer_stability_limit), its formula written into formula. */
    double (*stability_limit)(const basin_optimizer *o, double lr, char *formula, size_t size);
    /* Why the optimizer has no scalar stability limit ("Adam rescales each coordinate"): the formula is then
     * "none: " and this, with stability_limit NULL. */
    const char *no_limit;
    /* Each coordinate's step size after the last update, taken at lr (see
     * basin_optimizer_coordinate_steps); NULL: the optimizer has none. */
    void (*coordinate_steps)(const basin_optimizer *o, double lr, double *out);
    /* The averaged iterate the optimizer keeps beside w (ASGD's ax); NULL: none. */
    const double *(*average)(const basin_optimizer *o);
    /* Frees what the optimizer owns beyond its state block (SAM's base optimizer); NULL: nothing. */
    void (*release)(basin_optimizer *o);
} basin_optimizer_ops;

struct basin_optimizer {
    const basin_optimizer_ops *ops;
    const basin_entry *entry;
    size_t dim;
    double lr;  /* base learning rate; a schedule scales it */
    long steps; /* updates taken so far (torch's state['step']) */
    double *state; /* all per-parameter state in one zeroed block; optimizers keep views into it */
};

/* Builds the optimizer an entry of kind BASIN_KIND_OPTIMIZER describes, for dim parameters, with its
 * state zeroed. Returns it (owned by the caller) or NULL with basin_error_message() (torch's checks,
 * e.g. "Nesterov momentum requires a momentum and zero dampening"). */
basin_optimizer *basin_optimizer_create(const basin_entry *entry, const basin_params *params, size_t dim);

/* One update of w from gradient g at learning rate lr; p and batch serve curvature-based optimizers.
 * Returns 0, or -1 with a message; w is left unchanged on failure. */
int basin_optimizer_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                         basin_batch batch);

/* The stability limit of o at learning rate lr: the largest curvature λ of f = λx²/2 on which its iteration
 * does not diverge (2/η for plain SGD, 2(1+β)/η with heavy-ball momentum, weight decay shifting it by −wd).
 * formula (size bytes, may be NULL) receives how it is written, or why there is none: then NAN is returned
 * (adaptive optimizers, Newton). The log, labs and the window all show this one value. Can't fail. */
double basin_optimizer_stability_limit(const basin_optimizer *o, double lr, char *formula, size_t size);

/* The step size each coordinate got in o's last update, taken at learning rate lr: what multiplies that
 * coordinate's gradient (its averaged gradient with momentum), η/(√G + ε) for Adagrad (η decayed), η/(√v + ε)
 * for RMSProp, η/(√v̂ + ε) for Adam on m̂ = m/(1 − β₁ᵗ), η for SGD. Writes dim values into out and returns
 * true; false (out untouched) before the first update and for Newton, which has no such step. */
bool basin_optimizer_coordinate_steps(const basin_optimizer *o, double lr, double *out);

/* The averaged iterate o keeps beside w (dim values, valid until the next step: ASGD's), or NULL for an
 * optimizer without one. Can't fail. */
const double *basin_optimizer_average(const basin_optimizer *o);

/* Frees o; NULL is a no-op. */
void basin_optimizer_destroy(basin_optimizer *o);

/* For constructors: a zeroed object of size bytes whose base is filled from entry, ops, params (lr, where
 * the table has it) and dim, with a zeroed state block of state_len doubles. Returns it, or NULL with a
 * message. */
void *basin_optimizer_alloc(size_t size, const basin_entry *entry, const basin_optimizer_ops *ops,
                            const basin_params *params, size_t dim, size_t state_len);

/* The keys the Adam family shares after lr: beta1, beta2, eps (1e-8) and weight_decay (L2, default 0);
 * beta2_doc says what beta2 averages. */
#define BASIN_MOMENT_SPECS(beta2_doc)                                                               \
    BASIN_REAL_BELOW("beta1", "0.9", 0, 1, "decay of the gradient average (torch's betas[0])"),    \
        BASIN_REAL_BELOW("beta2", "0.999", 0, 1, beta2_doc),                                       \
        BASIN_REAL("eps", "1e-8", 0, BASIN_INF, "added to the denominator for stability"),         \
        BASIN_REAL("weight_decay", "0", 0, BASIN_INF, "L2 penalty added to the gradient")

/* Those keys' values, as a constructor reads them. */
typedef struct basin_moments {
    double beta1, beta2, eps, weight_decay;
} basin_moments;
basin_moments basin_moments_read(const basin_params *params);

#endif
