/* parallel_view.c: timelines, staleness and loss against simulated time. */
#include "parallel_view.h"

#include "chart.h"
#include "timeline_chart.h"

#include "engine/error.h"
#include "engine/parallel/tensor_parallel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TIMELINES 4

/* A muted message in the middle of panel r, wrapped to its width. */
static void panel_message(cairo_t *cr, const basin_theme *theme, basin_rect r, const char *text)
{
    double f = theme->font_size;
    basin_text_fit(cr, theme, f, theme->muted, (basin_rect){r.x, r.y + r.h / 2 - 1.5 * f, r.w, 3 * f}, text);
}

int basin_parallel_timelines(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    const basin_lab_run *runs[MAX_TIMELINES];
    size_t n = 0;
    for (size_t i = 0; i < lab->n_runs && n < MAX_TIMELINES; i++) {
        const basin_net_trace *t = lab->runs[i].training;
        if (t && t->timeline.rows > 0 && (t->finished || t->timeline.n > 0)) /* live: once it has spans */
            runs[n++] = &lab->runs[i];
    }
    if (n == 0) {
        panel_message(cr, theme, r, basin_lab_training(lab) ? "training: the timelines come with the first evaluation"
                                                            : "no run with parallel = sync, async, pipeline or tensor");
        return 0;
    }
    /* the charts stacked on one time scale, then the time axis's label and one legend for all; type
     * shrinks when the bands are short, so that titles and ticks keep clear of each other */
    basin_theme small = *theme;
    double f = theme->font_size, bands = (r.h - BASIN_TIMELINE_BELOW * f) / (double)n;
    if (bands < BASIN_TIMELINE_BAND * f)
        small.font_size = fmax(0.35 * f, bands / BASIN_TIMELINE_BAND);
    theme = &small;
    f = theme->font_size;
    double lh = basin_timeline_legend_height(theme), label_h = 1.6 * f;
    double band_h = (r.h - lh - label_h) / (double)n, longest = 0;
    bool present[4] = {false, false, false, false};
    basin_timeline_window windows[MAX_TIMELINES];
    for (size_t k = 0; k < n; k++) {
        const basin_net_trace *t = runs[k]->training;
        /* the preview's steps, ending at the frame shown once it is past them; the whole run (a figure)
         * shows its first ones, whose batches are whole */
        size_t frame = basin_net_trace_frame(t, shown);
        long last = t->len && frame + 1 < t->len ? t->step[frame] : 0;
        long preview = t->timeline.preview_steps > 0 ? t->timeline.preview_steps : 1;
        last = last > preview ? last : preview;
        windows[k] = (basin_timeline_window){last - preview + 1, last, 0, true, 0};
        longest = fmax(longest, basin_timeline_duration(&t->timeline, last - preview + 1, last));
        basin_timeline_kinds(&t->timeline, present);
    }
    char titles[MAX_TIMELINES][256];
    double title_size = INFINITY; /* the stacked titles share the size the longest fits at */
    for (size_t k = 0; k < n; k++) {
        windows[k].duration = longest;
        /* on the shared scale a faster run shows more steps than its window: say where it starts */
        char name[192];
        basin_lab_run_legend(runs[k], name, sizeof name);
        if (windows[k].first_step > 1)
            snprintf(titles[k], sizeof titles[k], "%s, from step %ld", name, windows[k].first_step);
        else
            snprintf(titles[k], sizeof titles[k], "%s", name);
        title_size = fmin(title_size, basin_timeline_title_size(cr, theme, r.w, &runs[k]->training->timeline,
                                                                &windows[k], titles[k]));
    }
    for (size_t k = 0; k < n; k++) {
        windows[k].title_size = title_size;
        basin_rect band = {r.x, r.y + band_h * (double)k, r.w, band_h};
        basin_chart_timeline(cr, band, theme, &runs[k]->training->timeline, &windows[k], titles[k]);
    }
    basin_plot p = basin_timeline_chart_plot((basin_rect){r.x, r.y, r.w, band_h}, theme, &runs[0]->training->timeline,
                                             &windows[0]);
    const char *label = basin_timeline_axis_label(&runs[0]->training->timeline);
    double size = fmin(f, f * 0.96 * r.w / basin_text_width(cr, theme, f, label)); /* within the panel */
    basin_text(cr, theme, size, theme->text, r.x + r.w / 2, r.y + r.h - lh - label_h / 2, 0.5, 0.5, 0, label);
    basin_timeline_legend(cr, theme, (basin_rect){p.area.x, r.y + r.h - lh, r.x + r.w - p.area.x, lh}, present);
    return 0;
}

/* The staleness of the steps a run has taken by the moment shown: its values and how many. */
static const double *run_staleness(const basin_lab_run *run, size_t shown, size_t *n)
{
    if (run->run && run->run->async) { /* surface rows: row t's τ made row t */
        size_t len = run->run->trace.len < shown ? run->run->trace.len : shown;
        *n = len > 1 ? len - 1 : 0;
        return run->run->trace.staleness + 1;
    }
    const basin_net_trace *t = run->training;
    if (!t || t->n_stale == 0) {
        *n = 0;
        return NULL;
    }
    long steps = t->len ? t->step[basin_net_trace_frame(t, shown)] : 0;
    *n = (size_t)steps < t->n_stale ? (size_t)steps : t->n_stale;
    return t->staleness;
}

int basin_parallel_staleness(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    size_t most = 0, runs = 0;
    for (size_t i = 0; i < lab->n_runs; i++) {
        size_t n;
        const double *tau = run_staleness(&lab->runs[i], SIZE_MAX, &n);
        runs += n > 0;
        for (size_t s = 0; s < n; s++)
            most = tau[s] > (double)most ? (size_t)tau[s] : most;
    }
    double *share = calloc((most + 1) * (lab->n_runs + 1), sizeof *share);
    if (!share) {
        basin_error_set("out of memory drawing the staleness");
        return -1;
    }
    for (size_t i = 0; i < lab->n_runs; i++) {
        size_t n;
        const double *tau = run_staleness(&lab->runs[i], shown, &n);
        for (size_t s = 0; s < n; s++)
            share[i * (most + 1) + (size_t)tau[s]] += 1.0 / (double)n;
    }
    /* a bar per run at each τ, side by side: τ takes whole values */
    basin_plot p = basin_plot_make(r, theme, -0.5, (double)most + 0.5, false, 0, 1.05, false);
    basin_plot_axes(cr, &p, theme, "staleness τ of the applied gradients", "τ (updates since the worker read)",
                    "share of steps", true);
    double slot = p.area.w / (double)(most + 1), bar = 0.8 * slot / (double)(runs ? runs : 1);
    size_t k = 0;
    for (size_t i = 0; i < lab->n_runs; i++) {
        size_t n;
        if (!run_staleness(&lab->runs[i], SIZE_MAX, &n) || n == 0)
            continue;
        cairo_set_source_rgb(cr, lab->runs[i].color[0], lab->runs[i].color[1], lab->runs[i].color[2]);
        for (size_t v = 0; v <= most; v++) {
            double h = share[i * (most + 1) + v], x = basin_plot_x(&p, (double)v) - 0.4 * slot + (double)k * bar;
            if (h > 0) {
                cairo_rectangle(cr, x, basin_plot_y(&p, h), bar, basin_plot_y(&p, 0) - basin_plot_y(&p, h));
                cairo_fill(cr);
            }
        }
        k++;
    }
    free(share);
    return 0;
}

int basin_parallel_scaling(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    basin_series *series = calloc(2 * lab->n_runs + 1, sizeof *series);
    if (!series) {
        basin_error_set("out of memory drawing the loss against time");
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_lab_run *run = &lab->runs[i];
        basin_series s = {0};
        size_t all;
        if (run->training && run->training->len) {
            const basin_net_trace *t = run->training;
            s = (basin_series){.x = t->sim_time, .y = t->train_loss, .n = basin_net_trace_frame(t, shown) + 1,
                               .end_cross = t->result.diverged};
            all = t->len;
        } else if (run->run && run->run->trace.len) {
            const basin_trace *t = &run->run->trace;
            s = (basin_series){.x = t->sim_time, .y = t->loss, .n = t->len < shown ? t->len : shown,
                               .end_cross = run->run->diverged_at >= 0};
            all = t->len;
        } else {
            continue;
        }
        memcpy(s.rgb, run->color, sizeof s.rgb);
        series[n++] = s;
        s.n = all, s.extent = true; /* the axes of the whole run: they do not jump */
        series[n++] = s;
    }
    basin_series_mark_inner(series, n); /* a run that coincides with an earlier one is drawn inside it */
    basin_chart_lines(cr, r, theme, series, n, true,
                      lab->dataset ? "training loss against simulated time" : "loss against simulated time",
                      lab->dataset ? "simulated time (an example through the model = 1)"
                                   : "simulated time (a gradient = 1)",
                      NULL);
    free(series);
    return 0;
}

int basin_parallel_noise(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    basin_series *series = calloc(3 * lab->n_runs + 1, sizeof *series);
    double *batches = calloc(2 * lab->n_runs + 1, sizeof *batches), *ends = calloc(2 * lab->n_runs + 1, sizeof *ends);
    if (!series || !batches || !ends) {
        free(series), free(batches), free(ends);
        basin_error_set("out of memory drawing the noise scale");
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_net_trace *t = lab->runs[i].training;
        bool any = false;
        for (size_t k = 0; t && k < t->len; k++)
            any = any || isfinite(t->noise_scale[k]);
        if (!any)
            continue;
        size_t frames = basin_net_trace_frame(t, shown) + 1;
        basin_series s = {.x = t->epoch, .y = t->noise_scale, .n = frames};
        memcpy(s.rgb, lab->runs[i].color, sizeof s.rgb);
        series[n++] = s;
        s.n = t->len, s.extent = true; /* the axes of the whole run: they do not jump */
        series[n++] = s;
        /* the batch in use: a dashed level line over the epochs */
        batches[2 * i] = batches[2 * i + 1] = (double)t->global_batch;
        ends[2 * i] = t->epoch[0], ends[2 * i + 1] = t->epoch[t->len - 1];
        s = (basin_series){.x = ends + 2 * i, .y = batches + 2 * i, .n = 2, .dashed = true};
        memcpy(s.rgb, lab->runs[i].color, sizeof s.rgb);
        series[n++] = s;
    }
    if (n == 0)
        panel_message(cr, theme, r, basin_lab_training(lab) ? "training: the noise scale comes after a few steps"
                                                            : "no run with parallel = sync:workers=K (K ≥ 2)");
    else {
        basin_series_mark_inner(series, n);
        basin_chart_lines(cr, r, theme, series, n, true, "noise scale B_simple (dashed: the batch)", "epoch",
                          "examples");
    }
    free(series), free(batches), free(ends);
    return 0;
}

/* The workers' colours in the split drawing (the runs' palette is for runs). */
static const basin_rgb worker_colors[] = {{0.27, 0.51, 0.78}, {0.93, 0.55, 0.20}, {0.30, 0.65, 0.35},
                                          {0.80, 0.30, 0.35}, {0.58, 0.40, 0.74}, {0.55, 0.40, 0.30},
                                          {0.85, 0.45, 0.70}, {0.45, 0.45, 0.45}};
#define N_WORKER_COLORS (sizeof worker_colors / sizeof *worker_colors)

/* A column of width units at x, top y, height h: one cell per unit (a segment per worker when dealt). */
static void draw_units(cairo_t *cr, double x, double y, double w, double h, size_t width, int dealt,
                       const basin_theme *theme)
{
    double cell = h / (double)width, gap = cell > 4 ? 0.15 * cell : 0;
    for (size_t u = 0; u < width; u++) {
        basin_rgb c = dealt ? worker_colors[(u * (size_t)dealt / width) % N_WORKER_COLORS] : theme->muted;
        basin_set_color(cr, c);
        cairo_rectangle(cr, x, y + (double)u * cell + gap / 2, w, cell - gap);
        cairo_fill(cr);
    }
}

/* A translucent band from [y0, y0 + h0) at x0 to [y1, y1 + h1) at x1. */
static void band(cairo_t *cr, double x0, double y0, double h0, double x1, double y1, double h1, basin_rgb c,
                 double alpha)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_line_to(cr, x1, y1 + h1);
    cairo_line_to(cr, x0, y0 + h0);
    cairo_close_path(cr);
    cairo_fill(cr);
}

int basin_parallel_split(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    (void)shown;
    const basin_lab_run *run = NULL; /* the tensor-parallel run with the most workers */
    for (size_t i = 0; i < lab->n_runs; i++)
        if (lab->runs[i].parallel.entry == &basin_parallel_tensor && lab->runs[i].training &&
            (!run || basin_params_real(&lab->runs[i].parallel.params, "workers") >
                         basin_params_real(&run->parallel.params, "workers")))
            run = &lab->runs[i];
    if (!run) {
        panel_message(cr, theme, r, "no run with parallel = tensor:workers=T");
        return 0;
    }
    const basin_model *m = run->training->np->net.model;
    int t = (int)basin_params_real(&run->parallel.params, "workers");
    basin_tensor_role *roles = malloc(m->n_layers * sizeof *roles);
    size_t *linear = malloc((m->n_layers + 1) * sizeof *linear);
    if (!roles || !linear || basin_tensor_parallel_plan(m, t, roles) != 0) {
        free(roles), free(linear);
        if (!roles || !linear)
            basin_error_set("out of memory drawing the split");
        return -1;
    }
    size_t columns = 0;
    for (size_t i = 0; i < m->n_layers; i++)
        if (m->layers[i].d.kind == BASIN_LAYER_LINEAR)
            linear[columns++] = i;
    double f = theme->font_size;
    char title[240], name[192];
    basin_lab_run_legend(run, name, sizeof name);
    snprintf(title, sizeof title, "%s: the model on %d workers", name, t);
    double title_size = fmin(1.1 * f, 1.1 * f * 0.96 * r.w / basin_text_width(cr, theme, 1.1 * f, title));
    basin_text(cr, theme, title_size, theme->text, r.x + r.w / 2, r.y + 1.2 * f, 0.5, 0.5, 0, title);
    /* columns: the inputs, then each Linear's outputs; labels below, a legend of the workers at the foot */
    double top = r.y + 2.6 * f, bottom = r.y + r.h - 6.0 * f, h = bottom - top;
    double step = r.w / (double)(columns + 1), col_w = fmin(0.9 * f, 0.18 * step);
    double label_size = fmin(0.85 * f, 0.85 * f * 0.95 * step / basin_text_width(cr, theme, 0.85 * f, "split by inputs, Σ"));
    double prev_x = r.x + step / 2 - col_w / 2;
    draw_units(cr, prev_x, top, col_w, h, m->in_features, 0, theme);
    char label[64];
    snprintf(label, sizeof label, "%zu inputs", m->in_features);
    basin_text(cr, theme, label_size, theme->text, prev_x + col_w / 2, bottom + 0.4 * f, 0.5, 0, 0, label);
    for (size_t c = 0; c < columns; c++) {
        const basin_layer *l = &m->layers[linear[c]];
        basin_tensor_role role = roles[linear[c]];
        size_t width = l->out_c;
        double x = r.x + step * ((double)c + 1.5) - col_w / 2;
        int dealt = role == BASIN_TENSOR_COLUMNS ? t : 0;
        /* the bands: who reads what to compute what */
        for (int w = 0; w < (role == BASIN_TENSOR_WHOLE ? 1 : t); w++) {
            basin_rgb color = role == BASIN_TENSOR_WHOLE ? theme->muted : worker_colors[w % N_WORKER_COLORS];
            double share = h / (double)t;
            if (role == BASIN_TENSOR_COLUMNS) /* every input to the worker's slice of the outputs */
                band(cr, prev_x + col_w, top, h, x, top + share * w, share, color, 0.25);
            else if (role == BASIN_TENSOR_ROWS) /* the worker's slice of the inputs to partial sums of all outputs */
                band(cr, prev_x + col_w, top + share * w, share, x, top, h, color, 0.25);
            else
                band(cr, prev_x + col_w, top, h, x, top, h, color, 0.12);
        }
        draw_units(cr, x, top, col_w, h, width, dealt, theme);
        const char *how = role == BASIN_TENSOR_COLUMNS ? "split by outputs"
                          : role == BASIN_TENSOR_ROWS  ? "split by inputs, Σ"
                                                       : "whole on each";
        snprintf(label, sizeof label, "Linear %zu→%zu", l->in_c, width);
        basin_text(cr, theme, label_size, theme->text, x + col_w / 2, bottom + 0.4 * f, 0.5, 0, 0, label);
        basin_text(cr, theme, label_size, theme->muted, x + col_w / 2, bottom + 0.4 * f + 1.3 * label_size, 0.5, 0,
                   0, how);
        if (role == BASIN_TENSOR_ROWS) /* the all-reduce that sums the partial outputs */
            basin_text(cr, theme, 1.2 * f, theme->text, x + col_w + 0.3 * f, top + h / 2, 0, 0.5, 0, "Σ");
        prev_x = x;
    }
    /* the legend: a swatch per worker, its type shrunk to the panel's width */
    double x = r.x + 0.5 * f, y = r.y + r.h - 1.6 * f, size = 0.85 * f, total = 0;
    for (int w = 0; w < t && w < (int)N_WORKER_COLORS; w++) {
        snprintf(label, sizeof label, "worker %d", w);
        total += 2.8 * size + basin_text_width(cr, theme, size, label);
    }
    if (total > r.w - f)
        size *= (r.w - f) / total;
    for (int w = 0; w < t && w < (int)N_WORKER_COLORS; w++) {
        snprintf(label, sizeof label, "worker %d", w);
        basin_set_color(cr, worker_colors[w]);
        cairo_rectangle(cr, x, y - 0.45 * size, 1.2 * size, 0.9 * size);
        cairo_fill(cr);
        basin_text(cr, theme, size, theme->text, x + 1.6 * size, y, 0, 0.5, 0, label);
        x += 1.6 * size + basin_text_width(cr, theme, size, label) + 1.2 * size;
    }
    free(roles), free(linear);
    return 0;
}
