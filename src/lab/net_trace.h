/* net_trace.h: the trace of a network run, what a training lab keeps for its views (as basin_trace is a
 * surface run's): every evaluation (once per epoch) with the losses, the accuracy, a snapshot of the
 * weights and running statistics, and the per-layer variances of activations and gradients, so the window
 * can replay training and figures can draw any moment of it;
 * on request λmax against the stability limit, the Hessian's spectral density per frame, and the
 * landscape around the final weights in the plane of the trajectory's principal components. */
#ifndef BASIN_NET_TRACE_H
#define BASIN_NET_TRACE_H

#include "engine/nn/net_problem.h"
#include "engine/nn/train.h"
#include "engine/parallel/timeline.h"
#include "engine/spec.h"

#include <stddef.h>

typedef struct basin_net_trace {
    basin_net_problem *np; /* owned: the model (with its state) on the lab's data set */
    size_t dim, n_state, n_layers;
    size_t len, cap;       /* evaluations recorded (frame 0 is the start) */
    double *epoch, *train_loss, *test_loss, *test_acc;
    double *swa_test_loss, *swa_test_acc; /* with swa: the average's at each frame (NaN before it has one) */
    double *ensemble_test_loss, *ensemble_test_acc; /* with snapshots: the ensemble so far's (NaN before one) */
    long *step;                  /* len: the steps taken at each frame */
    double *w, *state;           /* len × dim, len × n_state */
    double *weight_norm;         /* len: ‖w‖ over the Linear and Conv2d weights (the norm view's) */
    double *act_var, *grad_var;  /* len × n_layers */
    basin_train_result result; /* once finished (until then: nothing stopped, nothing averaged) */
    bool finished;             /* training has ended: result, timeline and the landscape's room are there */
    /* with track_sharpness: λmax beside the stability limit at the tracked steps */
    size_t n_sharp, cap_sharp;
    double *sharp_epoch, *sharp_lambda, *sharp_limit;
    /* with want_spectrum: stochastic Lanczos quadrature per frame, BASIN_SPECTRUM_NODES values each */
    double *spec_nodes, *spec_weights;
    size_t *spec_count;
    /* with want_landscape: the loss over a PCA plane of the frames through the final weights, filled in
     * by basin_net_trace_landscape after training (NaN until then, coarse points first) */
    size_t land_grid;
    bool land_ready;           /* the plane, its range and the trajectory in it are known */
    bool land_done;            /* ... and every point of the grid */
    double land_range;         /* a and b run over ±land_range */
    double *land_loss;         /* land_grid², row-major (b outer) */
    double *traj_a, *traj_b;   /* every frame's least-squares coordinates in the plane */
    double land_ratio[2];      /* variance the two directions explain */
    /* with wants.boundary (2-D inputs): the model's outputs in eval mode at each frame over a grid of
     * boundary_grid² points covering boundary_box (x0 low, x0 high, x1 low, x1 high), row 0 at the top,
     * filled in by basin_net_trace_fill_boundary after training */
    size_t boundary_grid;
    double boundary_box[4];
    float *boundary;           /* len × boundary_grid² × out_features */
    bool *boundary_ready;      /* len: frame k's regions are there */
    float *boundary_coarse;    /* the same on a grid of BASIN_BOUNDARY_COARSE², computed first */
    bool *coarse_ready;
    /* with a parallel spec: the run's account (basin_parallel_training_describe), the simulated clock at
     * each frame, every step's staleness (async), and a copy of its timeline (rows 0 when not parallel) */
    char parallel_text[512], timeline_title[128];
    double *sim_time;          /* len (without a parallel spec: one step a unit) */
    double *noise_scale;       /* len: sync's running estimate of B_simple (NAN where there is none) */
    size_t global_batch;       /* the examples a step's gradient averages (the training split's for 0) */
    double *staleness;         /* n_stale */
    size_t n_stale, cap_stale;
    basin_timeline timeline;
} basin_net_trace;

#define BASIN_SPECTRUM_RUNS 2
#define BASIN_SPECTRUM_STEPS 20
#define BASIN_SPECTRUM_NODES (BASIN_SPECTRUM_RUNS * BASIN_SPECTRUM_STEPS)
#define BASIN_LANDSCAPE_GRID 31
#define BASIN_BOUNDARY_GRID 120  /* decision-region samples per side */
#define BASIN_BOUNDARY_COARSE 40 /* the same for the quick first pass */

/* What to record beyond the losses. */
typedef struct basin_net_trace_wants {
    bool layers, spectrum, landscape; /* the variance by layer (NaN otherwise), SLQ per frame, the plane */
    bool boundary;                    /* decision regions per frame (2-D inputs) */
} basin_net_trace_wants;

/* How a filler shares what it computes with a reader on another thread: lock and unlock around each
 * copy (NULL functions: nobody reads meanwhile). */
typedef struct basin_lab_sync {
    void (*lock)(void *ctx);
    void (*unlock)(void *ctx);
    void *ctx;
    bool (*stop)(void *ctx); /* whether the reader no longer wants the rest (NULL: it always does) */
} basin_lab_sync;

/* Locks or unlocks sync (NULL, or NULL functions: nothing); whether its reader wants no more. */
void basin_lab_sync_lock(const basin_lab_sync *sync);
void basin_lab_sync_unlock(const basin_lab_sync *sync);
bool basin_lab_sync_stopped(const basin_lab_sync *sync);

/* A network run being trained, one evaluation at a time, into a trace that a reader may draw meanwhile. */
typedef struct basin_net_training basin_net_training;

/* Starts training np from w0 with opt, sched (NULL: constant) and cfg, on several workers as parallel says
 * (NULL or entry NULL: one; see engine/parallel/parallel_training.h, whose optimizer changes the caller
 * applies before building opt). np, opt and sched move in, even on failure; *trace receives the record
 * (empty until the first step), owned by the caller and to be freed after the session. Returns the
 * session or NULL with a message. */
basin_net_training *basin_net_training_start(basin_net_problem *np, const double *w0, basin_optimizer *opt,
                                             basin_schedule *sched, const basin_train_config *cfg,
                                             basin_net_trace_wants wants, const basin_spec *parallel,
                                             basin_net_trace **trace);

/* Trains until the next evaluation is recorded (measured first, then copied in under sync, which may be
 * NULL) or training ends (the result, the timeline and the landscape's room copied in; t->finished).
 * Returns 1 while training goes on, 0 once it has ended, -1 with a message. */
int basin_net_training_step(basin_net_training *s, const basin_lab_sync *sync);

/* Computes the newest frame's coarse decision regions (what a window shows while training goes on) on a
 * model of the session's own and copies them in under sync. Returns 0 (also without regions to draw), or
 * -1 with a message. */
int basin_net_training_fill_latest(basin_net_training *s, const basin_lab_sync *sync);

/* Frees the session (not its trace); NULL is a no-op. */
void basin_net_training_free(basin_net_training *s);

/* The whole training in one call: start, every step, free. Returns the record (owned by the caller) or
 * NULL with a message. */
basin_net_trace *basin_net_trace_train(basin_net_problem *np, const double *w0, basin_optimizer *opt,
                                       basin_schedule *sched, const basin_train_config *cfg,
                                       basin_net_trace_wants wants, const basin_spec *parallel);

/* Computes the landscape reserved by a run with wants.landscape: the two principal components of the
 * frames, every frame's coordinates, then the loss over the plane through the final weights in eval
 * mode, copied into t->land_loss as it lands (under sync, which may be NULL). The grid runs on replica,
 * a problem of the same model and data that nobody else uses meanwhile. Returns 0, or -1 with a message. */
int basin_net_trace_landscape(basin_net_trace *t, basin_net_problem *replica, const basin_lab_sync *sync);

/* Computes frame k's decision regions on the fine grid or the coarse one on replica (a problem of the same
 * model and data that nobody else uses meanwhile) and copies them in under sync (which may be NULL).
 * Does nothing for a run without them or a frame already there. Returns 0, or -1 with a message. */
int basin_net_trace_fill_boundary(basin_net_trace *t, basin_net_problem *replica, size_t k, bool coarse,
                                 const basin_lab_sync *sync);

/* Frees t; NULL is a no-op. */
void basin_net_trace_free(basin_net_trace *t);

/* The frame shown when shown frames are (the last recorded one when shown is larger; 0 when none). */
size_t basin_net_trace_frame(const basin_net_trace *t, size_t shown);

/* The last frame recorded at or before step (frame 0 for earlier steps); t must have frames. */
size_t basin_net_trace_frame_of_step(const basin_net_trace *t, long step);

#endif
