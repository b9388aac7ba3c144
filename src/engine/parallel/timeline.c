/* timeline.c: a growing list of spans, their idle share, and Chrome's trace format. */
#include "timeline.h"

#include "comm.h"

#include "../error.h"

#include <math.h>
#include <stdbool.h>
#include <time.h>
#include <stdlib.h>

void basin_timeline_init(basin_timeline *t, int rows, const char *noun, size_t limit, long preview_steps)
{
    *t = (basin_timeline){.rows = rows, .row_noun = noun, .limit = limit, .preview_steps = preview_steps,
                          .title = "", .note = ""};
}

int basin_timeline_add(basin_timeline *t, basin_span span)
{
    if (t->n >= t->limit) {
        t->dropped++;
        return 0;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        basin_span *spans = realloc(t->spans, cap * sizeof *spans);
        if (!spans) {
            basin_error_set("out of memory for a timeline of %zu spans", cap);
            return -1;
        }
        t->spans = spans, t->cap = cap;
    }
    t->spans[t->n++] = span;
    return 0;
}

/* Appends span to a growing array. Returns 0, or -1 with a message. */
static int push(basin_span **spans, size_t *n, size_t *cap, basin_span span)
{
    if (*n == *cap) {
        size_t more = *cap ? 2 * *cap : 64;
        basin_span *grown = realloc(*spans, more * sizeof *grown);
        if (!grown) {
            basin_error_set("out of memory for a timeline of %zu spans", more);
            return -1;
        }
        *spans = grown, *cap = more;
    }
    (*spans)[(*n)++] = span;
    return 0;
}

int basin_timeline_add_measured(basin_timeline *t, basin_span span)
{
    if (t->n_measured >= t->limit) {
        t->dropped++;
        return 0;
    }
    return push(&t->measured, &t->n_measured, &t->cap_measured, span);
}

int basin_timeline_gather_measured(basin_timeline *t, basin_comm *world, double origin)
{
    enum { FIELDS = 6 }; /* row, kind, step, micro, start, end */
    double head[2] = {(double)t->n_measured, origin};
    if (world->rank != 0) {
        double *flat = malloc((t->n_measured * FIELDS + 1) * sizeof *flat);
        if (!flat) {
            basin_error_set("out of memory sending %zu spans", t->n_measured);
            return -1;
        }
        for (size_t i = 0; i < t->n_measured; i++) {
            const basin_span *s = &t->measured[i];
            double *f = flat + i * FIELDS;
            f[0] = s->row, f[1] = s->kind, f[2] = (double)s->step, f[3] = s->micro, f[4] = s->start, f[5] = s->end;
        }
        int rc = basin_comm_send(world, 0, head, 2) == 0 && basin_comm_send(world, 0, flat, t->n_measured * FIELDS) == 0
                     ? 0 : -1;
        free(flat);
        return rc;
    }
    for (int r = 1; r < world->size; r++) {
        if (basin_comm_recv(world, r, head, 2) != 0)
            return -1;
        size_t n = (size_t)head[0];
        double shift = head[1] - origin, *flat = malloc((n * FIELDS + 1) * sizeof *flat);
        if (!flat) {
            basin_error_set("out of memory receiving %zu spans", n);
            return -1;
        }
        int rc = basin_comm_recv(world, r, flat, n * FIELDS);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            const double *f = flat + i * FIELDS;
            basin_span s = {(int)f[0], (basin_span_kind)f[1], (long)f[2], (int)f[3], f[4] + shift, f[5] + shift};
            rc = basin_timeline_add_measured(t, s);
        }
        free(flat);
        if (rc != 0)
            return -1;
    }
    return 0;
}

double basin_timeline_wall(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

int basin_span_buffer_add(basin_span_buffer *b, int row, basin_span_kind kind, long step, int micro, double start,
                          double end)
{
    return push(&b->spans, &b->n, &b->cap, (basin_span){row, kind, step, micro, start, end});
}

int basin_span_buffer_flush(basin_span_buffer *b, basin_timeline *t, double origin)
{
    int status = 0;
    for (size_t i = 0; i < b->n && status == 0; i++) {
        basin_span s = b->spans[i];
        s.start -= origin, s.end -= origin;
        status = basin_timeline_add_measured(t, s);
    }
    b->n = 0;
    return status;
}

void basin_span_buffer_free(basin_span_buffer *b)
{
    free(b->spans);
    *b = (basin_span_buffer){0};
}

double basin_timeline_idle(const basin_timeline *t, double from, double to)
{
    double busy = 0;
    for (size_t i = 0; i < t->n; i++) {
        const basin_span *s = &t->spans[i];
        if (s->kind != BASIN_SPAN_COMM)
            busy += fmax(0, fmin(s->end, to) - fmax(s->start, from));
    }
    return 1 - busy / ((double)t->rows * (to - from));
}

double basin_timeline_step_end(const basin_timeline *t, long step)
{
    double end = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->spans[i].step == step)
            end = fmax(end, t->spans[i].end);
    return end;
}

int basin_timeline_write_json(const basin_timeline *t, FILE *f)
{
    static const char *const names[] = {"forward", "backward", "compute", "communication"};
    fputs("{\"displayTimeUnit\": \"ms\", \"traceEvents\": [", f);
    for (int pid = 0; pid < (t->n_measured ? 2 : 1); pid++) /* the rows' names first */
        for (int r = 0; r < t->rows; r++)
            fprintf(f, "%s\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": %d, \"tid\": %d, \"args\": {\"name\": \"%s %d\"}}",
                    pid || r ? "," : "", pid, r, t->row_noun, r);
    fputs(",\n{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 0, \"args\": {\"name\": \"simulated clock\"}}", f);
    if (t->n_measured)
        fputs(",\n{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"args\": {\"name\": \"measured on this machine\"}}",
              f);
    for (int pass = 0; pass < 2; pass++) {
        const basin_span *spans = pass ? t->measured : t->spans;
        size_t n = pass ? t->n_measured : t->n;
        double scale = pass ? 1e6 : 1000; /* real seconds to µs; a simulated unit as 1000 µs */
        for (size_t i = 0; i < n; i++) {
            const basin_span *s = &spans[i];
            fprintf(f, ",\n{\"name\": \"%s\", \"cat\": \"%s\", \"ph\": \"X\", \"pid\": %d, \"tid\": %d, \"ts\": %.17g, "
                       "\"dur\": %.17g, \"args\": {\"step\": %ld, \"micro\": %d}}",
                    names[s->kind], names[s->kind], pass, s->row, scale * s->start, scale * (s->end - s->start),
                    s->step, s->micro);
        }
    }
    fprintf(f, "\n], \"otherData\": {\"time_unit\": \"one example through the model at speed 1 (a gradient on a surface)\", \"spans_dropped\": %zu}}\n",
            t->dropped);
    if (ferror(f)) {
        basin_error_set("writing the timeline failed");
        return -1;
    }
    return 0;
}

void basin_timeline_speeds_text(const double *speeds, int k, char *text, size_t n)
{
    bool equal = true;
    for (int w = 1; w < k; w++)
        equal = equal && speeds[w] == speeds[0];
    size_t used = 0;
    *text = '\0';
    for (int w = 0; w < k && !equal && used < n; w++)
        used += (size_t)snprintf(text + used, n - used, "%s%g", w ? "/" : " (speeds ", speeds[w]);
    if (!equal && used < n)
        snprintf(text + used, n - used, ")");
}

void basin_timeline_free(basin_timeline *t)
{
    free(t->spans), free(t->measured);
    t->spans = t->measured = NULL, t->n = t->cap = t->n_measured = t->cap_measured = 0;
}
