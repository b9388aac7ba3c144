/* overlay.c: the window's status strip (step, playback, what is under the cursor, messages) and the
 * help overlay listing every key. */
#include "state.h"

#include "render/plot.h"

#include <math.h>
#include <stdio.h>

static const char *const keys[][2] = {
    {"space", "play / pause (a training lab: train / pause)"},
    {"→  ←", "one step forward / back"},
    {"r", "back to the start"},
    {"+  −", "faster / slower"},
    {"s", "slow motion for the first steps"},
    {"click", "move every run's start there"},
    {"shift-click", "move the selected run's start"},
    {"1 … 9", "select a run"},
    {"wheel, drag", "zoom, pan the contour view"},
    {"v", "switch the main view: contour (or landscape) or 3-D surface"},
    {"c", "show or hide the control column"},
    {"n", "show or hide the lab's note (it shows until you play)"},
    {"drag (3-D)", "turn the 3-D view"},
    {"PageDown  PageUp", "next / previous lab in the folder"},
    {"e", "export the view to PDF and PNG here"},
    {"a", "record the window to an MP4 here (again: stop)"},
    {"f  F11", "presenter mode: full screen, large type, dark"},
    {"?", "this help"},
    {"q  Esc", "quit"},
};

/* The lab's note in a card at the bottom left, above the status strip. */
static void draw_note(basin_app *app, cairo_t *cr, const basin_theme *theme, const char *note)
{
    double f = theme->font_size, pad = 0.8 * f, strip = 1.8 * f;
    double w = fmin(0.45 * app->win_w, 36 * f), text_w = w - 2 * pad;
    double h = basin_text_paragraph(cr, theme, f, theme->text, 0, 0, text_w, note, false) + 2 * pad;
    double x0 = 0.6 * f, y0 = fmax(app->win_h - strip - 0.6 * f - h, 0.6 * f);
    app->cards[app->n_cards++] = (basin_rect){x0, y0, w, h};
    cairo_set_source_rgba(cr, theme->background.r, theme->background.g, theme->background.b, 0.92);
    cairo_rectangle(cr, x0, y0, w, h);
    cairo_fill_preserve(cr);
    basin_set_color(cr, theme->frame);
    cairo_set_line_width(cr, 0.08 * f);
    cairo_stroke(cr);
    basin_text_paragraph(cr, theme, f, theme->text, x0 + pad, y0 + pad, text_w, note, true);
}

void basin_app_draw_overlay(basin_app *app, cairo_t *cr, const basin_lab *lab)
{
    basin_theme theme = basin_theme_make(app->presenter, app->presenter ? 2 : 1.35);
    double f = theme.font_size, strip = 1.8 * f, y = app->win_h - strip / 2;
    char text[320];
    app->n_cards = 0;
    basin_set_color(cr, theme.grid);
    cairo_rectangle(cr, 0, app->win_h - strip, app->win_w, strip);
    cairo_fill(cr);
    if (lab && basin_lab_training(lab)) {
        snprintf(text, sizeof text, "%s%s  %s: epoch %.3g / %ld   %s? for help", app->recorder.on ? "● REC   " : "",
                 app->playing ? "▶" : "❚❚", app->playing ? "training" : "training paused",
                 basin_lab_frame_time(lab, (size_t)app->shown), lab->steps, lab->note ? "n note   " : "");
        basin_text(cr, &theme, 0.85 * f, theme.text, 0.8 * f, y, 0, 0.5, 0, text);
    } else if (lab) {
        snprintf(text, sizeof text, "%s%s  %s %.3g / %ld   %g %s/s   %s? for help",
                 app->recorder.on ? "● REC   " : "", app->playing ? "▶" : "❚❚",
                 lab->dataset ? "epoch" : "step", basin_lab_frame_time(lab, (size_t)app->shown), lab->steps,
                 app->speed, lab->dataset ? "frames" : "steps", lab->note ? "n note   " : "");
        basin_text(cr, &theme, 0.85 * f, theme.text, 0.8 * f, y, 0, 0.5, 0, text);
    }
    if (lab && lab->note && app->note && !app->help)
        draw_note(app, cr, &theme, lab->note);
    const char *right = SDL_GetTicks() < app->status_until ? app->status : app->hover;
    basin_text(cr, &theme, 0.85 * f, theme.muted, app->win_w - 0.8 * f, y, 1, 0.5, 0, right);

    if (!app->help)
        return;
    size_t n = sizeof keys / sizeof *keys;
    double key_w = 0, doc_w = 0; /* the widest key and the widest description */
    for (size_t i = 0; i < n; i++) {
        key_w = fmax(key_w, basin_text_width(cr, &theme, f, keys[i][0]));
        doc_w = fmax(doc_w, basin_text_width(cr, &theme, f, keys[i][1]));
    }
    double line = 1.6 * f, w = key_w + doc_w + 4 * f, h = line * ((double)n + 2.5);
    double x0 = (app->win_w - w) / 2, y0 = (app->win_h - h) / 2;
    app->cards[app->n_cards++] = (basin_rect){x0, y0, w, h};
    cairo_set_source_rgba(cr, theme.background.r, theme.background.g, theme.background.b, 0.94);
    cairo_rectangle(cr, x0, y0, w, h);
    cairo_fill_preserve(cr);
    basin_set_color(cr, theme.frame);
    cairo_set_line_width(cr, 0.1 * f);
    cairo_stroke(cr);
    basin_text(cr, &theme, 1.2 * f, theme.text, x0 + w / 2, y0 + line, 0.5, 0.5, 0, "Keys");
    for (size_t i = 0; i < n; i++) {
        double ky = y0 + line * ((double)i + 2.2);
        basin_text(cr, &theme, f, theme.text, x0 + 1.5 * f + key_w, ky, 1, 0.5, 0, keys[i][0]);
        basin_text(cr, &theme, f, theme.muted, x0 + 2.5 * f + key_w, ky, 0, 0.5, 0, keys[i][1]);
    }
}
