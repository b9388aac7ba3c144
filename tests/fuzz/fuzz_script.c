/* fuzz_script.c: the window's script reader, stepped to its end as the window would step it (SDL's event
 * queue, no window), with two controls on screen so that press and slide find something. */
#include "fuzz.h"

#include "app/script.h"

#include <SDL2/SDL.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_environment();
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    return SDL_Init(SDL_INIT_EVENTS) == 0 ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static basin_ui ui = {.n_widgets = 2,
                          .widgets = {{"Play", {10, 10, 60, 20}}, {"learning rate", {10, 40, 200, 20}}}};
    char path[64];
    int fd = fuzz_file(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    basin_script s;
    if (basin_script_open(&s, path) == 0) {
        /* a frame per step; waits are skipped (their count is checked when read) */
        for (int frame = 0; frame < 10000 && basin_script_step(&s, path, &ui) == 0; frame++) {
            s.waiting = 0;
            SDL_FlushEvents(SDL_FIRSTEVENT, SDL_LASTEVENT);
        }
        basin_script_close(&s);
    }
    close(fd);
    return 0;
}
