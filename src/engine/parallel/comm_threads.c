/* comm_threads.c: the threads backend: one mutex and condition variable for the world, a FIFO queue of
 * copied messages per (sender, receiver) pair, a flag that wakes every waiting rank when one fails. */
#include "comm_threads.h"

#include "thread_policy.h"

#include "../error.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct message {
    struct message *next;
    size_t n;
    double data[];
} message;

typedef struct world {
    int k;
    pthread_mutex_t lock;
    pthread_cond_t arrived;
    message **head, **tail; /* k × k queues, [from * k + to] */
    int failed_rank;        /* the rank that failed first, or -1 */
} world;

typedef struct rank_job {
    basin_comm *c;
    basin_rank_fn fn;
    void *ctx;
    int status;
    char message[1024];
} rank_job;

static int threads_send(basin_comm *c, int to, const double *data, size_t n)
{
    world *w = c->world;
    message *m = malloc(sizeof *m + (n ? n : 1) * sizeof *m->data);
    if (!m) {
        basin_error_set("rank %d: out of memory sending %zu values", c->rank, n);
        return -1;
    }
    m->next = NULL, m->n = n;
    if (n)
        memcpy(m->data, data, n * sizeof *data);
    size_t q = (size_t)c->rank * (size_t)w->k + (size_t)to;
    pthread_mutex_lock(&w->lock);
    if (w->tail[q])
        w->tail[q]->next = m;
    else
        w->head[q] = m;
    w->tail[q] = m;
    pthread_cond_broadcast(&w->arrived);
    pthread_mutex_unlock(&w->lock);
    return 0;
}

static int threads_recv(basin_comm *c, int from, double *data, size_t n)
{
    world *w = c->world;
    size_t q = (size_t)from * (size_t)w->k + (size_t)c->rank;
    pthread_mutex_lock(&w->lock);
    while (!w->head[q] && w->failed_rank < 0)
        pthread_cond_wait(&w->arrived, &w->lock);
    message *m = w->head[q];
    if (!m) {
        int failed = w->failed_rank;
        pthread_mutex_unlock(&w->lock);
        basin_error_set("rank %d stopped: rank %d failed", c->rank, failed);
        return -1;
    }
    w->head[q] = m->next;
    if (!w->head[q])
        w->tail[q] = NULL;
    pthread_mutex_unlock(&w->lock);
    if (m->n != n) {
        basin_error_set("rank %d expected %zu values from rank %d and got %zu", c->rank, n, from, m->n);
        free(m);
        return -1;
    }
    if (n)
        memcpy(data, m->data, n * sizeof *data);
    free(m);
    return 0;
}

static const basin_comm_backend threads_backend = {threads_send, threads_recv, NULL};

static void *run_rank(void *arg)
{
    rank_job *job = arg;
    job->status = job->fn(job->c, job->ctx);
    if (job->status != 0) {
        snprintf(job->message, sizeof job->message, "%s", basin_error_message());
        world *w = job->c->world;
        pthread_mutex_lock(&w->lock);
        if (w->failed_rank < 0) /* the first failure: those it causes come after */
            w->failed_rank = job->c->rank;
        pthread_cond_broadcast(&w->arrived);
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

int basin_comm_threads_run(int k, basin_rank_fn fn, void *const *ctx, basin_comm *comms)
{
    size_t queues = (size_t)k * (size_t)k;
    world w = {.k = k, .failed_rank = -1, .head = calloc(queues, sizeof *w.head),
               .tail = calloc(queues, sizeof *w.tail)};
    rank_job *jobs = calloc((size_t)k, sizeof *jobs);
    pthread_t *threads = calloc((size_t)k, sizeof *threads);
    if (!w.head || !w.tail || !jobs || !threads) {
        free(w.head), free(w.tail), free(jobs), free(threads);
        basin_error_set("out of memory for %d ranks", k);
        return -1;
    }
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.arrived, NULL);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double epoch = (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
    for (int r = 0; r < k; r++) {
        comms[r] = (basin_comm){.rank = r, .size = k, .backend = &threads_backend, .world = &w, .epoch = epoch};
        jobs[r] = (rank_job){.c = &comms[r], .fn = fn, .ctx = ctx ? ctx[r] : NULL};
    }
    basin_thread_policy policy = basin_threads_enter((size_t)k);
    int started = 1;
    for (int r = 1; r < k; r++) {
        if (pthread_create(&threads[r], NULL, run_rank, &jobs[r]) != 0) {
            jobs[r].status = -1;
            snprintf(jobs[r].message, sizeof jobs[r].message, "cannot start a thread for rank %d", r);
            pthread_mutex_lock(&w.lock);
            w.failed_rank = w.failed_rank < 0 ? r : w.failed_rank;
            pthread_mutex_unlock(&w.lock);
            break;
        }
        started = r + 1;
    }
    run_rank(&jobs[0]);
    for (int r = 1; r < started; r++)
        pthread_join(threads[r], NULL);
    basin_threads_leave(policy);
    int status = 0;
    for (int r = 0; r < k && status == 0; r++)
        if (jobs[r].status != 0) {
            basin_error_set("%s", jobs[w.failed_rank >= 0 ? w.failed_rank : r].message);
            status = -1;
        }
    for (size_t q = 0; q < queues; q++)
        for (message *m = w.head[q], *next; m; m = next)
            next = m->next, free(m);
    for (int r = 0; r < k; r++)
        comms[r].world = NULL;
    pthread_cond_destroy(&w.arrived);
    pthread_mutex_destroy(&w.lock);
    free(w.head), free(w.tail), free(jobs), free(threads);
    return status;
}
