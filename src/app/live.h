/* live.h: the lab the window shows, rebuilt and simulated by a worker thread so that the event loop
 * never waits: the main thread posts a request (a lab file and its overrides) and keeps drawing the last
 * published lab, which it reads under the lock. A training lab is published before it trains: the worker
 * then trains its runs in turn, an evaluation at a time, each copied in under the lock as it is recorded,
 * and fills in what the views draw once training has ended. A new request keeps the runs whose training
 * it does not change. */
#ifndef BASIN_LIVE_H
#define BASIN_LIVE_H

#include "lab/lab.h"

#include <SDL.h>
#include <stdbool.h>

typedef struct basin_live {
    SDL_mutex *lock;
    SDL_cond *wake;
    SDL_Thread *thread;
    /* the request (main thread, under lock) */
    char *path;
    char **sets;
    size_t n_sets;
    unsigned requested;
    bool quit;
    bool paused;       /* training waits (the main thread's play/pause, under lock: basin_live_pause) */
    /* the result (worker, under lock) */
    basin_lab *lab;    /* the published lab, or NULL before the first build */
    unsigned built;    /* the request the result answers */
    char error[512];   /* why the last request failed ("" when it did not) */
    bool filled;       /* the published lab has trained and its views are filled in */
    unsigned long progress; /* evaluations and fills published so far */
    bool working;      /* the worker is computing outside the lock */
    Uint32 event;      /* the SDL event type the worker posts when it publishes (wakes a resting window), or
                          (Uint32)-1 when none could be registered */
} basin_live;

/* Starts the worker (after SDL_Init: it registers its event type). Returns 0, or -1 with a message. */
int basin_live_start(basin_live *live);

/* Asks for the lab at path with overrides sets (copied). Never blocks on a build. */
void basin_live_request(basin_live *live, const char *path, char *const *sets, size_t n_sets);

/* Waits until the latest request is answered (for scripted runs and tests), at most timeout_ms. */
void basin_live_wait(basin_live *live, unsigned timeout_ms);

/* Waits, at most timeout_ms and training even if paused, until the latest request is answered, its runs
 * have trained and its views are filled in (for scripted runs and tests). */
void basin_live_settle(basin_live *live, unsigned timeout_ms);

/* Waits, at most timeout_ms and training even if paused, until training has recorded n more evaluations
 * of the published lab, or has ended (for scripted runs and tests). */
void basin_live_train(basin_live *live, size_t n, unsigned timeout_ms);

/* Waits, at most timeout_ms, until the worker has nothing in hand: the latest request answered, and no
 * evaluation or fill under way (a paused lab's worker then rests; for scripted runs and tests). */
void basin_live_idle(basin_live *live, unsigned timeout_ms);

/* Pauses or resumes training; the caller holds live->lock. */
void basin_live_pause(basin_live *live, bool paused);

/* Stops the worker and frees everything. */
void basin_live_stop(basin_live *live);

#endif
