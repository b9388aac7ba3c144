/* augment_samples.h: what the augment view shows: a few training images of a lab, each beside draws of its
 * run's augmentation, drawn once when the lab is simulated. */
#ifndef BASIN_LAB_AUGMENT_SAMPLES_H
#define BASIN_LAB_AUGMENT_SAMPLES_H

#include "engine/nn/dataset.h"
#include "engine/spec.h"

#include <stddef.h>

#define BASIN_AUGMENT_EXAMPLES 4 /* rows: training images */
#define BASIN_AUGMENT_DRAWS 5    /* columns after the original: augmented draws of it */

/* Fills a new array of BASIN_AUGMENT_EXAMPLES × (1 + BASIN_AUGMENT_DRAWS) raw images (data->n_features each;
 * row by row, the original first) of the training split's first examples of distinct classes, augmented as
 * augment says with draws seeded by seed. Returns it (the caller frees it), or NULL with a message (out of
 * memory, or data without images). */
double *basin_augment_samples(const basin_dataset *data, const basin_spec *augment, unsigned long seed);

#endif
