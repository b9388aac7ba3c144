/* net_problem.h: a model on a data set's training split as an engine problem, so every optimizer drives
 * it unchanged: the loss (plus an optional L1 penalty on the weights) over all training examples or a
 * minibatch of them, its gradient by back-propagation, in training or eval mode, and a dense Hessian by
 * central differences of exact gradients (for Newton on small models). */
#ifndef BASIN_NN_NET_PROBLEM_H
#define BASIN_NN_NET_PROBLEM_H

#include "../problem.h"
#include "dataset.h"
#include "models.h"

typedef struct basin_net_problem {
    basin_problem base;
    basin_net net;               /* owned */
    const basin_dataset *data;   /* not owned */
    basin_mode mode;             /* what eval computes in (TRAIN by default) */
    bool update_stats;           /* TRAIN: evals move BatchNorm's running statistics */
    bool no_dropout;             /* TRAIN: evals leave dropout off */
    double l1;                   /* λ of the penalty λ·Σ|w| over Linear and Conv2d weights */
    const basin_entry *augment;  /* TRAIN: augmentation of each batch, or NULL */
    const basin_params *augment_params;
    gsl_rng *rng;                /* owned: dropout masks and augmentation */
    double *x, *target, *tmp;    /* the gathered batch */
    double *dout;                /* the loss gradient on the outputs (Hessian-vector products) */
    const double *out;           /* the outputs of the last forward pass */
    int *label;
    size_t capacity;
} basin_net_problem;

/* A problem over net (ownership moves in, even on failure) and data's training split (data must outlive
 * it), with randomness from seed. Returns it or NULL with a message. */
basin_net_problem *basin_net_problem_create(basin_net net, const basin_dataset *data, unsigned long seed);

/* The loss (without the L1 penalty) and, for classification, the accuracy of weights w over a split, in
 * eval mode; outputs, when non-NULL, receives split->n × out_features model outputs. Returns 0, or -1
 * with a message. */
int basin_net_evaluate(basin_net_problem *np, const double *w, const basin_split *split, double *loss,
                       double *accuracy, double *outputs);

/* The loss of given model outputs (split->n × out_features) against a split's labels or targets, and
 * the accuracy for classification (NAN otherwise). Can't fail. */
double basin_net_outputs_loss(const basin_net_problem *np, const double *outputs, const basin_split *split,
                              double *accuracy);

/* The variance of every layer's output (act_var) and of the loss gradient with respect to it (grad_var),
 * n_layers values each, over the first B training examples in training mode with dropout off and the
 * running statistics untouched: the initialization lecture's numbers. Returns 0, or -1 with a message
 * (BatchNorm on one example, a non-finite loss, no memory). */
int basin_net_layer_variances(basin_net_problem *np, const double *w, size_t B, double *act_var, double *grad_var);

/* A plane origin + a·d1 + b·d2 through a network's weights, evaluated fast over the training split in eval
 * mode: when the first layer (after any Flatten) is Linear its outputs are affine in (a, b), so X·W0ᵀ, X·D1ᵀ and X·D2ᵀ (with
 * their biases) are computed once and each point starts from their combination (Li et al.'s code
 * recomputes them at every point). */
typedef struct basin_net_plane {
    basin_net_problem *np;   /* not owned; one plane per thread */
    bool affine_first;       /* the first layer that moves values is Linear */
    size_t first;            /* its index (after any Flatten) */
    double *p0, *p1, *p2, *z; /* n × outputs of the first layer each */
} basin_net_plane;

/* Prepares plane for np (d2 may be NULL: a line). Returns 0, or -1 with a message. */
int basin_net_plane_init(basin_net_plane *plane, basin_net_problem *np, const double *origin, const double *d1,
                         const double *d2);

/* Loss and accuracy at w = origin + a·d1 + b·d2. Returns 0, or -1 with a message. */
int basin_net_plane_eval(basin_net_plane *plane, const double *w, double a, double b, double *loss, double *accuracy);

/* Frees what plane holds. */
void basin_net_plane_free(basin_net_plane *plane);

/* True when net has a BatchNorm over flat features, which cannot train on a batch of one example. */
bool basin_net_has_flat_batchnorm(const basin_net *net);

#endif
