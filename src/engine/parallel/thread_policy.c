/* thread_policy.c: OpenBLAS's thread count around Basin's own threads. */
#include "thread_policy.h"

extern void openblas_set_num_threads(int threads);
extern int openblas_get_num_threads(void);

basin_thread_policy basin_threads_enter(size_t n_threads)
{
    basin_thread_policy policy = {0};
    if (n_threads > 1) {
        policy.blas_threads = openblas_get_num_threads();
        openblas_set_num_threads(1);
    }
    return policy;
}

void basin_threads_leave(basin_thread_policy policy)
{
    if (policy.blas_threads > 0)
        openblas_set_num_threads(policy.blas_threads);
}
