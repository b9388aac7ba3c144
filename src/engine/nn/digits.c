/* digits.c: the UCI optical-recognition digits (1,797 8×8 images, pixels 0..16, test set of the
 * original), as scikit-learn ships them: assets/digits/digits.csv.gz, 64 pixels then the label per line,
 * read as CSV (csv_data.h) with the shape of an 8×8 image. */
#include "csv_data.h"
#include "datasets.h"

#include "../assets.h"
#include "../error.h"

#include <stdio.h>
#include <string.h>

#define DIGITS_FILE "digits/digits.csv.gz"
#define DIGITS_COUNT 1797

static basin_dataset *digits_create(const basin_entry *e, const basin_params *p, gsl_rng *rng)
{
    (void)p, (void)rng;
    char path[4096];
    if (basin_asset_path(DIGITS_FILE, path, sizeof path) != 0) {
        basin_error_set("digits: %s", basin_error_message());
        return NULL;
    }
    basin_csv_config c = {.path = path, .label = "last", .header = 2, .task = 1, .shape = {1, 8, 8}, .name = e->name};
    basin_dataset *d = basin_csv_dataset(&c);
    if (!d && strncmp(basin_error_message(), "csv: ", 5) == 0) { /* named as the user named it */
        char message[1024];
        snprintf(message, sizeof message, "digits: %s", basin_error_message() + 5);
        basin_error_set("%s", message);
    }
    if (d && (d->train.n != DIGITS_COUNT || d->n_classes != 10)) {
        basin_error_set("digits: %s holds %zu examples of %zu classes (%d of 10 expected)", path, d->train.n, d->n_classes,
                        DIGITS_COUNT);
        basin_dataset_destroy(d);
        return NULL;
    }
    return d;
}

static const basin_param_spec digits_specs[] = {BASIN_DATASET_PARAMS, BASIN_PARAMS_END};

const basin_entry basin_data_digits = {BASIN_KIND_DATA, "digits",
                                       "1,797 real 8×8 handwritten digits, 10 classes (UCI, via scikit-learn)",
                                       digits_specs, NULL, {.data = digits_create}};
