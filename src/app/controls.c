/* controls.c: what keys and the mouse do: playback, start points, zoom and pan, run selection, presenter
 * mode, the help overlay, switching labs and exporting. */
#include "state.h"

#include "engine/error.h"
#include "engine/analysis/stationary.h"
#include "app/offscreen.h"
#include "render/output_file.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void basin_app_say(basin_app *app, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->status, sizeof app->status, fmt, ap);
    va_end(ap);
    app->status_until = SDL_GetTicks() + 3000;
}

void basin_app_set(basin_app *app, const char *assignment)
{
    size_t prefix = strcspn(assignment, "=") + 1;
    char *copy = strdup(assignment);
    if (!copy)
        return;
    for (size_t i = 0; i < app->n_sets; i++)
        if (strncmp(app->sets[i], assignment, prefix) == 0) {
            free(app->sets[i]);
            app->sets[i] = copy;
            return;
        }
    if (app->n_sets == app->cap_sets) {
        size_t cap = app->cap_sets ? 2 * app->cap_sets : 16;
        char **sets = realloc(app->sets, cap * sizeof *sets);
        if (!sets) {
            free(copy);
            return;
        }
        app->sets = sets;
        app->cap_sets = cap;
    }
    app->sets[app->n_sets++] = copy;
}

void basin_app_rebuild(basin_app *app)
{
    basin_live_request(&app->live, app->lab_path, app->sets, app->n_sets);
    app->shown = 1;
    app->playing = true;
}

/* The contour view's plot, if the lab has one on screen. */
static const basin_plot *contour_plot(const basin_app *app)
{
    return app->cache.has_view ? &app->cache.view.plot : NULL;
}

static bool in_area(const basin_plot *p, double x, double y)
{
    return p && x >= p->area.x && x <= p->area.x + p->area.w && y >= p->area.y && y <= p->area.y + p->area.h;
}

/* Moves the start of every run (or of the selected one) to the data point under (x, y). */
static void set_start(basin_app *app, const basin_lab *lab, double x, double y, bool only_selected)
{
    const basin_plot *p = contour_plot(app);
    double dx = basin_plot_data_x(p, x), dy = basin_plot_data_y(p, y);
    char assignment[512];
    for (size_t i = 0; i < lab->n_runs; i++) {
        if (only_selected && (int)i != app->selected)
            continue;
        snprintf(assignment, sizeof assignment, "%s.start=%.17g,%.17g", lab->runs[i].label, dx, dy);
        basin_app_set(app, assignment);
    }
    basin_app_say(app, "start (%.4g, %.4g)%s%s", dx, dy, only_selected ? " for " : "",
                  only_selected ? lab->runs[app->selected].label : "");
    basin_app_rebuild(app);
}

static void set_window(basin_app *app, double x0, double x1, double y0, double y1)
{
    char assignment[128];
    snprintf(assignment, sizeof assignment, "lab.xrange=%.17g:%.17g", x0, x1);
    basin_app_set(app, assignment);
    snprintf(assignment, sizeof assignment, "lab.yrange=%.17g:%.17g", y0, y1);
    basin_app_set(app, assignment);
    double shown = app->shown;
    basin_app_rebuild(app);
    app->shown = shown; /* zooming keeps the playback where it was */
}

static void zoom(basin_app *app, double x, double y, double factor)
{
    const basin_plot *p = contour_plot(app);
    double cx = basin_plot_data_x(p, x), cy = basin_plot_data_y(p, y);
    set_window(app, cx + (p->xmin - cx) * factor, cx + (p->xmax - cx) * factor, cy + (p->ymin - cy) * factor,
               cy + (p->ymax - cy) * factor);
}

static void pan(basin_app *app, int dx_points, int dy_points)
{
    const basin_plot *p = contour_plot(app);
    double dx = -dx_points * (p->xmax - p->xmin) / p->area.w, dy = dy_points * (p->ymax - p->ymin) / p->area.h;
    set_window(app, p->xmin + dx, p->xmax + dx, p->ymin + dy, p->ymax + dy);
}

/* f, |∇f| and the Hessian's eigenvalues at the data point under (x, y). */
static void describe_point(basin_app *app, const basin_lab *lab, double x, double y)
{
    const basin_plot *p = contour_plot(app);
    app->hover[0] = '\0';
    if (!in_area(p, x, y) || lab->problem->dim != 2)
        return;
    double w[2] = {basin_plot_data_x(p, x), basin_plot_data_y(p, y)}, g[2], eval[2];
    double f = basin_problem_eval(lab->problem, w, g);
    basin_point_shape shape;
    if (basin_point_curvature(lab->problem, w, eval, NULL, &shape) != 0)
        eval[0] = eval[1] = NAN;
    snprintf(app->hover, sizeof app->hover, "(%.4g, %.4g)   f = %.4g   |∇f| = %.3g   λ = %.3g, %.3g", w[0], w[1], f,
             hypot(g[0], g[1]), eval[0], eval[1]);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Switches to the next (step 1) or previous (step −1) lab file in the current lab's folder. */
/* Opens path in place of the lab shown, dropping the user's changes (they belonged to the other lab). */
static void open_lab(basin_app *app, const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return;
    free(app->lab_path);
    app->lab_path = copy;
    for (size_t i = 0; i < app->n_sets; i++)
        free(app->sets[i]);
    app->n_sets = 0;
    app->selected = 0;
    app->note = true;
    basin_app_rebuild(app);
}

/* The next (step 1) or previous (−1) lab of the lecture's playlist, stopping at its ends. */
static void follow_playlist(basin_app *app, int step)
{
    const basin_playlist *p = &app->playlist;
    long at = basin_playlist_find(p, app->lab_path), next = at + step;
    if (next < 0 || next >= (long)p->n) {
        basin_app_say(app, next < 0 ? "the first lab of the lecture" : "the last lab of the lecture");
        return;
    }
    open_lab(app, p->items[next].path);
    const char *slash = strrchr(p->items[next].path, '/');
    basin_app_say(app, "%ld/%zu  %s  ·  %s", next + 1, p->n, p->items[next].section,
                  slash ? slash + 1 : p->items[next].path);
}

static void switch_lab(basin_app *app, int step)
{
    if (app->playlist.n > 0) {
        follow_playlist(app, step);
        return;
    }
    char folder[1024];
    snprintf(folder, sizeof folder, "%s", app->lab_path);
    char *slash = strrchr(folder, '/');
    const char *current = slash ? slash + 1 : folder;
    if (slash)
        *slash = '\0';
    DIR *d = opendir(slash ? folder : ".");
    char *names[256];
    int n = 0, at = 0;
    for (struct dirent *e; d && (e = readdir(d)) && n < 256;) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".ini") == 0)
            names[n++] = strdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof *names, compare_names);
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], current) == 0)
            at = i;
    if (n > 1) {
        char path[1280];
        snprintf(path, sizeof path, "%s%s%s", slash ? folder : "", slash ? "/" : "", names[(at + step + n) % n]);
        open_lab(app, path);
        basin_app_say(app, "%s", path);
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
}

/* Writes the figure as the window shows it (the runs up to the step shown) as basin-NAME.pdf and
 * basin-NAME.png in the working directory. */
static void export_view(basin_app *app, const basin_lab *lab)
{
    const char *slash = strrchr(app->lab_path, '/');
    const char *name = slash ? slash + 1 : app->lab_path;
    int stem = (int)strcspn(name, ".");
    basin_figure_options o = basin_figure_defaults();
    o.dark = app->presenter;
    o.font_scale = 1; /* figures keep their slide scale whatever the window shows */
    o.surface = basin_offscreen_painter;
    o.surface_user = app; /* render the 3-D view with the window's context */
    o.shown = (size_t)app->shown; /* the step the window shows, as it shows it */
    const char *ext[2] = {"pdf", "png"};
    for (int k = 0; k < 2; k++) {
        char path[256];
        snprintf(path, sizeof path, "basin-%.*s.%s", stem, name, ext[k]);
        if (basin_figure_export(lab, &o, path, stdout) != 0) {
            basin_app_say(app, "export failed: %s", basin_error_message());
            return;
        }
    }
    basin_app_say(app, "exported basin-%.*s.pdf and basin-%.*s.png at step %zu", stem, name, stem, name,
                  o.shown > 0 ? o.shown - 1 : 0);
}

/* Swaps the main view between the contour and the 3-D surface, keeping the other panels. */
/* Whether a training lab draws landscapes, flat or in 3-D. */
static bool shows_landscape(const basin_lab *lab)
{
    for (size_t i = 0; i < lab->n_views; i++)
        if (lab->views[i] == BASIN_VIEW_LANDSCAPE || lab->views[i] == BASIN_VIEW_SURFACE)
            return true;
    return false;
}

static void toggle_view(basin_app *app, const basin_lab *lab)
{
    char views[128] = "lab.views=";
    for (size_t i = 0; i < lab->n_views; i++) {
        basin_view v = lab->views[i], map = lab->dataset ? BASIN_VIEW_LANDSCAPE : BASIN_VIEW_CONTOUR;
        v = v == map ? BASIN_VIEW_SURFACE : v == BASIN_VIEW_SURFACE ? map : v;
        strncat(views, basin_view_name(v), sizeof views - strlen(views) - 2);
        strncat(views, ",", sizeof views - strlen(views) - 1);
    }
    views[strlen(views) - 1] = '\0';
    basin_app_set(app, views);
    double shown = app->shown;
    bool playing = app->playing;
    basin_app_rebuild(app);
    app->shown = shown;
    app->playing = playing;
}

static void toggle_presenter(basin_app *app)
{
    app->presenter = !app->presenter;
    SDL_SetWindowFullscreen(app->window, app->presenter ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
    basin_app_say(app, app->presenter ? "presenter mode (f to leave)" : "window mode");
}

static void key(basin_app *app, const basin_lab *lab, const SDL_KeyboardEvent *k)
{
    SDL_Keycode sym = k->keysym.sym;
    size_t steps = lab ? basin_lab_frames(lab) : 1;
    switch (sym) {
    case SDLK_q:
    case SDLK_ESCAPE:
        if (app->help && sym == SDLK_ESCAPE)
            app->help = false;
        else
            app->quit = true;
        break;
    case SDLK_SPACE:
        app->playing = !app->playing;
        app->note = app->note && !app->playing; /* the note is read before playing; n brings it back */
        if (app->playing && app->shown >= (double)steps)
            app->shown = 1;
        break;
    case SDLK_RIGHT:
        app->playing = false;
        app->shown = fmin(floor(app->shown) + 1, (double)steps);
        break;
    case SDLK_LEFT:
        app->playing = false;
        app->shown = fmax(floor(app->shown) - 1, 1);
        break;
    case SDLK_r:
        app->shown = 1;
        app->playing = false;
        break;
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS:
        app->speed = fmin(app->speed * 2, 2000);
        basin_app_say(app, "%g steps per second", app->speed);
        break;
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        app->speed = fmax(app->speed / 2, 0.5);
        basin_app_say(app, "%g steps per second", app->speed);
        break;
    case SDLK_f:
    case SDLK_F11:
        toggle_presenter(app);
        break;
    case SDLK_SLASH:
    case SDLK_QUESTION:
    case SDLK_h:
        app->help = !app->help;
        break;
    case SDLK_PAGEDOWN:
        switch_lab(app, 1);
        break;
    case SDLK_PAGEUP:
        switch_lab(app, -1);
        break;
    case SDLK_e:
        if (lab)
            export_view(app, lab);
        break;
    case SDLK_a:
        if (!app->recorder.on) {
            basin_recorder_start(&app->recorder, 30);
            basin_app_say(app, "recording (a again to stop)");
        } else if (basin_recorder_stop(&app->recorder) == 0) {
            if (app->recorder.frames)
                basin_app_say(app, "recorded %s (%zu frames)", app->recorder.path, app->recorder.frames);
            else
                basin_app_say(app, "stopped before any frame: nothing recorded");
        } else {
            basin_app_say(app, "recording failed: %s", basin_error_message());
        }
        break;
    case SDLK_c:
        app->show_panel = !app->show_panel;
        break;
    case SDLK_n:
        app->note = !app->note;
        if (lab && !lab->note)
            basin_app_say(app, "this lab has no note (note = ... in its [lab])");
        break;
    case SDLK_s:
        app->slow_start = !app->slow_start;
        basin_app_say(app, app->slow_start ? "slow motion for the first steps" : "no slow motion");
        break;
    case SDLK_v: /* a surface's contours, or a training lab's landscape panels, against the 3-D view */
        if (lab && ((lab->problem && lab->problem->dim == 2) || (lab->dataset && shows_landscape(lab))))
            toggle_view(app, lab);
        break;
    default:
        if (sym >= SDLK_1 && sym <= SDLK_9 && lab && (size_t)(sym - SDLK_1) < lab->n_runs) {
            app->selected = sym - SDLK_1;
            basin_app_say(app, "run %d: %s (shift-click moves its start)", app->selected + 1,
                          lab->runs[app->selected].label);
        }
    }
}

void basin_app_handle(basin_app *app, const SDL_Event *e)
{
    const basin_lab *lab = app->live.lab; /* read under the lock by the caller */
    switch (e->type) {
    case SDL_QUIT:
        app->quit = true;
        break;
    case SDL_KEYDOWN:
        if (basin_ui_typing(&app->ui)) { /* a text field has the keyboard: editing keys only */
            SDL_Keycode sym = e->key.keysym.sym;
            app->ui_input.key = sym == SDLK_BACKSPACE                         ? BASIN_UI_KEY_BACKSPACE
                                : sym == SDLK_RETURN || sym == SDLK_KP_ENTER ? BASIN_UI_KEY_ENTER
                                : sym == SDLK_ESCAPE                         ? BASIN_UI_KEY_ESCAPE
                                                                             : app->ui_input.key;
        } else {
            key(app, lab, &e->key);
        }
        break;
    case SDL_TEXTINPUT:
        if (basin_ui_typing(&app->ui)) {
            size_t used = strlen(app->ui_input.text);
            snprintf(app->ui_input.text + used, sizeof app->ui_input.text - used, "%s", e->text.text);
        }
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT) {
            app->ui_input.x = e->button.x, app->ui_input.y = e->button.y;
            app->ui_input.down = app->ui_input.pressed = true;
            const basin_rect *r = &app->surface_rect;
            app->dragging = true;
            app->rotating = r->w > 0 && e->button.x >= r->x && e->button.x <= r->x + r->w && e->button.y >= r->y &&
                            e->button.y <= r->y + r->h;
            app->press_x = e->button.x;
            app->press_y = e->button.y;
        }
        break;
    case SDL_MOUSEBUTTONUP:
        if (e->button.button == SDL_BUTTON_LEFT)
            app->ui_input.down = false;
        if (e->button.button == SDL_BUTTON_LEFT && app->dragging && app->rotating) {
            app->dragging = app->rotating = false;
        } else if (e->button.button == SDL_BUTTON_LEFT && app->dragging && lab) {
            app->dragging = false;
            int dx = e->button.x - app->press_x, dy = e->button.y - app->press_y;
            bool click = abs(dx) < 4 && abs(dy) < 4;
            if (in_area(contour_plot(app), app->press_x, app->press_y)) {
                if (click)
                    set_start(app, lab, e->button.x, e->button.y, (SDL_GetModState() & KMOD_SHIFT) != 0);
                else
                    pan(app, dx, dy);
            }
        }
        break;
    case SDL_MOUSEMOTION:
        if (app->dragging && app->rotating) /* drag turns the 3-D view */
            basin_surface3d_rotate(&app->surface, 0.4f * (float)(e->motion.x - app->mouse_x),
                                   0.3f * (float)(e->motion.y - app->mouse_y));
        app->mouse_x = e->motion.x;
        app->mouse_y = e->motion.y;
        app->ui_input.x = e->motion.x;
        app->ui_input.y = e->motion.y;
        if (lab)
            describe_point(app, lab, e->motion.x, e->motion.y);
        break;
    case SDL_MOUSEWHEEL:
        if (lab && in_area(contour_plot(app), app->mouse_x, app->mouse_y))
            zoom(app, app->mouse_x, app->mouse_y, e->wheel.y > 0 ? 0.8 : 1.25);
        break;
    default:
        break;
    }
}
