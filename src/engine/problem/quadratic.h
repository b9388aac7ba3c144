/* quadratic.h: f(x) = ½ (x−c)ᵀ H (x−c) with H = R diag(eig) Rᵀ, in 2-D (by angle) or N-D (random R). */
#ifndef BASIN_QUADRATIC_H
#define BASIN_QUADRATIC_H

#include "../registry.h"

extern const basin_entry basin_surface_quadratic;

#endif
