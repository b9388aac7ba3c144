/* augment_view.c: a grid of training images and their augmented draws. */
#include "augment_view.h"

#include "lab/augment_samples.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

/* One image (c channels of h × w raw pixels, averaged over channels) into box: ink from lo (light) to hi
 * (dark), each pixel a sharp square. */
static void draw_image(cairo_t *cr, basin_rect box, const double *x, size_t c, size_t h, size_t w, double lo, double hi)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return;
    }
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (size_t i = 0; i < h; i++)
        for (size_t j = 0; j < w; j++) {
            double v = 0;
            for (size_t k = 0; k < c; k++)
                v += x[k * h * w + i * w + j] / (double)c;
            double ink = hi > lo ? fmin(fmax((v - lo) / (hi - lo), 0), 1) : 0;
            uint32_t g = (uint32_t)lround(255 * (1 - 0.9 * ink));
            *(uint32_t *)(data + i * (size_t)stride + 4 * j) = g << 16 | g << 8 | g;
        }
    cairo_surface_mark_dirty(img);
    cairo_save(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    cairo_clip(cr);
    cairo_translate(cr, box.x, box.y);
    cairo_scale(cr, box.w / (double)w, box.h / (double)h);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
}

int basin_training_augment(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    (void)shown;
    const basin_lab_run *run = NULL;
    for (size_t i = 0; i < lab->n_runs && !run; i++)
        run = lab->runs[i].augment_samples ? &lab->runs[i] : NULL;
    double f = theme->font_size;
    if (!run) {
        basin_text_fit(cr, theme, f, theme->muted, r, "no run augments images (augment = image:...)");
        return 0;
    }
    const basin_dataset *d = lab->dataset;
    size_t n = d->n_features, cols = 1 + BASIN_AUGMENT_DRAWS, rows = BASIN_AUGMENT_EXAMPLES;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < d->train.n * n; i++)
        lo = fmin(lo, d->train.raw[i]), hi = fmax(hi, d->train.raw[i]);
    /* square cells with gaps, the original column set apart, under a title and a caption line */
    double top = 2.2 * f, caption = 1.4 * f, gap = 0.25 * f, apart = 0.8 * f;
    double cell = fmin((r.w - 2 * f - apart - gap * (double)(cols - 1)) / (double)cols,
                       (r.h - top - caption - f - gap * (double)(rows - 1)) / (double)rows);
    if (cell <= 0)
        return 0;
    double grid_w = cell * (double)cols + gap * (double)(cols - 1) + apart;
    double grid_h = cell * (double)rows + gap * (double)(rows - 1), spare = r.h - top - caption - f - grid_h;
    double x0 = r.x + (r.w - grid_w) / 2, y0 = r.y + top + caption + spare / 2; /* centred below the title */
    char name[192], title[320];
    basin_lab_run_legend(run, name, sizeof name);
    snprintf(title, sizeof title, "augmented samples: %s", name);
    basin_text_fit(cr, theme, f, theme->text, (basin_rect){r.x, r.y, r.w, top}, title);
    basin_text_fit(cr, theme, 0.8 * f, theme->muted, (basin_rect){x0 - gap, y0 - caption, cell + 2 * gap, caption}, "original");
    basin_text_fit(cr, theme, 0.8 * f, theme->muted,
                   (basin_rect){x0 + cell + apart, y0 - caption, grid_w - cell - apart, caption}, run->augment.text);
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++) {
            basin_rect box = {x0 + (double)j * (cell + gap) + (j > 0 ? apart : 0), y0 + (double)i * (cell + gap), cell, cell};
            draw_image(cr, box, run->augment_samples + (i * cols + j) * n, d->channels, d->height, d->width, lo, hi);
            basin_set_color(cr, theme->frame);
            cairo_set_line_width(cr, 0.05 * f);
            cairo_rectangle(cr, box.x, box.y, box.w, box.h);
            cairo_stroke(cr);
        }
    return 0;
}
