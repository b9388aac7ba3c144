/* test_loss_plane.c: a landscape over a plane drawn flat: each grid point's colour is viridis at its place
 * on the log scale (closed form: a loss of 10^a), the level sets lie where log10(loss) crosses their
 * levels, and the path is drawn through its points. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "render/colormap.h"
#include "render/loss_plane.h"

#include <math.h>
#include <stdlib.h>

#define G 21

/* The pixel at (x, y) of an RGB24 image. */
static void pixel(cairo_surface_t *image, double x, double y, int rgb[3])
{
    const unsigned char *data = cairo_image_surface_get_data(image);
    int stride = cairo_image_surface_get_stride(image);
    uint32_t p = *(const uint32_t *)(data + (size_t)lround(y) * (size_t)stride + 4 * (size_t)lround(x));
    rgb[0] = (int)(p >> 16 & 255), rgb[1] = (int)(p >> 8 & 255), rgb[2] = (int)(p & 255);
}

static void test_colours_levels_and_path(void **state)
{
    (void)state;
    /* loss = 10^(2a) over a ∈ [−1, 1]: log10 runs from −2 to 2 along a, constant along b */
    double loss[G * G], path_a[3] = {-0.5, 0, 0.5}, path_b[3] = {-0.5, 0, 0.5};
    for (size_t r = 0; r < G; r++)
        for (size_t c = 0; c < G; c++)
            loss[r * G + c] = pow(10, 2 * (-1 + 2.0 * (double)c / (G - 1)));
    basin_loss_plane plane = {.grid = G, .loss = loss, .a_range = {-1, 1}, .b_range = {-1, 1},
                              .path_a = path_a, .path_b = path_b, .path_len = 3, .rgb = {1, 0, 0}};
    assert_true(basin_loss_plane_positive(&plane));
    assert_true(basin_loss_plane_complete(&plane));
    double scale[2] = {INFINITY, -INFINITY};
    basin_loss_plane_widen(&plane, true, scale);
    assert_true(fabs(scale[0] + 2) < 1e-12 && fabs(scale[1] - 2) < 1e-12);

    cairo_surface_t *image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 600, 600);
    cairo_t *cr = cairo_create(image);
    basin_theme theme = basin_theme_make(false, 1);
    basin_plot plot;
    assert_int_equal(basin_loss_plane_draw(cr, (basin_rect){0, 0, 600, 600}, &theme, &plane, scale, true, &plot), 0);
    cairo_destroy(cr);
    cairo_surface_flush(image);
    basin_colormap viridis = basin_colormap_find("viridis");
    /* away from the path and between level sets: at b = 0.8, a at the middle of two levels' places */
    int checked = 0;
    for (int k = 0; k < 12; k++) {
        double level = -2 + 4 * (k + 0.5) / 13.0, a = level / 2; /* halfway between level sets k and k+1 */
        unsigned char want[3];
        basin_colormap_rgb(viridis, (level + 2) / 4, want);
        int got[3];
        pixel(image, basin_plot_x(&plot, a), basin_plot_y(&plot, 0.8), got);
        for (int c = 0; c < 3; c++)
            assert_true(abs(got[c] - want[c]) <= 6);
        checked++;
    }
    assert_int_equal(checked, 12);
    /* a level set: log10(loss) = −2 + 4·7/13 at a = −1 + 2·7/13, drawn in translucent white over the heatmap */
    double a7 = (-2 + 4 * 7 / 13.0) / 2;
    int on = 0, off[3];
    for (int dx = -1; dx <= 1; dx++) { /* a thin antialiased line: the brightest of three pixels */
        int px[3];
        pixel(image, basin_plot_x(&plot, a7) + dx, basin_plot_y(&plot, 0.8), px);
        on = on > px[0] + px[1] + px[2] ? on : px[0] + px[1] + px[2];
    }
    pixel(image, basin_plot_x(&plot, a7) + 6, basin_plot_y(&plot, 0.8), off);
    assert_true(on > off[0] + off[1] + off[2] + 30);
    /* the path's dots in its colour */
    for (int k = 0; k < 3; k++) {
        int dot[3];
        pixel(image, basin_plot_x(&plot, path_a[k]), basin_plot_y(&plot, path_b[k]), dot);
        assert_true(dot[0] > 200 && dot[1] < 60 && dot[2] < 60);
    }
    cairo_surface_destroy(image);
}

/* A grid that fills in coarse to fine shows each missing point as the coarser one covering it; a loss that
 * is not positive turns the log scale off. */
static void test_filling_and_sign(void **state)
{
    (void)state;
    double loss[G * G];
    for (size_t k = 0; k < G * G; k++)
        loss[k] = NAN;
    loss[0] = 3, loss[8 * G + 8] = 5;
    basin_loss_plane plane = {.grid = G, .loss = loss, .a_range = {-1, 1}, .b_range = {-1, 1}};
    assert_false(basin_loss_plane_complete(&plane));
    assert_true(basin_loss_plane_at(&plane, 7, 7) == 3); /* (0, 0) covers it at stride 8 */
    assert_true(basin_loss_plane_at(&plane, 9, 12) == 5);
    assert_true(isnan(basin_loss_plane_at(&plane, 9, 1))); /* (8, 0) is not there yet */
    loss[1] = -1;
    assert_false(basin_loss_plane_positive(&plane));
    double scale[2] = {INFINITY, -INFINITY};
    basin_loss_plane_widen(&plane, false, scale);
    assert_true(scale[0] == -1 && scale[1] == 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colours_levels_and_path),
        cmocka_unit_test(test_filling_and_sign),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
