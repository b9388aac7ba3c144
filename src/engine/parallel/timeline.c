/* timeline.c: a growing list of spans, their idle share, and Chrome's trace format. */
#include "timeline.h"

#include "../error.h"

#include <math.h>
#include <stdbool.h>
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
    for (int r = 0; r < t->rows; r++) /* the rows' names first */
        fprintf(f, "%s\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 0, \"tid\": %d, \"args\": {\"name\": \"%s %d\"}}",
                r ? "," : "", r, t->row_noun, r);
    for (size_t i = 0; i < t->n; i++) {
        const basin_span *s = &t->spans[i];
        fprintf(f, ",\n{\"name\": \"%s\", \"cat\": \"%s\", \"ph\": \"X\", \"pid\": 0, \"tid\": %d, \"ts\": %.17g, "
                   "\"dur\": %.17g, \"args\": {\"step\": %ld, \"micro\": %d}}",
                names[s->kind], names[s->kind], s->row, 1000 * s->start, 1000 * (s->end - s->start), s->step,
                s->micro);
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
    free(t->spans);
    t->spans = NULL, t->n = t->cap = 0;
}
