/* dots.c: many round markers of one size at once (see dots.h). */
#include "dots.h"

#include "engine/error.h"
#include "plot.h"

#include <math.h>
#include <stdlib.h>

/* One dot at (x, y): a circle filled, then outlined. */
static void dot(cairo_t *cr, double x, double y, double r, basin_rgb fill, basin_rgb outline, double outline_width)
{
    cairo_new_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    basin_set_color(cr, fill);
    cairo_fill_preserve(cr);
    basin_set_color(cr, outline);
    cairo_set_line_width(cr, outline_width);
    cairo_stroke(cr);
}

int basin_dots(cairo_t *cr, const double *x, const double *y, const size_t *kind, size_t n, const basin_rgb *fills,
               size_t n_kinds, double r, basin_rgb outline, double outline_width)
{
    if (cairo_surface_get_type(cairo_get_target(cr)) != CAIRO_SURFACE_TYPE_IMAGE) {
        for (size_t i = 0; i < n; i++)
            dot(cr, x[i], y[i], r, fills[kind[i]], outline, outline_width);
        return 0;
    }
    /* A stamp per colour: the dot drawn once at the device scale, centred on a pixel corner of an image of
     * even side, made when first needed. */
    double reach = r + outline_width / 2, sx = reach, sy = 0;
    cairo_user_to_device_distance(cr, &sx, &sy);
    double scale = hypot(sx, sy) / reach;
    int half = (int)ceil(scale * reach) + 1, side = 2 * half;
    cairo_surface_t **stamps = calloc(n_kinds, sizeof *stamps);
    cairo_matrix_t to_device;
    cairo_get_matrix(cr, &to_device);
    cairo_save(cr);
    cairo_identity_matrix(cr);
    int status = stamps ? 0 : -1;
    for (size_t i = 0; status == 0 && i < n; i++) {
        cairo_surface_t **stamp = &stamps[kind[i]];
        if (!*stamp) {
            *stamp = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, side, side);
            cairo_t *s = cairo_create(*stamp);
            cairo_translate(s, half, half);
            cairo_scale(s, scale, scale);
            dot(s, 0, 0, r, fills[kind[i]], outline, outline_width);
            status = cairo_status(s) == CAIRO_STATUS_SUCCESS ? 0 : -1;
            cairo_destroy(s);
        }
        double dx = x[i], dy = y[i];
        cairo_matrix_transform_point(&to_device, &dx, &dy);
        dx = round(dx) - half, dy = round(dy) - half;
        cairo_set_source_surface(cr, *stamp, dx, dy);
        cairo_rectangle(cr, dx, dy, side, side);
        cairo_fill(cr);
    }
    cairo_restore(cr);
    for (size_t k = 0; stamps && k < n_kinds; k++)
        cairo_surface_destroy(stamps[k]);
    free(stamps);
    if (status != 0)
        basin_error_set("out of memory drawing %zu dots", n);
    return status;
}
