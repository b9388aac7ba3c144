/* keys.c: the table of lab keys. */
#include "keys.h"

#include "engine/nn/train.h"

#include <stdio.h>
#include <string.h>

#define BOTH (BASIN_KEY_LAB | BASIN_KEY_RUN)
#define SURFACE BASIN_LABS_SURFACE
#define TRAINING BASIN_LABS_TRAINING

static const basin_lab_key keys[] = {
    {"title", BASIN_KEY_LAB, SURFACE | TRAINING, NULL, "the figure's title (default: the surface or data spec)"},
    {"note", BASIN_KEY_LAB, SURFACE | TRAINING, NULL,
     "what to look at and what to press, shown in the window (n); indented lines below continue it"},
    {"surface", BASIN_KEY_LAB, SURFACE, NULL, "the problem, a surface spec (required in a surface lab)"},
    {"f", BASIN_KEY_LAB, SURFACE, NULL, "with surface = expr: the formula of x and y, e.g. (1-x)^2 + 100*(y-x^2)^2"},
    {"domain", BASIN_KEY_LAB, SURFACE, NULL, "with surface = expr: the window XLO:XHI,YLO:YHI (default -3:3,-3:3)"},
    {"minimum", BASIN_KEY_LAB, SURFACE, NULL, "with surface = expr: a global minimum X0,X1 (the loss is drawn as f − f*)"},
    {"data", BASIN_KEY_LAB, TRAINING, NULL, "the data set, a data spec: it makes the lab a training lab"},
    {"steps", BASIN_KEY_LAB, SURFACE, "100", "steps every run takes"},
    {"seed", BOTH, SURFACE, "0", "seed of the run's minibatches and gradient noise"},
    {"batch", BOTH, SURFACE, "0", "minibatch size on a finite-sum surface (0: every example)"},
    {"opt", BASIN_KEY_RUN, SURFACE, NULL, "the run's optimizer spec (required)"},
    {"opt", BOTH, TRAINING, NULL, "the run's optimizer spec (required in [lab] or every run)"},
    {"model", BOTH, TRAINING, NULL, "the run's model spec (required in [lab] or every run)"},
    {"init", BOTH, TRAINING, "default", "the run's initializer spec"},
    {"schedule", BOTH, SURFACE | TRAINING, "constant", "a learning-rate schedule spec"},
    {"augment", BOTH, TRAINING, NULL, "an augmentation spec for training batches"},
    {"parallel", BOTH, SURFACE, NULL, "async:workers=K[,order=round-robin|fixed,delay=T|events,speeds=..][,ssp=S]: stale gradients"},
    {"parallel", BOTH, TRAINING, NULL, "sync:, async:, pipeline: or tensor:... : the run on several workers (basin list parallel)"},
    {"start", BOTH, SURFACE, NULL, "the start point X0,X1,... (required in [lab] or every run)"},
    {"views", BASIN_KEY_LAB, SURFACE | TRAINING, NULL, "the panels, from basin list views (default: by lab)"},
    {"name", BASIN_KEY_RUN, SURFACE | TRAINING, NULL,
     "the run's legend; {KEY} shows the optimizer's KEY as it is now, e.g. GD, η = {lr} (default: the section's name)"},
    {"color", BASIN_KEY_RUN, SURFACE | TRAINING, NULL, "the run's colour: #rrggbb or a palette name (default: the next)"},
    {"xrange", BASIN_KEY_LAB, SURFACE, NULL, "the contour view's x window LOW:HIGH (default: the surface's)"},
    {"yrange", BASIN_KEY_LAB, SURFACE, NULL, "the contour view's y window LOW:HIGH"},
    {"levels", BASIN_KEY_LAB, SURFACE, "20", "contour levels"},
    {"level_scale", BASIN_KEY_LAB, SURFACE, "auto", "contour level spacing: auto, linear or log"},
    {"colormap", BASIN_KEY_LAB, SURFACE, "auto", "auto, viridis, magma, cividis or diverging"},
    {NULL, 0, 0, NULL, NULL},
};

const basin_lab_key *basin_lab_keys(size_t *count)
{
    *count = sizeof keys / sizeof *keys - 1;
    return keys;
}

/* A training lab's numeric training keys: the schema's, epochs only in [lab], steps nowhere (a lab replays
 * epochs). */
static bool schema_key(const char *key, bool in_lab)
{
    return basin_param_find(basin_train_specs, key) >= 0 && strcmp(key, "steps") != 0 &&
           (in_lab || strcmp(key, "epochs") != 0);
}

bool basin_lab_key_allowed(const char *key, bool in_lab, basin_lab_kinds kind)
{
    if (kind == BASIN_LABS_TRAINING && schema_key(key, in_lab))
        return true;
    for (const basin_lab_key *k = keys; k->key; k++)
        if (strcmp(k->key, key) == 0 && (k->labs & kind) && (k->sections & (in_lab ? BASIN_KEY_LAB : BASIN_KEY_RUN)))
            return true;
    return false;
}

void basin_lab_key_names(bool in_lab, basin_lab_kinds kind, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const basin_lab_key *k = keys; k->key && used < size; k++)
        if ((k->labs & kind) && (k->sections & (in_lab ? BASIN_KEY_LAB : BASIN_KEY_RUN)))
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", k->key);
    for (const basin_param_spec *s = basin_train_specs; kind == BASIN_LABS_TRAINING && s->key && used < size; s++)
        if (schema_key(s->key, in_lab))
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", s->key);
}
