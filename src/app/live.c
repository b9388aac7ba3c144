/* live.c: the worker thread behind the window. */
#include "live.h"

#include "engine/error.h"

#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

/* The worker's nice value: frames first (measured on 2 cores, llvmpipe, 1280×800: median frame 13.8 ms at
 * 19 against 15.8 at 5 while training), training in the time they leave. */
#define WORKER_NICE 19

static void free_request(char *path, char **sets, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(sets[i]);
    free(sets);
    free(path);
}

/* Copies a request; NULL fields on failure. */
static bool copy_request(const char *path, char *const *sets, size_t n, char **path_out, char ***sets_out)
{
    *path_out = strdup(path);
    *sets_out = calloc(n ? n : 1, sizeof **sets_out);
    bool ok = *path_out && *sets_out;
    for (size_t i = 0; ok && i < n; i++)
        ok = ((*sets_out)[i] = strdup(sets[i])) != NULL;
    if (!ok) {
        free_request(*path_out, *sets_out ? *sets_out : NULL, *sets_out ? n : 0);
        *path_out = NULL;
        *sets_out = NULL;
    }
    return ok;
}

static void lock_live(void *ctx)
{
    SDL_LockMutex(((basin_live *)ctx)->lock);
}

static void unlock_live(void *ctx)
{
    SDL_UnlockMutex(((basin_live *)ctx)->lock);
}

/* Whether the worker has something to do besides answering a request: train (unless paused) or fill in
 * the views of a lab that has finished training. Under the lock. */
static bool busy(const basin_live *live)
{
    return live->lab && (basin_lab_training(live->lab) ? !live->paused : !live->filled);
}

/* Whether the worker should leave what it does for a new request or to quit. Under the lock. */
static bool new_request(const basin_live *live)
{
    return live->quit || live->built != live->requested;
}

/* The same for a filler, which does not hold the lock. */
static bool stop_filling(void *ctx)
{
    basin_live *live = ctx;
    SDL_LockMutex(live->lock);
    bool stop = new_request(live);
    SDL_UnlockMutex(live->lock);
    return stop;
}

/* Wakes the main thread, which may rest in SDL_WaitEvent: something new is published. */
static void notify(const basin_live *live)
{
    if (live->event == (Uint32)-1)
        return;
    SDL_Event e = {.type = live->event};
    SDL_PushEvent(&e); /* thread-safe; a full queue already wakes it */
}

/* Builds the requested lab (training labs: set up, not trained) and publishes it in place of the shown
 * one, keeping the shown one's runs whose training is unchanged. Called and returns under the lock. */
static void answer(basin_live *live)
{
    unsigned generation = live->requested;
    char *path, **sets;
    size_t n = live->n_sets;
    bool copied = copy_request(live->path, live->sets, n, &path, &sets);
    SDL_UnlockMutex(live->lock);

    basin_lab *lab = calloc(1, sizeof *lab);
    char error[512] = "";
    bool loaded = copied && lab && basin_lab_load(lab, path, sets, n) == 0, shared = false;
    if (loaded && live->lab) { /* the same examples: runs that go on keep the data they train on */
        SDL_LockMutex(live->lock);
        shared = basin_lab_share_data(lab, live->lab);
        SDL_UnlockMutex(live->lock);
    }
    if (!copied || !lab)
        snprintf(error, sizeof error, "out of memory");
    else if (!loaded || basin_lab_start(lab) != 0)
        snprintf(error, sizeof error, "%s", basin_error_message());
    if (copied)
        free_request(path, sets, n);

    SDL_LockMutex(live->lock);
    if (*error) {
        if (shared)
            basin_lab_share_data(lab, live->lab); /* swapped back before lab goes */
        if (loaded)
            basin_lab_free(lab);
        free(lab);
        snprintf(live->error, sizeof live->error, "%s", error);
    } else {
        basin_lab *old = live->lab;
        if (old) {
            basin_lab_adopt(lab, old);
            basin_lab_free(old);
            free(old);
        }
        live->lab = lab;
        live->filled = false;
        live->error[0] = '\0';
    }
    live->built = generation;
    SDL_CondBroadcast(live->wake);
    notify(live);
}

static int work(void *data)
{
    basin_live *live = data;
    basin_lab_sync sync = {lock_live, unlock_live, live, stop_filling};
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), WORKER_NICE); /* this thread only (Linux) */
    SDL_LockMutex(live->lock);
    for (;;) {
        while (!live->quit && live->built == live->requested && !busy(live))
            SDL_CondWait(live->wake, live->lock);
        if (live->quit)
            break;
        if (live->built != live->requested) {
            answer(live);
            continue;
        }
        basin_lab *lab = live->lab;
        bool training = basin_lab_training(lab);
        live->working = true;
        SDL_UnlockMutex(live->lock);
        /* One evaluation of one run, or what the views draw once training has ended: the lab stays
         * published meanwhile (only this thread replaces it), and each result is copied in under the lock. */
        int rc = training ? basin_lab_advance(lab, &sync, true) : basin_lab_fill_views(lab, true, &sync);
        SDL_LockMutex(live->lock);
        live->working = false;
        if (rc < 0 && !new_request(live))
            snprintf(live->error, sizeof live->error, "%s", basin_error_message());
        if (rc < 0) { /* a failed run stops there: the others are shown as far as they got */
            for (size_t i = 0; i < lab->n_runs; i++) {
                basin_net_training_free(lab->runs[i].session);
                lab->runs[i].session = NULL;
            }
        }
        if (!training && (rc < 0 || !new_request(live)))
            live->filled = true;
        live->progress++;
        SDL_CondBroadcast(live->wake);
        notify(live);
    }
    SDL_UnlockMutex(live->lock);
    return 0;
}

int basin_live_start(basin_live *live)
{
    *live = (basin_live){.lock = SDL_CreateMutex(), .wake = SDL_CreateCond(), .event = SDL_RegisterEvents(1)};
    if (!live->lock || !live->wake || !(live->thread = SDL_CreateThread(work, "basin-worker", live))) {
        basin_error_set("cannot start the simulation thread: %s", SDL_GetError());
        return -1;
    }
    return 0;
}

void basin_live_request(basin_live *live, const char *path, char *const *sets, size_t n_sets)
{
    char *path_copy, **sets_copy;
    if (!copy_request(path, sets, n_sets, &path_copy, &sets_copy))
        return; /* out of memory: keep showing what we have */
    SDL_LockMutex(live->lock);
    free_request(live->path, live->sets, live->n_sets);
    live->path = path_copy;
    live->sets = sets_copy;
    live->n_sets = n_sets;
    live->requested++;
    SDL_CondBroadcast(live->wake);
    SDL_UnlockMutex(live->lock);
}

void basin_live_wait(basin_live *live, unsigned timeout_ms)
{
    Uint32 until = SDL_GetTicks() + timeout_ms;
    SDL_LockMutex(live->lock);
    while (live->built != live->requested && SDL_GetTicks() < until)
        SDL_CondWaitTimeout(live->wake, live->lock, 20);
    SDL_UnlockMutex(live->lock);
}

void basin_live_settle(basin_live *live, unsigned timeout_ms)
{
    Uint32 until = SDL_GetTicks() + timeout_ms;
    SDL_LockMutex(live->lock);
    bool was_paused = live->paused;
    live->paused = false;
    SDL_CondBroadcast(live->wake);
    while ((live->built != live->requested || busy(live)) && SDL_GetTicks() < until)
        SDL_CondWaitTimeout(live->wake, live->lock, 20);
    live->paused = was_paused;
    SDL_UnlockMutex(live->lock);
}

/* The evaluations recorded so far across the lab's runs. Under the lock. */
static size_t evaluations(const basin_lab *lab)
{
    size_t n = 0;
    for (size_t i = 0; lab && i < lab->n_runs; i++)
        n += lab->runs[i].training ? lab->runs[i].training->len : 0;
    return n;
}

void basin_live_train(basin_live *live, size_t n, unsigned timeout_ms)
{
    Uint32 until = SDL_GetTicks() + timeout_ms;
    SDL_LockMutex(live->lock);
    bool was_paused = live->paused;
    live->paused = false;
    SDL_CondBroadcast(live->wake);
    size_t target = evaluations(live->lab) + n;
    while (live->lab && basin_lab_training(live->lab) && evaluations(live->lab) < target && SDL_GetTicks() < until)
        SDL_CondWaitTimeout(live->wake, live->lock, 10);
    live->paused = was_paused;
    SDL_UnlockMutex(live->lock);
}

void basin_live_idle(basin_live *live, unsigned timeout_ms)
{
    Uint32 until = SDL_GetTicks() + timeout_ms;
    SDL_LockMutex(live->lock);
    while ((live->working || live->built != live->requested || busy(live)) && SDL_GetTicks() < until)
        SDL_CondWaitTimeout(live->wake, live->lock, 10);
    SDL_UnlockMutex(live->lock);
}

void basin_live_pause(basin_live *live, bool paused)
{
    if (live->paused == paused)
        return;
    live->paused = paused; /* the caller holds the lock */
    SDL_CondBroadcast(live->wake);
}

void basin_live_stop(basin_live *live)
{
    if (live->thread) {
        SDL_LockMutex(live->lock);
        live->quit = true;
        SDL_CondBroadcast(live->wake);
        SDL_UnlockMutex(live->lock);
        SDL_WaitThread(live->thread, NULL);
    }
    if (live->lab) {
        basin_lab_free(live->lab);
        free(live->lab);
    }
    free_request(live->path, live->sets, live->n_sets);
    if (live->wake)
        SDL_DestroyCond(live->wake);
    if (live->lock)
        SDL_DestroyMutex(live->lock);
    *live = (basin_live){0};
}
