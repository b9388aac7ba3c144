/* mpi_launch.c: whether an MPI launcher started this process, from its environment (no MPI needed). */
#include "comm_mpi.h"

#include <stdlib.h>

int basin_mpi_launched_ranks(void)
{
    /* Open MPI, PMIx (any recent launcher), MPICH's Hydra */
    static const char *const sizes[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        const char *v = getenv(sizes[i]);
        if (v && atoi(v) > 0)
            return atoi(v);
    }
    return 0;
}

int basin_mpi_launched_rank(void)
{
    static const char *const ranks[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"};
    for (size_t i = 0; i < sizeof ranks / sizeof *ranks; i++) {
        const char *v = getenv(ranks[i]);
        if (v)
            return atoi(v);
    }
    return 0;
}
