/* thread_policy.h: how Basin's own threads and OpenBLAS's share the machine, decided in one place. When
 * Basin runs work on several threads (workers of a parallel trainer, points of a landscape grid), each
 * thread's BLAS calls run single-threaded: OpenBLAS's pool would only contend with ours (measured: 4.5 s
 * instead of 2.5 s for a 51×51 landscape of a 17k-parameter MLP). */
#ifndef BASIN_THREAD_POLICY_H
#define BASIN_THREAD_POLICY_H

#include <stddef.h>

/* What basin_threads_enter changed, for basin_threads_leave. */
typedef struct basin_thread_policy {
    int blas_threads; /* OpenBLAS's setting before, or 0 when it was left alone */
} basin_thread_policy;

/* Before starting n_threads threads of Basin's own work: OpenBLAS goes single-threaded when n_threads > 1.
 * Returns what to give back to basin_threads_leave. Can't fail. */
basin_thread_policy basin_threads_enter(size_t n_threads);

/* After those threads have ended: OpenBLAS gets its setting back. */
void basin_threads_leave(basin_thread_policy policy);

#endif
