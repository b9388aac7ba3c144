/* test_data.c: the built-in data sets (sizes, the seeded split, standardization by the training
 * statistics, the real digits with their class counts) and augmentation (a flip mirrors exactly,
 * whole-pixel shifts move pixels, jitter has the asked spread, test examples are never touched). */
#include "support.h"

#include "engine/assets.h"
#include "engine/error.h"
#include "engine/nn/augment.h"
#include "engine/spec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

static void test_digits(void **state)
{
    (void)state;
    basin_dataset *d = support_dataset("digits:test=0,standardize=false", 0);
    assert_int_equal(d->train.n, 1797);
    assert_int_equal(d->n_features, 64);
    assert_int_equal(d->height, 8);
    assert_true(d->image);
    /* The class counts of the UCI test set, as scikit-learn's load_digits gives them. */
    static const int expected[10] = {178, 182, 177, 183, 181, 182, 181, 179, 174, 180};
    int counts[10] = {0};
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < d->train.n; i++) {
        counts[d->train.label[i]]++;
        for (size_t j = 0; j < 64; j++)
            lo = fmin(lo, d->train.raw[i * 64 + j]), hi = fmax(hi, d->train.raw[i * 64 + j]);
    }
    assert_memory_equal(counts, expected, sizeof counts);
    assert_close(lo, 0, 0);
    assert_close(hi, 16, 0);
    basin_dataset_destroy(d);
}

/* The shipped digits read as a CSV file (csv:path=...,header=false,shape=1/8/8) equal the built-in set
 * example by example, and both hold what the file says: each class's pixel sums, counted here with a
 * parser of the test's own. */
static void test_digits_through_csv(void **state)
{
    (void)state;
    char path[4096], spec[4300];
    assert_int_equal(basin_asset_path("digits/digits.csv.gz", path, sizeof path), 0);
    snprintf(spec, sizeof spec, "csv:path=%s,header=false,shape=1/8/8,test=0,standardize=false", path);
    basin_dataset *csv = support_dataset(spec, 3), *digits = support_dataset("digits:test=0,standardize=false", 3);
    assert_int_equal(csv->train.n, digits->train.n);
    assert_int_equal(csv->n_classes, 10);
    assert_true(csv->image && csv->channels == 1 && csv->height == 8 && csv->width == 8);
    assert_memory_equal(csv->train.raw, digits->train.raw, 1797 * 64 * sizeof *csv->train.raw);
    assert_memory_equal(csv->train.label, digits->train.label, 1797 * sizeof *csv->train.label);
    double sums[10] = {0}, file_sums[10] = {0};
    for (size_t i = 0; i < csv->train.n; i++)
        for (size_t j = 0; j < 64; j++)
            sums[csv->train.label[i]] += csv->train.raw[i * 64 + j];
    gzFile f = gzopen(path, "rb");
    char line[1024];
    while (gzgets(f, line, sizeof line)) {
        long v[65];
        char *s = line;
        for (int k = 0; k < 65; k++)
            v[k] = strtol(s, &s, 10), s += *s == ',';
        for (int k = 0; k < 64; k++)
            file_sums[v[64]] += (double)v[k];
    }
    gzclose(f);
    assert_memory_equal(sums, file_sums, sizeof sums);
    basin_dataset_destroy(csv), basin_dataset_destroy(digits);
}

/* Words as labels are classes in sorted order; few whole numbers too; other numbers are a regression
 * target; a header row is found, and a named label column read. */
static void test_csv_tasks(void **state)
{
    (void)state;
    char path[] = "/tmp/basin-csv-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("kind,a,b,size\nowl,1,2,0.5\ncat,3,4,1.5\nowl,5,6,2.25\nbee,7,8,3\n", f);
    fclose(f);
    char spec[200];
    snprintf(spec, sizeof spec, "csv:path=%s,label=kind,test=0,standardize=false,task=classification", path);
    basin_dataset *d = support_dataset(spec, 0);
    assert_int_equal(d->n_classes, 3);
    assert_int_equal(d->n_features, 3);
    for (size_t i = 0; i < d->train.n; i++) { /* bee 0, cat 1, owl 2: the first feature tells which row */
        double a = d->train.raw[i * 3];
        assert_int_equal(d->train.label[i], a == 7 ? 0 : a == 3 ? 1 : 2);
    }
    basin_dataset_destroy(d);
    snprintf(spec, sizeof spec, "csv:path=%s,label=size,test=0,standardize=false", path);
    basin_error_set("%s", "");
    basin_spec parsed;
    assert_int_equal(basin_spec_parse(&parsed, BASIN_KIND_DATA, spec), 0);
    assert_null(basin_dataset_create(parsed.entry, &parsed.params, 0)); /* 'owl' is not a number */
    assert_non_null(strstr(basin_error_message(), ":2:1: 'owl' is not a number (column 'kind')"));
    basin_spec_clear(&parsed);
    f = fopen(path, "w");
    fputs("a,b,size\n1,2,0.5\n3,4,1.5\n5,6,2.25\n7,8,3\n", f);
    fclose(f);
    d = support_dataset(spec, 0);
    assert_int_equal(d->n_classes, 0);
    assert_int_equal(d->n_targets, 1);
    for (size_t i = 0; i < d->train.n; i++)
        assert_close(d->train.target[i], d->train.raw[i * 2] == 1 ? 0.5 : d->train.raw[i * 2] == 3 ? 1.5 : d->train.raw[i * 2] == 5 ? 2.25 : 3, 0);
    basin_dataset_destroy(d);
    unlink(path);
}

/* The split takes round(test·n) examples for testing; standardization uses the training split only, so
 * its features (points) or channels (images, over all their pixels) have mean 0 and variance 1 exactly
 * there (constant features stay 0). */
static void test_split_and_standardization(void **state)
{
    (void)state;
    static const char *const specs[] = {"spirals:n=500", "moons:n=301", "circles", "blobs:n=90,centers=3,dim=5",
                                        "xor", "linreg:n=50", "digits"};
    for (size_t k = 0; k < sizeof specs / sizeof *specs; k++) {
        basin_dataset *d = support_dataset(specs[k], 3);
        size_t n = d->train.n + d->test.n, f = d->n_features;
        size_t groups = d->image ? d->channels : f, size = f / groups;
        assert_int_equal(d->test.n, (size_t)llround(0.2 * (double)n));
        for (size_t c = 0; c < groups; c++) {
            double mean = 0, var = 0, count = (double)(d->train.n * size);
            for (size_t i = 0; i < d->train.n; i++)
                for (size_t j = c * size; j < (c + 1) * size; j++)
                    mean += d->train.x[i * f + j];
            mean /= count;
            for (size_t i = 0; i < d->train.n; i++)
                for (size_t j = c * size; j < (c + 1) * size; j++)
                    var += (d->train.x[i * f + j] - mean) * (d->train.x[i * f + j] - mean);
            var /= count;
            assert_close(mean, 0, 1e-12);
            assert_true(fabs(var - 1) < 1e-12 || var == 0);
        }
        basin_dataset_destroy(d);
    }
    /* Same seed, same examples; another seed, another split. */
    basin_dataset *a = support_dataset("moons", 1), *b = support_dataset("moons", 1), *c = support_dataset("moons", 2);
    assert_memory_equal(a->train.x, b->train.x, a->train.n * 2 * sizeof(double));
    assert_true(memcmp(a->train.x, c->train.x, a->train.n * 2 * sizeof(double)) != 0);
    basin_dataset_destroy(a), basin_dataset_destroy(b), basin_dataset_destroy(c);
}

static void augment(const char *text, const basin_dataset *d, double *x, size_t B, unsigned long seed)
{
    basin_spec spec;
    if (basin_spec_parse(&spec, BASIN_KIND_AUGMENT, text) != 0)
        fail_msg("%s", basin_error_message());
    assert_int_equal(basin_augment_check(spec.entry, &spec.params, d), 0);
    double tmp[64];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    basin_augment_apply(spec.entry, &spec.params, d, x, B, tmp, rng);
    gsl_rng_free(rng);
    basin_spec_clear(&spec);
}

/* Augmentation happens on raw pixels, then standardization: per channel, so it commutes with moving pixels.
 * Shifted and rotated digits are convex combinations of raw values in [0, 16] (zeros outside), so once
 * standardized they stay within the standardized range of the training images themselves; a per-pixel
 * standardization would divide strokes moved onto near-constant border pixels by their tiny deviation. */
static void test_augmentation_commutes_with_standardization(void **state)
{
    (void)state;
    basin_dataset *d = support_dataset("digits:test=0.8", 0);
    size_t f = d->n_features, n = d->train.n;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n * f; i++)
        lo = fmin(lo, d->train.x[i]), hi = fmax(hi, d->train.x[i]);
    double *x = malloc(n * f * sizeof *x), worst = 0;
    memcpy(x, d->train.raw, n * f * sizeof *x);
    augment("image:shift=1,rotate=10", d, x, n, 4);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < f; j++) {
            double z = (x[i * f + j] - d->mean[j]) / d->sd[j];
            worst = fmax(worst, fabs(z));
            assert_true(z >= lo - 1e-12 && z <= hi + 1e-12);
        }
    print_message("    standardized training pixels in [%.3f, %.3f]; augmented ones up to |%.3f|\n", lo, hi, worst);
    free(x);
    basin_dataset_destroy(d);
}

static void test_augmentation(void **state)
{
    (void)state;
    basin_dataset *d = support_dataset("digits:standardize=false", 0);
    enum { B = 200 };
    double *x = malloc(B * 64 * sizeof *x);
    /* A flip alone: each image is itself or its exact mirror, and both happen. */
    memcpy(x, d->train.raw, B * 64 * sizeof *x);
    augment("image:shift=0,rotate=0,flip=true", d, x, B, 1);
    int flipped = 0, kept = 0;
    for (size_t b = 0; b < B; b++) {
        const double *src = d->train.raw + b * 64, *out = x + b * 64;
        bool same = memcmp(src, out, 64 * sizeof *x) == 0, mirror = true;
        for (int r = 0; r < 8; r++)
            for (int c = 0; c < 8; c++)
                mirror = mirror && fabs(out[r * 8 + c] - src[r * 8 + 7 - c]) < 1e-12;
        assert_true(same || mirror);
        kept += same;
        flipped += mirror && !same;
    }
    assert_true(kept > 50 && flipped > 50);
    /* Whole-pixel shifts: every image is its original moved by at most one pixel along each axis. */
    memcpy(x, d->train.raw, B * 64 * sizeof *x);
    augment("image:shift=1,rotate=0", d, x, B, 2);
    int moved = 0;
    for (size_t b = 0; b < B; b++) {
        const double *src = d->train.raw + b * 64, *out = x + b * 64;
        bool found = false;
        for (int dy = -1; dy <= 1 && !found; dy++)
            for (int dx = -1; dx <= 1 && !found; dx++) {
                bool match = true;
                for (int r = 0; r < 8 && match; r++)
                    for (int c = 0; c < 8 && match; c++) {
                        int sr = r - dy, sc = c - dx;
                        double want = sr >= 0 && sr < 8 && sc >= 0 && sc < 8 ? src[sr * 8 + sc] : 0;
                        match = fabs(out[r * 8 + c] - want) < 1e-12;
                    }
                found = match;
                moved += match && (dx || dy);
            }
        assert_true(found);
    }
    assert_true(moved > B / 2);
    free(x);
    basin_dataset_destroy(d);
    /* Jitter: Gaussian noise of the asked spread on every coordinate. */
    basin_dataset *m = support_dataset("moons:n=5000,standardize=false", 0);
    size_t n = m->train.n;
    double *p = malloc(n * 2 * sizeof *p), var = 0;
    memcpy(p, m->train.raw, n * 2 * sizeof *p);
    augment("jitter:std=0.1", m, p, n, 3);
    for (size_t i = 0; i < 2 * n; i++)
        var += (p[i] - m->train.raw[i]) * (p[i] - m->train.raw[i]);
    var /= (double)(2 * n);
    assert_true(fabs(var - 0.01) < 4 * 0.01 * sqrt(2.0 / (double)(2 * n)));
    free(p);
    basin_dataset_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digits),
        cmocka_unit_test(test_digits_through_csv),
        cmocka_unit_test(test_csv_tasks),
        cmocka_unit_test(test_split_and_standardization),
        cmocka_unit_test(test_augmentation_commutes_with_standardization),
        cmocka_unit_test(test_augmentation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
