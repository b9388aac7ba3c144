/* linreg.h: least squares ½‖Xw−y‖²/N on a generated data set with two features of very different scale. */
#ifndef BASIN_LINREG_H
#define BASIN_LINREG_H

#include "../registry.h"

extern const basin_entry basin_surface_linreg;

#endif
