/* chart.c: line charts, histograms and bar charts on plot frames. */
#include "chart.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define LOG_DECADES 30 /* the most a log axis spans below its top */

static bool usable(double y, bool ylog)
{
    return isfinite(y) && (!ylog || y > 0);
}

basin_plot basin_chart_lines(cairo_t *cr, basin_rect outer, const basin_theme *theme, const basin_series *series,
                             size_t n_series, bool ylog, const char *title, const char *xlabel, const char *ylabel)
{
    return basin_chart_lines_upto(cr, outer, theme, series, n_series, SIZE_MAX, ylog, title, xlabel, ylabel);
}

/* A diverged run's first point that leaves the axes (above the top, or not finite), or n when it stays. */
static size_t departure(const basin_series *se, size_t n, bool ylog, double ymax)
{
    bool started = false;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(se->x[i]))
            continue;
        double y = se->y[i];
        if (started && (!isfinite(y) || y > ymax))
            return i;
        started = started || usable(y, ylog);
    }
    return n;
}

/* A marker of radius r at (x, y): a triangle pointing up (a run leaving the top) or a disc (a run
 * reaching f* exactly, at the axis floor). */
static void marker(cairo_t *cr, double x, double y, double r, bool up)
{
    if (up) {
        cairo_move_to(cr, x, y - r);
        cairo_line_to(cr, x + r, y + 0.8 * r);
        cairo_line_to(cr, x - r, y + 0.8 * r);
        cairo_close_path(cr);
    } else {
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    }
    cairo_fill(cr);
}

/* Adds to cr's path series se's points [from, to), broken where a point is unusable; on a log axis a value
 * of 0 drops to below the axis floor and sets *solved_x the first time. Leaves the last point drawn in *x, *y. */
static void line_path(cairo_t *cr, const basin_plot *p, const basin_series *se, size_t from, size_t to, bool ylog,
                      double below, double *x, double *y, double *solved_x)
{
    bool pen_down = false;
    for (size_t i = from; i < to; i++) {
        if (ylog && se->y[i] == 0 && isfinite(se->x[i])) { /* f* reached exactly: a drop to the floor */
            if (pen_down)
                cairo_line_to(cr, basin_plot_x(p, se->x[i]), p->area.y + p->area.h + below);
            if (isnan(*solved_x))
                *solved_x = basin_plot_x(p, se->x[i]);
            pen_down = false;
            continue;
        }
        if (!isfinite(se->x[i]) || !usable(se->y[i], ylog)) {
            pen_down = false;
            continue;
        }
        *x = basin_plot_x(p, se->x[i]);
        *y = basin_plot_y(p, se->y[i]);
        if (pen_down)
            cairo_line_to(cr, *x, *y);
        else
            cairo_move_to(cr, *x, *y);
        pen_down = true;
    }
}

/* Strokes cr's path in se's dash at width. */
static void stroke_series(cairo_t *cr, const basin_series *se, const basin_theme *theme, double width)
{
    cairo_set_line_width(cr, width);
    double dash[2] = {3 * theme->line_width, 2 * theme->line_width}, dots[2] = {0, 2 * theme->line_width};
    if (se->dotted)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND), cairo_set_dash(cr, dots, 2, 0);
    else
        cairo_set_dash(cr, dash, se->dashed ? 2 : 0, 0);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
}

basin_plot basin_chart_lines_upto(cairo_t *cr, basin_rect outer, const basin_theme *theme, const basin_series *series,
                                  size_t n_series, size_t shown, bool ylog, const char *title, const char *xlabel,
                                  const char *ylabel)
{
    /* the axes fit the runs that did not diverge (and where each diverged one started), when there are any */
    bool settled = false;
    for (size_t s = 0; s < n_series && !settled; s++)
        for (size_t i = 0; i < series[s].n && !settled; i++)
            settled = !series[s].end_cross && isfinite(series[s].x[i]) && usable(series[s].y[i], ylog);
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (size_t s = 0; s < n_series; s++) {
        bool first = true;
        for (size_t i = 0; i < series[s].n; i++) {
            double x = series[s].x[i], y = series[s].y[i];
            if (!isfinite(x))
                continue;
            xmin = fmin(xmin, x);
            xmax = fmax(xmax, x);
            if (!usable(y, ylog) || (settled && series[s].end_cross && !first))
                continue;
            first = false;
            ymin = fmin(ymin, y);
            ymax = fmax(ymax, y);
        }
    }
    if (!(xmax > xmin)) {
        xmin = isfinite(xmin) ? xmin - 1 : 0;
        xmax = xmin + 2;
    }
    if (ylog) {
        if (!(ymax > 0)) {
            ymin = 0.1;
            ymax = 10;
        }
        ymin = fmax(ymin, ymax * pow(10, -LOG_DECADES));
        if (!(ymax > ymin * 1.0001)) {
            ymin /= 10;
            ymax *= 10;
        }
        ymin /= pow(ymax / ymin, 0.04);
        ymax *= pow(ymax / ymin, 0.04);
    } else {
        if (!(ymax > ymin)) {
            ymin = isfinite(ymin) ? ymin - 1 : 0;
            ymax = ymin + 2;
        }
        double pad = 0.05 * (ymax - ymin);
        ymin -= pad;
        ymax += pad;
    }
    basin_plot p = basin_plot_make(outer, theme, xmin, xmax, false, ymin, ymax, ylog);
    p.x_counts = true; /* x counts things when every x is a whole number */
    for (size_t s = 0; s < n_series && p.x_counts; s++)
        for (size_t i = 0; i < series[s].n && p.x_counts; i++)
            p.x_counts = !isfinite(series[s].x[i]) || series[s].x[i] == floor(series[s].x[i]);
    basin_plot_axes(cr, &p, theme, title, xlabel, ylabel, true);
    cairo_save(cr);
    basin_plot_clip(cr, &p);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    double r = 2.2 * theme->line_width, top = p.area.y + r, floor = p.area.y + p.area.h - r;
    for (size_t s = 0; s < n_series; s++) {
        const basin_series *se = &series[s];
        if (se->extent)
            continue;
        double last_x = NAN, last_y = NAN, solved_x = NAN;
        size_t n = se->n < shown ? se->n : shown, left = se->end_cross ? departure(se, n, ylog, ymax) : n;
        size_t thin = se->inner < n ? se->inner : n; /* points [0, thin) thin; the rest from thin − 1 on */
        cairo_set_source_rgb(cr, se->rgb[0], se->rgb[1], se->rgb[2]);
        if (thin > 0) {
            line_path(cr, &p, se, 0, thin, ylog, theme->line_width, &last_x, &last_y, &solved_x);
            stroke_series(cr, se, theme, 0.4 * theme->line_width);
        }
        if (thin < n) {
            line_path(cr, &p, se, thin > 0 ? thin - 1 : 0, n, ylog, theme->line_width, &last_x, &last_y, &solved_x);
            stroke_series(cr, se, theme, theme->line_width);
        }
        for (size_t i = 0; i < n; i++) { /* a point with no neighbour to join (one layer, one frame): a dot */
            bool alone = isfinite(se->x[i]) && usable(se->y[i], ylog) &&
                         (i == 0 || !isfinite(se->x[i - 1]) || !usable(se->y[i - 1], ylog)) &&
                         (i + 1 >= n || !isfinite(se->x[i + 1]) || !usable(se->y[i + 1], ylog));
            if (alone) {
                cairo_new_sub_path(cr);
                cairo_arc(cr, basin_plot_x(&p, se->x[i]), basin_plot_y(&p, se->y[i]), 1.2 * theme->line_width, 0, 2 * M_PI);
                cairo_fill(cr);
            }
        }
        if (left < n) /* where the diverged run left the axes */
            marker(cr, basin_plot_x(&p, se->x[left]), top, r, true);
        else if (se->end_cross && n == se->n && isfinite(last_x)) {
            cairo_move_to(cr, last_x - r, last_y - r);
            cairo_line_to(cr, last_x + r, last_y + r);
            cairo_move_to(cr, last_x - r, last_y + r);
            cairo_line_to(cr, last_x + r, last_y - r);
            cairo_stroke(cr);
        }
        if (!isnan(solved_x))
            marker(cr, solved_x, floor, r, false);
    }
    cairo_restore(cr);
    return p;
}

size_t basin_series_shared_prefix(const basin_series *a, const basin_series *b)
{
    size_t n = a->n < b->n ? a->n : b->n, i = 0;
    for (; i < n; i++) {
        bool both_nan = isnan(a->y[i]) && isnan(b->y[i]);
        if (!both_nan && !(fabs(a->y[i] - b->y[i]) <= 1e-9 * fmax(fabs(a->y[i]), fabs(b->y[i]))))
            break;
        if (!(a->x[i] == b->x[i] || fabs(a->x[i] - b->x[i]) <= 1e-9 * fabs(a->x[i])))
            break;
    }
    return i;
}

void basin_series_mark_inner(basin_series *series, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i && !series[i].extent; j++) {
            size_t shared = !series[j].extent && series[i].dashed == series[j].dashed &&
                                    series[i].dotted == series[j].dotted
                                ? basin_series_shared_prefix(&series[j], &series[i])
                                : 0;
            if (shared >= 2 && shared > series[i].inner)
                series[i].inner = shared;
        }
}

basin_plot basin_chart_histogram(cairo_t *cr, basin_rect outer, const basin_theme *theme, const double *values, size_t n,
                                 int bins, bool density, const double rgb[3], const char *title, const char *xlabel)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(values[i])) {
            lo = fmin(lo, values[i]);
            hi = fmax(hi, values[i]);
        }
    if (!(hi > lo)) {
        lo = isfinite(lo) ? lo - 0.5 : 0;
        hi = lo + 1;
    }
    if (bins < 1)
        bins = 1;
    double *count = calloc((size_t)bins, sizeof *count), width = (hi - lo) / bins, top = 0;
    size_t total = 0;
    for (size_t i = 0; count && i < n; i++)
        if (isfinite(values[i])) {
            int b = (int)((values[i] - lo) / width);
            count[b < bins ? b : bins - 1] += 1;
            total++;
        }
    for (int b = 0; count && b < bins; b++) {
        if (density && total)
            count[b] /= (double)total * width;
        top = fmax(top, count[b]);
    }
    basin_plot p = basin_plot_make(outer, theme, lo, hi, false, 0, top > 0 ? top * 1.08 : 1, false);
    basin_plot_axes(cr, &p, theme, title, xlabel, density ? "density" : "count", true);
    cairo_save(cr);
    basin_plot_clip(cr, &p);
    for (int b = 0; count && b < bins; b++) {
        double x0 = basin_plot_x(&p, lo + b * width), x1 = basin_plot_x(&p, lo + (b + 1) * width);
        double y0 = basin_plot_y(&p, 0), y1 = basin_plot_y(&p, count[b]);
        cairo_rectangle(cr, x0, y1, x1 - x0, y0 - y1);
    }
    cairo_set_source_rgba(cr, rgb[0], rgb[1], rgb[2], 0.85);
    cairo_fill(cr);
    cairo_restore(cr);
    free(count);
    return p;
}

basin_plot basin_chart_bars(cairo_t *cr, basin_rect outer, const basin_theme *theme, const char *const *names,
                            const double *values, size_t n, bool ylog, const double rgb[3], const char *title,
                            const char *ylabel)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (usable(values[i], ylog)) {
            lo = fmin(lo, values[i]);
            hi = fmax(hi, values[i]);
        }
    double ymin = ylog ? (isfinite(lo) ? lo / 3 : 0.1) : fmin(0, isfinite(lo) ? lo : 0);
    double ymax = isfinite(hi) ? (ylog ? hi * 3 : hi * 1.1) : 1;
    if (!(ymax > ymin))
        ymax = ymin + 1;
    basin_plot p = basin_plot_make(outer, theme, 0, (double)(n ? n : 1), false, ymin, ymax, ylog);
    /* The x axis names bars instead of numbering them. */
    basin_plot frame = p;
    frame.xmin = frame.xmax = 0;
    basin_plot_axes(cr, &frame, theme, title, NULL, ylabel, true);
    cairo_save(cr);
    basin_plot_clip(cr, &p);
    for (size_t i = 0; i < n; i++) {
        if (!usable(values[i], ylog))
            continue;
        double x0 = basin_plot_x(&p, (double)i + 0.15), x1 = basin_plot_x(&p, (double)i + 0.85);
        double y0 = basin_plot_y(&p, ylog ? ymin : 0), y1 = basin_plot_y(&p, values[i]);
        cairo_rectangle(cr, x0, fmin(y0, y1), x1 - x0, fabs(y0 - y1));
    }
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_fill(cr);
    cairo_restore(cr);
    for (size_t i = 0; i < n; i++)
        basin_text(cr, theme, 0.85 * theme->font_size, theme->muted, basin_plot_x(&p, (double)i + 0.5),
                   p.area.y + p.area.h + 0.4 * theme->font_size, 0.5, 0, 0, names[i]);
    return p;
}
