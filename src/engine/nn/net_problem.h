/* net_problem.h: a model on a data set's training split as an engine problem, so every optimizer drives
 * it unchanged: the loss (plus an optional L1 penalty on the weights) over all training examples or a
 * minibatch of them, its gradient by back-propagation, in training or eval mode, and a dense Hessian by
 * central differences of exact gradients (for Newton on small models). */
#ifndef BASIN_NN_NET_PROBLEM_H
#define BASIN_NN_NET_PROBLEM_H

#include "../problem.h"
#include "dataset.h"
#include "models.h"

/* How a worker's batch is one shard of a bigger batch (data parallelism). */
typedef struct basin_shard {
    size_t global_batch;          /* the loss is the sum over the shard's examples ÷ this: the shard's share of
                                     the big batch's mean, which the workers' results add up to */
    const basin_draw_key *key;    /* dropout and augmentation keyed by (seed, step, ..., example), not drawn from
                                     the problem's stream (key->examples is ignored: the batch's are used) */
    const basin_reducer *bn_sync; /* BatchNorm statistics of the whole batch (SyncBatchNorm); NULL: the shard's */
} basin_shard;

/* How one evaluation runs: an argument of each call, never a field flipped on a shared problem. */
typedef struct basin_eval_opts {
    basin_mode mode;   /* TRAIN: batch statistics, and dropout and augmentation as below; EVAL: running ones */
    bool update_stats; /* TRAIN: move BatchNorm's running statistics (PyTorch's training step does) */
    bool dropout;      /* TRAIN: draw dropout masks (off: a deterministic training-mode loss) */
    bool augment;      /* TRAIN: augment the batch, when the problem has an augmentation */
    const basin_shard *shard; /* TRAIN: the batch is a shard of a bigger one, as this says; NULL: its own */
} basin_eval_opts;

/* What the problem's own ops (basin_problem_eval, H·v, the Hessian) use: what an optimizer step sees. */
#define BASIN_EVAL_TRAINING ((basin_eval_opts){.mode = BASIN_MODE_TRAIN, .update_stats = false, .dropout = true, .augment = true})
/* The training-mode loss without randomness (curvature, the initialization lecture's variances). */
#define BASIN_EVAL_TRAIN_FIXED ((basin_eval_opts){.mode = BASIN_MODE_TRAIN, .update_stats = false, .dropout = false, .augment = false})
#define BASIN_EVAL_EVAL ((basin_eval_opts){.mode = BASIN_MODE_EVAL, .update_stats = false, .dropout = false, .augment = false})

/* Workspaces an evaluation writes: a problem's own, so evaluating through a const problem is honest, and
 * a clone has its own. */
typedef struct basin_net_work {
    double *x, *target, *tmp;  /* the gathered batch */
    double *dout;              /* the loss gradient on the outputs */
    const double *out;         /* the outputs of the last forward pass */
    int *label;
    size_t capacity;
    /* the forward pass and loss gradient of the last H·v, kept for the next one at the same point */
    double *hvp_w;              /* its weights (dim) */
    basin_eval_opts hvp_opts;
    unsigned long hvp_pass;     /* the model's pass it left; 0: none kept */
    bool hvp_backward;          /* a product at it has kept the plain gradients (basin_model_hvp_backward) */
    size_t hvp_batch;           /* its batch size */
} basin_net_work;

typedef struct basin_net_problem {
    basin_problem base;          /* evaluates with BASIN_EVAL_TRAINING */
    basin_net net;               /* owned: the model, its workspaces and its state */
    const basin_dataset *data;   /* not owned */
    double l1;                   /* configuration, set before first use: λ of the penalty λ·Σ|w| over Linear
                                    and Conv2d weights */
    const basin_entry *augment;  /* configuration: augmentation of training batches, or NULL */
    const basin_params *augment_params;
    gsl_rng *rng;                /* owned: dropout masks and augmentation */
    basin_net_work *work;        /* owned */
} basin_net_problem;

/* A problem over net (ownership moves in, even on failure) and data's training split (data must outlive
 * it), with randomness from seed. Returns it or NULL with a message. */
basin_net_problem *basin_net_problem_create(basin_net net, const basin_dataset *data, unsigned long seed);

/* A copy of np for another thread: its own model (the state copied) and workspaces, the same data and
 * configuration, its own random stream from seed. Returns it (owned by the caller) or NULL with a message. */
basin_net_problem *basin_net_problem_clone(const basin_net_problem *np, unsigned long seed);

/* The loss (with the L1 penalty) at w over batch of the training split, evaluated as opts says; the
 * gradient into g when non-NULL. Returns NAN with a message on failure (BatchNorm on one value per
 * channel, no memory). */
double basin_net_eval(const basin_net_problem *np, const double *w, basin_batch batch, const basin_eval_opts *opts,
                      double *g);

/* For passes that run the model by pieces (pipeline stages, tensor-parallel shards), on np's workspaces:
 * the batch's inputs as the first layer sees them (standardized, not augmented) and its labels or
 * targets, gathered for basin_net_batch_loss; valid until np's next evaluation. Returns NULL with a
 * message when memory runs out. */
const double *basin_net_batch_inputs(const basin_net_problem *np, basin_batch batch);

/* The loss of out (the model's outputs for `count` examples: rows [first, first + count) of the batch
 * gathered last by basin_net_batch_inputs) against their labels or targets, as a share of a mean over
 * `total` examples (count/total times their mean); dout (count × outputs, may be NULL) gets its gradient.
 * Without the L1 penalty. Can't fail. */
double basin_net_batch_loss(const basin_net_problem *np, size_t first, size_t count, size_t total,
                            const double *out, double *dout);

/* np seen as a problem evaluated with other options (eval mode, a deterministic training mode, ...):
 * what curvature and landscapes take. The view holds no memory of its own; np must outlive it. */
typedef struct basin_net_view {
    basin_problem base;
    const basin_net_problem *np;
    basin_eval_opts opts;
} basin_net_view;

/* Fills view and returns its problem. Can't fail. */
basin_problem *basin_net_view_init(basin_net_view *view, const basin_net_problem *np, basin_eval_opts opts);

/* The loss (without the L1 penalty) and, for classification, the accuracy of weights w over a split, in
 * eval mode; outputs, when non-NULL, receives split->n × out_features model outputs. Returns 0, or -1
 * with a message. */
int basin_net_evaluate(const basin_net_problem *np, const double *w, const basin_split *split, double *loss,
                       double *accuracy, double *outputs);

/* The loss of given model outputs (split->n × out_features) against a split's labels or targets, and
 * the accuracy for classification (NAN otherwise). Can't fail. */
double basin_net_outputs_loss(const basin_net_problem *np, const double *outputs, const basin_split *split,
                              double *accuracy);

/* The variance of every layer's output (act_var) and of the loss gradient with respect to it (grad_var),
 * n_layers values each, over the first B training examples in training mode with dropout off and the
 * running statistics untouched: the initialization lecture's numbers. Returns 0, or -1 with a message
 * (BatchNorm on one example, a non-finite loss, no memory). */
int basin_net_layer_variances(const basin_net_problem *np, const double *w, size_t B, double *act_var,
                              double *grad_var);

/* A plane origin + a·d1 + b·d2 through a network's weights, evaluated fast over the training split in eval
 * mode: when the first layer (after any Flatten) is Linear its outputs are affine in (a, b), so X·W0ᵀ, X·D1ᵀ and X·D2ᵀ (with
 * their biases) are computed once and each point starts from their combination (Li et al.'s code
 * recomputes them at every point). */
typedef struct basin_net_plane {
    const basin_net_problem *np; /* not owned; one plane per thread (a clone each) */
    bool affine_first;       /* the first layer that moves values is Linear */
    size_t first;            /* its index (after any Flatten) */
    const double *p0, *p1, *p2; /* n × outputs of the first layer each; owned unless shared */
    double *z;               /* a block of examples' first-layer values: this plane's own */
    bool shared;             /* p0, p1, p2 belong to another plane (basin_net_plane_share) */
} basin_net_plane;

/* Prepares plane for np (d2 may be NULL: a line). Returns 0, or -1 with a message. */
int basin_net_plane_init(basin_net_plane *plane, const basin_net_problem *np, const double *origin,
                         const double *d1, const double *d2);

/* Prepares plane for np (a clone of from's problem, for another thread) over from's plane: p0, p1 and p2
 * are read from there (from must outlive plane), so that the memory a landscape takes does not grow with
 * its threads. Returns 0, or -1 with a message. */
int basin_net_plane_share(basin_net_plane *plane, const basin_net_problem *np, const basin_net_plane *from);

/* Loss and accuracy at w = origin + a·d1 + b·d2. Returns 0, or -1 with a message. */
int basin_net_plane_eval(basin_net_plane *plane, const double *w, double a, double b, double *loss, double *accuracy);

/* Frees what plane holds. */
void basin_net_plane_free(basin_net_plane *plane);

/* True when net has a BatchNorm over flat features, which cannot train on a batch of one example. */
bool basin_net_has_flat_batchnorm(const basin_net *net);

#endif
