/* landscape.h: loss-landscape slices (Li et al. 2018): directions in parameter space (random, filter-
 * normalized, principal components of a trajectory) and the loss over a 1-D or 2-D grid of
 * w + a·d1 + b·d2, evaluated on several threads in coarse-to-fine order so a viewer can show it while it
 * computes. */
#ifndef BASIN_LANDSCAPE_H
#define BASIN_LANDSCAPE_H

#include "../nn/model.h"

#include <stdbool.h>
#include <stddef.h>

/* Li et al.'s filter normalization, in place: each output filter of a Conv2d weight and each output neuron
 * (row) of a Linear weight in d is rescaled to the norm of the same filter in w; every other parameter
 * (biases, normalization γ and β) is zeroed, or with keep_others set to its value in w (Li et al.'s code
 * does one or the other). Can't fail. */
void basin_filter_normalize(const basin_model *m, const double *w, double *d, bool keep_others);

/* PCA of a trajectory: the rows of traj (T × n) minus its last row; the two leading principal directions
 * (unit vectors) into d1, d2 and the fraction of the variance each explains into ratio. Returns 0, or -1
 * with a message (fewer than 3 points, no memory). */
int basin_trajectory_pca(const double *traj, size_t T, size_t n, double *d1, double *d2, double ratio[2]);

/* The least-squares coordinates (a, b) of x − origin in the span of d1 and d2 (d2 NULL: a alone). */
void basin_project(const double *origin, const double *d1, const double *d2, size_t n, const double *x, double *a,
                   double *b);

/* Evaluates the loss (and accuracy, NAN where it has none) at parameters w = origin + a·d1 + b·d2 (the
 * coordinates come too, for evaluators that exploit the plane); ctx is one thread's own (a
 * problem's evaluation uses scratch of its own, so each thread needs its own problem). Returns 0, or -1
 * with a message. */
typedef int (*basin_landscape_eval)(void *ctx, const double *w, double a, double b, double *loss, double *accuracy);

/* The order in which a grid × grid (or grid for 1-D) set of points is computed: every 8th point of
 * every 8th row first, then every 4th, 2nd, and the rest; into order (room for the count). */
void basin_landscape_order(size_t grid, bool two_d, size_t *order);

/* Told, on the calling thread after each of its points, how many points of how many are done (report,
 * may be NULL); told of every finished point, on whichever thread, one at a time (finished, may be NULL:
 * what a checkpoint keeps); and which points are known already (done, grid² flags or NULL: their loss and
 * accuracy are the caller's and are not computed again). */
typedef struct basin_landscape_progress {
    void (*report)(void *ctx, size_t done, size_t total);
    void *ctx;
    void (*finished)(void *ctx, size_t point, double loss, double accuracy);
    const bool *done;
} basin_landscape_progress;

/* Fills loss and accuracy (row-major, b outer, a inner; grid² values, or grid for 1-D when d2 is NULL)
 * at origin + a·d1 + b·d2 with a, b evenly spaced over range, on n_threads threads (each with its ctx;
 * the calling thread is one of them), in basin_landscape_order. progress may be NULL. Returns 0, or -1
 * with a message. */
int basin_landscape_grid(basin_landscape_eval eval, void *const *ctx, size_t n_threads, const double *origin,
                         const double *d1, const double *d2, size_t n, size_t grid, const double range[2],
                         double *loss, double *accuracy, const basin_landscape_progress *progress);

/* The same for part (0 … parts − 1) of the points: every parts-th point of that order from the part-th
 * on, the others set to 0, so that the parts' grids summed (an all-reduce over MPI ranks) are the whole
 * grid, bit for bit. */
int basin_landscape_grid_part(basin_landscape_eval eval, void *const *ctx, size_t n_threads, const double *origin,
                              const double *d1, const double *d2, size_t n, size_t grid, const double range[2],
                              double *loss, double *accuracy, const basin_landscape_progress *progress, size_t part,
                              size_t parts);

#endif
