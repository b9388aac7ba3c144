/* weights_view.c: histograms of a training lab's weights. */
#include "weights_view.h"

#include "chart.h"

#include "engine/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BINS = 61 }; /* odd: one bin is centred on zero */
#define NEAR_ZERO 1e-3

double basin_weights_share_near_zero(const double *w, size_t n, double threshold)
{
    size_t near = 0;
    for (size_t i = 0; i < n; i++)
        near += fabs(w[i]) < threshold;
    return n ? (double)near / (double)n : NAN;
}

/* Copies the weights of run's Linear and Conv2d layers at frame into out (room for t->dim); their count. */
static size_t gather(const basin_net_trace *t, size_t frame, double *out)
{
    const basin_model *m = t->np->net.model;
    const double *w = t->w + frame * t->dim;
    size_t n = 0;
    for (size_t i = 0; i < m->n_layers; i++) {
        const basin_layer *l = &m->layers[i];
        if (l->ops->role == BASIN_LAYER_ROLE_WEIGHTED) {
            memcpy(out + n, w + l->weight, l->n_weight * sizeof *out);
            n += l->n_weight;
        }
    }
    return n;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of |w| over n weights (0 for none or when out of memory): the histogram's range, so that a
 * few large weights (counted in the end bins) do not squeeze the rest into its middle. */
static double quantile_abs(const double *w, size_t n, double q)
{
    double *a = malloc((n ? n : 1) * sizeof *a), v = 0;
    if (a && n) {
        for (size_t i = 0; i < n; i++)
            a[i] = fabs(w[i]);
        qsort(a, n, sizeof *a, compare_doubles);
        v = a[(size_t)(q * (double)(n - 1))];
    }
    free(a);
    return v;
}

/* The share of n weights in each of BINS bins of width from −half (the outermost bins take the rest). */
static void histogram(const double *w, size_t n, double half, double width, double *h)
{
    for (size_t b = 0; b < BINS; b++)
        h[b] = 0;
    for (size_t j = 0; j < n; j++) {
        long b = lround(floor((w[j] + half) / width));
        h[b < 0 ? 0 : b >= BINS ? BINS - 1 : b] += 1.0 / (double)n;
    }
}

int basin_training_weights(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    size_t n_runs = 0, dim = 0;
    for (size_t i = 0; i < lab->n_runs; i++)
        if (lab->runs[i].training && lab->runs[i].training->len > 0)
            n_runs++, dim = lab->runs[i].training->dim > dim ? lab->runs[i].training->dim : dim;
    double *w = malloc((dim ? dim : 1) * n_runs * sizeof *w), *x = malloc(BINS * sizeof *x);
    double *y = malloc((2 * n_runs + 1) * BINS * sizeof *y), share[64]; /* each run's bins, tallest, scratch */
    double *other = malloc((dim ? dim : 1) * sizeof *other); /* another frame's weights */
    size_t *count = calloc(n_runs ? n_runs : 1, sizeof *count);
    basin_series *series = calloc(2 * (n_runs ? n_runs : 1), sizeof *series);
    int status = -1;
    if (!w || !x || !y || !other || !count || !series)
        goto done;
    double widest = 0, epoch = NAN;
    for (size_t i = 0, k = 0; i < lab->n_runs; i++) {
        const basin_net_trace *t = lab->runs[i].training;
        if (!t || t->len == 0)
            continue;
        size_t frame = basin_net_trace_frame(t, shown);
        epoch = isnan(epoch) ? t->epoch[frame] : epoch;
        count[k] = gather(t, frame, w + k * dim);
        for (size_t f = 0; f < t->len; f++) { /* the range of every frame: the axes do not jump */
            size_t m = gather(t, f, other);
            widest = fmax(widest, quantile_abs(other, m, 0.99));
        }
        k++;
    }
    double half = widest > 0 ? widest * 1.2 : 1, width = 2 * half / BINS;
    for (size_t b = 0; b < BINS; b++)
        x[b] = -half + width * ((double)b + 0.5);
    for (size_t i = 0, k = 0; i < lab->n_runs; i++) {
        if (!lab->runs[i].training || lab->runs[i].training->len == 0)
            continue;
        double *h = y + k * BINS, *top = y + (n_runs + k) * BINS;
        histogram(w + k * dim, count[k], half, width, h);
        for (size_t b = 0; b < BINS; b++)
            top[b] = 0;
        for (size_t f = 0; f < lab->runs[i].training->len; f++) { /* the tallest bins of every frame */
            size_t m = gather(lab->runs[i].training, f, other);
            double *scratch = y + 2 * n_runs * BINS;
            histogram(other, m, half, width, scratch);
            for (size_t b = 0; b < BINS; b++)
                top[b] = fmax(top[b], scratch[b]);
        }
        if (k < sizeof share / sizeof *share)
            share[k] = basin_weights_share_near_zero(w + k * dim, count[k], NEAR_ZERO);
        series[k] = (basin_series){.x = x, .y = h, .n = BINS};
        memcpy(series[k].rgb, lab->runs[i].color, sizeof series[k].rgb);
        series[n_runs + k] = (basin_series){.x = x, .y = top, .n = BINS, .extent = true};
        k++;
    }
    char title[128];
    snprintf(title, sizeof title, "weights at epoch %.0f", isnan(epoch) ? 0.0 : epoch);
    basin_plot p = basin_chart_lines(cr, r, theme, series, 2 * n_runs, false, title, "weight", "share per bin");
    /* the share near zero of each run, in its colour, at the plot's top left */
    double f = 0.8 * theme->font_size, line = 1.3 * f;
    for (size_t k = 0; k < n_runs && k < sizeof share / sizeof *share && (double)(k + 1) * line < p.area.h; k++) {
        char text[64];
        snprintf(text, sizeof text, "%.0f%% |w| < 10⁻³", 100 * share[k]);
        basin_rgb c = {series[k].rgb[0], series[k].rgb[1], series[k].rgb[2]};
        double room = 0.42 * p.area.w, size = fmin(f, f * room / basin_text_width(cr, theme, f, text));
        basin_text(cr, theme, size, c, p.area.x + 0.5 * f, p.area.y + 0.4 * f + line * (double)k, 0, 0, 0, text);
    }
    status = 0;
done:
    free(w), free(x), free(y), free(other), free(count), free(series);
    if (status != 0)
        basin_error_set("out of memory drawing the weights");
    return status;
}

int basin_training_weight_norms(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    basin_series *series = calloc(lab->n_runs ? lab->n_runs : 1, sizeof *series);
    size_t n = 0;
    if (!series) {
        basin_error_set("out of memory drawing the weights' size");
        return -1;
    }
    for (size_t i = 0; i < lab->n_runs; i++) { /* ‖w‖ recorded with each frame (net_trace.c) */
        const basin_net_trace *t = lab->runs[i].training;
        if (!t || t->len == 0)
            continue;
        series[n] = (basin_series){.x = t->epoch, .y = t->weight_norm, .n = t->len};
        memcpy(series[n].rgb, lab->runs[i].color, sizeof series[n].rgb);
        n++;
    }
    basin_series_mark_inner(series, n);
    basin_chart_lines_upto(cr, r, theme, series, n, shown, false, "size of the weights", "epoch", "‖w‖");
    free(series);
    return 0;
}

int basin_training_neurons(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    basin_series *series = calloc(2 * (lab->n_runs ? lab->n_runs : 1), sizeof *series);
    double **points = calloc(4 * (lab->n_runs ? lab->n_runs : 1), sizeof *points); /* each run's points, corners */
    size_t n = 0;
    double epoch = NAN;
    int status = -1;
    if (!series || !points)
        goto done;
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_net_trace *t = lab->runs[i].training;
        if (!t || t->len == 0)
            continue;
        const basin_model *m = t->np->net.model;
        const basin_layer *first = NULL;
        for (size_t l = 0; l < m->n_layers && !first; l++)
            first = m->layers[l].ops->role == BASIN_LAYER_ROLE_WEIGHTED ? &m->layers[l] : NULL;
        size_t fan_in = 0, fan_out = 0;
        if (first)
            basin_layer_fans(first, &fan_in, &fan_out);
        if (!first || fan_in < 2)
            continue;
        size_t frame = basin_net_trace_frame(t, shown), neurons = first->n_weight / fan_in;
        epoch = isnan(epoch) ? t->epoch[frame] : epoch;
        const double *w = t->w + frame * t->dim + first->weight; /* row o: neuron o's incoming weights */
        double *x = points[2 * i] = malloc(2 * neurons * sizeof *x), *y = points[2 * i + 1] = malloc(2 * neurons * sizeof *y);
        if (!x || !y)
            goto done;
        for (size_t o = 0; o < neurons; o++) /* each neuron a lone point: a gap after it */
            x[2 * o] = w[o * fan_in], y[2 * o] = w[o * fan_in + 1], x[2 * o + 1] = y[2 * o + 1] = NAN;
        series[n] = (basin_series){.x = x, .y = y, .n = 2 * neurons};
        memcpy(series[n].rgb, lab->runs[i].color, sizeof series[n].rgb);
        n++;
        /* the corners of every frame's points: the axes do not jump */
        double *cx = points[2 * (lab->n_runs + i)] = malloc(2 * sizeof *cx);
        double *cy = points[2 * (lab->n_runs + i) + 1] = malloc(2 * sizeof *cy);
        if (!cx || !cy)
            goto done;
        cx[0] = cy[0] = INFINITY, cx[1] = cy[1] = -INFINITY;
        for (size_t f = 0; f < t->len; f++)
            for (size_t o = 0; o < neurons; o++) {
                const double *v = t->w + f * t->dim + first->weight + o * fan_in;
                cx[0] = fmin(cx[0], v[0]), cx[1] = fmax(cx[1], v[0]);
                cy[0] = fmin(cy[0], v[1]), cy[1] = fmax(cy[1], v[1]);
            }
        double px = 0.05 * (cx[1] - cx[0]), py = 0.05 * (cy[1] - cy[0]); /* room for the dots at the edges */
        cx[0] -= px, cx[1] += px, cy[0] -= py, cy[1] += py;
        series[n++] = (basin_series){.x = cx, .y = cy, .n = 2, .extent = true};
    }
    char title[128];
    snprintf(title, sizeof title, "first layer's neurons at epoch %.0f: weights from x0 and x1", isnan(epoch) ? 0.0 : epoch);
    basin_chart_lines(cr, r, theme, series, n, false, title, "weight from x0", "weight from x1");
    status = 0;
done:
    for (size_t i = 0; points && i < 4 * lab->n_runs; i++)
        free(points[i]);
    free(points), free(series);
    if (status != 0)
        basin_error_set("out of memory drawing the neurons");
    return status;
}
