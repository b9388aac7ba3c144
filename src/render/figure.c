/* figure.c: laying out, drawing and writing a lab's figure. */
#include "figure.h"
#include "parallel_view.h"

#include "chart.h"
#include "output_file.h"
#include "training_view.h"
#include "weights_view.h"
#include "augment_view.h"
#include "measures_view.h"

#include "engine/error.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

basin_figure_options basin_figure_defaults(void)
{
    return (basin_figure_options){.width = 1600, .height = 900, .dpi = 200, .font_scale = 1, .grid = 256};
}

int basin_format_from_path(const char *path, basin_format *format)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash)) {
        if (strcasecmp(dot, ".png") == 0)
            return *format = BASIN_FORMAT_PNG, 0;
        if (strcasecmp(dot, ".svg") == 0)
            return *format = BASIN_FORMAT_SVG, 0;
        if (strcasecmp(dot, ".pdf") == 0)
            return *format = BASIN_FORMAT_PDF, 0;
    }
    basin_error_set("'%s': unknown format '%s' (write .png, .svg or .pdf)", path, dot && (!slash || dot > slash) ? dot : "");
    return -1;
}

/* How well panels of w × h suit a chart: the smaller of w and h against the least one needs (11 × 9 times
 * the type size), 1 or more when they do. */
static double fit_of(double w, double h, double f)
{
    return fmin(w / (11 * f), h / (9 * f));
}

/* The same for a panel of view. A contour map needs a square data area of 6 type sizes inside its margins,
 * beside its colour bar; a view with a map per run (decision regions, landscapes) as much in each of its cells,
 * whose margins squeeze. */
static double view_fit_of(const basin_lab *lab, basin_view view, double w, double h, double f)
{
    if (view == BASIN_VIEW_TIMELINE) { /* a band per parallel run, stacked */
        size_t n = 0;
        for (size_t i = 0; i < lab->n_runs; i++)
            n += lab->runs[i].parallel.entry != NULL;
        return fmin(w / (11 * f), h / ((double)(n ? n : 1) * BASIN_TIMELINE_LEAST_BAND * f + BASIN_TIMELINE_BELOW * f));
    }
    if (view != BASIN_VIEW_CONTOUR && view != BASIN_VIEW_BOUNDARY && view != BASIN_VIEW_LANDSCAPE)
        return fit_of(w, h, f);
    if (view == BASIN_VIEW_CONTOUR)
        return fmin(w - 5.5 * f - 6.4 * f, h - 5.6 * f) / (6 * f);
    size_t n = lab->n_runs < 4 ? lab->n_runs : 4, cols = n <= 1 ? 1 : 2, rows = n ? (n + cols - 1) / cols : 1;
    double cell_w = (w - 5.5 * f) / (double)cols, cell_h = h / (double)rows; /* small maps, squeezed margins */
    return fmin(cell_w - 4 * f, cell_h - 4 * f) / (6 * f);
}

basin_figure_layout basin_figure_layout_make(const basin_lab *lab, const basin_figure_options *o, double w, double h,
                                             const basin_theme *theme)
{
    basin_figure_layout l = {0};
    double f = theme->font_size, margin = 0.8 * f;
    (void)o;
    for (size_t i = 0; i < lab->n_views; i++)
        l.views[l.n++] = lab->views[i];
    l.title = (basin_rect){margin, 0, w - 2 * margin, 2.6 * f};
    bool coloured = false; /* the runs' legend explains colours some view draws, else it is left out */
    for (size_t i = 0; i < l.n; i++)
        coloured = coloured || !basin_view_info_of(l.views[i])->uncoloured;
    l.legend = coloured ? (basin_rect){margin, h - 2.4 * f, w - 2 * margin, 2.2 * f}
                        : (basin_rect){margin, h - 0.6 * f, w - 2 * margin, 0};
    basin_rect body = {margin, l.title.h, w - 2 * margin, h - l.title.h - l.legend.h};
    l.fit = fit_of(body.w, body.h, f);
    if (l.n == 0)
        return l;
    if (basin_view_info_of(l.views[0])->map && l.n > 1) { /* the map on the left, the others stacked beside it */
        double left = fmin(body.w * 0.58, body.h + 6.5 * f);
        double column = body.w - left, each = body.h / (double)(l.n - 1);
        double charts = INFINITY;
        for (size_t i = 1; i < l.n; i++)
            charts = fmin(charts, view_fit_of(lab, l.views[i], column, each, f));
        double fit = fmin(view_fit_of(lab, l.views[0], left, body.h, f), charts);
        l.fit = fit;
        l.panel[0] = (basin_rect){body.x, body.y, left, body.h};
        for (size_t i = 1; i < l.n; i++)
            l.panel[i] = (basin_rect){body.x + left, body.y + each * (double)(i - 1), column, each};
        if (fit >= 1 || l.n == 2)
            return l;
        if (charts < 0.75) /* stacked charts this short would overprint: a grid, or a refusal */
            l.panel[0].w = 0;
    }
    /* a grid: the most columns whose panels have the room a chart needs, else the count that comes nearest */
    size_t columns = l.n;
    double best = -1;
    for (size_t c = l.n; c >= 1; c--) {
        size_t rows = (l.n + c - 1) / c;
        double fit = INFINITY;
        for (size_t i = 0; i < l.n; i++)
            fit = fmin(fit, view_fit_of(lab, l.views[i], body.w / (double)c, body.h / (double)rows, f));
        if (fit > best)
            best = fit, columns = c;
        if (fit >= 1)
            break;
    }
    if (l.panel[0].w > 0 && l.fit >= best) /* the map beside the others suits better than any grid */
        return l;
    size_t rows = (l.n + columns - 1) / columns;
    double cell_w = body.w / (double)columns, cell_h = body.h / (double)rows;
    l.fit = best;
    for (size_t i = 0; i < l.n; i++)
        l.panel[i] = (basin_rect){body.x + cell_w * (double)(i % columns), body.y + cell_h * (double)(i / columns),
                                  cell_w, cell_h};
    return l;
}

static void legend_text(const basin_lab *lab, size_t i, char *text, size_t size)
{
    const basin_run *run = lab->runs[i].run;
    const basin_net_trace *t = lab->runs[i].training;
    char name[192];
    basin_lab_run_legend(&lab->runs[i], name, sizeof name);
    if (t && !t->finished) /* training live in the window: how far it is */
        snprintf(text, size, "%s · epoch %.0f/%ld", name, t->len ? t->epoch[t->len - 1] : 0, lab->runs[i].train.epochs);
    else if (t && t->result.diverged)
        snprintf(text, size, "%s (diverged at step %ld)", name, t->result.steps);
    else if (t && t->result.stopped_early_at >= 0 && t->len > 0)
        snprintf(text, size, "%s (stopped at epoch %.0f, best epoch %.0f restored: ring)", name,
                 t->epoch[basin_net_trace_frame_of_step(t, t->result.stopped_early_at)],
                 t->epoch[basin_net_trace_frame_of_step(t, t->result.best_step)]);
    else if (t && t->result.swa_models > 0)
        snprintf(text, size, "%s (SWA of %ld epochs: test %.1f%%)", name, t->result.swa_models,
                 100 * t->result.swa_test_acc);
    else if (t && !isnan(t->result.average_test_loss)) /* the optimizer's own average, dotted as SWA's is */
        snprintf(text, size, isnan(t->result.average_test_acc) ? "%s (dotted: its average)"
                                                               : "%s (dotted: its average, test %.1f%%)",
                 name, 100 * t->result.average_test_acc);
    else if (run && run->diverged_at >= 0)
        snprintf(text, size, "%s (diverged at step %ld)", name, run->diverged_at);
    else if (run && basin_trace_average_parts(&run->trace, run->trace.len) < run->trace.len) /* drawn dashed */
        snprintf(text, size, "%s (dashed: its average)", name);
    else
        snprintf(text, size, "%s", name);
}

/* The width of entry i of the legend at size (its swatch, gaps and text). */
static double entry_width(cairo_t *cr, const basin_lab *lab, const basin_theme *theme, size_t i, double size)
{
    char text[256];
    legend_text(lab, i, text, sizeof text);
    return 3.4 * size + basin_text_width(cr, theme, size, text);
}

/* The rows the entries take at size when each row holds what fits in width (at least one entry). */
static size_t legend_rows(cairo_t *cr, const basin_lab *lab, const basin_theme *theme, double size, double width)
{
    size_t rows = lab->n_runs ? 1 : 0;
    double used = 0;
    for (size_t i = 0; i < lab->n_runs; i++) {
        double w = entry_width(cr, lab, theme, i, size);
        if (used > 0 && used + w > width)
            rows++, used = 0;
        used += w;
    }
    return rows;
}

/* The entries in rows, each centred; one row at 0.9 of the type size, shrinking to 60 % before a second
 * row opens, and further while the rows do not fit the legend's height. */
static void draw_legend(cairo_t *cr, const basin_rect *r, const basin_lab *lab, const basin_theme *theme)
{
    if (r->h <= 0)
        return;
    double f = theme->font_size, size = 0.9 * f;
    size_t rows = legend_rows(cr, lab, theme, size, r->w);
    while (rows > 1 && size > 0.6 * f) /* shrink before taking a second row */
        rows = legend_rows(cr, lab, theme, size *= 0.95, r->w);
    while (rows > 0 && 1.35 * size * (double)rows > r->h + 0.4 * f && size > 0.2 * f)
        rows = legend_rows(cr, lab, theme, size *= 0.95, r->w);
    double widest = 0; /* an entry wider than the row on its own: smaller still */
    for (size_t i = 0; i < lab->n_runs; i++)
        widest = fmax(widest, entry_width(cr, lab, theme, i, size) - 1.4 * size);
    if (widest > r->w)
        size *= r->w / widest;
    double swatch = 1.6 * size, line = 1.35 * size, y = r->y + r->h / 2 - line * ((double)rows - 1) / 2;
    for (size_t i = 0; i < lab->n_runs;) { /* one row: the entries that fit, centred */
        size_t end = i;
        double row_w = 0;
        while (end < lab->n_runs && (end == i || row_w + entry_width(cr, lab, theme, end, size) <= r->w))
            row_w += entry_width(cr, lab, theme, end++, size);
        double x = r->x + fmax(0, (r->w - row_w + 1.4 * size) / 2);
        for (; i < end; i++) {
            char text[256];
            legend_text(lab, i, text, sizeof text);
            const double *c = lab->runs[i].color;
            cairo_set_source_rgb(cr, c[0], c[1], c[2]);
            cairo_set_line_width(cr, theme->line_width * 1.3);
            cairo_move_to(cr, x, y);
            cairo_line_to(cr, x + swatch, y);
            cairo_stroke(cr);
            x += swatch + 0.4 * size;
            basin_text(cr, theme, size, theme->text, x, y, 0, 0.5, 0, text);
            x += basin_text_width(cr, theme, size, text) + 1.4 * size;
        }
        y += line;
    }
}

/* Loss against step (f − f* where f* is known, on a log axis when positive) or the learning rate. */
static int draw_curves(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, basin_view view,
                       size_t shown)
{
    /* each run's curve and, dashed beside it, the loss at its averaged iterate when it keeps one (ASGD) */
    size_t most = 2 * lab->n_runs, n = 0;
    basin_series *series = calloc(most, sizeof *series);
    double **buffers = calloc(2 * most, sizeof *buffers);
    int status = -1;
    if (!series || !buffers)
        goto done;
    double f_min = lab->problem->f_min;
    bool gap = view == BASIN_VIEW_LOSS && isfinite(f_min);
    bool all_positive = true;
    for (size_t k = 0; k < most; k++) { /* the runs, then the averages over them */
        const basin_run *run = lab->runs[k % lab->n_runs].run;
        const basin_trace *tr = &run->trace;
        bool average = k >= lab->n_runs;
        if (average && (view == BASIN_VIEW_LR || basin_trace_average_parts(tr, tr->len) == tr->len))
            continue; /* none, or the iterate itself */
        const double *loss = average ? tr->average_loss : tr->loss;
        double *x = buffers[2 * n] = malloc((tr->len + 1) * sizeof *x);
        double *y = buffers[2 * n + 1] = malloc((tr->len + 1) * sizeof *y);
        if (!x || !y)
            goto done;
        for (size_t t = 0; t < tr->len; t++) {
            x[t] = (double)t;
            y[t] = view == BASIN_VIEW_LR ? tr->lr[t] : gap ? loss[t] - f_min : loss[t];
            /* f* reached to rounding (what doubles resolve of f and f*, or below f* by rounding): the axis floor */
            if (gap && y[t] <= 16 * DBL_EPSILON * fmax(fabs(f_min), fabs(loss[t])))
                y[t] = 0;
            all_positive = all_positive && y[t] > 0;
        }
        series[n] = (basin_series){.x = x, .y = y, .n = tr->len, .dashed = average,
                                   .end_cross = !average && run->diverged_at >= 0};
        memcpy(series[n++].rgb, lab->runs[k % lab->n_runs].color, sizeof series[0].rgb);
    }
    if (view == BASIN_VIEW_LR)
        basin_chart_lines_upto(cr, r, theme, series, n, shown, false, "learning rate", "step", "η");
    else
        /* Where f* is known, f − f* ≥ 0 on a log axis, and a run that reaches f* drops to its floor. */
        basin_chart_lines_upto(cr, r, theme, series, n, shown, gap || all_positive, "loss", "step",
                               gap ? "f − f*" : "f");
    status = 0;
done:
    for (size_t i = 0; buffers && i < 2 * most; i++)
        free(buffers[i]);
    free(buffers);
    free(series);
    if (status != 0)
        basin_error_set("out of memory drawing the curves");
    return status;
}

void basin_figure_cache_free(basin_figure_cache *cache)
{
    if (cache->has_view)
        basin_contour_view_free(&cache->view);
    *cache = (basin_figure_cache){0};
}

static bool same_options(const basin_figure_options *a, const basin_figure_options *b)
{
    return a->dark == b->dark && a->font_scale == b->font_scale && a->labels == b->labels && a->grid == b->grid;
}


void basin_figure_scene(const basin_lab *lab, char *buf, size_t size)
{
    if (!lab->problem) { /* a training lab: no backdrop to keep */
        snprintf(buf, size, "training|%s", lab->data.text);
        return;
    }
    double window[4];
    basin_contour_window(lab, window);
    int used = snprintf(buf, size, "%s|%.17g,%.17g,%.17g,%.17g|%d|%d|%s|", lab->surface.text, window[0], window[1],
                        window[2], window[3], lab->levels, (int)lab->level_scale, lab->colormap);
    for (size_t i = 0; i < lab->n_views && used > 0 && (size_t)used < size; i++)
        used += snprintf(buf + used, size - (size_t)used, "%d,", (int)lab->views[i]);
}

static int loss_panel(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    return lab->dataset ? basin_training_curves(cr, r, lab, theme, BASIN_VIEW_LOSS, shown)
                        : draw_curves(cr, r, lab, theme, BASIN_VIEW_LOSS, shown);
}

static int lr_panel(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    return draw_curves(cr, r, lab, theme, BASIN_VIEW_LR, shown);
}

/* Each coordinate's step size against step, on a log axis: x₀ solid, x₁ dashed (the first two of more). */
static int steps_panel(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    size_t coords = lab->problem->dim < 2 ? lab->problem->dim : 2, n = lab->n_runs * coords;
    basin_series *series = calloc(n ? n : 1, sizeof *series);
    double **buffers = calloc(2 * (n ? n : 1), sizeof *buffers);
    int status = -1;
    if (!series || !buffers)
        goto done;
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_trace *tr = &lab->runs[i].run->trace;
        for (size_t c = 0; c < coords; c++) {
            size_t k = i * coords + c;
            double *x = buffers[2 * k] = malloc((tr->len + 1) * sizeof *x);
            double *y = buffers[2 * k + 1] = malloc((tr->len + 1) * sizeof *y);
            if (!x || !y)
                goto done;
            for (size_t t = 0; t < tr->len; t++)
                x[t] = (double)t, y[t] = tr->coord_step ? tr->coord_step[t * tr->dim + c] : NAN;
            series[k] = (basin_series){.x = x, .y = y, .n = tr->len, .dashed = c == 1};
            memcpy(series[k].rgb, lab->runs[i].color, sizeof series[k].rgb);
        }
    }
    basin_chart_lines_upto(cr, r, theme, series, n, shown, true, "step size per coordinate (x₀ solid, x₁ dashed)",
                           "step", "η/(√v + ε)");
    status = 0;
done:
    for (size_t i = 0; buffers && i < 2 * n; i++)
        free(buffers[i]);
    free(buffers);
    free(series);
    if (status != 0)
        basin_error_set("out of memory drawing the step sizes");
    return status;
}

/* Each run's error along the steepest (solid) and flattest (dashed) eigendirection against step, and
 * plain gradient descent's |1 − ηλ|ˢ times its first error (dotted). */
static int modes_panel(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    size_t cap = 4 * lab->n_runs + 1, n = 0;
    basin_series *series = calloc(cap, sizeof *series);
    double **buffers = calloc(2 * cap, sizeof *buffers);
    int status = -1;
    if (!series || !buffers)
        goto done;
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_modes *m = &lab->runs[i].modes;
        double lr;
        bool gd = basin_lab_run_is_plain_gd(lab, &lab->runs[i], &lr);
        for (int which = 0; m->len > 0 && which < (m->dim > 1 ? 2 : 1); which++) {
            size_t mode = which == 0 ? m->dim - 1 : 0; /* the steepest, then the flattest */
            for (int predicted = 0; predicted < (gd ? 2 : 1); predicted++) {
                double *x = buffers[2 * n] = malloc(m->len * sizeof *x), *y = buffers[2 * n + 1] = malloc(m->len * sizeof *y);
                if (!x || !y)
                    goto done;
                for (size_t t = 0; t < m->len; t++) {
                    x[t] = (double)t;
                    y[t] = predicted ? m->error[mode] * pow(fabs(1 - lr * m->lambda[mode]), (double)t) : m->error[t * m->dim + mode];
                    if (y[t] < m->resolution) /* below what doubles resolve of w − w*: rounding, not the run */
                        y[t] = NAN;
                }
                series[n] = (basin_series){.x = x, .y = y, .n = m->len, .dashed = which == 1 && !predicted,
                                           .dotted = predicted, .inner = predicted ? m->len : 0, /* thin, on the measured line */
                                           .end_cross = lab->runs[i].run->diverged_at >= 0};
                memcpy(series[n].rgb, lab->runs[i].color, sizeof series[n].rgb);
                n++;
            }
        }
    }
    basin_chart_lines_upto(cr, r, theme, series, n, shown, true,
                           "error along eigenvectors: steep solid, flat dashed, |1−ηλ|ˢ dotted", "step",
                           "|vᵢᵀ(w − w*)|");
    status = 0;
done:
    for (size_t i = 0; buffers && i < 2 * cap; i++)
        free(buffers[i]);
    free(buffers), free(series);
    if (status != 0)
        basin_error_set("out of memory drawing the modes");
    return status;
}

static int accuracy_panel(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    return basin_training_curves(cr, r, lab, theme, BASIN_VIEW_ACCURACY, shown);
}

/* How render draws each view of lab/views.c's table (the contour view and the 3-D surface, which keep a
 * cache and an OpenGL painter, are drawn in place). */
typedef int (*view_panel)(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown);
static const view_panel panels[BASIN_VIEW_COUNT] = {
    [BASIN_VIEW_LOSS] = loss_panel,
    [BASIN_VIEW_LR] = lr_panel,
    [BASIN_VIEW_ACCURACY] = accuracy_panel,
    [BASIN_VIEW_BOUNDARY] = basin_training_boundaries,
    [BASIN_VIEW_LAYERS] = basin_training_layers,
    [BASIN_VIEW_SHARPNESS] = basin_training_sharpness,
    [BASIN_VIEW_SPECTRUM] = basin_training_spectrum,
    [BASIN_VIEW_LANDSCAPE] = basin_training_landscapes,
    [BASIN_VIEW_TIMELINE] = basin_parallel_timelines,
    [BASIN_VIEW_STALENESS] = basin_parallel_staleness,
    [BASIN_VIEW_SCALING] = basin_parallel_scaling,
    [BASIN_VIEW_NOISE] = basin_parallel_noise,
    [BASIN_VIEW_SPLIT] = basin_parallel_split,
    [BASIN_VIEW_STEPS] = steps_panel,
    [BASIN_VIEW_WEIGHTS] = basin_training_weights,
    [BASIN_VIEW_AUGMENT] = basin_training_augment,
    [BASIN_VIEW_NORM] = basin_training_weight_norms,
    [BASIN_VIEW_MEASURES] = basin_training_measures,
    [BASIN_VIEW_MODES] = modes_panel,
    [BASIN_VIEW_NEURONS] = basin_training_neurons,
};

int basin_figure_draw_live(cairo_t *cr, double w, double h, double scale, const basin_lab *lab,
                           const basin_figure_options *o, size_t shown, basin_figure_cache *cache)
{
    basin_theme theme = basin_theme_make(o->dark, o->font_scale);
    basin_figure_layout l = basin_figure_layout_make(lab, o, w, h, &theme);
    char scene[sizeof cache->scene];
    if (cache) {
        basin_figure_scene(lab, scene, sizeof scene);
        if (strcmp(cache->scene, scene) != 0 || cache->w != w || cache->h != h || cache->scale != scale ||
            !same_options(&cache->options, o))
            basin_figure_cache_free(cache);
    }
    basin_set_color(cr, theme.background);
    cairo_paint(cr);
    basin_text_fit(cr, &theme, 1.3 * theme.font_size, theme.text, l.title, lab->title);
    for (size_t i = 0; i < l.n; i++) {
        if (l.views[i] == BASIN_VIEW_SURFACE) {
            basin_rect r = l.panel[i];
            if (lab->dataset) { /* a training lab's 3-D view is one run's landscape: say whose */
                const basin_lab_run *shown_run = basin_lab_landscape_run(lab, o->landscape_run);
                char title[256], name[192];
                if (shown_run)
                    basin_lab_run_legend(shown_run, name, sizeof name);
                snprintf(title, sizeof title, shown_run ? "%s: log₁₀ loss over its trajectory's plane" : "%s",
                         shown_run ? name : "the landscape is being computed…");
                basin_text_fit(cr, &theme, 1.1 * theme.font_size, theme.text, (basin_rect){r.x, r.y, r.w, 2 * theme.font_size},
                               title);
                r.y += 2 * theme.font_size, r.h -= 2 * theme.font_size;
            }
            if (!o->surface) {
                basin_text(cr, &theme, theme.font_size, theme.muted, r.x + r.w / 2, r.y + r.h / 2, 0.5, 0.5, 0,
                           "the 3-D view needs OpenGL");
            } else if (o->surface(cr, r, scale, lab, shown, o->dark, o->surface_user) != 0) {
                return -1;
            }
            continue;
        }
        if (panels[l.views[i]]) {
            if (panels[l.views[i]](cr, l.panel[i], lab, &theme, shown) != 0)
                return -1;
            continue;
        }
        basin_contour_view local, *v = cache ? &cache->view : &local;
        if (!cache || !cache->has_view) {
            if (basin_contour_view_init(v, lab, l.panel[i], &theme, o->grid) != 0)
                return -1;
            if (cache) {
                *cache = (basin_figure_cache){"", w, h, scale, *o, true, *v};
                snprintf(cache->scene, sizeof cache->scene, "%s", scene);
            }
        }
        /* The surface names the panel, unless the figure's title already does. */
        char name[512];
        basin_lab_surface_name(lab, name, sizeof name);
        const char *title = strcmp(lab->title, name) != 0 ? name : NULL;
        if (cache)
            basin_contour_view_backdrop_cached(v, cr, &theme, title, o->labels, scale);
        else
            basin_contour_view_backdrop(v, cr, &theme, title, o->labels);
        basin_contour_view_runs(v, cr, lab, &theme, shown);
        if (!cache)
            basin_contour_view_free(v);
    }
    draw_legend(cr, &l.legend, lab, &theme);
    return 0;
}

int basin_figure_check_room(const basin_lab *lab, const basin_figure_options *o)
{
    basin_theme theme = basin_theme_make(o->dark, o->font_scale);
    double scale = o->dpi / 72.0;
    basin_figure_layout l = basin_figure_layout_make(lab, o, o->width / scale, o->height / scale, &theme);
    if (l.fit >= BASIN_FIGURE_LEAST_FIT)
        return 0;
    basin_error_set("%zu panel%s at font scale %g need more room than %d×%d pixels at %g dpi: give a larger --size, "
                    "a smaller --font-scale or fewer views", l.n, l.n == 1 ? "" : "s", o->font_scale, o->width,
                    o->height, o->dpi);
    return -1;
}

int basin_figure_draw(cairo_t *cr, double w, double h, const basin_lab *lab, const basin_figure_options *o)
{
    basin_figure_options sized = *o; /* the room of w × h points */
    sized.width = (int)lround(w * o->dpi / 72), sized.height = (int)lround(h * o->dpi / 72);
    if (basin_figure_check_room(lab, &sized) != 0)
        return -1;
    return basin_figure_draw_live(cr, w, h, o->dpi / 72, lab, o, o->shown ? o->shown : SIZE_MAX, NULL);
}

static const char *status_text(cairo_status_t status)
{
    return cairo_status_to_string(status);
}

int basin_drawing_write(const char *title, const basin_figure_options *o, basin_drawing draw, const void *ctx,
                        basin_format format, cairo_write_func_t write, void *closure)
{
    double scale = o->dpi / 72.0, w = o->width / scale, h = o->height / scale;
    cairo_surface_t *surface;
    if (format == BASIN_FORMAT_PNG)
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, o->width, o->height);
    else if (format == BASIN_FORMAT_SVG)
        surface = cairo_svg_surface_create_for_stream(write, closure, w, h);
    else
        surface = cairo_pdf_surface_create_for_stream(write, closure, w, h);
    cairo_status_t status = cairo_surface_status(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        basin_error_set("cannot create the figure: %s", status_text(status));
        cairo_surface_destroy(surface);
        return -1;
    }
    if (format == BASIN_FORMAT_PDF)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_t *cr = cairo_create(surface);
    if (format == BASIN_FORMAT_PNG)
        cairo_scale(cr, scale, scale);
    int drawn = draw(cr, w, h, ctx);
    status = cairo_status(cr);
    cairo_destroy(cr);
    if (drawn == 0 && status == CAIRO_STATUS_SUCCESS && format == BASIN_FORMAT_PNG)
        status = cairo_surface_write_to_png_stream(surface, write, closure);
    cairo_surface_finish(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (drawn != 0)
        return -1;
    if (status != CAIRO_STATUS_SUCCESS) {
        basin_error_set("cannot write the figure: %s", status_text(status));
        return -1;
    }
    return 0;
}

/* What a lab's figure draws with. */
typedef struct lab_drawing {
    const basin_lab *lab;
    const basin_figure_options *o;
} lab_drawing;

static int draw_lab(cairo_t *cr, double w, double h, const void *ctx)
{
    const lab_drawing *d = ctx;
    return basin_figure_draw(cr, w, h, d->lab, d->o);
}

int basin_figure_write(const basin_lab *lab, const basin_figure_options *o, basin_format format,
                       cairo_write_func_t write, void *closure)
{
    lab_drawing d = {lab, o};
    return basin_drawing_write(lab->title, o, draw_lab, &d, format, write, closure);
}

int basin_figure_export(const basin_lab *lab, const basin_figure_options *o, const char *path, FILE *stdout_stream)
{
    lab_drawing d = {lab, o};
    return basin_drawing_export(lab->title, o, draw_lab, &d, path, stdout_stream);
}

int basin_drawing_export(const char *title, const basin_figure_options *o, basin_drawing draw, const void *ctx,
                         const char *path, FILE *stdout_stream)
{
    basin_format format;
    basin_output_file f;
    if (basin_format_from_path(path, &format) != 0 || basin_output_open(&f, path, stdout_stream) != 0)
        return -2;
    if (basin_drawing_write(title, o, draw, ctx, format, basin_output_cairo_write, f.stream) != 0)
        return basin_output_fail(&f, path);
    return basin_output_commit(&f);
}
