/* state.h: what the window knows between frames: the lab it shows and how, playback, the user's
 * overrides (start points, zoom), presenter mode and the overlay. Shared by the app's files. */
#ifndef BASIN_APP_STATE_H
#define BASIN_APP_STATE_H

#include "gl_panels.h"
#include "live.h"
#include "surface3d.h"
#include "recorder.h"
#include "ui.h"

#include "lab/playlist.h"
#include "render/figure.h"

#include <SDL.h>
#include <stdbool.h>

typedef struct basin_app {
    SDL_Window *window;
    SDL_GLContext gl;
    basin_gl_panels panels;
    basin_live live;
    basin_figure_cache cache;
    basin_surface3d surface;     /* the 3-D view's GL objects */
    bool surface_ready;          /* its shaders compiled */
    char surface_scene[1024];    /* the scene its mesh shows (basin_figure_scene), "" before any */
    basin_rect surface_rect;     /* where the figure put the 3-D panel this frame (w = 0: none) */
    cairo_surface_t *canvas;    /* drawable-sized image the panels are drawn into */
    int win_w, win_h;           /* window size, points */
    int pix_w, pix_h;           /* drawable size, pixels */

    char *lab_path;             /* the lab shown */
    basin_playlist playlist;    /* the lecture PageDown/PageUp follow (n = 0: the lab's folder) */
    char **sets;                /* its overrides: the command line's, then the user's */
    size_t n_sets, cap_sets;

    bool playing, help, presenter, quit;
    bool note;                  /* the lab's note is shown (each lab opens with it; n toggles) */
    basin_rect cards[2];        /* where this frame's overlay cards (the note, the help) are, in points: */
    int n_cards;                /* they go on top of the 3-D view too */
    bool slow_start;            /* play the first steps in slow motion */
    double shown;               /* rows of each trace shown (fractional while playing) */
    double speed;               /* steps per second */
    int selected;               /* the run that shift-click and 1–9 act on */

    bool dragging;              /* left button held */
    bool rotating;              /* ... and it went down on the 3-D panel */
    int press_x, press_y, mouse_x, mouse_y;
    basin_ui ui;                /* the control column */
    basin_ui_input ui_input;    /* the mouse as the UI sees it this frame */
    bool show_panel;            /* the control column is shown (not in presenter mode) */
    char status[256];           /* a message shown for a few seconds */
    Uint32 status_until;
    char hover[256];            /* f, |∇f| and the Hessian's eigenvalues under the cursor */
    basin_recorder recorder;    /* a: the frames shown, recorded to a video */
    char formula[512];          /* the control column's formula field */
    char formula_seen[512];     /* the lab's formula when the field last took it ("" for a named surface) */
} basin_app;

/* Replaces (or adds) the override whose SECTION.KEY= prefix matches assignment's. */
void basin_app_set(basin_app *app, const char *assignment);

/* Asks the worker for the lab with the current overrides and starts the runs over. */
void basin_app_rebuild(basin_app *app);

/* Shows a message for three seconds. */
void basin_app_say(basin_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Handles one SDL event. */
void basin_app_handle(basin_app *app, const SDL_Event *event);

/* Draws the help overlay and the status line on cr (points). */
void basin_app_draw_overlay(basin_app *app, cairo_t *cr, const basin_lab *lab);

#endif
