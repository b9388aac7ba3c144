/* digits.c: the UCI optical-recognition digits (1,797 8×8 images, pixels 0..16, test set of the
 * original), as scikit-learn ships them: assets/digits/digits.csv.gz, 64 pixels then the label per line. */
#include "datasets.h"

#include "../assets.h"
#include "../error.h"
#include "dataset.h"

#include <errno.h>
#include <stdlib.h>
#include <zlib.h>

#define DIGITS_FILE "digits/digits.csv.gz"
#define DIGITS_COUNT 1797
#define DIGITS_PIXELS 64

/* Reads one line of 65 numbers into ex's row i. Returns 0, or -1 with a message naming path and line. */
static int parse_line(const char *line, const char *path, size_t i, basin_examples *ex)
{
    const char *s = line;
    for (int j = 0; j <= DIGITS_PIXELS; j++) {
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        bool last = j == DIGITS_PIXELS;
        bool sep_ok = last ? (*end == '\n' || *end == '\r' || *end == '\0') : *end == ',';
        if (!last && end != s && (*end == '\n' || *end == '\r' || *end == '\0')) {
            basin_error_set("%s:%zu: ends after field %d (65 expected: 64 pixels and the label)", path, i + 1, j + 1);
            return -1;
        }
        if (end == s || errno || !sep_ok || v < 0 || v > (last ? 9 : 16)) {
            basin_error_set("%s:%zu: field %d is not a %s", path, i + 1, j + 1,
                            last ? "label 0..9" : "pixel 0..16");
            return -1;
        }
        if (last)
            ex->label[i] = (int)v;
        else
            ex->x[i * DIGITS_PIXELS + (size_t)j] = (double)v;
        s = end + 1;
    }
    return 0;
}

static basin_dataset *digits_create(const basin_entry *e, const basin_params *p, gsl_rng *rng)
{
    (void)p, (void)rng;
    char path[4096];
    if (basin_asset_path(DIGITS_FILE, path, sizeof path) != 0) {
        basin_error_set("digits: %s", basin_error_message());
        return NULL;
    }
    gzFile f = gzopen(path, "rb");
    if (!f) {
        basin_error_set("digits: cannot open %s", path);
        return NULL;
    }
    basin_examples ex;
    basin_dataset *d = basin_dataset_alloc(e->name, DIGITS_COUNT, 1, 8, 8, 10, 0, &ex);
    char line[1024];
    size_t i = 0;
    while (d && gzgets(f, line, sizeof line)) {
        if (i == DIGITS_COUNT || parse_line(line, path, i, &ex) != 0) {
            if (i == DIGITS_COUNT)
                basin_error_set("%s: more than %d lines", path, DIGITS_COUNT);
            basin_dataset_destroy(d);
            d = NULL;
            break;
        }
        i++;
    }
    int zerr;
    const char *why = gzerror(f, &zerr);
    if (d && (zerr != Z_OK || i != DIGITS_COUNT)) {
        basin_error_set("%s: %s after %zu of %d lines", path, zerr != Z_OK ? why : "ends", i, DIGITS_COUNT);
        basin_dataset_destroy(d);
        d = NULL;
    }
    gzclose(f);
    return d;
}

static const basin_param_spec digits_specs[] = {BASIN_DATASET_PARAMS, BASIN_PARAMS_END};

const basin_entry basin_data_digits = {BASIN_KIND_DATA, "digits",
                                       "1,797 real 8×8 handwritten digits, 10 classes (UCI, via scikit-learn)",
                                       digits_specs, NULL, {.data = digits_create}};
