/* views.h: every view a lab can show, registered once: its name, the labs it suits, what a training lab
 * computes for it, whether it is a map (the layout gives maps the large panel) and a one-line doc. Lab
 * validation, figure layout, `basin list views` and help read this table; render draws each view by
 * its index (render/figure.c). */
#ifndef BASIN_LAB_VIEWS_H
#define BASIN_LAB_VIEWS_H

#include "net_trace.h"

#include <stdbool.h>

typedef enum {
    BASIN_VIEW_CONTOUR,   /* heatmap and contours of a 2-D surface with the trajectories */
    BASIN_VIEW_SURFACE,   /* the same as a lit 3-D mesh (drawn with OpenGL) */
    BASIN_VIEW_LOSS,      /* loss (or f − f*) against step or epoch, log axis */
    BASIN_VIEW_LR,        /* learning rate against step */
    BASIN_VIEW_ACCURACY,  /* a training lab's test accuracy against epoch */
    BASIN_VIEW_BOUNDARY,  /* a training lab's decision regions over 2-D data, one panel per run (up to 4) */
    BASIN_VIEW_LAYERS,    /* a training lab's activation and gradient variance by layer */
    BASIN_VIEW_SHARPNESS, /* a training lab's λmax against its stability limit (runs with track_sharpness) */
    BASIN_VIEW_SPECTRUM,  /* a training lab's Hessian spectral density at the frame shown (SLQ) */
    BASIN_VIEW_LANDSCAPE, /* a training lab's loss over the PCA plane of its trajectory, trajectory on top */
    BASIN_VIEW_TIMELINE,  /* a parallel training run's workers or stages over simulated time */
    BASIN_VIEW_STALENESS, /* the share of steps applied with each staleness (async runs) */
    BASIN_VIEW_SCALING,   /* loss against simulated time (parallel runs) */
    BASIN_VIEW_NOISE,     /* the gradient noise scale of sync runs beside the batch in use */
    BASIN_VIEW_SPLIT,     /* Megatron's split of a tensor-parallel run's model, drawn */
    BASIN_VIEW_STEPS,     /* each coordinate's step size (η/√G for adaptive optimizers) against step */
    BASIN_VIEW_WEIGHTS,   /* a training lab's histogram of Linear and Conv2d weights at the frame shown */
    BASIN_VIEW_AUGMENT,   /* a training lab's images beside draws of each run's augmentation */
    BASIN_VIEW_NORM,      /* a training lab's norm of its Linear and Conv2d weights against epoch */
    BASIN_VIEW_MEASURES,  /* a training lab's sharpness at the end by four measures, run beside run */
    BASIN_VIEW_MODES,     /* a surface run's error along each Hessian eigendirection against step */
    BASIN_VIEW_NEURONS,   /* a training lab's first-layer neurons as dots at their first two weights */
    BASIN_VIEW_COUNT,
} basin_view;

typedef enum { BASIN_LABS_SURFACE = 1, BASIN_LABS_TRAINING = 2 } basin_lab_kinds;

typedef struct basin_view_info {
    const char *name;
    unsigned labs;                 /* basin_lab_kinds it suits */
    bool map;                      /* a square map: first in a figure, it takes the large left panel */
    bool uncoloured;               /* draws nothing in the runs' colours: alone, a figure needs no legend */
    basin_net_trace_wants needs;    /* what training records for it */
    const char *doc;
} basin_view_info;

/* The table entry of a view. Can't fail. */
const basin_view_info *basin_view_info_of(basin_view view);

/* A view's name; the view of a name, or -1. */
const char *basin_view_name(basin_view view);
int basin_view_find(const char *name);

/* Writes "a, b, c": the views that suit a kind of lab, for messages and help. */
void basin_view_names(basin_lab_kinds kind, char *buf, size_t size);

#endif
