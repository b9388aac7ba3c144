/* train.h: a steppable trainer for a model on a data set with any optimizer and schedule, as PyTorch's
 * usual loop does: each epoch a seeded shuffle into minibatches (the last one partial), one optimizer
 * step per minibatch in training mode, the gradient from a gradient source (the seam where parallel
 * training plugs in). Around it: periodic evaluation, early stopping, stochastic weight averaging,
 * snapshot ensembles and λmax tracking. `basin train`, training labs and the window step the same
 * object, one row at a time. */
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
    double lr_scale;      /* the learning rate times this (a big batch's scaling rule); 0 or 1: unchanged */
    long lr_scale_warmup; /* steps over which the factor ramps linearly from 1 to lr_scale (Goyal et al.) */
} basin_train_config;

/* What a user sets about training, as `basin train`'s options (--early-stop is early_stop) and a training
 * lab's keys name it: one schema, basin_train_specs, with the same bounds and messages for both. */
typedef struct basin_train_settings {
    long epochs, steps;      /* steps < 0: epochs × steps per epoch */
    long batch;              /* 0: the whole training split */
    unsigned long seed;      /* the run's seed; every random stream is keyed by it (basin_train_seed) */
    long eval_every, early_stop, swa, snapshots, track_sharpness; /* 0: the default or off */
    double l1;               /* λ of the L1 penalty, which the problem applies */
} basin_train_settings;

extern const basin_param_spec basin_train_specs[];

/* The defaults of basin_train_specs. Can't fail. */
basin_train_settings basin_train_settings_defaults(void);

/* Sets key (a key of basin_train_specs) from text, the key written as name where the user wrote it
 * ("--early-stop"; "" where the caller names it, as a lab file's line does). Returns 0, or -1 with a
 * message giving the bounds ("--early-stop '-1' is not a whole number from 0 to 1000000000"): the same
 * for every caller. */
int basin_train_settings_set(basin_train_settings *s, const char *key, const char *name, const char *text);

/* The trainer's configuration for s (its shuffling stream drawn from s's seed). Can't fail. */
basin_train_config basin_train_settings_config(const basin_train_settings *s);

/* One logged step. Step 0 is the starting point (only evaluated); a column not computed is NAN. */
typedef struct basin_train_row {
    long step;
    double epoch; /* epochs completed, fractional */
    double lr, batch_loss, train_loss, test_loss, test_acc, grad_norm;
    double lambda_max, stability; /* with track_sharpness: λmax and the optimizer's stability limit at lr
                                     (basin_optimizer_stability_limit; NAN for adaptive optimizers) */
    double staleness, sim_time, noise_scale, values_sent; /* what a parallel gradient source reports for the
                                                             step (basin_grad_step); NAN where it says nothing */
    double swa_test_loss, swa_test_acc; /* averaged weights on the test split at each evaluation (BatchNorm
                                           statistics recomputed for them): with swa, SWA's so far (NAN before
                                           it has a model); else the optimizer's averaged iterate (ASGD's), or NAN */
    double ensemble_test_loss, ensemble_test_acc; /* with snapshots: the snapshots so far, their predicted
                                                     probabilities averaged, on the test split at each
                                                     evaluation; NAN before the first snapshot */
    const double *w; /* the weights after the step (valid during the callback) */
} basin_train_row;


typedef struct basin_train_result {
    long steps;            /* steps taken */
    bool diverged;         /* a non-finite loss stopped training */
    long stopped_early_at; /* step at which early stopping ended training, or -1 */
    long best_step;        /* early stopping: the step whose weights were restored */
    double train_loss, test_loss, test_acc; /* of the final weights (after restoring or averaging) */
    double swa_test_loss, swa_test_acc;     /* NAN unless SWA ran; the final weights are then SWA's */
    double average_test_loss, average_test_acc; /* the optimizer's averaged iterate at the end (ASGD's; not with
                                                   SWA), NAN for optimizers without one */
    long swa_models;
    double ensemble_test_loss, ensemble_test_acc; /* NAN unless snapshots ran */
    double best_single_test_acc;
} basin_train_result;

/* What a gradient source knows of the step it just computed; the trainer starts every field at its
 * "nothing to say" value (lr_factor 1, failed false, the others NAN). */
typedef struct basin_grad_step {
    double lr_factor;   /* the step's learning rate is multiplied by it (async's lr_staleness=inverse) */
    double staleness;   /* updates applied since the point the gradient was taken at */
    double sim_time;    /* the simulated clock when the step is applied */
    double noise_scale; /* a running estimate of the gradient noise scale B_simple */
    double values_sent; /* values each worker sent for this step */
    bool failed;        /* the source could not give the gradient (its NAN loss is an error with a message,
                           not a divergence) */
} basin_grad_step;

/* Where a step's gradient comes from: the loss at w over batch of the training split, evaluated as a
 * training step is (statistics moved, dropout, augmentation), with its gradient into g. Returns NAN with
 * a message on failure. step_info (NULL: nothing to say) then tells what else it knows of the step. */
typedef struct basin_grad_source {
    double (*gradient)(void *ctx, const double *w, basin_batch batch, double *g);
    void *ctx;
    void (*step_info)(void *ctx, basin_grad_step *info);
} basin_grad_source;

/* The local source: np's own minibatch gradient (np must outlive it). Can't fail. */
basin_grad_source basin_grad_source_local(basin_net_problem *np);

typedef struct basin_trainer basin_trainer;

/* A trainer of np from w (updated in place, length np->base.dim; both must outlive it) with opt (its lr
 * the base), sched (NULL: constant), cfg and the gradient source. Returns it (owned by the caller) or
 * NULL with a message (a BatchNorm batch of one, out of memory). */
basin_trainer *basin_trainer_create(basin_net_problem *np, double *w, basin_optimizer *opt,
                                    const basin_schedule *sched, const basin_train_config *cfg,
                                    basin_grad_source source);

/* The next row: step 0 (the start, evaluated) on the first call, then one optimizer step per call; row->w
 * is valid until the next call. Returns 1 with row filled, 0 when training has ended (the steps are done,
 * early stopping restored its best weights, or the last row diverged), -1 with a message. */
int basin_trainer_step(basin_trainer *t, basin_train_row *row);

/* Ends training (SWA's average and its BatchNorm statistics, the final evaluation, the ensemble) into
 * result; call once basin_trainer_step returned 0. Returns 0, or -1 with a message. A diverging run is
 * not an error: result->diverged says so. */
int basin_trainer_finish(basin_trainer *t, basin_train_result *result);

/* Frees t (not np, w, opt or sched); NULL is a no-op. */
void basin_trainer_destroy(basin_trainer *t);

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
