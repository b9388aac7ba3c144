/* curvature.h: the curvature of a problem at a point from exact Hessian-vector products: the dense
 * Hessian's spectrum, Lanczos for the extreme eigenpairs of large problems (and PyHessian's power
 * iteration, for comparison), Hutchinson's trace, the spectral density by stochastic Lanczos quadrature,
 * and the sharpness measures of the literature. Randomness comes from the seed given; no I/O. */
#ifndef BASIN_CURVATURE_H
#define BASIN_CURVATURE_H

#include "../problem.h"
#include "../share.h"

#include <stdbool.h>
#include <stddef.h>

/* Parameters above which the dense Hessian is refused: its eigenvalues take the one n×n matrix of 8-byte
 * doubles, decomposed in place (2.05 GB at 16,000; eigenvectors take four times that), and a request
 * beyond the machine's memory is refused before it is allocated (basin_budget_check). */
#define BASIN_DENSE_MAX_DIM 16000

/* The bytes basin_hessian_spectrum takes for dim parameters, with or without eigenvectors. Can't fail. */
double basin_hessian_spectrum_bytes(size_t dim, bool vectors);

/* Every eigenvalue of the dense Hessian at w over batch, ascending, into eval (length dim); eigenvectors
 * as evec's columns when evec is non-NULL. Under share the columns (products with unit vectors) are
 * shared, for problems that make them one by one (networks), then every rank has the whole matrix and
 * its eigenvalues. Returns 0, or -1 with a message (too large, no memory, non-finite). */
int basin_hessian_spectrum(const basin_problem *p, const double *w, basin_batch batch, const basin_share *share,
                           double *eval, double *evec);

typedef struct basin_lanczos_opts {
    size_t k;           /* eigenpairs wanted */
    bool smallest;      /* the k smallest instead of the k largest */
    size_t max_iter;    /* Krylov dimension at most (0: min(dim, 300)) */
    double tol;         /* stop when every wanted Ritz pair has ‖Hx − θx‖ ≤ tol·|θ| (0: 1e-10) */
    unsigned long seed; /* the random start */
    const double *start; /* a start vector instead (warm start: the last top eigenvector), or NULL */
} basin_lanczos_opts;

/* Lanczos with full reorthogonalization: the k extreme eigenvalues (ascending) into eval and, when evec
 * is non-NULL, their unit vectors as rows of evec (k × dim); *iterations receives the products used.
 * Returns 0, or -1 with a message. */
int basin_lanczos(const basin_problem *p, const double *w, basin_batch batch, const basin_lanczos_opts *o,
                  double *eval, double *evec, size_t *iterations);

/* PyHessian's power iteration with deflation (max_iter per eigenvalue, stopping when the Rayleigh
 * quotient moves by less than tol relative): the k largest-magnitude eigenvalues in the order found.
 * Returns 0, or -1 with a message. */
int basin_power_iteration(const basin_problem *p, const double *w, basin_batch batch, size_t k, size_t max_iter,
                          double tol, unsigned long seed, double *eval, size_t *products);

/* Hutchinson's estimate of the trace with `probes` Rademacher vectors, and its standard error; under
 * share the probes are shared (every rank draws them all, in order). Returns 0, or -1 with a message. */
int basin_hutchinson_trace(const basin_problem *p, const double *w, basin_batch batch, size_t probes,
                           unsigned long seed, const basin_share *share, double *trace, double *stderr_out);

/* Stochastic Lanczos quadrature's nodes (Ritz values) and weights: `runs` Rademacher probes, `steps`
 * Lanczos steps each (the runs shared under share); nodes and weights need room for runs × steps;
 * *count receives how many. The weights sum to 1. Returns 0, or -1 with a message. */
int basin_slq_nodes(const basin_problem *p, const double *w, basin_batch batch, size_t runs, size_t steps,
                    unsigned long seed, const basin_share *share, double *nodes, double *weights, size_t *count);

/* The density of quadrature nodes broadened by Gaussians of width sigma, at the n_grid points t. Can't
 * fail. */
void basin_slq_broaden(const double *nodes, const double *weights, size_t count, double sigma, const double *t,
                       size_t n_grid, double *density);

/* The spectral density by stochastic Lanczos quadrature (Ghorbani et al. 2019): runs × steps products,
 * each Ritz value a Gaussian of width sigma; density sampled at the n_grid points t into density
 * (integrating to 1). Returns 0, or -1 with a message. */
int basin_slq_density(const basin_problem *p, const double *w, basin_batch batch, size_t runs, size_t steps,
                      double sigma, unsigned long seed, const basin_share *share, const double *t, size_t n_grid,
                      double *density);

typedef struct basin_sharpness_opts {
    double epsilon;        /* the box: |y_i| ≤ ε(|x_i| + 1) */
    size_t starts;         /* the point itself (y = 0), then starts − 1 uniform random points of the box */
    size_t max_iterations; /* L-BFGS-B iterations per start */
    unsigned long seed;    /* of the random starts */
} basin_sharpness_opts;

typedef struct basin_sharpness_result {
    double value;                   /* the ε-sharpness */
    double max_loss;                /* the largest f(x + y) found */
    size_t iterations, evaluations; /* summed over the starts */
    size_t starts, best_start;      /* starts used; the one (0-based) that found the maximum */
} basin_sharpness_result;

/* Keskar et al.'s ε-sharpness 100·(max_{|y_i| ≤ ε(|x_i|+1)} f(x+y) − f(x))/(1 + f(x)), the maximum by
 * L-BFGS-B (as Keskar et al. computed it) from each start, the largest kept. Returns 0 with result
 * filled, or -1 with a message (no memory, a non-finite loss). */
int basin_epsilon_sharpness(const basin_problem *p, const double *w, basin_batch batch,
                            const basin_sharpness_opts *opts, basin_sharpness_result *result);

/* SAM's first-order sharpness L(w + ρ·g/‖g‖) − L(w). Returns it, or NAN with a message. */
double basin_sam_sharpness(const basin_problem *p, const double *w, basin_batch batch, double rho);

#endif
