/* report.h: the curvature report of a point, as `basin analyze` prints it and a lab or the window can
 * ask for it: eigenvalues (all of the dense Hessian, the extreme ones by Lanczos, or PyHessian's power
 * iteration), λmax and λmin, the condition number or the negative eigenvalues' share, the trace (exact
 * or Hutchinson's), ε- or SAM sharpness, the spectral density, and the gradient noise scale. */
#ifndef BASIN_ANALYSIS_REPORT_H
#define BASIN_ANALYSIS_REPORT_H

#include "curvature.h"
#include "noise_scale.h"

typedef enum {
    BASIN_EIGS_ALL,    /* every eigenvalue of the dense Hessian */
    BASIN_EIGS_TOP,    /* the k largest by Lanczos (the smallest by a second run when asked: condition) */
    BASIN_EIGS_BOTTOM, /* the k smallest by Lanczos (the largest by a second run when asked: condition) */
    BASIN_EIGS_POWER,  /* the k largest in magnitude by PyHessian's power iteration */
} basin_eigs_mode;

typedef enum { BASIN_SHARPNESS_NONE, BASIN_SHARPNESS_EPSILON, BASIN_SHARPNESS_SAM } basin_sharpness_kind;

typedef struct basin_report_opts {
    basin_eigs_mode eigs;
    size_t k;                   /* eigenvalues wanted (all: the dimension) */
    bool trace, density;
    bool condition;             /* λmin beside λmax (and their ratio) when the eigenvalues asked for are one
                                   end: a second Lanczos run for the other (the density needs it too) */
    bool noise_scale;           /* B_simple from every per-example gradient */
    basin_sharpness_kind sharpness;
    double sharpness_param;     /* ε or ρ */
    size_t sharpness_starts;    /* ε-sharpness: L-BFGS-B starts */
    unsigned long seed;         /* the random probes' */
    const basin_share *share;   /* the dense Hessian's columns, Hutchinson's probes and SLQ's runs shared
                                   among ranks (the rest every rank computes whole); NULL: all here */
} basin_report_opts;

/* The spectral density's samples. */
#define BASIN_REPORT_DENSITY_POINTS 200

typedef struct basin_curvature_report {
    size_t n_params, n_eigs;
    double *eigs;                 /* n_eigs, ascending; owned */
    bool all;                     /* eigs is the whole spectrum */
    double lambda_max, lambda_min, trace, trace_stderr; /* NAN where not computed; stderr 0 when exact */
    double condition;             /* λmax/λmin when positive definite, else NAN */
    bool indefinite;
    double negative_mass;         /* the negative eigenvalues' share of Σ|λ| (whole spectrum only) */
    double sharpness;             /* NAN without one */
    basin_sharpness_result epsilon; /* ε-sharpness's iterations and starts */
    double *t, *density;          /* n_density each; owned */
    size_t n_density;
    basin_noise_scale noise;      /* b_simple NAN without it */
} basin_curvature_report;

/* Computes the report of p at w over all examples. Returns 0, or -1 with a message (too large, no memory,
 * a solver failing); r then holds what it has and must still be freed. */
int basin_curvature_report_compute(const basin_problem *p, const double *w, const basin_report_opts *o,
                                   basin_curvature_report *r);

/* Frees what r holds; a zeroed report is fine. */
void basin_curvature_report_free(basin_curvature_report *r);

#endif
