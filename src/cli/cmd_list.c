/* cmd_list.c: `basin list [KIND]`, printed from the registry, the training schema, and the lab key and
 * view tables. */
#include "cli.h"
#include "commands.h"

#include "engine/nn/train.h"
#include "engine/registry.h"
#include "lab/keys.h"

#include <string.h>

const char basin_list_usage[] =
    "usage: basin list [surfaces|optimizers|schedules|models|data|inits|augments|parallel|training|labs|views]\n"
    "\n"
    "Lists every surface, optimizer, schedule, model, data set, initializer, augmentation and parallel mode\n"
    "(or one kind) with its keys, their defaults and ranges, and a one-line description; the training keys\n"
    "basin train and training labs share; the keys of lab files; and the views. Write a thing as\n"
    "NAME:KEY=VALUE,KEY=VALUE; a list value separates items with '/'; booleans are true or false.\n";

static const char *const kind_words[BASIN_KIND_COUNT] = {"surfaces", "optimizers", "schedules", "models", "data",
                                                             "inits", "augments", "parallel"};

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

/* The training schema: basin train's options and training labs' keys. */
static void list_training(FILE *out)
{
    fputs("training:\n  basin train --KEY (with '-' for '_') and training-lab keys\n", out);
    for (const basin_param_spec *s = basin_train_specs; s->key; s++)
        list_param(out, s);
}

static void list_labs(FILE *out)
{
    static const char *const kinds[] = {"surface labs", "training labs (data = ...; the training keys too)"};
    size_t count;
    const basin_lab_key *keys = basin_lab_keys(&count);
    fputs("labs:\n", out);
    for (int k = 0; k < 2; k++) {
        fprintf(out, "  %s\n", kinds[k]);
        unsigned kind = k == 0 ? BASIN_LABS_SURFACE : BASIN_LABS_TRAINING;
        for (size_t i = 0; i < count; i++) {
            if (!(keys[i].labs & kind))
                continue;
            char left[64];
            const char *where = keys[i].sections == BASIN_KEY_LAB   ? "[lab]"
                                : keys[i].sections == BASIN_KEY_RUN ? "[run]"
                                                                    : "[lab] or [run]";
            snprintf(left, sizeof left, "%s=%s", keys[i].key, keys[i].fallback ? keys[i].fallback : "");
            fprintf(out, "      %-28s %s %s\n", left, where, keys[i].doc);
        }
    }
}

static void list_views(FILE *out)
{
    fputs("views:\n", out);
    for (int v = 0; v < BASIN_VIEW_COUNT; v++) {
        const basin_view_info *info = basin_view_info_of((basin_view)v);
        fprintf(out, "  %-28s %s labs: %s\n", info->name,
                info->labs == BASIN_LABS_SURFACE    ? "surface"
                : info->labs == BASIN_LABS_TRAINING ? "training"
                                                    : "surface and training",
                info->doc);
    }
}

int basin_cmd_list(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc > 2) {
        basin_cli_say(err, "list", "unexpected argument '%s' (see basin list --help)", argv[2]);
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
    static const struct {
        const char *word;
        void (*list)(FILE *out);
    } more[] = {{"training", list_training}, {"labs", list_labs}, {"views", list_views}};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
        if (argc == 2 && strcmp(argv[1], more[i].word) != 0)
            continue;
        if (argc == 1)
            fputc('\n', out);
        more[i].list(out);
        if (argc == 2)
            return BASIN_EXIT_OK;
    }
    if (argc == 2) {
        basin_cli_say(err, "list", "unknown kind '%s' (surfaces, optimizers, schedules, models, data, inits, augments, "
                     "parallel, training, labs or views)", argv[1]);
        return BASIN_EXIT_USAGE;
    }
    return BASIN_EXIT_OK;
}
