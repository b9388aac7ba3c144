/* panel.h: the window's control column, built each frame with the immediate-mode UI: the runs (select,
 * add one of every optimizer, remove), the selected run's optimizer keys as sliders and check boxes (lr on
 * a log scale), the surface, and the curvature where the selected run stands: the Hessian's eigenvalues,
 * κ, and λmax beside the optimizer's stability limit. Changes become lab overrides. */
#ifndef BASIN_PANEL_H
#define BASIN_PANEL_H

#include "state.h"

/* Declares the panel for lab in the column (x, y, w) of cr and applies what the user did. */
void basin_panel_run(basin_app *app, cairo_t *cr, const basin_lab *lab, double x, double y, double w);

/* Draws the Hessian's eigen-directions at the selected run's current point on the contour view. */
void basin_panel_draw_directions(basin_app *app, cairo_t *cr, const basin_lab *lab);

#endif
