/* ui.c: the immediate-mode widgets. */
#include "ui.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void basin_ui_begin(basin_ui *ui, cairo_t *cr, const basin_theme *theme, basin_ui_input in, double x, double y, double w)
{
    ui->cr = cr;
    ui->theme = *theme;
    ui->in = in;
    ui->x = x;
    ui->y = y;
    ui->w = w;
    ui->row_x = x;
    ui->next_id = 1;
    ui->used_mouse = false;
    ui->n_widgets = 0;
    ui->focus_seen = ui->focus_clicked = false;
}

void basin_ui_end(basin_ui *ui)
{
    if (!ui->in.down)
        ui->active = 0;
    if (!ui->focus_seen || (ui->in.pressed && !ui->focus_clicked)) /* gone, or a click elsewhere */
        ui->focus = 0;
}

bool basin_ui_typing(const basin_ui *ui)
{
    return ui->focus != 0;
}

static void remember(basin_ui *ui, const char *label, basin_rect r)
{
    if (ui->n_widgets >= BASIN_UI_MAX_WIDGETS)
        return;
    basin_ui_widget *w = &ui->widgets[ui->n_widgets++];
    snprintf(w->label, sizeof w->label, "%s", label);
    w->rect = r;
}

const basin_rect *basin_ui_find(const basin_ui *ui, const char *label)
{
    for (int i = 0; i < ui->n_widgets; i++)
        if (strcmp(ui->widgets[i].label, label) == 0)
            return &ui->widgets[i].rect;
    return NULL;
}

static bool inside(const basin_ui *ui, basin_rect r)
{
    return ui->in.x >= r.x && ui->in.x < r.x + r.w && ui->in.y >= r.y && ui->in.y < r.y + r.h;
}

/* A press on r this frame (each press goes to one widget). */
static bool clicked(basin_ui *ui, basin_rect r)
{
    if (!ui->in.pressed || ui->used_mouse || !inside(ui, r))
        return false;
    ui->used_mouse = true;
    return true;
}

static double line_height(const basin_ui *ui)
{
    return 1.7 * ui->theme.font_size;
}

void basin_ui_label(basin_ui *ui, const char *text, bool strong)
{
    basin_ui_row_end(ui);
    const basin_theme *t = &ui->theme;
    double size = strong ? 1.05 * t->font_size : 0.9 * t->font_size, width = basin_text_width(ui->cr, t, size, text);
    char cut[512];
    snprintf(cut, sizeof cut, "%s", text);
    if (width > ui->w) /* too long for the column: smaller type, down to 75 %, then cut short with an ellipsis */
        size = fmax(size * ui->w / width, 0.75 * size);
    for (size_t len = strlen(cut); len > 0 && basin_text_width(ui->cr, t, size, cut) > ui->w;) {
        do /* back to the start of a UTF-8 character */
            len--;
        while (len > 0 && ((unsigned char)cut[len] & 0xc0) == 0x80);
        snprintf(cut + len, sizeof cut - len, "…");
    }
    basin_text(ui->cr, t, size, strong ? t->text : t->muted, ui->x, ui->y + line_height(ui) / 2, 0, 0.5, 0, cut);
    ui->y += line_height(ui);
}

bool basin_ui_item(basin_ui *ui, const double rgb[3], const char *text, bool selected)
{
    basin_ui_row_end(ui);
    unsigned id = ui->next_id++;
    (void)id;
    const basin_theme *t = &ui->theme;
    double h = line_height(ui), f = t->font_size;
    basin_rect r = {ui->x, ui->y, ui->w, h};
    remember(ui, text, r);
    cairo_t *cr = ui->cr;
    if (selected) {
        basin_set_color(cr, t->grid);
        cairo_rectangle(cr, r.x, r.y, r.w, r.h);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_rectangle(cr, r.x + 0.3 * f, r.y + h / 2 - 0.35 * f, 0.7 * f, 0.7 * f);
    cairo_fill(cr);
    basin_text(cr, t, 0.9 * f, t->text, r.x + 1.4 * f, r.y + h / 2, 0, 0.5, 0, text);
    ui->y += h;
    return clicked(ui, r);
}

bool basin_ui_button(basin_ui *ui, const char *text)
{
    ui->next_id++;
    const basin_theme *t = &ui->theme;
    double f = t->font_size, h = 1.5 * f, w = basin_text_width(ui->cr, t, 0.85 * f, text) + 1.2 * f;
    if (ui->row_x > ui->x && ui->row_x + w > ui->x + ui->w) { /* wrap */
        ui->y += h + 0.3 * f;
        ui->row_x = ui->x;
    }
    basin_rect r = {ui->row_x, ui->y, w, h};
    remember(ui, text, r);
    cairo_t *cr = ui->cr;
    basin_set_color(cr, inside(ui, r) ? t->grid : t->background);
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_fill_preserve(cr);
    basin_set_color(cr, t->frame);
    cairo_set_line_width(cr, 0.06 * f);
    cairo_stroke(cr);
    basin_text(cr, t, 0.85 * f, t->text, r.x + r.w / 2, r.y + h / 2, 0.5, 0.5, 0, text);
    ui->row_x += w + 0.4 * f;
    return clicked(ui, r);
}

void basin_ui_row_end(basin_ui *ui)
{
    if (ui->row_x > ui->x) {
        ui->y += 1.5 * ui->theme.font_size + 0.5 * ui->theme.font_size;
        ui->row_x = ui->x;
    }
}

static double to_fraction(double v, double lo, double hi, bool log)
{
    double t = log ? (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) : (v - lo) / (hi - lo);
    return fmin(fmax(t, 0), 1);
}

static double from_fraction(double t, double lo, double hi, bool log)
{
    t = fmin(fmax(t, 0), 1);
    return log ? pow(10, log10(lo) + t * (log10(hi) - log10(lo))) : lo + t * (hi - lo);
}

bool basin_ui_slider(basin_ui *ui, const char *label, double *value, double lo, double hi, bool log)
{
    basin_ui_row_end(ui);
    unsigned id = ui->next_id++;
    const basin_theme *t = &ui->theme;
    double f = t->font_size, h = 2.4 * f;
    basin_rect track = {ui->x + 0.4 * f, ui->y + 1.55 * f, ui->w - 0.8 * f, 0.5 * f};
    basin_rect area = {ui->x, ui->y + 1.1 * f, ui->w, 1.3 * f};
    remember(ui, label, track);
    if (clicked(ui, area))
        ui->active = id;
    bool changed = false;
    if (ui->active == id && ui->in.down) {
        double v = from_fraction((ui->in.x - track.x) / track.w, lo, hi, log);
        changed = v != *value;
        *value = v;
    }
    char text[96];
    snprintf(text, sizeof text, "%s = %.4g", label, *value);
    basin_text(ui->cr, t, 0.85 * f, t->text, ui->x, ui->y + 0.55 * f, 0, 0.5, 0, text);
    cairo_t *cr = ui->cr;
    basin_set_color(cr, t->grid);
    cairo_rectangle(cr, track.x, track.y, track.w, track.h);
    cairo_fill(cr);
    double knob = track.x + to_fraction(*value, lo, hi, log) * track.w;
    basin_set_color(cr, ui->active == id ? t->text : t->muted);
    cairo_rectangle(cr, track.x, track.y, knob - track.x, track.h);
    cairo_fill(cr);
    cairo_arc(cr, knob, track.y + track.h / 2, 0.55 * f, 0, 2 * M_PI);
    cairo_fill(cr);
    ui->y += h;
    return changed;
}

bool basin_ui_toggle(basin_ui *ui, const char *label, bool *value)
{
    basin_ui_row_end(ui);
    ui->next_id++;
    const basin_theme *t = &ui->theme;
    double f = t->font_size, h = line_height(ui);
    basin_rect box = {ui->x + 0.2 * f, ui->y + h / 2 - 0.45 * f, 0.9 * f, 0.9 * f};
    basin_rect area = {ui->x, ui->y, ui->w, h};
    remember(ui, label, area);
    cairo_t *cr = ui->cr;
    basin_set_color(cr, t->frame);
    cairo_set_line_width(cr, 0.08 * f);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    cairo_stroke(cr);
    if (*value) {
        cairo_rectangle(cr, box.x + 0.2 * f, box.y + 0.2 * f, box.w - 0.4 * f, box.h - 0.4 * f);
        cairo_fill(cr);
    }
    basin_text(cr, t, 0.85 * f, t->text, ui->x + 1.5 * f, ui->y + h / 2, 0, 0.5, 0, label);
    ui->y += h;
    bool toggled = clicked(ui, area);
    if (toggled)
        *value = !*value;
    return toggled;
}

bool basin_ui_field(basin_ui *ui, const char *label, char *buf, size_t size)
{
    basin_ui_row_end(ui);
    unsigned id = ui->next_id++;
    const basin_theme *t = &ui->theme;
    double f = t->font_size, h = 1.5 * f;
    basin_text(ui->cr, t, 0.85 * f, t->text, ui->x, ui->y + 0.55 * f, 0, 0.5, 0, label);
    basin_rect box = {ui->x, ui->y + 1.1 * f, ui->w, h};
    remember(ui, label, box);
    if (clicked(ui, box)) {
        ui->focus = id;
        ui->focus_clicked = true;
    }
    bool focused = ui->focus == id, submitted = false;
    if (focused) {
        ui->focus_seen = true;
        size_t len = strlen(buf), add = strlen(ui->in.text);
        if (add && len + add < size)
            memcpy(buf + len, ui->in.text, add + 1);
        if (ui->in.key == BASIN_UI_KEY_BACKSPACE && len > 0) {
            do /* back to the start of a UTF-8 character */
                len--;
            while (len > 0 && ((unsigned char)buf[len] & 0xc0) == 0x80);
            buf[len] = '\0';
        } else if (ui->in.key == BASIN_UI_KEY_ENTER || ui->in.key == BASIN_UI_KEY_ESCAPE) {
            submitted = ui->in.key == BASIN_UI_KEY_ENTER;
            ui->focus = 0;
        }
    }
    cairo_t *cr = ui->cr;
    basin_set_color(cr, t->background);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    cairo_fill_preserve(cr);
    basin_set_color(cr, focused ? t->text : t->frame);
    cairo_set_line_width(cr, (focused ? 0.12 : 0.06) * f);
    cairo_stroke(cr);
    /* the end of the text shows (where one types), cut at the left when it is longer than the box */
    double size_pt = 0.85 * f, room = box.w - 0.8 * f;
    const char *shown = buf;
    while (*shown && basin_text_width(cr, t, size_pt, shown) > room) {
        shown++;
        while (((unsigned char)*shown & 0xc0) == 0x80)
            shown++;
    }
    basin_text(cr, t, size_pt, t->text, box.x + 0.4 * f, box.y + h / 2, 0, 0.5, 0, shown);
    if (focused) { /* the caret */
        double x = box.x + 0.4 * f + basin_text_width(cr, t, size_pt, shown) + 0.1 * f;
        basin_set_color(cr, t->text);
        cairo_rectangle(cr, x, box.y + 0.25 * f, 0.08 * f, h - 0.5 * f);
        cairo_fill(cr);
    }
    ui->y += 1.1 * f + h + 0.4 * f;
    return submitted;
}
