/* comm_mpi.h: the communicator's MPI backend (Open MPI), in its own optional library: every rank is a
 * process, the world communicator's ranks are the workers, and the same ring all-reduce (comm.c) runs on
 * point-to-point messages, so a run gives the same bits as on threads. A build without MPI links a stub
 * whose start fails with a message saying so. */
#ifndef BASIN_COMM_MPI_H
#define BASIN_COMM_MPI_H

#include "comm.h"

#include <stdbool.h>

/* Whether this build has MPI. */
bool basin_mpi_built(void);

/* The ranks an MPI launcher (mpirun, mpiexec: Open MPI, PMIx or Hydra) started, read from the
 * environment without initializing MPI; 0 when the program was not started by one. */
int basin_mpi_launched_ranks(void);

/* This process's rank as the launcher gave it in the environment (0 when there is none). */
int basin_mpi_launched_rank(void);

/* Initializes MPI (once per process; errors on the world return to the caller, MPI_ERRORS_RETURN, to be
 * said as this rank's message) and fills c with the world: rank, size and the backend. Returns 0,
 * or -1 with a message (no MPI in this build, MPI_Init failed). */
int basin_mpi_start(basin_comm *c);

/* Completes c's pending sends, frees what it holds and finalizes MPI. */
void basin_mpi_finish(basin_comm *c);

/* Ends every rank of the job at once with status: what a failing rank does instead of leaving the
 * others waiting for its messages. */
void basin_mpi_abort(int status);

#endif
