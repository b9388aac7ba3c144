/* contour_view.c: heatmap, contours, colour bar and trajectories of a 2-D lab. */
#include "contour_view.h"

#include "colorbar.h"
#include "contour.h"
#include "ticks.h"
#include "trajectory.h"

#include "engine/error.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void include_point(double window[4], double x, double y)
{
    window[0] = fmin(window[0], x);
    window[1] = fmax(window[1], x);
    window[2] = fmin(window[2], y);
    window[3] = fmax(window[3], y);
}

basin_colormap basin_lab_colormap(const basin_lab *lab)
{
    const char *name = strcmp(lab->colormap, "auto") != 0 ? lab->colormap
                       : lab->problem && lab->problem->f_min == -INFINITY ? "diverging" : "viridis";
    basin_colormap map = basin_colormap_find(name);
    BASIN_ASSERT(map != NULL); /* the lab accepts only the names colormap.c has */
    return map;
}

void basin_contour_window(const basin_lab *lab, double window[4])
{
    if (lab->has_window) {
        memcpy(window, lab->window, 4 * sizeof *window);
        return;
    }
    const double *domain = lab->problem->domain;
    bool has_domain = domain[1] > domain[0] && domain[3] > domain[2];
    double box[4] = {INFINITY, -INFINITY, INFINITY, -INFINITY};
    for (size_t i = 0; i < lab->n_runs; i++) {
        include_point(box, lab->runs[i].start[0], lab->runs[i].start[1]);
        const basin_run *run = lab->runs[i].run;
        if (has_domain || !run || run->diverged_at >= 0)
            continue; /* without a usual window, converging paths say where to look */
        for (size_t t = 0; t < run->trace.len; t++)
            include_point(box, run->trace.w[2 * t], run->trace.w[2 * t + 1]);
    }
    if (has_domain) {
        include_point(box, domain[0], domain[2]);
        include_point(box, domain[1], domain[3]);
        memcpy(window, box, 4 * sizeof *window);
        return;
    }
    double cx = (box[0] + box[1]) / 2, cy = (box[2] + box[3]) / 2;
    double half = fmax(fmax(box[1] - box[0], box[3] - box[2]) * 0.6, 1e-9 + 1e-6 * fmax(fabs(cx), fabs(cy)));
    if (!(half > 0) || !isfinite(half))
        half = 1;
    double hx = fmax(half, 0.6 * (box[1] - box[0])), hy = fmax(half, 0.6 * (box[3] - box[2]));
    double w[4] = {cx - hx, cx + hx, cy - hy, cy + hy};
    memcpy(window, w, sizeof w);
}

int basin_contour_view_init(basin_contour_view *v, const basin_lab *lab, basin_rect outer, const basin_theme *theme,
                            size_t grid)
{
    *v = (basin_contour_view){.outer = outer};
    double window[4];
    basin_contour_window(lab, window);
    v->map = basin_lab_colormap(lab);
    if (basin_field_sample(&v->field, lab->problem, window, grid, grid, lab->level_scale) != 0)
        return -1;
    v->heat = basin_field_image(&v->field, v->map);
    if (!v->heat) {
        basin_contour_view_free(v);
        basin_error_set("out of memory for the heatmap");
        return -1;
    }
    double f = theme->font_size;
    const basin_field *fl = &v->field; /* the bar's range, as draw_colorbar labels it */
    double room = basin_colorbar_room(theme, fl->log ? fl->floor : fl->lo, fl->log ? fl->hi - fl->ref : fl->hi, fl->log);
    basin_rect left = {outer.x, outer.y, outer.w - room, outer.h};
    v->plot = basin_plot_make(left, theme, window[0], window[1], false, window[2], window[3], false);
    basin_plot_equal_aspect(&v->plot);
    v->colorbar = basin_colorbar_beside(&v->plot.area, theme);
    v->plot.outer.w = v->colorbar.x - 0.3 * f - v->plot.outer.x; /* the title keeps clear of the bar's caption */
    v->n_levels = lab->levels < BASIN_MAX_LEVELS ? lab->levels : BASIN_MAX_LEVELS;
    for (int k = 0; k < v->n_levels; k++)
        v->levels[k] = basin_field_value(&v->field, (k + 0.5) / v->n_levels);
    return 0;
}

void basin_contour_view_free(basin_contour_view *v)
{
    basin_field_free(&v->field);
    if (v->heat)
        cairo_surface_destroy(v->heat);
    if (v->backdrop)
        cairo_surface_destroy(v->backdrop);
    *v = (basin_contour_view){0};
}

typedef struct segment_path {
    cairo_t *cr;
    const basin_contour_view *v;
    double target[2]; /* where this level's label would best sit */
    double spot[2];   /* the segment midpoint nearest to target so far */
    double distance;
    double inset;
} segment_path;

static void add_segment(double i0, double j0, double i1, double j1, void *user)
{
    segment_path *s = user;
    const basin_field *f = &s->v->field;
    double dx = (f->window[1] - f->window[0]) / (double)(f->nx - 1), dy = (f->window[3] - f->window[2]) / (double)(f->ny - 1);
    double x0 = basin_plot_x(&s->v->plot, f->window[0] + i0 * dx), y0 = basin_plot_y(&s->v->plot, f->window[2] + j0 * dy);
    double x1 = basin_plot_x(&s->v->plot, f->window[0] + i1 * dx), y1 = basin_plot_y(&s->v->plot, f->window[2] + j1 * dy);
    cairo_move_to(s->cr, x0, y0);
    cairo_line_to(s->cr, x1, y1);
    double mx = (x0 + x1) / 2, my = (y0 + y1) / 2, d = hypot(mx - s->target[0], my - s->target[1]);
    const basin_rect *a = &s->v->plot.area;
    double inset = s->inset; /* a label must fit inside the plot */
    bool inside = mx > a->x + inset && mx < a->x + a->w - inset && my > a->y + inset && my < a->y + a->h - inset;
    if (inside && d < s->distance) {
        s->distance = d;
        s->spot[0] = mx;
        s->spot[1] = my;
    }
}

/* Perceived lightness of a colormap entry, to draw lines that contrast with it. */
static bool light_at(basin_colormap map, double t)
{
    unsigned char rgb[3];
    basin_colormap_rgb(map, t, rgb);
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2] > 150;
}

static void label_text(double value, char *buf, size_t size)
{
    snprintf(buf, size, "%.3g", value);
}

static void draw_colorbar(const basin_contour_view *v, cairo_t *cr, const basin_theme *theme)
{
    const basin_rect *b = &v->colorbar;
    basin_colorbar_ramp(cr, theme, *b, v->map, 0, 1);
    /* Ticks at nice values of the scale (decades on a log scale, of f − ref). */
    const basin_field *fl = &v->field;
    double lo = fl->log ? fl->floor : fl->lo, hi = fl->log ? fl->hi - fl->ref : fl->hi, ticks[32], fractions[32], step;
    size_t n = basin_ticks(lo, hi, fl->log, (int)fmax(2, b->h / (3 * theme->font_size)), ticks, 32, &step);
    for (size_t k = 0; k < n; k++)
        fractions[k] = basin_field_fraction(fl, fl->log ? fl->ref + ticks[k] : ticks[k]);
    basin_colorbar_labels(cr, theme, *b, ticks, fractions, n, step, fl->log && fl->ref != 0 ? "f − f*" : "f");
}

void basin_contour_view_backdrop(basin_contour_view *v, cairo_t *cr, const basin_theme *theme, const char *title,
                                 bool labels)
{
    const basin_plot *p = &v->plot;
    cairo_save(cr);
    basin_plot_clip(cr, p);
    /* The image's pixel centres sit on the grid points: stretch so that they span the data area. */
    double sx = p->area.w / (double)(v->field.nx - 1), sy = p->area.h / (double)(v->field.ny - 1);
    cairo_translate(cr, p->area.x - sx / 2, p->area.y - sy / 2);
    cairo_scale(cr, sx, sy);
    cairo_set_source_surface(cr, v->heat, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
    cairo_paint(cr);
    cairo_restore(cr);

    cairo_save(cr);
    basin_plot_clip(cr, p);
    cairo_set_line_width(cr, 0.05 * theme->font_size);
    double label_at[BASIN_MAX_LEVELS][2];
    int labelled = 0;
    for (int k = 0; k < v->n_levels; k++) {
        /* Labels go where each level passes closest to a point sliding along the plot's diagonal. */
        double u = 0.15 + 0.7 * (k + 0.5) / v->n_levels;
        segment_path s = {.cr = cr, .v = v, .target = {p->area.x + u * p->area.w, p->area.y + u * p->area.h},
                          .distance = INFINITY, .inset = 1.5 * theme->font_size};
        basin_contour_segments(v->field.f, v->field.nx, v->field.ny, v->levels[k], add_segment, &s);
        double t = (k + 0.5) / v->n_levels;
        if (light_at(v->map, t))
            cairo_set_source_rgba(cr, 0, 0, 0, 0.45);
        else
            cairo_set_source_rgba(cr, 1, 1, 1, 0.6);
        cairo_stroke(cr);
        if (!labels || !isfinite(s.distance))
            continue;
        double x = s.spot[0], y = s.spot[1];
        bool crowded = false;
        for (int q = 0; q < labelled && !crowded; q++)
            crowded = hypot(label_at[q][0] - x, label_at[q][1] - y) < 4 * theme->font_size;
        if (crowded)
            continue;
        label_at[labelled][0] = x;
        label_at[labelled][1] = y;
        labelled++;
        char text[32];
        label_text(v->levels[k], text, sizeof text);
        basin_rgb ink = light_at(v->map, t) ? (basin_rgb){0, 0, 0} : (basin_rgb){1, 1, 1};
        basin_text(cr, theme, 0.7 * theme->font_size, ink, x, y, 0.5, 0.5, 0, text);
    }
    cairo_restore(cr);
    draw_colorbar(v, cr, theme);
    basin_plot_axes(cr, p, theme, title, "x₀", "x₁", false);
}

void basin_contour_view_backdrop_cached(basin_contour_view *v, cairo_t *cr, const basin_theme *theme,
                                        const char *title, bool labels, double scale)
{
    if (!v->backdrop || v->backdrop_scale != scale) {
        if (v->backdrop)
            cairo_surface_destroy(v->backdrop);
        int w = (int)ceil(v->outer.w * scale), h = (int)ceil(v->outer.h * scale);
        v->backdrop = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
        v->backdrop_scale = scale;
        cairo_t *layer = cairo_create(v->backdrop);
        cairo_scale(layer, scale, scale);
        cairo_translate(layer, -v->outer.x, -v->outer.y);
        basin_contour_view_backdrop(v, layer, theme, title, labels);
        cairo_destroy(layer);
    }
    cairo_save(cr);
    cairo_translate(cr, v->outer.x, v->outer.y);
    cairo_scale(cr, 1 / scale, 1 / scale);
    cairo_set_source_surface(cr, v->backdrop, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
}

void basin_contour_view_runs(const basin_contour_view *v, cairo_t *cr, const basin_lab *lab, const basin_theme *theme,
                             size_t shown)
{
    /* the longest paths first, so that a short one (Newton's step or two) is drawn over them */
    size_t order[64], n = 0;
    double length[64];
    for (size_t i = 0; i < lab->n_runs && n < 64; i++)
        if (lab->runs[i].run) {
            const basin_run *run = lab->runs[i].run;
            size_t len = run->trace.len < shown ? run->trace.len : shown, at = n++;
            length[i] = basin_trajectory_length(&v->plot, &run->trace, len);
            while (at > 0 && length[order[at - 1]] < length[i])
                order[at] = order[at - 1], at--;
            order[at] = i;
        }
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        const basin_run *run = lab->runs[i].run;
        size_t len = run->trace.len < shown ? run->trace.len : shown;
        bool diverged = run->diverged_at >= 0 && len == run->trace.len;
        int depth = 0; /* paths drawn before that it lies on: it is drawn thinner for each, inside them */
        for (size_t j = 0; j < k && len > 1; j++) {
            const basin_run *under = lab->runs[order[j]].run;
            depth += basin_trajectory_covers(&v->plot, &under->trace, under->trace.len < shown ? under->trace.len : shown,
                                             &run->trace, len, 0.5 * theme->line_width);
        }
        basin_draw_trajectory(cr, &v->plot, theme, &run->trace, len, lab->runs[i].color, diverged, depth);
        if (run->async && !diverged)
            basin_draw_stale_read(cr, &v->plot, theme, &run->trace, len, lab->runs[i].color);
    }
    for (size_t k = 0; k < n; k++) { /* averaged iterates over every path */
        const basin_run *run = lab->runs[order[k]].run;
        basin_draw_average_path(cr, &v->plot, theme, &run->trace, run->trace.len < shown ? run->trace.len : shown,
                                lab->runs[order[k]].color);
    }
    /* the starts on top: runs that share one share its disc, a wedge each */
    bool drawn[64] = {false};
    for (size_t a = 0; a < n; a++) {
        size_t i = order[a];
        if (drawn[a] || lab->runs[i].run->trace.len == 0)
            continue;
        const double *w = lab->runs[i].run->trace.w;
        double colours[64][3];
        size_t k = 0;
        for (size_t b = 0; b < lab->n_runs && b < 64; b++) { /* in the legend's order */
            const basin_run *other = lab->runs[b].run;
            size_t at = 0;
            while (at < n && order[at] != b)
                at++;
            if (!other || at == n || drawn[at] || other->trace.len == 0 || other->trace.w[0] != w[0] ||
                other->trace.w[1] != w[1])
                continue;
            drawn[at] = true;
            memcpy(colours[k++], lab->runs[b].color, sizeof colours[0]);
        }
        basin_draw_start(cr, &v->plot, theme, w[0], w[1], (const double (*)[3])colours, k);
    }
}
