/* measures_view.c: four sharpness measures side by side. */
#include "measures_view.h"

#include "lab/measures.h"

#include <math.h>
#include <stdio.h>

int basin_training_measures(cairo_t *cr, basin_rect r, const basin_lab *lab, const basin_theme *theme, size_t shown)
{
    (void)shown; /* the measures are of the final weights */
    double f = theme->font_size, largest[BASIN_MEASURES];
    for (int m = 0; m < BASIN_MEASURES; m++) {
        largest[m] = 0;
        for (size_t i = 0; i < lab->n_runs; i++)
            if (isfinite(lab->runs[i].measures[m]))
                largest[m] = fmax(largest[m], fabs(lab->runs[i].measures[m]));
    }
    basin_plot p = basin_plot_make(r, theme, 0, BASIN_MEASURES, false, 0, 1.18, false);
    p.area.h -= 1.2 * f; /* room for two-line measure names under the axis */
    basin_plot frame = p;
    frame.xmin = frame.xmax = 0; /* the x axis names groups instead of numbering them */
    basin_plot_axes(cr, &frame, theme, "sharpness at the end, each measure scaled to its largest", NULL,
                    "share of the largest", true);
    size_t n = lab->n_runs ? lab->n_runs : 1;
    for (int m = 0; m < BASIN_MEASURES; m++) {
        double group = 0.8 / (double)n;
        for (size_t i = 0; i < lab->n_runs; i++) {
            double v = lab->runs[i].measures[m];
            if (!isfinite(v) || largest[m] <= 0)
                continue;
            double x0 = basin_plot_x(&p, m + 0.1 + group * (double)i), x1 = basin_plot_x(&p, m + 0.1 + group * (double)(i + 1));
            double y0 = basin_plot_y(&p, 0), y1 = basin_plot_y(&p, fabs(v) / largest[m]);
            cairo_rectangle(cr, x0 + 0.05 * (x1 - x0), y1, 0.9 * (x1 - x0), y0 - y1);
            cairo_set_source_rgb(cr, lab->runs[i].color[0], lab->runs[i].color[1], lab->runs[i].color[2]);
            cairo_fill(cr);
            char value[32];
            snprintf(value, sizeof value, "%.2g", v);
            double size = fmin(0.75 * f, 0.75 * f * 0.9 * (x1 - x0) / fmax(basin_text_width(cr, theme, 0.75 * f, value), 1e-9));
            basin_text(cr, theme, size, theme->text, (x0 + x1) / 2, y1 - 0.2 * f, 0.5, 1, 0, value);
        }
        double left = basin_plot_x(&p, m + 0.04), right = basin_plot_x(&p, m + 0.96); /* a gap between names */
        basin_text_fit(cr, theme, 0.85 * f, theme->muted, (basin_rect){left, p.area.y + p.area.h + 0.2 * f, right - left, 2.4 * f},
                       basin_measure_name(m));
    }
    return 0;
}
