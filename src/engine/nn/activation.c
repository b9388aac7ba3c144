/* activation.c: elementwise activations. tanh and sigmoid run through a vectorizable tanh (libm's
 * scalar tanh costs more than the matrix products of a small network); GELU is PyTorch's exact
 * erf form. */
#include "layers.h"
#include "layer_kind.h"

#include "fastmath.h"

#include <math.h>

void activation_forward(double *out, const double *inp, size_t n, basin_activation act, double slope)
{
    switch (act) {
    case BASIN_ACT_IDENTITY:
        for (size_t i = 0; i < n; i++)
            out[i] = inp[i];
        break;
    case BASIN_ACT_RELU:
        for (size_t i = 0; i < n; i++) /* NaN stays NaN, as torch.relu keeps it */
            out[i] = inp[i] < 0 ? 0.0 : inp[i];
        break;
    case BASIN_ACT_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) {
            double x = inp[i];
            out[i] = x > 0 ? x : x * slope;
        }
        break;
    case BASIN_ACT_TANH:
        basin_tanh_array(out, inp, n);
        break;
    case BASIN_ACT_SIGMOID:
        basin_sigmoid_array(out, inp, n);
        break;
    case BASIN_ACT_GELU:
        for (size_t i = 0; i < n; i++)
            out[i] = 0.5 * inp[i] * (1.0 + erf(inp[i] * M_SQRT1_2));
        break;
    }
}

void activation_backward(double *dinp, const double *dout, const double *inp, const double *out, size_t n,
                         basin_activation act, double slope)
{
    switch (act) {
    case BASIN_ACT_IDENTITY:
        for (size_t i = 0; i < n; i++)
            dinp[i] = dout[i];
        break;
    case BASIN_ACT_RELU: /* loads outside the conditionals, so the loops vectorize */
        for (size_t i = 0; i < n; i++) {
            double d = dout[i];
            dinp[i] = inp[i] > 0 ? d : 0.0;
        }
        break;
    case BASIN_ACT_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) {
            double d = dout[i];
            dinp[i] = inp[i] > 0 ? d : d * slope;
        }
        break;
    case BASIN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            dinp[i] = dout[i] * (1.0 - out[i] * out[i]);
        break;
    case BASIN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            dinp[i] = dout[i] * out[i] * (1.0 - out[i]);
        break;
    case BASIN_ACT_GELU:
        for (size_t i = 0; i < n; i++) {
            double x = inp[i];
            double cdf = 0.5 * (1.0 + erf(x * M_SQRT1_2));
            double pdf = exp(-0.5 * x * x) * (0.5 * M_2_SQRTPI * M_SQRT1_2);
            dinp[i] = dout[i] * (cdf + x * pdf);
        }
        break;
    }
}

/* ---- the activation kind (one kind, the function in the description) ---- */

static const char *activation_name(const basin_layer *l)
{
    static const char *const names[] = {
        [BASIN_ACT_IDENTITY] = "Identity", [BASIN_ACT_RELU] = "ReLU", [BASIN_ACT_LEAKY_RELU] = "LeakyReLU",
        [BASIN_ACT_TANH] = "Tanh",         [BASIN_ACT_SIGMOID] = "Sigmoid", [BASIN_ACT_GELU] = "GELU",
    };
    return names[l->d.act];
}

static const double *activation_fwd(basin_model *m, basin_layer *l, size_t index, const double *w,
                                    const double *x, size_t B, const basin_forward_opts *o)
{
    (void)m, (void)index, (void)w, (void)o;
    if (l->d.act == BASIN_ACT_IDENTITY)
        return x;
    activation_forward(l->out, x, B * basin_layer_inputs(l), l->d.act, l->d.slope);
    return l->out;
}

static bool activation_bwd(const basin_model *m, basin_layer *l, const double *w, const double *dy, double *dx,
                           double *g, size_t B)
{
    (void)m, (void)w, (void)g;
    if (l->d.act == BASIN_ACT_IDENTITY)
        return true;
    if (dx)
        activation_backward(dx, dy, l->in, l->y, B * basin_layer_inputs(l), l->d.act, l->d.slope);
    return false;
}

/* σ'(x) into s1 and σ''(x) into s2 for n inputs x with outputs y, each activation in a loop of its own
 * so that the loops vectorize. σ'' is zero for the piecewise-linear ones (their kinks have measure
 * zero); at a kink σ' is PyTorch's (relu'(0) = 0, leaky_relu'(0) = slope). */
static void derivatives(basin_activation act, const double *x, const double *y, size_t n, double leak, double *s1,
                        double *s2)
{
    switch (act) {
    case BASIN_ACT_IDENTITY:
        for (size_t i = 0; i < n; i++)
            s1[i] = 1, s2[i] = 0;
        break;
    case BASIN_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            s1[i] = x[i] > 0 ? 1.0 : 0.0, s2[i] = 0;
        break;
    case BASIN_ACT_LEAKY_RELU:
        for (size_t i = 0; i < n; i++)
            s1[i] = x[i] > 0 ? 1.0 : leak, s2[i] = 0;
        break;
    case BASIN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            s1[i] = 1 - y[i] * y[i], s2[i] = -2 * y[i] * (1 - y[i] * y[i]);
        break;
    case BASIN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            s1[i] = y[i] * (1 - y[i]), s2[i] = y[i] * (1 - y[i]) * (1 - 2 * y[i]);
        break;
    case BASIN_ACT_GELU:
        for (size_t i = 0; i < n; i++) {
            double pdf = exp(-0.5 * x[i] * x[i]) * (0.5 * M_2_SQRTPI * M_SQRT1_2);
            s1[i] = 0.5 * (1 + erf(x[i] * M_SQRT1_2)) + x[i] * pdf;
            s2[i] = pdf * (2 - x[i] * x[i]);
        }
        break;
    }
}

/* σ' then σ'' of each input, for the backward */
static bool activation_reserve_r(basin_layer *l, size_t B)
{
    return (l->rxhat = basin_workspace(2 * B * basin_layer_inputs(l))) != NULL;
}

static const double *activation_fwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v,
                                      const double *rin, size_t B)
{
    (void)w, (void)v;
    if (l->d.act == BASIN_ACT_IDENTITY)
        return rin;
    size_t n = B * basin_layer_inputs(l);
    double *s1 = l->rxhat, *s2 = l->rxhat + n;
    if (l->r_pass != m->passes) { /* once per forward pass: products at fixed weights share them */
        derivatives(l->d.act, l->in, l->y, n, l->d.slope, s1, s2);
        l->r_pass = m->passes;
    }
    if (!rin)
        return NULL;
    for (size_t k = 0; k < n; k++)
        l->rout[k] = s1[k] * rin[k];
    return l->rout;
}

/* dx = dy·σ';  R{dx} = R{dy}·σ' + dy·σ''·R{x} (σ', σ'' kept by the tangent forward) */
static bool activation_bwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v, size_t B,
                             const double *dy, const double *rdy, double *dx, double *rdx, double *g, double *hv)
{
    (void)m, (void)w, (void)v, (void)g, (void)hv;
    if (l->d.act == BASIN_ACT_IDENTITY)
        return true;
    size_t n = B * basin_layer_inputs(l);
    const double *s1 = l->rxhat, *s2 = l->rxhat + n, *rin = l->rin;
    /* piecewise linear (ReLU, leaky ReLU): σ'' = 0, and the second term vanishes */
    bool curved = rin && l->d.act != BASIN_ACT_RELU && l->d.act != BASIN_ACT_LEAKY_RELU;
    for (size_t k = 0; dx && k < n; k++)
        dx[k] = dy[k] * s1[k];
    for (size_t k = 0; rdx && k < n; k++)
        rdx[k] = rdy[k] * s1[k] + (curved ? dy[k] * s2[k] * rin[k] : 0);
    return false;
}

const basin_layer_ops basin_activation_ops = {
    .role = BASIN_LAYER_ROLE_NONE, .torch_name = activation_name, .shape = basin_shape_same,
    .reserve = basin_reserve_out, .forward = activation_fwd, .backward = activation_bwd,
    .reserve_r = activation_reserve_r, .forward_r = activation_fwd_r, .backward_r = activation_bwd_r};
