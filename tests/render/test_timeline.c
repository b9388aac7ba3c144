/* test_timeline.c: the timeline of a parallel run, drawn and written. A hand-made timeline puts each kind's
 * colour where its span is (forward blue, backward orange, communication purple in a thinner bar) and the
 * idle grey elsewhere, draws no span that starts after the shown steps end, and has the idle share
 * 1 − busy/(rows · time); its Chrome trace has one complete event per span with times in µs (a unit is
 * 1000). `basin train --timeline` writes PNG, SVG, PDF (one page titled by the run) and JSON (one event
 * per forward and backward: 2·S·M a step, on the simulated clock and as measured), and refuses a timeline without --parallel or of an unknown
 * format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"
#include "support_cli.h"

#include "render/timeline_chart.h"

#include <libxml/parser.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const basin_span spans[] = {
    {0, BASIN_SPAN_FORWARD, 1, 0, 0, 1},
    {1, BASIN_SPAN_BACKWARD, 1, 1, 1, 3},
    {2, BASIN_SPAN_COMM, 1, -1, 0.5, 2.5},
    {2, BASIN_SPAN_COMPUTE, 2, -1, 3, 4}, /* after step 1 ends: not drawn */
};

static basin_timeline hand_made(void)
{
    basin_timeline t;
    basin_timeline_init(&t, 3, "stage", 100, 1);
    t.title = "hand-made";
    for (size_t i = 0; i < sizeof spans / sizeof *spans; i++)
        assert_int_equal(basin_timeline_add(&t, spans[i]), 0);
    return t;
}

/* The colour at data time x in row r's band, at height share f of the band (0.5: its middle). */
static void color_at(cairo_surface_t *s, const basin_plot *p, int rows, double x, int r, double f, double rgb[3])
{
    int px = (int)basin_plot_x(p, x), py = (int)(p->area.y + (r + f) * p->area.h / rows);
    const unsigned char *data = cairo_image_surface_get_data(s);
    uint32_t v = *(const uint32_t *)(data + py * cairo_image_surface_get_stride(s) + px * 4);
    rgb[0] = ((v >> 16) & 255) / 255.0, rgb[1] = ((v >> 8) & 255) / 255.0, rgb[2] = (v & 255) / 255.0;
}

static void assert_color(const double got[3], double r, double g, double b, const char *what)
{
    if (fabs(got[0] - r) > 0.02 || fabs(got[1] - g) > 0.02 || fabs(got[2] - b) > 0.02)
        fail_msg("%s: (%.3f, %.3f, %.3f), want (%.3f, %.3f, %.3f)", what, got[0], got[1], got[2], r, g, b);
}

static void test_chart_and_idle_share(void **state)
{
    (void)state;
    basin_timeline t = hand_made();
    assert_true(fabs(basin_timeline_idle(&t, 0, 3) - (1 - 3.0 / 9)) < 1e-15);
    assert_true(fabs(basin_timeline_shown_idle(&t, 1, 1) - (1 - 3.0 / 9)) < 1e-15);
    assert_true(fabs(basin_timeline_shown_idle(&t, 2, 2) - (1 - 1.0 / 3)) < 1e-15); /* one row busy of three */
    assert_true(basin_timeline_step_end(&t, 1) == 3);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 900, 500);
    cairo_t *cr = cairo_create(s);
    basin_theme theme = basin_theme_make(false, 1);
    basin_set_color(cr, theme.background);
    cairo_paint(cr);
    basin_rect outer = {0, 0, 900, 500};
    basin_timeline_window window = {1, 1, 0, false, 0};
    basin_chart_timeline(cr, outer, &theme, &t, &window, t.title);
    cairo_surface_flush(s);
    basin_plot p = basin_timeline_chart_plot(outer, &theme, &t, &window);
    assert_true(p.xmin == 0 && p.xmax == 3); /* step 1's time */
    double rgb[3];
    color_at(s, &p, 3, 0.1, 0, 0.5, rgb), assert_color(rgb, 0.27, 0.51, 0.78, "row 0 at 0.1: forward");
    color_at(s, &p, 3, 2.0, 0, 0.5, rgb), assert_color(rgb, theme.grid.r, theme.grid.g, theme.grid.b, "row 0 at 2: idle");
    color_at(s, &p, 3, 1.2, 1, 0.5, rgb), assert_color(rgb, 0.93, 0.55, 0.20, "row 1 at 1.2: backward");
    color_at(s, &p, 3, 0.5 + 0.1, 2, 0.5, rgb), assert_color(rgb, 0.58, 0.40, 0.74, "row 2 at 0.6: communication");
    /* the communication bar is half the box's height: a quarter of the band from its top is idle */
    color_at(s, &p, 3, 1.5, 2, 0.2, rgb), assert_color(rgb, theme.grid.r, theme.grid.g, theme.grid.b, "row 2 above the bar");
    color_at(s, &p, 3, 0.2, 2, 0.5, rgb), assert_color(rgb, theme.grid.r, theme.grid.g, theme.grid.b, "row 2 at 0.2: idle");
    cairo_destroy(cr);
    cairo_surface_destroy(s);

    char *json = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&json, &len);
    assert_non_null(f);
    assert_int_equal(basin_timeline_write_json(&t, f), 0);
    fclose(f);
    int events = 0, names = 0;
    for (const char *c = json; (c = strstr(c, "\"ph\": \"X\"")); c++)
        events++;
    for (const char *c = json; (c = strstr(c, "\"thread_name\"")); c++)
        names++;
    assert_int_equal(events, 4);
    assert_int_equal(names, 3);
    assert_non_null(strstr(json, "\"name\": \"backward\", \"cat\": \"backward\", \"ph\": \"X\", \"pid\": 0, \"tid\": 1, "
                                 "\"ts\": 1000, \"dur\": 2000"));
    free(json);
    basin_timeline_free(&t);
}

static void test_basin_train_writes_timelines(void **state)
{
    (void)state;
    static const char *const files[] = {"t.png", "t.svg", "t.pdf", "t.json"};
    for (int k = 0; k < 4; k++) {
        support_cli_result r = support_cli("train", "--model", "mlp:hidden=64/64/64", "--data", "digits", "--opt",
                                           "sgd:lr=0.05", "--steps", "3", "--batch", "64", "--parallel",
                                           "pipeline:stages=4,micro=8,schedule=1f1b", "--timeline",
                                           support_tmp(files[k]), NULL);
        assert_int_equal(r.status, 0);
        support_cli_free(&r);
    }
    cairo_surface_t *png = cairo_image_surface_create_from_png(support_tmp("t.png"));
    assert_int_equal(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(png), 1600);
    cairo_surface_destroy(png);
    xmlDoc *doc = xmlReadFile(support_tmp("t.svg"), NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    assert_non_null(doc);
    assert_string_equal((const char *)xmlDocGetRootElement(doc)->name, "svg");
    xmlFreeDoc(doc);
    char command[512], line[256];
    snprintf(command, sizeof command, "%s %s 2>&1", getenv("PDFINFO") ? getenv("PDFINFO") : "pdfinfo",
             support_tmp("t.pdf"));
    FILE *p = popen(command, "r");
    assert_non_null(p);
    bool one_page = false, title = false;
    while (fgets(line, sizeof line, p)) {
        one_page = one_page || strcmp(line, "Pages:           1\n") == 0;
        title = title || strcmp(line, "Title:           1F1B: 4 stages, 8 micro-batches\n") == 0;
    }
    assert_int_equal(pclose(p), 0);
    assert_true(one_page && title);
    FILE *f = fopen(support_tmp("t.json"), "r");
    assert_non_null(f);
    int simulated = 0, measured = 0;
    while (fgets(line, sizeof line, f)) {
        simulated += strstr(line, "\"ph\": \"X\", \"pid\": 0") != NULL;
        measured += strstr(line, "\"ph\": \"X\", \"pid\": 1") != NULL;
    }
    fclose(f);
    assert_int_equal(simulated, 3 * 2 * 4 * 8); /* 3 steps of 2·S·M actions on the simulated clock */
    assert_int_equal(measured, 3 * 2 * 4 * 8);  /* and the same actions as this machine ran them */
    expect_usage_error("--timeline shows a parallel run; add --parallel SPEC", "train", "--model", "mlp:hidden=4",
                       "--data", "digits", "--opt", "sgd", "--timeline", support_tmp("x.png"));
    expect_usage_error("--timeline 'x.bmp': give a .png, .svg, .pdf or .json file", "train", "--model", "mlp:hidden=4",
                       "--data", "digits", "--opt", "sgd", "--parallel", "sync", "--timeline", "x.bmp");
}

static int setup(void **state)
{
    (void)state;
    return support_tmpdir_create("basin-timeline");
}

static int teardown(void **state)
{
    (void)state;
    return support_tmpdir_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chart_and_idle_share),
        cmocka_unit_test(test_basin_train_writes_timelines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
