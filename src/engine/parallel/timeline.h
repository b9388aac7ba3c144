/* timeline.h: what each worker or stage did when, on the simulated clock: spans of forward, backward or
 * whole-gradient compute and of communication, each tagged with its step and micro-batch, for Gantt
 * charts (drawn as in the GPipe and Megatron papers) and Chrome's trace format. Idle time is the gaps. */
#ifndef BASIN_TIMELINE_H
#define BASIN_TIMELINE_H

#include <stdio.h>
#include <stddef.h>

/* Spans a parallel run keeps (about 8 MB); later ones are counted. */
#define BASIN_TIMELINE_LIMIT 200000

typedef enum { BASIN_SPAN_FORWARD, BASIN_SPAN_BACKWARD, BASIN_SPAN_COMPUTE, BASIN_SPAN_COMM } basin_span_kind;

typedef struct basin_span {
    int row;              /* the worker or stage */
    basin_span_kind kind;
    long step;            /* the training step, from 1 */
    int micro;            /* the micro-batch (pipeline), else −1 */
    double start, end;    /* simulated time units */
} basin_span;

typedef struct basin_timeline {
    int rows;             /* workers or stages */
    const char *row_noun; /* "worker" or "stage" (static) */
    basin_span *spans;    /* owned */
    size_t n, cap;
    size_t limit;         /* spans kept at most (later ones are counted, not kept) */
    size_t dropped;
    long preview_steps;   /* the steps a chart shows by default: a few of them make the pattern clear */
    basin_span *measured; /* owned: the same work as measured on this machine, in seconds since the run
                             began (threads share two cores: beside the simulated clock, not instead) */
    size_t n_measured, cap_measured;
    const char *title;    /* what the run is, for a chart's title (static or owned by the source) */
    const char *clock;    /* what the spans' times count, for a chart's axis (static), or NULL: the
                             simulated clock */
    char note[96];        /* what else a chart's title says ("at most 4 micro-batches in flight"), or "" */
} basin_timeline;

/* Starts an empty timeline of rows rows named by noun, keeping at most limit spans, a chart showing the
 * first preview_steps steps. Can't fail. */
void basin_timeline_init(basin_timeline *t, int rows, const char *noun, size_t limit, long preview_steps);

/* Appends a span (or counts it as dropped past the limit). Returns 0, or -1 with a message when memory
 * runs out. */
int basin_timeline_add(basin_timeline *t, basin_span span);

/* Appends a span measured on this machine (or counts it as dropped past the limit). Returns 0, or -1 with
 * a message when memory runs out. */
int basin_timeline_add_measured(basin_timeline *t, basin_span span);

typedef struct basin_comm basin_comm;

/* On an MPI world: every rank sends its measured spans (times relative to its own origin, a wall-clock
 * reading) to rank 0, whose timeline gains them on its own origin's scale (the ranks' monotonic clocks
 * are one clock on one machine; across machines they differ by their offsets). Collective: every rank
 * calls it once. Returns 0, or -1 with a message. */
int basin_timeline_gather_measured(basin_timeline *t, basin_comm *world, double origin);

/* Seconds on the monotonic clock: what measured spans are taken with. Can't fail. */
double basin_timeline_wall(void);

/* What a worker measures during a step, kept apart from the shared timeline until the step is over (the
 * workers run at once; the timeline is written by one thread after them). */
typedef struct basin_span_buffer {
    basin_span *spans; /* owned */
    size_t n, cap;
} basin_span_buffer;

/* Appends a span of kind from start to end (wall seconds) under row, step and micro. Returns 0, or -1
 * with a message when memory runs out. */
int basin_span_buffer_add(basin_span_buffer *b, int row, basin_span_kind kind, long step, int micro, double start,
                          double end);

/* Moves b's spans into t's measured ones, their times made relative to origin (emptying b). Returns 0,
 * or -1 with a message. */
int basin_span_buffer_flush(basin_span_buffer *b, basin_timeline *t, double origin);

/* Frees what b holds. */
void basin_span_buffer_free(basin_span_buffer *b);

/* The idle share of rows × [from, to): 1 − (time spans of kinds other than communication cover in it) /
 * (rows · (to − from)). Communication counts as not computing. Can't fail. */
double basin_timeline_idle(const basin_timeline *t, double from, double to);

/* The end of the last span of step (0 when there is none). */
double basin_timeline_step_end(const basin_timeline *t, long step);

/* Writes the timeline in Chrome's trace-event format (chrome://tracing, Perfetto): one complete event
 * ("ph":"X") per span, the simulated clock as process 0 (a time unit written as 1000 µs) and the
 * measured spans as process 1 (in real µs), rows as threads. Returns 0, or -1 with a message when
 * writing fails. */
int basin_timeline_write_json(const basin_timeline *t, FILE *f);

/* Writes " (speeds 1/1/1/0.25)" for k workers' speeds into text, or "" when they are all equal: what a
 * title says of stragglers. Can't fail. */
void basin_timeline_speeds_text(const double *speeds, int k, char *text, size_t n);

/* Frees the spans. */
void basin_timeline_free(basin_timeline *t);

#endif
