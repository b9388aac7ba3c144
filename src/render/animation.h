/* animation.h: a lab's figure frame by frame, as the window plays it: an animated GIF, an MP4 or WebM
 * video, or a numbered sequence of PNG, SVG or PDF files (LaTeX's animate package makes those a vector
 * animation). Every frame is drawn on the axes, colour scales and layout of the whole run, so nothing
 * jumps from one frame to the next. */
#ifndef BASIN_ANIMATION_H
#define BASIN_ANIMATION_H

#include "figure.h"

#include <stdio.h>

typedef enum {
    BASIN_ANIMATION_GIF,
    BASIN_ANIMATION_MP4,
    BASIN_ANIMATION_WEBM,
    BASIN_ANIMATION_FRAMES /* one file per frame, named by a printf pattern such as frames/%04d.png */
} basin_animation_format;

typedef struct basin_animation_options {
    double fps;      /* frames a second */
    double duration; /* seconds: that many frames sampled evenly from the run; 0: every every-th one */
    size_t every;    /* draw every every-th frame of the lab (steps, or evaluations of a training lab) */
    double hold;     /* seconds the last frame stays before a GIF loops or a video ends */
    /* called after each frame (NULL: not), e.g. for a progress bar */
    void (*progress)(size_t done, size_t total, void *user);
    void *progress_user;
} basin_animation_options;

/* 30 frames a second, every frame, a 1-second hold. */
basin_animation_options basin_animation_defaults(void);

/* Whether path names an animation (.gif, .mp4, .webm, any case, or a pattern with one %d conversion,
 * flags 0 and a width allowed, ending in .png, .svg or .pdf), and which. Returns 1 with *format set, 0
 * for a still figure, or -1 with a message for a malformed pattern (a second conversion, %s, a still
 * format's extension missing). */
int basin_animation_format_of(const char *path, basin_animation_format *format);

/* The frames an animation of a lab with total frames draws: their shown values (1 … total, the last
 * always included) into shown when not NULL. Returns how many. */
size_t basin_animation_plan(size_t total, const basin_animation_options *a, size_t *shown);

/* Writes the simulated lab's animation to path in format, drawn with o (its shown is ignored), whole or
 * not at all: GIF and video go to a temporary file renamed when complete, each file of a sequence to
 * its own. Returns 0; -2 with a message when the request is unusable (an odd size for H.264, "-" for a
 * video); -1 with a message when drawing, encoding or writing fails. */
int basin_animation_export(const basin_lab *lab, const basin_figure_options *o, const basin_animation_options *a,
                           basin_animation_format format, const char *path, FILE *stdout_stream);

#endif
