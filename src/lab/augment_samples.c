/* augment_samples.c: draws of a run's augmentation for the augment view. */
#include "augment_samples.h"

#include "engine/error.h"
#include "engine/nn/augment.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

double *basin_augment_samples(const basin_dataset *data, const basin_spec *augment, unsigned long seed)
{
    if (!data->image) {
        basin_error_set("%s: the augment view draws images, and this data set has none", data->name);
        return NULL;
    }
    size_t f = data->n_features, per_row = 1 + BASIN_AUGMENT_DRAWS;
    double *out = malloc(BASIN_AUGMENT_EXAMPLES * per_row * f * sizeof *out), *tmp = malloc(f * sizeof *tmp);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!out || !tmp || !rng) {
        free(out), free(tmp), gsl_rng_free(rng);
        basin_error_set("out of memory drawing augmented samples");
        return NULL;
    }
    const basin_split *s = &data->train;
    size_t row = 0;
    for (size_t i = 0; i < s->n && row < BASIN_AUGMENT_EXAMPLES; i++) {
        bool seen = false; /* one example of each class, as far as they go */
        for (size_t j = 0; j < i && data->n_classes && !seen; j++)
            seen = s->label[j] == s->label[i];
        if (seen)
            continue;
        double *cell = out + row * per_row * f;
        memcpy(cell, s->raw + i * f, f * sizeof *cell);
        for (size_t d = 1; d < per_row; d++) {
            memcpy(cell + d * f, s->raw + i * f, f * sizeof *cell);
            gsl_rng_set(rng, seed + 1000 * row + d);
            if (augment->entry)
                basin_augment_apply(augment->entry, &augment->params, data, cell + d * f, 1, tmp, rng);
        }
        row++;
    }
    for (; row < BASIN_AUGMENT_EXAMPLES; row++) /* fewer examples than rows: blank */
        memset(out + row * per_row * f, 0, per_row * f * sizeof *out);
    free(tmp);
    gsl_rng_free(rng);
    return out;
}
