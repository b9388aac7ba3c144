/* app.c: the window's life: SDL2 and an OpenGL 3.3 core context (libepoxy), the frame loop (events,
 * playback, drawing the panels with the plot kit, presenting them through GL), and the test hooks
 * (--frames, --screenshot, --bench-frames, --script). */
#include "app.h"

#include "panel.h"
#include "script.h"
#include "state.h"

#include "engine/error.h"
#include "render/output_file.h"

#include <fcntl.h>
#include <math.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIXED_DT (1.0 / 60) /* seconds a frame advances playback in scripted and timed runs */
#define FRAME_MS (1e3 / 60)  /* the shortest frame of an untimed window */

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Saves the back buffer as a PNG, whole or not at all. */
static int save_screenshot(const basin_app *app, const char *path)
{
    cairo_surface_t *image = basin_gl_read_pixels(app->pix_w, app->pix_h);
    basin_output_file f;
    if (!image || basin_output_open(&f, path, stdout) != 0) {
        if (image)
            cairo_surface_destroy(image);
        return -1;
    }
    cairo_status_t status = cairo_surface_write_to_png_stream(image, basin_output_cairo_write, f.stream);
    cairo_surface_destroy(image);
    if (status != CAIRO_STATUS_SUCCESS) {
        basin_output_abort(&f);
        basin_error_set("cannot write '%s': %s", path, cairo_status_to_string(status));
        return -1;
    }
    return basin_output_commit(&f);
}

/* Keeps the canvas the drawable's size. */
static int fit_canvas(basin_app *app)
{
    SDL_GetWindowSize(app->window, &app->win_w, &app->win_h);
    SDL_GL_GetDrawableSize(app->window, &app->pix_w, &app->pix_h);
    if (app->canvas && cairo_image_surface_get_width(app->canvas) == app->pix_w &&
        cairo_image_surface_get_height(app->canvas) == app->pix_h)
        return 0;
    if (app->canvas)
        cairo_surface_destroy(app->canvas);
    app->canvas = cairo_image_surface_create(CAIRO_FORMAT_RGB24, app->pix_w, app->pix_h);
    if (cairo_surface_status(app->canvas) != CAIRO_STATUS_SUCCESS) {
        basin_error_set("out of memory for a %d×%d window", app->pix_w, app->pix_h);
        return -1;
    }
    return 0;
}

/* The figure's painter for the 3-D panel in the window: it only notes where the panel goes; the mesh is
 * drawn with GL into that viewport after the panels. */
static int note_surface_panel(cairo_t *cr, basin_rect rect, double scale, const basin_lab *lab, size_t shown, bool dark,
                              void *user)
{
    (void)cr, (void)scale, (void)lab, (void)shown, (void)dark;
    ((basin_app *)user)->surface_rect = rect;
    return 0;
}

/* Draws the 3-D panel, if the figure has one, rebuilding its mesh for a new lab. Returns 0 or -1. */
static int draw_surface(basin_app *app, const basin_lab *lab)
{
    const basin_rect *r = &app->surface_rect;
    if (!lab || r->w <= 0)
        return 0;
    if (!app->surface_ready) {
        if (basin_surface3d_init(&app->surface) != 0)
            return -1;
        app->surface_ready = true;
    }
    app->surface.landscape_run = (size_t)app->selected; /* a training lab: the selected run's landscape */
    long progress = basin_surface3d_progress(&app->surface, lab);
    if (progress < 0) /* a training lab's landscape is not there yet: the panel waits */
        return 0;
    char scene[sizeof app->surface_scene];
    basin_figure_scene(lab, scene, sizeof scene);
    size_t used = strlen(scene); /* a landscape filling in needs a new mesh as it does */
    snprintf(scene + used, sizeof scene - used, "|%ld|%d", progress, app->selected);
    if (strcmp(scene, app->surface_scene) != 0) { /* only a new surface or window needs a new mesh */
        if (basin_surface3d_build(&app->surface, lab, 256) != 0)
            return -1;
        snprintf(app->surface_scene, sizeof app->surface_scene, "%s", scene);
    }
    double scale = (double)app->pix_w / app->win_w;
    int x = (int)(r->x * scale), w = (int)(r->w * scale), h = (int)(r->h * scale);
    int y = app->pix_h - (int)((r->y + r->h) * scale);
    basin_surface3d_draw(&app->surface, lab, (size_t)app->shown, x, y, w, h, app->presenter);
    return 0;
}

#define BASIN_PRESENTER_TYPE 1.6 /* presenter mode's type against the window's usual */

/* Draws the panels of the published lab (under the live lock) into the canvas. */
static int draw_panels(basin_app *app, const basin_lab *lab)
{
    cairo_t *cr = cairo_create(app->canvas);
    double scale = (double)app->pix_w / app->win_w;
    cairo_scale(cr, scale, scale);
    basin_figure_options o = basin_figure_defaults();
    o.dark = app->presenter;
    o.font_scale = app->presenter ? BASIN_PRESENTER_TYPE * 1.35 : 1.35; /* presenter mode: 1.6 times the type */
    o.surface = note_surface_panel;
    o.surface_user = app;
    o.landscape_run = (size_t)app->selected;
    app->surface_rect = (basin_rect){0};
    basin_theme theme = basin_theme_make(o.dark, o.font_scale);
    double strip = 1.8 * theme.font_size, f = theme.font_size;
    double column = app->show_panel && !app->presenter ? 17 * f : 0;
    int status = 0;
    if (lab) {
        status = basin_figure_draw_live(cr, app->win_w - column, app->win_h - strip, scale, lab, &o,
                                        (size_t)app->shown, &app->cache);
        if (status == 0)
            basin_panel_draw_directions(app, cr, lab);
    } else {
        basin_set_color(cr, theme.background);
        cairo_paint(cr);
    }
    if (lab && status == 0 && column > 0) {
        double x0 = app->win_w - column;
        basin_set_color(cr, theme.grid);
        cairo_rectangle(cr, x0, 0, 0.08 * f, app->win_h - strip);
        cairo_fill(cr);
        basin_panel_run(app, cr, lab, x0 + 0.9 * f, 0.8 * f, column - 1.6 * f);
    }
    basin_app_draw_overlay(app, cr, lab);
    cairo_destroy(cr);
    return status;
}

/* Draws the panels' texture again where the overlay's cards are, so that they lie on top of the 3-D view. */
static void redraw_cards(const basin_app *app)
{
    if (app->surface_rect.w <= 0)
        return;
    double scale = (double)app->pix_w / app->win_w;
    glViewport(0, 0, app->pix_w, app->pix_h); /* the 3-D view set its own */
    glEnable(GL_SCISSOR_TEST);
    for (int k = 0; k < app->n_cards; k++) {
        const basin_rect *c = &app->cards[k];
        glScissor((GLint)floor(c->x * scale), app->pix_h - (GLint)ceil((c->y + c->h) * scale), (GLsizei)ceil(c->w * scale) + 1,
                  (GLsizei)ceil(c->h * scale) + 1);
        basin_gl_panels_draw(&app->panels);
    }
    glDisable(GL_SCISSOR_TEST);
}

#define SLOW_STEPS 10    /* slow motion covers the first steps ... */
#define SLOW_SPEED 3.0   /* ... at this many steps per second */

static void advance(basin_app *app, const basin_lab *lab, double dt)
{
    basin_live_pause(&app->live, !app->playing); /* a training lab trains while it plays */
    if (!lab || !app->playing)
        return;
    if (basin_lab_training(lab)) { /* follow the newest epoch */
        app->shown = (double)basin_lab_frames(lab);
        return;
    }
    double last = (double)basin_lab_frames(lab);
    double speed = app->slow_start && app->shown < SLOW_STEPS + 1 ? fmin(app->speed, SLOW_SPEED) : app->speed;
    app->shown = fmin(app->shown + speed * dt, last);
    if (app->shown >= last)
        app->playing = false;
}

/* SDL_Init(SDL_INIT_VIDEO) with the standard error of the libraries it probes (Wayland's "XDG_RUNTIME_DIR
 * is invalid", X11's and Mesa's warnings) sent to /dev/null: what failed is in SDL_GetError(). */
static int init_video_quietly(void)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    bool quiet = saved >= 0 && null >= 0 && dup2(null, STDERR_FILENO) >= 0;
    int status = SDL_Init(SDL_INIT_VIDEO);
    if (quiet)
        dup2(saved, STDERR_FILENO);
    if (saved >= 0)
        close(saved);
    if (null >= 0)
        close(null);
    return status;
}

static int open_window(basin_app *app, const basin_app_options *o, FILE *err)
{
    if (init_video_quietly() != 0) {
        fprintf(err, "basin open: no display to open a window on (%s); export a figure instead: "
                     "basin export LAB.ini -o figure.png\n", SDL_GetError());
        return -1;
    }
    /* Without a display SDL falls back to its headless drivers: fine for timed and scripted runs (they
     * render and read back), but nobody would see an interactive window. */
    const char *driver = SDL_GetCurrentVideoDriver();
    bool timed = o->frames > 0 || o->bench_frames > 0 || o->script;
    if (!timed && driver && (strcmp(driver, "offscreen") == 0 || strcmp(driver, "dummy") == 0)) {
        fprintf(err, "basin open: no display to open a window on (SDL found only its '%s' driver); export a "
                     "figure instead: basin export LAB.ini -o figure.png\n", driver);
        return -1;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    app->window = SDL_CreateWindow("Basin", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, o->width, o->height, flags);
    if (!app->window) {
        fprintf(err, "basin open: cannot open a window: %s\n", SDL_GetError());
        return -1;
    }
    /* A robust context reports a GPU reset instead of failing silently; not every driver offers one. */
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, SDL_GL_CONTEXT_ROBUST_ACCESS_FLAG);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_RESET_NOTIFICATION, SDL_GL_CONTEXT_RESET_LOSE_CONTEXT);
    app->gl = SDL_GL_CreateContext(app->window);
    if (!app->gl) {
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
        SDL_GL_SetAttribute(SDL_GL_CONTEXT_RESET_NOTIFICATION, SDL_GL_CONTEXT_RESET_NO_NOTIFICATION);
        app->gl = SDL_GL_CreateContext(app->window);
    }
    if (!app->gl || epoxy_gl_version() < 33) {
        fprintf(err, "basin open: no OpenGL 3.3 core context: %s\n", app->gl ? "the driver offers less" : SDL_GetError());
        return -1;
    }
    SDL_GL_SetSwapInterval(timed ? 0 : 1);
    if (basin_gl_panels_init(&app->panels) != 0) {
        fprintf(err, "basin open: %s\n", basin_error_message());
        return -1;
    }
    if (o->presenter) {
        app->presenter = true;
        SDL_SetWindowFullscreen(app->window, SDL_WINDOW_FULLSCREEN_DESKTOP);
    }
    return 0;
}

/* Whether the GL context was lost (a GPU reset), where the driver can tell. */
static bool context_lost(void)
{
    if (epoxy_gl_version() >= 45 || epoxy_has_gl_extension("GL_KHR_robustness"))
        return glGetGraphicsResetStatus() != GL_NO_ERROR;
    if (epoxy_has_gl_extension("GL_ARB_robustness"))
        return glGetGraphicsResetStatusARB() != GL_NO_ERROR;
    return false;
}

static void close_window(basin_app *app)
{
    if (app->recorder.on && basin_recorder_stop(&app->recorder) == 0) /* quitting ends a recording whole */
        fprintf(stderr, "basin open: recorded %s (%zu frames)\n", app->recorder.path, app->recorder.frames);
    basin_live_stop(&app->live);
    basin_figure_cache_free(&app->cache);
    if (app->canvas)
        cairo_surface_destroy(app->canvas);
    if (app->gl) {
        if (app->surface_ready)
            basin_surface3d_free(&app->surface);
        basin_gl_panels_free(&app->panels);
        SDL_GL_DeleteContext(app->gl);
    }
    if (app->window)
        SDL_DestroyWindow(app->window);
    SDL_Quit();
    for (size_t i = 0; i < app->n_sets; i++)
        free(app->sets[i]);
    free(app->sets);
    free(app->lab_path);
    basin_playlist_free(&app->playlist);
}

/* --bench-idle: the process's CPU time and the frames drawn over a span of rest. */
typedef struct idle_bench {
    int seconds;          /* the span; 0: off */
    bool started;
    double wall, cpu;     /* at its start */
    int frames, frames_at_start;
} idle_bench;

static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u); /* every thread: the window's, the worker's, Mesa's */
    return (double)u.ru_utime.tv_sec + 1e-6 * (double)u.ru_utime.tv_usec + (double)u.ru_stime.tv_sec +
           1e-6 * (double)u.ru_stime.tv_usec;
}

/* Called when the window is about to rest: starts the span the first time, and once it has passed prints
 * idle_cpu_percent=P idle_frames=N to out and returns true. */
static bool idle_bench_tick(idle_bench *b, FILE *out)
{
    double wall = (double)SDL_GetPerformanceCounter() / (double)SDL_GetPerformanceFrequency();
    if (!b->started) {
        *b = (idle_bench){.seconds = b->seconds, .started = true, .wall = wall, .cpu = cpu_seconds(),
                          .frames = b->frames, .frames_at_start = b->frames};
        return false;
    }
    if (wall - b->wall < b->seconds)
        return false;
    fprintf(out, "idle_cpu_percent=%.2f idle_frames=%d\n", 100 * (cpu_seconds() - b->cpu) / (wall - b->wall),
            b->frames - b->frames_at_start);
    return true;
}

/* What the last drawn frame showed, to tell whether a resting window must draw again. */
typedef struct window_rest {
    int pending;            /* frames still to draw after an input (immediate-mode controls act as drawn) */
    bool animating;         /* the runs play */
    unsigned built;         /* the worker's published request */
    unsigned long progress; /* and its published evaluations */
    bool status;            /* the status message was shown */
} window_rest;

static bool status_shown(const basin_app *app)
{
    return SDL_GetTicks() < app->status_until;
}

/* How long a resting window may sleep: until the status message expires, else a second (a safety net:
 * the worker's event wakes it sooner). */
static int rest_timeout(const basin_app *app)
{
    Uint32 now = SDL_GetTicks();
    return now < app->status_until ? (int)(app->status_until - now) + 1 : 1000;
}

/* Whether anything a frame shows changed since the last one was drawn; the caller holds the lock. */
static bool changed(const window_rest *rest, const basin_app *app, int inputs)
{
    return inputs > 0 || rest->built != app->live.built || rest->progress != app->live.progress ||
           rest->status != status_shown(app);
}

int basin_app_run(const basin_app_options *o, FILE *out, FILE *err)
{
    basin_app app = {.speed = 30, .shown = 1, .show_panel = true, .note = true}; /* opens paused: the presenter presses play */
    basin_script script = {0};
    double *frame_ms = NULL;
    Uint64 opened = SDL_GetPerformanceCounter();
    double first_epoch_ms = -1; /* a training lab: from opening until a frame first shows a trained epoch */
    int status = 1;
    app.lab_path = strdup(o->lab_path);
    if (o->playlist && basin_playlist_load(&app.playlist, o->playlist) != 0) {
        fprintf(err, "basin open: %s\n", basin_error_message());
        status = 2;
        goto done;
    }
    for (size_t i = 0; i < o->n_sets; i++)
        basin_app_set(&app, o->sets[i]);
    if (o->script && basin_script_open(&script, o->script) != 0) {
        fprintf(err, "basin open: %s\n", basin_error_message());
        status = 2;
        goto done;
    }
    if (open_window(&app, o, err) != 0)
        goto done;
    if (basin_live_start(&app.live) != 0) {
        fprintf(err, "basin open: %s\n", basin_error_message());
        goto done;
    }
    basin_app_rebuild(&app);
    app.playing = o->bench_frames > 0; /* the benchmark times frames with the runs playing */
    basin_live_wait(&app.live, 30000);
    SDL_LockMutex(app.live.lock);
    if (app.live.lab && basin_lab_training(app.live.lab))
        app.playing = true; /* a training lab trains from the start, shown as it goes */
    SDL_UnlockMutex(app.live.lock);
    if (app.live.error[0]) {
        fprintf(err, "basin open: %s\n", app.live.error);
        status = 2;
        goto done;
    }
    idle_bench idle = {.seconds = o->bench_idle};
    if (idle.seconds > 0) { /* trained, filled and shown: then nothing changes */
        basin_live_settle(&app.live, 600000);
        app.playing = false;
    }
    int total = o->bench_frames > 0 ? o->bench_frames : o->frames;
    frame_ms = calloc(total > 0 ? (size_t)total : 1, sizeof *frame_ms);
    bool timed = total > 0 || o->script;
    unsigned drawn_generation = app.live.built;
    Uint64 last = SDL_GetPerformanceCounter(), ticks = SDL_GetPerformanceFrequency();
    /* An untimed window rests while nothing changes: it draws when an input came, the worker published,
     * the runs play, a recording runs or the status message expires, and otherwise sleeps in
     * SDL_WaitEvent (the worker's event wakes it). */
    window_rest rest = {.pending = 1, .built = ~0u, .progress = ~0ul};
    for (int frame = 0; !app.quit && (total <= 0 || frame < total); frame++) {
        bool resting = !timed && !app.recorder.on && !rest.animating && rest.pending == 0;
        if (resting && idle.seconds > 0 && idle_bench_tick(&idle, out))
            break;
        if (resting)
            SDL_WaitEventTimeout(NULL, rest_timeout(&app)); /* leaves the event queued for the loop below */
        Uint64 start = SDL_GetPerformanceCounter();
        if (o->script && !script.done) {
            int step = basin_script_step(&script, o->script, &app.ui);
            if (step < 0) {
                fprintf(err, "basin open: %s\n", basin_error_message());
                status = 2;
                goto done;
            }
            if (script.screenshot[0])
                basin_live_wait(&app.live, 30000); /* show the lab the script's input asked for */
            if (script.settle) {
                basin_live_settle(&app.live, 120000); /* trained, and its views filled in */
                script.settle = false;
            }
            if (script.idle) {
                basin_live_idle(&app.live, 10000);
                script.idle = false;
            }
            if (script.train > 0) {
                basin_live_train(&app.live, (size_t)script.train, 60000);
                script.train = 0;
            }
            if (step > 0)
                app.quit = true;
        }
        SDL_LockMutex(app.live.lock);
        if (app.live.built != drawn_generation) { /* a new lab (the caches check whether its scene changed) */
            drawn_generation = app.live.built;
            if (app.live.error[0])
                basin_app_say(&app, "%s", app.live.error);
        }
        SDL_Event e;
        int inputs = 0;
        while (SDL_PollEvent(&e)) {
            inputs += e.type != app.live.event;
            basin_app_handle(&app, &e);
        }
        if (resting && !changed(&rest, &app, inputs)) {
            SDL_UnlockMutex(app.live.lock);
            last = start;
            continue;
        }
        rest.pending = inputs ? 2 : rest.pending > 0 ? rest.pending - 1 : 0; /* the controls act as drawn */
        /* after a rest, at most a tenth of a second of playback at once */
        double dt = timed ? FIXED_DT : fmin((double)(start - last) / (double)ticks, 0.1);
        last = start;
        advance(&app, app.live.lab, dt);
        if (app.live.lab) /* a recomputed run is shown whole: keep the count within the run */
            app.shown = fmin(app.shown, (double)app.live.lab->steps + 1);
        int drawn = fit_canvas(&app) == 0 ? draw_panels(&app, app.live.lab) : -1;
        if (drawn == 0) {
            basin_gl_panels_upload(&app.panels, app.canvas);
            glViewport(0, 0, app.pix_w, app.pix_h);
            basin_gl_panels_draw(&app.panels);
            drawn = draw_surface(&app, app.live.lab); /* reads the runs: still under the lock */
            redraw_cards(&app);
        }
        if (first_epoch_ms < 0 && drawn == 0 && app.live.lab && app.live.lab->dataset && basin_lab_frames(app.live.lab) > 1)
            first_epoch_ms = 1e3 * (double)(SDL_GetPerformanceCounter() - opened) / (double)ticks;
        rest.built = app.live.built, rest.progress = app.live.progress, rest.status = status_shown(&app);
        rest.animating = app.playing && app.live.lab && !basin_lab_training(app.live.lab);
        idle.frames++;
        app.ui_input.pressed = false; /* a press, a key and text count for one frame */
        app.ui_input.key = BASIN_UI_KEY_NONE;
        app.ui_input.text[0] = '\0';
        SDL_UnlockMutex(app.live.lock);
        if (drawn != 0) {
            fprintf(err, "basin open: %s\n", basin_error_message());
            goto done;
        }
        const char *shot = script.screenshot[0] ? script.screenshot
                           : (o->screenshot && total > 0 && frame == total - 1) ? o->screenshot : NULL;
        if (shot && save_screenshot(&app, shot) != 0) {
            fprintf(err, "basin open: screenshot: %s\n", basin_error_message());
            goto done;
        }
        if (app.recorder.on) { /* the frame as shown, into the recording */
            cairo_surface_t *image = basin_gl_read_pixels(app.pix_w, app.pix_h);
            double now = (double)SDL_GetPerformanceCounter() / (double)SDL_GetPerformanceFrequency();
            int recorded = image ? basin_recorder_frame(&app.recorder, image, timed ? (double)frame * FIXED_DT : now) : -1;
            if (recorded < 0)
                basin_app_say(&app, "recording failed: %s", image ? basin_error_message() : "out of memory");
            else if (recorded > 0)
                basin_app_say(&app, "the window changed size: recorded %s (%zu frames)", app.recorder.path,
                              app.recorder.frames);
            if (image)
                cairo_surface_destroy(image);
        }
        SDL_GL_SwapWindow(app.window);
        if (!timed) { /* at most 60 frames a second where the swap does not wait for the display (Xvfb) */
            double spent = 1e3 * (double)(SDL_GetPerformanceCounter() - start) / (double)ticks;
            if (spent < FRAME_MS)
                SDL_Delay((Uint32)(FRAME_MS - spent));
        }
        if (context_lost()) {
            fprintf(err, "basin open: the OpenGL context was lost (the GPU was reset); open the lab again\n");
            goto done;
        }
        if (o->bench_frames > 0) {
            glFinish();
            frame_ms[frame] = 1e3 * (double)(SDL_GetPerformanceCounter() - start) / (double)ticks;
        }
    }
    if (o->bench_frames > 0) {
        qsort(frame_ms, (size_t)o->bench_frames, sizeof *frame_ms, compare);
        fprintf(out, "frame_ms_median=%.2f frame_ms_p95=%.2f", frame_ms[o->bench_frames / 2],
                frame_ms[(int)(0.95 * (o->bench_frames - 1))]);
        if (first_epoch_ms >= 0)
            fprintf(out, " first_epoch_ms=%.0f", first_epoch_ms);
        fprintf(out, "\n");
    }
    status = 0;
done:
    free(frame_ms);
    basin_script_close(&script);
    close_window(&app);
    return status;
}
