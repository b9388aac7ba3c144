/* keyed_draw.h: random draws keyed by what they belong to — (seed, step, stream, example, unit) — instead
 * of by the order in which a thread asks: a counter-based generator (SplitMix64's finalizer over the key).
 * Dropout masks and augmentations drawn this way are the same whether an example is processed by one
 * worker or by another, so a data-parallel run with dropout equals the single-worker run. */
#ifndef BASIN_NN_KEYED_DRAW_H
#define BASIN_NN_KEYED_DRAW_H

#include <stddef.h>
#include <stdint.h>

/* The key of a batch's draws: the run's seed, the step, and each row's example index in the data set. */
typedef struct basin_draw_key {
    uint64_t seed;
    uint64_t step;
    const size_t *examples; /* row b is example examples[b] (NULL: example b) */
} basin_draw_key;

/* The stream an augmentation draws from (a layer's draws use the layer's index). */
#define BASIN_DRAW_AUGMENT UINT64_MAX

/* 64 random bits for (key, stream, row's example): what basin_keyed_uniform draws an example's units
 * from, or the seed of a generator for an example's variable number of draws. Can't fail. */
uint64_t basin_keyed_bits(const basin_draw_key *key, uint64_t stream, size_t row);

/* A uniform double in [0, 1) (53 random bits) for unit `unit` of the example whose bits are given. */
double basin_keyed_uniform(uint64_t example_bits, uint64_t unit);

#endif
