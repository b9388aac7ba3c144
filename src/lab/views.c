/* views.c: the table of views. */
#include "views.h"

#include <stdio.h>
#include <string.h>

static const basin_view_info views[BASIN_VIEW_COUNT] = {
    [BASIN_VIEW_CONTOUR] = {"contour", BASIN_LABS_SURFACE, true, false, {0}, "heatmap and contours of a 2-D surface with the trajectories"},
    [BASIN_VIEW_SURFACE] = {"surface", BASIN_LABS_SURFACE | BASIN_LABS_TRAINING, true, false, {.landscape = true},
                            "the surface (a training lab: the first run's landscape) as a lit 3-D mesh with the "
                            "trajectories (OpenGL)"},
    [BASIN_VIEW_LOSS] = {"loss", BASIN_LABS_SURFACE | BASIN_LABS_TRAINING, false, false, {0},
                         "loss (f − f* where known) against step, or train and test loss against epoch"},
    [BASIN_VIEW_LR] = {"lr", BASIN_LABS_SURFACE, false, false, {0}, "the learning rate of each step"},
    [BASIN_VIEW_ACCURACY] = {"accuracy", BASIN_LABS_TRAINING, false, false, {0}, "test accuracy against epoch"},
    [BASIN_VIEW_BOUNDARY] = {"boundary", BASIN_LABS_TRAINING, true, false, {.boundary = true},
                             "decision regions over 2-D classification data, a panel per run (up to 4)"},
    [BASIN_VIEW_LAYERS] = {"layers", BASIN_LABS_TRAINING, false, false, {.layers = true},
                           "activation and gradient variance of each hidden layer (dashed: at initialization)"},
    [BASIN_VIEW_SHARPNESS] = {"sharpness", BASIN_LABS_TRAINING, false, false, {0},
                              "λmax against the optimizer's stability limit (runs with track_sharpness)"},
    [BASIN_VIEW_SPECTRUM] = {"spectrum", BASIN_LABS_TRAINING, false, false, {.spectrum = true},
                             "the Hessian's spectral density at the epoch shown (stochastic Lanczos quadrature)"},
    [BASIN_VIEW_LANDSCAPE] = {"landscape", BASIN_LABS_TRAINING, true, false, {.landscape = true},
                              "each run's loss over the PCA plane of its trajectory, the trajectory on top"},
    [BASIN_VIEW_TIMELINE] = {"timeline", BASIN_LABS_TRAINING, true, true, {0},
                             "workers or stages of parallel runs over simulated time: compute, communication, idle"},
    [BASIN_VIEW_STALENESS] = {"staleness", BASIN_LABS_SURFACE | BASIN_LABS_TRAINING, false, false, {0},
                              "the share of steps applied with each staleness τ (parallel = async runs)"},
    [BASIN_VIEW_SCALING] = {"scaling", BASIN_LABS_SURFACE | BASIN_LABS_TRAINING, false, false, {0},
                            "loss against simulated time (runs with parallel =; others one gradient a unit)"},
    [BASIN_VIEW_NOISE] = {"noise", BASIN_LABS_TRAINING, false, false, {0},
                          "the gradient noise scale B_simple (the critical batch) of sync runs, dashed: the batch in use"},
    [BASIN_VIEW_SPLIT] = {"split", BASIN_LABS_TRAINING, true, true, {0},
                          "how tensor parallelism deals a run's Linear layers to its workers (parallel = tensor)"},
    [BASIN_VIEW_STEPS] = {"steps", BASIN_LABS_SURFACE, false, false, {0},
                          "each coordinate's step size against step: η/(√G + ε) for Adagrad, RMSProp and Adam, η for SGD "
                          "(solid x₀, dashed x₁)"},
    [BASIN_VIEW_WEIGHTS] = {"weights", BASIN_LABS_TRAINING, false, false, {0},
                            "a histogram of the Linear and Conv2d weights at the epoch shown, and the share within 10⁻³ of 0"},
    [BASIN_VIEW_AUGMENT] = {"augment", BASIN_LABS_TRAINING, false, true, {0},
                            "training images (left) beside draws of a run's augmentation (runs with augment =, images)"},
    [BASIN_VIEW_NORM] = {"norm", BASIN_LABS_TRAINING, false, false, {0}, "the norm ‖w‖ of the Linear and Conv2d weights against epoch"},
    [BASIN_VIEW_MODES] = {"modes", BASIN_LABS_SURFACE, false, false, {0},
                          "each run's error along each eigendirection of the Hessian at its minimum (steepest solid, "
                          "flattest dashed), beside gradient descent's |1 − ηλ|ˢ (dotted)"},
    [BASIN_VIEW_NEURONS] = {"neurons", BASIN_LABS_TRAINING, false, false, {0},
                            "the first layer's neurons as dots at their weights from the first two inputs (symmetry)"},
    [BASIN_VIEW_MEASURES] = {"measures", BASIN_LABS_TRAINING, false, false, {0},
                             "sharpness at the end by λmax, trace, ε-sharpness (ε = 10⁻³) and SAM's (ρ = 0.05), each "
                             "scaled to its sharpest run"},
};

const basin_view_info *basin_view_info_of(basin_view view)
{
    return &views[view];
}

const char *basin_view_name(basin_view view)
{
    return views[view].name;
}

int basin_view_find(const char *name)
{
    for (int i = 0; i < BASIN_VIEW_COUNT; i++)
        if (strcmp(views[i].name, name) == 0)
            return i;
    return -1;
}

void basin_view_names(basin_lab_kinds kind, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < BASIN_VIEW_COUNT && used < size; i++)
        if (views[i].labs & kind)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", views[i].name);
}
