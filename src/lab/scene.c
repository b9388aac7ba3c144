/* scene.c: a lab from command-line specs, through the same entries and builder as lab files. */
#include "lab.h"

#include "engine/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int basin_lab_from_specs(basin_lab *lab, const basin_lab_scene *scene)
{
    static const char *const keys[] = {"surface", "schedule", "start", "steps", "seed", "batch", "parallel"};
    const char *values[] = {scene->surface, scene->schedule, scene->start, scene->steps, scene->seed, scene->batch,
                            scene->parallel};
    basin_lab_entries e = {0};
    char origin[64];
    int status = 0;
    for (size_t k = 0; k < sizeof keys / sizeof *keys && status == 0; k++)
        if (values[k]) {
            snprintf(origin, sizeof origin, "--%s", keys[k]);
            status = basin_lab_add(&e, "lab", keys[k], values[k], origin);
        }
    for (size_t i = 0; i < scene->n_opts && status == 0; i++) {
        /* The same spec twice still gives two runs: the label is the whole spec, numbered from its second. */
        size_t copy = 1, size = strlen(scene->opts[i]) + 32;
        for (size_t j = 0; j < i; j++)
            copy += strcmp(scene->opts[j], scene->opts[i]) == 0;
        char *label = malloc(size), *where = malloc(size);
        if (!label || !where) {
            free(label), free(where);
            basin_error_set("out of memory");
            status = -1;
            break;
        }
        snprintf(label, size, copy > 1 ? "%s #%zu" : "%s", scene->opts[i], copy);
        snprintf(where, size, "--opt '%s'", scene->opts[i]);
        status = basin_lab_add(&e, label, "opt", scene->opts[i], where);
        free(label), free(where);
    }
    if (status == 0)
        status = basin_lab_build(lab, &e);
    basin_lab_entries_free(&e);
    return status;
}
