/* tensor_parallel.h: tensor (intra-layer model) parallelism as a gradient source: Megatron-LM's MLP split
 * (Shoeybi et al. 2019). In each pair of consecutive Linear layers with only activations between, the
 * first is split by output features (column-parallel) and the second by input features (row-parallel)
 * across T workers; each worker applies the activation to its own slice, and one all-reduce after the
 * row-parallel layer (forward) and one on the column-parallel layer's input gradient (backward, unless
 * it is the network's input) make every worker's outputs and gradients the unsplit model's. The
 * row-parallel bias is added once (by rank 0). Layers outside pairs run whole on every worker.
 * The values counted are the activations' all-reduces, what Megatron moves; each worker's parameter
 * slice is copied from and its gradient into the trainer's one flat vector, which a real deployment
 * would not do (each device keeps its slice and its optimizer state). */
#ifndef BASIN_TENSOR_PARALLEL_H
#define BASIN_TENSOR_PARALLEL_H

#include "comm.h"
#include "cost_model.h"
#include "timeline.h"

#include "../nn/train.h"

/* The registry's entry: tensor:workers=T. */
extern const basin_entry basin_parallel_tensor;

typedef struct basin_tensor_parallel basin_tensor_parallel;

/* What each layer becomes under the split: whole on every worker, the column-parallel Linear of a pair
 * (its outputs dealt to the workers), a layer between them acting on each worker's slice, or the
 * row-parallel Linear (its inputs dealt, its outputs summed by an all-reduce). */
typedef enum { BASIN_TENSOR_WHOLE, BASIN_TENSOR_COLUMNS, BASIN_TENSOR_SLICED, BASIN_TENSOR_ROWS } basin_tensor_role;

/* The split of m among workers: each layer's role into roles (m->n_layers values). Returns 0, or -1 with
 * a message naming the layer (a width workers does not divide, a normalization or dropout between Linear
 * layers). */
int basin_tensor_parallel_plan(const basin_model *m, int workers, basin_tensor_role *roles);

/* T workers over np (which must outlive it), all-reduces costed by cost on the simulated clock (a step's
 * compute is the whole model's, a unit an example, with the split pairs' work divided by T). world (NULL:
 * threads) is an MPI world of T ranks, this process its rank's worker. Refuses, with a message naming the layer, a hidden width
 * that T does not divide, a layer other than an activation inside a pair (normalization, dropout), and
 * a problem with an L1 penalty or augmentation. Returns it (owned by the caller) or NULL with a message. */
basin_tensor_parallel *basin_tensor_parallel_create(basin_net_problem *np, int workers, basin_cost_model cost,
                                                    basin_comm *world);

/* The gradient source the trainer steps with (tp must outlive it): the training-mode loss without
 * dropout, BatchNorm outside pairs moving rank 0's statistics. Can't fail. */
basin_grad_source basin_tensor_parallel_source(basin_tensor_parallel *tp);

/* Pairs split, and values each worker has sent in all-reduces so far. */
size_t basin_tensor_parallel_pairs(const basin_tensor_parallel *tp);
size_t basin_tensor_parallel_values_sent(const basin_tensor_parallel *tp);

/* On MPI ranks, once training has ended: rank 0's timeline gains the other ranks' measured spans
 * (collective: every rank calls it). Nothing to do on threads. Returns 0, or -1 with a message. */
int basin_tensor_parallel_gather_timeline(basin_tensor_parallel *tp);

/* Each worker's forwards, backwards and all-reduces of the steps so far on the simulated clock. */
const basin_timeline *basin_tensor_parallel_timeline(const basin_tensor_parallel *tp);

/* Frees tp (not np); NULL is a no-op. */
void basin_tensor_parallel_destroy(basin_tensor_parallel *tp);

#endif
