/* live.c: the worker thread behind the window. */
#include "live.h"

#include "engine/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int work(void *data)
{
    basin_live *live = data;
    SDL_LockMutex(live->lock);
    for (;;) {
        while (!live->quit && live->built == live->requested)
            SDL_CondWait(live->wake, live->lock);
        if (live->quit)
            break;
        unsigned generation = live->requested;
        char *path, **sets;
        size_t n = live->n_sets;
        bool copied = copy_request(live->path, live->sets, n, &path, &sets);
        SDL_UnlockMutex(live->lock);

        basin_lab *lab = calloc(1, sizeof *lab);
        char error[512] = "";
        if (!copied || !lab)
            snprintf(error, sizeof error, "out of memory");
        else if (basin_lab_load(lab, path, sets, n) != 0 || basin_lab_run_all(lab) != 0)
            snprintf(error, sizeof error, "%s", basin_error_message());
        if (copied)
            free_request(path, sets, n);

        SDL_LockMutex(live->lock);
        if (*error) {
            free(lab);
            snprintf(live->error, sizeof live->error, "%s", error);
        } else {
            if (live->lab) {
                basin_lab_free(live->lab);
                free(live->lab);
            }
            live->lab = lab;
            live->error[0] = '\0';
        }
        live->built = generation;
        SDL_CondBroadcast(live->wake);
        if (!*error) {
            /* The lab is on screen; its decision regions and landscapes fill in while the window draws it. */
            SDL_UnlockMutex(live->lock);
            basin_lab_sync sync = {lock_live, unlock_live, live};
            int filled = basin_lab_fill_views(lab, true, &sync);
            SDL_LockMutex(live->lock);
            if (filled != 0 && live->lab == lab)
                snprintf(live->error, sizeof live->error, "%s", basin_error_message());
        }
    }
    SDL_UnlockMutex(live->lock);
    return 0;
}

int basin_live_start(basin_live *live)
{
    *live = (basin_live){.lock = SDL_CreateMutex(), .wake = SDL_CreateCond()};
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
