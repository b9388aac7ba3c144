/* dropout.c: inverted dropout: in training each value is zeroed with probability p and the survivors
 * are scaled by 1/(1−p), so eval needs no rescaling. */
#include "layers.h"
#include "layer_kind.h"

#include "../error.h"

void dropout_forward(double *out, double *mask, const double *inp, size_t n, double p, gsl_rng *rng)
{
    double keep = p < 1 ? 1.0 / (1.0 - p) : 0.0;
    for (size_t i = 0; i < n; i++) {
        mask[i] = gsl_rng_uniform(rng) < p ? 0.0 : keep;
        out[i] = inp[i] * mask[i];
    }
}

void dropout_backward(double *dinp, const double *dout, const double *mask, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dinp[i] = dout[i] * mask[i];
}

/* The same over B examples of n values each, unit u of row b kept or not by the draw keyed by (key,
 * layer, the row's example, u): the same mask for an example whichever worker's batch holds it. */
static void keyed_dropout(double *out, double *mask, const double *inp, size_t B, size_t n, double p,
                          const basin_draw_key *key, size_t layer)
{
    double keep = p < 1 ? 1.0 / (1.0 - p) : 0.0;
    for (size_t b = 0; b < B; b++) {
        uint64_t bits = basin_keyed_bits(key, layer, b);
        for (size_t u = 0; u < n; u++) {
            mask[b * n + u] = basin_keyed_uniform(bits, u) < p ? 0.0 : keep;
            out[b * n + u] = inp[b * n + u] * mask[b * n + u];
        }
    }
}

/* ---- the Dropout kind: it acts only when the forward applied it (training, p > 0, dropout on) ---- */

static const char *dropout_name(const basin_layer *l)
{
    (void)l;
    return "Dropout";
}

static bool dropout_reserve(basin_layer *l, size_t B, size_t *cols)
{
    (void)cols;
    size_t n = B * basin_layer_outputs(l);
    return (l->out = basin_workspace(n)) && (l->mask = basin_workspace(n));
}

static const double *dropout_fwd(basin_model *m, basin_layer *l, size_t index, const double *w, const double *x,
                                 size_t B, const basin_forward_opts *o)
{
    (void)index, (void)w;
    if (!m->dropout || l->d.p <= 0)
        return x;
    if (o->key) {
        keyed_dropout(l->out, l->mask, x, B, basin_layer_inputs(l), l->d.p, o->key, index);
        return l->out;
    }
    BASIN_ASSERT(o->rng);
    dropout_forward(l->out, l->mask, x, B * basin_layer_inputs(l), l->d.p, o->rng);
    return l->out;
}

static bool dropout_bwd(const basin_model *m, basin_layer *l, const double *w, const double *dy, double *dx,
                        double *g, size_t B)
{
    (void)w, (void)g;
    if (!m->dropout || l->d.p <= 0)
        return true;
    if (dx)
        dropout_backward(dx, dy, l->mask, B * basin_layer_inputs(l));
    return false;
}

static const double *dropout_fwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v,
                                   const double *rin, size_t B)
{
    (void)w, (void)v;
    if (!rin || !m->dropout || l->d.p <= 0)
        return rin;
    for (size_t k = 0; k < B * basin_layer_inputs(l); k++)
        l->rout[k] = rin[k] * l->mask[k];
    return l->rout;
}

static bool dropout_bwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v, size_t B,
                          const double *dy, const double *rdy, double *dx, double *rdx, double *g, double *hv)
{
    (void)w, (void)v, (void)g, (void)hv;
    if (!m->dropout || l->d.p <= 0)
        return true;
    for (size_t k = 0; dx && k < B * basin_layer_inputs(l); k++)
        dx[k] = dy[k] * l->mask[k];
    for (size_t k = 0; rdx && k < B * basin_layer_inputs(l); k++)
        rdx[k] = rdy[k] * l->mask[k];
    return false;
}

const basin_layer_ops basin_dropout_ops = {
    .role = BASIN_LAYER_ROLE_NONE, .torch_name = dropout_name, .shape = basin_shape_same,
    .reserve = dropout_reserve, .forward = dropout_fwd, .backward = dropout_bwd, .forward_r = dropout_fwd_r,
    .backward_r = dropout_bwd_r};
