/* modes.h: what the modes view shows of a surface run: its error along each eigendirection of the Hessian
 * at the minimum it heads for, the quadratic model's coordinates, where gradient descent at step η
 * multiplies the i-th error by 1 − ηλᵢ every step. */
#ifndef BASIN_LAB_MODES_H
#define BASIN_LAB_MODES_H

#include "engine/run.h"

#include <stddef.h>

#define BASIN_MODES_MAX_DIM 1000 /* the dense Hessian's eigenvectors: dim² doubles */

typedef struct basin_modes {
    size_t dim, len;
    double *lambda;  /* dim eigenvalues of the Hessian at center, ascending */
    double *error;   /* len × dim: |vᵢᵀ(w_t − center)| for each recorded row t */
    double *center;  /* dim: one Newton step from the run's last point (the minimum itself on a quadratic) */
    double resolution; /* the smallest error doubles resolve here: 64 ε times the largest |w| of the run */
} basin_modes;

/* The modes of run on p: the Hessian at the run's last point, one Newton step from there to the center
 * (exact on a quadratic), and every row's error along each eigenvector. Returns 0, or -1 with a message
 * (more than BASIN_MODES_MAX_DIM parameters, a Hessian that is not positive definite there, out of
 * memory); modes then holds nothing. */
int basin_modes_compute(const basin_problem *p, const basin_run *run, basin_modes *modes);

/* Frees what modes holds; a zeroed one is fine. */
void basin_modes_free(basin_modes *modes);

#endif
