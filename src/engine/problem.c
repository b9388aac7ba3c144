/* problem.c: what every problem shares: construction from the registry, gradient noise, minibatches. */
#include "problem.h"

#include "error.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

basin_problem *basin_problem_create(const basin_entry *entry, const basin_params *params)
{
    BASIN_ASSERT(entry->kind == BASIN_KIND_SURFACE);
    basin_problem *p = entry->create.surface(entry, params);
    if (p)
        p->grad_noise = basin_params_real(params, "noise");
    return p;
}

void basin_problem_destroy(basin_problem *p)
{
    if (p)
        p->ops->destroy(p);
}

double basin_problem_eval(const basin_problem *p, const double *w, double *g)
{
    return p->ops->eval(p, w, BASIN_FULL_BATCH, g);
}

double basin_problem_eval_batch(const basin_problem *p, const double *w, basin_batch batch, double *g)
{
    return p->ops->eval(p, w, batch, g);
}

void basin_problem_hessian(const basin_problem *p, const double *w, basin_batch batch, double *h)
{
    p->ops->hessian(p, w, batch, h);
}

void basin_hessian_symmetrize(size_t n, double *h)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            h[i * n + j] = h[j * n + i] = 0.5 * (h[i * n + j] + h[j * n + i]);
}

void basin_problem_hvp(const basin_problem *p, const double *w, basin_batch batch, const double *v, double *hv)
{
    if (p->ops->hvp) {
        p->ops->hvp(p, w, batch, v, hv);
        return;
    }
    size_t n = p->dim;
    double *h = malloc(n * n * sizeof *h);
    for (size_t i = 0; i < n; i++)
        hv[i] = NAN;
    if (!h)
        return;
    p->ops->hessian(p, w, batch, h);
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        for (size_t j = 0; j < n; j++)
            sum += h[i * n + j] * v[j];
        hv[i] = sum;
    }
    free(h);
}

basin_batch basin_problem_sample_batch(const basin_problem *p, size_t batch_size, gsl_rng *rng,
                                       size_t *idx)
{
    if (batch_size == 0 || p->n_examples == 0 || batch_size >= p->n_examples)
        return BASIN_FULL_BATCH;
    /* Selection sampling (Knuth's Algorithm S): every subset of batch_size examples is equally
     * likely, the indices come out distinct and increasing, and no population array is needed. */
    size_t chosen = 0;
    for (size_t i = 0; i < p->n_examples && chosen < batch_size; i++) {
        double u = gsl_rng_uniform(rng);
        if ((double)(p->n_examples - i) * u < (double)(batch_size - chosen))
            idx[chosen++] = i;
    }
    return (basin_batch){idx, batch_size};
}

void basin_problem_add_noise(const basin_problem *p, gsl_rng *rng, double *g)
{
    if (p->grad_noise <= 0)
        return;
    for (size_t i = 0; i < p->dim; i++)
        g[i] += gsl_ran_gaussian(rng, p->grad_noise);
}
