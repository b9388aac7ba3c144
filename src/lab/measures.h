/* measures.h: the sharpness of a trained network by four measures of the literature, for the measures
 * view: λmax of the Hessian, its trace, Keskar et al.'s ε-sharpness and SAM's first-order sharpness. */
#ifndef BASIN_LAB_MEASURES_H
#define BASIN_LAB_MEASURES_H

#include "net_trace.h"

enum { BASIN_MEASURE_LAMBDA_MAX, BASIN_MEASURE_TRACE, BASIN_MEASURE_EPSILON, BASIN_MEASURE_SAM, BASIN_MEASURES };

#define BASIN_MEASURE_EPSILON_BOX 1e-3 /* ε of the ε-sharpness box (Keskar et al.'s) */
#define BASIN_MEASURE_SAM_RHO 0.05     /* ρ of SAM's step (Foret et al.'s default) */
#define BASIN_MEASURE_DENSE_MAX 2000   /* parameters up to which the whole spectrum is computed */

/* The four measures at t's last frame, over the whole training split in eval mode (as basin analyze
 * computes them): λmax and the trace from the dense spectrum up to BASIN_MEASURE_DENSE_MAX parameters
 * (else Lanczos and Hutchinson's estimate), the ε-sharpness (4 L-BFGS-B starts) and SAM's L(w + ρg/‖g‖) − L(w). Returns 0, or -1
 * with a message. */
int basin_sharpness_measures(const basin_net_trace *t, double out[BASIN_MEASURES]);

/* The measure's name as a figure labels it. */
const char *basin_measure_name(int measure);

#endif
