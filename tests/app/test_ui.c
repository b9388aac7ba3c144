/* test_ui.c: the immediate-mode widgets without a window: frames of input in, values and clicks out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "app/ui.h"

#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The mouse at (x, y), its button held (down), pressed this frame. */
#define INPUT(px, py, held, press) ((basin_ui_input){.x = (px), .y = (py), .down = (held), .pressed = (press)})

typedef struct frame_result {
    bool changed, clicked, toggled;
} frame_result;

static double value = 0.5, log_value = 1e-2;
static bool flag;

/* One frame: a slider, a log slider, a button and a toggle in a column at (10, 10), 300 wide. */
static frame_result frame(basin_ui *ui, cairo_t *cr, basin_ui_input in)
{
    basin_theme theme = basin_theme_make(false, 1);
    frame_result r = {0};
    basin_ui_begin(ui, cr, &theme, in, 10, 10, 300);
    r.changed = basin_ui_slider(ui, "momentum", &value, 0, 1, false);
    r.changed |= basin_ui_slider(ui, "lr", &log_value, 1e-4, 1, true);
    r.clicked = basin_ui_button(ui, "+ adam");
    r.toggled = basin_ui_toggle(ui, "nesterov", &flag);
    basin_ui_end(ui);
    return r;
}

static void test_widgets(void **state)
{
    (void)state;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 300);
    cairo_t *cr = cairo_create(s);
    basin_ui ui = {0};
    frame(&ui, cr, INPUT(0, 0, false, false)); /* a first frame lays the widgets out */
    const basin_rect *track = basin_ui_find(&ui, "momentum");
    assert_non_null(track);
    basin_rect t = *track;
    double y = t.y + t.h / 2;

    /* Press a quarter along the track: the value jumps there; dragging on follows the mouse. */
    assert_true(frame(&ui, cr, INPUT(t.x + 0.25 * t.w, y, true, true)).changed);
    assert_close(value, 0.25, 1e-12);
    assert_true(frame(&ui, cr, INPUT(t.x + 0.75 * t.w, y, true, false)).changed);
    assert_close(value, 0.75, 1e-12);
    /* Dragging past the end clamps; releasing ends the drag; moving then changes nothing. */
    frame(&ui, cr, INPUT(t.x + 2 * t.w, y, true, false));
    assert_close(value, 1, 0);
    frame(&ui, cr, INPUT(t.x + 2 * t.w, y, false, false));
    assert_false(frame(&ui, cr, INPUT(t.x + 0.1 * t.w, y, false, false)).changed);
    assert_close(value, 1, 0);

    /* The log slider: the middle of [1e-4, 1] is 1e-2. */
    const basin_rect *lr = basin_ui_find(&ui, "lr");
    frame(&ui, cr, INPUT(lr->x + 0.5 * lr->w, lr->y + lr->h / 2, true, true));
    frame(&ui, cr, INPUT(0, 0, false, false));
    assert_close(log_value, 1e-2, 1e-12);

    /* A button reports one click per press, and only when pressed on it. */
    const basin_rect *b = basin_ui_find(&ui, "+ adam");
    basin_ui_input on = INPUT(b->x + b->w / 2, b->y + b->h / 2, true, true);
    assert_true(frame(&ui, cr, on).clicked);
    on.pressed = false;
    assert_false(frame(&ui, cr, on).clicked); /* held, not pressed again */
    assert_false(frame(&ui, cr, INPUT(b->x - 50, b->y + b->h / 2, true, true)).clicked);
    frame(&ui, cr, INPUT(0, 0, false, false));

    /* A toggle flips on each press. */
    const basin_rect *c = basin_ui_find(&ui, "nesterov");
    basin_ui_input press = INPUT(c->x + 5, c->y + c->h / 2, true, true);
    assert_true(frame(&ui, cr, press).toggled);
    assert_true(flag);
    frame(&ui, cr, INPUT(0, 0, false, false));
    assert_true(frame(&ui, cr, press).toggled);
    assert_false(flag);
    assert_null(basin_ui_find(&ui, "missing"));
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* A label too long for the column stays inside it: smaller type, then cut short with an ellipsis. */
static void test_long_label_stays_in_the_column(void **state)
{
    (void)state;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 100);
    cairo_t *cr = cairo_create(s);
    basin_text_boxes boxes = {0};
    basin_text_boxes_record(cr, &boxes);
    basin_theme theme = basin_theme_make(false, 1);
    basin_ui ui = {0};
    basin_ui_begin(&ui, cr, &theme, (basin_ui_input){0}, 10, 10, 150);
    basin_ui_label(&ui, "model cnn:channels=8/16/32/64,pool=none,kernel=3,hidden=64 — µ spec", false);
    basin_ui_label(&ui, "data digits", false);
    basin_ui_end(&ui);
    assert_int_equal(boxes.n, 2);
    print_message("long label: '%s' ends at x = %.1f (column 10 to 160)\n", boxes.box[0].text, boxes.box[0].x1);
    assert_true(boxes.box[0].x1 <= 160.5 && strstr(boxes.box[0].text, "…"));
    assert_string_equal(boxes.box[1].text, "data digits");
    free(boxes.box);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* A text field: a click gives it the keyboard, typing appends, Backspace removes a whole UTF-8 character,
 * Enter submits and lets go, a click elsewhere lets go without submitting. */
static void test_field(void **state)
{
    (void)state;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 300);
    cairo_t *cr = cairo_create(s);
    basin_theme theme = basin_theme_make(false, 1);
    basin_ui ui = {0};
    char text[32] = "x^2";
    basin_ui_input in = INPUT(0, 0, false, false);
    bool submitted = false;
#define FIELD_FRAME()                                                                                          \
    do {                                                                                                       \
        basin_ui_begin(&ui, cr, &theme, in, 10, 10, 300);                                                      \
        submitted = basin_ui_field(&ui, "formula", text, sizeof text);                                        \
        basin_ui_end(&ui);                                                                                     \
        in = INPUT(in.x, in.y, false, false);                                                                  \
    } while (0)
    FIELD_FRAME();
    assert_false(basin_ui_typing(&ui));
    const basin_rect *box = basin_ui_find(&ui, "formula");
    assert_non_null(box);
    in = INPUT(box->x + 5, box->y + 5, true, true);
    FIELD_FRAME();
    assert_true(basin_ui_typing(&ui));
    snprintf(in.text, sizeof in.text, " + yé");
    FIELD_FRAME();
    assert_string_equal(text, "x^2 + yé");
    in.key = BASIN_UI_KEY_BACKSPACE; /* é is two bytes: both go */
    FIELD_FRAME();
    assert_string_equal(text, "x^2 + y");
    assert_false(submitted);
    in.key = BASIN_UI_KEY_ENTER;
    FIELD_FRAME();
    assert_true(submitted);
    assert_false(basin_ui_typing(&ui));
    in = INPUT(box->x + 5, box->y + 5, true, true); /* focus again, then a click elsewhere */
    FIELD_FRAME();
    assert_true(basin_ui_typing(&ui));
    in = INPUT(390, 290, true, true);
    FIELD_FRAME();
    assert_false(basin_ui_typing(&ui));
    assert_false(submitted);
#undef FIELD_FRAME
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_widgets), cmocka_unit_test(test_field),
                                       cmocka_unit_test(test_long_label_stays_in_the_column)};
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    cairo_debug_reset_static_data();
    return failed;
}
