/* csv_data.c: a data set from a CSV file (gzip-compressed or not: zlib reads both): one example a row,
 * every column a number but the label's; a header row by choice or by detection; classes from the
 * distinct labels, sorted; images by shape. The shipped digits are one configuration of it. */
#include "csv_data.h"
#include "datasets.h"

#include "../budget.h"
#include "../error.h"
#include "dataset.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define MAX_CLASSES_AUTO 100 /* whole-number labels with more distinct values than this are a regression */

/* The whole file, decompressed, as one string (owned by the caller); NULL with a message for a path
 * that is not a readable regular file, a NUL byte (not text), a corrupt gzip stream or a file too large
 * for memory (refused as it grows, before reading all of it). */
static char *read_text(const char *path, size_t *length)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        basin_error_set("csv: cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        basin_error_set("csv: '%s' is not a file", path);
        return NULL;
    }
    gzFile f = gzopen(path, "rb");
    if (!f) {
        basin_error_set("csv: cannot read '%s': %s", path, errno ? strerror(errno) : "out of memory");
        return NULL;
    }
    size_t used = 0, cap = 0;
    char *text = NULL;
    for (;;) {
        if (cap - used < 65536) {
            size_t grown = cap ? 2 * cap : 1 << 20;
            char *more = basin_budget_check((double)grown * 2, "csv: reading '%s'", path) == 0
                             ? realloc(text, grown + 1)
                             : NULL;
            if (!more) {
                if (basin_error_message()[0] == '\0' || strncmp(basin_error_message(), "csv:", 4) != 0)
                    basin_error_set("csv: out of memory reading '%s'", path);
                free(text), gzclose(f);
                return NULL;
            }
            text = more, cap = grown;
        }
        int got = gzread(f, text + used, (unsigned)(cap - used));
        if (got < 0) {
            int code;
            basin_error_set("csv: '%s' is not a readable gzip or text file (%s)", path, gzerror(f, &code));
            free(text), gzclose(f);
            return NULL;
        }
        if (got == 0)
            break;
        used += (size_t)got;
    }
    gzclose(f);
    text[used] = '\0';
    if (strlen(text) != used) {
        basin_error_set("csv: '%s' holds a NUL byte at byte %zu: not a text file", path, strlen(text) + 1);
        free(text);
        return NULL;
    }
    *length = used;
    return text;
}

/* A field of a row: where it starts in the line (for the column of a message) and its text, trimmed of
 * spaces and of surrounding double quotes. */
typedef struct field {
    char *text;
    int column;
} field;

/* The fields of a line: one more than its commas. */
static size_t count_fields(const char *line)
{
    size_t n = 1;
    for (; *line; line++)
        n += *line == ',';
    return n;
}

/* Splits line (modified in place) at commas into fields (room for cap). Returns the count (which may
 * exceed cap: the extra fields are counted, not kept). */
static size_t split_fields(char *line, field *fields, size_t cap)
{
    size_t n = 0;
    for (char *start = line;;) {
        char *comma = strchr(start, ',');
        if (comma)
            *comma = '\0';
        char *s = start, *end = start + strlen(start);
        while (*s == ' ' || *s == '\t')
            s++;
        while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        if (end - s >= 2 && *s == '"' && end[-1] == '"')
            end[-1] = '\0', s++;
        if (n < cap)
            fields[n] = (field){s, (int)(start - line) + 1};
        n++;
        if (!comma)
            return n;
        start = comma + 1;
    }
}

/* Whether text is a finite number, into *v. */
static bool number(const char *text, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(text, &end);
    return *text && end != text && *end == '\0' && isfinite(*v) && errno != ERANGE;
}

/* The rows of the file: each line's start, number and fields, kept in one table. */
typedef struct table {
    char **lines;      /* the data rows (the header excluded), each a line of text */
    size_t *line_no;   /* their line numbers in the file */
    size_t n, cap;
    char *header;      /* the header row, or NULL */
    size_t header_no;
    size_t columns;    /* fields a row has (the first row's count) */
} table;

static void table_free(table *t)
{
    free(t->lines), free(t->line_no);
}

/* Cuts text into lines (in place), skipping blank ones, and decides which is a header. Returns 0, or -1
 * with a message. */
static int cut_lines(char *text, const char *path, int header, table *t)
{
    size_t line_no = 0;
    for (char *line = text; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_no++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        if (strspn(line, " \t") == len) { /* blank */
            line = next;
            continue;
        }
        if (t->n == t->cap) {
            size_t cap = t->cap ? 2 * t->cap : 1024;
            char **lines = realloc(t->lines, cap * sizeof *lines);
            size_t *nos = lines ? realloc(t->line_no, cap * sizeof *nos) : NULL;
            if (lines)
                t->lines = lines;
            if (!nos) {
                basin_error_set("csv: out of memory reading '%s'", path);
                return -1;
            }
            t->line_no = nos, t->cap = cap;
        }
        t->lines[t->n] = line, t->line_no[t->n++] = line_no;
        line = next;
    }
    if (t->n == 0) {
        basin_error_set("csv: '%s' holds no rows", path);
        return -1;
    }
    /* auto: the first row is a header when a field of it is not a number */
    bool words = false;
    if (header == 0) {
        char *first = strdup(t->lines[0]);
        size_t n = first ? count_fields(first) : 0;
        field *fields = first ? malloc(n * sizeof *fields) : NULL;
        if (!fields) {
            free(first);
            basin_error_set("csv: out of memory");
            return -1;
        }
        split_fields(first, fields, n);
        for (size_t k = 0; k < n && !words; k++) {
            double v;
            words = !number(fields[k].text, &v);
        }
        free(fields), free(first);
    }
    if (header == 1 || (header == 0 && words)) {
        t->header = t->lines[0], t->header_no = t->line_no[0];
        memmove(t->lines, t->lines + 1, (t->n - 1) * sizeof *t->lines);
        memmove(t->line_no, t->line_no + 1, (t->n - 1) * sizeof *t->line_no);
        t->n--;
        if (t->n == 0) {
            basin_error_set("csv: '%s' holds a header and no rows", path);
            return -1;
        }
    }
    return 0;
}

/* Column k as a message names it: its header's name in quotes, or its index. */
static void column_name(const table *t, size_t k, size_t columns, char *buf, size_t size)
{
    snprintf(buf, size, "%zu", k);
    char *copy = t->header ? strdup(t->header) : NULL;
    field *names = copy ? malloc(columns * sizeof *names) : NULL;
    if (names && split_fields(copy, names, columns) == columns)
        snprintf(buf, size, "'%.60s'", names[k].text);
    free(names), free(copy);
}

/* A label and the row it came from, for sorting the classes. */
typedef struct label_key {
    const char *text;
    double value;
    bool numeric; /* compare by value (every label is a number), else by text */
    size_t row;
} label_key;

static int compare_labels(const void *a, const void *b)
{
    const label_key *x = a, *y = b;
    if (x->numeric)
        return (x->value > y->value) - (x->value < y->value);
    return strcmp(x->text, y->text);
}

/* The column a label spec names: last, first, an index from 0, or a name in the header. Returns it, or
 * -1 with a message. */
static long label_column(const char *label, const char *path, const table *t, size_t columns)
{
    if (strcmp(label, "last") == 0)
        return (long)columns - 1;
    if (strcmp(label, "first") == 0)
        return 0;
    if (strspn(label, "0123456789") == strlen(label)) {
        unsigned long k = strtoul(label, NULL, 10);
        if (k >= columns) {
            basin_error_set("csv: label=%s: '%s' has %zu columns (0 … %zu)", label, path, columns, columns - 1);
            return -1;
        }
        return (long)k;
    }
    if (!t->header) {
        basin_error_set("csv: label=%s names a column, and '%s' has no header row (header=true reads one)", label, path);
        return -1;
    }
    char *copy = strdup(t->header);
    field *names = copy ? malloc(columns * sizeof *names) : NULL;
    long found = -1;
    char list[300] = "";
    if (names) {
        split_fields(copy, names, columns);
        for (size_t k = 0; k < columns; k++) {
            if (found < 0 && strcmp(names[k].text, label) == 0)
                found = (long)k;
            size_t used = strlen(list);
            if (used < sizeof list - 8)
                snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", names[k].text);
        }
    }
    if (found < 0)
        basin_error_set(names ? "csv: label=%s: no such column in '%s' (columns: %s)" : "csv: out of memory", label, path,
                        list);
    free(names), free(copy);
    return found;
}

basin_dataset *basin_csv_dataset(const basin_csv_config *c)
{
    size_t length;
    char *text = read_text(c->path, &length);
    if (!text)
        return NULL;
    table t = {0};
    basin_dataset *d = NULL;
    double *xs = NULL;
    label_key *keys = NULL;
    field *fields = NULL;
    if (cut_lines(text, c->path, c->header, &t) != 0)
        goto done;
    size_t columns = count_fields(t.header ? t.header : t.lines[0]), n = t.n, f = columns - 1;
    if (columns < 2) {
        basin_error_set("csv: '%s' has one column: it needs features and a label", c->path);
        goto done;
    }
    long label = label_column(c->label, c->path, &t, columns);
    if (label < 0)
        goto done;
    if (basin_budget_check((double)n * (double)(f + 4) * sizeof(double) * 3, "csv: '%s' (%zu rows × %zu columns)", c->path,
                           n, columns) != 0)
        goto done;
    xs = malloc((n * f + 1) * sizeof *xs);
    keys = malloc(n * sizeof *keys);
    fields = malloc(columns * sizeof *fields);
    if (!xs || !keys || !fields) {
        basin_error_set("csv: out of memory for %zu rows of '%s'", n, c->path);
        goto done;
    }
    bool all_numeric = true, all_whole = true;
    for (size_t i = 0; i < n; i++) {
        size_t got = count_fields(t.lines[i]);
        if (got != columns) {
            basin_error_set("%s:%zu: %zu field%s, the first row has %zu", c->path, t.line_no[i], got, got == 1 ? "" : "s",
                            columns);
            goto done;
        }
        split_fields(t.lines[i], fields, columns);
        for (size_t k = 0, j = 0; k < columns; k++) {
            if ((long)k == label) {
                keys[i] = (label_key){fields[k].text, 0, false, i};
                all_numeric = all_numeric && number(fields[k].text, &keys[i].value);
                all_whole = all_whole && all_numeric && keys[i].value == floor(keys[i].value);
                if (c->task == 2 && !all_numeric) {
                    basin_error_set("%s:%zu:%d: the label '%.40s' is not a number (task=regression)", c->path, t.line_no[i],
                                    fields[k].column, fields[k].text);
                    goto done;
                }
                continue;
            }
            if (!number(fields[k].text, &xs[i * f + j])) {
                char name[80];
                column_name(&t, k, columns, name, sizeof name);
                basin_error_set("%s:%zu:%d: '%.40s' is not a number (column %s)", c->path, t.line_no[i], fields[k].column,
                                fields[k].text, name);
                goto done;
            }
            j++;
        }
    }
    size_t channels = f, height = 1, width = 1;
    if (c->shape[0]) {
        channels = c->shape[0], height = c->shape[1], width = c->shape[2];
        if (channels * height * width != f) {
            basin_error_set("csv: shape=%zu/%zu/%zu is %zu features, and '%s' has %zu", channels, height, width,
                            channels * height * width, c->path, f);
            goto done;
        }
    }
    /* the task: classes when asked, or when labels are words or few whole numbers */
    size_t n_classes = 0;
    for (size_t i = 0; i < n; i++)
        keys[i].numeric = all_numeric;
    qsort(keys, n, sizeof *keys, compare_labels);
    size_t distinct = n ? 1 : 0;
    for (size_t i = 1; i < n; i++)
        distinct += compare_labels(&keys[i - 1], &keys[i]) != 0;
    bool classify = c->task == 1 || (c->task == 0 && (!all_numeric || (all_whole && distinct <= MAX_CLASSES_AUTO)));
    if (classify) {
        if (distinct < 2) {
            basin_error_set("csv: every label in '%s' is '%.40s': one class, nothing to classify", c->path, keys[0].text);
            goto done;
        }
        n_classes = distinct;
    }
    basin_examples ex;
    d = basin_dataset_alloc(c->name, n, channels, height, width, n_classes, classify ? 0 : 1, &ex);
    if (!d)
        goto done;
    memcpy(ex.x, xs, n * f * sizeof *xs);
    if (classify && !(d->class_names = calloc(n_classes, sizeof *d->class_names))) {
        basin_error_set("csv: out of memory");
        basin_dataset_destroy(d);
        d = NULL;
        goto done;
    }
    for (size_t i = 0, cls = 0; i < n; i++) { /* classes in sorted order of their labels */
        if (i > 0 && compare_labels(&keys[i - 1], &keys[i]) != 0)
            cls++;
        if (classify && !d->class_names[cls] && !(d->class_names[cls] = strdup(keys[i].text))) {
            basin_error_set("csv: out of memory");
            basin_dataset_destroy(d);
            d = NULL;
            goto done;
        }
        if (classify)
            ex.label[keys[i].row] = (int)cls;
        else
            ex.target[keys[i].row] = keys[i].value;
    }
done:
    free(fields), free(keys), free(xs);
    table_free(&t);
    free(text);
    return d;
}

static basin_dataset *csv_create(const basin_entry *e, const basin_params *p, gsl_rng *rng)
{
    (void)rng;
    basin_csv_config c = {.path = basin_params_string(p, "path"), .label = basin_params_string(p, "label"),
                          .header = basin_params_choice(p, "header"), .task = basin_params_choice(p, "task"),
                          .name = e->name};
    size_t len;
    const double *shape = basin_params_list(p, "shape", &len);
    if (shape && len != 3) {
        basin_error_set("csv: shape takes C/H/W (3 numbers), not %zu", len);
        return NULL;
    }
    for (size_t k = 0; shape && k < 3; k++)
        c.shape[k] = (size_t)shape[k];
    return basin_csv_dataset(&c);
}

static const basin_param_spec csv_specs[] = {
    BASIN_STRING("path", NULL, "the file (.csv, or .csv.gz); in a lab file, relative to it"),
    BASIN_STRING("label", "last", "the label's column: last, first, an index from 0, or a header's name"),
    BASIN_CHOICE("header", "auto", "auto|true|false", "whether the first row names the columns (auto: when a field of it is not a number)"),
    BASIN_CHOICE("task", "auto", "auto|classification|regression",
                 "auto: classes when the labels are words or at most 100 whole numbers (sorted), else regression"),
    BASIN_LIST("shape", "", 1, 1e6, "C/H/W: the features are an image (the CNN and image augmentations apply)"),
    BASIN_DATASET_PARAMS,
    BASIN_PARAMS_END};

const basin_entry basin_data_csv = {BASIN_KIND_DATA, "csv",
                                    "your own examples from a CSV file: numbers, one example a row, and a label column",
                                    csv_specs, NULL, {.data = csv_create}};
