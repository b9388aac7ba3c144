/* init.c: the initializers, one function per torch.nn.init routine, applied to each weight tensor. */
#include "init.h"

#include "../error.h"

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef enum {
    INIT_DEFAULT,
    INIT_CONSTANT,
    INIT_ZEROS,
    INIT_UNIFORM,
    INIT_NORMAL,
    INIT_XAVIER_UNIFORM,
    INIT_XAVIER_NORMAL,
    INIT_KAIMING_UNIFORM,
    INIT_KAIMING_NORMAL,
    INIT_ORTHOGONAL,
} init_kind;

#define NONLINEARITIES "leaky_relu|relu|tanh|sigmoid|linear|identity|conv2d|selu"

double basin_init_gain(const char *nl, double a)
{
    if (!strcmp(nl, "linear") || !strcmp(nl, "identity") || !strcmp(nl, "conv2d") || !strcmp(nl, "sigmoid"))
        return 1.0;
    if (!strcmp(nl, "tanh"))
        return 5.0 / 3.0;
    if (!strcmp(nl, "relu"))
        return sqrt(2.0);
    if (!strcmp(nl, "leaky_relu"))
        return sqrt(2.0 / (1.0 + a * a));
    if (!strcmp(nl, "selu"))
        return 0.75;
    return NAN;
}

/* The nonlinearity a CHOICE key names, as text. */
static const char *choice_text(const basin_params *p, const char *key, char *buf, size_t size)
{
    int index = basin_params_choice(p, key);
    const char *s = NONLINEARITIES;
    for (int i = 0; i < index; i++)
        s = strchr(s, '|') + 1;
    size_t len = strcspn(s, "|");
    snprintf(buf, size, "%.*s", (int)len, s);
    return buf;
}

/* torch.nn.init.orthogonal_: QR of a Gaussian matrix (rows × cols, transposed when wide), the sign of
 * R's diagonal folded into Q, times gain. */
static int orthogonal(double *t, size_t rows, size_t cols, double gain, gsl_rng *rng)
{
    bool wide = rows < cols;
    size_t r = wide ? cols : rows, c = wide ? rows : cols;
    gsl_matrix *a = gsl_matrix_alloc(r, c), *q = gsl_matrix_alloc(r, r), *rr = gsl_matrix_alloc(r, c);
    gsl_vector *tau = gsl_vector_alloc(c);
    int rc = -1;
    if (a && q && rr && tau) {
        for (size_t i = 0; i < r * c; i++)
            a->data[i] = gsl_ran_gaussian(rng, 1.0);
        if (gsl_linalg_QR_decomp(a, tau) == 0 && gsl_linalg_QR_unpack(a, tau, q, rr) == 0) {
            for (size_t i = 0; i < r; i++)
                for (size_t j = 0; j < c; j++) {
                    double d = gsl_matrix_get(rr, j, j), v = gsl_matrix_get(q, i, j) * (d < 0 ? -1.0 : 1.0);
                    if (wide)
                        t[j * cols + i] = gain * v;
                    else
                        t[i * cols + j] = gain * v;
                }
            rc = 0;
        }
    }
    if (rc != 0)
        basin_error_set("orthogonal: no memory for a %zu×%zu QR", r, c);
    gsl_vector_free(tau), gsl_matrix_free(rr), gsl_matrix_free(q), gsl_matrix_free(a);
    return rc;
}

/* The gain an xavier entry uses: nonlinearity= when given, else gain=. */
static int xavier_gain(const basin_entry *e, const basin_params *p, double *gain)
{
    char nl[32];
    if (basin_params_given(p, "nonlinearity") && basin_params_given(p, "gain")) {
        basin_error_set("%s: give gain= or nonlinearity=, not both", e->name);
        return -1;
    }
    *gain = basin_params_given(p, "nonlinearity")
                ? basin_init_gain(choice_text(p, "nonlinearity", nl, sizeof nl), 0.01)
                : basin_params_real(p, "gain");
    return 0;
}

static int init_weight(const basin_entry *e, const basin_params *p, double *t, size_t n, size_t fan_in,
                       size_t fan_out, size_t rows, gsl_rng *rng)
{
    init_kind kind = *(const init_kind *)e->impl;
    double gain = 1, lo = 0, hi = 0, sd = 0;
    bool uniform = false;
    switch (kind) {
    case INIT_DEFAULT: /* kaiming_uniform_(a=√5): bound = 1/√fan_in */
        uniform = true, hi = 1.0 / sqrt((double)fan_in), lo = -hi;
        break;
    case INIT_CONSTANT:
    case INIT_ZEROS: {
        double v = kind == INIT_CONSTANT ? basin_params_real(p, "val") : 0.0;
        for (size_t i = 0; i < n; i++)
            t[i] = v;
        return 0;
    }
    case INIT_UNIFORM:
        uniform = true, lo = basin_params_real(p, "a"), hi = basin_params_real(p, "b");
        if (lo > hi) {
            basin_error_set("uniform: a=%g is above b=%g", lo, hi);
            return -1;
        }
        break;
    case INIT_NORMAL:
        sd = basin_params_real(p, "std");
        break;
    case INIT_XAVIER_UNIFORM:
    case INIT_XAVIER_NORMAL:
        if (xavier_gain(e, p, &gain) != 0)
            return -1;
        sd = gain * sqrt(2.0 / (double)(fan_in + fan_out));
        uniform = kind == INIT_XAVIER_UNIFORM, hi = sqrt(3.0) * sd, lo = -hi;
        break;
    case INIT_KAIMING_UNIFORM:
    case INIT_KAIMING_NORMAL: {
        char nl[32];
        gain = basin_init_gain(choice_text(p, "nonlinearity", nl, sizeof nl), basin_params_real(p, "a"));
        size_t fan = basin_params_choice(p, "mode") == 0 ? fan_in : fan_out;
        sd = gain / sqrt((double)fan);
        uniform = kind == INIT_KAIMING_UNIFORM, hi = sqrt(3.0) * sd, lo = -hi;
        break;
    }
    case INIT_ORTHOGONAL:
        return orthogonal(t, rows, n / rows, basin_params_real(p, "gain"), rng);
    }
    double mean = kind == INIT_NORMAL ? basin_params_real(p, "mean") : 0.0;
    for (size_t i = 0; i < n; i++)
        t[i] = uniform ? lo + (hi - lo) * gsl_rng_uniform(rng) : mean + gsl_ran_gaussian(rng, sd);
    return 0;
}

int basin_init_apply(const basin_entry *entry, const basin_params *params, const basin_model *m, double *w,
                     gsl_rng *rng)
{
    BASIN_ASSERT(entry->kind == BASIN_KIND_INIT);
    bool torch_default = *(const init_kind *)entry->impl == INIT_DEFAULT;
    for (size_t i = 0; i < m->n_layers; i++) {
        const basin_layer *l = &m->layers[i];
        size_t fan_in, fan_out;
        basin_layer_fans(l, &fan_in, &fan_out);
        if (l->ops->role == BASIN_LAYER_ROLE_WEIGHTED) {
            if (init_weight(entry, params, w + l->weight, l->n_weight, fan_in, fan_out, l->out_c, rng) != 0)
                return -1;
            double bound = torch_default ? 1.0 / sqrt((double)fan_in) : 0.0;
            for (size_t j = 0; j < l->n_bias; j++)
                w[l->bias + j] = torch_default ? -bound + 2 * bound * gsl_rng_uniform(rng) : 0.0;
        } else if (l->ops->role == BASIN_LAYER_ROLE_AFFINE) {
            for (size_t j = 0; j < l->n_weight; j++)
                w[l->weight + j] = 1.0, w[l->bias + j] = 0.0;
        }
    }
    return 0;
}

#define ENTRY(id, kind_value, nm, doc, specs)                                                  \
    static const init_kind id##_kind = kind_value;                                             \
    const basin_entry basin_init_##id = {BASIN_KIND_INIT, nm, doc, specs, &id##_kind, {NULL}}

static const basin_param_spec no_specs[] = {BASIN_PARAMS_END};
static const basin_param_spec constant_specs[] = {
    BASIN_REAL("val", NULL, -BASIN_INF, BASIN_INF, "the value of every weight"), BASIN_PARAMS_END};
static const basin_param_spec uniform_specs[] = {
    BASIN_REAL("a", "0", -BASIN_INF, BASIN_INF, "lower bound"),
    BASIN_REAL("b", "1", -BASIN_INF, BASIN_INF, "upper bound"), BASIN_PARAMS_END};
static const basin_param_spec normal_specs[] = {
    BASIN_REAL("mean", "0", -BASIN_INF, BASIN_INF, "mean of the weights"),
    BASIN_REAL("std", "1", 0, BASIN_INF, "standard deviation of the weights"), BASIN_PARAMS_END};
static const basin_param_spec xavier_specs[] = {
    BASIN_REAL("gain", "1", 0, BASIN_INF, "scaling factor"),
    BASIN_CHOICE("nonlinearity", "", NONLINEARITIES, "use calculate_gain(nonlinearity) as the gain"),
    BASIN_PARAMS_END};
static const basin_param_spec kaiming_specs[] = {
    BASIN_REAL("a", "0", 0, BASIN_INF, "negative slope of the leaky_relu that follows"),
    BASIN_CHOICE("mode", "fan_in", "fan_in|fan_out", "keep the variance of activations (fan_in) or gradients"),
    BASIN_CHOICE("nonlinearity", "leaky_relu", NONLINEARITIES, "the nonlinearity whose gain is used"),
    BASIN_PARAMS_END};
static const basin_param_spec orthogonal_specs[] = {
    BASIN_REAL("gain", "1", 0, BASIN_INF, "scaling factor"), BASIN_PARAMS_END};

ENTRY(default, INIT_DEFAULT, "default",
      "what PyTorch's Linear and Conv2d do: weight and bias U(±1/√fan_in)", no_specs);
ENTRY(constant, INIT_CONSTANT, "constant", "every weight the same value (biases zero)", constant_specs);
ENTRY(zeros, INIT_ZEROS, "zeros", "every weight zero", no_specs);
ENTRY(uniform, INIT_UNIFORM, "uniform", "weights U(a, b)", uniform_specs);
ENTRY(normal, INIT_NORMAL, "normal", "weights N(mean, std²)", normal_specs);
ENTRY(xavier_uniform, INIT_XAVIER_UNIFORM, "xavier_uniform",
      "Glorot: U(±gain·√(6/(fan_in+fan_out)))", xavier_specs);
ENTRY(xavier_normal, INIT_XAVIER_NORMAL, "xavier_normal", "Glorot: N(0, gain²·2/(fan_in+fan_out))",
      xavier_specs);
ENTRY(kaiming_uniform, INIT_KAIMING_UNIFORM, "kaiming_uniform", "He: U(±gain·√(3/fan))", kaiming_specs);
ENTRY(kaiming_normal, INIT_KAIMING_NORMAL, "kaiming_normal", "He: N(0, gain²/fan)", kaiming_specs);
ENTRY(orthogonal, INIT_ORTHOGONAL, "orthogonal", "a (semi-)orthogonal matrix times gain (Saxe et al.)",
      orthogonal_specs);
