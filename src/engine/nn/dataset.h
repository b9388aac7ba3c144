/* dataset.h: the built-in data sets (generated from a seed, or the digits shipped under assets/),
 * split into training and test examples with a seeded permutation, with the inputs optionally
 * standardized by the training split's mean and deviation (per feature for points, per channel for images). */
#ifndef BASIN_NN_DATASET_H
#define BASIN_NN_DATASET_H

#include "../registry.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct basin_split {
    size_t n;
    double *x;      /* n × n_features, as the model sees them (standardized when asked) */
    double *raw;    /* n × n_features, as generated or read */
    int *label;     /* n class indices (classification) */
    double *target; /* n × n_targets (regression) */
} basin_split;

typedef struct basin_dataset {
    const char *name;
    size_t channels, height, width; /* an image's shape; points are (n_features, 1, 1) */
    size_t n_features;
    size_t n_classes; /* 0 for regression */
    char **class_names; /* the classes' names, owned (a CSV file's labels), or NULL: they are numbered */
    size_t n_targets; /* regression outputs; 0 for classification */
    bool image;
    basin_split train, test;
    double *mean, *sd; /* the standardization applied (training statistics), NULL when off */
} basin_dataset;

/* The raw examples a generator fills (before the split). */
typedef struct basin_examples {
    size_t n;
    double *x;
    int *label;
    double *target;
} basin_examples;

/* Builds the data set an entry of kind BASIN_KIND_DATA describes; seed is used unless the spec gives
 * its own. Returns it (owned by the caller) or NULL with a message (bad keys, a missing or corrupt
 * asset file). */
basin_dataset *basin_dataset_create(const basin_entry *entry, const basin_params *params, unsigned long seed);

/* Frees d; NULL is a no-op. */
void basin_dataset_destroy(basin_dataset *d);

/* For generators: a data set with room for n raw examples of the given shape, classes or targets, with
 * ex pointing at its arrays. Returns it or NULL with a message. */
basin_dataset *basin_dataset_alloc(const char *name, size_t n, size_t channels, size_t height, size_t width,
                                   size_t n_classes, size_t n_targets, basin_examples *ex);

/* The keys every data set shares (test, standardize, seed); include them in each table. */
#define BASIN_DATASET_PARAMS                                                                          \
    BASIN_REAL_BELOW("test", "0.2", 0, 1, "fraction of the examples held out for testing"),           \
        BASIN_BOOL("standardize", "true", "scale each feature (each channel of an image) to mean 0, variance 1 (training statistics)"), \
        BASIN_INT("seed", "", 0, 4294967295.0, "seed of the generated examples and the split (default: --seed)")

#endif
