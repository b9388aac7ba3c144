/* lbfgsb.h: bound-constrained minimization by L-BFGS-B 3.0 (Zhu, Byrd, Lu, Nocedal; Debian's liblbfgsb, the
 * same Fortran code scipy.optimize wraps), driven through its reverse-communication interface. */
#ifndef BASIN_ANALYSIS_LBFGSB_H
#define BASIN_ANALYSIS_LBFGSB_H

#include <stddef.h>

/* The function to minimize: its value at x, its gradient into g (length n). */
typedef double (*basin_lbfgsb_fn)(void *ctx, const double *x, double *g);

typedef struct basin_lbfgsb_opts {
    size_t memory;         /* corrections kept (scipy's maxcor): 10 */
    double factr, pgtol;   /* stop when the relative reduction is below factr·machine ε, or the projected
                              gradient's largest component below pgtol: scipy's 1e7 and 1e-5 */
    size_t max_iterations; /* and at most this many iterations */
} basin_lbfgsb_opts;

typedef struct basin_lbfgsb_result {
    double f;                     /* the value at the returned x */
    size_t iterations, evaluations;
    char message[64];             /* L-BFGS-B's last task ("CONVERGENCE: ...", "STOP: iterations") */
} basin_lbfgsb_result;

/* Minimizes fn over the box lower ≤ x ≤ upper (length n each) from x (updated in place to the best point
 * found). Returns 0 (result filled, whether it converged or stopped at the iteration limit), or -1 with a
 * message when memory runs out or L-BFGS-B reports an error (a non-finite value, bad bounds). */
int basin_lbfgsb_minimize(size_t n, double *x, const double *lower, const double *upper, basin_lbfgsb_fn fn,
                          void *ctx, const basin_lbfgsb_opts *opts, basin_lbfgsb_result *result);

#endif
