/* test_pipeline.c: pipeline schedules. Each stage's list does every micro-batch's forward before its
 * backward, once each; timed with equal costs (forward = backward = 1) and with a backward twice a
 * forward, GPipe and 1F1B both take (M+S−1)(F+B) and idle exactly (S−1)/(M+S−1) of the time, for
 * S ∈ {2, 3, 4, 8} and M ∈ {S, 2S, 4S}; a stage holds at most M micro-batches in flight under GPipe and
 * min(S − s, M) under 1F1B. Megatron's interleaved schedule with V = 2, 3, 4 chunks of equal cost takes
 * exactly (S−1)/(V·M) more than the ideal time for the same S and M. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/parallel/pipeline_schedule.h"

#include <math.h>
#include <stdlib.h>

/* Every stage's list runs each (chunk, micro-batch)'s forward once and later its backward once. */
static void check_lists(const basin_pipe_action *a, int stages, int micro, int chunks)
{
    size_t per_stage = basin_pipe_actions_per_stage(micro, chunks), pieces = (size_t)micro * (size_t)chunks;
    for (int s = 0; s < stages; s++) {
        int *forward_at = calloc(pieces, sizeof *forward_at), *backward_at = calloc(pieces, sizeof *backward_at);
        assert_non_null(forward_at);
        assert_non_null(backward_at);
        for (size_t i = 0; i < per_stage; i++) {
            const basin_pipe_action *x = a + (size_t)s * per_stage + i;
            assert_true(x->micro >= 0 && x->micro < micro && x->chunk >= 0 && x->chunk < chunks);
            int *seen = x->op == 'F' ? forward_at : backward_at;
            assert_int_equal(seen[x->chunk * micro + x->micro], 0);
            seen[x->chunk * micro + x->micro] = (int)i + 1;
        }
        for (size_t m = 0; m < pieces; m++)
            assert_true(forward_at[m] > 0 && backward_at[m] > forward_at[m]);
        free(forward_at), free(backward_at);
    }
}

static void test_bubble_and_memory(void **state)
{
    (void)state;
    static const int stage_counts[] = {2, 3, 4, 8};
    static const double costs[][2] = {{1, 1}, {1, 2}};
    for (size_t i = 0; i < 4; i++)
        for (int times = 1; times <= 4; times *= 2)
            for (int kind = BASIN_PIPE_GPIPE; kind <= BASIN_PIPE_1F1B; kind++)
                for (size_t c = 0; c < 2; c++) {
                    int S = stage_counts[i], M = times * S;
                    basin_pipe_action *a = malloc((size_t)S * 2 * (size_t)M * sizeof *a);
                    int *peak = malloc((size_t)S * sizeof *peak);
                    assert_non_null(a);
                    assert_non_null(peak);
                    basin_pipe_schedule((basin_pipe_kind)kind, S, M, 1, a);
                    check_lists(a, S, M, 1);
                    double bubble, f = costs[c][0], b = costs[c][1];
                    double makespan = basin_pipe_simulate(a, S, M, 1, f, b, NULL, peak, &bubble);
                    double want = (double)(S - 1) / (double)(M + S - 1);
                    if (makespan != (M + S - 1) * (f + b) || fabs(bubble - want) > 1e-15)
                        fail_msg("%s S=%d M=%d F=%g B=%g: makespan %g (want %g), bubble %.17g (want %.17g)",
                                 kind ? "1f1b" : "gpipe", S, M, f, b, makespan, (M + S - 1) * (f + b), bubble, want);
                    for (int s = 0; s < S; s++)
                        assert_int_equal(peak[s], kind == BASIN_PIPE_GPIPE ? M : (S - s < M ? S - s : M));
                    free(a), free(peak);
                }
}

/* Interleaved with V chunks of equal cost (forward and backward of a piece 1 each): the time beyond the
 * ideal 2·M·V is (S−1)·2, a share (S−1)/(V·M) of the ideal. */
static void test_interleaved_bubble(void **state)
{
    (void)state;
    static const int stage_counts[] = {2, 3, 4, 8};
    for (size_t i = 0; i < 4; i++)
        for (int times = 1; times <= 4; times *= 2)
            for (int V = 2; V <= 4; V++) {
                int S = stage_counts[i], M = times * S;
                basin_pipe_action *a = malloc((size_t)S * basin_pipe_actions_per_stage(M, V) * sizeof *a);
                assert_non_null(a);
                basin_pipe_schedule(BASIN_PIPE_INTERLEAVED, S, M, V, a);
                check_lists(a, S, M, V);
                double bubble, ideal = 2.0 * M * V;
                double makespan = basin_pipe_simulate(a, S, M, V, 1, 1, NULL, NULL, &bubble);
                double extra = (makespan - ideal) / ideal, want = (double)(S - 1) / (double)(V * M);
                if (makespan != ideal + 2.0 * (S - 1) || fabs(extra - want) > 1e-15)
                    fail_msg("S=%d M=%d V=%d: makespan %g, %.17g beyond the ideal (formula %.17g)", S, M, V, makespan,
                             extra, want);
                free(a);
            }
}

static void test_a_deadlock_is_reported(void **state)
{
    (void)state;
    /* stage 0 waits for micro-batch 1's backward before running its forward: impossible */
    basin_pipe_action a[2 * 4] = {{'F', 0, 0}, {'B', 1, 0}, {'F', 1, 0}, {'B', 0, 0},
                                  {'F', 0, 0}, {'F', 1, 0}, {'B', 0, 0}, {'B', 1, 0}};
    double bubble;
    assert_true(basin_pipe_simulate(a, 2, 2, 1, 1, 1, NULL, NULL, &bubble) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bubble_and_memory),
        cmocka_unit_test(test_interleaved_bubble),
        cmocka_unit_test(test_a_deadlock_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
