/* trajectory.c: drawing one run's path. */
#include "trajectory.h"

#include <math.h>

#define DOTS_UP_TO 200 /* steps shown as dots when a run has at most this many */
#define ARROWS 8

static void point(const basin_plot *p, const basin_trace *tr, size_t t, double *x, double *y)
{
    *x = basin_plot_x(p, tr->w[2 * t]);
    *y = basin_plot_y(p, tr->w[2 * t + 1]);
}

/* A filled arrowhead at (x, y) pointing along (dx, dy). */
static void arrowhead(cairo_t *cr, double x, double y, double dx, double dy, double size)
{
    double n = hypot(dx, dy);
    dx /= n;
    dy /= n;
    cairo_move_to(cr, x + dx * size, y + dy * size);
    cairo_line_to(cr, x - dx * size - dy * size * 0.6, y - dy * size + dx * size * 0.6);
    cairo_line_to(cr, x - dx * size + dy * size * 0.6, y - dy * size - dx * size * 0.6);
    cairo_close_path(cr);
    cairo_fill(cr);
}

/* The distance from (x, y) to the segment (x0, y0)–(x1, y1). */
static double segment_distance(double x, double y, double x0, double y0, double x1, double y1)
{
    double dx = x1 - x0, dy = y1 - y0, length2 = dx * dx + dy * dy;
    double s = length2 > 0 ? fmin(fmax(((x - x0) * dx + (y - y0) * dy) / length2, 0), 1) : 0;
    return hypot(x - x0 - s * dx, y - y0 - s * dy);
}

bool basin_trajectory_covers(const basin_plot *p, const basin_trace *a, size_t len_a, const basin_trace *b, size_t len_b,
                             double tol)
{
    if (len_a == 0 || len_b == 0)
        return false;
    size_t every = len_b > 64 ? len_b / 64 : 1; /* enough points of b to tell, at a bounded cost */
    for (size_t t = 0;; t = t + every < len_b ? t + every : len_b - 1) { /* every every-th point, and the last */
        double x, y, best = INFINITY;
        point(p, b, t, &x, &y);
        for (size_t k = 0; k + 1 < len_a && best > tol; k++) {
            double x0, y0, x1, y1;
            point(p, a, k, &x0, &y0);
            point(p, a, k + 1, &x1, &y1);
            best = fmin(best, segment_distance(x, y, x0, y0, x1, y1));
        }
        if (len_a == 1) {
            double x0, y0;
            point(p, a, 0, &x0, &y0);
            best = hypot(x - x0, y - y0);
        }
        if (best > tol)
            return false;
        if (t + 1 == len_b)
            break;
    }
    return true;
}

void basin_draw_trajectory(cairo_t *cr, const basin_plot *p, const basin_theme *theme, const basin_trace *tr,
                           size_t len, const double rgb[3], bool diverged, int depth)
{
    if (len == 0)
        return;
    bool inner = depth > 0;
    double lw = theme->line_width * pow(0.5, depth), x, y;
    cairo_save(cr);
    basin_plot_clip(cr, p);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    /* Points closer than a third of a line width to the last one drawn add nothing visible (a run
     * converging piles hundreds onto one spot) but cost as much to stroke: skip them, keep the last. */
    double kept_x = 0, kept_y = 0, close = lw / 3;
    for (size_t t = 0; t < len; t++) {
        point(p, tr, t, &x, &y);
        if (t == 0)
            cairo_move_to(cr, x, y);
        else if (t + 1 == len || fabs(x - kept_x) > close || fabs(y - kept_y) > close)
            cairo_line_to(cr, x, y);
        else
            continue;
        kept_x = x;
        kept_y = y;
    }
    /* A halo in the background colour keeps the line readable on any heatmap colour (not inside another
     * path: that one shows around it). */
    if (!inner) {
        cairo_set_source_rgba(cr, theme->background.r, theme->background.g, theme->background.b, 0.75);
        cairo_set_line_width(cr, 2.2 * lw);
        cairo_stroke_preserve(cr);
    }
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_line_width(cr, lw);
    cairo_stroke(cr);

    if (len <= DOTS_UP_TO) {
        for (size_t t = 1; t + 1 < len; t++) {
            point(p, tr, t, &x, &y);
            cairo_new_sub_path(cr);
            cairo_arc(cr, x, y, 0.75 * lw, 0, 2 * M_PI);
        }
        cairo_fill(cr);
    }
    size_t every = len / ARROWS > 1 ? len / ARROWS : 1;
    for (size_t t = every / 2; t + 1 < len; t += every) {
        double x0, y0, x1, y1;
        point(p, tr, t, &x0, &y0);
        point(p, tr, t + 1, &x1, &y1);
        if (hypot(x1 - x0, y1 - y0) > 4 * lw)
            arrowhead(cr, (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, 1.8 * lw);
    }

    point(p, tr, len - 1, &x, &y);
    double r = 2.4 * lw;
    if (diverged) { /* a cross where the run left the finite world */
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_set_line_width(cr, 1.2 * lw);
        cairo_move_to(cr, x - r, y - r);
        cairo_line_to(cr, x + r, y + r);
        cairo_move_to(cr, x - r, y + r);
        cairo_line_to(cr, x + r, y - r);
        cairo_stroke(cr);
    } else if (len > 1) { /* end: a square */
        cairo_rectangle(cr, x - 0.8 * r, y - 0.8 * r, 1.6 * r, 1.6 * r);
        basin_set_color(cr, theme->background);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_set_line_width(cr, 0.8 * lw);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}

double basin_trajectory_length(const basin_plot *p, const basin_trace *tr, size_t len)
{
    double total = 0, x0, y0, x1, y1;
    for (size_t t = 1; t < len; t++) {
        point(p, tr, t - 1, &x0, &y0);
        point(p, tr, t, &x1, &y1);
        double d = hypot(x1 - x0, y1 - y0);
        total += isfinite(d) ? d : 0;
    }
    return total;
}

void basin_draw_start(cairo_t *cr, const basin_plot *p, const basin_theme *theme, double x, double y,
                      const double (*rgb)[3], size_t k)
{
    double lw = theme->line_width, r = 2.6 * lw;
    double px = basin_plot_x(p, x), py = basin_plot_y(p, y);
    cairo_save(cr);
    basin_plot_clip(cr, p);
    for (size_t i = 0; i < k; i++) { /* one wedge a run, clockwise from the top */
        double a0 = -M_PI / 2 + 2 * M_PI * (double)i / (double)k, a1 = -M_PI / 2 + 2 * M_PI * (double)(i + 1) / (double)k;
        if (k > 1)
            cairo_move_to(cr, px, py);
        cairo_arc(cr, px, py, r, a0, a1);
        cairo_close_path(cr);
        cairo_set_source_rgb(cr, rgb[i][0], rgb[i][1], rgb[i][2]);
        cairo_fill(cr);
    }
    cairo_arc(cr, px, py, r, 0, 2 * M_PI);
    basin_set_color(cr, theme->background);
    cairo_set_line_width(cr, 0.7 * lw);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void basin_draw_average_path(cairo_t *cr, const basin_plot *p, const basin_theme *theme, const basin_trace *tr,
                             size_t len, const double rgb[3])
{
    size_t parts = basin_trace_average_parts(tr, len);
    if (parts == len)
        return;
    double lw = theme->line_width, dash[2] = {2.2 * lw, 1.6 * lw}, x = 0, y = 0;
    cairo_save(cr);
    basin_plot_clip(cr, p);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t t = parts ? parts - 1 : 0; t < len; t++) {
        x = basin_plot_x(p, tr->average[2 * t]), y = basin_plot_y(p, tr->average[2 * t + 1]);
        if (t + 1 == parts || t == 0)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
    }
    /* a wide halo, and the run's colour darkened: the average runs through the cloud of its own iterates */
    double dark[3] = {0.55 * rgb[0], 0.55 * rgb[1], 0.55 * rgb[2]};
    cairo_set_source_rgba(cr, theme->background.r, theme->background.g, theme->background.b, 0.9);
    cairo_set_line_width(cr, 3 * lw);
    cairo_stroke_preserve(cr);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_source_rgb(cr, dark[0], dark[1], dark[2]);
    cairo_set_line_width(cr, 1.2 * lw);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    double r = 3.2 * lw; /* its end: a diamond */
    cairo_move_to(cr, x, y - r);
    cairo_line_to(cr, x + r, y);
    cairo_line_to(cr, x, y + r);
    cairo_line_to(cr, x - r, y);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, dark[0], dark[1], dark[2]);
    cairo_fill_preserve(cr);
    basin_set_color(cr, theme->background);
    cairo_set_line_width(cr, 0.8 * lw);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void basin_draw_stale_read(cairo_t *cr, const basin_plot *p, const basin_theme *theme, const basin_trace *tr,
                           size_t len, const double rgb[3])
{
    if (len < 2 || !(tr->staleness[len - 1] >= 1))
        return;
    size_t applied = len - 2, read = applied - (size_t)tr->staleness[len - 1];
    double gx, gy, ax, ay, lw = theme->line_width, r = 2.6 * lw;
    point(p, tr, read, &gx, &gy);
    point(p, tr, applied, &ax, &ay);
    cairo_save(cr);
    basin_plot_clip(cr, p);
    double dash[2] = {2 * lw, 1.5 * lw};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_line_width(cr, 0.8 * lw);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_move_to(cr, gx, gy);
    cairo_line_to(cr, ax, ay);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_arc(cr, gx, gy, r, 0, 2 * M_PI); /* the ghost: where the worker read */
    cairo_set_source_rgba(cr, theme->background.r, theme->background.g, theme->background.b, 0.6);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_line_width(cr, 0.9 * lw);
    cairo_stroke(cr);
    cairo_restore(cr);
}
