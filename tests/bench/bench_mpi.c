/* bench_mpi.c: the MPI backend against threads, in one run: sync data parallelism on 2 ranks against 2
 * threads for the digits 64-256-256-10 MLP (global batch 256, 300 steps; the same work and, as the tests
 * check, the same bits), MPI's start-up (a 2-rank job that trains nothing against the same command on
 * threads), and the 51×51 landscape of a digits MLP on 1 rank of 1 thread, 2 ranks of 1 thread each, and
 * 1 process of 2 threads. Best of 3 each. Needs BASIN_EXE (the program) and mpiexec. */
#include "bench.h"

#include <string.h>

#define MPIRUN "mpiexec --allow-run-as-root --oversubscribe --mca mpi_yield_when_idle 1 "
#define MPIEXEC MPIRUN "-n 2 "

/* The best of three wall times of a shell command, or the end of the benchmark when it fails. */
static double best_of_three(const char *command)
{
    double best = 1e300;
    for (int k = 0; k < 3; k++) {
        double t0 = bench_now();
        if (system(command) != 0) {
            fprintf(stderr, "bench: failed: %s\n", command);
            exit(1);
        }
        double t = bench_now() - t0;
        best = t < best ? t : best;
    }
    return best;
}

int main(void)
{
    const char *exe = getenv("BASIN_EXE");
    if (!exe) {
        fprintf(stderr, "bench: BASIN_EXE is not set\n");
        return 1;
    }
    char train[512], command[1024];
    snprintf(train, sizeof train,
             "%s train --model mlp:hidden=256/256 --data digits --opt sgd:lr=0.05,momentum=0.9 --batch 128 "
             "--parallel sync:workers=2 >/dev/null",
             exe);
    snprintf(command, sizeof command, "%s --steps 300", train);
    double threads = best_of_three(command);
    snprintf(command, sizeof command, MPIEXEC "%s --steps 300 --backend mpi", train);
    double ranks = best_of_three(command);
    snprintf(command, sizeof command, "%s --steps 0", train);
    double threads_idle = best_of_three(command);
    snprintf(command, sizeof command, MPIEXEC "%s --steps 0 --backend mpi", train);
    double ranks_idle = best_of_three(command);
    double startup = ranks_idle - threads_idle;
    char landscape[512];
    snprintf(landscape, sizeof landscape,
             "%s landscape --model mlp:hidden=64/64 --data digits --grid 51 --csv /dev/null 2>/dev/null", exe);
    char one_thread[600];
    snprintf(one_thread, sizeof one_thread, "%s --threads 1", landscape);
    double grid_one = best_of_three(landscape);
    snprintf(command, sizeof command, MPIRUN "-n 1 %s --backend mpi", one_thread);
    double grid_rank = best_of_three(command);
    snprintf(command, sizeof command, MPIEXEC "%s --backend mpi", one_thread);
    double grid_ranks = best_of_three(command);
    printf("digits 64-256-256-10 MLP, global batch 256, 300 steps, best of 3 (whole commands):\n");
    printf("  sync, 2 threads      %.3f s\n", threads);
    printf("  sync, 2 MPI ranks    %.3f s  (%.2f× the threads' time; %.3f s of it MPI's start-up)\n", ranks,
           ranks / threads, startup);
    printf("  no steps: threads %.3f s, ranks %.3f s\n", threads_idle, ranks_idle);
    printf("digits 64-64-64-10 MLP, 51×51 landscape:\n");
    printf("  1 rank of 1 thread     %.3f s\n", grid_rank);
    printf("  2 ranks of 1 thread    %.3f s  (speed-up %.2f× over 1 rank)\n", grid_ranks, grid_rank / grid_ranks);
    printf("  1 process of 2 threads %.3f s  (no MPI start-up; the same two cores)\n", grid_one);
    printf("mpi_over_threads=%.3f mpi_startup_s=%.3f landscape_speedup_2_ranks=%.3f landscape_ranks_over_threads=%.3f\n",
           ranks / threads, startup, grid_rank / grid_ranks, grid_ranks / grid_one);
    return 0;
}
