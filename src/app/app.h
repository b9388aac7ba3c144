/* app.h: the interactive lab: an SDL2 window with an OpenGL 3.3 core context that runs a lab live
 * (play, step, reset, speed), lets the user move start points with the mouse, zoom and pan, and has a
 * presenter mode. The engine runs in a worker thread beside the event loop. */
#ifndef BASIN_APP_H
#define BASIN_APP_H

#include <stdbool.h>
#include <stdio.h>

typedef struct basin_app_options {
    const char *lab_path;  /* the lab to open */
    const char *playlist;  /* a lecture's playlist that lab_path is in (PageDown/PageUp follow it), or NULL */
    char *const *sets;     /* SECTION.KEY=VALUE overrides */
    size_t n_sets;
    int width, height;     /* window size in points */
    int frames;            /* > 0: quit after rendering this many frames */
    const char *screenshot; /* with frames: save the last frame here (PNG) */
    int bench_frames;      /* > 0: play, time this many frames, print frame_ms_median/p95, quit */
    int bench_idle;        /* > 0: let the lab settle, then measure the process's CPU use and the frames drawn
                              over this many seconds without input, print idle_cpu_percent and idle_frames, quit */
    const char *script;    /* a file of input events to inject (see basin open --help) */
    bool presenter;        /* start in presenter mode */
} basin_app_options;

/* Opens the window and runs until the user quits (or frames/bench_frames run out). Messages go to err,
 * the benchmark line to out. Returns an exit status: 0, 1 when no window can be opened (no display, no
 * OpenGL 3.3) or something fails while running, 2 for a bad lab or script. */
int basin_app_run(const basin_app_options *o, FILE *out, FILE *err);

#endif
