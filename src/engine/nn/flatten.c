/* flatten.c: nn.Flatten, (C, H, W) per example seen as C·H·W features: it moves no value, so its passes
 * hand their input on. */
#include "layer_kind.h"

static const char *flatten_name(const basin_layer *l)
{
    (void)l;
    return "Flatten";
}

static int flatten_shape(basin_layer *l, size_t index)
{
    (void)index;
    l->out_c = basin_layer_inputs(l), l->out_h = l->out_w = 1;
    return 0;
}

static bool flatten_reserve(basin_layer *l, size_t B, size_t *cols)
{
    (void)l, (void)B, (void)cols;
    return true;
}

static const double *flatten_fwd(basin_model *m, basin_layer *l, size_t index, const double *w, const double *x,
                                 size_t B, const basin_forward_opts *o)
{
    (void)m, (void)l, (void)index, (void)w, (void)B, (void)o;
    return x;
}

static bool flatten_bwd(const basin_model *m, basin_layer *l, const double *w, const double *dy, double *dx,
                        double *g, size_t B)
{
    (void)m, (void)l, (void)w, (void)dy, (void)dx, (void)g, (void)B;
    return true;
}

static const double *flatten_fwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v,
                                   const double *rin, size_t B)
{
    (void)m, (void)l, (void)w, (void)v, (void)B;
    return rin;
}

static bool flatten_bwd_r(const basin_model *m, basin_layer *l, const double *w, const double *v, size_t B,
                          const double *dy, const double *rdy, double *dx, double *rdx, double *g, double *hv)
{
    (void)m, (void)l, (void)w, (void)v, (void)B, (void)dy, (void)rdy, (void)dx, (void)rdx, (void)g, (void)hv;
    return true;
}

const basin_layer_ops basin_flatten_ops = {
    .role = BASIN_LAYER_ROLE_NONE, .torch_name = flatten_name, .shape = flatten_shape, .reserve = flatten_reserve,
    .forward = flatten_fwd, .backward = flatten_bwd, .forward_r = flatten_fwd_r, .backward_r = flatten_bwd_r};
