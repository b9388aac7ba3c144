/* fuzz_spec.c: the spec parser, and what is built from a spec that parses. The first byte picks the kind
 * (surface, optimizer, schedule, model, data, init, augment); the rest is the spec. Surfaces are built and
 * evaluated at the origin (gradient and Hessian), optimizers built and stepped, schedules evaluated; the others are parsed. */
#include "fuzz.h"

#include "engine/optim/optimizer.h"
#include "engine/problem.h"
#include "engine/schedule.h"
#include "engine/spec.h"

#include <stdlib.h>

/* The 2-D problem optimizers step on (Newton asks it for curvature). */
static basin_problem *booth;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_environment();
    basin_spec spec;
    if (basin_spec_parse(&spec, BASIN_KIND_SURFACE, "booth") != 0)
        return -1;
    booth = basin_problem_create(spec.entry, &spec.params);
    basin_spec_clear(&spec);
    return booth ? 0 : -1;
}

static void build(const basin_spec *spec)
{
    switch (spec->entry->kind) {
    case BASIN_KIND_SURFACE: {
        basin_problem *p = basin_problem_create(spec->entry, &spec->params);
        double *w = p ? calloc(p->dim, sizeof *w) : NULL, *g = p ? calloc(p->dim, sizeof *g) : NULL;
        double *h = p && p->dim <= 64 ? calloc(p->dim * p->dim, sizeof *h) : NULL;
        if (w && g)
            basin_problem_eval(p, w, g);
        if (w && h) /* a typed formula's Hessian runs its second-order program */
            basin_problem_hessian(p, w, BASIN_FULL_BATCH, h);
        free(w), free(g), free(h);
        basin_problem_destroy(p);
        break;
    }
    case BASIN_KIND_OPTIMIZER: {
        basin_optimizer *o = basin_optimizer_create(spec->entry, &spec->params, 2);
        double w[2] = {1, -1}, g[2];
        for (int t = 0; o && t < 3; t++) {
            basin_problem_eval(booth, w, g);
            if (basin_optimizer_step(o, w, g, 0.1, booth, BASIN_FULL_BATCH) != 0)
                break;
        }
        if (o)
            basin_optimizer_stability_limit(o, 0.1, NULL, 0);
        basin_optimizer_destroy(o);
        break;
    }
    case BASIN_KIND_SCHEDULE: {
        basin_schedule *s = basin_schedule_create(spec->entry, &spec->params);
        for (long t = 0; s && t < 50; t += 7)
            basin_schedule_factor(s, t, 0.1, 40);
        basin_schedule_destroy(s);
        break;
    }
    default: break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    basin_kind kind = (basin_kind)(data[0] % BASIN_KIND_COUNT);
    char *text = fuzz_text(data + 1, size - 1);
    basin_spec spec;
    if (text && basin_spec_parse(&spec, kind, text) == 0) {
        build(&spec);
        basin_spec_clear(&spec);
    }
    free(text);
    return 0;
}
