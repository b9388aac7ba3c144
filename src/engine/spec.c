/* spec.c: NAME[:KEY=VALUE[,KEY=VALUE]...] into a registry entry and its parameter values; a value in
 * double quotes may hold ':' and ','. */
#include "spec.h"

#include "error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Trims spaces at both ends of s in place and returns it. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

void basin_spec_keys(const basin_param_spec *specs, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    if (!specs[0].key)
        snprintf(buf, size, "none");
    for (int i = 0; specs[i].key && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", specs[i].key);
}

/* The next separator sep at or after s outside double quotes, or NULL. */
static char *find_unquoted(char *s, char sep)
{
    bool quoted = false;
    for (; *s; s++) {
        if (quoted && *s == '\\' && s[1])
            s++;
        else if (*s == '"')
            quoted = !quoted;
        else if (!quoted && *s == sep)
            return s;
    }
    return NULL;
}

/* A value written in double quotes loses them, and \" and \\ inside become " and \. Returns 0, or -1 with
 * a message when the quotes do not close at the value's end. */
static int unquote(const char *owner, const char *key, char *value)
{
    if (*value != '"')
        return 0;
    char *w = value;
    for (const char *r = value + 1; *r; r++) {
        if (*r == '\\' && (r[1] == '"' || r[1] == '\\')) {
            *w++ = *++r;
        } else if (*r == '"') {
            if (r[1] != '\0') {
                basin_error_set("%s: %s: text after the closing quote: '%s'", owner, key, r + 1);
                return -1;
            }
            *w = '\0';
            return 0;
        } else {
            *w++ = *r;
        }
    }
    basin_error_set("%s: %s: the quote is not closed", owner, key);
    return -1;
}

static int parse_item(basin_spec *spec, char *item, bool *seen)
{
    const char *name = spec->entry->name;
    char keys[256];
    char *eq = strchr(item, '=');
    char *key = trim(eq ? (*eq = '\0', item) : item);
    char *value = eq ? trim(eq + 1) : NULL;
    if (value && unquote(name, key, value) != 0)
        return -1;
    if (*key == '\0') {
        basin_error_set("%s: empty key in '%s'", name, spec->text);
        return -1;
    }
    int i = basin_param_find(spec->entry->specs, key);
    if (i < 0) {
        basin_spec_keys(spec->entry->specs, keys, sizeof keys);
        basin_error_set("%s has no key '%s' (keys: %s)", name, key, keys);
        return -1;
    }
    if (!value) {
        basin_error_set("%s: key '%s' has no value (write %s=VALUE)", name, key, key);
        return -1;
    }
    if (seen[i]) {
        basin_error_set("%s: key '%s' is given twice", name, key);
        return -1;
    }
    seen[i] = true;
    if (basin_param_parse(name, &spec->entry->specs[i], value, &spec->params.values[i]) != 0)
        return -1;
    spec->params.values[i].given = true;
    return 0;
}

int basin_spec_parse(basin_spec *spec, basin_kind kind, const char *text)
{
    *spec = (basin_spec){0};
    char names[256];
    char *copy = strdup(text);
    spec->text = strdup(text);
    if (!copy || !spec->text) {
        free(copy);
        basin_spec_clear(spec);
        basin_error_set("out of memory reading a %s spec", basin_kind_name(kind));
        return -1;
    }
    char *colon = find_unquoted(copy, ':');
    if (colon)
        *colon = '\0';
    char *name = trim(copy);
    if (*name == '\0') {
        basin_registry_names(kind, names, sizeof names);
        basin_error_set("empty %s name in '%s' (valid: %s)", basin_kind_name(kind), text, names);
        goto fail;
    }
    spec->entry = basin_registry_find(kind, name);
    if (!spec->entry) {
        basin_registry_names(kind, names, sizeof names);
        basin_error_set("unknown %s '%s' (valid: %s)", basin_kind_name(kind), name, names);
        goto fail;
    }
    if (basin_params_init(&spec->params, spec->entry->specs) != 0)
        goto fail;
    bool seen[BASIN_PARAMS_MAX] = {false};
    for (char *item = colon ? colon + 1 : NULL; item;) {
        char *comma = find_unquoted(item, ',');
        if (comma)
            *comma = '\0';
        if (parse_item(spec, item, seen) != 0)
            goto fail;
        item = comma ? comma + 1 : NULL;
    }
    for (int i = 0; spec->entry->specs[i].key; i++)
        if (!spec->entry->specs[i].fallback && !spec->params.values[i].present) {
            basin_error_set("%s: %s is required (e.g. %s:%s=...)", spec->entry->name,
                            spec->entry->specs[i].key, spec->entry->name, spec->entry->specs[i].key);
            goto fail;
        }
    free(copy);
    return 0;
fail:
    free(copy);
    basin_spec_clear(spec);
    return -1;
}

void basin_spec_clear(basin_spec *spec)
{
    basin_params_clear(&spec->params);
    free(spec->text);
    *spec = (basin_spec){0};
}
