/* run.h: a run is a problem + optimizer + schedule + start point + seed; stepping it appends to its
 * trace. A run stops by itself when it diverges (a non-finite loss or parameter, or |loss| > 1e100):
 * divergence is a result, kept in the trace, not an error. */
#ifndef BASIN_RUN_H
#define BASIN_RUN_H

#include "optim/optimizer.h"
#include "parallel/async.h"
#include "problem.h"
#include "schedule.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>

#define BASIN_DIVERGENCE_LOSS 1e100

/* Row t is the state after t steps: the loss and full-batch gradient norm at w_t, w_t itself, the
 * learning rate of the step taken from row t (the schedule at index t), the staleness τ of the gradient
 * that made w_t (it was taken at row t − 1 − τ; 0 for row 0 and for runs that are not asynchronous) and
 * the simulated time w_t was made at (a gradient per time unit unless async's clock says otherwise; NAN
 * for a fixed delay). */
typedef struct basin_trace {
    size_t dim;
    size_t len; /* rows recorded */
    size_t cap;
    double *loss, *grad_norm, *lr; /* len each */
    double *staleness, *sim_time;  /* len each */
    double *w;                     /* len × dim */
    double *coord_step; /* len × dim: each coordinate's step size in the step that made the row (NaN for row 0
                         * and optimizers without one), when basin_run_record_coordinate_steps asked; else NULL */
    double *average;    /* len × dim: the averaged iterate the optimizer keeps beside w (ASGD's ax) after the
                         * step that made the row, row 0 the start; NULL for optimizers without one */
    double *average_loss; /* len: the full loss at that iterate (one more evaluation a step), or NULL */
} basin_trace;

typedef struct basin_run {
    const basin_problem *problem; /* shared, not owned */
    basin_optimizer *opt;         /* owned */
    basin_schedule *schedule;     /* owned; NULL is constant */
    long horizon;                 /* planned step count (cosine's default T_max) */
    size_t batch_size;            /* 0: full batch */
    gsl_rng *rng;                 /* owned; minibatches and gradient noise */
    double *w, *g, *g_full;       /* current point, the step's gradient, the full gradient at w */
    size_t *idx;                  /* minibatch indices */
    long t;                       /* steps taken */
    long diverged_at;             /* the step k whose row could not be kept (rows 0..k−1 are), or -1 */
    char *stop_reason;            /* why: "diverged", or the optimizer's message */
    basin_async *async;           /* owned; NULL: each gradient at the current point */
    double staleness_sum;         /* Σ τ over the steps taken (async) */
    double step_staleness, step_time; /* of the step being recorded */
    basin_trace trace;
} basin_run;

/* The first of trace's first len rows where the averaged iterate is not the iterate itself (ASGD's from
 * step t0 on), or len when it never parts or the trace has none. Can't fail. */
size_t basin_trace_average_parts(const basin_trace *trace, size_t len);

/* Creates a run at start (length problem->dim) and records row 0. Takes ownership of opt and schedule
 * (even on failure). Returns the run or NULL with basin_error_message(). */
basin_run *basin_run_create(const basin_problem *problem, basin_optimizer *opt, basin_schedule *schedule,
                            const double *start, unsigned long seed, size_t batch_size, long horizon);

/* Makes r asynchronous (ownership of a moves in): from the next step each gradient is taken at the past
 * point a's rule names (the trace keeps every point). Call before the first step. */
void basin_run_set_async(basin_run *r, basin_async *a);

/* From now on the trace records each coordinate's step size (basin_optimizer_coordinate_steps) with every
 * row. Returns 0, or -1 with a message (out of memory). */
int basin_run_record_coordinate_steps(basin_run *r);

/* Frees r and what it owns; NULL is a no-op. */
void basin_run_destroy(basin_run *r);

/* Takes one step and records its row. Returns true while the run goes on, false once it has diverged
 * (then nothing changes). Running out of memory for the trace counts as stopping, with a reason. */
bool basin_run_step(basin_run *r);

/* Takes up to n steps, stopping early on divergence. Returns the number taken. */
long basin_run_steps(basin_run *r, long n);

/* The learning rate of the step from index t (divided by its staleness under lr_staleness=inverse). */
double basin_run_lr(const basin_run *r, long t);

#endif
