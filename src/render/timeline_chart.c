/* timeline_chart.c: the Gantt chart of a timeline. */
#include "timeline_chart.h"

#include <math.h>
#include <stdio.h>

/* The kinds' fills: forward blue, backward orange, a whole gradient blue-grey, communication purple. */
static const basin_rgb fills[] = {{0.27, 0.51, 0.78}, {0.93, 0.55, 0.20}, {0.40, 0.55, 0.70}, {0.58, 0.40, 0.74}};
static const char *const names[] = {"forward", "backward", "gradient", "communication"};

static double shown_end(const basin_timeline *t, long last_step)
{
    double end = 0;
    for (size_t i = 0; i < t->n; i++)
        if (last_step <= 0 || t->spans[i].step <= last_step)
            end = fmax(end, t->spans[i].end);
    return end;
}

double basin_timeline_shown_idle(const basin_timeline *t, long last_step)
{
    double end = shown_end(t, last_step);
    return end > 0 ? basin_timeline_idle(t, 0, end) : NAN;
}

/* The legend's height: one line of text and swatches. */
static double legend_height(const basin_theme *theme)
{
    return 2.2 * theme->font_size;
}

static void draw_legend(cairo_t *cr, const basin_theme *theme, basin_rect r, const bool *present)
{
    double x = r.x, size = 0.9 * theme->font_size, box = 0.9 * size;
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

basin_plot basin_timeline_chart_plot(basin_rect outer, const basin_theme *theme, const basin_timeline *t, long last_step)
{
    double end = shown_end(t, last_step);
    basin_rect rows = outer;
    rows.h -= legend_height(theme);
    basin_plot p = basin_plot_make(rows, theme, 0, end > 0 ? end : 1, false, -0.5, t->rows - 0.5, false);
    p.no_y_ticks = true; /* the rows are named by hand */
    return p;
}

void basin_chart_timeline(cairo_t *cr, basin_rect outer, const basin_theme *theme, const basin_timeline *t,
                          long last_step, const char *title)
{
    basin_plot p = basin_timeline_chart_plot(outer, theme, t, last_step);
    double end = p.xmax;
    char full[512];
    double idle = basin_timeline_shown_idle(t, last_step);
    if (isnan(idle))
        snprintf(full, sizeof full, "%s (nothing recorded)", title);
    else
        snprintf(full, sizeof full, "%s — idle %.1f%%", title, 100 * idle);
    basin_plot_axes(cr, &p, theme, NULL, "simulated time (one worker's gradient = 1)", NULL, false);
    double title_size = 1.1 * theme->font_size, title_w = basin_text_width(cr, theme, title_size, full);
    if (title_w > outer.w * 0.96) /* shrink a long title to the panel */
        title_size *= outer.w * 0.96 / title_w;
    basin_text(cr, theme, title_size, theme->text, outer.x + outer.w / 2, p.area.y - 0.5 * theme->font_size, 0.5, 1, 0,
               full);
    cairo_save(cr);
    basin_plot_clip(cr, &p);
    double row_h = p.area.h / t->rows, pad = 0.12 * row_h;
    for (int r = 0; r < t->rows; r++) { /* the bare rows: idle unless covered */
        basin_set_color(cr, theme->grid);
        cairo_rectangle(cr, p.area.x, p.area.y + r * row_h + pad, p.area.w, row_h - 2 * pad);
        cairo_fill(cr);
    }
    bool present[4] = {false, false, false, false};
    double label_size = fmin(0.85 * theme->font_size, 0.5 * row_h);
    for (size_t i = 0; i < t->n; i++) { /* every span under way before the shown steps end */
        const basin_span *s = &t->spans[i];
        if (!(s->start < end))
            continue;
        present[s->kind] = true;
        double x0 = basin_plot_x(&p, s->start), x1 = fmin(basin_plot_x(&p, s->end), p.area.x + p.area.w);
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
        basin_text(cr, theme, 0.9 * theme->font_size, theme->text, p.area.x - 0.4 * theme->font_size,
                   p.area.y + (r + 0.5) * row_h, 1, 0.5, 0, name);
    }
    draw_legend(cr, theme, (basin_rect){p.area.x, outer.y + outer.h - legend_height(theme), p.area.w,
                                        legend_height(theme)}, present);
}
