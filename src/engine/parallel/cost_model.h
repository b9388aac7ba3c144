/* cost_model.h: the simulated clock's costs, so that stragglers, bandwidth and bubbles are reproducible
 * on any machine. Time is counted in examples: one example through the whole model, forward and backward,
 * on a worker of speed 1 takes one unit (the forward pass a third of it, the backward pass two thirds;
 * a part of the model its share of the layers' work). On a surface, one gradient takes one unit. A
 * message of n values takes
 * latency + n / bandwidth (α + n/β); a ring all-reduce of n values among K workers 2(K−1) messages of
 * ⌈n/K⌉ values in sequence. */
#ifndef BASIN_COST_MODEL_H
#define BASIN_COST_MODEL_H

#include "../params.h"

#include <stddef.h>

typedef struct basin_cost_model {
    double latency;   /* α: time units per message */
    double bandwidth; /* β: values per time unit (0: unlimited) */
} basin_cost_model;

/* The registry keys every parallel mode takes for its cost model (latency=, bandwidth=). */
#define BASIN_COST_MODEL_KEYS                                                                                      \
    BASIN_REAL("latency", "0", 0, 1e9, "simulated time per message (a unit: one example's forward and backward)"),     \
        BASIN_REAL("bandwidth", "0", 0, 1e18, "values a message carries per simulated time unit (0: unlimited)")

/* The model a parsed spec's latency= and bandwidth= say. Can't fail. */
basin_cost_model basin_cost_model_from(const basin_params *params);

/* The time a message of n values takes. */
double basin_cost_message(const basin_cost_model *c, size_t n);

/* The time a ring all-reduce of n values among k workers takes (0 for one worker). */
double basin_cost_allreduce(const basin_cost_model *c, size_t n, int k);

#endif
