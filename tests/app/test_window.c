/* test_window.c: the real window under Xvfb (llvmpipe), driven by injected input (basin open --script)
 * and checked through its screenshots: it draws the lab; space plays the runs; a click moves the runs'
 * start to where the click was; ? shows the help overlay; --frames/--screenshot and --bench-frames work;
 * a missing display is a clear error. Run by meson under xvfb-run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int setup(void **state)
{
    (void)state;
    return support_tmpdir_create("/tmp/basin-window");
}

static int teardown(void **state)
{
    (void)state;
    return support_tmpdir_remove();
}

/* Runs basin with arguments; returns its exit status, its output into out (if non-NULL). */
static int basin(char *out, size_t size, const char *args)
{
    char command[2048];
    snprintf(command, sizeof command, "cd '%s' && '%s' %s 2>&1", support_tmpdir(), getenv("BASIN_EXE"), args);
    FILE *p = popen(command, "r");
    assert_non_null(p);
    size_t n = fread(out ? out : (char[4096]){0}, 1, out ? size - 1 : 4095, p);
    if (out)
        out[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

typedef struct shot {
    cairo_surface_t *image;
    int w, h;
} shot;

static shot load(const char *path)
{
    shot s = {cairo_image_surface_create_from_png(path), 0, 0};
    if (cairo_surface_status(s.image) != CAIRO_STATUS_SUCCESS)
        fail_msg("no screenshot %s", path);
    s.w = cairo_image_surface_get_width(s.image);
    s.h = cairo_image_surface_get_height(s.image);
    return s;
}

static void rgb_at(const shot *s, int x, int y, int rgb[3])
{
    uint32_t v = *(uint32_t *)(cairo_image_surface_get_data(s->image) + y * cairo_image_surface_get_stride(s->image) + 4 * x);
    rgb[0] = v >> 16 & 0xff;
    rgb[1] = v >> 8 & 0xff;
    rgb[2] = v & 0xff;
}

static bool near(const int a[3], unsigned hex, int tolerance)
{
    int b[3] = {(int)(hex >> 16 & 0xff), (int)(hex >> 8 & 0xff), (int)(hex & 0xff)};
    return abs(a[0] - b[0]) <= tolerance && abs(a[1] - b[1]) <= tolerance && abs(a[2] - b[2]) <= tolerance;
}

/* Pixels of colour hex in the box. */
static long count(const shot *s, unsigned hex, int x0, int y0, int x1, int y1)
{
    long n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            int rgb[3];
            rgb_at(s, x, y, rgb);
            n += near(rgb, hex, 24);
        }
    return n;
}

static const unsigned gd_blue = 0x1f77b4, momentum_orange = 0xff7f0e;

static void test_scripted_session(void **state)
{
    (void)state;
    FILE *f = fopen(support_tmp("session.txt"), "w");
    fprintf(f, "# the session a person would have\n"
               "wait 2\nscreenshot %s\n"
               "key space\nwait 30\nscreenshot %s\n"
               "click 560 430\nwait 2\nscreenshot %s\n"
               "key question\nwait 1\nscreenshot %s\nquit\n",
            support_tmp("paused.png"), support_tmp("played.png"), support_tmp("clicked.png"), support_tmp("help.png"));
    fclose(f);
    char args[1024], out[4096];
    snprintf(args, sizeof args, "open '%s/quadratic.ini' --set lab.views=contour --script '%s'", BASIN_DEMOS_DIR,
             support_tmp("session.txt"));
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin open failed: %s", out);

    shot paused = load(support_tmp("paused.png")), played = load(support_tmp("played.png"));
    shot clicked = load(support_tmp("clicked.png")), help = load(support_tmp("help.png"));
    assert_int_equal(paused.w, 1280);
    assert_int_equal(paused.h, 800);

    /* Paused at step 0 only the start markers show; thirty frames of play draw the paths. */
    long before = count(&paused, gd_blue, 0, 0, 1280, 760), after = count(&played, gd_blue, 0, 0, 1280, 760);
    print_message("GD's colour: %ld pixels paused, %ld after playing\n", before, after);
    assert_true(after > before + 500);

    /* The click moved every run's start there: one disc, GD's wedge on the right, momentum's on the left. */
    int rgb[3], left[3];
    rgb_at(&clicked, 563, 430, rgb);
    rgb_at(&clicked, 557, 430, left);
    if (!near(rgb, gd_blue, 40) || !near(left, momentum_orange, 40))
        fail_msg("the shared start marker is not at the click: pixels (563, 430) and (557, 430) are (%d, %d, %d) and "
                 "(%d, %d, %d)", rgb[0], rgb[1], rgb[2], left[0], left[1], left[2]);
    /* ... and the runs left their old start (2.5 · 1): fewer of their pixels remain up there. */

    /* The help overlay: the middle of the window turns to the overlay's light panel. */
    long light_before = count(&clicked, 0xfefefe, 540, 330, 740, 470), light_after = count(&help, 0xfefefe, 540, 330, 740, 470);
    print_message("light pixels in the middle: %ld without help, %ld with\n", light_before, light_after);
    assert_true(light_after > light_before + 10000);
    cairo_surface_destroy(paused.image);
    cairo_surface_destroy(played.image);
    cairo_surface_destroy(clicked.image);
    cairo_surface_destroy(help.image);
}

/* Pixels that differ by more than a little between two screenshots in a box, every second one sampled. */
static long changed_pixels(const shot *a, const shot *b, int x0, int y0, int x1, int y1)
{
    long changed = 0;
    for (int y = y0; y < y1; y += 2)
        for (int x = x0; x < x1; x += 2) {
            int p[3], q[3];
            rgb_at(a, x, y, p);
            rgb_at(b, x, y, q);
            changed += abs(p[0] - q[0]) + abs(p[1] - q[1]) + abs(p[2] - q[2]) > 30;
        }
    return changed;
}

/* The rightmost column in the box holding a pixel of colour hex (x0 − 1: none). */
static int rightmost(const shot *s, unsigned hex, int x0, int y0, int x1, int y1)
{
    for (int x = x1 - 1; x >= x0; x--)
        for (int y = y0; y < y1; y++) {
            int rgb[3];
            rgb_at(s, x, y, rgb);
            if (near(rgb, hex, 40))
                return x;
        }
    return x0 - 1;
}

/* A training lab trains in the window as it opens: its curves and decision regions grow between two
 * screenshots; space pauses the optimizer itself (nothing moves while paused) and space resumes it. */
static void test_training_lab(void **state)
{
    (void)state;
    FILE *f = fopen(support_tmp("training.txt"), "w");
    fprintf(f, "wait 2\nscreenshot %s\ntrain 300\nwait 2\nscreenshot %s\nkey space\nwait 2\nidle\nwait 2\nscreenshot %s\nwait 40\n"
               "screenshot %s\nkey space\ntrain 60\nwait 2\nscreenshot %s\nquit\n",
            support_tmp("epoch0.png"), support_tmp("epochs.png"), support_tmp("paused.png"), support_tmp("still.png"),
            support_tmp("resumed.png"));
    fclose(f);
    char args[1024], out[4096];
    snprintf(args, sizeof args, "open '%s/init-symmetry.ini' --view boundary,loss,accuracy --set lab.epochs=1000 --script '%s'",
             BASIN_DEMOS_DIR, support_tmp("training.txt"));
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin open failed: %s", out);
    shot start = load(support_tmp("epoch0.png")), later = load(support_tmp("epochs.png"));
    shot paused = load(support_tmp("paused.png")), still = load(support_tmp("still.png")), resumed = load(support_tmp("resumed.png"));
    /* The loss panel is the upper right of the figure (left of the control column at x ≥ 1050). */
    int before = rightmost(&start, gd_blue, 680, 70, 1020, 340), after = rightmost(&later, gd_blue, 680, 70, 1020, 340);
    print_message("loss panel: run 1's curve reaches x = %d at the start, %d while training\n", before, after);
    assert_true(after > before + 20);
    long regions = changed_pixels(&start, &later, 85, 290, 520, 475);
    print_message("decision regions: %ld of %d sampled pixels changed\n", regions, 218 * 93);
    assert_true(regions > 1000);
    long while_paused = changed_pixels(&paused, &still, 0, 0, 1040, 760);
    long after_resume = changed_pixels(&still, &resumed, 680, 70, 1020, 340);
    print_message("paused: %ld pixels changed in 40 frames; resumed: %ld changed in the loss panel\n", while_paused,
                  after_resume);
    assert_int_equal(while_paused, 0);
    assert_true(after_resume > 100);
    cairo_surface_destroy(start.image);
    cairo_surface_destroy(later.image);
    cairo_surface_destroy(paused.image);
    cairo_surface_destroy(still.image);
    cairo_surface_destroy(resumed.image);
}

static void test_frames_screenshot_and_bench(void **state)
{
    (void)state;
    char args[1024], out[4096];
    snprintf(args, sizeof args, "open '%s/rosenbrock.ini' --frames 5 --screenshot '%s'", BASIN_DEMOS_DIR, support_tmp("five.png"));
    assert_int_equal(basin(out, sizeof out, args), 0);
    shot s = load(support_tmp("five.png"));
    int distinct = 0;
    for (int y = 100; y < 700; y += 60)
        for (int x = 100; x < 1200; x += 100) {
            int a[3], b[3];
            rgb_at(&s, x, y, a);
            rgb_at(&s, x + 30, y + 30, b);
            distinct += !near(a, (unsigned)(b[0] << 16 | b[1] << 8 | b[2]), 3);
        }
    assert_true(distinct > 40); /* not blank */
    cairo_surface_destroy(s.image);

    snprintf(args, sizeof args, "open '%s/schedules.ini' --bench-frames 20", BASIN_DEMOS_DIR);
    assert_int_equal(basin(out, sizeof out, args), 0);
    double median, p95;
    assert_int_equal(sscanf(out, "frame_ms_median=%lf frame_ms_p95=%lf", &median, &p95), 2);
    assert_true(median > 0 && p95 >= median);

    /* at rest (paused, no input) the window draws nothing: it waits for events */
    snprintf(args, sizeof args, "open '%s/schedules.ini' --bench-idle 2", BASIN_DEMOS_DIR);
    assert_int_equal(basin(out, sizeof out, args), 0);
    double cpu;
    int frames;
    assert_int_equal(sscanf(out, "idle_cpu_percent=%lf idle_frames=%d", &cpu, &frames), 2);
    assert_int_equal(frames, 0);
    assert_true(cpu >= 0);
}

/* Distinct colours on a coarse grid of the box: a blank or flat area has one or two. */
static int distinct_colours(const shot *s, int x0, int y0, int x1, int y1)
{
    int seen[400][3], n = 0;
    for (int y = y0; y < y1; y += (y1 - y0) / 20)
        for (int x = x0; x < x1; x += (x1 - x0) / 20) {
            int rgb[3];
            rgb_at(s, x, y, rgb);
            bool known = false;
            for (int k = 0; k < n && !known; k++)
                known = abs(seen[k][0] - rgb[0]) + abs(seen[k][1] - rgb[1]) + abs(seen[k][2] - rgb[2]) < 6;
            if (!known && n < 400)
                memcpy(seen[n++], rgb, sizeof rgb);
        }
    return n;
}

static void test_surface_view(void **state)
{
    (void)state;
    FILE *f = fopen(support_tmp("surface.txt"), "w");
    fprintf(f, "wait 2\nkey space\nwait 40\nscreenshot %s\ndrag 300 400 420 380\nwait 2\nscreenshot %s\nquit\n",
            support_tmp("surface.png"), support_tmp("turned.png"));
    fclose(f);
    char args[1024], out[4096];
    snprintf(args, sizeof args, "open '%s/newton-himmelblau.ini' --view surface,loss --script '%s'", BASIN_DEMOS_DIR,
             support_tmp("surface.txt"));
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin open --view surface failed: %s", out);
    shot a = load(support_tmp("surface.png")), b = load(support_tmp("turned.png"));
    /* The 3-D panel (the left part) is not blank: a shaded, coloured mesh, with the runs on it. */
    int colours = distinct_colours(&a, 20, 100, 720, 680);
    print_message("3-D view: %d distinct colours in the panel\n", colours);
    assert_true(colours > 60);
    assert_true(count(&a, 0xff7f0e, 20, 100, 720, 680) > 50); /* GD near the maximum, in orange */
    /* Dragging turned it: the picture changed. */
    long changed = 0;
    for (int y = 100; y < 680; y += 4)
        for (int x = 20; x < 720; x += 4) {
            int p[3], q[3];
            rgb_at(&a, x, y, p);
            rgb_at(&b, x, y, q);
            changed += abs(p[0] - q[0]) + abs(p[1] - q[1]) + abs(p[2] - q[2]) > 30;
        }
    assert_true(changed > 2000);
    cairo_surface_destroy(a.image);
    cairo_surface_destroy(b.image);

    /* Benchmarkable, like the 2-D view. */
    snprintf(args, sizeof args, "open '%s/quadratic.ini' --view surface --bench-frames 10", BASIN_DEMOS_DIR);
    assert_int_equal(basin(out, sizeof out, args), 0);
    double median, p95;
    assert_int_equal(sscanf(out, "frame_ms_median=%lf frame_ms_p95=%lf", &median, &p95), 2);
}

/* basin export --view surface renders the 3-D view with the same shaders, headless: EGL surfaceless. */
/* The 3-D view stays inside its panel at every angle: turned four ways, the strips along the panel's left
 * and right edges hold only the background (the mesh is scaled to fit with a margin). */
static void test_surface_stays_inside(void **state)
{
    (void)state;
    FILE *f = fopen(support_tmp("angles.txt"), "w");
    fputs("wait 2\nkey n\n", f); /* the note's card would sit over the panel's lower left */
    const char *drags[] = {"drag 500 400 500 400", "drag 500 400 800 400", "drag 500 400 500 150", "drag 500 400 200 600"};
    for (int k = 0; k < 4; k++)
        fprintf(f, "%s\nwait 2\nscreenshot %s/angle%d.png\n", drags[k], support_tmpdir(), k);
    fputs("quit\n", f);
    fclose(f);
    char args[1024], out[4096];
    snprintf(args, sizeof args, "open '%s/rosenbrock.ini' --view surface --script '%s'", BASIN_DEMOS_DIR, support_tmp("angles.txt"));
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin open failed: %s", out);
    for (int k = 0; k < 4; k++) {
        char path[600];
        snprintf(path, sizeof path, "%s/angle%d.png", support_tmpdir(), k);
        shot a = load(path);
        long edge = 0, inside = 0;
        for (int y = 60; y < 720; y++) {
            for (int x = 14; x < 40; x++)
                edge += count(&a, 0xffffff, x, y, x + 1, y + 1) == 0;
            for (int x = 1005; x < 1035; x++)
                edge += count(&a, 0xffffff, x, y, x + 1, y + 1) == 0;
        }
        inside = distinct_colours(&a, 100, 100, 950, 700);
        print_message("angle %d: %ld pixels of the mesh at the panel's edges, %ld colours inside\n", k, edge, inside);
        assert_true(edge == 0 && inside > 10); /* drawn, and inside */
        cairo_surface_destroy(a.image);
    }
}

static void test_headless_surface_export(void **state)
{
    (void)state;
    char command[1200], out[4096];
    snprintf(command, sizeof command,
             "env -u DISPLAY -u WAYLAND_DISPLAY '%s' export '%s/rosenbrock.ini' --view surface --size 800x450 --dpi 100 "
             "-o '%s' 2>&1", getenv("BASIN_EXE"), BASIN_DEMOS_DIR, support_tmp("headless.png"));
    FILE *p = popen(command, "r");
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    if (pclose(p) != 0)
        fail_msg("headless export failed: %s", out);
    shot s = load(support_tmp("headless.png"));
    assert_int_equal(s.w, 800);
    int colours = distinct_colours(&s, 100, 60, 700, 390);
    print_message("headless 3-D export: %d distinct colours\n", colours);
    assert_true(colours > 60);
    cairo_surface_destroy(s.image);
}

/* The control column: selecting a run, sliding its learning rate, adding and removing runs. */
static void test_controls(void **state)
{
    (void)state;
    FILE *f = fopen(support_tmp("controls.txt"), "w");
    fprintf(f, "wait 2\nkey space\nwait 200\nscreenshot %s\n"
               "press Momentum\nwait 1\nslide lr 0.2\nwait 3\nscreenshot %s\n"
               "press + adam\nwait 200\nscreenshot %s\n"
               "press remove this run\nwait 3\nscreenshot %s\n"
               "key e\nwait 1\nresize 900 600\nwait 3\nscreenshot %s\nquit\n",
            support_tmp("c0.png"), support_tmp("c1.png"), support_tmp("c2.png"), support_tmp("c3.png"), support_tmp("small.png"));
    fclose(f);
    char args[1024], out[4096];
    snprintf(args, sizeof args, "open '%s/quadratic.ini' --script '%s'", BASIN_DEMOS_DIR, support_tmp("controls.txt"));
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin open failed: %s", out);
    shot c0 = load(support_tmp("c0.png")), c1 = load(support_tmp("c1.png")), c2 = load(support_tmp("c2.png")), c3 = load(support_tmp("c3.png"));
    const unsigned green = 0x2ca02c; /* the palette's third colour: the added run */
    long orange0 = count(&c0, momentum_orange, 0, 0, 1040, 760), orange1 = count(&c1, momentum_orange, 0, 0, 1040, 760);
    long green2 = count(&c2, green, 0, 0, 1040, 760), green3 = count(&c3, green, 0, 0, 1040, 760);
    print_message("momentum's pixels %ld → %ld after lr 1.6e-4; the added run's %ld, after removing it %ld\n", orange0,
                  orange1, green2, green3);
    assert_true(orange1 < orange0 / 2); /* a tiny step: its path shrinks to a stub */
    assert_true(green2 > 300);          /* adam 1 runs and is drawn */
    assert_true(green3 < 20);           /* and is gone */
    /* e exported the view into the working directory; the window resized and drew at its new size. */
    assert_int_equal(access(support_tmp("basin-quadratic.pdf"), R_OK), 0);
    shot exported = load(support_tmp("basin-quadratic.png")), small = load(support_tmp("small.png"));
    assert_int_equal(exported.w, 1600);
    assert_int_equal(small.w, 900);
    assert_int_equal(small.h, 600);
    assert_true(distinct_colours(&small, 20, 60, 600, 500) > 40);
    cairo_surface_destroy(exported.image);
    cairo_surface_destroy(small.image);
    cairo_surface_destroy(c0.image);
    cairo_surface_destroy(c1.image);
    cairo_surface_destroy(c2.image);
    cairo_surface_destroy(c3.image);
}

/* The surface's formula field: a formula with an error changes nothing (the status strip says why); the
 * mended one replaces the surface under the same runs. */
static void test_formula_field(void **state)
{
    (void)state;
    FILE *f = fopen(support_tmp("formula.txt"), "w");
    fprintf(f, "key n\nwait 2\nscreenshot %s\npress f(x, y) =\nwait 1\ntype sin(3*x)*cos(3*y\nkey return\nwait 5\n"
               "screenshot %s\npress f(x, y) =\nwait 1\ntype )\nkey return\nwait 5\nscreenshot %s\nquit\n",
            support_tmp("named.png"), support_tmp("mistyped.png"), support_tmp("typed.png"));
    fclose(f);
    char args[1024], out[4096];
    snprintf(args, sizeof args, "open '%s/quadratic.ini' --script '%s'", BASIN_DEMOS_DIR, support_tmp("formula.txt"));
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin open failed: %s", out);
    shot named = load(support_tmp("named.png")), mistyped = load(support_tmp("mistyped.png")), typed = load(support_tmp("typed.png"));
    /* the right of the contour view, away from the runs' paths */
    long same = changed_pixels(&named, &mistyped, 340, 200, 520, 560), other = changed_pixels(&named, &typed, 340, 200, 520, 560);
    print_message("contour view: %ld pixels changed by the mistyped formula, %ld by the mended one\n", same, other);
    assert_true(same < 50);
    assert_true(other > 4000);
    cairo_surface_destroy(named.image);
    cairo_surface_destroy(mistyped.image);
    cairo_surface_destroy(typed.image);
}

/* A training lab's control column: the selected run's model chooser retrains that run alone (its curve
 * starts over while the other's goes on), the data chooser retrains every run on the new data. */
static void test_training_controls(void **state)
{
    (void)state;
    FILE *f = fopen(support_tmp("training-controls.txt"), "w");
    fprintf(f, "train 60\nwait 2\nscreenshot %s\npress model ▶\nwait 3\nscreenshot %s\npress ◀ data\ntrain 20\nwait 2\n"
               "screenshot %s\nquit\n",
            support_tmp("t0.png"), support_tmp("t1.png"), support_tmp("t2.png"));
    fclose(f);
    char args[1024], out[4096];
    snprintf(args, sizeof args, "open '%s/init-symmetry.ini' --view boundary,loss,accuracy --set lab.epochs=1000 --script '%s'",
             BASIN_DEMOS_DIR, support_tmp("training-controls.txt"));
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin open failed: %s", out);
    shot t0 = load(support_tmp("t0.png")), t1 = load(support_tmp("t1.png")), t2 = load(support_tmp("t2.png"));
    long blue0 = count(&t0, gd_blue, 680, 70, 1020, 340), blue1 = count(&t1, gd_blue, 680, 70, 1020, 340);
    int orange0 = rightmost(&t0, momentum_orange, 680, 70, 1020, 340), orange1 = rightmost(&t1, momentum_orange, 680, 70, 1020, 340);
    long regions = changed_pixels(&t1, &t2, 85, 290, 520, 475);
    print_message("loss panel: the chosen run's pixels %ld → %ld, the other's curve reaches x = %d → %d; new data: %ld of "
                  "%d region pixels changed\n", blue0, blue1, orange0, orange1, regions, 218 * 93);
    assert_true(blue1 < blue0 / 2);
    assert_true(orange0 >= 680 && orange1 >= orange0); /* it went on from where it was */
    assert_true(regions > 5000);
    cairo_surface_destroy(t0.image);
    cairo_surface_destroy(t1.image);
    cairo_surface_destroy(t2.image);
}

/* e exports the step the window shows: five steps into the run (→ five times), the exported figure has
 * much less of momentum's loss curve than the whole run's export. */
static void test_export_shows_the_step(void **state)
{
    (void)state;
    FILE *f = fopen(support_tmp("step.txt"), "w");
    fputs("wait 2\nkey right\nkey right\nkey right\nkey right\nkey right\nwait 1\nkey e\nwait 1\nquit\n", f);
    fclose(f);
    char args[1024], out[4096];
    snprintf(args, sizeof args, "open '%s/quadratic.ini' --script '%s'", BASIN_DEMOS_DIR, support_tmp("step.txt"));
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin open failed: %s", out);
    snprintf(args, sizeof args, "export '%s/quadratic.ini' -o whole.png", BASIN_DEMOS_DIR);
    assert_int_equal(basin(out, sizeof out, args), 0);
    shot step = load(support_tmp("basin-quadratic.png")), whole = load(support_tmp("whole.png"));
    /* the loss panel (right of the colour bar, above the legend) */
    long at_step = count(&step, momentum_orange, 1000, 100, 1600, 780), all = count(&whole, momentum_orange, 1000, 100, 1600, 780);
    print_message("momentum's pixels in the loss panel: %ld at the step shown, %ld for the whole run\n", at_step, all);
    assert_true(at_step > 0 && at_step < all / 2);
    cairo_surface_destroy(step.image);
    cairo_surface_destroy(whole.image);
}

/* `a` records what the window shows to an MP4 in the working directory until `a` again: two seconds of
 * scripted time at 30 frames a second, 1280×800, H.264, read back by ffprobe. */
static void test_recording(void **state)
{
    (void)state;
    FILE *f = fopen(support_tmp("record.txt"), "w");
    fputs("wait 2\nkey a\nkey space\nwait 119\nkey a\nwait 2\nquit\n", f);
    fclose(f);
    char args[1024], out[4096];
    snprintf(args, sizeof args, "open '%s/quadratic.ini' --script '%s'", BASIN_DEMOS_DIR, support_tmp("record.txt"));
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin open failed: %s", out);
    char command[1400];
    snprintf(command, sizeof command,
             "cd '%s' && ffprobe -v error -count_frames -show_entries stream=codec_name,width,height,nb_read_frames "
             "-of default=nw=1 basin-recording-*.mp4", support_tmpdir());
    FILE *p = popen(command, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
    print_message("%s", out);
    assert_non_null(strstr(out, "codec_name=h264\n"));
    assert_non_null(strstr(out, "width=1280\nheight=800\n"));
    int frames = 0;
    const char *at = strstr(out, "nb_read_frames=");
    assert_non_null(at);
    frames = atoi(at + strlen("nb_read_frames="));
    assert_true(frames >= 58 && frames <= 64); /* about 120 window frames of 1/60 s at 30 frames a second */
}

/* The 3-D view animates with no display (one EGL context and one mesh for every frame; here, in the app
 * suite, because Mesa's driver keeps memory LeakSanitizer cannot name): frames 1, 51, 101, 151 and 30 more
 * of the hold, the last one mostly the coloured mesh. */
static void test_surface_animation(void **state)
{
    (void)state;
    char args[1024], out[4096];
    snprintf(args, sizeof args, "export '%s/quadratic.ini' --view surface -o surface.mp4 --size 800x450 --dpi 100 --every 50",
             BASIN_DEMOS_DIR);
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin export failed: %s", out);
    char command[1400];
    snprintf(command, sizeof command,
             "cd '%s' && ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 surface.mp4 && "
             "ffmpeg -v error -i surface.mp4 -vf 'select=eq(n\\,3)' -vframes 1 -y last.png", support_tmpdir());
    FILE *p = popen(command, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
    assert_int_equal(atoi(out), 4 + 30);
    shot last = load(support_tmp("last.png"));
    long coloured = 0; /* the mesh: pixels far from white and grey */
    for (int y = 0; y < last.h; y++)
        for (int x = 0; x < last.w; x++) {
            int rgb[3];
            rgb_at(&last, x, y, rgb);
            coloured += abs(rgb[0] - rgb[1]) + abs(rgb[1] - rgb[2]) > 60;
        }
    print_message("the 3-D view's last frame: %.0f%% coloured pixels\n", 100.0 * (double)coloured / (last.w * last.h));
    assert_true(coloured > (long)last.w * last.h / 10);
    cairo_surface_destroy(last.image);
}

/* A training lab's 3-D view renders with no display: the first run's landscape (log10 of the loss over the
 * plane of its trajectory) as the mesh, mostly coloured, with the run's path on it in its blue. */
static void test_network_landscape_3d(void **state)
{
    (void)state;
    char args[1024], out[4096];
    snprintf(args, sizeof args, "export '%s/batchnorm-landscape.ini' --view surface -o landscape3d.png", BASIN_DEMOS_DIR);
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin export failed: %s", out);
    shot s = load(support_tmp("landscape3d.png"));
    long coloured = 0;
    for (int y = 0; y < s.h; y++)
        for (int x = 0; x < s.w; x++) {
            int rgb[3];
            rgb_at(&s, x, y, rgb);
            coloured += abs(rgb[0] - rgb[1]) + abs(rgb[1] - rgb[2]) > 40;
        }
    long path = count(&s, gd_blue, 0, 100, s.w, s.h - 100); /* above the legend's swatch */
    print_message("the landscape: %.0f%% coloured pixels, %ld of the run's blue\n", 100.0 * (double)coloured / (s.w * s.h),
                  path);
    assert_true(coloured > (long)s.w * s.h / 10);
    assert_true(path > 200);
    cairo_surface_destroy(s.image);
}

/* A training lab's 3-D view shows the selected run's landscape: with run 1 selected its blue path is on the
 * mesh, after 2 run 2's orange one (and the mesh is another). */
static void test_selected_landscape(void **state)
{
    (void)state;
    FILE *f = fopen(support_tmp("selected.txt"), "w");
    fprintf(f, "settle\nkey n\nkey v\nwait 5\nscreenshot %s\nkey 2\nwait 5\nscreenshot %s\nquit\n", support_tmp("run1.png"),
            support_tmp("run2.png"));
    fclose(f);
    char args[1024], out[4096];
    snprintf(args, sizeof args, "open '%s/batchnorm-landscape.ini' --script '%s'", BASIN_DEMOS_DIR, support_tmp("selected.txt"));
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin open failed: %s", out);
    shot one = load(support_tmp("run1.png")), two = load(support_tmp("run2.png"));
    /* the 3-D panel: left of the loss panel, above the legend */
    long blue1 = count(&one, gd_blue, 20, 80, 620, 700), orange1 = count(&one, momentum_orange, 20, 80, 620, 700);
    long blue2 = count(&two, gd_blue, 20, 80, 620, 700), orange2 = count(&two, momentum_orange, 20, 80, 620, 700);
    long changed = changed_pixels(&one, &two, 20, 80, 620, 700);
    print_message("3-D panel: run 1 selected %ld blue, %ld orange; run 2 selected %ld blue, %ld orange; %ld pixels changed\n",
                  blue1, orange1, blue2, orange2, changed);
    assert_true(blue1 > 30 && orange1 < 5);
    assert_true(orange2 > 30 && blue2 < 5);
    assert_true(changed > 2000);
    cairo_surface_destroy(one.image);
    cairo_surface_destroy(two.image);
}

/* basin landscape --plot3d draws the grid as the 3-D surface, headless: a bowl's bottom in viridis' darkest
 * colour, its rim in the brightest, and the figure's title and colour bar around it. */
static void test_landscape_plot3d(void **state)
{
    (void)state;
    char args[1024], out[4096];
    snprintf(args, sizeof args, "landscape --surface quadratic:eig=1/4 --at 0,0 --grid 31 --csv /dev/null --plot3d '%s'",
             support_tmp("relief.png"));
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin landscape --plot3d failed: %s", out);
    shot s = load(support_tmp("relief.png"));
    assert_int_equal(s.w, 1400);
    assert_int_equal(s.h, 1100);
    long bottom = count(&s, 0x440154, 0, 0, s.w, s.h), rim = 0; /* the rim: viridis' yellow end, lit or shaded */
    for (int y = 0; y < s.h; y++)
        for (int x = 0; x < s.w; x++) {
            int rgb[3];
            rgb_at(&s, x, y, rgb);
            rim += rgb[0] > 170 && rgb[1] > 170 && rgb[2] < 110;
        }
    print_message("the 3-D plot: %ld pixels of the bottom's colour, %ld yellow ones of the rim\n", bottom, rim);
    assert_true(bottom > 500 && rim > 500);
    cairo_surface_destroy(s.image);
}

/* A lab opens with its note in a card at the bottom left: dark text fills it; n hides it, n brings it back,
 * and playing hides it. */
static void test_note(void **state)
{
    (void)state;
    FILE *f = fopen(support_tmp("note.txt"), "w");
    fprintf(f, "wait 2\nscreenshot %s\nkey n\nwait 1\nscreenshot %s\nkey n\nwait 1\nkey space\nwait 2\nscreenshot %s\nquit\n",
            support_tmp("n0.png"), support_tmp("n1.png"), support_tmp("n2.png"));
    fclose(f);
    char args[1024], out[4096];
    snprintf(args, sizeof args, "open '%s/quadratic.ini' --script '%s'", BASIN_DEMOS_DIR, support_tmp("note.txt"));
    if (basin(out, sizeof out, args) != 0)
        fail_msg("basin open failed: %s", out);
    shot shown = load(support_tmp("n0.png")), hidden = load(support_tmp("n1.png")), playing = load(support_tmp("n2.png"));
    long text0 = count(&shown, 0x222222, 10, 600, 490, 770), text1 = count(&hidden, 0x222222, 10, 600, 490, 770);
    long text2 = count(&playing, 0x222222, 10, 600, 490, 770);
    print_message("dark text pixels at the bottom left: %ld with the note, %ld after n, %ld playing\n", text0, text1, text2);
    assert_true(text0 > 3000 && text1 < text0 / 5 && text2 < text0 / 5);
    cairo_surface_destroy(shown.image);
    cairo_surface_destroy(hidden.image);
    cairo_surface_destroy(playing.image);
}

static void test_bad_input(void **state)
{
    (void)state;
    char args[1024], out[4096];
    FILE *f = fopen(support_tmp("bad.txt"), "w");
    fputs("wait 1\njump 3 4\n", f);
    fclose(f);
    snprintf(args, sizeof args, "open '%s/quadratic.ini' --script '%s'", BASIN_DEMOS_DIR, support_tmp("bad.txt"));
    assert_int_equal(basin(out, sizeof out, args), 2);
    assert_non_null(strstr(out, "bad.txt:2: not a command: 'jump 3 4'"));
    /* scripts that are not text, not files, or whose numbers do not fit: one line, exit 2, no hang */
    static const struct {
        const char *text; /* NULL: the path itself below */
        const char *path, *expected;
    } scripts[] = {
        {"wait 99999999999\n", NULL, ":1: not a command: 'wait 99999999999'"},
        {"click nan 5\n", NULL, ":1: not a command: 'click nan 5'"},
        {"click 1e300 3\n", NULL, ":1: not a command: 'click 1e300 3'"},
        {"wheel 10 10 3 4\n", NULL, ":1: not a command: 'wheel 10 10 3 4'"},
        {"wait 1\nkey sp\0ace\n", NULL, ":2: a NUL byte"},
        {NULL, "/dev/zero", "/dev/zero: cannot read: not a regular file"},
        {NULL, "/tmp", "/tmp: cannot read: a folder, not a file"},
    };
    for (size_t i = 0; i < sizeof scripts / sizeof *scripts; i++) {
        const char *path = scripts[i].path;
        if (!path) {
            path = support_tmp("bad-script.txt");
            f = fopen(path, "w");
            fwrite(scripts[i].text, 1, strlen(scripts[i].text) + (strstr(scripts[i].expected, "NUL") ? 6 : 0), f);
            fclose(f);
        }
        snprintf(args, sizeof args, "open '%s/quadratic.ini' --script '%s'", BASIN_DEMOS_DIR, path);
        assert_int_equal(basin(out, sizeof out, args), 2);
        if (!strstr(out, scripts[i].expected))
            fail_msg("script %zu: '%s', expected '%s'", i, out, scripts[i].expected);
    }
    f = fopen(support_tmp("bad-script.txt"), "w");
    for (int i = 0; i < 2000; i++)
        fputc('x', f);
    fclose(f);
    snprintf(args, sizeof args, "open '%s/quadratic.ini' --script '%s'", BASIN_DEMOS_DIR, support_tmp("bad-script.txt"));
    assert_int_equal(basin(out, sizeof out, args), 2);
    assert_non_null(strstr(out, ":1: line too long (at most 1199 characters)"));
    snprintf(args, sizeof args, "open '%s/missing.ini' --frames 1", support_tmpdir());
    assert_int_equal(basin(out, sizeof out, args), 2);
    assert_non_null(strstr(out, "missing.ini: cannot read"));
    /* Without a display an interactive window is a clear message, exit 1, no crash (SDL would fall back
     * to a headless driver that nobody sees), whichever driver SDL picks. */
    snprintf(args, sizeof args, "open '%s/quadratic.ini'", BASIN_DEMOS_DIR);
    char command[1100];
    snprintf(command, sizeof command, "env -u DISPLAY -u WAYLAND_DISPLAY XDG_RUNTIME_DIR=/nonexistent '%s' %s 2>&1",
             getenv("BASIN_EXE"), args);
    FILE *p = popen(command, "r");
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    assert_int_equal(WEXITSTATUS(status), 1);
    assert_non_null(strstr(out, "basin open: no display to open a window on"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scripted_session),
        cmocka_unit_test(test_frames_screenshot_and_bench),
        cmocka_unit_test(test_training_lab),
        cmocka_unit_test(test_surface_view),
        cmocka_unit_test(test_headless_surface_export),
        cmocka_unit_test(test_surface_stays_inside),
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_training_controls),
        cmocka_unit_test(test_formula_field),
        cmocka_unit_test(test_export_shows_the_step),
        cmocka_unit_test(test_note),
        cmocka_unit_test(test_recording),
        cmocka_unit_test(test_surface_animation),
        cmocka_unit_test(test_network_landscape_3d),
        cmocka_unit_test(test_landscape_plot3d),
        cmocka_unit_test(test_selected_landscape),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
