/* pipeline_schedule.h: pipeline parallelism's schedules, made once as per-stage action lists that both
 * the staged execution and the timeline follow. A model split into S stages runs M micro-batches; each
 * stage does M forwards and M backwards in its list's order:
 *   gpipe: all forwards, then all backwards (Huang et al. 2019): a stage holds the activations of all M
 *          micro-batches at the peak;
 *   1f1b:  min(S−1−s, M) warm-up forwards on stage s, then one forward one backward, then the remaining
 *          backwards (PipeDream-flush, Narayanan et al. 2021): at most min(S−s, M) in flight.
 * With forwards and backwards of equal cost on every stage both idle a share (S−1)/(M+S−1) of the time. */
#ifndef BASIN_PIPELINE_SCHEDULE_H
#define BASIN_PIPELINE_SCHEDULE_H

#include <stddef.h>

typedef enum { BASIN_PIPE_GPIPE, BASIN_PIPE_1F1B } basin_pipe_kind;

typedef struct basin_pipe_action {
    char op;   /* 'F' forward or 'B' backward */
    int micro; /* the micro-batch, 0 … M−1 */
} basin_pipe_action;

/* Fills actions (S × 2M, stage s's list at s·2M) with kind's order. Can't fail. */
void basin_pipe_schedule(basin_pipe_kind kind, int stages, int micro, basin_pipe_action *actions);

/* When each action runs if every forward takes forward seconds and every backward backward seconds on
 * every stage, a stage starting an action as soon as it is free and the action's inputs are there (a
 * forward needs the previous stage's forward of the micro-batch, a backward the next stage's backward, or
 * on the last stage its own forward). Writes each action's start (S × 2M, may be NULL), the peak number
 * of micro-batches in flight per stage (forward done, backward not; S values, may be NULL), and returns
 * the makespan; *bubble receives the idle share of S × makespan. Returns a negative value for lists that
 * cannot all run (a deadlock). */
double basin_pipe_simulate(const basin_pipe_action *actions, int stages, int micro, double forward, double backward,
                           double *start, int *peak_in_flight, double *bubble);

#endif
