/* comm.c: the collectives, written once over a backend's send and receive, and the event record. */
#include "comm.h"

#include "../error.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double monotonic(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

double basin_comm_now(const basin_comm *c)
{
    return monotonic() - c->epoch;
}

void basin_comm_set_step(basin_comm *c, long step)
{
    c->step = step;
}

/* Appends an event; a record that cannot grow is dropped with the rest of the timeline (the run goes on). */
static void record(basin_comm *c, basin_comm_kind kind, int peer, size_t values, double start)
{
    if (c->n_events == c->cap_events) {
        size_t cap = c->cap_events ? 2 * c->cap_events : 64;
        basin_comm_event *grown = realloc(c->events, cap * sizeof *grown);
        if (!grown)
            return;
        c->events = grown, c->cap_events = cap;
    }
    c->events[c->n_events++] = (basin_comm_event){c->rank, c->step, kind, peer, values, start, basin_comm_now(c)};
}

int basin_comm_send(basin_comm *c, int to, const double *data, size_t n)
{
    double start = basin_comm_now(c);
    if (c->backend->send(c, to, data, n) != 0)
        return -1;
    c->messages_sent++, c->values_sent += n;
    record(c, BASIN_COMM_SEND, to, n, start);
    return 0;
}

int basin_comm_recv(basin_comm *c, int from, double *data, size_t n)
{
    double start = basin_comm_now(c);
    if (c->backend->recv(c, from, data, n) != 0)
        return -1;
    record(c, BASIN_COMM_RECV, from, n, start);
    return 0;
}

int basin_comm_recv_any(basin_comm *c, int *from, double *data, size_t n)
{
    double start = basin_comm_now(c);
    if (!c->backend->recv_any) {
        basin_error_set("this communicator cannot receive from any rank (only MPI can)");
        return -1;
    }
    if (c->backend->recv_any(c, from, data, n) != 0)
        return -1;
    record(c, BASIN_COMM_RECV, *from, n, start);
    return 0;
}

static int share_sum(void *ctx, double *values, size_t n)
{
    return basin_comm_allreduce_sum(ctx, values, n);
}

basin_share basin_comm_share(basin_comm *c)
{
    return (basin_share){c->rank, c->size, share_sum, c};
}

void basin_comm_chunk(size_t n, int k, int j, size_t *first, size_t *end)
{
    size_t base = n / (size_t)k, extra = n % (size_t)k, uj = (size_t)j;
    *first = uj * base + (uj < extra ? uj : extra);
    *end = *first + base + (uj < extra ? 1 : 0);
}

int basin_comm_allreduce_sum(basin_comm *c, double *data, size_t n)
{
    int k = c->size, r = c->rank, next = (r + 1) % k, prev = (r + k - 1) % k;
    if (k == 1)
        return 0;
    double start = basin_comm_now(c);
    size_t sent_before = c->values_sent, first, end, widest = n / (size_t)k + 1;
    double *incoming = malloc(widest * sizeof *incoming);
    if (!incoming) {
        basin_error_set("out of memory for an all-reduce of %zu values", n);
        return -1;
    }
    int status = 0;
    /* reduce-scatter: at step s rank r passes on chunk r−s and folds its own values into chunk r−s−1,
     * so chunk j collects x_j, then + x_{j+1}, ... around the ring and ends whole on rank j−1 */
    for (int s = 0; s < k - 1 && status == 0; s++) {
        int out = ((r - s) % k + k) % k, in = ((r - s - 1) % k + k) % k;
        basin_comm_chunk(n, k, out, &first, &end);
        status = basin_comm_send(c, next, data + first, end - first);
        basin_comm_chunk(n, k, in, &first, &end);
        if (status == 0)
            status = basin_comm_recv(c, prev, incoming, end - first);
        for (size_t i = first; status == 0 && i < end; i++)
            data[i] = incoming[i - first] + data[i];
    }
    /* all-gather: rank r holds chunk r+1 whole and passes the whole chunks on around the ring */
    for (int s = 0; s < k - 1 && status == 0; s++) {
        int out = ((r + 1 - s) % k + k) % k, in = ((r - s) % k + k) % k;
        basin_comm_chunk(n, k, out, &first, &end);
        status = basin_comm_send(c, next, data + first, end - first);
        basin_comm_chunk(n, k, in, &first, &end);
        if (status == 0)
            status = basin_comm_recv(c, prev, data + first, end - first);
    }
    free(incoming);
    if (status == 0)
        record(c, BASIN_COMM_ALLREDUCE, -1, c->values_sent - sent_before, start);
    return status;
}

int basin_comm_broadcast(basin_comm *c, double *data, size_t n, int root)
{
    int k = c->size, r = c->rank;
    if (k == 1)
        return 0;
    double start = basin_comm_now(c);
    size_t sent_before = c->values_sent;
    int status = 0;
    if (r != root)
        status = basin_comm_recv(c, (r + k - 1) % k, data, n);
    if (status == 0 && (r + 1) % k != root)
        status = basin_comm_send(c, (r + 1) % k, data, n);
    if (status == 0)
        record(c, BASIN_COMM_BROADCAST, root, c->values_sent - sent_before, start);
    return status;
}

void basin_comm_release(basin_comm *c)
{
    free(c->events);
    c->events = NULL;
    c->n_events = c->cap_events = 0;
}
