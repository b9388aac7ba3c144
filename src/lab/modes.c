/* modes.c: a run's error along the Hessian's eigendirections. */
#include "modes.h"

#include "engine/analysis/stationary.h"
#include "engine/error.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void basin_modes_free(basin_modes *m)
{
    free(m->lambda), free(m->error), free(m->center);
    *m = (basin_modes){0};
}

int basin_modes_compute(const basin_problem *p, const basin_run *run, basin_modes *m)
{
    size_t n = p->dim, len = run->trace.len;
    *m = (basin_modes){.dim = n, .len = len};
    if (n > BASIN_MODES_MAX_DIM) {
        basin_error_set("the modes view needs at most %d parameters (this surface has %zu)", BASIN_MODES_MAX_DIM, n);
        return -1;
    }
    double *evec = malloc(n * n * sizeof *evec), *g = malloc(n * sizeof *g);
    m->lambda = malloc(n * sizeof *m->lambda), m->center = malloc(n * sizeof *m->center);
    m->error = malloc((len ? len : 1) * n * sizeof *m->error);
    int rc = -1;
    if (!evec || !g || !m->lambda || !m->center || !m->error) {
        basin_error_set("out of memory for the modes of %zu parameters", n);
        goto done;
    }
    const double *last = run->trace.w + (len - 1) * n;
    basin_point_shape shape;
    if (len == 0 || basin_point_curvature(p, last, m->lambda, evec, &shape) != 0)
        goto done;
    if (shape != BASIN_POINT_MINIMUM) {
        basin_error_set("the modes view needs a run that ends near a minimum (the Hessian there is %s)",
                        basin_point_shape_name(shape));
        goto done;
    }
    /* center = last − H⁻¹∇f(last) = last − Σ vᵢ (vᵢᵀg)/λᵢ */
    basin_problem_eval(p, last, g);
    memcpy(m->center, last, n * sizeof *last);
    for (size_t i = 0; i < n; i++) {
        double along = 0;
        for (size_t j = 0; j < n; j++)
            along += evec[j * n + i] * g[j];
        for (size_t j = 0; j < n; j++)
            m->center[j] -= evec[j * n + i] * along / m->lambda[i];
    }
    double largest = 0;
    for (size_t k = 0; k < len * n; k++)
        largest = fmax(largest, fabs(run->trace.w[k]));
    m->resolution = 64 * DBL_EPSILON * fmax(largest, 1e-300);
    for (size_t t = 0; t < len; t++)
        for (size_t i = 0; i < n; i++) {
            double along = 0;
            for (size_t j = 0; j < n; j++)
                along += evec[j * n + i] * (run->trace.w[t * n + j] - m->center[j]);
            m->error[t * n + i] = fabs(along);
        }
    rc = 0;
done:
    free(evec), free(g);
    if (rc != 0)
        basin_modes_free(m);
    return rc;
}
