/* test_layout.c: every demo's figure, drawn at 1600×900 pixels (200 dpi) with text at 1, 1.5 and 2 times
 * its size, read back as the boxes its text was set in: none leaves the canvas, no two overlap, and every
 * heatmap view has a colour bar (its caption, set upright beside the bar). At 2
 * times, a figure whose panels cannot have the room a chart needs is refused with a message saying so
 * (never at 1 or 1.5). Its first, middle and last frames set their numbers in the same places (an
 * animation does not jump). Each demo is simulated once for both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/error.h"
#include "lab/lab.h"
#include "render/figure.h"
#include "render/plot.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WIDTH = 1600, HEIGHT = 900 };

/* The overlap of two boxes is more than a sliver (a pixel either way). */
static bool overlap(const basin_text_box *a, const basin_text_box *b)
{
    return fmin(a->x1, b->x1) - fmax(a->x0, b->x0) > 1 && fmin(a->y1, b->y1) - fmax(a->y0, b->y0) > 1;
}

/* Draws lab's figure at font scale, its runs' first shown rows (0: all), on a WIDTH × HEIGHT canvas at the
 * default dpi, recording where its text went into boxes. Returns basin_figure_draw's status. */
static int draw_recorded(const basin_lab *lab, double font_scale, size_t shown, basin_text_boxes *boxes)
{
    basin_figure_options o = basin_figure_defaults();
    o.font_scale = font_scale;
    o.shown = shown;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
    cairo_t *cr = cairo_create(s);
    *boxes = (basin_text_boxes){0};
    basin_text_boxes_record(cr, boxes);
    double scale = o.dpi / 72.0;
    cairo_scale(cr, scale, scale);
    int rc = basin_figure_draw(cr, WIDTH / scale, HEIGHT / scale, lab, &o);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return rc;
}

/* Draws lab at font scale and counts the faults of its text, each printed. */
static int faults_of(const basin_lab *lab, const char *name, double font_scale)
{
    basin_text_boxes boxes;
    if (draw_recorded(lab, font_scale, 0, &boxes) != 0) {
        if (font_scale < 2 || !strstr(basin_error_message(), "need more room than 1600×900 pixels at 200 dpi: give a larger --size"))
            fail_msg("%s ×%g: %s", name, font_scale, basin_error_message());
        print_message("  %s ×%g refused: %s\n", name, font_scale, basin_error_message());
        free(boxes.box);
        return 0; /* a clear refusal, not a broken figure */
    }
    /* every heatmap has a colour bar: one per contour, boundary or landscape view, found by its caption */
    size_t heatmaps = 0, bars = 0;
    for (size_t v = 0; v < lab->n_views; v++)
        heatmaps += lab->views[v] == BASIN_VIEW_CONTOUR || lab->views[v] == BASIN_VIEW_BOUNDARY ||
                    lab->views[v] == BASIN_VIEW_LANDSCAPE;
    static const char *const captions[] = {"f", "f − f*", "loss", "P(y = 1)", "class"};
    for (size_t i = 0; i < boxes.n; i++) {
        const basin_text_box *b = &boxes.box[i];
        bool caption = false, labels_left = false; /* an axis label has its tick labels right of it */
        for (size_t c = 0; c < sizeof captions / sizeof *captions; c++)
            caption = caption || strcmp(b->text, captions[c]) == 0;
        for (size_t j = 0; caption && j < boxes.n; j++) {
            const basin_text_box *l = &boxes.box[j];
            labels_left = labels_left || (l->x1 <= b->x0 + 1 && b->x0 - l->x1 < 15 * font_scale &&
                                          fabs((l->y0 + l->y1) / 2 - (b->y0 + b->y1) / 2) < 300 * font_scale);
        }
        bars += caption && labels_left;
    }
    int faults = bars != heatmaps;
    if (bars != heatmaps)
        print_message("  %s ×%g: %zu heatmap views, %zu colour bars\n", name, font_scale, heatmaps, bars);
    for (size_t i = 0; i < boxes.n; i++) {
        const basin_text_box *a = &boxes.box[i];
        if (a->x0 < -0.5 || a->y0 < -0.5 || a->x1 > WIDTH + 0.5 || a->y1 > HEIGHT + 0.5)
            faults++, print_message("  %s ×%g: '%s' leaves the canvas (%.0f,%.0f)-(%.0f,%.0f)\n", name, font_scale, a->text,
                                    a->x0, a->y0, a->x1, a->y1);
        for (size_t j = 0; j < i; j++)
            if (overlap(a, &boxes.box[j]))
                faults++, print_message("  %s ×%g: '%s' overlaps '%s' (%.1f,%.1f)-(%.1f,%.1f) and (%.1f,%.1f)-(%.1f,%.1f)\n", name,
                                        font_scale, a->text, boxes.box[j].text, a->x0, a->y0, a->x1, a->y1, boxes.box[j].x0,
                                        boxes.box[j].y0, boxes.box[j].x1, boxes.box[j].y1);
    }
    free(boxes.box);
    return faults;
}

/* The faults of a demo's text at font scales 1, 1.5 and 2. */
static int layout_faults(const basin_lab *lab, const char *name)
{
    int faults = 0;
    for (int k = 0; k < 3; k++)
        faults += faults_of(lab, name, 1 + 0.5 * k);
    print_message("%s: %d faults at font scales 1, 1.5, 2\n", name, faults);
    return faults;
}

/* Whether a text is a number as tick labels write them: no letters and no spaces. */
static bool numeric(const char *text)
{
    for (const char *c = text; *c; c++)
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || *c == ' ')
            return false;
    return *text != '\0';
}

/* The numbers a frame of lab sets (its tick labels and colour bars' scales), as boxes. */
static basin_text_boxes numbers_of_frame(const basin_lab *lab, size_t shown)
{
    basin_text_boxes boxes;
    if (draw_recorded(lab, 1, shown, &boxes) != 0)
        fail_msg("%s", basin_error_message());
    size_t kept = 0;
    for (size_t i = 0; i < boxes.n; i++)
        if (numeric(boxes.box[i].text))
            boxes.box[kept++] = boxes.box[i];
    boxes.n = kept;
    return boxes;
}

/* Whether boxes holds one equal to b (its text, where it is). */
static bool has_box(const basin_text_boxes *boxes, const basin_text_box *b)
{
    for (size_t i = 0; i < boxes->n; i++)
        if (strcmp(boxes->box[i].text, b->text) == 0 && fabs(boxes->box[i].x0 - b->x0) < 0.01 &&
            fabs(boxes->box[i].y0 - b->y0) < 0.01)
            return true;
    return false;
}

/* An animation does not jump: a demo's first, middle and last frames set the same numbers in the same
 * places (axes and colour scales fixed from the whole run); returns how many do not. Timelines, which follow
 * the steps shown, are left out (lab's views are changed for it: the last check on the lab). */
static int moved_numbers(basin_lab *lab, const char *name)
{
    size_t views = 0; /* a timeline scrolls with the frame by design (the steps shown): left out */
    for (size_t v = 0; v < lab->n_views; v++)
        if (lab->views[v] != BASIN_VIEW_TIMELINE)
            lab->views[views++] = lab->views[v];
    lab->n_views = views;
    if (views == 0)
        return 0;
    int moved = 0;
    size_t frames = basin_lab_frames(lab), at[3] = {1, (frames + 1) / 2, frames};
    basin_text_boxes last = numbers_of_frame(lab, frames);
    for (int k = 0; k < 2; k++) {
        basin_text_boxes other = numbers_of_frame(lab, at[k]);
        for (size_t i = 0; i < other.n; i++)
            if (!has_box(&last, &other.box[i]))
                moved++, print_message("  %s: '%s' at (%.0f, %.0f) in frame %zu, not in the last\n", name,
                                       other.box[i].text, other.box[i].x0, other.box[i].y0, at[k]);
        for (size_t i = 0; i < last.n; i++)
            if (!has_box(&other, &last.box[i]))
                moved++, print_message("  %s: '%s' at (%.0f, %.0f) in the last frame, not in frame %zu\n", name,
                                       last.box[i].text, last.box[i].x0, last.box[i].y0, at[k]);
        free(other.box);
    }
    free(last.box);
    return moved;
}

/* Every demo, simulated once: its text laid out at three font scales, its frames on one set of axes. */
static void test_every_demo(void **state)
{
    (void)state;
    DIR *dir = opendir(BASIN_DEMOS_DIR);
    assert_non_null(dir);
    int faults = 0, moved = 0, demos = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".ini") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", BASIN_DEMOS_DIR, e->d_name);
        basin_lab lab;
        if (basin_lab_load(&lab, path, NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
            fail_msg("%s: %s", e->d_name, basin_error_message());
        faults += layout_faults(&lab, e->d_name);
        moved += moved_numbers(&lab, e->d_name);
        demos++;
        basin_lab_free(&lab);
    }
    closedir(dir);
    assert_true(demos >= 20);
    assert_int_equal(faults, 0);
    assert_int_equal(moved, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_demo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
