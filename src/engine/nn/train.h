/* train.h: training a model on a data set with any optimizer and schedule, as PyTorch's usual loop
 * does: each epoch a seeded shuffle into minibatches (the last one partial), one optimizer step per
 * minibatch in training mode. Around it: periodic evaluation, early stopping, stochastic weight
 * averaging and snapshot ensembles. */
#ifndef BASIN_NN_TRAIN_H
#define BASIN_NN_TRAIN_H

#include "../optim/optimizer.h"
#include "../schedule.h"
#include "net_problem.h"

typedef struct basin_train_config {
    long epochs;          /* used when steps < 0 */
    long steps;           /* total steps; -1: epochs × steps per epoch */
    size_t batch;         /* 0: the whole training set */
    unsigned long seed;   /* shuffling */
    long eval_every;      /* evaluate every this many steps; 0: at the end of each epoch */
    long early_stop;      /* patience in evaluations without a better test loss; 0: off */
    long swa_start;       /* average the weights at the end of each epoch from this one (1-based); 0: off */
    long snapshots;       /* cosine cycles with restarts, one snapshot each, predictions averaged; 0: off */
    long track_sharpness; /* λmax of the full-batch Hessian every this many steps (Lanczos, warm-started); 0: off */
} basin_train_config;

/* One logged step. Step 0 is the starting point (only evaluated); a column not computed is NAN. */
typedef struct basin_train_row {
    long step;
    double epoch; /* epochs completed, fractional */
    double lr, batch_loss, train_loss, test_loss, test_acc, grad_norm;
    double lambda_max, stability; /* with track_sharpness: λmax and the optimizer's stability limit at lr
                                     (basin_optimizer_stability_limit; NAN for adaptive optimizers) */
    const double *w; /* the weights after the step (valid during the callback) */
} basin_train_row;

/* Receives every row; returning non-zero stops training with that failure (the message is the
 * callback's to set). */
typedef int (*basin_train_log)(void *ctx, const basin_train_row *row);

typedef struct basin_train_result {
    long steps;            /* steps taken */
    bool diverged;         /* a non-finite loss stopped training */
    long stopped_early_at; /* step at which early stopping ended training, or -1 */
    long best_step;        /* early stopping: the step whose weights were restored */
    double train_loss, test_loss, test_acc; /* of the final weights (after restoring or averaging) */
    double swa_test_loss, swa_test_acc;     /* NAN unless SWA ran; the final weights are then SWA's */
    long swa_models;
    double ensemble_test_loss, ensemble_test_acc; /* NAN unless snapshots ran */
    double best_single_test_acc;
} basin_train_result;

/* Trains np from w (updated in place, length np->base.dim) with opt (its lr the base) and sched (NULL:
 * constant). Returns 0, or -1 with a message (a BatchNorm batch of one, the log callback failing, out of
 * memory). A diverging run is not an error: result->diverged says so. */
int basin_train(basin_net_problem *np, double *w, basin_optimizer *opt, const basin_schedule *sched,
                const basin_train_config *cfg, basin_train_log log, void *ctx, basin_train_result *result);

/* Checks that cfg suits np (BatchNorm over flat features cannot train on a batch of one example).
 * Returns 0, or -1 with a message. */
int basin_train_check(const basin_net_problem *np, const basin_train_config *cfg);

/* One seed gives every source of randomness its own stream: the data set uses the seed itself, these
 * the others (so `basin train --seed S` and a lab run with seed = S draw the same numbers). */
typedef enum { BASIN_STREAM_INIT = 1, BASIN_STREAM_SHUFFLE = 2, BASIN_STREAM_NET = 3 } basin_stream;
unsigned long basin_train_seed(unsigned long seed, basin_stream stream);

/* Steps one epoch has for n training examples and batch size B (0: full batch). */
long basin_train_steps_per_epoch(size_t n, size_t B);

#endif
