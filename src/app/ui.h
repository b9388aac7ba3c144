/* ui.h: a tiny immediate-mode UI (after rxi/microui): widgets are declared each frame between
 * basin_ui_begin and basin_ui_end, input comes in through one struct, and each widget is drawn with cairo
 * as it is declared. It knows nothing of SDL, so it is tested without a window. Each frame also records
 * where every widget was (by label), so a script can aim real input at them. */
#ifndef BASIN_UI_H
#define BASIN_UI_H

#include "render/plot.h"
#include "render/theme.h"

#include <cairo.h>
#include <stdbool.h>

typedef enum { BASIN_UI_KEY_NONE, BASIN_UI_KEY_BACKSPACE, BASIN_UI_KEY_ENTER, BASIN_UI_KEY_ESCAPE } basin_ui_key;

typedef struct basin_ui_input {
    double x, y;   /* the mouse, in points */
    bool down;     /* the left button is held */
    bool pressed;  /* it went down this frame */
    char text[64]; /* typed this frame (UTF-8), for the focused field */
    basin_ui_key key; /* an editing key pressed this frame */
} basin_ui_input;

#define BASIN_UI_MAX_WIDGETS 128

typedef struct basin_ui_widget {
    char label[64];
    basin_rect rect;
} basin_ui_widget;

typedef struct basin_ui {
    cairo_t *cr;
    basin_theme theme;
    basin_ui_input in;
    double x, y, w;     /* the layout cursor: the next widget's top left and the column's width */
    double row_x;       /* within a row of buttons, the next button's left */
    unsigned next_id;   /* widgets are numbered in the order they are declared */
    unsigned active;    /* the widget being dragged (kept across frames), 0 for none */
    unsigned focus;     /* the text field that takes the keyboard (kept across frames), 0 for none */
    bool focus_seen;    /* the focused field was declared this frame */
    bool focus_clicked; /* ... and the press of this frame went to it */
    bool used_mouse;    /* a widget took this frame's press */
    basin_ui_widget widgets[BASIN_UI_MAX_WIDGETS];
    int n_widgets;
} basin_ui;

/* Starts a frame: a column at (x, y) of width w on cr. ui keeps its active widget across frames. */
void basin_ui_begin(basin_ui *ui, cairo_t *cr, const basin_theme *theme, basin_ui_input in, double x, double y, double w);

/* Ends the frame; releasing the button ends a drag. */
void basin_ui_end(basin_ui *ui);

/* A line of text (a heading when strong), in smaller type or cut short with an ellipsis when it would
 * leave the column. */
void basin_ui_label(basin_ui *ui, const char *text, bool strong);

/* A line with a colour swatch and text, clickable: true when clicked. */
bool basin_ui_item(basin_ui *ui, const double rgb[3], const char *text, bool selected);

/* A button that flows along the current row (wrapping); true when clicked. basin_ui_row_end ends the row. */
bool basin_ui_button(basin_ui *ui, const char *text);
void basin_ui_row_end(basin_ui *ui);

/* A slider for *value in [lo, hi] (log spaced when log; lo > 0 then), labelled label and showing the
 * value. Returns true when the user changed it this frame. */
bool basin_ui_slider(basin_ui *ui, const char *label, double *value, double lo, double hi, bool log);

/* A check box; returns true when toggled. */
bool basin_ui_toggle(basin_ui *ui, const char *label, bool *value);

/* A labelled one-line text field editing buf (size bytes, UTF-8): a click gives it the keyboard, typing
 * appends, Backspace removes the last character, Escape lets go. Returns true when Enter submits it. */
bool basin_ui_field(basin_ui *ui, const char *label, char *buf, size_t size);

/* Whether a text field has the keyboard (keys are then text, not shortcuts). */
bool basin_ui_typing(const basin_ui *ui);

/* The rectangle of the widget labelled label in the last frame, or NULL. */
const basin_rect *basin_ui_find(const basin_ui *ui, const char *label);

#endif
