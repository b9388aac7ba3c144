/* bench_frame.c: the cost of one live frame of the contour view: 1280×800, a 256×256 heatmap, 20
 * contour levels and 5 trajectories of 1,000 points, drawn on one core. It compares a naive frame (the
 * backdrop drawn every time) with the cached frame (backdrop painted from its image, trajectories
 * drawn), and prints the parts. Run: meson test -C build --benchmark --verbose */
#include "lab/lab.h"
#include "render/contour_view.h"
#include "render/theme.h"

#include "engine/error.h"

#include <cairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define FRAMES 60

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef enum { NAIVE, CACHED, BACKDROP_ONLY, RUNS_ONLY } mode;

static double median_frame(mode m, basin_contour_view *v, const basin_lab *lab, const basin_theme *theme)
{
    cairo_surface_t *frame = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1280, 800);
    double ms[FRAMES];
    for (int k = 0; k < FRAMES; k++) {
        double start = now_ms();
        cairo_t *cr = cairo_create(frame);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        if (m == NAIVE || m == BACKDROP_ONLY)
            basin_contour_view_backdrop(v, cr, theme, "rosenbrock", false);
        if (m == CACHED)
            basin_contour_view_backdrop_cached(v, cr, theme, "rosenbrock", false, 1);
        if (m != BACKDROP_ONLY)
            basin_contour_view_runs(v, cr, lab, theme, SIZE_MAX);
        cairo_destroy(cr);
        cairo_surface_flush(frame);
        ms[k] = now_ms() - start;
    }
    cairo_surface_destroy(frame);
    qsort(ms, FRAMES, sizeof *ms, compare);
    return ms[FRAMES / 2];
}

int main(void)
{
    basin_lab_entries e = {0};
    static const char *const opts[5] = {"sgd:lr=0.0005,momentum=0.9", "adam:lr=0.01", "rmsprop:lr=0.002",
                                        "sgd:lr=0.001", "adagrad:lr=0.3"};
    static const char *const starts[5] = {"-1.5,2", "-1,2.5", "1.5,-0.5", "-1.8,-0.5", "0.5,2.8"};
    int ok = basin_lab_add(&e, "lab", "surface", "rosenbrock", "bench") == 0 &&
             basin_lab_add(&e, "lab", "steps", "999", "bench") == 0 && basin_lab_add(&e, "lab", "levels", "20", "bench") == 0;
    for (int i = 0; i < 5 && ok; i++) {
        char label[16];
        snprintf(label, sizeof label, "run %d", i);
        ok = basin_lab_add(&e, label, "opt", opts[i], "bench") == 0 && basin_lab_add(&e, label, "start", starts[i], "bench") == 0;
    }
    basin_lab lab;
    if (!ok || basin_lab_build(&lab, &e) != 0 || basin_lab_simulate(&lab) != 0) {
        fprintf(stderr, "bench_frame: %s\n", basin_error_message());
        return 1;
    }
    basin_lab_entries_free(&e);
    basin_theme theme = basin_theme_make(false, 1);
    basin_contour_view v;
    if (basin_contour_view_init(&v, &lab, (basin_rect){0, 0, 1280, 800}, &theme, 256) != 0) {
        fprintf(stderr, "bench_frame: %s\n", basin_error_message());
        return 1;
    }
    size_t points = 0;
    for (size_t i = 0; i < lab.n_runs; i++)
        points += lab.runs[i].run->trace.len;
    double naive = median_frame(NAIVE, &v, &lab, &theme), cached = median_frame(CACHED, &v, &lab, &theme);
    double backdrop = median_frame(BACKDROP_ONLY, &v, &lab, &theme), runs = median_frame(RUNS_ONLY, &v, &lab, &theme);
    printf("frame 1280x800, heatmap 256x256, %d levels, %zu trajectories, %zu points\n", v.n_levels, lab.n_runs,
           points);
    printf("frame_ms_median naive=%.2f cached=%.2f (backdrop=%.2f trajectories=%.2f) budget=8.00\n", naive, cached,
           backdrop, runs);
    basin_contour_view_free(&v);
    basin_lab_free(&lab);
    return 0;
}
