/* parallel_training.h: what a `parallel` spec means for training a network, in one place for the CLI,
 * lab files and the window: the gradient source of the mode (sync or async data parallel, pipeline or
 * tensor parallel), the trainer's settings it changes (sync's global batch and learning-rate scaling),
 * and a one-line account of what it did. */
#ifndef BASIN_PARALLEL_TRAINING_H
#define BASIN_PARALLEL_TRAINING_H

#include "async_ranks.h"
#include "async_training.h"
#include "data_parallel.h"
#include "pipeline.h"
#include "tensor_parallel.h"

#include "../optim/optimizer.h"
#include "../spec.h"

typedef struct basin_parallel_training {
    const basin_entry *entry; /* the mode */
    int workers;              /* sync and tensor: K or T; pipeline: S */
    size_t worker_batch;      /* sync: each worker's batch (0: the full batch dealt K ways) */
    size_t dim;               /* the problem's parameters */
    basin_data_parallel *dp;  /* owned: the one the mode uses */
    basin_pipeline *pp;
    basin_tensor_parallel *tp;
    basin_async_training *at;
    basin_async_ranks *ar;    /* async on MPI ranks */
} basin_parallel_training;

/* Sets pt up for np as spec (of kind BASIN_KIND_PARALLEL) says, with draws keyed by cfg->seed, and adapts
 * cfg: under sync cfg->batch is each worker's on entry and the global batch on return, and the learning
 * rate scales as scale= and warmup= say. world (NULL: threads in this process) is an MPI world whose
 * ranks are the workers or stages (async: rank 0 serves the parameters, the others are the workers). Returns 0; -1 with a message for a mode or
 * combination that cannot train np (a usage error), -2 with a message when memory runs out. */
int basin_parallel_training_init(basin_parallel_training *pt, basin_net_problem *np, const basin_spec *spec,
                                 basin_train_config *cfg, basin_comm *world);

/* What a parallel spec changes in the optimizer's spec before it is built: under sync's scale=sqrt an
 * optimizer with betas (Adam, AdamW) gets 1 − K(1 − β1), 1 − K(1 − β2) and ε/√K, the square-root rule's
 * companions (Malladi et al. 2022). Returns 0, or -1 with a message when K(1 − β) reaches 1. */
int basin_parallel_training_adapt_optimizer(const basin_spec *parallel, basin_spec *optimizer);

/* The stability verdict of a scaled learning rate: λmax of the full-batch loss at w (Lanczos) against the
 * largest curvature opt is stable on at lr (basin_optimizer_stability_limit: 2/η, 2(1+β)/η with momentum),
 * as one line into text ("λmax 12.3 at the start; at the scaled rate 0.4 SGD is stable up to 9.75
 * (2(1+β)/η): unstable, the scaling rule breaks here"). Returns 0, or -1 with a message. */
int basin_parallel_training_verdict(const basin_net_problem *np, const double *w, const basin_optimizer *opt,
                                    double lr, char *text, size_t n);

/* The gradient source the trainer steps with (pt must outlive it). */
basin_grad_source basin_parallel_training_source(basin_parallel_training *pt);

/* Whether this rank serves rather than trains (an async worker on MPI), and its service: gradients on
 * request until the server says stop. 0, or -1 with a message. */
bool basin_parallel_training_serves(const basin_parallel_training *pt);
int basin_parallel_training_serve(basin_parallel_training *pt);

/* Once training has ended on this rank (every rank but the workers that serve): the async server tells its
 * workers to stop; on MPI ranks the other modes gather every rank's measured spans into rank 0's
 * timeline; on threads nothing. 0, or -1 with a message. */
int basin_parallel_training_end(basin_parallel_training *pt);

/* Async: the worker (0..K−1) of each push so far, n of them; NULL with n = 0 for the other modes and for
 * order=fixed. */
const int *basin_parallel_training_pushes(const basin_parallel_training *pt, size_t *n);

/* What the run did, for a summary line after `steps` steps: "sync: 4 workers × 16 examples ...". Writes
 * at most n bytes into text. Can't fail. */
void basin_parallel_training_describe(const basin_parallel_training *pt, long steps, char *text, size_t n);

/* The run's timeline on the simulated clock (spans of the steps so far). */
const basin_timeline *basin_parallel_training_timeline(const basin_parallel_training *pt);

/* Frees what pt holds. */
void basin_parallel_training_release(basin_parallel_training *pt);

#endif
