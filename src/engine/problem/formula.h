/* formula.h: a surface typed as a formula (expr:f="..."), with its exact gradient and Hessian. */
#ifndef BASIN_FORMULA_H
#define BASIN_FORMULA_H

#include "../registry.h"

extern const basin_entry basin_surface_expr; /* f(x, y) or f(x0 … x15) from the formula given */

#endif
