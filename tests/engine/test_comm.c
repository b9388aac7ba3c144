/* test_comm.c: the communicator on threads. The ring all-reduce gives every rank the exact sum (integer
 * values, so any order is exact) and the bits of the documented fold order (values whose sums round), the
 * same bits on every run whatever the threads' timing; it sends 2(K−1) messages and 2(K−1)/K·n values
 * per rank; broadcast, send and receive deliver; a failing rank stops the others with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/error.h"
#include "engine/parallel/comm_threads.h"
#include "engine/parallel/thread_policy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_RANKS = 8 };

typedef struct reduce_job {
    double *data; /* n values, this rank's in, the sum out */
    size_t n;
    int jitter;   /* sleep a few microseconds between steps, differently per rank and run */
} reduce_job;

static double value(int rank, size_t i, bool exact)
{
    if (exact)
        return (double)((int)(i * 7 + (size_t)rank * 13) % 201 - 100); /* small integers: every sum exact */
    return sin(1.0 + (double)i * 0.37 + (double)rank * 2.1) * pow(10.0, (double)((rank * 5 + (int)i) % 9) - 4);
}

static int reduce(basin_comm *c, void *ctx)
{
    reduce_job *j = (reduce_job *)ctx + c->rank;
    if (j->jitter) {
        struct timespec pause = {0, 1000L * ((c->rank * 7 + j->jitter) % 13)};
        nanosleep(&pause, NULL);
    }
    return basin_comm_allreduce_sum(c, j->data, j->n);
}

/* Runs an all-reduce of n values on k ranks; every rank's result into out (k × n). */
static void run_allreduce(int k, size_t n, bool exact, int jitter, double *out, basin_comm *comms)
{
    reduce_job jobs[MAX_RANKS];
    void *ctx[MAX_RANKS];
    for (int r = 0; r < k; r++) {
        jobs[r] = (reduce_job){out + (size_t)r * n, n, jitter};
        for (size_t i = 0; i < n; i++)
            out[(size_t)r * n + i] = value(r, i, exact);
        ctx[r] = jobs;
    }
    assert_int_equal(basin_comm_threads_run(k, reduce, ctx, comms), 0);
}

static void test_allreduce_sums_in_a_fixed_order(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 3, 10, 1001};
    double *out = malloc(MAX_RANKS * 1001 * sizeof *out);
    basin_comm comms[MAX_RANKS];
    assert_non_null(out);
    for (int k = 1; k <= 5; k++)
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
            size_t n = sizes[s];
            /* exact: the true sum */
            run_allreduce(k, n, true, 0, out, comms);
            for (int r = 0; r < k; r++) {
                for (size_t i = 0; i < n; i++) {
                    double sum = 0;
                    for (int q = 0; q < k; q++)
                        sum += value(q, i, true);
                    assert_true(out[(size_t)r * n + i] == sum);
                }
                basin_comm_release(&comms[r]);
            }
            /* rounding: chunk j is the left fold from rank j around the ring, on every rank */
            run_allreduce(k, n, false, 0, out, comms);
            for (int j = 0; j < k; j++) {
                size_t first, end;
                basin_comm_chunk(n, k, j, &first, &end);
                for (size_t i = first; i < end; i++) {
                    double fold = value(j, i, false);
                    for (int t = 1; t < k; t++)
                        fold = fold + value((j + t) % k, i, false);
                    for (int r = 0; r < k; r++)
                        if (memcmp(&out[(size_t)r * n + i], &fold, sizeof fold) != 0)
                            fail_msg("k=%d n=%zu rank %d value %zu: %.17g, fold %.17g", k, n, r, i,
                                     out[(size_t)r * n + i], fold);
                }
            }
            for (int r = 0; r < k; r++)
                basin_comm_release(&comms[r]);
        }
    free(out);
}

static void test_allreduce_same_bits_whatever_the_timing(void **state)
{
    (void)state;
    enum { K = 4, N = 257 };
    double first[K * N], again[K * N];
    basin_comm comms[K];
    run_allreduce(K, N, false, 0, first, comms);
    for (int r = 0; r < K; r++)
        basin_comm_release(&comms[r]);
    for (int jitter = 1; jitter <= 20; jitter++) {
        run_allreduce(K, N, false, jitter, again, comms);
        assert_memory_equal(first, again, sizeof first);
        for (int r = 0; r < K; r++)
            basin_comm_release(&comms[r]);
    }
}

static void test_ring_traffic(void **state)
{
    (void)state;
    enum { N = 1000 };
    double *out = malloc(MAX_RANKS * N * sizeof *out);
    basin_comm comms[MAX_RANKS];
    assert_non_null(out);
    for (int k = 2; k <= MAX_RANKS; k *= 2) {
        run_allreduce(k, N, true, 0, out, comms);
        for (int r = 0; r < k; r++) {
            /* 2(K−1) messages; 2(K−1)/K·N values (N divisible by K here) */
            assert_int_equal(comms[r].messages_sent, 2 * (k - 1));
            assert_int_equal(comms[r].values_sent, 2 * (size_t)(k - 1) * N / (size_t)k);
            /* the record: the collective once, with the values its messages carried */
            size_t collectives = 0;
            for (size_t e = 0; e < comms[r].n_events; e++) {
                const basin_comm_event *ev = &comms[r].events[e];
                assert_int_equal(ev->rank, r);
                assert_true(ev->end >= ev->start);
                if (ev->kind == BASIN_COMM_ALLREDUCE) {
                    collectives++;
                    assert_int_equal(ev->values, comms[r].values_sent);
                }
            }
            assert_int_equal(collectives, 1);
            assert_int_equal(comms[r].n_events, 1 + 2 * 2 * (size_t)(k - 1)); /* + each send and receive */
            basin_comm_release(&comms[r]);
        }
    }
    free(out);
}

typedef struct talk_job {
    double data[5];
    int fail_rank; /* this rank fails before sending, or -1 */
} talk_job;

/* Broadcast from rank 2, then each rank sends its rank to the next around the ring. */
static int talk(basin_comm *c, void *ctx)
{
    talk_job *j = (talk_job *)ctx + c->rank;
    if (c->rank == j->fail_rank) {
        basin_error_set("rank %d: the data set is gone", c->rank);
        return -1;
    }
    if (c->rank == 2)
        for (int i = 0; i < 5; i++)
            j->data[i] = 0.5 * i + 1;
    basin_comm_set_step(c, 7);
    if (basin_comm_broadcast(c, j->data, 5, 2) != 0)
        return -1;
    double mine = c->rank, theirs = -1;
    if (basin_comm_send(c, (c->rank + 1) % c->size, &mine, 1) != 0 ||
        basin_comm_recv(c, (c->rank + c->size - 1) % c->size, &theirs, 1) != 0)
        return -1;
    j->data[4] = theirs;
    return 0;
}

static void test_broadcast_send_receive_and_failure(void **state)
{
    (void)state;
    enum { K = 4 };
    talk_job jobs[K];
    void *ctx[K];
    basin_comm comms[K];
    for (int r = 0; r < K; r++)
        jobs[r] = (talk_job){{0}, -1}, ctx[r] = jobs;
    assert_int_equal(basin_comm_threads_run(K, talk, ctx, comms), 0);
    for (int r = 0; r < K; r++) {
        for (int i = 0; i < 4; i++)
            assert_true(jobs[r].data[i] == 0.5 * i + 1);
        assert_true(jobs[r].data[4] == (double)((r + K - 1) % K));
        assert_int_equal(comms[r].events[0].step, 7);
        basin_comm_release(&comms[r]);
    }
    /* rank 1 fails: the others, waiting on it, stop (no hang) and its message is the one reported */
    for (int r = 0; r < K; r++)
        jobs[r] = (talk_job){{0}, 1};
    assert_int_equal(basin_comm_threads_run(K, talk, ctx, comms), -1);
    assert_string_equal(basin_error_message(), "rank 1: the data set is gone");
    for (int r = 0; r < K; r++)
        basin_comm_release(&comms[r]);
}

extern void openblas_set_num_threads(int threads);
extern int openblas_get_num_threads(void);

/* The BLAS policy: with the machine's OpenBLAS at 2 threads, the policy leaves one for everything but a
 * product of BASIN_BLAS_PARALLEL_FROM multiply-adds or more, which gets the 2 (and one again after it),
 * and inside Basin's own threads every product gets one. */
static void test_blas_thread_policy(void **state)
{
    (void)state;
    openblas_set_num_threads(2);
    basin_blas_policy_init();
    assert_int_equal(openblas_get_num_threads(), 1);
    basin_blas_threads_for(BASIN_BLAS_PARALLEL_FROM - 1);
    assert_int_equal(openblas_get_num_threads(), 1);
    basin_blas_threads_done();
    basin_blas_threads_for(BASIN_BLAS_PARALLEL_FROM);
    assert_int_equal(openblas_get_num_threads(), 2);
    basin_blas_threads_done();
    assert_int_equal(openblas_get_num_threads(), 1);
    basin_thread_policy own = basin_threads_enter(2);
    basin_blas_threads_for(1e12);
    assert_int_equal(openblas_get_num_threads(), 1);
    basin_blas_threads_done();
    basin_threads_leave(own);
    basin_blas_policy_init(); /* once only: the machine's count is still 2 */
    basin_blas_threads_for(1e12);
    assert_int_equal(openblas_get_num_threads(), 2);
    basin_blas_threads_done();
    assert_int_equal(openblas_get_num_threads(), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allreduce_sums_in_a_fixed_order),
        cmocka_unit_test(test_allreduce_same_bits_whatever_the_timing),
        cmocka_unit_test(test_ring_traffic),
        cmocka_unit_test(test_blas_thread_policy),
        cmocka_unit_test(test_broadcast_send_receive_and_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
