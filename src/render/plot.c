/* plot.c: plot frames, axes and text. */
#include "plot.h"

#include "ticks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void basin_set_color(cairo_t *cr, basin_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void set_font(cairo_t *cr, const basin_theme *theme, double size)
{
    cairo_select_font_face(cr, theme->font, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double basin_text_width(cairo_t *cr, const basin_theme *theme, double size, const char *text)
{
    cairo_text_extents_t ext;
    set_font(cr, theme, size);
    cairo_text_extents(cr, text, &ext);
    return ext.x_advance;
}

static const cairo_user_data_key_t text_boxes_key;

void basin_text_boxes_record(cairo_t *cr, basin_text_boxes *boxes)
{
    cairo_set_user_data(cr, &text_boxes_key, boxes, NULL);
}

/* Adds the device-space bounds of the user-space rectangle (x, y, w, h) to boxes. */
static void record_box(cairo_t *cr, basin_text_boxes *boxes, double x, double y, double w, double h, const char *text)
{
    if (boxes->n == boxes->cap) {
        size_t cap = boxes->cap ? 2 * boxes->cap : 64;
        basin_text_box *grown = realloc(boxes->box, cap * sizeof *grown);
        if (!grown)
            return;
        boxes->box = grown, boxes->cap = cap;
    }
    basin_text_box *b = &boxes->box[boxes->n++];
    *b = (basin_text_box){INFINITY, INFINITY, -INFINITY, -INFINITY, ""};
    for (int corner = 0; corner < 4; corner++) {
        double cx = x + (corner & 1 ? w : 0), cy = y + (corner & 2 ? h : 0);
        cairo_user_to_device(cr, &cx, &cy);
        b->x0 = fmin(b->x0, cx), b->y0 = fmin(b->y0, cy), b->x1 = fmax(b->x1, cx), b->y1 = fmax(b->y1, cy);
    }
    snprintf(b->text, sizeof b->text, "%s", text);
}

void basin_text(cairo_t *cr, const basin_theme *theme, double size, basin_rgb color, double x, double y, double ax,
                double ay, double angle, const char *text)
{
    cairo_font_extents_t font;
    cairo_text_extents_t ext;
    set_font(cr, theme, size);
    cairo_font_extents(cr, &font);
    cairo_text_extents(cr, text, &ext);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, angle);
    double height = font.ascent + font.descent;
    cairo_move_to(cr, -ax * ext.x_advance, -ay * height + font.ascent);
    basin_set_color(cr, color);
    cairo_show_text(cr, text);
    basin_text_boxes *boxes = cairo_get_user_data(cr, &text_boxes_key);
    if (boxes && *text)
        record_box(cr, boxes, -ax * ext.x_advance, -ay * height, ext.x_advance, height, text);
    cairo_restore(cr);
}

void basin_text_fit(cairo_t *cr, const basin_theme *theme, double size, basin_rgb color, basin_rect box,
                    const char *text)
{
    double width = basin_text_width(cr, theme, size, text), cx = box.x + box.w / 2, cy = box.y + box.h / 2;
    if (width * 0.6 <= box.w || !strchr(text, ' ')) {
        basin_text(cr, theme, width > box.w ? size * box.w / width : size, color, cx, cy, 0.5, 0.5, 0, text);
        return;
    }
    size_t n = strlen(text), cut = 0; /* the space nearest the middle */
    for (size_t i = 0; i < n; i++)
        if (text[i] == ' ' && (cut == 0 || labs((long)i - (long)n / 2) < labs((long)cut - (long)n / 2)))
            cut = i;
    char first[512];
    snprintf(first, sizeof first, "%.*s", (int)cut, text);
    const char *second = text + cut + 1;
    double widest = fmax(basin_text_width(cr, theme, size, first), basin_text_width(cr, theme, size, second));
    double line = fmin(size, fmin(size * box.w / widest, box.h / 2.4));
    basin_text(cr, theme, line, color, cx, cy - 0.6 * line, 0.5, 0.5, 0, first);
    basin_text(cr, theme, line, color, cx, cy + 0.6 * line, 0.5, 0.5, 0, second);
}

double basin_text_paragraph(cairo_t *cr, const basin_theme *theme, double size, basin_rgb color, double x, double y,
                            double width, const char *text, bool draw)
{
    double line_h = 1.35 * size, top = y;
    char line[512];
    for (const char *c = text + strspn(text, " "); *c; c += strspn(c, " ")) {
        size_t fits = strcspn(c, " "); /* the first word, then as many more as fit */
        while (c[fits]) {
            size_t next = fits + 1 + strcspn(c + fits + 1, " ");
            if (next >= sizeof line)
                break;
            snprintf(line, sizeof line, "%.*s", (int)next, c);
            if (basin_text_width(cr, theme, size, line) > width)
                break;
            fits = next;
        }
        if (fits >= sizeof line)
            fits = sizeof line - 1;
        if (draw) {
            snprintf(line, sizeof line, "%.*s", (int)fits, c);
            basin_text(cr, theme, size, color, x, y, 0, 0, 0, line);
        }
        y += line_h;
        c += fits;
    }
    return y - top;
}

basin_plot basin_plot_make(basin_rect outer, const basin_theme *theme, double xmin, double xmax, bool xlog,
                           double ymin, double ymax, bool ylog)
{
    double f = theme->font_size;
    double left = 5.2 * f, right = 1.2 * f, top = 2.2 * f, bottom = 3.4 * f;
    if (left + right > 0.8 * outer.w) { /* a narrow panel: margins shrink so that the area stays inside it */
        double k = 0.8 * outer.w / (left + right);
        left *= k, right *= k;
    }
    if (top + bottom > 0.8 * outer.h) {
        double k = 0.8 * outer.h / (top + bottom);
        top *= k, bottom *= k;
    }
    basin_plot p = {{outer.x + left, outer.y + top, fmax(outer.w - left - right, 1), fmax(outer.h - top - bottom, 1)},
                    xmin, xmax, ymin, ymax, xlog, ylog, false, outer, false};
    return p;
}

void basin_plot_equal_aspect(basin_plot *p)
{
    double sx = p->area.w / (p->xmax - p->xmin), sy = p->area.h / (p->ymax - p->ymin);
    if (sx > sy) {
        double w = sy * (p->xmax - p->xmin);
        p->area.x += (p->area.w - w) / 2;
        p->area.w = w;
    } else {
        double h = sx * (p->ymax - p->ymin);
        p->area.y += (p->area.h - h) / 2;
        p->area.h = h;
    }
}

static double fraction(double v, double lo, double hi, bool log)
{
    if (log)
        return v > 0 ? (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) : -1e6;
    return (v - lo) / (hi - lo);
}

double basin_plot_x(const basin_plot *p, double x)
{
    return p->area.x + fraction(x, p->xmin, p->xmax, p->xlog) * p->area.w;
}

double basin_plot_y(const basin_plot *p, double y)
{
    return p->area.y + p->area.h - fraction(y, p->ymin, p->ymax, p->ylog) * p->area.h;
}

static double from_fraction(double t, double lo, double hi, bool log)
{
    return log ? pow(10, log10(lo) + t * (log10(hi) - log10(lo))) : lo + t * (hi - lo);
}

double basin_plot_data_x(const basin_plot *p, double px)
{
    return from_fraction((px - p->area.x) / p->area.w, p->xmin, p->xmax, p->xlog);
}

double basin_plot_data_y(const basin_plot *p, double py)
{
    return from_fraction((p->area.y + p->area.h - py) / p->area.h, p->ymin, p->ymax, p->ylog);
}

void basin_plot_clip(cairo_t *cr, const basin_plot *p)
{
    cairo_rectangle(cr, p->area.x, p->area.y, p->area.w, p->area.h);
    cairo_clip(cr);
}

#define MAX_TICKS 32

/* Every how many ticks a label fits beside the last one shown: labels along x need their widths and a gap,
 * along y a line's height. */
static size_t label_stride(cairo_t *cr, const basin_theme *theme, double size, const basin_plot *p,
                           const double *ticks, size_t n, double step, bool along_x)
{
    char label[64];
    for (size_t every = 1; every < n; every++) {
        bool fits = true;
        double last_end = -INFINITY;
        for (size_t i = 0; i < n && fits; i += every) {
            basin_tick_label(ticks[i], step, label, sizeof label);
            double at = along_x ? basin_plot_x(p, ticks[i]) : -basin_plot_y(p, ticks[i]);
            double half = along_x ? basin_text_width(cr, theme, size, label) / 2 + 0.3 * size : 0.7 * size;
            fits = at - half >= last_end;
            last_end = at + half;
        }
        if (fits)
            return every;
    }
    return n > 0 ? n : 1;
}

void basin_plot_axes(cairo_t *cr, const basin_plot *p, const basin_theme *theme, const char *title,
                     const char *xlabel, const char *ylabel, bool grid)
{
    double f = theme->font_size, tick_size = 0.85 * f, tick_len = 0.35 * f;
    double ticks[MAX_TICKS], step;
    char label[64];
    const basin_rect *a = &p->area;
    cairo_save(cr);
    cairo_set_line_width(cr, 0.06 * f);

    size_t nx = basin_ticks(p->xmin, p->xmax, p->xlog, (int)fmax(3, a->w / (6 * f)), ticks, MAX_TICKS, &step);
    if (p->x_counts && step > 0 && step != floor(step)) { /* no fractional layer or epoch: steps 1, 2, 5, 10 … */
        step = step < 1 ? 1 : floor(step), nx = 0;
        for (double t = ceil(p->xmin / step - 1e-9) * step; t <= p->xmax + 1e-9 && nx < MAX_TICKS; t += step)
            ticks[nx++] = t;
    }
    size_t every = label_stride(cr, theme, tick_size, p, ticks, nx, step, true);
    for (size_t i = 0; i < nx; i++) {
        double x = basin_plot_x(p, ticks[i]);
        if (grid) {
            basin_set_color(cr, theme->grid);
            cairo_move_to(cr, x, a->y);
            cairo_line_to(cr, x, a->y + a->h);
            cairo_stroke(cr);
        }
        basin_set_color(cr, theme->frame);
        cairo_move_to(cr, x, a->y + a->h);
        cairo_line_to(cr, x, a->y + a->h + tick_len);
        cairo_stroke(cr);
        basin_tick_label(ticks[i], step, label, sizeof label);
        if (i % every == 0)
            basin_text(cr, theme, tick_size, theme->muted, x, a->y + a->h + 1.4 * tick_len, 0.5, 0, 0, label);
    }
    size_t ny = p->no_y_ticks ? 0
                              : basin_ticks(p->ymin, p->ymax, p->ylog, (int)fmax(2, a->h / (3.5 * f)), ticks, MAX_TICKS,
                                            &step);
    double widest = 0;
    every = label_stride(cr, theme, tick_size, p, ticks, ny, step, false);
    for (size_t i = 0; i < ny; i++) {
        double y = basin_plot_y(p, ticks[i]);
        if (grid) {
            basin_set_color(cr, theme->grid);
            cairo_move_to(cr, a->x, y);
            cairo_line_to(cr, a->x + a->w, y);
            cairo_stroke(cr);
        }
        basin_set_color(cr, theme->frame);
        cairo_move_to(cr, a->x - tick_len, y);
        cairo_line_to(cr, a->x, y);
        cairo_stroke(cr);
        basin_tick_label(ticks[i], step, label, sizeof label);
        if (i % every != 0)
            continue;
        basin_text(cr, theme, tick_size, theme->muted, a->x - 1.6 * tick_len, y, 1, 0.5, 0, label);
        widest = fmax(widest, basin_text_width(cr, theme, tick_size, label));
    }
    basin_set_color(cr, theme->frame);
    cairo_rectangle(cr, a->x, a->y, a->w, a->h);
    cairo_stroke(cr);
    if (title) { /* shrunk when it would reach out of the panel: centred on the area, within the outer rect */
        double centre = a->x + a->w / 2, size = 1.1 * f, width = basin_text_width(cr, theme, size, title);
        double room = 2 * fmin(centre - p->outer.x, p->outer.x + p->outer.w - centre);
        if (width > room)
            size *= room / width;
        basin_text(cr, theme, size, theme->text, a->x + a->w / 2, a->y - 0.5 * f, 0.5, 1, 0, title);
    }
    if (xlabel) { /* within the panel, centred on the area */
        double centre = a->x + a->w / 2, width = basin_text_width(cr, theme, f, xlabel);
        double room = 2 * fmin(centre - p->outer.x, p->outer.x + p->outer.w - centre);
        basin_text(cr, theme, width > room ? f * room / width : f, theme->text, centre, a->y + a->h + 1.9 * f, 0.5, 0,
                   0, xlabel);
    }
    if (ylabel) { /* along the area's height at most */
        /* half an em past each end at most: the title sits above the area */
        double width = basin_text_width(cr, theme, f, ylabel), room = a->h + f, size = width > room ? f * room / width : f;
        double x = a->x - 1.6 * tick_len - widest - 0.4 * f, left = p->outer.x + 1.25 * size; /* its top edge, inside */
        if (x < left) /* a panel squeezed to its margins: the label shrinks into what is left */
            size *= fmax(0.6, (x - p->outer.x) / (1.25 * size)), x = fmax(x, p->outer.x + 1.25 * size);
        basin_text(cr, theme, size, theme->text, x, a->y + a->h / 2, 0.5, 1, -M_PI / 2, ylabel);
    }
    cairo_restore(cr);
}
