/* augment.h: training-time augmentation of raw examples: for images random shifts, small rotations,
 * additive noise and a horizontal flip; for points, Gaussian jitter. Applied to each minibatch before
 * standardization, never to test examples. */
#ifndef BASIN_NN_AUGMENT_H
#define BASIN_NN_AUGMENT_H

#include "../registry.h"
#include "dataset.h"

#include <gsl/gsl_rng.h>

extern const basin_entry basin_augment_image, basin_augment_jitter;

/* Checks that entry (kind BASIN_KIND_AUGMENT) suits data. Returns 0, or -1 with a message. */
int basin_augment_check(const basin_entry *entry, const basin_params *params, const basin_dataset *data);

/* Augments the B raw examples x (B × data->n_features) in place, drawing from rng. tmp has room for one
 * example. Can't fail. */
void basin_augment_apply(const basin_entry *entry, const basin_params *params, const basin_dataset *data,
                         double *x, size_t B, double *tmp, gsl_rng *rng);

#endif
