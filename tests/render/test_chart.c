/* test_chart.c: the general charts drawn on an image and read back: histogram bars as tall as their
 * counts (or densities), bars as tall as their values, a line chart on a log axis through its points. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "render/chart.h"

#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double red[3] = {1, 0, 0};

static cairo_surface_t *canvas(cairo_t **cr)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 600, 400);
    *cr = cairo_create(s);
    cairo_set_source_rgb(*cr, 1, 1, 1);
    cairo_paint(*cr);
    return s;
}

static bool is_red(cairo_surface_t *s, double x, double y)
{
    cairo_surface_flush(s);
    uint32_t v = *(uint32_t *)(cairo_image_surface_get_data(s) + (int)y * cairo_image_surface_get_stride(s) + 4 * (int)x);
    return (v >> 16 & 0xff) > 200 && (v >> 8 & 0xff) < 80 && (v & 0xff) < 80;
}

/* The bar spanning [x0, x1] reaches exactly height value: solid just below it, not just above. */
static void expect_bar(cairo_surface_t *s, const basin_plot *p, double x0, double x1, double value)
{
    double x = basin_plot_x(p, (x0 + x1) / 2), top = basin_plot_y(p, value);
    if (!is_red(s, x, top + 2) || is_red(s, x, top - 2))
        fail_msg("the bar over [%g, %g] does not end at %g (pixel row %.1f)", x0, x1, value, top);
}

static void test_histogram(void **state)
{
    (void)state;
    cairo_t *cr;
    cairo_surface_t *s = canvas(&cr);
    basin_theme theme = basin_theme_make(false, 1);
    double values[] = {0.1, 1.1, 1.2, 2.1, 2.2, 2.3, 3.1, 3.2, 3.3, 3.4, 4}; /* 1, 2, 3, 5 per unit bin */
    basin_plot p = basin_chart_histogram(cr, (basin_rect){0, 0, 600, 400}, &theme, values, 11, 4, false, red, "h", "λ");
    double lo = 0.1, w = (4 - 0.1) / 4;
    int counts[4] = {1, 2, 3, 5};
    for (int b = 0; b < 4; b++)
        expect_bar(s, &p, lo + b * w, lo + (b + 1) * w, counts[b]);
    cairo_destroy(cr);
    cairo_surface_destroy(s);

    s = canvas(&cr); /* as a density, the bars' area is 1 */
    p = basin_chart_histogram(cr, (basin_rect){0, 0, 600, 400}, &theme, values, 11, 4, true, red, "h", "λ");
    expect_bar(s, &p, lo + 3 * w, lo + 4 * w, 5 / (11 * w));
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

static void test_bars(void **state)
{
    (void)state;
    cairo_t *cr;
    cairo_surface_t *s = canvas(&cr);
    basin_theme theme = basin_theme_make(false, 1);
    const char *names[] = {"layer 1", "layer 2", "layer 3"};
    double variances[] = {1, 0.1, 0.01};
    basin_plot p = basin_chart_bars(cr, (basin_rect){0, 0, 600, 400}, &theme, names, variances, 3, true, red, "Var", "σ²");
    for (int i = 0; i < 3; i++)
        expect_bar(s, &p, i + 0.15, i + 0.85, variances[i]);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

static void test_lines_on_a_log_axis(void **state)
{
    (void)state;
    cairo_t *cr;
    cairo_surface_t *s = canvas(&cr);
    basin_theme theme = basin_theme_make(false, 2); /* thick lines */
    double x[] = {0, 1, 2, 3, 4}, y[] = {1, 1e-2, 1e-4, -1, 1e-8}; /* −1 cannot sit on a log axis: a gap */
    basin_series line = {.x = x, .y = y, .n = 5, .rgb = {1, 0, 0}};
    basin_plot p = basin_chart_lines(cr, (basin_rect){0, 0, 600, 400}, &theme, &line, 1, true, "loss", "step", "f");
    assert_true(p.ylog);
    assert_true(is_red(s, basin_plot_x(&p, 0.5), basin_plot_y(&p, 1e-1))); /* geometric midpoint on the line */
    assert_true(is_red(s, basin_plot_x(&p, 1.5), basin_plot_y(&p, 1e-3)));
    assert_false(is_red(s, basin_plot_x(&p, 3.5), basin_plot_y(&p, 1e-6))); /* the gap around −1 */
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

static bool is_blue(cairo_surface_t *s, double x, double y)
{
    cairo_surface_flush(s);
    uint32_t v = *(uint32_t *)(cairo_image_surface_get_data(s) + (int)y * cairo_image_surface_get_stride(s) + 4 * (int)x);
    return (v & 0xff) > 200 && (v >> 16 & 0xff) < 80 && (v >> 8 & 0xff) < 80;
}

/* A red run of five points and a blue one sharing its first three: blue is a thin line inside red where they
 * share points, so both show (blue on the line, red a little beside it), and then goes its own way: ended
 * (a run stopped early: red alone after it) or parted (blue at full width after it). */
static void test_coinciding_lines_both_show(void **state)
{
    (void)state;
    double x[] = {0, 1, 2, 3, 4}, y[] = {1, 1, 1, 1, 1}, parts[] = {1, 1, 1, 2, 3};
    for (int parted = 0; parted < 2; parted++) {
        cairo_t *cr;
        cairo_surface_t *s = canvas(&cr);
        basin_theme theme = basin_theme_make(false, 3); /* lines 4.8 points wide */
        basin_series lines[2] = {{.x = x, .y = y, .n = 5, .rgb = {1, 0, 0}},
                                 {.x = x, .y = parted ? parts : y, .n = parted ? 5 : 3, .rgb = {0, 0, 1}}};
        assert_int_equal(basin_series_shared_prefix(&lines[0], &lines[1]), 3);
        basin_series_mark_inner(lines, 2);
        assert_int_equal(lines[0].inner, 0);
        assert_int_equal(lines[1].inner, 3);
        basin_plot p = basin_chart_lines(cr, (basin_rect){0, 0, 600, 400}, &theme, lines, 2, false, "loss", "step", NULL);
        double px = basin_plot_x(&p, 0.5), py = basin_plot_y(&p, 1);
        assert_true(is_blue(s, px, py));
        assert_true(is_red(s, px, py + 1.7)); /* beside the thin line (1.9 wide), inside the wide one (4.8) */
        if (parted) { /* at full width after parting: blue 1.7 points beside its centre */
            assert_true(is_blue(s, basin_plot_x(&p, 3.5), basin_plot_y(&p, 2.5) + 1.7));
            assert_true(is_red(s, basin_plot_x(&p, 3.5), py));
        } else {
            assert_true(is_red(s, basin_plot_x(&p, 3.5), py));
        }
        cairo_destroy(cr);
        cairo_surface_destroy(s);
    }
}

/* A run that diverges (to 1e300, then inf) beside one that converges to 1e-20: the axes fit the
 * converging run, whose curve shows at its own points, and the diverged one is marked (a blue triangle)
 * at the top edge above the step where it left. */
static void test_a_diverging_run_hides_no_other(void **state)
{
    (void)state;
    cairo_t *cr;
    cairo_surface_t *s = canvas(&cr);
    basin_theme theme = basin_theme_make(false, 2);
    enum { N = 41 };
    double x[N], down[N], up[N];
    for (int i = 0; i < N; i++)
        x[i] = i, down[i] = pow(10, -0.5 * i), up[i] = i < 30 ? pow(10, 10.0 * i) : INFINITY;
    basin_series runs[2] = {{.x = x, .y = down, .n = N, .rgb = {1, 0, 0}},
                            {.x = x, .y = up, .n = N, .rgb = {0, 0, 1}, .end_cross = true}};
    basin_plot p = basin_chart_lines(cr, (basin_rect){0, 0, 600, 400}, &theme, runs, 2, true, "loss", "step", "f");
    assert_true(p.ymax < 1e3 && p.ymin < 1e-19);
    for (int i = 5; i < N; i += 10)
        if (!is_red(s, basin_plot_x(&p, i + 0.5), basin_plot_y(&p, pow(10, -0.5 * (i + 0.5)))))
            fail_msg("the converging run is not drawn at step %g", i + 0.5);
    assert_true(is_blue(s, basin_plot_x(&p, 1), p.area.y + 2.2 * theme.line_width));
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* f − f* reaching exactly 0 on a log axis (beside a run going down to 1e-12): the line drops from its last
 * point to the axis floor and a disc marks the step. */
static void test_exact_convergence_drops_to_the_floor(void **state)
{
    (void)state;
    cairo_t *cr;
    cairo_surface_t *s = canvas(&cr);
    basin_theme theme = basin_theme_make(false, 2);
    double x[] = {0, 1, 2, 3, 4}, y[] = {1, 1e-2, 1e-4, 0, 0}, other[] = {1, 1e-3, 1e-6, 1e-9, 1e-12};
    basin_series lines[2] = {{.x = x, .y = y, .n = 5, .rgb = {1, 0, 0}}, {.x = x, .y = other, .n = 5, .rgb = {0, 0, 1}}};
    basin_plot p = basin_chart_lines(cr, (basin_rect){0, 0, 600, 400}, &theme, lines, 2, true, "loss", "step", "f − f*");
    double floor = p.area.y + p.area.h - 2.2 * theme.line_width;
    assert_true(is_red(s, basin_plot_x(&p, 3), floor));                   /* the disc */
    double bottom = p.area.y + p.area.h; /* the drop: from step 2's point to the floor at step 3 */
    bool drop = false; /* a steep line: red within a few pixels of the segment's midpoint */
    for (int dx = -3; dx <= 3; dx++)
        drop = drop || is_red(s, basin_plot_x(&p, 2.5) + dx, (basin_plot_y(&p, 1e-4) + bottom) / 2);
    assert_true(drop);
    assert_false(is_red(s, basin_plot_x(&p, 3.5), floor - 12));           /* nothing after it */
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* A series of one point (a network with one hidden layer in the layers view) shows as a dot. */
static void test_a_lone_point_shows(void **state)
{
    (void)state;
    cairo_t *cr;
    cairo_surface_t *s = canvas(&cr);
    basin_theme theme = basin_theme_make(false, 2);
    double x[] = {1}, y[] = {0.5}, x2[] = {0, 2}, y2[] = {0.1, 1};
    basin_series lines[2] = {{.x = x, .y = y, .n = 1, .rgb = {1, 0, 0}}, {.x = x2, .y = y2, .n = 2, .rgb = {0, 0, 1}}};
    basin_plot p = basin_chart_lines(cr, (basin_rect){0, 0, 600, 400}, &theme, lines, 2, true, NULL, NULL, NULL);
    assert_true(is_red(s, basin_plot_x(&p, 1), basin_plot_y(&p, 0.5)));
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* An x axis of whole numbers (layers 1 to 8) gets whole-number ticks only, read back from the text drawn:
 * in a wide panel (a step of 1 would do) and a narrow one (where the nicest step would be 2.5). */
static void test_counts_get_whole_ticks(void **state)
{
    (void)state;
    for (int narrow = 0; narrow < 2; narrow++) {
        cairo_t *cr;
        cairo_surface_t *s = canvas(&cr);
        basin_text_boxes boxes = {0};
        basin_text_boxes_record(cr, &boxes);
        basin_theme theme = basin_theme_make(false, 1);
        double x[] = {1, 2, 3, 4, 5, 6, 7, 8}, y[] = {1, 2, 3, 2, 1, 2, 3, 1};
        basin_series line = {.x = x, .y = y, .n = 8, .rgb = {1, 0, 0}};
        basin_plot p = basin_chart_lines(cr, (basin_rect){0, 0, narrow ? 230 : 600, 400}, &theme, &line, 1, false,
                                         NULL, NULL, NULL);
        int labels = 0;
        for (size_t i = 0; i < boxes.n; i++) {
            if (boxes.box[i].y0 < p.area.y + p.area.h) /* not under the area: the y axis's labels */
                continue;
            labels++;
            if (strchr(boxes.box[i].text, '.'))
                fail_msg("a fractional tick '%s' on an axis of whole numbers", boxes.box[i].text);
        }
        assert_true(labels >= 3);
        free(boxes.box);
        cairo_destroy(cr);
        cairo_surface_destroy(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_histogram),
        cmocka_unit_test(test_bars),
        cmocka_unit_test(test_lines_on_a_log_axis),
        cmocka_unit_test(test_coinciding_lines_both_show),
        cmocka_unit_test(test_a_diverging_run_hides_no_other),
        cmocka_unit_test(test_exact_convergence_drops_to_the_floor),
        cmocka_unit_test(test_counts_get_whole_ticks),
        cmocka_unit_test(test_a_lone_point_shows),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    cairo_debug_reset_static_data();
    return failed;
}
