/* lab.h: a lab is one scene: a problem, the runs on it (each an optimizer + schedule + start point, with
 * a label and a colour), how many steps, and the views to draw. It comes from a lab file (INI) or from
 * command-line specs, through one list of entries and one builder, so both give the same errors. */
#ifndef BASIN_LAB_H
#define BASIN_LAB_H

#include "engine/spec.h"

#include "engine/nn/dataset.h"
#include "engine/problem.h"
#include "engine/run.h"
#include "lab/modes.h"
#include "lab/net_trace.h"
#include "lab/views.h"

#include <stdbool.h>
#include <stddef.h>


typedef enum { BASIN_LEVELS_AUTO, BASIN_LEVELS_LINEAR, BASIN_LEVELS_LOG } basin_level_scale;

typedef struct basin_lab_run {
    char *label;         /* the section's name: how --set and the window name the run */
    char *name;          /* the legend's template (name = ...: {KEY} an optimizer key), or NULL: label */
    char *origin;        /* where the run was defined, for messages */
    basin_spec opt;
    basin_spec schedule; /* entry NULL: constant */
    basin_spec parallel; /* surface labs: async (entry NULL: each gradient at the current point) */
    double *start;       /* problem dim */
    size_t batch;
    unsigned long seed;
    double color[3];     /* sRGB in [0, 1] */
    basin_run *run;      /* after basin_lab_simulate (surface labs) */
    basin_modes modes;   /* with the modes view: the run's error by eigendirection (len 0: no minimum at its end) */
    /* training labs: */
    basin_spec model, init, augment; /* augment: entry NULL without one */
    basin_train_settings train;      /* the training schema's keys (basin_train_specs), as basin train has them */
    basin_net_trace *training;        /* after basin_lab_start (filled by basin_lab_advance) */
    basin_net_training *session;      /* while the run trains */
    char *training_key;               /* every key its training depends on, "KEY=VALUE\n" each: equal keys, equal runs */
    double *augment_samples;          /* with the augment view and an augment spec: basin_augment_samples */
    double measures[4];               /* with the measures view: basin_sharpness_measures at the end (else NaN) */
} basin_lab_run;

typedef struct basin_lab {
    char *source;        /* the file, or "command line" */
    char *title;
    char *note;          /* what to look at and what to press (the window shows it), or NULL */
    basin_spec surface;
    basin_problem *problem; /* NULL in a training lab */
    long steps;             /* a training lab's epochs */
    basin_spec data;        /* a training lab's data set (entry NULL otherwise) */
    basin_dataset *dataset;
    basin_view views[BASIN_VIEW_COUNT];
    size_t n_views;
    bool has_window;     /* xrange/yrange given */
    double window[4];    /* xmin, xmax, ymin, ymax of the contour view */
    int levels;          /* number of contour levels */
    basin_level_scale level_scale;
    char *colormap;
    basin_lab_run *runs;
    size_t n_runs;
    size_t next_run;     /* the training run basin_lab_advance steps next */
} basin_lab;

/* Whether r is plain gradient descent (sgd without momentum or weight decay, a constant rate, full
 * batches, exact gradients, no staleness), whose error along an eigendirection of a quadratic is multiplied
 * by 1 − ηλ every step; *lr receives η. */
bool basin_lab_run_is_plain_gd(const basin_lab *lab, const basin_lab_run *r, double *lr);

/* The training run whose landscape a 3-D view shows: run wanted when its plane is known, else the first
 * whose plane is, or NULL. Can't fail. */
const basin_lab_run *basin_lab_landscape_run(const basin_lab *lab, size_t wanted);

/* What the surface of a surface lab is called in a figure: "f(x, y) = FORMULA" for a typed one, else its
 * spec as written. Can't fail (cut to size). */
void basin_lab_surface_name(const basin_lab *lab, char *buf, size_t size);

/* Whether lab shows view. */
bool basin_lab_has_view(const basin_lab *lab, basin_view view);

/* The run's legend into text: its name with every {KEY} replaced by the optimizer's KEY as it is now (so a
 * slider or --set shows), or its label. Can't fail (cut to size). */
void basin_lab_run_legend(const basin_lab_run *r, char *text, size_t size);

/* One key of a lab before it is checked: section is "lab" or a run's label. */
typedef struct basin_lab_entry {
    char *section, *key, *value;
    char *origin; /* "FILE:LINE: KEY" or a command-line option, prefixed to messages */
    int line;     /* in the file; 0 from the command line */
} basin_lab_entry;

typedef struct basin_lab_entries {
    basin_lab_entry *items;
    size_t len, cap;
    char *source;
} basin_lab_entries;

/* Reads the entries of a lab file. Returns 0, or -1 with "FILE:LINE: message" (unreadable file, a
 * section other than [lab] or [run NAME], a line that is not KEY = VALUE). */
int basin_lab_read(basin_lab_entries *entries, const char *path);

/* Adds one entry (copies every string). Returns 0, or -1 when out of memory. */
int basin_lab_add(basin_lab_entries *entries, const char *section, const char *key, const char *value,
                  const char *origin);

/* Applies "SECTION.KEY=VALUE" (SECTION is lab or a run's label), replacing that key or adding it;
 * "+NAME.KEY=VALUE" does the same for a new run NAME (created, placed last), and "-NAME" removes the run
 * NAME. Returns 0, or -1 with a message naming the assignment (malformed, no such run, a new run's name
 * taken). */
int basin_lab_override(basin_lab_entries *entries, const char *assignment);

/* Frees the entries; a zeroed set is fine. */
void basin_lab_entries_free(basin_lab_entries *entries);

/* Builds the lab the entries describe, checking every key against the registry and the problem. Returns
 * 0, or -1 with "ORIGIN: message" naming the key (unknown or missing key, bad spec, a start point of the
 * wrong dimension, ...); on failure lab holds nothing to free. */
int basin_lab_build(basin_lab *lab, const basin_lab_entries *entries);

/* Reads, overrides and builds in one call: basin_lab_read + basin_lab_override each + basin_lab_build. */
int basin_lab_load(basin_lab *lab, const char *path, char *const *overrides, size_t n_overrides);

/* Creates every run and steps it to lab->steps (stopping runs that diverge); a training lab trains each
 * run for lab->steps epochs and computes what its views draw at the end (the landscapes, the last
 * frame's decision regions). Returns 0, or -1 with a message (out of memory). */
int basin_lab_simulate(basin_lab *lab);

/* The same in two parts, for a window that shows the lab while its views fill in: the runs first, then
 * what the views draw that training did not record (the last frame's decision regions, the landscapes,
 * with every_frame the other frames' decision regions), each copied in under sync as it lands, on a
 * clone of each run's problem. Each returns 0, or -1 with a message. */
int basin_lab_run_all(basin_lab *lab);
int basin_lab_fill_views(basin_lab *lab, bool every_frame, const basin_lab_sync *sync);

/* basin_lab_run_all in steps, for a window that trains live: basin_lab_start steps a surface lab's runs to
 * the end and sets up a training lab's (empty traces; runs that already have one, adopted, are kept);
 * each basin_lab_advance then trains the next training run in turn until its next evaluation, copied in
 * under sync (NULL: nobody reads meanwhile), with regions also that frame's coarse decision regions. Start
 * returns 0 or -1; advance 1 while a run still trains, 0 when none does, -1; each failure with a message. */
int basin_lab_start(basin_lab *lab);
int basin_lab_advance(basin_lab *lab, const basin_lab_sync *sync, bool regions);

/* Whether a run of lab is still training. */
bool basin_lab_training(const basin_lab *lab);

/* Gives lab the data set of old when both hold the same examples (old takes lab's, which nothing uses
 * yet: call it before basin_lab_start, and again to swap back), so that runs adopted from old keep theirs.
 * Returns whether they were swapped. Can't fail. */
bool basin_lab_share_data(basin_lab *lab, basin_lab *old);

/* Moves into lab's training runs the traces (and sessions, going on) of old's runs with the same label
 * and training_key, trained on lab's data set (basin_lab_share_data), when both labs record the same things,
 * in place of what they had; old keeps the rest. Returns the runs adopted. Can't fail. */
size_t basin_lab_adopt(basin_lab *lab, basin_lab *old);

/* A scene given as specs, as the command line gives it: --surface, --schedule, --start, --steps, --seed,
 * --batch (text, or NULL) and one run per --opt spec, named by it. */
typedef struct basin_lab_scene {
    const char *surface, *schedule, *start, *steps, *seed, *batch;
    const char *const *opts;
    size_t n_opts;
    const char *parallel; /* NULL: none */
} basin_lab_scene;

/* Builds the lab of a scene through the same entries and builder as lab files (scene.c). Returns 0, or
 * -1 with a message naming the offending option; lab then holds nothing. */
int basin_lab_from_specs(basin_lab *lab, const basin_lab_scene *scene);

/* The frames a replay of the simulated lab shows: a surface lab's steps + 1 rows, a training lab's most
 * evaluations of a run (an epoch each, or every eval_every steps). Can't fail. */
size_t basin_lab_frames(const basin_lab *lab);

/* The epoch a training lab's frame shown (1-based, as a replay counts them) stands for, or the step of a
 * surface lab's. Can't fail. */
double basin_lab_frame_time(const basin_lab *lab, size_t shown);

/* Frees everything the lab holds; a zeroed lab is fine. */
void basin_lab_free(basin_lab *lab);

#endif
