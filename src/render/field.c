/* field.c: sampling, scaling and colouring a 2-D loss. */
#include "field.h"

#include "engine/error.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Picks the colour scale of field's values (f filled in): the range, the log reference, the floor. */
static int choose_scale(basin_field *field, double f_min, basin_level_scale scale)
{
    size_t n = field->nx * field->ny, finite = 0;
    double *sorted = malloc(n * sizeof *sorted);
    if (!sorted) {
        basin_field_free(field);
        basin_error_set("out of memory for a %zu×%zu grid", field->nx, field->ny);
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        if (isfinite(field->f[k]))
            sorted[finite++] = field->f[k];
    if (finite == 0) {
        free(sorted);
        basin_field_free(field);
        basin_error_set("the surface has no finite value in the window");
        return -1;
    }
    qsort(sorted, finite, sizeof *sorted, compare);
    field->lo = sorted[0];
    field->hi = sorted[finite - 1];
    field->ref = isfinite(f_min) && f_min <= field->lo ? f_min : field->lo;
    /* Measured on the classic surfaces' usual windows, top / 10th percentile above the minimum is 325 for
     * Rosenbrock, 2e4 for Beale, 122 for the six-hump camel (log is the readable scale) and at most 67
     * for bowls and rippled surfaces (quadratics, Booth, Himmelblau, Rastrigin, Ackley). */
    double low = sorted[finite / 10] - field->ref, top = field->hi - field->ref;
    free(sorted);
    field->log = scale == BASIN_LEVELS_LOG || (scale == BASIN_LEVELS_AUTO && top > 100 * low);
    field->floor = fmax(field->lo - field->ref, top * 1e-6);
    if (!(field->floor > 0))
        field->floor = 1e-300;
    if (!(field->hi > field->lo)) /* a flat window: any scale maps it to the middle */
        field->log = false;
    return 0;
}

/* An empty field of nx × ny over window, its values allocated. */
static int field_alloc(basin_field *field, const double window[4], size_t nx, size_t ny)
{
    *field = (basin_field){.nx = nx, .ny = ny};
    memcpy(field->window, window, sizeof field->window);
    if (!(field->f = malloc(nx * ny * sizeof *field->f))) {
        basin_error_set("out of memory for a %zu×%zu grid", nx, ny);
        return -1;
    }
    return 0;
}

int basin_field_sample(basin_field *field, const basin_problem *p, const double window[4], size_t nx, size_t ny,
                       basin_level_scale scale)
{
    if (field_alloc(field, window, nx, ny) != 0)
        return -1;
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            double w[2] = {window[0] + (window[1] - window[0]) * (double)i / (double)(nx - 1),
                           window[2] + (window[3] - window[2]) * (double)j / (double)(ny - 1)};
            field->f[j * nx + i] = basin_problem_eval(p, w, NULL);
        }
    return choose_scale(field, p->f_min, scale);
}

int basin_field_from_values(basin_field *field, const double *values, const double window[4], size_t nx, size_t ny,
                            double f_min, basin_level_scale scale)
{
    if (field_alloc(field, window, nx, ny) != 0)
        return -1;
    memcpy(field->f, values, nx * ny * sizeof *values);
    return choose_scale(field, f_min, scale);
}

void basin_field_free(basin_field *field)
{
    free(field->f);
    *field = (basin_field){0};
}

double basin_field_fraction(const basin_field *field, double v)
{
    if (!isfinite(v))
        return NAN;
    if (field->log) {
        double low = log10(field->floor), high = log10(field->hi - field->ref);
        return (log10(fmax(v - field->ref, field->floor)) - low) / (high - low);
    }
    return field->hi > field->lo ? (v - field->lo) / (field->hi - field->lo) : 0.5;
}

double basin_field_value(const basin_field *field, double t)
{
    if (field->log) {
        double low = log10(field->floor), high = log10(field->hi - field->ref);
        return field->ref + pow(10, low + t * (high - low));
    }
    return field->lo + t * (field->hi - field->lo);
}

cairo_surface_t *basin_field_image(const basin_field *field, basin_colormap map)
{
    cairo_surface_t *image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)field->nx, (int)field->ny);
    if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS)
        return NULL;
    cairo_surface_flush(image);
    unsigned char *data = cairo_image_surface_get_data(image);
    int stride = cairo_image_surface_get_stride(image);
    for (size_t j = 0; j < field->ny; j++) {
        uint32_t *row = (uint32_t *)(data + (size_t)stride * (field->ny - 1 - j));
        for (size_t i = 0; i < field->nx; i++) {
            unsigned char rgb[3];
            double t = basin_field_fraction(field, field->f[j * field->nx + i]);
            basin_colormap_rgb(map, isnan(t) ? 1 : t, rgb); /* overflowing values show as the top colour */
            row[i] = (uint32_t)rgb[0] << 16 | (uint32_t)rgb[1] << 8 | rgb[2];
        }
    }
    cairo_surface_mark_dirty(image);
    return image;
}
