/* script.h: a test hook: a file of input events injected into the window as real SDL events, one
 * command per frame. Commands (one per line, # starts a comment):
 *     wait N              render N frames
 *     click X Y           left click at window point (X, Y)
 *     shift-click X Y     the same with shift held
 *     drag X0 Y0 X1 Y1    press at (X0, Y0), move to (X1, Y1), release
 *     move X Y            move the mouse there
 *     wheel X Y N         turn the wheel N notches (positive zooms in) over (X, Y)
 *     key NAME            press a key: space right left r plus minus s f e v c question pagedown pageup q 1 … 9
 *                         return backspace escape
 *     type TEXT           type TEXT into the field that has the keyboard
 *     press LABEL         click the control labelled LABEL (a button, a run, a check box)
 *     slide LABEL T       drag the slider LABEL to fraction T of its track (over three frames)
 *     resize W H          resize the window to W × H points
 *     screenshot FILE     save what the window shows once the lab has been rebuilt (PNG)
 *     settle              wait until the lab has trained and its views are filled in (training labs)
 *     train N             wait until training has recorded N more evaluations (or ended; at most a minute)
 *     idle                wait until the worker has nothing in hand (a paused lab's last evaluation is in)
 *     quit                close the window */
#ifndef BASIN_SCRIPT_H
#define BASIN_SCRIPT_H

#include "ui.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct basin_script {
    FILE *file;
    int line;
    int waiting;            /* frames left to wait */
    char screenshot[1024];  /* set when a screenshot is due this frame */
    bool settle;            /* set when the window should wait for training to end (the caller clears it) */
    long train;             /* set when the window should wait for this many more evaluations (the caller clears it) */
    bool idle;              /* set when the window should wait for the worker to rest (the caller clears it) */
    bool done;
    int slide_phase;        /* a slide in progress: frames left */
    double slide_x0, slide_x1, slide_y;
} basin_script;

/* Opens a script. Returns 0, or -1 with "FILE: message". */
int basin_script_open(basin_script *s, const char *path);

/* Runs the next command (pushing SDL events), finding controls in ui's last frame. Returns 0, 1 at quit
 * or the end, or -1 with "FILE:LINE: message" for a bad command or a control that is not there. */
int basin_script_step(basin_script *s, const char *path, const basin_ui *ui);

void basin_script_close(basin_script *s);

#endif
