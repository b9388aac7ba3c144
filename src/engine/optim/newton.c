/* newton.c: Newton's method, damped when lr < 1: w = w − lr·H⁺g.
 * H is the problem's Hessian over the same batch as the gradient (a minibatch gives the stochastic
 * Newton method). H⁺ is the Moore–Penrose pseudo-inverse from the eigen-decomposition H = Σ λₖvₖvₖᵀ:
 * directions with |λₖ| ≤ 1e-12·max|λ| are left alone, so a singular Hessian gives the minimum-norm step
 * and a zero Hessian no step at all. An indefinite H is NOT corrected: the step goes to the stationary
 * point of the local quadratic model, which is a saddle or a maximum when H has negative eigenvalues.
 * Newton is attracted to every stationary point, not just minima; that is the lesson it teaches. */
#include "optimizer.h"
#include "optimizers.h"

#include "../error.h"
#include "../linalg.h"

#include <math.h>
#include <stdio.h>

#define NEWTON_RCOND 1e-12

typedef struct newton {
    basin_optimizer base;
    double *h, *eval, *evec, *coef;
} newton;

static int newton_step(basin_optimizer *o, double *w, const double *g, double lr, const basin_problem *p,
                       basin_batch batch)
{
    BASIN_ASSERT(p != NULL);
    newton *nt = (newton *)o;
    size_t n = o->dim;
    basin_problem_hessian(p, w, batch, nt->h);
    if (basin_symmetric_eigen(n, nt->h, nt->eval, nt->evec) != 0) {
        char why[256];
        snprintf(why, sizeof why, "%s", basin_error_message()); /* basin_error_set overwrites it */
        basin_error_set("newton: no step at this point: the Hessian: %s", why);
        return -1;
    }
    double largest = fmax(fabs(nt->eval[0]), fabs(nt->eval[n - 1]));
    for (size_t k = 0; k < n; k++) {
        double proj = 0;
        for (size_t i = 0; i < n; i++)
            proj += nt->evec[i * n + k] * g[i];
        nt->coef[k] = fabs(nt->eval[k]) > NEWTON_RCOND * largest ? proj / nt->eval[k] : 0;
    }
    for (size_t i = 0; i < n; i++) {
        double d = 0;
        for (size_t k = 0; k < n; k++)
            d += nt->evec[i * n + k] * nt->coef[k];
        w[i] -= lr * d;
    }
    return 0;
}

/* A preconditioned step: no scalar limit on the raw Hessian's λmax exists. */
static const basin_optimizer_ops newton_ops = {
    .step = newton_step,
    .no_limit = "Newton rescales by the Hessian"};

/* A dense Hessian and its eigenvectors take 2·dim² doubles: 64 MB at this size. */
#define NEWTON_MAX_DIM 2000

static basin_optimizer *newton_create(const basin_entry *entry, const basin_params *params, size_t dim)
{
    if (dim > NEWTON_MAX_DIM) {
        basin_error_set("newton: %zu parameters are more than the %d a dense Hessian allows; use a smaller "
                        "model",
                        dim, NEWTON_MAX_DIM);
        return NULL;
    }
    newton *nt = basin_optimizer_alloc(sizeof *nt, entry, &newton_ops, params, dim, 2 * dim * dim + 2 * dim);
    if (!nt)
        return NULL;
    nt->h = nt->base.state;
    nt->evec = nt->h + dim * dim;
    nt->eval = nt->evec + dim * dim;
    nt->coef = nt->eval + dim;
    return &nt->base;
}

static const basin_param_spec newton_specs[] = {
    BASIN_REAL("lr", "1", 0, BASIN_INF, "step length: 1 is Newton's method, below 1 damped Newton"),
    BASIN_PARAMS_END};

const basin_entry basin_optim_newton = {
    BASIN_KIND_OPTIMIZER, "newton",
    "w −= lr·H⁺∇f (pseudo-inverse; not corrected where H is indefinite, so it can head for saddles and maxima)",
    newton_specs, NULL, {.optimizer = newton_create}};
