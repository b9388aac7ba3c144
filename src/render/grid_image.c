/* grid_image.c: a grid of colours as a cairo image, scaled into a plot area. */
#include "grid_image.h"

#include "engine/error.h"

#include <stdint.h>

int basin_paint_grid(cairo_t *cr, const basin_plot *p, size_t n, bool centred, basin_cell_color color, const void *ctx,
                     const char *what)
{
    cairo_surface_t *image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)n, (int)n);
    if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(image);
        basin_error_set("out of memory drawing %s", what);
        return -1;
    }
    cairo_surface_flush(image);
    unsigned char *pixels = cairo_image_surface_get_data(image);
    int stride = cairo_image_surface_get_stride(image);
    for (size_t row = 0; row < n; row++)
        for (size_t col = 0; col < n; col++) {
            unsigned char rgb[3];
            color(row, col, rgb, ctx);
            uint32_t *px = (uint32_t *)(pixels + row * (size_t)stride) + col;
            *px = (uint32_t)rgb[0] << 16 | (uint32_t)rgb[1] << 8 | rgb[2];
        }
    cairo_surface_mark_dirty(image);
    cairo_save(cr);
    basin_plot_clip(cr, p);
    double cell_w = p->area.w / (double)(centred ? n - 1 : n), cell_h = p->area.h / (double)(centred ? n - 1 : n);
    cairo_translate(cr, p->area.x - (centred ? cell_w / 2 : 0), p->area.y - (centred ? cell_h / 2 : 0));
    cairo_scale(cr, cell_w, cell_h);
    cairo_set_source_surface(cr, image, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(image);
    return 0;
}
