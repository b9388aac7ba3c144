/* test_contour.c: marching squares on functions with known level sets (circles of a paraboloid, the
 * hyperbolas and axes of a saddle, the two saddle-cell cases), and nice ticks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "render/contour.h"
#include "render/relief.h"
#include "render/ticks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N 101 /* grid points per side over [-2, 2] (the saddle test uses an even count, below) */

static int grid_n = N;  /* the grid in use */
static double radius;   /* the circle being checked */

typedef struct collected {
    double worst;  /* the largest |g(x, y)| over segment ends, g = 0 on the exact level set */
    double length; /* total length in data units */
    size_t count;
    double (*g)(double x, double y);
    double pts[8][4];
} collected;

static double to_data(double i)
{
    return -2 + 4 * i / (grid_n - 1);
}

static void collect(double i0, double j0, double i1, double j1, void *user)
{
    collected *c = user;
    double x0 = to_data(i0), y0 = to_data(j0), x1 = to_data(i1), y1 = to_data(j1);
    if (c->g)
        c->worst = fmax(c->worst, fmax(fabs(c->g(x0, y0)), fabs(c->g(x1, y1))));
    c->length += hypot(x1 - x0, y1 - y0);
    if (c->count < 8) {
        double seg[4] = {i0, j0, i1, j1};
        memcpy(c->pts[c->count], seg, sizeof seg);
    }
    c->count++;
}

static double radius_error(double x, double y)
{
    return hypot(x, y) - radius;
}

static double hyperbola_error(double x, double y)
{
    return x * y - 0.5;
}

static double axes_error(double x, double y)
{
    return fmin(fabs(x), fabs(y));
}

static void fill(double *f, double (*fn)(double, double))
{
    for (int j = 0; j < grid_n; j++)
        for (int i = 0; i < grid_n; i++)
            f[j * grid_n + i] = fn(to_data(i), to_data(j));
}

static double paraboloid(double x, double y)
{
    return x * x + y * y;
}

static double saddle(double x, double y)
{
    return x * y;
}

static void test_paraboloid_circles(void **state)
{
    (void)state;
    static double f[N * N];
    grid_n = N;
    fill(f, paraboloid);
    for (radius = 0.5; radius <= 1.75; radius += 0.25) {
        /* Along an edge [x₀, x₀+h] the function is t² + const; interpolating it linearly puts the
         * crossing (r − x₀)(x₀ + h − r)/(2x₀ + h) ≤ h²/(4(2r − h)) away, and the radius moves less. */
        double h = 4.0 / (N - 1), bound = h * h / (4 * (2 * radius - h));
        collected e = {.g = radius_error};
        basin_contour_segments(f, N, N, radius * radius, collect, &e);
        if (e.worst > bound)
            fail_msg("circle r=%g: an end lies %.3g off the circle (bound %.3g)", radius, e.worst, bound);
        assert_close(e.length, 2 * M_PI * radius, 0.001 * 2 * M_PI * radius);
    }
    collected none = {0};
    assert_int_equal(basin_contour_segments(f, N, N, 100, collect, &none), 0); /* above every value */
}

static void test_saddle_level_sets(void **state)
{
    (void)state;
    /* An even grid: no grid point lies on an axis, so no value equals the level exactly. */
    enum { M = 100 };
    static double f[M * M];
    grid_n = M;
    fill(f, saddle);
    collected hyp = {.g = hyperbola_error};
    basin_contour_segments(f, M, M, 0.5, collect, &hyp);
    assert_true(hyp.count > 50);
    assert_true(hyp.worst < 2e-3);
    /* xy is linear along every cell edge, so the crossings of level 0 are exact: the two axes. Only the
     * centre cell is a saddle: its mean 0 is not above the level, so it cuts its two inside corners
     * with diagonals of length h/√2 instead of crossing with two axis pieces of length h. */
    collected axes = {.g = axes_error};
    basin_contour_segments(f, M, M, 0, collect, &axes);
    double h = 4.0 / (M - 1);
    assert_true(axes.worst < 1e-15);
    assert_close(axes.length, 8 - (2 - sqrt(2)) * h, 1e-12);
}

/* One cell with a and c above, b and d below (case 5): the mean decides which corners are joined. */
static void test_ambiguous_cells(void **state)
{
    (void)state;
    double grid[4] = {1, -1,  /* row 0: a = (0,0), b = (1,0) */
                      -1, 1}; /* row 1: d = (0,1), c = (1,1) */
    collected c = {0};
    /* Level 0.2: the mean 0 is below, so the inside corners a and c are cut off separately. */
    assert_int_equal(basin_contour_segments(grid, 2, 2, 0.2, collect, &c), 2);
    /* Segment around a joins the left and bottom edges: one end has i = 0, the other j = 0. */
    assert_close(c.pts[0][0], 0, 0);
    assert_close(c.pts[0][3], 0, 0);
    assert_close(c.pts[0][1], 0.4, 1e-15); /* (0.2 − 1)/(−1 − 1) along a→d */
    /* Level −0.2: the mean is above; the outside corners b and d are cut off instead. */
    collected d = {0};
    assert_int_equal(basin_contour_segments(grid, 2, 2, -0.2, collect, &d), 2);
    assert_close(d.pts[0][1], 0, 0);  /* around b: from the bottom edge ... */
    assert_close(d.pts[0][2], 1, 0);  /* ... to the right edge */
    /* A non-finite corner skips the cell. */
    grid[0] = NAN;
    collected n = {0};
    assert_int_equal(basin_contour_segments(grid, 2, 2, 0, collect, &n), 0);
}

static void test_ticks(void **state)
{
    (void)state;
    double t[32], step;
    size_t n = basin_ticks(0, 1, false, 5, t, 32, &step);
    assert_int_equal(n, 6);
    assert_close(step, 0.2, 1e-15);
    assert_close(t[5], 1, 1e-12);
    n = basin_ticks(-2.7, 3.1, false, 6, t, 32, &step);
    assert_close(step, 1, 0);
    assert_close(t[0], -2, 0);
    assert_int_equal(n, 6);
    /* a short axis whose nice step would leave one tick (8 to 30 by 20): a finer step gives at least two */
    n = basin_ticks(8, 30, false, 2, t, 32, &step);
    assert_true(n >= 2);
    assert_close(step, 10, 0);
    assert_close(t[0], 10, 0);
    n = basin_ticks(1e-3, 250, true, 6, t, 32, &step);
    assert_close(step, 0, 0);
    assert_int_equal(n, 6);
    assert_close(t[0], 1e-3, 1e-18);
    char label[32];
    basin_tick_label(1e-3, 0, label, sizeof label);
    assert_string_equal(label, "10⁻³");
    basin_tick_label(0.25, 0.25, label, sizeof label);
    assert_string_equal(label, "0.25");
    basin_tick_label(-2, 1, label, sizeof label);
    assert_string_equal(label, "−2");
    basin_tick_label(2500, 500, label, sizeof label);
    assert_string_equal(label, "2500");
    /* a log axis over a decade and a half: 1, 2 and 5 times the powers of ten, labelled so */
    n = basin_ticks(0.006, 0.15, true, 6, t, 32, &step);
    assert_close(step, -1, 0);
    static const double want[] = {0.01, 0.02, 0.05, 0.1};
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        assert_close(t[i], want[i], 1e-15);
    basin_tick_label(0.05, -1, label, sizeof label);
    assert_string_equal(label, "5·10⁻²");
    basin_tick_label(0.1, -1, label, sizeof label);
    assert_string_equal(label, "10⁻¹");
}

/* The 3-D view's relief of Rosenbrock's narrow valley (log scale): no sample lies more than the allowed dip
 * below all its neighbours (no spikes), the lowest 3 % lie flat, the heights stay in [0, 1], and the height
 * between samples is the bilinear interpolation of the four around it. */
static void test_relief(void **state)
{
    (void)state;
    basin_problem *p = support_problem("rosenbrock");
    basin_field field = {0};
    const double window[4] = {-2, 2, -1, 3};
    assert_int_equal(basin_field_sample(&field, p, window, 128, 128, BASIN_LEVELS_AUTO), 0);
    assert_true(field.log);
    size_t n = 128;
    float *h = malloc(n * n * sizeof *h);
    basin_relief_heights(&field, h);
    size_t dips = 0, lowest = 0;
    float bottom = INFINITY;
    for (size_t k = 0; k < n * n; k++)
        bottom = fminf(bottom, h[k]);
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++) {
            float v = h[j * n + i], least = INFINITY;
            assert_true(v >= 0 && v <= 1);
            lowest += v == bottom;
            for (size_t jj = j ? j - 1 : j; jj <= j + 1 && jj < n; jj++)
                for (size_t ii = i ? i - 1 : i; ii <= i + 1 && ii < n; ii++)
                    if (ii != i || jj != j)
                        least = fminf(least, h[jj * n + ii]);
            dips += v < least - (float)BASIN_RELIEF_DIP - 1e-6f;
        }
    /* without the relief's rules the valley's samples stand out: count them for the record */
    size_t raw_dips = 0;
    for (size_t j = 1; j + 1 < n; j++)
        for (size_t i = 1; i + 1 < n; i++) {
            double t = basin_field_fraction(&field, field.f[j * n + i]), least = INFINITY;
            for (int dj = -1; dj <= 1; dj++)
                for (int di = -1; di <= 1; di++)
                    if (di || dj)
                        least = fmin(least, basin_field_fraction(&field, field.f[(j + (size_t)dj) * n + i + (size_t)di]));
            raw_dips += t < least - BASIN_RELIEF_DIP;
        }
    print_message("samples deeper than their neighbours by the allowed dip: %zu of the raw fractions, %zu of the relief; "
                  "%zu samples flat at the bottom\n", raw_dips, dips, lowest);
    assert_true(raw_dips > 10);
    assert_int_equal(dips, 0);
    assert_true(lowest >= (size_t)(BASIN_RELIEF_FLAT * (double)(n * n)));
    assert_close(basin_relief_height_at(h, n, n, 5, 7), h[7 * n + 5], 0);
    assert_close(basin_relief_height_at(h, n, n, 5.5, 7.5), (h[7 * n + 5] + h[7 * n + 6] + h[8 * n + 5] + h[8 * n + 6]) / 4.0, 1e-7);
    assert_close(basin_relief_height_at(h, n, n, -3, 500), h[(n - 1) * n], 0); /* clamped to the grid */
    free(h);
    basin_field_free(&field);
    basin_problem_destroy(p);
}

/* A field made from values (a landscape's grid) picks the scale a sampled problem gets: Rosenbrock's values
 * evaluated here by hand give the same range, reference, log scale and floor as sampling it; with an unknown
 * minimum the reference is the grid's least value; a grid of no finite value is refused. */
static void test_field_from_values(void **state)
{
    (void)state;
    basin_problem *p = support_problem("rosenbrock");
    const double window[4] = {-2, 2, -1, 3};
    const size_t G = 64;
    double *values = malloc(G * G * sizeof *values);
    for (size_t j = 0; j < G; j++)
        for (size_t i = 0; i < G; i++) {
            double x = -2 + 4.0 * (double)i / (G - 1), y = -1 + 4.0 * (double)j / (G - 1);
            values[j * G + i] = (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
        }
    basin_field sampled, given, unknown;
    assert_int_equal(basin_field_sample(&sampled, p, window, G, G, BASIN_LEVELS_AUTO), 0);
    assert_int_equal(basin_field_from_values(&given, values, window, G, G, 0, BASIN_LEVELS_AUTO), 0);
    assert_true(given.log && sampled.log);
    assert_close(given.lo, sampled.lo, 1e-12);
    assert_close(given.hi, sampled.hi, 1e-9);
    assert_close(given.floor, sampled.floor, 1e-12);
    assert_int_equal(given.ref, 0);
    assert_int_equal(basin_field_from_values(&unknown, values, window, G, G, NAN, BASIN_LEVELS_AUTO), 0);
    assert_close(unknown.ref, unknown.lo, 0);
    for (size_t k = 0; k < G * G; k++)
        values[k] = NAN;
    basin_field none;
    assert_int_equal(basin_field_from_values(&none, values, window, G, G, NAN, BASIN_LEVELS_AUTO), -1);
    assert_null(none.f);
    basin_field_free(&sampled), basin_field_free(&given), basin_field_free(&unknown);
    free(values);
    basin_problem_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paraboloid_circles),
        cmocka_unit_test(test_saddle_level_sets),
        cmocka_unit_test(test_ambiguous_cells),
        cmocka_unit_test(test_ticks),
        cmocka_unit_test(test_relief),
        cmocka_unit_test(test_field_from_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
