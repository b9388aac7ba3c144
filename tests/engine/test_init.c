/* test_init.c: initializers with torch.nn.init's semantics: sample variances of large Linear and Conv2d
 * weights against the formulas within sampling error, fans for conv (C·k·k), calculate_gain, the
 * `default` init's bounds, zero biases elsewhere, orthogonality, and normalization layers at γ=1, β=0. */
#include "support.h"

#include "engine/nn/init.h"

#include <math.h>
#include <stdlib.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

/* A Linear 400→300 (120,000 weights) and a Conv2d 32→96 with 3×3 kernels on 32×6×6 inputs
 * (27,648 weights; fan_in 288, fan_out 864), each followed by a BatchNorm. */
static const basin_layer_desc linear_model[] = {{.kind = BASIN_LAYER_LINEAR, .out = 300},
                                                {.kind = BASIN_LAYER_BATCHNORM}};
static const basin_layer_desc conv_model[] = {{.kind = BASIN_LAYER_CONV2D, .out = 96, .kernel = 3, .stride = 1},
                                              {.kind = BASIN_LAYER_BATCHNORM}};

typedef struct shape_case {
    const basin_layer_desc *descs;
    size_t c, h, w;
    double fan_in, fan_out;
} shape_case;

static const shape_case shapes[] = {
    {linear_model, 400, 1, 1, 400, 300},
    {conv_model, 32, 6, 6, 288, 864},
};

typedef struct init_case {
    const char *spec;
    bool uniform;
    double (*variance)(double fan_in, double fan_out);
} init_case;

static double v_default(double fi, double fo) { (void)fo; return 1.0 / (3 * fi); }
static double v_xavier(double fi, double fo) { return 2.0 / (fi + fo); }
static double v_xavier_tanh(double fi, double fo) { return 25.0 / 9 * 2.0 / (fi + fo); }
static double v_xavier_gain(double fi, double fo) { return 0.25 * 2.0 / (fi + fo); }
static double v_kaiming(double fi, double fo) { (void)fo; return 2.0 / fi; }
static double v_kaiming_out(double fi, double fo) { (void)fi; return 2.0 / fo; }
static double v_kaiming_leaky(double fi, double fo) { (void)fo; return 2.0 / (1 + 0.2 * 0.2) / fi; }
static double v_kaiming_tanh(double fi, double fo) { (void)fo; return 25.0 / 9 / fi; }
static double v_normal(double fi, double fo) { (void)fi, (void)fo; return 0.04; }
static double v_uniform(double fi, double fo) { (void)fi, (void)fo; return 9.0 / 12; }

static const init_case inits[] = {
    {"default", true, v_default},
    {"xavier_uniform", true, v_xavier},
    {"xavier_normal", false, v_xavier},
    {"xavier_uniform:nonlinearity=tanh", true, v_xavier_tanh},
    {"xavier_normal:gain=0.5", false, v_xavier_gain},
    {"kaiming_uniform", true, v_kaiming},
    {"kaiming_normal:nonlinearity=relu", false, v_kaiming},
    {"kaiming_normal:mode=fan_out,nonlinearity=relu", false, v_kaiming_out},
    {"kaiming_uniform:a=0.2", true, v_kaiming_leaky},
    {"kaiming_normal:nonlinearity=tanh", false, v_kaiming_tanh},
    {"normal:mean=0,std=0.2", false, v_normal},
    {"uniform:a=-1,b=2", true, v_uniform},
};

static void moments(const double *x, size_t n, double *mean, double *var)
{
    double m = 0, v = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m);
    *mean = m, *var = v / (double)(n - 1);
}

static void test_variances(void **state)
{
    (void)state;
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const shape_case *sc = &shapes[s];
        basin_model *m = basin_model_create(sc->descs, 2, sc->c, sc->h, sc->w);
        const basin_layer *l = &m->layers[0];
        size_t fan_in, fan_out;
        basin_layer_fans(l, &fan_in, &fan_out);
        assert_int_equal(fan_in, (size_t)sc->fan_in);
        assert_int_equal(fan_out, (size_t)sc->fan_out);
        double *w = malloc(m->n_params * sizeof *w);
        for (size_t k = 0; k < sizeof inits / sizeof *inits; k++) {
            const init_case *ic = &inits[k];
            support_init(ic->spec, m, w, 1 + k);
            double mean, var, expected = ic->variance(sc->fan_in, sc->fan_out);
            size_t n = l->n_weight;
            moments(w + l->weight, n, &mean, &var);
            /* The sample variance's standard error: σ²·√(2/n) for a normal, σ²·√(0.8/n) for a uniform
             * (kurtosis 3 and 1.8); the mean's: σ/√n. */
            double se_var = expected * sqrt((ic->uniform ? 0.8 : 2.0) / (double)n);
            double expected_mean = k == 11 ? 0.5 : 0.0;
            print_message("    %-46s %6zu weights: var %.5g (formula %.5g, %+.1f s.e.)\n", ic->spec, n, var,
                          expected, (var - expected) / se_var);
            assert_true(fabs(var - expected) < 4 * se_var);
            assert_true(fabs(mean - expected_mean) < 4 * sqrt(expected / (double)n));
            /* Biases: U(±1/√fan_in) under default, zero otherwise; BatchNorm at γ = 1, β = 0. */
            double bound = 1 / sqrt(sc->fan_in), most = 0;
            for (size_t j = 0; j < l->n_bias; j++) {
                double b = w[l->bias + j];
                most = fmax(most, fabs(b));
                if (k != 0)
                    assert_close(b, 0.0, 0);
            }
            if (k == 0)
                assert_true(most <= bound && most > 0.5 * bound);
            const basin_layer *bn = &m->layers[1];
            for (size_t j = 0; j < bn->n_weight; j++) {
                assert_close(w[bn->weight + j], 1.0, 0);
                assert_close(w[bn->bias + j], 0.0, 0);
            }
        }
        free(w);
        basin_model_destroy(m);
    }
}

/* default's weights fill U(±1/√fan_in): none beyond it, some within 0.1% of it. */
static void test_default_bounds(void **state)
{
    (void)state;
    basin_model *m = basin_model_create(linear_model, 2, 400, 1, 1);
    double *w = malloc(m->n_params * sizeof *w), bound = 1 / sqrt(400.0), most = 0;
    support_init("default", m, w, 3);
    for (size_t j = 0; j < m->layers[0].n_weight; j++)
        most = fmax(most, fabs(w[j]));
    assert_true(most <= bound);
    assert_true(most > 0.999 * bound);
    free(w);
    basin_model_destroy(m);
}

/* orthogonal: the 300×400 weight has orthonormal rows times gain (W·Wᵀ = gain²·I). */
static void test_orthogonal(void **state)
{
    (void)state;
    basin_model *m = basin_model_create(linear_model, 2, 400, 1, 1);
    double *w = malloc(m->n_params * sizeof *w), worst = 0;
    support_init("orthogonal:gain=2", m, w, 5);
    for (size_t i = 0; i < 300; i += 7)
        for (size_t j = 0; j < 300; j += 5) {
            double dot = 0;
            for (size_t k = 0; k < 400; k++)
                dot += w[i * 400 + k] * w[j * 400 + k];
            worst = fmax(worst, fabs(dot - (i == j ? 4.0 : 0.0)));
        }
    assert_true(worst < 1e-12);
    free(w);
    basin_model_destroy(m);
}

/* calculate_gain's table, and constant init. */
static void test_gains_and_constant(void **state)
{
    (void)state;
    assert_close(basin_init_gain("tanh", 0), 5.0 / 3, 1e-15);
    assert_close(basin_init_gain("relu", 0), sqrt(2.0), 1e-15);
    assert_close(basin_init_gain("leaky_relu", 0.01), sqrt(2 / (1 + 1e-4)), 1e-15);
    assert_close(basin_init_gain("sigmoid", 0), 1.0, 0);
    assert_close(basin_init_gain("selu", 0), 0.75, 0);
    assert_true(isnan(basin_init_gain("swish", 0)));
    basin_model *m = basin_model_create(conv_model, 2, 32, 6, 6);
    double *w = malloc(m->n_params * sizeof *w);
    support_init("constant:val=0.25", m, w, 0);
    for (size_t j = 0; j < m->layers[0].n_weight; j++)
        assert_close(w[j], 0.25, 0);
    free(w);
    basin_model_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variances),
        cmocka_unit_test(test_default_bounds),
        cmocka_unit_test(test_orthogonal),
        cmocka_unit_test(test_gains_and_constant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
