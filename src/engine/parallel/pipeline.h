/* pipeline.h: pipeline parallelism as a gradient source. The model's layers are split into S·V contiguous
 * pieces (balanced by each layer's floating-point work, or as balance= says), piece p on stage p mod S;
 * the step's batch into M micro-batches (contiguous, sizes ⌈B/M⌉ or ⌊B/M⌋). Each stage runs on its own
 * thread and follows its list from pipeline_schedule.h: a forward takes the previous piece's activations
 * through the communicator (the first piece reads the batch) and sends its own on; the last piece turns
 * its outputs into the micro-batch's share of the loss; a backward takes the gradient on the piece's
 * outputs and sends the one on its inputs back. Every piece accumulates its parameters' gradient over the
 * micro-batches, so the step's gradient is the minibatch's (gradient accumulation), exactly for networks
 * without BatchNorm. With BatchNorm each micro-batch is normalized on its own, as torchgpipe does, and the
 * running statistics move once per micro-batch. A stage holds as many copies of the model's activations
 * as its list has pieces in flight at once (M under GPipe, at most S − s under 1F1B). Dropout draws are
 * keyed by example, as in data parallelism. On the simulated clock a step takes the schedule's makespan
 * with each piece's forward costing a third of its share of the model's work (basin_layer_work) per
 * example of the micro-batch, its backward two thirds, and each message between stages the cost model's
 * time. */
#ifndef BASIN_PIPELINE_H
#define BASIN_PIPELINE_H

#include "comm.h"
#include "cost_model.h"
#include "pipeline_schedule.h"
#include "timeline.h"

#include "../nn/train.h"

/* The registry's entry: pipeline:stages=S,micro=M,schedule=gpipe|1f1b|interleaved,chunks=V,balance=... */
extern const basin_entry basin_parallel_pipeline;

typedef struct basin_pipeline_config {
    int stages, micro, chunks;  /* S, M, V (1 unless interleaved) */
    basin_pipe_kind schedule;
    const double *balance;      /* layers per piece (S·V counts summing to the model's layers), or NULL */
    size_t n_balance;
    unsigned long seed;         /* what dropout is keyed by */
    basin_cost_model cost;      /* messages between stages on the simulated clock */
    bool equal_costs;           /* every piece costs the same on the clock (else: its layers' work) */
    basin_comm *world;          /* an MPI world of S ranks, this process its rank's stage (NULL: threads) */
} basin_pipeline_config;

/* The configuration a parsed spec of the pipeline entry says. Can't fail. */
basin_pipeline_config basin_pipeline_config_from(const basin_params *params, unsigned long seed);

typedef struct basin_pipeline basin_pipeline;

/* A pipeline over np (which must outlive it) as cfg says (balance, when given, is copied). Refuses, with
 * a message, fewer layers than pieces, a balance that does not add up, and an interleaved M that S does
 * not divide. Returns it (owned by the caller) or NULL with a message. */
basin_pipeline *basin_pipeline_create(basin_net_problem *np, const basin_pipeline_config *cfg);

/* The gradient source the trainer steps with (pp must outlive it); a batch smaller than M is refused with
 * a message. */
basin_grad_source basin_pipeline_source(basin_pipeline *pp);

/* Piece p's layers [*first, *end). */
void basin_pipeline_piece(const basin_pipeline *pp, int piece, size_t *first, size_t *end);

/* The stages' action lists (S × basin_pipe_actions_per_stage). */
const basin_pipe_action *basin_pipeline_actions(const basin_pipeline *pp);

/* Values each stage has sent so far (activations and gradients with their 4-value headers), summed over
 * the stages. */
size_t basin_pipeline_values_sent(const basin_pipeline *pp);

/* A summary after `steps` steps: stages, chunks, micro-batches, schedule, each piece's layers, the bubble
 * of the schedule with equal costs, the most micro-batch pieces a stage holds, the values sent per step.
 * Writes at most n bytes into text. Can't fail. */
void basin_pipeline_describe(const basin_pipeline *pp, long steps, char *text, size_t n);

/* On MPI ranks, once training has ended: rank 0's timeline gains the other ranks' measured spans
 * (collective: every rank calls it). Nothing to do on threads. Returns 0, or -1 with a message. */
int basin_pipeline_gather_timeline(basin_pipeline *pp);

/* Every forward and backward of the steps so far on the simulated clock, on its stage's row, with its
 * micro-batch. */
const basin_timeline *basin_pipeline_timeline(const basin_pipeline *pp);

/* Frees pp (not np); NULL is a no-op. */
void basin_pipeline_destroy(basin_pipeline *pp);

#endif
