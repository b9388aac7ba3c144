/* stationary.c: the shape of a point from the signs of its Hessian's eigenvalues. */
#include "stationary.h"

#include "../error.h"
#include "../linalg.h"

#include <math.h>
#include <stdlib.h>

basin_point_shape basin_point_shape_of(const double *eval, size_t n)
{
    double tiny = 1e-9 * fmax(fabs(eval[0]), fabs(eval[n - 1]));
    if (eval[n - 1] < -tiny)
        return BASIN_POINT_MAXIMUM;
    if (eval[0] < -tiny)
        return BASIN_POINT_SADDLE;
    return eval[0] > tiny ? BASIN_POINT_MINIMUM : BASIN_POINT_FLAT;
}

const char *basin_point_shape_name(basin_point_shape shape)
{
    static const char *const names[] = {[BASIN_POINT_MINIMUM] = "a minimum", [BASIN_POINT_FLAT] = "flat",
                                        [BASIN_POINT_SADDLE] = "a saddle", [BASIN_POINT_MAXIMUM] = "a maximum"};
    return names[shape];
}

int basin_point_curvature(const basin_problem *p, const double *w, double *eval, double *evec,
                          basin_point_shape *shape)
{
    size_t n = p->dim;
    if (n > 1000) {
        basin_error_set("%zu parameters: too many for a dense Hessian here (1,000 at most)", n);
        return -1;
    }
    double *h = malloc(n * n * sizeof *h);
    if (!h) {
        basin_error_set("out of memory");
        return -1;
    }
    basin_problem_hessian(p, w, BASIN_FULL_BATCH, h);
    int rc = basin_symmetric_eigen(n, h, eval, evec);
    free(h);
    if (rc != 0) {
        basin_error_set("the Hessian is not finite here");
        return -1;
    }
    *shape = basin_point_shape_of(eval, n);
    return 0;
}
