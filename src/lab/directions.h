/* directions.h: the plane (or line) a landscape is drawn in, from a description: random, filter-normalized
 * (Li et al.), the principal components of a trajectory that `basin train --save-trajectory` saved, the
 * Hessian's top eigenvectors, or the segment to other weights; and a saved trajectory seen in that plane. */
#ifndef BASIN_LAB_DIRECTIONS_H
#define BASIN_LAB_DIRECTIONS_H

#include "engine/nn/net_problem.h"

typedef struct basin_directions {
    size_t n;
    double *origin, *d1, *d2;       /* owned; d2 is NULL for a line */
    /* pca:DIR: the trajectory read, T points of n weights and of the model's state, and their steps */
    size_t T;
    double *traj, *traj_state;
    long *steps;
    double explained[2];            /* pca: the variance each direction explains */
    double eigenvalues[2];          /* hessian: the eigenvalues of d1 and d2 */
} basin_directions;

/* Makes the directions spec names ("random", "filter", "filter-all", "pca:DIR", "hessian", "line:DIR2";
 * NULL: filter for a network, random for a surface) through w of p, m being the network (NULL for a
 * surface); seed draws random directions and Lanczos's start. The origin is w, or the trajectory's last
 * point for pca, whose state the model m then holds. Returns 0; -2 with a message when spec does not
 * suit the subject (bad input); -1 with a message on failure (a missing file, no memory). */
int basin_directions_make(basin_directions *d, const char *spec, const basin_problem *p, basin_model *m,
                          const double *w, unsigned long seed);

/* Frees what d holds; a zeroed d is fine. */
void basin_directions_free(basin_directions *d);

/* Each trajectory point t in the plane: its least-squares coordinates a[t], b[t], its own loss (its
 * weights with the state saved with them) and the slice's loss at (a, b), over np's training split in
 * eval mode (np's model keeps the origin's state). Returns 0, or -1 with a message. */
int basin_directions_trajectory(const basin_directions *d, const basin_net_problem *np, double *a, double *b,
                                double *loss, double *slice_loss);

#endif
