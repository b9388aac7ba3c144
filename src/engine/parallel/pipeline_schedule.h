/* pipeline_schedule.h: pipeline parallelism's schedules, made once as per-stage action lists that both
 * the staged execution and the timeline follow. A model split into S stages (devices) runs M
 * micro-batches; each stage does M forwards and M backwards of each of its V chunks in its list's order:
 *   gpipe: all forwards, then all backwards (Huang et al. 2019): a stage holds the activations of all M
 *          micro-batches at the peak;
 *   1f1b:  min(S−1−s, M) warm-up forwards on stage s, then one forward one backward, then the remaining
 *          backwards (PipeDream-flush, Narayanan et al. 2021): at most min(S−s, M) in flight;
 *   interleaved: the model in S·V pieces, stage s holding pieces s, s + S, ..., each a chunk; 1F1B over
 *          chunks in Megatron-LM's order (Narayanan et al. 2021), M a multiple of S.
 * With forwards and backwards of equal cost on every stage gpipe and 1f1b idle a share (S−1)/(M+S−1) of
 * the time, and interleaved takes (S−1)/(V·M) more than the ideal time. */
#ifndef BASIN_PIPELINE_SCHEDULE_H
#define BASIN_PIPELINE_SCHEDULE_H

#include <stddef.h>

typedef enum { BASIN_PIPE_GPIPE, BASIN_PIPE_1F1B, BASIN_PIPE_INTERLEAVED } basin_pipe_kind;

typedef struct basin_pipe_action {
    char op;   /* 'F' forward or 'B' backward */
    int micro; /* the micro-batch, 0 … M−1 */
    int chunk; /* the stage's chunk, 0 … V−1: piece chunk·S + stage of the model */
} basin_pipe_action;

/* Actions each stage's list holds: 2·M·V. */
size_t basin_pipe_actions_per_stage(int micro, int chunks);

/* Fills actions (S lists of basin_pipe_actions_per_stage, stage s's first) with kind's order; chunks must
 * be 1 unless kind is interleaved, which needs micro a multiple of stages. Can't fail. */
void basin_pipe_schedule(basin_pipe_kind kind, int stages, int micro, int chunks, basin_pipe_action *actions);

/* The most micro-batch pieces whose activations stage s's list holds at once (forwards done, backwards
 * not): it depends on the list's order only. */
int basin_pipe_peak_in_flight(const basin_pipe_action *actions, int stage, int micro, int chunks);

/* When each action runs if every piece's forward takes forward seconds and its backward backward seconds,
 * a stage starting an action as soon as it is free and the action's inputs are there (a forward needs the
 * previous piece's forward of the micro-batch, a backward the next piece's backward, or on the last piece
 * its own forward). Writes each action's start (laid out as actions, may be NULL), the peak number of
 * pieces in flight per stage (S values, may be NULL), and returns the makespan; *bubble receives the idle
 * share of S × makespan. Returns a negative value for lists that cannot all run (a deadlock) or when
 * memory runs out. */
double basin_pipe_simulate(const basin_pipe_action *actions, int stages, int micro, int chunks, double forward,
                           double backward, double *start, int *peak_in_flight, double *bubble);

/* What each piece's work costs on the simulated clock: per micro-batch, its forward and its backward
 * (S·V values each), and the message over the boundary after piece p, either way (S·V − 1 values; a
 * boundary within one stage costs nothing). */
typedef struct basin_pipe_costs {
    const double *forward, *backward, *message;
} basin_pipe_costs;

/* basin_pipe_simulate with costs per piece: a forward is ready when the previous piece's forward and its
 * message have arrived, a backward when the next piece's backward and its message have. The same outputs;
 * *bubble is the idle share of S × makespan. */
double basin_pipe_simulate_costs(const basin_pipe_action *actions, int stages, int micro, int chunks,
                                 const basin_pipe_costs *costs, double *start, int *peak_in_flight, double *bubble);

#endif
