/* comm_threads.h: the threads backend of the communicator: K ranks, each on its own thread of this
 * process, messages copied through per-pair queues. */
#ifndef BASIN_COMM_THREADS_H
#define BASIN_COMM_THREADS_H

#include "comm.h"

/* What each rank runs: its communicator and ctx[rank]. Returns 0, or -1 with a message. */
typedef int (*basin_rank_fn)(basin_comm *c, void *ctx);

/* Runs fn on k ranks (k threads; the calling thread is rank 0), OpenBLAS single-threaded meanwhile
 * (thread_policy.h). comms (k of them, filled in here) keep each rank's counters and events for the
 * caller, who releases each with basin_comm_release. When a rank fails, ranks waiting on it fail too
 * ("rank R stopped: rank F failed"), and the first failure's message is the one kept. Returns 0, or -1. */
int basin_comm_threads_run(int k, basin_rank_fn fn, void *const *ctx, basin_comm *comms);

#endif
