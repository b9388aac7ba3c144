/* measures.c: four sharpness measures of a trained network. */
#include "measures.h"

#include "engine/analysis/report.h"

#include <math.h>

int basin_sharpness_measures(const basin_net_trace *t, double out[BASIN_MEASURES])
{
    basin_net_view view;
    const basin_problem *p = basin_net_view_init(&view, t->np, BASIN_EVAL_EVAL);
    const double *w = t->w + (t->len - 1) * t->dim;
    bool dense = t->dim <= BASIN_MEASURE_DENSE_MAX; /* then λmax and the trace are exact */
    basin_report_opts curvature = {.eigs = dense ? BASIN_EIGS_ALL : BASIN_EIGS_TOP, .k = dense ? t->dim : 1,
                                   .trace = true, .sharpness = BASIN_SHARPNESS_EPSILON,
                                   .sharpness_param = BASIN_MEASURE_EPSILON_BOX, .sharpness_starts = 4};
    basin_curvature_report r = {0};
    int rc = basin_curvature_report_compute(p, w, &curvature, &r);
    out[BASIN_MEASURE_LAMBDA_MAX] = r.lambda_max;
    out[BASIN_MEASURE_TRACE] = r.trace;
    out[BASIN_MEASURE_EPSILON] = r.sharpness;
    basin_curvature_report_free(&r);
    if (rc != 0)
        return -1;
    out[BASIN_MEASURE_SAM] = basin_sam_sharpness(p, w, BASIN_FULL_BATCH, BASIN_MEASURE_SAM_RHO);
    return isnan(out[BASIN_MEASURE_SAM]) ? -1 : 0;
}

const char *basin_measure_name(int measure)
{
    static const char *const names[BASIN_MEASURES] = {"λmax", "trace", "ε-sharpness (ε = 10⁻³)", "SAM (ρ = 0.05)"};
    return names[measure];
}
