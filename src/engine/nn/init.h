/* init.h: initializers with torch.nn.init's semantics: fans as PyTorch computes them (conv too) and
 * gains as calculate_gain. An initializer sets every Linear and Conv2d weight; biases start at zero
 * except under `default` (what Linear and Conv2d do when constructed: U(±1/√fan_in) for both);
 * normalization layers start at γ = 1, β = 0. */
#ifndef BASIN_NN_INIT_H
#define BASIN_NN_INIT_H

#include "../registry.h"
#include "model.h"

#include <gsl/gsl_rng.h>

extern const basin_entry basin_init_default, basin_init_constant, basin_init_zeros, basin_init_uniform,
    basin_init_normal, basin_init_xavier_uniform, basin_init_xavier_normal, basin_init_kaiming_uniform,
    basin_init_kaiming_normal, basin_init_orthogonal;

/* Initializes the parameters w (length m->n_params) of m as entry (kind BASIN_KIND_INIT) says, layer by
 * layer in order, drawing from rng. Returns 0, or -1 with a message (bad key combinations, no memory
 * for orthogonal's QR). */
int basin_init_apply(const basin_entry *entry, const basin_params *params, const basin_model *m, double *w,
                     gsl_rng *rng);

/* torch.nn.init.calculate_gain for a nonlinearity name and leaky_relu's slope a; NAN for an unknown
 * name. */
double basin_init_gain(const char *nonlinearity, double a);

#endif
