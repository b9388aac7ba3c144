/* pipeline_schedule.c: GPipe's, 1F1B's and the interleaved action lists, and their timing by list
 * scheduling. */
#include "pipeline_schedule.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

size_t basin_pipe_actions_per_stage(int micro, int chunks)
{
    return 2 * (size_t)micro * (size_t)chunks;
}

/* Megatron-LM's interleaved 1F1B on stage s: the k-th forward runs chunk (k mod S·V) / S on micro-batch
 * (k / (S·V))·S + k mod S, the k-th backward the mirror chunk; (S−s−1)·2 + (V−1)·S warm-up forwards
 * (all of them when M = S). */
static void interleaved(int stages, int micro, int chunks, int s, basin_pipe_action *a)
{
    int total = micro * chunks, group = stages * chunks;
    int warmup = micro == stages ? total : (stages - s - 1) * 2 + (chunks - 1) * stages;
    warmup = warmup < total ? warmup : total;
    int n = 0, f = 0, b = 0;
#define PIECE(op, k, forward)                                                                                      \
    (basin_pipe_action)                                                                                            \
    {                                                                                                              \
        op, (k) / group * stages + (k) % stages,                                                                   \
            (forward) ? (k) % group / stages : chunks - 1 - (k) % group / stages                                   \
    }
    while (f < warmup) {
        a[n++] = PIECE('F', f, true);
        f++;
    }
    while (f < total) {
        a[n++] = PIECE('F', f, true);
        f++;
        a[n++] = PIECE('B', b, false);
        b++;
    }
    while (b < total) {
        a[n++] = PIECE('B', b, false);
        b++;
    }
#undef PIECE
}

void basin_pipe_schedule(basin_pipe_kind kind, int stages, int micro, int chunks, basin_pipe_action *actions)
{
    for (int s = 0; s < stages; s++) {
        basin_pipe_action *a = actions + (size_t)s * basin_pipe_actions_per_stage(micro, chunks);
        if (kind == BASIN_PIPE_INTERLEAVED) {
            interleaved(stages, micro, chunks, s, a);
            continue;
        }
        int n = 0, f = 0, b = 0;
        int warmup = kind == BASIN_PIPE_GPIPE ? micro : (stages - 1 - s < micro ? stages - 1 - s : micro);
        while (f < warmup)
            a[n++] = (basin_pipe_action){'F', f++, 0};
        while (f < micro) { /* steady state: one forward, one backward */
            a[n++] = (basin_pipe_action){'F', f++, 0};
            a[n++] = (basin_pipe_action){'B', b++, 0};
        }
        while (b < micro)
            a[n++] = (basin_pipe_action){'B', b++, 0};
    }
}

int basin_pipe_peak_in_flight(const basin_pipe_action *actions, int stage, int micro, int chunks)
{
    size_t per_stage = basin_pipe_actions_per_stage(micro, chunks);
    const basin_pipe_action *a = actions + (size_t)stage * per_stage;
    int now = 0, peak = 0;
    for (size_t i = 0; i < per_stage; i++) {
        now += a[i].op == 'F' ? 1 : -1;
        peak = now > peak ? now : peak;
    }
    return peak;
}

double basin_pipe_simulate(const basin_pipe_action *actions, int stages, int micro, int chunks, double forward,
                           double backward, double *start, int *peak_in_flight, double *bubble)
{
    size_t pieces = (size_t)stages * (size_t)chunks;
    double *costs = malloc((3 * pieces) * sizeof *costs);
    if (!costs)
        return -1;
    for (size_t p = 0; p < pieces; p++)
        costs[p] = forward, costs[pieces + p] = backward, costs[2 * pieces + p] = 0;
    basin_pipe_costs c = {costs, costs + pieces, costs + 2 * pieces};
    double makespan = basin_pipe_simulate_costs(actions, stages, micro, chunks, &c, start, peak_in_flight, bubble);
    free(costs);
    return makespan;
}

double basin_pipe_simulate_costs(const basin_pipe_action *actions, int stages, int micro, int chunks,
                                 const basin_pipe_costs *costs, double *start, int *peak_in_flight, double *bubble)
{
    size_t per_stage = basin_pipe_actions_per_stage(micro, chunks), total = (size_t)stages * per_stage;
    int pieces = stages * chunks;
    /* [piece·M + m]: when its forward and backward finished, −1 not yet */
    double *done_f = malloc(total / 2 * sizeof *done_f), *done_b = malloc(total / 2 * sizeof *done_b);
    double *free_at = calloc((size_t)stages, sizeof *free_at);
    size_t *next = calloc((size_t)stages, sizeof *next);
    if (!done_f || !done_b || !free_at || !next) {
        free(done_f), free(done_b), free(free_at), free(next);
        return -1;
    }
    for (size_t i = 0; i < total / 2; i++)
        done_f[i] = done_b[i] = -1;
    size_t scheduled = 0;
    double makespan = 0, busy = 0;
    bool progress = true;
    while (scheduled < total && progress) {
        progress = false;
        for (int s = 0; s < stages; s++) {
            while (next[s] < per_stage) {
                const basin_pipe_action *a = actions + (size_t)s * per_stage + next[s];
                int piece = a->chunk * stages + s;
                size_t here = (size_t)piece * (size_t)micro + (size_t)a->micro;
                double ready;
                if (a->op == 'F') {
                    double arrived = piece == 0 ? 0 : done_f[here - (size_t)micro];
                    ready = arrived < 0 || piece == 0 || stages == 1 ? arrived : arrived + costs->message[piece - 1];
                } else {
                    double arrived = piece == pieces - 1 ? done_f[here] : done_b[here + (size_t)micro];
                    ready = arrived < 0 || piece == pieces - 1 || stages == 1 ? arrived : arrived + costs->message[piece];
                }
                if (ready < 0 || (a->op == 'B' && done_f[here] < 0))
                    break; /* its input is not there yet */
                double t = fmax(ready, free_at[s]), cost = (a->op == 'F' ? costs->forward : costs->backward)[piece];
                if (start)
                    start[(size_t)s * per_stage + next[s]] = t;
                free_at[s] = t + cost;
                busy += cost;
                (a->op == 'F' ? done_f : done_b)[here] = free_at[s];
                makespan = fmax(makespan, free_at[s]);
                next[s]++, scheduled++, progress = true;
            }
        }
    }
    free(done_f), free(done_b), free(free_at), free(next);
    if (scheduled < total)
        return -1;
    for (int s = 0; s < stages && peak_in_flight; s++)
        peak_in_flight[s] = basin_pipe_peak_in_flight(actions, s, micro, chunks);
    if (bubble)
        *bubble = 1 - busy / ((double)stages * makespan);
    return makespan;
}
