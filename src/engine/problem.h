/* problem.h: an optimization problem over a flat parameter vector w of length dim.
 * It answers the loss, the gradient (over all examples or a minibatch of example indices) and the
 * dense Hessian. 2-D surfaces, N-D quadratics and least squares are all problems. */
#ifndef BASIN_PROBLEM_H
#define BASIN_PROBLEM_H

#include "registry.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

/* The examples a gradient is taken over: idx[0..m) when idx is non-NULL, all examples otherwise. */
typedef struct basin_batch {
    const size_t *idx;
    size_t m;
} basin_batch;

#define BASIN_FULL_BATCH ((basin_batch){NULL, 0})

typedef struct basin_problem_ops {
    /* Loss at w over batch; writes the gradient into g when g is non-NULL. */
    double (*eval)(const basin_problem *p, const double *w, basin_batch batch, double *g);
    /* Dense Hessian at w over batch, row-major dim×dim, symmetric. */
    void (*hessian)(const basin_problem *p, const double *w, basin_batch batch, double *h);
    /* H·v at w over batch into hv; NULL: the dense Hessian times v (small problems). */
    void (*hvp)(const basin_problem *p, const double *w, basin_batch batch, const double *v, double *hv);
    /* Optional: columns first, first + step, ... of the Hessian as products with unit vectors, before
     * hessian's symmetrization (basin_hessian_symmetrize), the other entries −0: the dense Hessian by parts. */
    void (*hessian_columns)(const basin_problem *p, const double *w, basin_batch batch, size_t first, size_t step,
                            double *h);
    void (*destroy)(basin_problem *p);
} basin_problem_ops;

struct basin_problem {
    const basin_problem_ops *ops;
    size_t dim;        /* number of parameters */
    size_t n_examples; /* examples of a finite sum; 0 for a deterministic surface */
    double f_min;      /* global minimum value; -INFINITY if unbounded below, NAN if unknown */
    double grad_noise; /* σ of the Gaussian noise added to every sampled gradient component */
    double domain[4];  /* the usual window of a 2-D test function (xmin, xmax, ymin, ymax); zeros if none */
};

/* Builds the problem an entry of kind BASIN_KIND_SURFACE describes, applying the keys every surface
 * shares (noise). Returns a problem owned by the caller, or NULL with basin_error_message(). */
basin_problem *basin_problem_create(const basin_entry *entry, const basin_params *params);

/* Frees p; NULL is a no-op. */
void basin_problem_destroy(basin_problem *p);

/* Loss at w over all examples; fills g (length dim) when non-NULL. Can't fail. */
double basin_problem_eval(const basin_problem *p, const double *w, double *g);

/* Loss at w over batch; fills g when non-NULL. Can't fail. */
double basin_problem_eval_batch(const basin_problem *p, const double *w, basin_batch batch, double *g);

/* Dense Hessian over batch into h (dim×dim, row-major). Can't fail. */
void basin_problem_hessian(const basin_problem *p, const double *w, basin_batch batch, double *h);

/* Makes h (n×n, row-major) symmetric: h_ij = h_ji = (h_ij + h_ji)/2, as a Hessian from products is. */
void basin_hessian_symmetrize(size_t n, double *h);

/* The exact Hessian-vector product H(w)·v over batch into hv (length dim). Can't fail: on running out of
 * memory hv is NaN. */
void basin_problem_hvp(const basin_problem *p, const double *w, basin_batch batch, const double *v, double *hv);

/* Draws a minibatch of batch_size distinct examples (all examples when batch_size is 0 or the problem is
 * not a finite sum) into idx (room for batch_size) and returns it. Randomness comes from rng only. */
basin_batch basin_problem_sample_batch(const basin_problem *p, size_t batch_size, gsl_rng *rng,
                                       size_t *idx);

/* Adds the problem's gradient noise N(0, σ²) to each component of g, drawn from rng (none if σ is 0). */
void basin_problem_add_noise(const basin_problem *p, gsl_rng *rng, double *g);

/* The key every surface accepts for gradient noise; include it in each surface's table. */
#define BASIN_NOISE_PARAM \
    BASIN_REAL("noise", "0", 0, BASIN_INF, "std. dev. of Gaussian noise added to each gradient component")

#endif
