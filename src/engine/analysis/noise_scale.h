/* noise_scale.h: the gradient noise scale B_simple = tr(Σ)/|G|² (McCandlish et al. 2018), the batch size
 * above which a bigger batch stops buying proportionally fewer steps. G is the full-batch gradient and Σ
 * the covariance of the per-example gradients over the N examples (population covariance, 1/N).
 * Exact at a point from every per-example gradient, or estimated from two batch sizes as during training:
 * minibatches drawn without replacement have E|G_B|² = |G|² + c(B)·tr(Σ) with c(B) = (N−B)/((N−1)·B),
 * so two sizes give unbiased estimates of |G|² and tr(Σ), whose averages over rounds make the ratio. */
#ifndef BASIN_NOISE_SCALE_H
#define BASIN_NOISE_SCALE_H

#include "../problem.h"

#include <gsl/gsl_rng.h>

typedef struct basin_noise_scale {
    double trace_sigma; /* tr(Σ) */
    double grad_sq;     /* |G|² */
    double b_simple;    /* tr(Σ)/|G|² */
} basin_noise_scale;

/* Exact, from the n_examples per-example gradients of p (a finite sum) at w. Returns 0, or -1 with a
 * message (not a finite sum, no memory). */
int basin_noise_scale_exact(const basin_problem *p, const double *w, basin_noise_scale *out);

/* The two-batch estimate: rounds draws of a batch of small and one of big examples (without
 * replacement, from rng), |G|² and tr(Σ) estimated from each pair and averaged. Returns 0, or -1 with a
 * message (sizes not 1 ≤ small < big ≤ N, no memory). */
int basin_noise_scale_two_batch(const basin_problem *p, const double *w, size_t small, size_t big, size_t rounds,
                                gsl_rng *rng, basin_noise_scale *out);

/* Unbiased estimates of |G|² and tr(Σ) from one pair: sq_small = |G_B|² of a batch of `small` examples and
 * sq_big of `big` (sizes may be means of unequal batches; small < big ≤ N), out of N. Can't fail. */
void basin_noise_scale_pair(double sq_small, double small, double sq_big, double big, size_t N, double *grad_sq,
                            double *trace_sigma);

#endif
