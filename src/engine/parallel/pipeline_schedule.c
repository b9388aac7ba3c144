/* pipeline_schedule.c: GPipe's and 1F1B's action lists, and their timing by list scheduling. */
#include "pipeline_schedule.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

void basin_pipe_schedule(basin_pipe_kind kind, int stages, int micro, basin_pipe_action *actions)
{
    for (int s = 0; s < stages; s++) {
        basin_pipe_action *a = actions + (size_t)s * 2 * (size_t)micro;
        int n = 0, f = 0, b = 0;
        int warmup = kind == BASIN_PIPE_GPIPE ? micro : (stages - 1 - s < micro ? stages - 1 - s : micro);
        while (f < warmup)
            a[n++] = (basin_pipe_action){'F', f++};
        while (f < micro) { /* steady state: one forward, one backward */
            a[n++] = (basin_pipe_action){'F', f++};
            a[n++] = (basin_pipe_action){'B', b++};
        }
        while (b < micro)
            a[n++] = (basin_pipe_action){'B', b++};
    }
}

double basin_pipe_simulate(const basin_pipe_action *actions, int stages, int micro, double forward, double backward,
                           double *start, int *peak_in_flight, double *bubble)
{
    size_t per_stage = 2 * (size_t)micro, total = (size_t)stages * per_stage;
    double *done_f = malloc(total / 2 * sizeof *done_f), *done_b = malloc(total / 2 * sizeof *done_b);
    double *free_at = calloc((size_t)stages, sizeof *free_at);
    size_t *next = calloc((size_t)stages, sizeof *next);
    int *in_flight = calloc((size_t)stages, sizeof *in_flight);
    if (!done_f || !done_b || !free_at || !next || !in_flight) {
        free(done_f), free(done_b), free(free_at), free(next), free(in_flight);
        return -1;
    }
    for (size_t i = 0; i < total / 2; i++)
        done_f[i] = done_b[i] = -1; /* [s·M + m]: when it finished, −1 not yet */
    for (int s = 0; s < stages && peak_in_flight; s++)
        peak_in_flight[s] = 0;
    size_t scheduled = 0;
    double makespan = 0;
    bool progress = true;
    while (scheduled < total && progress) {
        progress = false;
        for (int s = 0; s < stages; s++) {
            while (next[s] < per_stage) {
                const basin_pipe_action *a = actions + (size_t)s * per_stage + next[s];
                size_t here = (size_t)s * (size_t)micro + (size_t)a->micro;
                double ready;
                if (a->op == 'F')
                    ready = s == 0 ? 0 : done_f[here - (size_t)micro];
                else
                    ready = s == stages - 1 ? done_f[here] : done_b[here + (size_t)micro];
                if (ready < 0 || (a->op == 'B' && done_f[here] < 0))
                    break; /* its input is not there yet */
                double t = fmax(ready, free_at[s]);
                if (start)
                    start[(size_t)s * per_stage + next[s]] = t;
                free_at[s] = t + (a->op == 'F' ? forward : backward);
                if (a->op == 'F') {
                    done_f[here] = free_at[s];
                    in_flight[s]++;
                    if (peak_in_flight && in_flight[s] > peak_in_flight[s])
                        peak_in_flight[s] = in_flight[s];
                } else {
                    done_b[here] = free_at[s];
                    in_flight[s]--;
                }
                makespan = fmax(makespan, free_at[s]);
                next[s]++, scheduled++, progress = true;
            }
        }
    }
    free(done_f), free(done_b), free(free_at), free(next), free(in_flight);
    if (scheduled < total)
        return -1;
    if (bubble)
        *bubble = 1 - (double)micro * (forward + backward) / makespan;
    return makespan;
}
