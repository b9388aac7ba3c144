/* entries.c: a lab's keys before they are checked: added one by one, read from an INI file (with inih,
 * counting lines ourselves), and changed by --set SECTION.KEY=VALUE overrides. */
#include "lab_internal.h"
#include "text_input.h"

#include "engine/error.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int basin_lab_add(basin_lab_entries *e, const char *section, const char *key, const char *value,
                  const char *origin)
{
    if (e->len == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 16;
        basin_lab_entry *items = realloc(e->items, cap * sizeof *items);
        if (!items)
            goto oom;
        e->items = items;
        e->cap = cap;
    }
    basin_lab_entry *it = &e->items[e->len];
    *it = (basin_lab_entry){strdup(section), strdup(key), strdup(value), strdup(origin), 0};
    if (!it->section || !it->key || !it->value || !it->origin) {
        free(it->section);
        free(it->key);
        free(it->value);
        free(it->origin);
        goto oom;
    }
    e->len++;
    return 0;
oom:
    basin_error_set("out of memory reading the lab");
    return -1;
}

void basin_lab_entries_free(basin_lab_entries *e)
{
    for (size_t i = 0; i < e->len; i++) {
        free(e->items[i].section);
        free(e->items[i].key);
        free(e->items[i].value);
        free(e->items[i].origin);
    }
    free(e->items);
    free(e->source);
    *e = (basin_lab_entries){0};
}

basin_lab_entry *basin_lab_find_entry(const basin_lab_entries *e, const char *section, const char *key)
{
    for (size_t i = 0; i < e->len; i++)
        if (strcmp(e->items[i].section, section) == 0 && strcmp(e->items[i].key, key) == 0)
            return &e->items[i];
    return NULL;
}

/* ---- reading a file with inih, counting lines ourselves (Debian's inih passes no line numbers) ---- */

typedef struct reader {
    FILE *file;
    const char *path;
    int line;
    bool unreadable; /* a line too long, a NUL byte, a read error: the message is set */
    bool indented;   /* the line read last starts with blanks: it may continue the key above */
    basin_lab_entries *entries;
    bool failed; /* a message is set */
} reader;

/* inih keeps section names of at most 49 bytes ("run " and the name) and would cut a longer one short. */
#define RUN_NAME_MAX 45

/* A [run NAME] header line becomes a marker entry (key ""), so a run with no keys of its own (all from
 * [lab]) still exists. Returns false with a message for a name inih would cut short. */
static bool mark_run_section(reader *r, const char *line)
{
    while (isspace((unsigned char)*line))
        line++;
    const char *close = strchr(line, ']');
    if (line[0] != '[' || !close || strncmp(line + 1, "run", 3) != 0 || !isspace((unsigned char)line[4]))
        return true;
    const char *label = line + 4;
    while (label < close && isspace((unsigned char)*label))
        label++;
    const char *end = close;
    while (end > label && isspace((unsigned char)end[-1]))
        end--;
    if (close - line - 1 > RUN_NAME_MAX + 4) {
        basin_error_set("%s:%d: the run name '%.*s' is longer than %d characters", r->path, r->line,
                        (int)(end - label), label, RUN_NAME_MAX);
        return false;
    }
    char name[RUN_NAME_MAX + 8], origin[512];
    snprintf(name, sizeof name, "%.*s", (int)(end - label), label);
    snprintf(origin, sizeof origin, "%s:%d", r->path, r->line);
    if (*name && basin_lab_add(r->entries, name, "", "", origin) == 0)
        r->entries->items[r->entries->len - 1].line = r->line;
    return true;
}

static char *read_line(char *buf, int size, void *stream)
{
    reader *r = stream;
    int got = basin_text_line(r->file, buf, (size_t)size - 1, r->path, r->line + 1);
    if (got <= 0) {
        r->unreadable = got < 0;
        return NULL; /* stop: a split line would be parsed as two */
    }
    r->line++;
    r->indented = (buf[0] == ' ' || buf[0] == '\t') && buf[strspn(buf, " \t")] != '\0';
    strcat(buf, "\n");
    if (!mark_run_section(r, buf)) {
        r->unreadable = true;
        return NULL;
    }
    return buf;
}

/* An indented line under KEY = VALUE (inih passes it as KEY again) continues the value after a space. */
static int continue_value(reader *r, basin_lab_entry *it, const char *more)
{
    size_t len = strlen(it->value);
    char *value = realloc(it->value, len + strlen(more) + 2);
    if (!value) {
        basin_error_set("%s:%d: out of memory reading the lab", r->path, r->line);
        r->failed = true;
        return 0;
    }
    sprintf(value + len, "%s%s", len ? " " : "", more);
    it->value = value;
    return 1;
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
    reader *r = user;
    if (r->failed)
        return 0; /* the first error is the one reported */
    char origin[512];
    snprintf(origin, sizeof origin, "%s:%d: %s", r->path, r->line, key);
    const char *label = NULL;
    if (strcmp(section, "lab") == 0)
        label = "lab";
    else if (strncmp(section, "run", 3) == 0 && isspace((unsigned char)section[3])) {
        label = section + 4;
        while (isspace((unsigned char)*label))
            label++;
    }
    if (!label || !*label) {
        basin_error_set("%s:%d: section [%s] is neither [lab] nor [run NAME]", r->path, r->line, section);
        r->failed = true;
        return 0;
    }
    if (strcmp(label, "lab") == 0 && section[0] == 'r') {
        basin_error_set("%s:%d: a run cannot be named 'lab'", r->path, r->line);
        r->failed = true;
        return 0;
    }
    basin_lab_entry *twice = basin_lab_find_entry(r->entries, label, key);
    if (twice && r->indented && twice == &r->entries->items[r->entries->len - 1])
        return continue_value(r, twice, value);
    if (twice) {
        basin_error_set("%s: given twice in [%s] (first at line %d)", origin, section, twice->line);
        r->failed = true;
        return 0;
    }
    if (basin_lab_add(r->entries, label, key, value, origin) != 0) {
        r->failed = true;
        return 0;
    }
    r->entries->items[r->entries->len - 1].line = r->line;
    return 1;
}

int basin_lab_read(basin_lab_entries *entries, const char *path)
{
    *entries = (basin_lab_entries){.source = strdup(path)};
    reader r = {.file = entries->source ? basin_text_open(path, false) : NULL, .path = path, .entries = entries};
    if (!r.file) {
        if (!entries->source)
            basin_error_set("%s: cannot read: out of memory", path);
        basin_lab_entries_free(entries);
        return -1;
    }
    int status = ini_parse_stream(read_line, &r, on_key, &r);
    fclose(r.file);
    if (!r.unreadable && status > 0 && !r.failed)
        basin_error_set("%s:%d: expected KEY = VALUE or a [section]", path, status);
    else if (!r.unreadable && status < 0 && !r.failed)
        basin_error_set("%s: out of memory reading it", path);
    if (r.unreadable || status != 0) {
        basin_lab_entries_free(entries);
        return -1;
    }
    return 0;
}

/* Whether item i's section already appeared in an earlier item (so sections are listed once). */
bool basin_lab_section_seen_before(const basin_lab_entries *e, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(e->items[j].section, e->items[i].section) == 0)
            return true;
    return false;
}

/* Finds ".KEY=" in an assignment: the first dot followed by a key word (letters, digits after the first,
 * underscores) and '='. Run names may hold dots, commas and '=' ("GD, η = 0.039.opt=..."). */
static const char *key_dot(const char *assignment, const char **eq)
{
    for (const char *dot = strchr(assignment, '.'); dot; dot = strchr(dot + 1, '.')) {
        const char *c = dot + 1;
        if (!isalpha((unsigned char)*c) && *c != '_')
            continue;
        while (isalnum((unsigned char)*c) || *c == '_')
            c++;
        if (*c == '=' && dot > assignment) {
            *eq = c;
            return dot;
        }
    }
    return NULL;
}

static bool has_section(const basin_lab_entries *e, const char *section)
{
    for (size_t i = 0; i < e->len; i++)
        if (strcmp(e->items[i].section, section) == 0)
            return true;
    return false;
}

/* "-NAME": drops every entry of run NAME. */
static int remove_run(basin_lab_entries *e, const char *assignment)
{
    const char *name = assignment + 1;
    if (strcmp(name, "lab") == 0 || !has_section(e, name)) {
        basin_error_set("--set '%s': no run named '%s' to remove", assignment, name);
        return -1;
    }
    size_t kept = 0;
    for (size_t i = 0; i < e->len; i++) {
        basin_lab_entry *it = &e->items[i];
        if (strcmp(it->section, name) == 0) {
            free(it->section);
            free(it->key);
            free(it->value);
            free(it->origin);
        } else {
            e->items[kept++] = *it;
        }
    }
    e->len = kept;
    return 0;
}

/* basin_lab_override's work once the assignment is split into section, key and value. */
static int apply(basin_lab_entries *e, bool create, const char *section, const char *key, const char *value,
                 char *origin, size_t size, const char *assignment)
{
    snprintf(origin, size, "--set '%s'", assignment);
    bool known = strcmp(section, "lab") == 0 || has_section(e, section);
    if (create && known) {
        basin_error_set("--set '+%s': a run named '%s' exists already", assignment, section);
        return -1;
    }
    if (create)
        return basin_lab_add(e, section, key, value, origin);
    if (!known) {
        char runs[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < e->len && used < sizeof runs; i++)
            if (strcmp(e->items[i].section, "lab") != 0 && !basin_lab_section_seen_before(e, i))
                used += (size_t)snprintf(runs + used, sizeof runs - used, "%s%s", used ? ", " : "",
                                         e->items[i].section);
        basin_error_set("--set '%s': no run named '%s' (runs: %s)", assignment, section, *runs ? runs : "none");
        return -1;
    }
    basin_lab_entry *it = basin_lab_find_entry(e, section, key);
    if (!it)
        return basin_lab_add(e, section, key, value, origin);
    char *copy = strdup(value), *where = strdup(origin);
    if (!copy || !where) {
        free(copy);
        free(where);
        basin_error_set("out of memory");
        return -1;
    }
    free(it->value);
    free(it->origin);
    it->value = copy;
    it->origin = where;
    return 0;
}

int basin_lab_override(basin_lab_entries *e, const char *assignment)
{
    if (assignment[0] == '-')
        return remove_run(e, assignment);
    bool create = assignment[0] == '+';
    if (create)
        assignment++;
    const char *eq = NULL, *dot = key_dot(assignment, &eq);
    if (!dot) {
        basin_error_set("--set '%s': expected SECTION.KEY=VALUE (SECTION is lab or a run's name)", assignment);
        return -1;
    }
    size_t size = strlen(assignment) + 16;
    char *section = strndup(assignment, (size_t)(dot - assignment)), *key = strndup(dot + 1, (size_t)(eq - dot - 1));
    char *origin = malloc(size);
    int status = section && key && origin ? apply(e, create, section, key, eq + 1, origin, size, assignment) : -1;
    if (!section || !key || !origin)
        basin_error_set("out of memory");
    free(section), free(key), free(origin);
    return status;
}

