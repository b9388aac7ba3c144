/* comm.h: a communicator, what the parallel trainer's ranks use to talk: rank, size, point-to-point send
 * and receive of flat double buffers, and the collectives built on them once (a ring all-reduce that
 * sums in a fixed order, so the same run gives the same bits however threads or processes are
 * scheduled, and a broadcast). A backend (threads here, MPI later) supplies only send and receive.
 * Every operation is recorded (rank, step, kind, values, start, end) for timelines. */
#ifndef BASIN_COMM_H
#define BASIN_COMM_H

#include "../share.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum { BASIN_COMM_SEND, BASIN_COMM_RECV, BASIN_COMM_ALLREDUCE, BASIN_COMM_BROADCAST } basin_comm_kind;

/* One operation as it happened on one rank: a collective is recorded once, beside its messages. */
typedef struct basin_comm_event {
    int rank;
    long step;             /* the caller's step (basin_comm_set_step) */
    basin_comm_kind kind;
    int peer;              /* the other rank of a send or receive, the root of a broadcast, else -1 */
    size_t values;         /* doubles sent (a send, or a collective's own messages) or received */
    double start, end;     /* seconds on the monotonic clock since the communicator began */
} basin_comm_event;

typedef struct basin_comm basin_comm;

/* What a backend does: deliver n doubles to rank `to` (buffered: returns once data may be reused) and
 * receive n doubles from rank `from` (blocking until they are there), messages between two ranks
 * arriving in the order sent. Each returns 0, or -1 with a message. */
typedef struct basin_comm_backend {
    int (*send)(basin_comm *c, int to, const double *data, size_t n);
    int (*recv)(basin_comm *c, int from, double *data, size_t n);
    /* Optional (NULL: the backend cannot): receive n doubles from whichever rank sends first, into *from. */
    int (*recv_any)(basin_comm *c, int *from, double *data, size_t n);
} basin_comm_backend;

struct basin_comm {
    int rank, size;
    const basin_comm_backend *backend;
    void *world;                  /* the backend's shared state */
    long step;
    double epoch;                 /* the clock's zero */
    size_t messages_sent, values_sent; /* counters over the communicator's life */
    basin_comm_event *events;     /* owned; len events recorded, cap allocated */
    size_t n_events, cap_events;
};

/* Sets the step that the following operations are recorded under. */
void basin_comm_set_step(basin_comm *c, long step);

/* Sends n values to rank to / receives n values from rank from (both recorded). 0, or -1 with a message. */
int basin_comm_send(basin_comm *c, int to, const double *data, size_t n);
int basin_comm_recv(basin_comm *c, int from, double *data, size_t n);

/* Receives n values from whichever rank's message comes first and sets *from to it (recorded): what a
 * parameter server waits with. 0, or -1 with a message (also when the backend cannot). */
int basin_comm_recv_any(basin_comm *c, int *from, double *data, size_t n);

/* Replaces data (n values, the same n on every rank) by its sum over the ranks, identical bits on every
 * rank: a ring reduce-scatter then all-gather over K chunks (sizes ⌈n/K⌉ or ⌊n/K⌋), 2(K−1) messages and
 * about 2(K−1)/K·n values sent per rank. Chunk j is summed as the left fold x_j + x_{j+1} + ... + x_{j−1}
 * (rank indices mod K), in that order on every run. Returns 0, or -1 with a message. */
int basin_comm_allreduce_sum(basin_comm *c, double *data, size_t n);

/* The share of c's ranks (sum: basin_comm_allreduce_sum), for computations split over them. */
basin_share basin_comm_share(basin_comm *c);

/* Copies root's n values into data on every rank (along the ring from root). 0, or -1 with a message. */
int basin_comm_broadcast(basin_comm *c, double *data, size_t n, int root);

/* The first and one-past-last index of chunk j when n values are dealt to k ranks. */
void basin_comm_chunk(size_t n, int k, int j, size_t *first, size_t *end);

/* Seconds since the communicator began (monotonic). */
double basin_comm_now(const basin_comm *c);

/* Frees what c holds (its events); the backend's world is the backend's. */
void basin_comm_release(basin_comm *c);

#endif
