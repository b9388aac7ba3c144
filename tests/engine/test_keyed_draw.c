/* test_keyed_draw.c: the keyed generator behaves as independent uniforms: over 2^20 draws from
 * consecutive keys the mean is 1/2 and the variance 1/12 within 5 standard errors, 64 bins pass a
 * chi-square test at the 0.999 quantile (104.0 for 63 degrees of freedom), neighbouring units are
 * uncorrelated; and a draw depends on the example, not on the row that holds it, and on every field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/nn/keyed_draw.h"

#include <math.h>

enum { EXAMPLES = 1024, UNITS = 1024, BINS = 64 };

static void test_draws_are_uniform_and_independent(void **state)
{
    (void)state;
    basin_draw_key key = {7, 3, NULL};
    double n = (double)EXAMPLES * UNITS, sum = 0, sum2 = 0, lag = 0;
    double counts[BINS] = {0};
    for (size_t b = 0; b < EXAMPLES; b++) {
        uint64_t bits = basin_keyed_bits(&key, 2, b);
        double prev = 0.5;
        for (uint64_t u = 0; u < UNITS; u++) {
            double x = basin_keyed_uniform(bits, u);
            assert_true(x >= 0 && x < 1);
            sum += x, sum2 += x * x, lag += (x - 0.5) * (prev - 0.5), prev = x; /* no lag at u = 0 */
            counts[(int)(x * BINS)] += 1;
        }
    }
    double mean = sum / n, var = sum2 / n - mean * mean, chi2 = 0;
    for (int i = 0; i < BINS; i++)
        chi2 += (counts[i] - n / BINS) * (counts[i] - n / BINS) / (n / BINS);
    print_message("mean %.6f, variance %.6f, chi-square %.1f, lag-1 covariance %.2e\n", mean, var, chi2, lag / n);
    assert_true(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12 / n));
    assert_true(fabs(var - 1.0 / 12) < 5 * sqrt(1.0 / 180 / n)); /* the sample variance's (μ₄ − σ⁴)/n */
    assert_true(chi2 < 104.0);
    assert_true(fabs(lag / n) < 5 * (1.0 / 12) / sqrt(n));
}

static void test_a_draw_belongs_to_its_example(void **state)
{
    (void)state;
    size_t a[] = {5, 9, 40}, b[] = {40, 5};
    basin_draw_key ka = {7, 3, a}, kb = {7, 3, b};
    /* example 40 is row 2 of one batch and row 0 of the other; example 5 row 0 and row 1 */
    assert_true(basin_keyed_bits(&ka, 4, 2) == basin_keyed_bits(&kb, 4, 0));
    assert_true(basin_keyed_bits(&ka, 4, 0) == basin_keyed_bits(&kb, 4, 1));
    uint64_t base = basin_keyed_bits(&ka, 4, 0);
    basin_draw_key other_seed = {8, 3, a}, other_step = {7, 4, a};
    assert_true(basin_keyed_bits(&other_seed, 4, 0) != base);
    assert_true(basin_keyed_bits(&other_step, 4, 0) != base);
    assert_true(basin_keyed_bits(&ka, 5, 0) != base);
    assert_true(basin_keyed_bits(&ka, 4, 1) != base);
    assert_true(basin_keyed_uniform(base, 0) != basin_keyed_uniform(base, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draws_are_uniform_and_independent),
        cmocka_unit_test(test_a_draw_belongs_to_its_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
