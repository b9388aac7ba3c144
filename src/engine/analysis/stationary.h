/* stationary.h: what the Hessian's eigenvalues make of a point: a minimum's shape, a saddle's, a
 * maximum's, or flat along some direction. `basin run`'s verdicts, the window's curvature lines and
 * its hover line all read it. */
#ifndef BASIN_ANALYSIS_STATIONARY_H
#define BASIN_ANALYSIS_STATIONARY_H

#include "../problem.h"

typedef enum {
    BASIN_POINT_MINIMUM, /* positive definite */
    BASIN_POINT_FLAT,    /* positive semi-definite: no negative direction, some flat one */
    BASIN_POINT_SADDLE,  /* a negative direction and a non-negative one */
    BASIN_POINT_MAXIMUM, /* negative definite */
} basin_point_shape;

/* The shape of n ascending eigenvalues; those within 1e-9 of the largest magnitude count as zero. Can't
 * fail. */
basin_point_shape basin_point_shape_of(const double *eval, size_t n);

/* "a minimum", "flat", "a saddle", "a maximum". */
const char *basin_point_shape_name(basin_point_shape shape);

/* The Hessian's eigenvalues at w over all examples, ascending, into eval (length dim), its eigenvectors
 * into evec (dim × dim, columns; NULL: not wanted), and their shape. Returns 0, or -1 with a message (more
 * than 1,000 parameters, out of memory, a Hessian that is not finite). */
int basin_point_curvature(const basin_problem *p, const double *w, double *eval, double *evec,
                          basin_point_shape *shape);

#endif
