/* noise_scale.c: tr(Σ)/|G|² exactly from per-example gradients, and from two batch sizes. */
#include "noise_scale.h"

#include "../error.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

static double norm_sq(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i] * x[i];
    return s;
}

/* Two passes over the examples, one gradient in memory at a time: the mean, then the spread around it. */
int basin_noise_scale_exact(const basin_problem *p, const double *w, basin_noise_scale *out)
{
    size_t n = p->dim, N = p->n_examples;
    if (N == 0) {
        basin_error_set("the noise scale needs a sum over examples (this problem has none)");
        return -1;
    }
    double *g = malloc(n * sizeof *g), *mean = calloc(n, sizeof *mean);
    if (!g || !mean) {
        free(g), free(mean);
        basin_error_set("out of memory for the noise scale of %zu parameters", n);
        return -1;
    }
    int status = 0;
    for (size_t e = 0; e < N && status == 0; e++) {
        if (!isfinite(basin_problem_eval_batch(p, w, (basin_batch){&e, 1}, g)))
            status = -1;
        for (size_t i = 0; i < n; i++)
            mean[i] += g[i] / (double)N;
    }
    double spread = 0;
    for (size_t e = 0; e < N && status == 0; e++) {
        basin_problem_eval_batch(p, w, (basin_batch){&e, 1}, g);
        for (size_t i = 0; i < n; i++)
            spread += (g[i] - mean[i]) * (g[i] - mean[i]);
    }
    if (status == 0) {
        out->trace_sigma = spread / (double)N;
        out->grad_sq = norm_sq(mean, n);
        out->b_simple = out->trace_sigma / out->grad_sq;
    } else if (!basin_error_message()[0]) {
        basin_error_set("the noise scale: a per-example loss is not finite");
    }
    free(g), free(mean);
    return status;
}

int basin_noise_scale_two_batch(const basin_problem *p, const double *w, size_t small, size_t big, size_t rounds,
                                gsl_rng *rng, basin_noise_scale *out)
{
    size_t n = p->dim, N = p->n_examples;
    if (N == 0 || small < 1 || small >= big || big > N || rounds == 0) {
        basin_error_set("the two-batch noise scale needs 1 ≤ small < big ≤ %zu examples (got %zu and %zu)", N, small,
                        big);
        return -1;
    }
    size_t *all = malloc(N * sizeof *all), *pick = malloc(big * sizeof *pick);
    double *g = malloc(n * sizeof *g);
    if (!all || !pick || !g) {
        free(all), free(pick), free(g);
        basin_error_set("out of memory for the two-batch noise scale");
        return -1;
    }
    for (size_t e = 0; e < N; e++)
        all[e] = e;
    double grad_sq = 0, trace = 0;
    for (size_t r = 0; r < rounds; r++) {
        gsl_ran_choose(rng, pick, small, all, N, sizeof *all);
        basin_problem_eval_batch(p, w, (basin_batch){pick, small}, g);
        double sq_small = norm_sq(g, n);
        gsl_ran_choose(rng, pick, big, all, N, sizeof *all);
        basin_problem_eval_batch(p, w, (basin_batch){pick, big}, g);
        double sq_big = norm_sq(g, n);
        double round_grad_sq, round_trace;
        basin_noise_scale_pair(sq_small, (double)small, sq_big, (double)big, N, &round_grad_sq, &round_trace);
        grad_sq += round_grad_sq / (double)rounds;
        trace += round_trace / (double)rounds;
    }
    out->grad_sq = grad_sq, out->trace_sigma = trace, out->b_simple = trace / grad_sq;
    free(all), free(pick), free(g);
    return 0;
}

void basin_noise_scale_pair(double sq_small, double small, double sq_big, double big, size_t N, double *grad_sq,
                            double *trace_sigma)
{
    /* E|G_B|² = |G|² + c(B)·tr(Σ), c(B) = (N − B)/((N − 1)·B): two equations, two unknowns */
    double c_small = ((double)N - small) / ((double)(N - 1) * small);
    double c_big = ((double)N - big) / ((double)(N - 1) * big);
    *grad_sq = (c_small * sq_big - c_big * sq_small) / (c_small - c_big);
    *trace_sigma = (sq_small - sq_big) / (c_small - c_big);
}
