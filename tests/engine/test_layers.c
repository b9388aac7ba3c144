/* test_layers.c: every layer's backward pass against central differences (parameters, and through the
 * layers before it, inputs), in training and eval mode; the kinks at their PyTorch values; losses;
 * BatchNorm's refusal of one value per channel; the vectorized tanh and sigmoid against libm. */
#include "support.h"

#include "engine/error.h"
#include "engine/nn/fastmath.h"
#include "engine/nn/layers.h"
#include "engine/nn/model.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#define B 5

/* The objective Σ r ⊙ model(x) for a fixed random r: its gradient on the output is r itself. */
typedef struct objective {
    basin_model *m;
    double *x, *r;
    basin_forward_opts opts;
    gsl_rng *dropout; /* restored before each forward so dropout masks repeat */
    gsl_rng *saved;
} objective;

static double value(objective *o, const double *w)
{
    if (o->dropout)
        gsl_rng_memcpy(o->dropout, o->saved);
    const double *out = basin_model_forward(o->m, w, o->x, B, o->opts);
    assert_non_null(out);
    double sum = 0;
    for (size_t i = 0; i < B * o->m->out_features; i++)
        sum += o->r[i] * out[i];
    return sum;
}

/* Smallest |input| over the batch at layers whose derivative has a kink at 0 (ReLU, leaky ReLU), so a
 * test can prove its differences never straddle one. */
static double kink_margin(const basin_model *m)
{
    double margin = INFINITY;
    for (size_t i = 0; i < m->n_layers; i++) {
        const basin_layer *l = &m->layers[i];
        if (l->d.kind != BASIN_LAYER_ACTIVATION ||
            (l->d.act != BASIN_ACT_RELU && l->d.act != BASIN_ACT_LEAKY_RELU))
            continue;
        for (size_t k = 0; k < B * l->in_c * l->in_h * l->in_w; k++)
            margin = fmin(margin, fabs(l->in[k]));
    }
    return margin;
}

/* The set-up both checks share: the model, random inputs x, output weights r and parameters w (drawn
 * from seed), running statistics away from their fresh values (so eval mode is not the identity), and
 * a dropout generator that restarts before each forward. *rng stays for further draws. */
static objective fixture(const basin_layer_desc *descs, size_t n, size_t c, size_t h, size_t w_, basin_mode mode,
                         unsigned long seed, double **w, gsl_rng **rng)
{
    basin_model *m = basin_model_create(descs, n, c, h, w_);
    assert_non_null(m);
    *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(*rng, seed);
    size_t in = B * m->in_features, out = B * m->out_features, dim = m->n_params;
    double *x = malloc(in * sizeof *x), *r = malloc(out * sizeof *r);
    *w = malloc(dim * sizeof **w);
    for (size_t i = 0; i < in; i++)
        x[i] = gsl_ran_gaussian(*rng, 1.0);
    for (size_t i = 0; i < out; i++)
        r[i] = gsl_ran_gaussian(*rng, 1.0);
    for (size_t i = 0; i < dim; i++)
        (*w)[i] = gsl_ran_gaussian(*rng, 0.5);
    for (size_t i = 0; i < m->n_layers; i++)
        if (m->layers[i].d.kind == BASIN_LAYER_BATCHNORM)
            for (size_t k = 0; k < m->layers[i].in_c; k++) {
                m->state[m->layers[i].stats + k] = gsl_ran_gaussian(*rng, 0.3);
                m->state[m->layers[i].stats + m->layers[i].in_c + k] = 0.5 + gsl_rng_uniform(*rng);
            }
    gsl_rng *dropout = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(dropout, 11);
    return (objective){m, x, r, {.mode = mode, .rng = dropout}, dropout, gsl_rng_clone(dropout)};
}

static void fixture_free(objective *o, double *w, gsl_rng *rng)
{
    gsl_rng_free(o->saved), gsl_rng_free(o->dropout), gsl_rng_free(rng);
    free(o->x), free(o->r), free(w);
    basin_model_destroy(o->m);
}

static const char *mode_name(basin_mode mode)
{
    return mode == BASIN_MODE_TRAIN ? "train" : "eval";
}

/* Builds the model, checks the gradient of every parameter against central differences (step 1e-6)
 * within 1e-6 relative, in mode. */
static void check_model(const basin_layer_desc *descs, size_t n, size_t c, size_t h, size_t w_, basin_mode mode)
{
    double *w;
    gsl_rng *rng;
    objective o = fixture(descs, n, c, h, w_, mode, 7, &w, &rng);
    basin_model *m = o.m;
    size_t dim = m->n_params;
    double *g = calloc(dim, sizeof *g), *wp = malloc(dim * sizeof *wp);
    double f0 = value(&o, w);
    assert_true(isfinite(f0));
    assert_true(kink_margin(m) > 1e-4);
    basin_model_backward(m, w, o.r, g, NULL, NULL);
    memcpy(wp, w, dim * sizeof *w);
    double worst = 0;
    for (size_t j = 0; j < dim; j++) {
        double step = 1e-6;
        wp[j] = w[j] + step;
        double fp = value(&o, wp);
        wp[j] = w[j] - step;
        double fm = value(&o, wp);
        wp[j] = w[j];
        double fd = (fp - fm) / (2 * step);
        worst = fmax(worst, fabs(fd - g[j]) / (1e-3 + fabs(fd)));
    }
    print_message("    %zu parameters, worst relative difference %.2e (%s)\n", dim, worst, mode_name(mode));
    assert_true(worst < 1e-6);
    free(g), free(wp);
    fixture_free(&o, w, rng);
}

/* The gradient of Σ r ⊙ model(w) at w into g (the dropout masks repeat). */
static void gradient(objective *o, const double *w, double *g)
{
    value(o, w);
    memset(g, 0, o->m->n_params * sizeof *g);
    basin_model_backward(o->m, w, o->r, g, NULL, NULL);
}

/* The R-operator's H·v of the same objective against central differences of exact gradients along v,
 * within 1e-7 of the largest entry (the differences' own error at step 2e-6 is about 1e-9). */
static void check_hvp(const basin_layer_desc *descs, size_t n, size_t c, size_t h, size_t w_, basin_mode mode)
{
    double *w;
    gsl_rng *rng;
    objective o = fixture(descs, n, c, h, w_, mode, 17, &w, &rng);
    basin_model *m = o.m;
    size_t out = B * m->out_features, dim = m->n_params;
    double *v = malloc(dim * sizeof *v), *hv = calloc(dim, sizeof *hv), *wp = malloc(dim * sizeof *wp),
           *gp = malloc(dim * sizeof *gp), *gm = malloc(dim * sizeof *gm), *zero = calloc(out, sizeof *zero);
    for (size_t i = 0; i < dim; i++)
        v[i] = gsl_ran_gaussian(rng, 1.0);
    value(&o, w);
    assert_true(kink_margin(m) > 1e-4); /* the differences below move inputs by about 2e-5 */
    assert_non_null(basin_model_forward_r(m, w, v));
    basin_model_backward_r(m, w, v, o.r, zero, NULL, hv);
    double step = 2e-6, scale = 0, worst = 0;
    for (size_t i = 0; i < dim; i++)
        wp[i] = w[i] + step * v[i];
    gradient(&o, wp, gp);
    for (size_t i = 0; i < dim; i++)
        wp[i] = w[i] - step * v[i];
    gradient(&o, wp, gm);
    for (size_t i = 0; i < dim; i++)
        scale = fmax(scale, fabs(hv[i]));
    for (size_t i = 0; i < dim; i++)
        worst = fmax(worst, fabs((gp[i] - gm[i]) / (2 * step) - hv[i]) / scale);
    print_message("    H·v of %zu parameters: worst difference %.1e of max |H·v| %.3g (%s)\n", dim, worst, scale,
                  mode_name(mode));
    assert_true(scale > 1e-3);
    assert_true(worst < 1e-7);
    free(v), free(hv), free(wp), free(gp), free(gm), free(zero);
    fixture_free(&o, w, rng);
}

#define LIN(o) {.kind = BASIN_LAYER_LINEAR, .out = (o)}
#define ACT(a) {.kind = BASIN_LAYER_ACTIVATION, .act = (a), .slope = 0.1}
#define CONV(o, k, s, p) {.kind = BASIN_LAYER_CONV2D, .out = (o), .kernel = (k), .stride = (s), .padding = (p)}

/* Every dense layer type, each fed by a Linear so its input gradient is checked through that Linear. */
static const basin_layer_desc dense[] = {
    LIN(5), {.kind = BASIN_LAYER_BATCHNORM}, ACT(BASIN_ACT_RELU), {.kind = BASIN_LAYER_DROPOUT, .p = 0.3},
    LIN(4), {.kind = BASIN_LAYER_LAYERNORM}, ACT(BASIN_ACT_TANH),
    LIN(4), ACT(BASIN_ACT_SIGMOID),
    LIN(3), ACT(BASIN_ACT_GELU),
    LIN(3), ACT(BASIN_ACT_LEAKY_RELU),
    LIN(2), ACT(BASIN_ACT_IDENTITY),
};

/* Convolutions with padding and stride, both poolings (overlapping average windows), BatchNorm2d. */
static const basin_layer_desc conv[] = {
    CONV(3, 3, 1, 1), {.kind = BASIN_LAYER_BATCHNORM}, ACT(BASIN_ACT_RELU),
    {.kind = BASIN_LAYER_MAXPOOL2D, .kernel = 2, .stride = 2},
    CONV(4, 2, 1, 0), ACT(BASIN_ACT_TANH),
    {.kind = BASIN_LAYER_AVGPOOL2D, .kernel = 2, .stride = 1},
    {.kind = BASIN_LAYER_FLATTEN}, LIN(3),
};

static const basin_layer_desc strided[] = {
    CONV(2, 3, 2, 0), ACT(BASIN_ACT_LEAKY_RELU), CONV(3, 3, 2, 1), {.kind = BASIN_LAYER_FLATTEN}, LIN(2),
};

static void test_dense_train(void **state)
{
    (void)state;
    check_model(dense, sizeof dense / sizeof *dense, 6, 1, 1, BASIN_MODE_TRAIN);
}

static void test_dense_eval(void **state)
{
    (void)state;
    check_model(dense, sizeof dense / sizeof *dense, 6, 1, 1, BASIN_MODE_EVAL);
}

static void test_conv_train(void **state)
{
    (void)state;
    check_model(conv, sizeof conv / sizeof *conv, 2, 7, 7, BASIN_MODE_TRAIN);
}

static void test_conv_eval(void **state)
{
    (void)state;
    check_model(conv, sizeof conv / sizeof *conv, 2, 7, 7, BASIN_MODE_EVAL);
}

static void test_strided(void **state)
{
    (void)state;
    check_model(strided, sizeof strided / sizeof *strided, 1, 9, 8, BASIN_MODE_TRAIN);
}

static void test_hvp(void **state)
{
    (void)state;
    for (int mode = 0; mode < 2; mode++) {
        check_hvp(dense, sizeof dense / sizeof *dense, 6, 1, 1, (basin_mode)mode);
        check_hvp(conv, sizeof conv / sizeof *conv, 2, 7, 7, (basin_mode)mode);
        check_hvp(strided, sizeof strided / sizeof *strided, 1, 9, 8, (basin_mode)mode);
    }
}

/* At the kinks the derivative is PyTorch's: relu'(0) = 0, leaky_relu'(0) = slope; maxpool sends a tie's
 * gradient to the first maximum. */
static void test_kinks(void **state)
{
    (void)state;
    double x[3] = {0.0, -0.0, 1.0}, y[3], d[3] = {1, 1, 1}, dx[3];
    activation_forward(y, x, 3, BASIN_ACT_RELU, 0);
    activation_backward(dx, d, x, y, 3, BASIN_ACT_RELU, 0);
    assert_close(dx[0], 0.0, 0), assert_close(dx[1], 0.0, 0), assert_close(dx[2], 1.0, 0);
    activation_forward(y, x, 3, BASIN_ACT_LEAKY_RELU, 0.2);
    activation_backward(dx, d, x, y, 3, BASIN_ACT_LEAKY_RELU, 0.2);
    assert_close(dx[0], 0.2, 0), assert_close(dx[2], 1.0, 0);
    double img[4] = {3, 3, 1, 3}, out[1], din[4], g[1] = {1};
    size_t argmax[1];
    maxpool2d_forward(out, argmax, img, 1, 1, 2, 2, 2, 2);
    maxpool2d_backward(din, g, argmax, 1, 1, 2, 2, 2, 2);
    assert_close(out[0], 3, 0);
    assert_close(din[0], 1, 0), assert_close(din[1], 0, 0), assert_close(din[3], 0, 0);
}

/* Max-pooling over planes with ties, NaNs and odd sizes (rows of 11 leave a tail after whole vectors)
 * against a scan written out here: in the window's row-major order, a later value leads when it is larger
 * or a NaN over a number (PyTorch: the first maximum takes a tie; a NaN wins and stays). */
static void test_maxpool_scan(void **state)
{
    (void)state;
    enum { PLANES = 3, H = 9, W = 11 };
    static const size_t windows[2][2] = {{2, 2}, {3, 2}};
    double img[PLANES * H * W], out[PLANES * H * W];
    size_t argmax[PLANES * H * W];
    for (size_t i = 0; i < PLANES * H * W; i++)
        img[i] = i % 17 == 5 ? NAN : (double)((i * 7919) % 13) - 6; /* few values: many ties */
    for (int c = 0; c < 2; c++) {
        size_t k = windows[c][0], s = windows[c][1], Ho = (H - k) / s + 1, Wo = (W - k) / s + 1;
        maxpool2d_forward(out, argmax, img, 1, PLANES, H, W, k, s);
        for (size_t p = 0; p < PLANES; p++)
            for (size_t oy = 0; oy < Ho; oy++)
                for (size_t ox = 0; ox < Wo; ox++) {
                    size_t lead = p * H * W + oy * s * W + ox * s;
                    for (size_t ky = 0; ky < k; ky++)
                        for (size_t kx = 0; kx < k; kx++) {
                            size_t at = p * H * W + (oy * s + ky) * W + ox * s + kx;
                            if (img[at] > img[lead] || (isnan(img[at]) && !isnan(img[lead])))
                                lead = at;
                        }
                    size_t o = (p * Ho + oy) * Wo + ox;
                    assert_int_equal(argmax[o], lead);
                    assert_true(isnan(img[lead]) ? isnan(out[o]) : out[o] == img[lead]);
                }
    }
}

#pragma push_macro("B")
#undef B /* the file's batch size: here B is conv_shape's field */
/* The unfolded input against its definition, cols[(c·k + ky)·k + kx][b·P + oy·Wo + ox] = inp[b][c][oy·s + ky
 * − pad][ox·s + kx − pad] or 0 outside, for kernels wider than the image, strides 1 to 3 and paddings 0
 * to 2; and col2im as its adjoint: ⟨col2im(d), x⟩ = ⟨d, im2col(x)⟩. */
static void test_im2col_definition(void **state)
{
    (void)state;
    enum { ROOM = 2 * 2 * 25 * 2 * 49 };
    static const size_t cases[][5] = {{3, 1, 1, 5, 4}, {3, 2, 1, 6, 7}, {5, 1, 2, 2, 3}, {1, 3, 0, 7, 5}, {3, 2, 0, 7, 7},
                                      {5, 3, 2, 6, 4}};
    double x[2 * 2 * 7 * 7], cols[ROOM], d[ROOM], back[2 * 2 * 7 * 7];
    for (size_t t = 0; t < sizeof cases / sizeof *cases; t++) {
        conv_shape s = {.B = 2, .C = 2, .k = cases[t][0], .stride = cases[t][1], .pad = cases[t][2], .H = cases[t][3],
                        .W = cases[t][4], .O = 1};
        s.Ho = (s.H + 2 * s.pad - s.k) / s.stride + 1, s.Wo = (s.W + 2 * s.pad - s.k) / s.stride + 1;
        size_t P = s.Ho * s.Wo, n = s.B * s.C * s.H * s.W, m = s.C * s.k * s.k * s.B * P;
        assert_true(m <= ROOM);
        for (size_t i = 0; i < n; i++)
            x[i] = sin(1.0 + (double)i);
        for (size_t i = 0; i < m; i++)
            d[i] = cos(2.0 + (double)i), cols[i] = NAN;
        conv2d_im2col(cols, x, &s);
        for (size_t c = 0; c < s.C; c++)
            for (size_t ky = 0; ky < s.k; ky++)
                for (size_t kx = 0; kx < s.k; kx++)
                    for (size_t b = 0; b < s.B; b++)
                        for (size_t oy = 0; oy < s.Ho; oy++)
                            for (size_t ox = 0; ox < s.Wo; ox++) {
                                long y = (long)(oy * s.stride + ky) - (long)s.pad, xx = (long)(ox * s.stride + kx) - (long)s.pad;
                                bool inside = y >= 0 && y < (long)s.H && xx >= 0 && xx < (long)s.W;
                                double want = inside ? x[((b * s.C + c) * s.H + (size_t)y) * s.W + (size_t)xx] : 0.0;
                                assert_true(cols[((c * s.k + ky) * s.k + kx) * s.B * P + b * P + oy * s.Wo + ox] == want);
                            }
        conv2d_col2im(back, d, &s);
        double lhs = 0, rhs = 0;
        for (size_t i = 0; i < n; i++)
            lhs += back[i] * x[i];
        for (size_t i = 0; i < m; i++)
            rhs += d[i] * cols[i];
        assert_close(lhs, rhs, 1e-12 * (1 + fabs(rhs)));
    }
}
#pragma pop_macro("B")

/* Losses against differences of themselves, and against closed forms at extreme logits. */
static void test_losses(void **state)
{
    (void)state;
    double z[6] = {0.3, -1.2, 2.0, 0.7, 0.1, -0.4}, t[6] = {1, 0, 0.5, -1, 2, 0}, dz[6], zp[6];
    int labels[2] = {2, 0}, bin[6] = {1, 0, 1, 1, 0, 0};
    for (int which = 0; which < 3; which++) {
        for (int j = 0; j < 6; j++) {
            double h = 1e-6, lp, lm;
            memcpy(zp, z, sizeof z);
            zp[j] += h;
            lp = which == 0 ? loss_cross_entropy(NULL, zp, labels, 2, 3)
                 : which == 1 ? loss_bce_logits(NULL, zp, bin, 6) : loss_mse(NULL, zp, t, 2, 3);
            zp[j] -= 2 * h;
            lm = which == 0 ? loss_cross_entropy(NULL, zp, labels, 2, 3)
                 : which == 1 ? loss_bce_logits(NULL, zp, bin, 6) : loss_mse(NULL, zp, t, 2, 3);
            if (which == 0)
                loss_cross_entropy(dz, z, labels, 2, 3);
            else if (which == 1)
                loss_bce_logits(dz, z, bin, 6);
            else
                loss_mse(dz, z, t, 2, 3);
            assert_close(dz[j], (lp - lm) / (2 * h), 1e-8);
        }
    }
    /* Stable for huge logits: log(1 + e^800) − 800·1 = 0 and log(1 + e^−800) = 0; softmax of ±1000. */
    double big[2] = {800, -800}, dbig[2];
    int ones[2] = {1, 0};
    assert_close(loss_bce_logits(dbig, big, ones, 2), 0.0, 1e-300);
    assert_close(dbig[0], 0.0, 1e-300);
    double wide[2] = {1000, -1000}, dwide[2];
    int second[1] = {1};
    assert_close(loss_cross_entropy(dwide, wide, second, 1, 2), 2000.0, 1e-9);
    assert_close(dwide[0], 1.0, 1e-15);
}

/* BatchNorm over flat features refuses a training batch of one example instead of dividing by zero. */
static void test_batchnorm_batch_of_one(void **state)
{
    (void)state;
    basin_layer_desc descs[] = {LIN(3), {.kind = BASIN_LAYER_BATCHNORM}};
    basin_model *m = basin_model_create(descs, 2, 2, 1, 1);
    double w[3 * 2 + 3 + 6] = {0}, x[2] = {1, 2};
    assert_null(basin_model_forward(m, w, x, 1, (basin_forward_opts){.mode = BASIN_MODE_TRAIN, .update_stats = true, .rng = NULL, .no_dropout = false}));
    assert_non_null(strstr(basin_error_message(), "more than 1 value per channel"));
    /* Eval mode is fine with one example. */
    assert_non_null(basin_model_forward(m, w, x, 1, (basin_forward_opts){.mode = BASIN_MODE_EVAL, .update_stats = false, .rng = NULL, .no_dropout = false}));
    basin_model_destroy(m);
}

/* Dropout: the kept fraction is 1 − p within sampling error, survivors are scaled by 1/(1 − p), and
 * eval mode passes values through. */
static void test_dropout(void **state)
{
    (void)state;
    enum { N = 200000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y), *mask = malloc(N * sizeof *mask);
    for (size_t i = 0; i < N; i++)
        x[i] = 1.0;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    dropout_forward(y, mask, x, N, 0.3, rng);
    size_t kept = 0;
    for (size_t i = 0; i < N; i++) {
        kept += y[i] != 0;
        assert_true(y[i] == 0 || fabs(y[i] - 1 / 0.7) < 1e-15);
    }
    double sd = sqrt(0.3 * 0.7 / N);
    assert_true(fabs((double)kept / N - 0.7) < 4 * sd);
    gsl_rng_free(rng);
    free(x), free(y), free(mask);
}

/* The vectorized tanh and sigmoid agree with libm within a few ulps over a wide range, and NaN passes. */
static void test_fastmath(void **state)
{
    (void)state;
    enum { N = 100003 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y), *s = malloc(N * sizeof *s);
    for (size_t i = 0; i < N; i++)
        x[i] = -40 + 80 * (double)i / (N - 1);
    x[0] = 1e-300, x[1] = -1e-12, x[2] = 0.0, x[3] = 0.1733, x[4] = NAN, x[5] = 710, x[6] = -710;
    basin_tanh_array(y, x, N);
    basin_sigmoid_array(s, x, N);
    double worst_t = 0, worst_s = 0;
    for (size_t i = 0; i < N; i++) {
        if (isnan(x[i])) {
            assert_true(isnan(y[i]) && isnan(s[i]));
            continue;
        }
        double t = tanh(x[i]), sg = 1 / (1 + exp(-x[i]));
        worst_t = fmax(worst_t, fabs(y[i] - t) / fmax(fabs(t), 1e-300));
        if (x[i] > -700)
            worst_s = fmax(worst_s, fabs(s[i] - sg) / sg);
    }
    print_message("    tanh worst relative error %.2e, sigmoid %.2e\n", worst_t, worst_s);
    assert_true(worst_t < 1e-15);
    assert_true(worst_s < 1e-15);
    free(x), free(y), free(s);
}

/* NaN goes through every activation as PyTorch lets it (torch.relu(nan) is nan: a NaN is never hidden). */
static void test_nan_propagates(void **state)
{
    (void)state;
    static const basin_activation acts[] = {BASIN_ACT_IDENTITY, BASIN_ACT_RELU, BASIN_ACT_LEAKY_RELU,
                                            BASIN_ACT_TANH, BASIN_ACT_SIGMOID, BASIN_ACT_GELU};
    for (size_t a = 0; a < sizeof acts / sizeof *acts; a++) {
        double in[8] = {NAN, -1, 2, NAN, 0, 3, -2, NAN}, out[8];
        activation_forward(out, in, 8, acts[a], 0.01);
        assert_true(isnan(out[0]) && isnan(out[3]) && isnan(out[7]));
        assert_true(!isnan(out[1]) && !isnan(out[2]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dense_train), cmocka_unit_test(test_dense_eval),
        cmocka_unit_test(test_conv_train),  cmocka_unit_test(test_conv_eval),
        cmocka_unit_test(test_strided),     cmocka_unit_test(test_hvp),
        cmocka_unit_test(test_kinks),
        cmocka_unit_test(test_losses),      cmocka_unit_test(test_batchnorm_batch_of_one),
        cmocka_unit_test(test_dropout),     cmocka_unit_test(test_fastmath),
        cmocka_unit_test(test_nan_propagates),
        cmocka_unit_test(test_maxpool_scan),
        cmocka_unit_test(test_im2col_definition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
