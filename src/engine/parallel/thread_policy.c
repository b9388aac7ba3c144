/* thread_policy.c: OpenBLAS's thread count around Basin's own threads. */
#include "thread_policy.h"

#include <stdatomic.h>
#include <stdbool.h>

extern void openblas_set_num_threads(int threads);
extern int openblas_get_num_threads(void);

static int machine_threads; /* OpenBLAS's threads for a large product (0: the policy is off) */
static atomic_int own_threads; /* Basin's own threads running (basin_threads_enter with n > 1) */
static _Thread_local bool raised; /* this thread raised OpenBLAS's count for its product */

void basin_blas_policy_init(void)
{
    static bool done; /* once: then OpenBLAS's count is ours */
    if (done)
        return;
    done = true;
    machine_threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
}

void basin_blas_threads_for(double multiply_adds)
{
    raised = machine_threads > 1 && multiply_adds >= BASIN_BLAS_PARALLEL_FROM && atomic_load(&own_threads) == 0;
    if (raised)
        openblas_set_num_threads(machine_threads);
}

void basin_blas_threads_done(void)
{
    if (raised)
        openblas_set_num_threads(1);
    raised = false;
}

basin_thread_policy basin_threads_enter(size_t n_threads)
{
    basin_thread_policy policy = {0};
    if (n_threads > 1) {
        atomic_fetch_add(&own_threads, 1);
        policy.blas_threads = openblas_get_num_threads();
        openblas_set_num_threads(1);
    }
    return policy;
}

void basin_threads_leave(basin_thread_policy policy)
{
    if (policy.blas_threads > 0) {
        openblas_set_num_threads(policy.blas_threads);
        atomic_fetch_sub(&own_threads, 1);
    }
}
