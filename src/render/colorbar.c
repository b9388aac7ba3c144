/* colorbar.c: a vertical colour bar beside a heatmap. */
#include "colorbar.h"

#include "ticks.h"

#include <math.h>
#include <stdint.h>

double basin_colorbar_room(const basin_theme *theme, double lo, double hi, bool log)
{
    double f = theme->font_size, ticks[32], step = 0, widest = 3 * 0.5 * 0.8 * f;
    size_t n = hi > lo && (!log || lo > 0) ? basin_ticks(lo, hi, log, 8, ticks, 32, &step) : 0;
    char label[64];
    for (size_t k = 0; k < n; k++) { /* a glyph of a label is at most 0.6 em wide */
        basin_tick_label(ticks[k], step, label, sizeof label);
        size_t glyphs = 0;
        for (const char *c = label; *c; c++)
            glyphs += ((unsigned char)*c & 0xc0) != 0x80;
        widest = fmax(widest, (double)glyphs * 0.6 * 0.8 * f);
    }
    return 2.25 * f + widest + 0.4 * f + 1.1 * 0.85 * f; /* gap, bar, tick, labels, gap, caption */
}

basin_rect basin_colorbar_beside(const basin_rect *area, const basin_theme *theme)
{
    double f = theme->font_size;
    return (basin_rect){area->x + area->w + 0.9 * f, area->y, 0.9 * f, area->h};
}

void basin_colorbar_ramp(cairo_t *cr, const basin_theme *theme, basin_rect b, basin_colormap map, double t0, double t1)
{
    cairo_surface_t *ramp = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 256);
    if (cairo_surface_status(ramp) == CAIRO_STATUS_SUCCESS) {
        cairo_surface_flush(ramp);
        unsigned char *data = cairo_image_surface_get_data(ramp);
        int stride = cairo_image_surface_get_stride(ramp);
        for (int k = 0; k < 256; k++) {
            unsigned char rgb[3];
            basin_colormap_rgb(map, t1 + (t0 - t1) * k / 255.0, rgb);
            *(uint32_t *)(data + k * stride) = (uint32_t)rgb[0] << 16 | (uint32_t)rgb[1] << 8 | rgb[2];
        }
        cairo_surface_mark_dirty(ramp);
        cairo_save(cr);
        cairo_rectangle(cr, b.x, b.y, b.w, b.h);
        cairo_clip(cr);
        cairo_translate(cr, b.x, b.y);
        cairo_scale(cr, b.w, b.h / 256);
        cairo_set_source_surface(cr, ramp, 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
        cairo_paint(cr);
        cairo_restore(cr);
    }
    cairo_surface_destroy(ramp);
    basin_set_color(cr, theme->frame);
    cairo_set_line_width(cr, 0.06 * theme->font_size);
    cairo_rectangle(cr, b.x, b.y, b.w, b.h);
    cairo_stroke(cr);
}

void basin_colorbar_text_labels(cairo_t *cr, const basin_theme *theme, basin_rect b, const char *const *labels,
                                const double *fractions, size_t n, const char *caption)
{
    double f = theme->font_size, last = INFINITY; /* the last label's y: the next keeps a line clear of it */
    double widest = 0;
    cairo_save(cr);
    basin_set_color(cr, theme->frame);
    cairo_set_line_width(cr, 0.06 * f);
    for (size_t k = 0; k < n; k++) {
        double y = b.y + b.h * (1 - fractions[k]);
        cairo_move_to(cr, b.x + b.w, y);
        cairo_line_to(cr, b.x + b.w + 0.3 * f, y);
        cairo_stroke(cr);
        if (fabs(y - last) < 1.3 * 0.8 * f)
            continue;
        basin_text(cr, theme, 0.8 * f, theme->muted, b.x + b.w + 0.45 * f, y, 0, 0.5, 0, labels[k]);
        widest = fmax(widest, basin_text_width(cr, theme, 0.8 * f, labels[k]));
        last = y;
    }
    /* the caption reads upwards right of the labels, as an axis label does */
    basin_text(cr, theme, 0.85 * f, theme->text, b.x + b.w + 0.85 * f + widest, b.y + b.h / 2, 0.5, 0, -M_PI / 2, caption);
    cairo_restore(cr);
}

void basin_colorbar_labels(cairo_t *cr, const basin_theme *theme, basin_rect b, const double *ticks,
                          const double *fractions, size_t n, double step, const char *caption)
{
    char text[32][64];
    const char *labels[32];
    n = n < 32 ? n : 32;
    for (size_t k = 0; k < n; k++) {
        basin_tick_label(ticks[k], step, text[k], sizeof text[k]);
        labels[k] = text[k];
    }
    basin_colorbar_text_labels(cr, theme, b, labels, fractions, n, caption);
}

double basin_colorbar_room_labels(const basin_theme *theme, const char *const *labels, size_t n)
{
    double f = theme->font_size, widest = 3 * 0.5 * 0.8 * f;
    for (size_t k = 0; k < n; k++) { /* a glyph of a label is at most 0.6 em wide */
        size_t glyphs = 0;
        for (const char *c = labels[k]; *c; c++)
            glyphs += ((unsigned char)*c & 0xc0) != 0x80;
        widest = fmax(widest, (double)glyphs * 0.6 * 0.8 * f);
    }
    return 2.25 * f + widest + 0.4 * f + 1.1 * 0.85 * f; /* gap, bar, tick, labels, gap, caption */
}

void basin_colorbar(cairo_t *cr, const basin_theme *theme, basin_rect b, basin_colormap map, double t0, double t1,
                    double lo, double hi, bool log, const char *caption)
{
    basin_colorbar_ramp(cr, theme, b, map, t0, t1);
    double ticks[32], fractions[32], step = 0;
    size_t n = 0;
    if (hi > lo && (!log || lo > 0))
        n = basin_ticks(lo, hi, log, (int)fmax(2, b.h / (3 * theme->font_size)), ticks, 32, &step);
    for (size_t k = 0; k < n; k++)
        fractions[k] = log ? (log10(ticks[k]) - log10(lo)) / (log10(hi) - log10(lo)) : (ticks[k] - lo) / (hi - lo);
    basin_colorbar_labels(cr, theme, b, ticks, fractions, n, step, caption);
}
