/* test_export.c: exported figures checked for real: PNG decoded (size, the start marker's colour at its
 * computed position, a non-blank heatmap, contour lines), SVG parsed (well-formed, one curve and one
 * legend swatch per run), PDF read by pdfinfo (one page of the right size); the same input gives the same
 * bytes; bad outputs leave nothing behind; every lab in demos/ exports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "cli/cli.h"
#include "engine/error.h"
#include "app/offscreen.h"
#include "render/figure.h"

#include <cairo.h>
#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char scene[] = "[lab]\n"
                            "title   = One run\n"
                            "surface = quadratic:eig=1/8,angle=20\n"
                            "steps   = 30\n"
                            "xrange  = -3:3\n"
                            "yrange  = -2:2\n"
                            "[run GD]\n"
                            "opt   = sgd:lr=0.1\n"
                            "start = -2,1.2\n"
                            "color = #d62728\n"
                            "[run Adam]\n"
                            "opt   = adam:lr=0.3\n"
                            "start = 2,-1\n"
                            "color = #1f77b4\n";

static int setup(void **state)
{
    (void)state;
    if (support_tmpdir_create("/tmp/basin-export") != 0)
        return -1;
    FILE *f = fopen(support_tmp("scene.ini"), "w");
    fputs(scene, f);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return support_tmpdir_remove();
}

/* Runs `basin export ...` (NULL-terminated); returns the status, stderr into err_text if non-NULL. */
static int export(char *err_text, size_t size, const char *first, ...)
{
    char *argv[32] = {"basin", "export"};
    int argc = 2;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    char *out = NULL, *err = NULL;
    size_t lo, le;
    FILE *fo = open_memstream(&out, &lo), *fe = open_memstream(&err, &le);
    int status = basin_cli_main(argc, argv, fo, fe);
    fclose(fo);
    fclose(fe);
    if (err_text)
        snprintf(err_text, size, "%s", err);
    else if (status != 0)
        print_error("%s", err);
    free(out);
    free(err);
    return status;
}

static void pixel(cairo_surface_t *s, int x, int y, int rgb[3])
{
    unsigned char *data = cairo_image_surface_get_data(s);
    uint32_t v = *(uint32_t *)(data + y * cairo_image_surface_get_stride(s) + 4 * x);
    rgb[0] = v >> 16 & 0xff;
    rgb[1] = v >> 8 & 0xff;
    rgb[2] = v & 0xff;
}

/* Where the figure puts a data point of the contour view, in pixels, computed through the same layout. */
static void locate(const basin_lab *lab, const basin_figure_options *o, double x, double y, int *px, int *py,
                   basin_rect *area)
{
    double scale = o->dpi / 72;
    basin_theme theme = basin_theme_make(o->dark, o->font_scale);
    basin_figure_layout l = basin_figure_layout_make(lab, o, o->width / scale, o->height / scale, &theme);
    assert_int_equal(l.views[0], BASIN_VIEW_CONTOUR);
    basin_contour_view v;
    assert_int_equal(basin_contour_view_init(&v, lab, l.panel[0], &theme, 32), 0);
    *px = (int)(basin_plot_x(&v.plot, x) * scale);
    *py = (int)(basin_plot_y(&v.plot, y) * scale);
    *area = (basin_rect){v.plot.area.x * scale, v.plot.area.y * scale, v.plot.area.w * scale, v.plot.area.h * scale};
    basin_contour_view_free(&v);
}

static void test_png_pixels(void **state)
{
    (void)state;
    assert_int_equal(export(NULL, 0, support_tmp("scene.ini"), "-o", support_tmp("a.png"), "--size", "1200x700", "--dpi", "150", NULL), 0);
    cairo_surface_t *png = cairo_image_surface_create_from_png(support_tmp("a.png"));
    assert_int_equal(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(png), 1200);
    assert_int_equal(cairo_image_surface_get_height(png), 700);

    basin_lab lab;
    assert_int_equal(basin_lab_load(&lab, support_tmp("scene.ini"), NULL, 0), 0);
    assert_int_equal(basin_lab_simulate(&lab), 0);
    basin_figure_options o = basin_figure_defaults();
    o.width = 1200;
    o.height = 700;
    o.dpi = 150;
    basin_rect area = {0};
    for (size_t r = 0; r < lab.n_runs; r++) { /* each start marker is a disc of its run's colour */
        int x, y, rgb[3];
        locate(&lab, &o, lab.runs[r].start[0], lab.runs[r].start[1], &x, &y, &area);
        pixel(png, x, y, rgb);
        for (int c = 0; c < 3; c++)
            if (abs(rgb[c] - (int)lround(255 * lab.runs[r].color[c])) > 6)
                fail_msg("%s's start at pixel (%d, %d) is (%d, %d, %d), not its colour", lab.runs[r].label, x, y,
                         rgb[0], rgb[1], rgb[2]);
    }
    /* The heatmap is not blank: a 12×12 sample of the data area holds many colours. */
    int distinct = 0, seen[144][3];
    for (int j = 0; j < 12; j++)
        for (int i = 0; i < 12; i++) {
            int rgb[3];
            pixel(png, (int)(area.x + area.w * (i + 0.5) / 12), (int)(area.y + area.h * (j + 0.5) / 12), rgb);
            bool known = false;
            for (int k = 0; k < distinct && !known; k++)
                known = abs(seen[k][0] - rgb[0]) + abs(seen[k][1] - rgb[1]) + abs(seen[k][2] - rgb[2]) < 6;
            if (!known)
                memcpy(seen[distinct++], rgb, sizeof rgb);
        }
    assert_true(distinct >= 30);
    basin_lab_free(&lab);

    /* Contour lines are there: 40 levels instead of 2 change many pixels of the data area. */
    assert_int_equal(export(NULL, 0, support_tmp("scene.ini"), "-o", support_tmp("few.png"), "--size", "1200x700", "--dpi", "150",
                            "--set", "lab.levels=2", NULL), 0);
    assert_int_equal(export(NULL, 0, support_tmp("scene.ini"), "-o", support_tmp("many.png"), "--size", "1200x700", "--dpi", "150",
                            "--set", "lab.levels=40", NULL), 0);
    cairo_surface_t *few = cairo_image_surface_create_from_png(support_tmp("few.png"));
    cairo_surface_t *many = cairo_image_surface_create_from_png(support_tmp("many.png"));
    long changed = 0, total = 0;
    for (int y = (int)area.y; y < (int)(area.y + area.h); y++)
        for (int x = (int)area.x; x < (int)(area.x + area.w); x++) {
            int a[3], b[3];
            pixel(few, x, y, a);
            pixel(many, x, y, b);
            changed += abs(a[0] - b[0]) + abs(a[1] - b[1]) + abs(a[2] - b[2]) > 30;
            total++;
        }
    print_message("contour pixels: %.1f%% of the data area change from 2 to 40 levels\n", 100.0 * changed / total);
    assert_true(changed > total / 25);
    cairo_surface_destroy(few);
    cairo_surface_destroy(many);
    cairo_surface_destroy(png);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *data = malloc(*len + 1);
    assert_int_equal(fread(data, 1, *len, f), *len);
    data[*len] = '\0';
    fclose(f);
    return data;
}

/* PNGs from one process, and SVGs from two runs of the executable (cairo numbers SVG ids per process). */
static void test_same_input_same_bytes(void **state)
{
    (void)state;
    const char *formats[] = {"same1.png", "same2.png", "same1.svg", "same2.svg"};
    for (int k = 0; k < 2; k++)
        assert_int_equal(export(NULL, 0, support_tmp("scene.ini"), "-o", support_tmp(formats[k]), "--size", "640x400", "--dpi", "100", NULL), 0);
    for (int k = 2; k < 4; k++) {
        char command[1024];
        snprintf(command, sizeof command, "'%s' export '%s' -o '%s' --size 640x400 --dpi 100", getenv("BASIN_EXE"),
                 support_tmp("scene.ini"), support_tmp(formats[k]));
        assert_int_equal(system(command), 0);
    }
    for (int k = 0; k < 4; k += 2) {
        size_t la, lb;
        char *a = slurp(support_tmp(formats[k]), &la), *b = slurp(support_tmp(formats[k + 1]), &lb);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
        free(a);
        free(b);
    }
}

/* Counts <path> elements whose style strokes in colour rgb. */
static int count_stroked(xmlNode *node, const char *rgb)
{
    int n = 0;
    for (; node; node = node->next) {
        if (node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, "path") == 0) {
            xmlChar *style = xmlGetProp(node, (const xmlChar *)"style");
            n += style && strstr((const char *)style, rgb) && strstr((const char *)style, "stroke:");
            xmlFree(style);
        }
        n += count_stroked(node->children, rgb);
    }
    return n;
}

static void test_svg_is_well_formed(void **state)
{
    (void)state;
    assert_int_equal(export(NULL, 0, support_tmp("scene.ini"), "-o", support_tmp("loss.svg"), "--view", "loss", NULL), 0);
    xmlDoc *doc = xmlReadFile(support_tmp("loss.svg"), NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    assert_non_null(doc); /* parses: well-formed */
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "svg");
    xmlChar *width = xmlGetProp(root, (const xmlChar *)"width");
    assert_string_equal((const char *)width, "576pt"); /* 1600 px at 200 dpi = 8 in */
    xmlFree(width);
    /* Each run: its loss curve and its legend swatch, stroked in its colour (cairo writes percentages). */
    assert_int_equal(count_stroked(root, "stroke:rgb(83.921569%,15.294118%,15.686275%)"), 2);
    assert_int_equal(count_stroked(root, "stroke:rgb(12.156863%,46.666667%,70.588235%)"), 2);
    xmlFreeDoc(doc);
}

static void test_pdf_is_one_page(void **state)
{
    (void)state;
    assert_int_equal(export(NULL, 0, support_tmp("scene.ini"), "-o", support_tmp("fig.pdf"), "--theme", "dark", NULL), 0);
    char command[256], line[256];
    snprintf(command, sizeof command, "%s %s 2>&1", getenv("PDFINFO") ? getenv("PDFINFO") : "pdfinfo", support_tmp("fig.pdf"));
    FILE *p = popen(command, "r");
    assert_non_null(p);
    bool one_page = false, size = false, title = false;
    while (fgets(line, sizeof line, p)) {
        one_page = one_page || strcmp(line, "Pages:           1\n") == 0;
        size = size || strncmp(line, "Page size:       576 x 324 pts", 30) == 0;
        title = title || strcmp(line, "Title:           One run\n") == 0;
    }
    assert_int_equal(pclose(p), 0);
    assert_true(one_page && size && title);
}

static int count_files(void)
{
    DIR *d = opendir(support_tmpdir());
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_bad_outputs_leave_nothing(void **state)
{
    (void)state;
    char err[512];
    int before = count_files();
    assert_int_equal(export(err, sizeof err, support_tmp("scene.ini"), "-o", support_tmp("fig.bmp"), NULL), 2);
    assert_non_null(strstr(err, "unknown format '.bmp' (write .png, .svg or .pdf)"));
    assert_int_equal(export(err, sizeof err, support_tmp("scene.ini"), "-o", support_tmp("no/such/dir.png"), NULL), 2);
    assert_non_null(strstr(err, "cannot write"));
    assert_non_null(strstr(err, "no/such/dir.png"));
    assert_int_equal(export(err, sizeof err, support_tmp("scene.ini"), "-o", support_tmp("x.png"), "--set", "GD.opt=sgd:lr=x", NULL), 2);
    assert_non_null(strstr(err, "--set 'GD.opt=sgd:lr=x': sgd: lr='x' is not a number"));
    assert_int_equal(export(err, sizeof err, support_tmp("missing.ini"), "-o", support_tmp("x.png"), NULL), 2);
    assert_non_null(strstr(err, "missing.ini: cannot read"));
    assert_int_equal(export(err, sizeof err, support_tmp("scene.ini"), "-o", support_tmp("x.png"), "--view", "spectrum", NULL), 2);
    assert_non_null(strstr(err, "view 'spectrum' is not for a surface lab (views: contour, surface, loss, lr, staleness, scaling, steps, modes)"));
    assert_int_equal(export(err, sizeof err, support_tmp("scene.ini"), NULL), 2);
    assert_non_null(strstr(err, "-o FIGURE.(png|svg|pdf|gif|mp4|webm) is required"));
    assert_int_equal(count_files(), before);
}

/* A path that lies on another is drawn thin inside it, so both show: Newton's one step lies on damped
 * Newton's straight path, and at points along that step the map shows Newton's orange, not only green. */
static void test_coinciding_paths_both_show(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/newton-damped.ini", (char *[]){"lab.views=contour"}, 1) != 0 ||
        basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    basin_figure_options o = basin_figure_defaults();
    assert_int_equal(export(NULL, 0, BASIN_DEMOS_DIR "/newton-damped.ini", "--view", "contour", "-o", support_tmp("paths.png"),
                            NULL), 0);
    cairo_surface_t *png = cairo_image_surface_create_from_png(support_tmp("paths.png"));
    const double *start = lab.runs[1].run->trace.w, *end = lab.runs[1].run->trace.w + 2;
    int orange = 0, green = 0;
    for (int k = 1; k < 10; k++) { /* nine points along the step, away from its ends */
        int px, py;
        basin_rect area;
        locate(&lab, &o, start[0] + (end[0] - start[0]) * k / 10.0, start[1] + (end[1] - start[1]) * k / 10.0, &px, &py, &area);
        bool o_here = false, g_here = false;
        for (int dy = -2; dy <= 2; dy++)
            for (int dx = -2; dx <= 2; dx++) {
                int rgb[3];
                pixel(png, px + dx, py + dy, rgb);
                o_here = o_here || (abs(rgb[0] - 0xff) < 50 && abs(rgb[1] - 0x7f) < 50 && abs(rgb[2] - 0x0e) < 60);
                g_here = g_here || (abs(rgb[0] - 0x2c) < 50 && abs(rgb[1] - 0xa0) < 50 && abs(rgb[2] - 0x2c) < 50);
            }
        orange += o_here, green += g_here;
    }
    print_message("along Newton's step: orange at %d of 9 points, green at %d\n", orange, green);
    assert_true(orange >= 7 && green >= 7);
    cairo_surface_destroy(png);
    basin_lab_free(&lab);
}

static void test_quick_figure_from_specs(void **state)
{
    (void)state;
    assert_int_equal(export(NULL, 0, "--surface", "rosenbrock", "--opt", "adam:lr=0.05", "--opt", "sgd:lr=0.002",
                            "--start=-1.5,2", "--steps", "80", "-o", support_tmp("quick.png"), "--size", "640x360", "--dpi", "100", NULL), 0);
    cairo_surface_t *png = cairo_image_surface_create_from_png(support_tmp("quick.png"));
    assert_int_equal(cairo_image_surface_get_width(png), 640);
    cairo_surface_destroy(png);
}

/* Every demo, simulated once, draws as PNG, SVG and PDF (basin export's path: basin_figure_export). The
 * sanitizer build skips it: it is simulation, which the engine's own tests cover there. */
static void test_every_demo_exports(void **state)
{
    (void)state;
#ifdef BASIN_SANITIZED
    skip();
#endif
    DIR *d = opendir(BASIN_DEMOS_DIR);
    assert_non_null(d);
    int labs = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".ini") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", BASIN_DEMOS_DIR, e->d_name);
        basin_lab lab;
        if (basin_lab_load(&lab, path, NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
            fail_msg("%s does not load and run: %s", e->d_name, basin_error_message());
        basin_figure_options o = basin_figure_defaults();
        o.width = 800, o.height = 450, o.dpi = 100;
        o.surface = basin_offscreen_painter;
        const char *formats[] = {"demo.png", "demo.svg", "demo.pdf"};
        for (int k = 0; k < 3; k++)
            if (basin_figure_export(&lab, &o, support_tmp(formats[k]), stdout) != 0)
                fail_msg("%s does not export to %s: %s", e->d_name, formats[k], basin_error_message());
        basin_lab_free(&lab);
        labs++;
    }
    closedir(d);
    print_message("%d demo labs exported to PNG, SVG and PDF\n", labs);
    assert_true(labs >= 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png_pixels),
        cmocka_unit_test(test_same_input_same_bytes),
        cmocka_unit_test(test_svg_is_well_formed),
        cmocka_unit_test(test_pdf_is_one_page),
        cmocka_unit_test(test_bad_outputs_leave_nothing),
        cmocka_unit_test(test_quick_figure_from_specs),
        cmocka_unit_test(test_coinciding_paths_both_show),
        cmocka_unit_test(test_every_demo_exports),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    xmlCleanupParser();
    cairo_debug_reset_static_data();
    return failed;
}
