/* thread_policy.h: how Basin's own threads and OpenBLAS's share the machine, decided in one place. When
 * Basin runs work on several threads (workers of a parallel trainer, points of a landscape grid), each
 * thread's BLAS calls run single-threaded: OpenBLAS's pool would only contend with ours (measured: 4.5 s
 * instead of 2.5 s for a 51×51 landscape of a 17k-parameter MLP). */
#ifndef BASIN_THREAD_POLICY_H
#define BASIN_THREAD_POLICY_H

#include <stddef.h>

/* Products of at least this many multiply-adds (m·n·k) run on OpenBLAS's threads, smaller ones on one.
 * Measured on 2 cores with `basin train`: a 64-128-64-10 MLP (batch-64 products 0.5 M, its evaluation over
 * 1,797 digits 15 M) takes as long on two threads for twice the CPU (OpenBLAS's idle workers spin); a
 * 1024-wide MLP (batch-128 products 134 M) 1.31 s instead of 1.86. */
#define BASIN_BLAS_PARALLEL_FROM (32.0 * 1024 * 1024)

/* Basin's default, set at a program's start (the CLI's; later calls do nothing): OpenBLAS on one thread for everything but
 * the large products basin_blas_threads_for lets through, so that a result's bits depend only on the
 * machine and the sizes, never on what ran before. OPENBLAS_NUM_THREADS, when set, bounds the threads
 * (=1: every product on one, as the tests run). Can't fail. */
void basin_blas_policy_init(void);

/* Before one matrix product of multiply_adds (m·n·k): OpenBLAS's threads for a large one outside Basin's own
 * threads, else one. Call basin_blas_threads_done after it. Can't fail. */
void basin_blas_threads_for(double multiply_adds);
void basin_blas_threads_done(void);

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
