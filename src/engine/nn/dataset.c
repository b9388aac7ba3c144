/* dataset.c: what every data set shares: allocation, the seeded split and standardization. */
#include "dataset.h"

#include "../error.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void free_split(basin_split *s)
{
    free(s->x), free(s->raw), free(s->label), free(s->target);
}

void basin_dataset_destroy(basin_dataset *d)
{
    if (!d)
        return;
    free_split(&d->train);
    free_split(&d->test);
    free(d->mean), free(d->sd);
    for (size_t k = 0; d->class_names && k < d->n_classes; k++)
        free(d->class_names[k]);
    free(d->class_names);
    free(d);
}

/* All examples live in a "whole" split until the split moves them into train and test. */
basin_dataset *basin_dataset_alloc(const char *name, size_t n, size_t channels, size_t height, size_t width,
                                   size_t n_classes, size_t n_targets, basin_examples *ex)
{
    basin_dataset *d = calloc(1, sizeof *d);
    size_t f = channels * height * width;
    if (d) {
        d->name = name;
        d->channels = channels, d->height = height, d->width = width;
        d->n_features = f;
        d->n_classes = n_classes, d->n_targets = n_targets;
        d->image = height > 1 || width > 1;
        d->train.n = n;
        d->train.raw = calloc(n * f + 1, sizeof(double));
        d->train.label = n_classes ? calloc(n + 1, sizeof(int)) : NULL;
        d->train.target = n_targets ? calloc(n * n_targets + 1, sizeof(double)) : NULL;
    }
    if (!d || !d->train.raw || (n_classes && !d->train.label) || (n_targets && !d->train.target)) {
        basin_dataset_destroy(d);
        basin_error_set("%s: out of memory for %zu examples", name, n);
        return NULL;
    }
    *ex = (basin_examples){n, d->train.raw, d->train.label, d->train.target};
    return d;
}

static int take(const basin_dataset *d, const basin_split *all, const size_t *order, size_t n,
                basin_split *out)
{
    size_t f = d->n_features, t = d->n_targets;
    out->n = n;
    out->raw = malloc((n * f + 1) * sizeof *out->raw);
    out->x = malloc((n * f + 1) * sizeof *out->x);
    out->label = d->n_classes ? malloc((n + 1) * sizeof *out->label) : NULL;
    out->target = t ? malloc((n * t + 1) * sizeof *out->target) : NULL;
    if (!out->raw || !out->x || (d->n_classes && !out->label) || (t && !out->target))
        return -1;
    for (size_t i = 0; i < n; i++) {
        memcpy(out->raw + i * f, all->raw + order[i] * f, f * sizeof *out->raw);
        if (out->label)
            out->label[i] = all->label[order[i]];
        if (out->target)
            memcpy(out->target + i * t, all->target + order[i] * t, t * sizeof *out->target);
    }
    memcpy(out->x, out->raw, n * f * sizeof *out->x);
    return 0;
}

/* Splits the examples by a permutation from rng: the first round(test·n) go to test. */
static int split(basin_dataset *d, double test_fraction, gsl_rng *rng)
{
    basin_split all = d->train;
    size_t n = all.n, n_test = (size_t)llround(test_fraction * (double)n);
    size_t *order = malloc((n + 1) * sizeof *order);
    memset(&d->train, 0, sizeof d->train);
    int rc = -1;
    if (order) {
        for (size_t i = 0; i < n; i++)
            order[i] = i;
        gsl_ran_shuffle(rng, order, n, sizeof *order);
        rc = take(d, &all, order, n_test, &d->test) == 0 && take(d, &all, order + n_test, n - n_test, &d->train) == 0
                 ? 0
                 : -1;
    }
    free(order);
    free_split(&all);
    if (rc != 0)
        basin_error_set("%s: out of memory splitting %zu examples", d->name, n);
    return rc;
}

/* Standardizes both splits by the training split's mean and (biased) deviation: per feature for points,
 * per channel for images (over all its pixels, as torchvision's Normalize does), so that shifting or
 * rotating an image commutes with it: a pixel that is near-constant over the training set would
 * otherwise blow a shifted stroke up a hundredfold. A constant feature or channel is only centered. */
static int standardize(basin_dataset *d)
{
    size_t f = d->n_features, n = d->train.n;
    size_t groups = d->image ? d->channels : f, size = f / groups; /* a channel's pixels are contiguous */
    d->mean = calloc(f, sizeof *d->mean);
    d->sd = calloc(f, sizeof *d->sd);
    if (!d->mean || !d->sd) {
        basin_error_set("%s: out of memory", d->name);
        return -1;
    }
    for (size_t c = 0; c < groups; c++) {
        double mean = 0, var = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = c * size; j < (c + 1) * size; j++)
                mean += d->train.raw[i * f + j];
        mean /= (double)(n * size);
        for (size_t i = 0; i < n; i++)
            for (size_t j = c * size; j < (c + 1) * size; j++)
                var += (d->train.raw[i * f + j] - mean) * (d->train.raw[i * f + j] - mean);
        double sd = sqrt(var / (double)(n * size));
        for (size_t j = c * size; j < (c + 1) * size; j++)
            d->mean[j] = mean, d->sd[j] = sd > 0 ? sd : 1.0;
    }
    basin_split *splits[2] = {&d->train, &d->test};
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < splits[s]->n; i++)
            for (size_t j = 0; j < f; j++)
                splits[s]->x[i * f + j] = (splits[s]->raw[i * f + j] - d->mean[j]) / d->sd[j];
    return 0;
}

basin_dataset *basin_dataset_create(const basin_entry *entry, const basin_params *params, unsigned long seed)
{
    BASIN_ASSERT(entry->kind == BASIN_KIND_DATA);
    if (basin_params_present(params, "seed"))
        seed = (unsigned long)basin_params_real(params, "seed");
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng) {
        basin_error_set("%s: out of memory", entry->name);
        return NULL;
    }
    gsl_rng_set(rng, seed);
    basin_dataset *d = entry->create.data(entry, params, rng);
    if (d && d->train.n < 2) {
        basin_error_set("%s: needs at least 2 examples", entry->name);
        basin_dataset_destroy(d);
        d = NULL;
    }
    if (d && (split(d, basin_params_real(params, "test"), rng) != 0 ||
              (basin_params_bool(params, "standardize") && standardize(d) != 0))) {
        basin_dataset_destroy(d);
        d = NULL;
    }
    if (d && d->train.n == 0) {
        basin_error_set("%s: test=%g leaves no training examples", entry->name, basin_params_real(params, "test"));
        basin_dataset_destroy(d);
        d = NULL;
    }
    gsl_rng_free(rng);
    return d;
}
