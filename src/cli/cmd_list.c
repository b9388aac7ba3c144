/* cmd_list.c: `basin list [surfaces|optimizers|schedules]`, printed from the registry. */
#include "cli.h"
#include "commands.h"

#include "engine/registry.h"

#include <string.h>

const char basin_list_usage[] =
    "usage: basin list [surfaces|optimizers|schedules]\n"
    "\n"
    "Lists every surface, optimizer and schedule (or one kind) with its keys, their defaults and ranges,\n"
    "and a one-line description. Write a thing as NAME:KEY=VALUE,KEY=VALUE; a list value separates items\n"
    "with '/'; booleans are true or false.\n";

static const char *const kind_words[BASIN_KIND_COUNT] = {"surfaces", "optimizers", "schedules", "models", "data",
                                                             "inits", "augments"};

static void list_param(FILE *out, const basin_param_spec *s)
{
    char range[64], left[96];
    const char *fallback = !s->fallback ? "(required)" : *s->fallback ? s->fallback : "(none)";
    snprintf(left, sizeof left, "%s=%s", s->key, fallback);
    basin_param_range_text(s, range, sizeof range);
    fprintf(out, "      %-28s %s", left, s->doc);
    if (s->type == BASIN_PARAM_CHOICE)
        fprintf(out, " (%s)", s->choices);
    else if (s->type == BASIN_PARAM_BOOL)
        fputs(" (true|false)", out);
    else if (*range)
        fprintf(out, " %s", range);
    fputc('\n', out);
}

static void list_kind(FILE *out, basin_kind kind)
{
    size_t count;
    const basin_entry *const *entries = basin_registry_list(kind, &count);
    fprintf(out, "%s:\n", kind_words[kind]);
    for (size_t i = 0; i < count; i++) {
        fprintf(out, "  %s\n      %s\n", entries[i]->name, entries[i]->doc);
        for (const basin_param_spec *s = entries[i]->specs; s->key; s++)
            list_param(out, s);
    }
}

int basin_cmd_list(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc > 2) {
        fprintf(err, "basin list: unexpected argument '%s' (basin list [surfaces|optimizers|schedules])\n",
                argv[2]);
        return BASIN_EXIT_USAGE;
    }
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(basin_list_usage, out);
        return BASIN_EXIT_OK;
    }
    for (int kind = 0; kind < BASIN_KIND_COUNT; kind++) {
        if (argc == 2 && strcmp(argv[1], kind_words[kind]) != 0)
            continue;
        if (argc == 1 && kind > 0)
            fputc('\n', out);
        list_kind(out, (basin_kind)kind);
        if (argc == 2)
            return BASIN_EXIT_OK;
    }
    if (argc == 2) {
        fprintf(err, "basin list: unknown kind '%s' (surfaces, optimizers or schedules)\n", argv[1]);
        return BASIN_EXIT_USAGE;
    }
    return BASIN_EXIT_OK;
}
