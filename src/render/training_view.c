/* training_view.c: the panels of a training lab at a moment of its replay: loss and accuracy curves
 * against epoch, decision regions over 2-D data (as TensorFlow Playground draws them), and activation
 * and gradient variance by layer. */
#include "training_view.h"

#include "grid_image.h"
#include "loss_plane.h"

#include "colorbar.h"

#include "chart.h"
#include "colormap.h"
#include "contour.h"
#include "dots.h"

#include "engine/analysis/curvature.h"
#include "engine/error.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOUNDARY_POINTS 600 /* training points drawn at most */

static const basin_rgb class_colors[] = {{0.12, 0.47, 0.71}, {1.00, 0.50, 0.05}, {0.17, 0.63, 0.17},
                                         {0.84, 0.15, 0.16}, {0.58, 0.40, 0.74}, {0.55, 0.34, 0.29},
                                         {0.89, 0.47, 0.76}, {0.50, 0.50, 0.50}, {0.74, 0.74, 0.13},
                                         {0.09, 0.75, 0.81}};
#define N_CLASS_COLORS (sizeof class_colors / sizeof *class_colors)

/* Early stopping's best epoch, once the frame shown has reached it: a dotted vertical line in the run's
 * colour and a ring on its test curve, at the epoch whose weights were restored. */
static void mark_best_epochs(cairo_t *cr, const basin_plot *p, const basin_lab *lab, const basin_theme *theme,
                             basin_view view, size_t shown)
{
    cairo_save(cr);
    basin_plot_clip(cr, p);
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_net_trace *t = lab->runs[i].training;
        if (!t || t->len == 0 || t->result.stopped_early_at < 0)
            continue;
        size_t best = basin_net_trace_frame_of_step(t, t->result.best_step);
        if (best > basin_net_trace_frame(t, shown))
            continue;
        double x = basin_plot_x(p, t->epoch[best]);
        double y = basin_plot_y(p, view == BASIN_VIEW_ACCURACY ? 100 * t->test_acc[best] : t->test_loss[best]);
        cairo_set_source_rgb(cr, lab->runs[i].color[0], lab->runs[i].color[1], lab->runs[i].color[2]);
        cairo_set_line_width(cr, 0.6 * theme->line_width);
        double dots[2] = {0.15 * theme->font_size, 0.35 * theme->font_size};
        cairo_set_dash(cr, dots, 2, 0);
        cairo_move_to(cr, x, p->area.y);
        cairo_line_to(cr, x, p->area.y + p->area.h);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_arc(cr, x, y, 0.45 * theme->font_size, 0, 2 * M_PI);
        basin_set_color(cr, theme->background);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, lab->runs[i].color[0], lab->runs[i].color[1], lab->runs[i].color[2]);
        cairo_set_line_width(cr, theme->line_width);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}

int basin_training_curves(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme,
                          basin_view view, size_t shown)
{
    size_t n = 0;
    basin_series *series = calloc(4 * lab->n_runs + 1, sizeof *series);
    double **percent = calloc(3 * lab->n_runs + 1, sizeof *percent);
    bool averaged = false;
    int status = -1;
    if (!series || !percent)
        goto done;
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_net_trace *t = lab->runs[i].training;
        if (!t || t->len == 0)
            continue;
        basin_series s = {.x = t->epoch, .n = t->len, .end_cross = t->result.diverged};
        memcpy(s.rgb, lab->runs[i].color, sizeof s.rgb);
        /* the averaged models, each its own dotted series: SWA's average, the snapshots' ensemble */
        bool swa = t->result.swa_models > 0 || !isnan(t->swa_test_loss[t->len - 1]);
        bool ensemble = !isnan(t->ensemble_test_loss[t->len - 1]);
        averaged = averaged || swa || ensemble;
        if (view == BASIN_VIEW_ACCURACY) {
            const double *sources[3] = {t->test_acc, swa ? t->swa_test_acc : NULL, ensemble ? t->ensemble_test_acc : NULL};
            for (int k = 0; k < 3; k++) {
                if (!sources[k])
                    continue;
                double *p = percent[k * lab->n_runs + i] = malloc(t->len * sizeof *p);
                if (!p)
                    goto done;
                for (size_t f = 0; f < t->len; f++)
                    p[f] = 100 * sources[k][f];
                s.y = p, s.dotted = k > 0, series[n++] = s;
            }
        } else {
            s.y = t->train_loss;
            series[n++] = s;
            s.y = t->test_loss;
            s.dashed = true;
            series[n++] = s;
            s.dashed = false, s.dotted = true;
            if (swa)
                s.y = t->swa_test_loss, series[n++] = s;
            if (ensemble)
                s.y = t->ensemble_test_loss, series[n++] = s;
        }
    }
    /* a run that coincides with an earlier one (a data-parallel run and its single worker) is drawn inside it */
    basin_series_mark_inner(series, n);
    /* while a run trains (live in the window) the epoch axis already spans the epochs it will reach */
    double planned[2] = {0, 0}, level[2];
    for (size_t i = 0; i < lab->n_runs; i++)
        if (lab->runs[i].training && !lab->runs[i].training->finished)
            planned[1] = fmax(planned[1], (double)lab->runs[i].train.epochs);
    if (planned[1] > 0 && n > 0) {
        level[0] = level[1] = series[0].y[0];
        series[n++] = (basin_series){.x = planned, .y = level, .n = 2, .extent = true};
    }
    basin_plot p;
    if (view == BASIN_VIEW_ACCURACY)
        p = basin_chart_lines_upto(cr, r, theme, series, n, shown, false,
                                   averaged ? "test accuracy (averaged model dotted)" : "test accuracy", "epoch", "%");
    else
        p = basin_chart_lines_upto(cr, r, theme, series, n, shown, true,
                                   averaged ? "loss (train solid, test dashed, averaged model's test dotted)"
                                            : "loss (train solid, test dashed)",
                                   "epoch", NULL);
    mark_best_epochs(cr, &p, lab, theme, view, shown);
    status = 0;
done:
    for (size_t i = 0; percent && i < 3 * lab->n_runs; i++)
        free(percent[i]);
    free(percent);
    free(series);
    if (status != 0)
        basin_error_set("out of memory drawing the training curves");
    return status;
}

/* The region colour of one grid point from the model's outputs there. */
static void region_color(const float *z, size_t K, basin_colormap diverging, const basin_theme *theme,
                         unsigned char rgb[3])
{
    if (K == 1) {
        double p = 1 / (1 + exp(-z[0]));
        basin_colormap_rgb(diverging, 0.5 + 0.8 * (p - 0.5), rgb);
        return;
    }
    size_t best = 0;
    double sum = 0;
    for (size_t k = 0; k < K; k++)
        best = z[k] > z[best] ? k : best;
    for (size_t k = 0; k < K; k++)
        sum += exp(z[k] - z[best]);
    double confidence = 1 / sum, a = 0.25 + 0.45 * (confidence - 1.0 / (double)K) / (1 - 1.0 / (double)K);
    basin_rgb c = class_colors[best % N_CLASS_COLORS], bg = theme->background;
    rgb[0] = (unsigned char)lround(255 * (a * c.r + (1 - a) * bg.r));
    rgb[1] = (unsigned char)lround(255 * (a * c.g + (1 - a) * bg.g));
    rgb[2] = (unsigned char)lround(255 * (a * c.b + (1 - a) * bg.b));
}

typedef struct regions {
    const float *out;
    size_t G, K;
    basin_colormap diverging;
    const basin_theme *theme;
} regions;

static void region_cell(size_t row, size_t col, unsigned char rgb[3], const void *ctx)
{
    const regions *r = ctx;
    region_color(r->out + (row * r->G + col) * r->K, r->K, r->diverging, r->theme, rgb);
}

/* Paints decision regions (outputs on a G × G grid, computed by the lab) into the plot area. Returns 0, or
 * -1 with a message. */
static int paint_regions(cairo_t *cr, const basin_plot *p, const float *out, size_t G, size_t K,
                         const basin_theme *theme)
{
    regions r = {out, G, K, basin_colormap_find("diverging"), theme};
    return basin_paint_grid(cr, p, G, false, region_cell, &r, "the decision regions");
}

/* One run's decision regions at its frame, with the training points on top: the fine grid when the lab has
 * computed it, else the coarse one, else (for a moment after the lab appears) the points alone. */
static int draw_boundary(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_lab_run *run,
                         const basin_theme *theme, size_t shown, const double scale[2], basin_rect *area)
{
    (void)scale;
    const basin_net_trace *t = run->training;
    const basin_dataset *d = lab->dataset;
    const double *box = t->boundary_box;
    size_t frame = basin_net_trace_frame(t, shown), K = t->np->net.model->out_features;
    basin_plot p = basin_plot_make(r, theme, box[0], box[1], false, box[2], box[3], false);
    basin_plot_equal_aspect(&p);
    *area = p.area;
    /* the frame's regions, or while they are computed (training live) the newest earlier ones */
    size_t drawn = frame;
    while (drawn > 0 && !t->boundary_ready[drawn] && !t->coarse_ready[drawn])
        drawn--;
    size_t G = t->boundary_ready[drawn] ? t->boundary_grid : BASIN_BOUNDARY_COARSE;
    const float *out = t->boundary_ready[drawn] ? t->boundary : t->coarse_ready[drawn] ? t->boundary_coarse : NULL;
    if (out && paint_regions(cr, &p, out + drawn * G * G * K, G, K, theme) != 0)
        return -1;
    /* The training points, coloured by class. */
    cairo_save(cr);
    basin_plot_clip(cr, &p);
    const basin_split *s = &d->train;
    size_t every = s->n > BOUNDARY_POINTS ? (s->n + BOUNDARY_POINTS - 1) / BOUNDARY_POINTS : 1;
    double px[BOUNDARY_POINTS], py[BOUNDARY_POINTS];
    size_t kind[BOUNDARY_POINTS], n = 0;
    for (size_t i = 0; i < s->n && n < BOUNDARY_POINTS; i += every)
        px[n] = basin_plot_x(&p, s->x[2 * i]), py[n] = basin_plot_y(&p, s->x[2 * i + 1]), kind[n++] = (size_t)s->label[i] % N_CLASS_COLORS;
    basin_rgb fills[N_CLASS_COLORS];
    memcpy(fills, class_colors, sizeof fills);
    if (d->n_classes == 2)
        fills[0] = (basin_rgb){0.13, 0.40, 0.75}, fills[1] = (basin_rgb){0.85, 0.33, 0.10};
    int status = basin_dots(cr, px, py, kind, n, fills, N_CLASS_COLORS, 0.22 * theme->font_size, theme->background,
                            0.35 * theme->line_width);
    cairo_restore(cr);
    if (status != 0)
        return -1;
    char title[256], name[192];
    basin_lab_run_legend(run, name, sizeof name);
    snprintf(title, sizeof title, "%s · test %.1f%%%s", name, 100 * t->test_acc[frame], out ? "" : " · computing…");
    basin_plot_axes(cr, &p, theme, title, "x0", "x1", false);
    return 0;
}

/* Draws one run's panel in r: its heatmap coloured on scale (the views' common range, or NULL), its plot
 * area into *area. Returns 0, or -1 with a message. */
typedef int (*run_panel)(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_lab_run *run,
                         const basin_theme *theme, size_t shown, const double scale[2], basin_rect *area);

/* Up to four runs that have what draw needs, each in a cell: one fills the panel, two sit side by side,
 * three or four make a 2×2 grid; right of them one colour bar for all (bar() draws it beside the first row's
 * last heatmap, at scale). */
typedef void (*run_bar)(cairo_t *cr, const basin_theme *theme, basin_rect bar, const basin_lab *lab,
                        const double scale[2]);

static int per_run(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown,
                   bool landscape, const double scale[2], run_panel draw, run_bar bar, double bar_room)
{
    size_t n = 0;
    const basin_lab_run *runs[4];
    for (size_t i = 0; i < lab->n_runs && n < 4; i++) {
        const basin_net_trace *t = lab->runs[i].training;
        if (t && t->len > 0 && (landscape ? t->land_grid > 0 : t->boundary_grid > 0))
            runs[n++] = &lab->runs[i];
    }
    if (bar)
        r.w = fmax(r.w - bar_room, 0.5 * r.w);
    size_t cols = n <= 1 ? 1 : 2, rows = n ? (n + cols - 1) / cols : 1;
    basin_rect area, first_row_last = {0};
    for (size_t i = 0; i < n; i++) {
        basin_rect cell = {r.x + r.w * (double)(i % cols) / (double)cols, r.y + r.h * (double)(i / cols) / (double)rows,
                           r.w / (double)cols, r.h / (double)rows};
        if (draw(cr, cell, lab, runs[i], theme, shown, scale, &area) != 0)
            return -1;
        if (i < cols)
            first_row_last = area;
    }
    if (bar && n > 0) {
        basin_rect b = basin_colorbar_beside(&first_row_last, theme);
        if (rows > 1) /* one bar the height of the grid */
            b.h = area.y + area.h - b.y;
        bar(cr, theme, b, lab, scale);
    }
    return 0;
}

/* The colours of P(class 1) as region_color mixes them: the diverging map's middle 80 %. */
static void probability_bar(cairo_t *cr, const basin_theme *theme, basin_rect bar, const basin_lab *lab,
                            const double scale[2])
{
    (void)scale, (void)lab;
    basin_colorbar(cr, theme, bar, basin_colormap_find("diverging"), 0.1, 0.9, 0, 1, false, "P(y = 1)");
}

#define KEY_CLASSES 16 /* classes a key names at most */

/* The classes' names (a CSV file's labels, else their numbers) into names (room for KEY_CLASSES, text in
 * buf); returns the count. */
static size_t class_names(const basin_dataset *d, const char **names, char buf[KEY_CLASSES][24])
{
    size_t n = d->n_classes < KEY_CLASSES ? d->n_classes : KEY_CLASSES;
    for (size_t k = 0; k < n; k++) {
        snprintf(buf[k], sizeof buf[k], "%.23s", d->class_names ? d->class_names[k] : "");
        if (!d->class_names)
            snprintf(buf[k], sizeof buf[k], "%zu", k);
        names[k] = buf[k];
    }
    return n;
}

/* A key of the class colours: a cell of each, top to bottom, named. */
static void class_key(cairo_t *cr, const basin_theme *theme, basin_rect bar, const basin_lab *lab, const double scale[2])
{
    (void)scale;
    char buf[KEY_CLASSES][24];
    const char *names[KEY_CLASSES];
    double fractions[KEY_CLASSES];
    size_t n = class_names(lab->dataset, names, buf);
    for (size_t k = 0; k < n; k++) {
        basin_set_color(cr, class_colors[k % N_CLASS_COLORS]);
        cairo_rectangle(cr, bar.x, bar.y + bar.h * (double)k / (double)n, bar.w, bar.h / (double)n);
        cairo_fill(cr);
        fractions[k] = 1 - ((double)k + 0.5) / (double)n;
    }
    basin_set_color(cr, theme->frame);
    cairo_set_line_width(cr, 0.06 * theme->font_size);
    cairo_rectangle(cr, bar.x, bar.y, bar.w, bar.h);
    cairo_stroke(cr);
    basin_colorbar_text_labels(cr, theme, bar, names, fractions, n, "class");
}

int basin_training_boundaries(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    bool binary = false; /* two classes in one output: a colour bar of P(y = 1); more: a key of the class colours */
    for (size_t i = 0; i < lab->n_runs; i++)
        binary = binary || (lab->runs[i].training && lab->runs[i].training->np->net.model->out_features == 1);
    if (binary)
        return per_run(cr, r, lab, theme, shown, false, NULL, draw_boundary, probability_bar,
                       basin_colorbar_room(theme, 0, 1, false));
    char buf[KEY_CLASSES][24];
    const char *names[KEY_CLASSES];
    size_t n = class_names(lab->dataset, names, buf);
    return per_run(cr, r, lab, theme, shown, false, NULL, draw_boundary, class_key,
                   basin_colorbar_room_labels(theme, names, n));
}

/* One run's variances of each hidden layer's output at frame: x = 1, 2, ...; returns the count. */
static size_t hidden_variances(const basin_net_trace *t, size_t frame, double *x, double *act, double *grad)
{
    size_t m = 0;
    for (size_t l = 0; l < t->n_layers; l++) {
        if (t->np->net.model->layers[l].d.kind != BASIN_LAYER_ACTIVATION)
            continue;
        x[m] = (double)(m + 1);
        act[m] = t->act_var[frame * t->n_layers + l];
        grad[m] = t->grad_var[frame * t->n_layers + l];
        m++;
    }
    return m;
}

int basin_training_layers(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    size_t total = 0, n = 0;
    for (size_t i = 0; i < lab->n_runs; i++)
        total += lab->runs[i].training ? lab->runs[i].training->n_layers : 0;
    basin_series *act = calloc(4 * lab->n_runs + 1, sizeof *act), *grad = calloc(4 * lab->n_runs + 1, sizeof *grad);
    double *buffers = malloc((13 * total + 1) * sizeof *buffers), *cursor = buffers;
    if (!act || !grad || !buffers) {
        free(act), free(grad), free(buffers);
        basin_error_set("out of memory drawing the layer variances");
        return -1;
    }
    double epoch = NAN;
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_net_trace *t = lab->runs[i].training;
        if (!t || t->len == 0)
            continue;
        size_t frame = basin_net_trace_frame(t, shown);
        epoch = isnan(epoch) ? t->epoch[frame] : epoch;
        /* At initialization dashed, at the frame solid. */
        for (int now = 0; now < 2; now++) {
            double *x = cursor, *a = cursor + t->n_layers, *g = cursor + 2 * t->n_layers;
            cursor += 3 * t->n_layers;
            size_t m = hidden_variances(t, now ? frame : 0, x, a, g);
            /* Gradients relative to the last hidden layer's: runs whose scales differ by decades compare
             * by the shape across depth (vanishing: rising to the right; exploding: falling). */
            for (size_t k = 0; m > 0 && k < m; k++)
                g[k] = k + 1 < m ? g[k] / g[m - 1] : 1.0;
            basin_series s = {.x = x, .n = m, .dashed = !now};
            memcpy(s.rgb, lab->runs[i].color, sizeof s.rgb);
            s.y = a;
            act[n] = s;
            s.y = g;
            grad[n] = s;
            n++;
        }
        /* the least and greatest of every frame: the axes of the whole run, which do not jump */
        size_t L = t->n_layers;
        double *x = cursor, *a = cursor + L, *g = cursor + 2 * L, *env = cursor + 3 * L; /* a lo, a hi, g lo, g hi */
        cursor += 7 * L;
        size_t m = 0;
        for (size_t k = 0; k < t->len; k++) {
            m = hidden_variances(t, k, x, a, g);
            for (size_t j = 0; j < m; j++) {
                double rel = j + 1 < m ? g[j] / g[m - 1] : 1.0;
                env[j] = k ? fmin(env[j], a[j]) : a[j], env[L + j] = k ? fmax(env[L + j], a[j]) : a[j];
                env[2 * L + j] = k ? fmin(env[2 * L + j], rel) : rel, env[3 * L + j] = k ? fmax(env[3 * L + j], rel) : rel;
            }
        }
        for (int side = 0; side < 2; side++) {
            act[n] = (basin_series){.x = x, .y = env + side * L, .n = m, .extent = true};
            grad[n] = (basin_series){.x = x, .y = env + (2 + side) * L, .n = m, .extent = true};
            n++;
        }
    }
    char title[128];
    snprintf(title, sizeof title, "Var[a], epoch %.0f", isnan(epoch) ? 0.0 : epoch);
    bool side = r.w >= 1.2 * r.h; /* side by side in a wide panel, one above the other in a tall one */
    basin_rect left = side ? (basin_rect){r.x, r.y, r.w / 2, r.h} : (basin_rect){r.x, r.y, r.w, r.h / 2};
    basin_rect right = side ? (basin_rect){r.x + r.w / 2, r.y, r.w / 2, r.h} : (basin_rect){r.x, r.y + r.h / 2, r.w, r.h / 2};
    basin_chart_lines(cr, left, theme, act, n, true, title, "hidden layer (dashed: at init)", NULL);
    basin_chart_lines(cr, right, theme, grad, n, true, "Var[∂L/∂a] ÷ last layer's", "hidden layer",
                      NULL);
    free(act), free(grad), free(buffers);
    return 0;
}

int basin_training_sharpness(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    basin_series *series = calloc(4 * lab->n_runs + 1, sizeof *series);
    if (!series) {
        basin_error_set("out of memory drawing sharpness");
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_net_trace *t = lab->runs[i].training;
        if (!t || t->n_sharp == 0 || t->len == 0)
            continue;
        double until = t->epoch[basin_net_trace_frame(t, shown)];
        size_t count = 0;
        while (count < t->n_sharp && t->sharp_epoch[count] <= until + 1e-9)
            count++;
        basin_series s = {.x = t->sharp_epoch, .y = t->sharp_lambda, .n = count};
        memcpy(s.rgb, lab->runs[i].color, sizeof s.rgb);
        series[n++] = s;
        s.y = t->sharp_limit, s.dashed = true;
        series[n++] = s;
        s.n = t->n_sharp, s.extent = true; /* the axes of the whole run */
        series[n++] = s;
        s.y = t->sharp_lambda;
        series[n++] = s;
    }
    /* a log axis when the values span more than two decades (rates scaled by a factor of 64, say) */
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < series[k].n; i++)
            if (isfinite(series[k].y[i]) && series[k].y[i] > 0)
                lo = fmin(lo, series[k].y[i]), hi = fmax(hi, series[k].y[i]);
    basin_series_mark_inner(series, n);
    basin_chart_lines(cr, r, theme, series, n, hi > 100 * lo, "λmax (solid) against the stability limit (dashed)",
                      "epoch", NULL);
    free(series);
    return 0;
}

int basin_training_spectrum(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    /* each run's density at the start (dashed) and at the frame shown (solid), on one eigenvalue axis */
    enum { POINTS = 300 };
    double lo = INFINITY, hi = -INFINITY, epoch = NAN;
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_net_trace *t = lab->runs[i].training;
        if (!t || !t->spec_count || t->len == 0)
            continue;
        epoch = isnan(epoch) ? t->epoch[basin_net_trace_frame(t, shown)] : epoch;
        for (size_t k = 0; k < t->len; k++) /* the eigenvalue axis of every frame: it does not jump */
            for (size_t j = 0; j < t->spec_count[k]; j++) {
                double node = t->spec_nodes[k * BASIN_SPECTRUM_NODES + j];
                lo = fmin(lo, node), hi = fmax(hi, node);
            }
    }
    basin_series *series = calloc(3 * lab->n_runs + 1, sizeof *series);
    double *x = malloc(POINTS * sizeof *x), *y = malloc((3 * lab->n_runs + 1) * POINTS * sizeof *y);
    if (!series || !x || !y) {
        free(series), free(x), free(y);
        basin_error_set("out of memory drawing the spectrum");
        return -1;
    }
    size_t n = 0;
    if (lo <= hi) {
        double span = hi - lo > 0 ? hi - lo : 1, sigma = 0.015 * span;
        lo -= 0.05 * span, hi += 0.05 * span;
        for (size_t g = 0; g < POINTS; g++)
            x[g] = lo + (hi - lo) * (double)g / (POINTS - 1);
        for (size_t i = 0; i < lab->n_runs; i++) {
            const basin_net_trace *t = lab->runs[i].training;
            if (!t || !t->spec_count || t->len == 0)
                continue;
            size_t frames[2] = {0, basin_net_trace_frame(t, shown)};
            for (int f = frames[1] > 0 ? 0 : 1; f < 2; f++) {
                size_t k = frames[f];
                double *d = y + n * POINTS;
                basin_slq_broaden(t->spec_nodes + k * BASIN_SPECTRUM_NODES, t->spec_weights + k * BASIN_SPECTRUM_NODES,
                                  t->spec_count[k], sigma, x, POINTS, d);
                for (size_t g = 0; g < POINTS; g++) /* the log axis shows six decades below each peak */
                    d[g] = fmax(d[g], 1e-6 / sigma);
                basin_series s = {.x = x, .y = d, .n = POINTS, .dashed = f == 0};
                memcpy(s.rgb, lab->runs[i].color, sizeof s.rgb);
                series[n++] = s;
            }
            /* the highest density of every frame: the axes of the whole run */
            double *top = y + n * POINTS, *d = y + 3 * lab->n_runs * POINTS; /* the spare row: scratch */
            for (size_t g = 0; g < POINTS; g++)
                top[g] = 1e-6 / sigma;
            for (size_t k = 0; k < t->len; k++) {
                basin_slq_broaden(t->spec_nodes + k * BASIN_SPECTRUM_NODES, t->spec_weights + k * BASIN_SPECTRUM_NODES,
                                  t->spec_count[k], sigma, x, POINTS, d);
                for (size_t g = 0; g < POINTS; g++)
                    top[g] = fmax(top[g], d[g]);
            }
            series[n++] = (basin_series){.x = x, .y = top, .n = POINTS, .extent = true};
        }
    }
    char title[128];
    snprintf(title, sizeof title, "SLQ density: epoch 0 dashed, %.0f solid",
             isnan(epoch) ? 0.0 : epoch);
    basin_chart_lines(cr, r, theme, series, n, true, title, "eigenvalue", NULL);
    free(series), free(x), free(y);
    return 0;
}

/* One run's landscape: log10 of the loss over the plane, the trajectory's projection up to the frame. */
static int draw_landscape(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_lab_run *run,
                          const basin_theme *theme, size_t shown, const double scale[2], basin_rect *area)
{
    (void)lab;
    const basin_net_trace *t = run->training;
    basin_loss_plane plane = basin_loss_plane_of_trace(t, basin_net_trace_frame(t, shown), run->color);
    basin_plot p;
    if (basin_loss_plane_draw(cr, r, theme, &plane, scale, true, &p) != 0)
        return -1;
    *area = p.area;
    char x_label[64] = "PC 1", y_label[64] = "PC 2", title[256];
    if (t->land_ready) {
        snprintf(x_label, sizeof x_label, "PC 1 (%.0f%% of the variance)", 100 * t->land_ratio[0]);
        snprintf(y_label, sizeof y_label, "PC 2 (%.0f%%)", 100 * t->land_ratio[1]);
    }
    char name[192];
    basin_lab_run_legend(run, name, sizeof name);
    snprintf(title, sizeof title, "%s%s", name, basin_loss_plane_complete(&plane) ? "" : " · computing…");
    basin_plot_axes(cr, &p, theme, title, x_label, y_label, false);
    return 0;
}

/* The landscapes' common scale: log10 of the loss over every run's plane. */
static void loss_bar(cairo_t *cr, const basin_theme *theme, basin_rect bar, const basin_lab *lab, const double scale[2])
{
    (void)lab;
    basin_colorbar(cr, theme, bar, basin_colormap_find("viridis"), 0, 1, pow(10, scale[0]), pow(10, scale[1]), true,
                   "loss");
}

int basin_training_landscapes(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    double scale[2] = {INFINITY, -INFINITY}; /* one colour scale, so that the panels compare */
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_net_trace *t = lab->runs[i].training;
        if (t && t->land_grid) {
            basin_loss_plane plane = basin_loss_plane_of_trace(t, 0, lab->runs[i].color);
            basin_loss_plane_widen(&plane, true, scale);
        }
    }
    return per_run(cr, r, lab, theme, shown, true, scale, draw_landscape, loss_bar,
                   basin_colorbar_room(theme, pow(10, scale[0]), pow(10, scale[1]), true));
}
