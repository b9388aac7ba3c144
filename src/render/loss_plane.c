/* loss_plane.c: drawing a loss landscape over a plane, flat or (through a painter) in 3-D. */
#include "loss_plane.h"

#include "chart.h"
#include "colorbar.h"
#include "colormap.h"
#include "contour.h"
#include "grid_image.h"

#include "engine/error.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define LEVEL_SETS 12

basin_loss_plane basin_loss_plane_of_trace(const basin_net_trace *t, size_t frame, const double rgb[3])
{
    double R = t->land_range;
    basin_loss_plane p = {.grid = t->land_grid, .loss = t->land_loss, .a_range = {-R, R}, .b_range = {-R, R}};
    if (t->land_ready) {
        p.path_a = t->traj_a, p.path_b = t->traj_b;
        p.path_len = frame + 1 < t->len ? frame + 1 : t->len;
    }
    for (int c = 0; c < 3; c++)
        p.rgb[c] = rgb[c];
    return p;
}

double basin_loss_plane_at(const basin_loss_plane *p, size_t row, size_t col)
{
    size_t G = p->grid;
    double v = p->loss[row * G + col];
    for (size_t stride = 2; isnan(v) && stride <= 8; stride *= 2)
        v = p->loss[(row - row % stride) * G + (col - col % stride)];
    return v;
}

void basin_loss_plane_widen(const basin_loss_plane *p, bool log, double scale[2])
{
    for (size_t k = 0; k < p->grid * p->grid; k++) {
        double v = p->loss[k];
        if (!isfinite(v) || (log && !(v > 0)))
            continue;
        v = log ? log10(v) : v;
        scale[0] = fmin(scale[0], v), scale[1] = fmax(scale[1], v);
    }
}

bool basin_loss_plane_positive(const basin_loss_plane *p)
{
    for (size_t k = 0; k < p->grid * p->grid; k++)
        if (!isnan(p->loss[k]) && !(p->loss[k] > 0 && isfinite(p->loss[k])))
            return false;
    return true;
}

bool basin_loss_plane_complete(const basin_loss_plane *p)
{
    for (size_t k = 0; k < p->grid * p->grid; k++)
        if (isnan(p->loss[k]))
            return false;
    return true;
}

/* The colour scale's value of a loss: log10 on a log scale, NaN for what the scale cannot show. */
static double scaled(double v, bool log)
{
    return log ? (v > 0 && isfinite(v) ? log10(v) : NAN) : (isfinite(v) ? v : NAN);
}

typedef struct level_path {
    cairo_t *cr;
    const basin_plot *plot;
    const basin_loss_plane *p;
} level_path;

static void add_segment(double i0, double j0, double i1, double j1, void *user)
{
    const level_path *lp = user;
    const basin_loss_plane *p = lp->p;
    double da = (p->a_range[1] - p->a_range[0]) / (double)(p->grid - 1);
    double db = (p->b_range[1] - p->b_range[0]) / (double)(p->grid - 1);
    cairo_move_to(lp->cr, basin_plot_x(lp->plot, p->a_range[0] + i0 * da), basin_plot_y(lp->plot, p->b_range[0] + j0 * db));
    cairo_line_to(lp->cr, basin_plot_x(lp->plot, p->a_range[0] + i1 * da), basin_plot_y(lp->plot, p->b_range[0] + j1 * db));
}

/* Thin white level sets, evenly spaced on the colour scale, over the points computed so far. */
static void draw_level_sets(cairo_t *cr, const basin_plot *plot, const basin_loss_plane *p, const double scale[2], bool log)
{
    size_t G = p->grid;
    double lo = scale[0], hi = scale[1];
    double *values = malloc(G * G * sizeof *values);
    if (!values || !(hi > lo)) {
        free(values);
        return;
    }
    for (size_t i = 0; i < G * G; i++)
        values[i] = scaled(p->loss[i], log);
    level_path lp = {cr, plot, p};
    cairo_save(cr);
    basin_plot_clip(cr, plot);
    for (int k = 1; k <= LEVEL_SETS; k++)
        basin_contour_segments(values, G, G, lo + (hi - lo) * k / (LEVEL_SETS + 1.0), add_segment, &lp);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.55);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
    cairo_restore(cr);
    free(values);
}

static void draw_path(cairo_t *cr, const basin_plot *plot, const basin_theme *theme, const basin_loss_plane *p)
{
    if (!p->path_a || p->path_len == 0)
        return;
    cairo_save(cr);
    basin_plot_clip(cr, plot);
    cairo_set_line_width(cr, theme->line_width);
    for (size_t k = 0; k < p->path_len; k++) {
        double x = basin_plot_x(plot, p->path_a[k]), y = basin_plot_y(plot, p->path_b[k]);
        if (k == 0)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
    }
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_stroke(cr);
    for (size_t k = 0; k < p->path_len; k++) {
        cairo_arc(cr, basin_plot_x(plot, p->path_a[k]), basin_plot_y(plot, p->path_b[k]), 0.18 * theme->font_size, 0,
                  2 * M_PI);
        cairo_set_source_rgb(cr, p->rgb[0], p->rgb[1], p->rgb[2]);
        cairo_fill(cr);
    }
    cairo_restore(cr);
}

typedef struct plane_colors {
    const basin_loss_plane *p;
    const double *scale;
    bool log;
    basin_rgb background;
    basin_colormap viridis;
} plane_colors;

/* A grid point's colour on the scale (a point not computed yet: the background). */
static void plane_cell(size_t row, size_t col, unsigned char rgb[3], const void *ctx)
{
    const plane_colors *c = ctx;
    double v = basin_loss_plane_at(c->p, c->p->grid - 1 - row, col); /* b grows upwards */
    double s = scaled(v, c->log), lo = c->scale[0], hi = c->scale[1];
    rgb[0] = (unsigned char)lround(255 * c->background.r), rgb[1] = (unsigned char)lround(255 * c->background.g);
    rgb[2] = (unsigned char)lround(255 * c->background.b);
    if (!isnan(v))
        basin_colormap_rgb(c->viridis, !isnan(s) && hi > lo ? fmin(fmax((s - lo) / (hi - lo), 0), 1) : 1, rgb);
}

int basin_loss_plane_draw(cairo_t *cr, basin_rect r, const basin_theme *theme, const basin_loss_plane *p,
                          const double scale[2], bool log, basin_plot *plot)
{
    size_t G = p->grid;
    *plot = basin_plot_make(r, theme, p->a_range[0], p->a_range[1], false, p->b_range[0], p->b_range[1], false);
    basin_plot_equal_aspect(plot);
    plane_colors c = {p, scale, log, theme->background, basin_colormap_find("viridis")};
    if (basin_paint_grid(cr, plot, G, true, plane_cell, &c, "the landscape") != 0)
        return -1;
    draw_level_sets(cr, plot, p, scale, log);
    draw_path(cr, plot, theme, p);
    return 0;
}

/* A 1-D slice: the loss against a, on a linear axis (as Goodfellow et al. draw a line between weights). */
static int draw_curve(cairo_t *cr, basin_rect r, const basin_theme *theme, const basin_loss_figure *f)
{
    const basin_loss_plane *p = f->plane;
    double *a = malloc(p->grid * sizeof *a);
    if (!a) {
        basin_error_set("out of memory drawing the landscape");
        return -1;
    }
    for (size_t i = 0; i < p->grid; i++)
        a[i] = p->a_range[0] + (p->a_range[1] - p->a_range[0]) * (double)i / (double)(p->grid - 1);
    basin_series s = {.x = a, .y = p->loss, .n = p->grid, .rgb = {p->rgb[0], p->rgb[1], p->rgb[2]}};
    basin_chart_lines(cr, r, theme, &s, 1, false, NULL, f->x_label, f->y_label);
    free(a);
    return 0;
}

int basin_loss_figure_draw(cairo_t *cr, double w, double h, const void *ctx)
{
    const basin_loss_figure *f = ctx;
    const basin_loss_plane *p = f->plane;
    basin_theme theme = basin_theme_make(false, 1.4);
    basin_set_color(cr, theme.background);
    cairo_paint(cr);
    double margin = 0.03 * fmin(w, h), title_h = 2.2 * theme.font_size;
    basin_rect title = {margin, margin, w - 2 * margin, title_h};
    basin_text_fit(cr, &theme, 1.3 * theme.font_size, theme.text, title, f->title);
    basin_rect body = {margin, margin + title_h, w - 2 * margin, h - 2 * margin - title_h};
    if (f->one_d)
        return draw_curve(cr, body, &theme, f);
    bool log = basin_loss_plane_positive(p);
    double scale[2] = {INFINITY, -INFINITY};
    basin_loss_plane_widen(p, log, scale);
    if (!(scale[1] > scale[0])) /* a flat landscape: one colour */
        scale[0] -= 0.5, scale[1] += 0.5;
    double lo = log ? pow(10, scale[0]) : scale[0], hi = log ? pow(10, scale[1]) : scale[1];
    body.w -= basin_colorbar_room(&theme, lo, hi, log);
    basin_rect area;
    if (f->paint3d) {
        double dx = 1, dy = 0;
        cairo_user_to_device_distance(cr, &dx, &dy);
        if (f->paint3d(cr, body, hypot(dx, dy), p, f->user) != 0)
            return -1;
        area = (basin_rect){body.x, body.y + 0.2 * body.h, body.w, 0.6 * body.h};
    } else {
        basin_plot plot;
        if (basin_loss_plane_draw(cr, body, &theme, p, scale, log, &plot) != 0)
            return -1;
        basin_plot_axes(cr, &plot, &theme, NULL, f->x_label, f->y_label, false);
        area = plot.area;
    }
    basin_colorbar(cr, &theme, basin_colorbar_beside(&area, &theme), basin_colormap_find("viridis"), 0, 1, lo, hi, log,
                   "loss");
    return 0;
}
