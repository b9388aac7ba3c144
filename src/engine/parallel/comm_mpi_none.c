/* comm_mpi_none.c: the MPI backend of a build without MPI: it says so. */
#include "comm_mpi.h"

#include "../error.h"


bool basin_mpi_built(void)
{
    return false;
}

int basin_mpi_start(basin_comm *c)
{
    (void)c;
    basin_error_set("this build of Basin has no MPI (install libopenmpi-dev and reconfigure with -Dmpi=enabled)");
    return -1;
}

void basin_mpi_finish(basin_comm *c)
{
    (void)c;
}

void basin_mpi_abort(int status)
{
    (void)status; /* no MPI, no other ranks: the caller's own failure path ends this one */
}
