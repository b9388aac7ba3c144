/* report.c: the curvature report of a point, from the solvers of curvature.c. */
#include "report.h"

#include "../error.h"

#include <math.h>
#include <stdlib.h>

/* The other end of the spectrum by a one-eigenvalue Lanczos run: λmin when smallest, else λmax. */
static int other_end(const basin_problem *p, const double *w, bool smallest, unsigned long seed, double *value)
{
    basin_lanczos_opts lo = {.k = 1, .smallest = smallest, .seed = seed + 1};
    return basin_lanczos(p, w, BASIN_FULL_BATCH, &lo, value, NULL, NULL);
}

int basin_curvature_report_compute(const basin_problem *p, const double *w, const basin_report_opts *o,
                                   basin_curvature_report *r)
{
    size_t n = p->dim, k = o->k;
    unsigned long seed = o->seed;
    *r = (basin_curvature_report){.sharpness = NAN, .noise = {NAN, NAN, NAN}};
    r->n_params = n;
    r->eigs = malloc((n + 1) * sizeof *r->eigs);
    if (!r->eigs) {
        basin_error_set("out of memory");
        return -1;
    }
    r->lambda_min = r->condition = r->negative_mass = r->trace = r->trace_stderr = NAN;
    if (o->eigs == BASIN_EIGS_ALL) {
        if (basin_hessian_spectrum(p, w, BASIN_FULL_BATCH, o->share, r->eigs, NULL) != 0)
            return -1;
        r->n_eigs = n, r->all = true;
        r->lambda_min = r->eigs[0], r->lambda_max = r->eigs[n - 1];
        double neg = 0, abs_sum = 0, sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += r->eigs[i], abs_sum += fabs(r->eigs[i]), neg += r->eigs[i] < 0 ? -r->eigs[i] : 0;
        if (o->trace)
            r->trace = sum, r->trace_stderr = 0;
        if (r->lambda_min < 0)
            r->negative_mass = abs_sum > 0 ? neg / abs_sum : 0;
    } else if (o->eigs == BASIN_EIGS_POWER) {
        /* PyHessian's way, for comparison: the largest-magnitude eigenvalues, ascending here */
        if (basin_power_iteration(p, w, BASIN_FULL_BATCH, k, 100, 1e-3, seed, r->eigs, NULL) != 0)
            return -1;
        r->n_eigs = k;
        for (size_t i = 1; i < k; i++)
            for (size_t j = i; j > 0 && r->eigs[j - 1] > r->eigs[j]; j--) {
                double tmp = r->eigs[j];
                r->eigs[j] = r->eigs[j - 1], r->eigs[j - 1] = tmp;
            }
        r->lambda_max = r->eigs[k - 1];
        if ((o->condition || o->density) && other_end(p, w, true, seed, &r->lambda_min) != 0)
            return -1;
        if (o->trace && basin_hutchinson_trace(p, w, BASIN_FULL_BATCH, 200, seed + 2, o->share, &r->trace, &r->trace_stderr) != 0)
            return -1;
    } else {
        bool top = o->eigs == BASIN_EIGS_TOP;
        basin_lanczos_opts lo = {.k = k, .smallest = !top, .seed = seed};
        if (basin_lanczos(p, w, BASIN_FULL_BATCH, &lo, r->eigs, NULL, NULL) != 0)
            return -1;
        r->n_eigs = k;
        r->lambda_max = top ? r->eigs[k - 1] : NAN;
        r->lambda_min = top ? NAN : r->eigs[0];
        if ((o->condition || o->density) && other_end(p, w, top, seed, top ? &r->lambda_min : &r->lambda_max) != 0)
            return -1;
        if (o->trace && basin_hutchinson_trace(p, w, BASIN_FULL_BATCH, 200, seed + 2, o->share, &r->trace, &r->trace_stderr) != 0)
            return -1;
    }
    r->indefinite = r->n_eigs > 0 && r->eigs[0] < 0; /* a negative one among those found, or λmin's */
    r->indefinite = r->indefinite || r->lambda_min < 0;
    if (r->lambda_min > 0)
        r->condition = r->lambda_max / r->lambda_min;
    if (o->noise_scale && basin_noise_scale_exact(p, w, &r->noise) != 0)
        return -1;
    if (o->sharpness == BASIN_SHARPNESS_SAM) {
        if (isnan(r->sharpness = basin_sam_sharpness(p, w, BASIN_FULL_BATCH, o->sharpness_param)))
            return -1;
    } else if (o->sharpness == BASIN_SHARPNESS_EPSILON) {
        basin_sharpness_opts so = {.epsilon = o->sharpness_param, .starts = o->sharpness_starts,
                                   .max_iterations = 1000, .seed = seed + 3};
        if (basin_epsilon_sharpness(p, w, BASIN_FULL_BATCH, &so, &r->epsilon) != 0)
            return -1;
        r->sharpness = r->epsilon.value;
    }
    if (o->density) {
        enum { GRID = BASIN_REPORT_DENSITY_POINTS };
        r->t = malloc(GRID * sizeof *r->t);
        r->density = malloc(GRID * sizeof *r->density);
        if (!r->t || !r->density) {
            basin_error_set("out of memory");
            return -1;
        }
        double lo = fmin(r->lambda_min, 0), hi = r->lambda_max, span = hi - lo > 0 ? hi - lo : 1;
        lo -= 0.05 * span, hi += 0.05 * span;
        for (size_t i = 0; i < GRID; i++)
            r->t[i] = lo + (hi - lo) * (double)i / (GRID - 1);
        if (basin_slq_density(p, w, BASIN_FULL_BATCH, 10, 80, 0.01 * span, seed + 4, o->share, r->t, GRID, r->density) != 0)
            return -1;
        r->n_density = GRID;
    }
    return 0;
}

void basin_curvature_report_free(basin_curvature_report *r)
{
    free(r->eigs), free(r->t), free(r->density);
    *r = (basin_curvature_report){0};
}
