/* comm_mpi.c: send and receive over MPI. A send copies its values and starts a non-blocking send
 * (MPI_Isend), so that every rank of a ring can send before it receives without waiting for the other
 * side (blocking sends of large messages would deadlock there); finished sends are freed as later
 * operations come and all of them at the end. */
#include "comm_mpi.h"

#include "../error.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pending {
    struct pending *next;
    MPI_Request request;
    double data[];
} pending;

typedef struct world {
    pending *sends; /* started, not known to be finished */
} world;

static world the_world;

/* Frees the sends MPI has finished (all of them, waiting, when wait). */
static void reap(world *w, bool wait)
{
    for (pending **p = &w->sends; *p;) {
        int done = 0;
        if (wait)
            MPI_Wait(&(*p)->request, MPI_STATUS_IGNORE), done = 1;
        else
            MPI_Test(&(*p)->request, &done, MPI_STATUS_IGNORE);
        if (done) {
            pending *x = *p;
            *p = x->next;
            free(x);
        } else {
            p = &(*p)->next;
        }
    }
}

/* MPI's words for an error code (static storage, until the next call). */
static const char *mpi_reason(int code)
{
    static char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(code, text, &len) != MPI_SUCCESS)
        snprintf(text, sizeof text, "MPI error %d", code);
    return text;
}

static int mpi_send(basin_comm *c, int to, const double *data, size_t n)
{
    world *w = c->world;
    if (n > (size_t)INT_MAX) {
        basin_error_set("rank %d: a message of %zu values is more than MPI sends at once", c->rank, n);
        return -1;
    }
    pending *x = malloc(sizeof *x + (n ? n : 1) * sizeof *x->data);
    if (!x) {
        basin_error_set("rank %d: out of memory sending %zu values", c->rank, n);
        return -1;
    }
    memcpy(x->data, data, n * sizeof *data);
    int code = MPI_Isend(x->data, (int)n, MPI_DOUBLE, to, 0, MPI_COMM_WORLD, &x->request);
    if (code != MPI_SUCCESS) {
        free(x);
        basin_error_set("rank %d: MPI could not send to rank %d: %s", c->rank, to, mpi_reason(code));
        return -1;
    }
    x->next = w->sends, w->sends = x;
    reap(w, false);
    return 0;
}

/* Receives from rank from (MPI_ANY_SOURCE: any, which *from then says). */
static int mpi_recv_from(basin_comm *c, int *from, double *data, size_t n)
{
    MPI_Status status;
    int code = MPI_Recv(data, (int)n, MPI_DOUBLE, *from, 0, MPI_COMM_WORLD, &status);
    if (code != MPI_SUCCESS) {
        if (*from == MPI_ANY_SOURCE)
            basin_error_set("rank %d: MPI could not receive from any rank: %s", c->rank, mpi_reason(code));
        else
            basin_error_set("rank %d: MPI could not receive from rank %d: %s", c->rank, *from, mpi_reason(code));
        return -1;
    }
    *from = status.MPI_SOURCE;
    int count;
    MPI_Get_count(&status, MPI_DOUBLE, &count);
    if ((size_t)count != n) {
        basin_error_set("rank %d expected %zu values from rank %d and got %d", c->rank, n, *from, count);
        return -1;
    }
    reap(c->world, false);
    return 0;
}

static int mpi_recv(basin_comm *c, int from, double *data, size_t n)
{
    return mpi_recv_from(c, &from, data, n);
}

static int mpi_recv_any(basin_comm *c, int *from, double *data, size_t n)
{
    *from = MPI_ANY_SOURCE;
    return mpi_recv_from(c, from, data, n);
}

static const basin_comm_backend mpi_backend = {mpi_send, mpi_recv, mpi_recv_any};

bool basin_mpi_built(void)
{
    return true;
}

int basin_mpi_start(basin_comm *c)
{
    int ready = 0;
    MPI_Initialized(&ready);
    if (!ready && MPI_Init(NULL, NULL) != MPI_SUCCESS) {
        basin_error_set("MPI_Init failed");
        return -1;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN); /* a failure comes back as a message */
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    *c = (basin_comm){.rank = rank, .size = size, .backend = &mpi_backend, .world = &the_world,
                      .epoch = MPI_Wtime()};
    return 0;
}

void basin_mpi_finish(basin_comm *c)
{
    reap(c->world, true);
    basin_comm_release(c);
    int done = 0;
    MPI_Finalized(&done);
    if (!done)
        MPI_Finalize();
}

void basin_mpi_abort(int status)
{
    MPI_Abort(MPI_COMM_WORLD, status);
}
