/* params.c: parsing one key's text into a typed value, defaults, and readers for constructors. */
#include "params.h"

#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int basin_param_find(const basin_param_spec *specs, const char *key)
{
    for (int i = 0; specs[i].key; i++)
        if (strcmp(specs[i].key, key) == 0)
            return i;
    return -1;
}

static int parse_number(const char *text, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(x))
        return -1;
    *out = x;
    return 0;
}

static bool in_range(const basin_param_spec *spec, double x)
{
    if (x < spec->min || x > spec->max)
        return false;
    return !(spec->max_open && x == spec->max);
}

static int check_number(const char *owner, const basin_param_spec *spec, const char *text, double x)
{
    if (spec->type == BASIN_PARAM_INT && x != floor(x)) {
        basin_error_set("%s: %s='%s' is not a whole number", owner, spec->key, text);
        return -1;
    }
    if (!in_range(spec, x)) {
        char range[64];
        basin_param_range_text(spec, range, sizeof range);
        basin_error_set("%s: %s='%s' is out of range (%s must be in %s)", owner, spec->key, text,
                        spec->key, range);
        return -1;
    }
    return 0;
}

static int choice_index(const char *choices, const char *word)
{
    size_t len = strlen(word);
    int index = 0;
    for (const char *c = choices; *c; index++) {
        const char *bar = strchr(c, '|');
        size_t n = bar ? (size_t)(bar - c) : strlen(c);
        if (n == len && strncmp(c, word, n) == 0)
            return index;
        c += n + (bar ? 1 : 0);
    }
    return -1;
}

/* The items of a list are in text; messages show it as shown. */
static int parse_list(const char *owner, const basin_param_spec *spec, const char *text, const char *shown,
                      basin_param_value *out)
{
    size_t count = 1;
    for (const char *c = text; *c; c++)
        count += *c == '/';
    double *items = malloc(count * sizeof *items);
    char *copy = strdup(text);
    if (!items || !copy) {
        free(items);
        free(copy);
        basin_error_set("%s: out of memory reading %s", owner, spec->key);
        return -1;
    }
    size_t n = 0;
    char *item = copy;
    for (;;) {
        char *slash = strchr(item, '/');
        if (slash)
            *slash = '\0';
        if (parse_number(item, &items[n]) != 0) {
            basin_error_set("%s: %s='%s': item '%s' is not a number", owner, spec->key, shown, item);
            goto fail;
        }
        if (check_number(owner, spec, item, items[n]) != 0)
            goto fail;
        n++;
        if (!slash)
            break;
        item = slash + 1;
    }
    free(copy);
    out->list = items;
    out->len = n;
    return 0;
fail:
    free(copy);
    free(items);
    return -1;
}

/* A list read from the file text names after '@': its numbers separated by white space or '/'. */
static int parse_list_file(const char *owner, const basin_param_spec *spec, const char *text,
                           basin_param_value *out)
{
    FILE *f = fopen(text + 1, "rb");
    long size = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f), rewind(f);
    if (size < 0) {
        basin_error_set("%s: %s=%s: cannot read %s: %s", owner, spec->key, text, text + 1, strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    char *items = malloc((size_t)size + 1);
    size_t n = items ? fread(items, 1, (size_t)size, f) : 0;
    fclose(f);
    if (!items || n != (size_t)size) {
        free(items);
        basin_error_set("%s: %s=%s: %s", owner, spec->key, text, items ? "a read error" : "out of memory");
        return -1;
    }
    char *w = items; /* every run of white space or '/' becomes one '/' */
    for (size_t i = 0; i < n; i++)
        if (isspace((unsigned char)items[i]) || items[i] == '/') {
            if (w > items && w[-1] != '/')
                *w++ = '/';
        } else {
            *w++ = items[i];
        }
    if (w > items && w[-1] == '/')
        w--;
    *w = '\0';
    int rc = -1;
    if (w == items)
        basin_error_set("%s: %s=%s: the file holds no numbers", owner, spec->key, text);
    else
        rc = parse_list(owner, spec, items, text, out);
    free(items);
    return rc;
}

int basin_param_parse(const char *owner, const basin_param_spec *spec, const char *text,
                      basin_param_value *out)
{
    free(out->list);
    free(out->str);
    *out = (basin_param_value){0};
    if (*text == '\0') {
        basin_error_set("%s: key '%s' has no value", owner, spec->key);
        return -1;
    }
    switch (spec->type) {
    case BASIN_PARAM_REAL:
    case BASIN_PARAM_INT:
        if (parse_number(text, &out->num) != 0) {
            basin_error_set("%s: %s='%s' is not a number", owner, spec->key, text);
            return -1;
        }
        if (check_number(owner, spec, text, out->num) != 0)
            return -1;
        break;
    case BASIN_PARAM_BOOL:
        if (strcmp(text, "true") == 0)
            out->num = 1;
        else if (strcmp(text, "false") == 0)
            out->num = 0;
        else {
            basin_error_set("%s: %s='%s' is not a boolean (write true or false)", owner, spec->key,
                            text);
            return -1;
        }
        break;
    case BASIN_PARAM_CHOICE: {
        int index = choice_index(spec->choices, text);
        if (index < 0) {
            basin_error_set("%s: %s='%s' is not one of %s", owner, spec->key, text, spec->choices);
            return -1;
        }
        out->num = index;
        break;
    }
    case BASIN_PARAM_LIST:
        if ((*text == '@' ? parse_list_file(owner, spec, text, out) : parse_list(owner, spec, text, text, out)) != 0)
            return -1;
        break;
    case BASIN_PARAM_STRING:
        if (!(out->str = strdup(text))) {
            basin_error_set("%s: out of memory reading %s", owner, spec->key);
            return -1;
        }
        break;
    }
    out->present = true;
    return 0;
}

int basin_params_init(basin_params *p, const basin_param_spec *specs)
{
    *p = (basin_params){.specs = specs};
    for (int i = 0; specs[i].key; i++) {
        BASIN_ASSERT(i < BASIN_PARAMS_MAX);
        const char *fallback = specs[i].fallback;
        if (!fallback || *fallback == '\0')
            continue;
        if (basin_param_parse("default", &specs[i], fallback, &p->values[i]) != 0) {
            basin_params_clear(p);
            return -1;
        }
    }
    return 0;
}

void basin_params_clear(basin_params *p)
{
    for (int i = 0; i < BASIN_PARAMS_MAX; i++) {
        free(p->values[i].list);
        free(p->values[i].str);
        p->values[i] = (basin_param_value){0};
    }
}

static const basin_param_value *value_of(const basin_params *p, const char *key)
{
    int i = basin_param_find(p->specs, key);
    BASIN_ASSERT(i >= 0);
    return &p->values[i];
}

void basin_params_set_real(basin_params *p, const char *key, double v)
{
    int i = basin_param_find(p->specs, key);
    BASIN_ASSERT(i >= 0);
    p->values[i].num = v;
    p->values[i].present = true;
}

double basin_params_real(const basin_params *p, const char *key)
{
    return value_of(p, key)->num;
}

bool basin_params_bool(const basin_params *p, const char *key)
{
    return value_of(p, key)->num != 0;
}

int basin_params_choice(const basin_params *p, const char *key)
{
    return (int)value_of(p, key)->num;
}

const double *basin_params_list(const basin_params *p, const char *key, size_t *len)
{
    const basin_param_value *v = value_of(p, key);
    *len = v->len;
    return v->list;
}

const char *basin_params_string(const basin_params *p, const char *key)
{
    const basin_param_value *v = value_of(p, key);
    return v->present ? v->str : NULL;
}

bool basin_params_given(const basin_params *p, const char *key)
{
    return value_of(p, key)->given;
}

bool basin_params_present(const basin_params *p, const char *key)
{
    return value_of(p, key)->present;
}

void basin_param_range_text(const basin_param_spec *spec, char *buf, size_t size)
{
    bool low = isfinite(spec->min), high = isfinite(spec->max);
    if (spec->type == BASIN_PARAM_BOOL || spec->type == BASIN_PARAM_CHOICE || (!low && !high))
        snprintf(buf, size, "%s", "");
    else if (low && high)
        snprintf(buf, size, "[%.10g, %.10g%s", spec->min, spec->max, spec->max_open ? ")" : "]");
    else if (low)
        snprintf(buf, size, "[%.10g, inf)", spec->min);
    else
        snprintf(buf, size, "(-inf, %.10g%s", spec->max, spec->max_open ? ")" : "]");
}
