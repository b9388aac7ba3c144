/* timeline_chart.c: the Gantt chart of a timeline. */
#include "timeline_chart.h"

#include <math.h>
#include <stdio.h>

/* The kinds' fills: forward blue, backward orange, a whole gradient blue-grey, communication purple. */
static const basin_rgb fills[] = {{0.27, 0.51, 0.78}, {0.93, 0.55, 0.20}, {0.40, 0.55, 0.70}, {0.58, 0.40, 0.74}};
static const char *const names[] = {"forward", "backward", "gradient", "communication"};

/* The time steps first … last take: from the earliest start to the latest end of their spans; false when
 * none was recorded. */
static bool shown_range(const basin_timeline *t, long first, long last, double *from, double *to)
{
    *from = INFINITY, *to = -INFINITY;
    for (size_t i = 0; i < t->n; i++) {
        const basin_span *s = &t->spans[i];
        if (s->step >= first && (last <= 0 || s->step <= last))
            *from = fmin(*from, s->start), *to = fmax(*to, s->end);
    }
    return *to > *from;
}

double basin_timeline_duration(const basin_timeline *t, long first_step, long last_step)
{
    double from, to;
    return shown_range(t, first_step, last_step, &from, &to) ? to - from : 0;
}

double basin_timeline_shown_idle(const basin_timeline *t, long first_step, long last_step)
{
    double from, to;
    return shown_range(t, first_step, last_step, &from, &to) ? basin_timeline_idle(t, from, to) : NAN;
}

double basin_timeline_legend_height(const basin_theme *theme)
{
    return 2.2 * theme->font_size;
}

void basin_timeline_kinds(const basin_timeline *t, bool present[4])
{
    for (size_t i = 0; i < t->n; i++) /* a span of no time (a free message) is not drawn */
        present[t->spans[i].kind] = present[t->spans[i].kind] || t->spans[i].end > t->spans[i].start;
}

/* The legend's width at text size size. */
static double legend_width(cairo_t *cr, const basin_theme *theme, const bool present[4], double size)
{
    double w = 0, box = 0.9 * size;
    for (int k = 0; k < 4; k++)
        if (present[k])
            w += box * 1.6 + 0.4 * size + basin_text_width(cr, theme, size, names[k]) + 1.5 * size;
    return w + box * 1.6 + 0.4 * size + basin_text_width(cr, theme, size, "idle");
}

void basin_timeline_legend(cairo_t *cr, const basin_theme *theme, basin_rect r, const bool present[4])
{
    double size = 0.9 * theme->font_size, width = legend_width(cr, theme, present, size);
    if (width > r.w) /* shrunk to its room */
        size *= r.w / width;
    double x = r.x, box = 0.9 * size;
    for (int k = 0; k < 4; k++) {
        if (!present[k])
            continue;
        basin_set_color(cr, fills[k]);
        cairo_rectangle(cr, x, r.y + (r.h - box) / 2, box * 1.6, box);
        cairo_fill(cr);
        x += box * 1.6 + 0.4 * size;
        basin_text(cr, theme, size, theme->text, x, r.y + r.h / 2, 0, 0.5, 0, names[k]);
        x += basin_text_width(cr, theme, size, names[k]) + 1.5 * size;
    }
    /* idle: the bare row */
    basin_set_color(cr, theme->grid);
    cairo_rectangle(cr, x, r.y + (r.h - box) / 2, box * 1.6, box);
    cairo_fill(cr);
    x += box * 1.6 + 0.4 * size;
    basin_text(cr, theme, size, theme->text, x, r.y + r.h / 2, 0, 0.5, 0, "idle");
}

basin_plot basin_timeline_chart_plot(basin_rect outer, const basin_theme *theme, const basin_timeline *t,
                                     const basin_timeline_window *window)
{
    double from, to;
    if (!shown_range(t, window->first_step, window->last_step, &from, &to))
        from = 0, to = 1;
    double length = window->duration > 0 ? window->duration : to - from;
    basin_rect rows = outer;
    if (!window->compact)
        rows.h -= basin_timeline_legend_height(theme);
    basin_plot p = basin_plot_make(rows, theme, 0, length, false, -0.5, t->rows - 0.5, false);
    p.no_y_ticks = true; /* the rows are named by hand */
    if (window->compact) /* no axis label under the tick labels */
        p.area.h += 1.5 * theme->font_size;
    return p;
}

const char *basin_timeline_axis_label(const basin_timeline *t)
{
    return t->clock ? t->clock : "simulated time since the first step shown began";
}

/* The title as drawn: title, the idle share of the steps shown and t's note. */
static void full_title(const basin_timeline *t, const basin_timeline_window *window, const char *title, char *full,
                       size_t size)
{
    double idle = basin_timeline_shown_idle(t, window->first_step, window->last_step);
    if (isnan(idle))
        snprintf(full, size, "%s (nothing recorded)", title);
    else
        snprintf(full, size, "%s — idle %.1f%%%s%s", title, 100 * idle, *t->note ? ", " : "", t->note);
}

double basin_timeline_title_size(cairo_t *cr, const basin_theme *theme, double w, const basin_timeline *t,
                                 const basin_timeline_window *window, const char *title)
{
    char full[512];
    full_title(t, window, title, full, sizeof full);
    double size = window->title_size > 0 ? window->title_size : 1.1 * theme->font_size;
    double width = basin_text_width(cr, theme, size, full);
    return width > w * 0.96 ? size * w * 0.96 / width : size; /* a long title shrunk to the panel */
}

void basin_chart_timeline(cairo_t *cr, basin_rect outer, const basin_theme *theme, const basin_timeline *t,
                          const basin_timeline_window *window, const char *title)
{
    bool compact = window->compact;
    basin_plot p = basin_timeline_chart_plot(outer, theme, t, window);
    double begin, to;
    if (!shown_range(t, window->first_step, window->last_step, &begin, &to))
        begin = 0, to = 1;
    double end = begin + p.xmax; /* times on the axis count from begin */
    char full[512];
    full_title(t, window, title, full, sizeof full);
    basin_plot_axes(cr, &p, theme, NULL, compact ? NULL : basin_timeline_axis_label(t), NULL, false);
    double title_size = basin_timeline_title_size(cr, theme, outer.w, t, window, title);
    basin_text(cr, theme, title_size, theme->text, outer.x + outer.w / 2, p.area.y - 0.5 * theme->font_size, 0.5, 1, 0,
               full);
    cairo_save(cr);
    basin_plot_clip(cr, &p);
    double row_h = p.area.h / t->rows, pad = 0.12 * row_h, name_size = fmin(0.9 * theme->font_size, 0.7 * row_h);
    double last_end = to; /* where the steps drawn end: the shown ones, and the later ones the scale has room for */
    for (size_t i = 0; i < t->n; i++)
        if (t->spans[i].start < end && t->spans[i].end > begin)
            last_end = fmax(last_end, t->spans[i].end);
    double own_end = fmin(basin_plot_x(&p, last_end - begin), p.area.x + p.area.w);
    for (int r = 0; r < t->rows; r++) { /* the bare rows: idle unless covered */
        basin_set_color(cr, theme->grid);
        cairo_rectangle(cr, p.area.x, p.area.y + r * row_h + pad, own_end - p.area.x, row_h - 2 * pad);
        cairo_fill(cr);
    }
    bool present[4] = {false, false, false, false};
    double label_size = fmin(0.85 * theme->font_size, 0.5 * row_h);
    for (size_t i = 0; i < t->n; i++) { /* every span under way before the shown steps end */
        const basin_span *s = &t->spans[i];
        if (!(s->start < end && s->end > begin && s->end > s->start))
            continue;
        present[s->kind] = true;
        double x0 = fmax(basin_plot_x(&p, s->start - begin), p.area.x);
        double x1 = fmin(basin_plot_x(&p, s->end - begin), p.area.x + p.area.w);
        double y = p.area.y + s->row * row_h + pad, h = row_h - 2 * pad;
        if (s->kind == BASIN_SPAN_COMM)
            y += h / 4, h /= 2; /* communication: a thinner bar */
        basin_set_color(cr, fills[s->kind]);
        cairo_rectangle(cr, x0, y, fmax(x1 - x0, 0.5), h);
        cairo_fill_preserve(cr);
        basin_set_color(cr, theme->background);
        cairo_set_line_width(cr, 0.6);
        cairo_stroke(cr);
        char label[24];
        if (s->micro >= 0)
            snprintf(label, sizeof label, "%d", s->micro + 1);
        else
            snprintf(label, sizeof label, "%ld", s->step);
        if (s->kind != BASIN_SPAN_COMM && basin_text_width(cr, theme, label_size, label) + 4 < x1 - x0)
            basin_text(cr, theme, label_size, (basin_rgb){1, 1, 1}, (x0 + x1) / 2, y + h / 2, 0.5, 0.5, 0, label);
    }
    cairo_restore(cr);
    for (int r = 0; r < t->rows; r++) {
        char name[32];
        snprintf(name, sizeof name, "%s %d", t->row_noun, r);
        basin_text(cr, theme, name_size, theme->text, p.area.x - 0.4 * theme->font_size, p.area.y + (r + 0.5) * row_h,
                   1, 0.5, 0, name);
    }
    double lh = basin_timeline_legend_height(theme);
    if (!compact)
        basin_timeline_legend(cr, theme, (basin_rect){p.area.x, outer.y + outer.h - lh, p.area.w, lh}, present);
}
