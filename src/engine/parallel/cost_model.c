/* cost_model.c: message and all-reduce times on the simulated clock. */
#include "cost_model.h"

basin_cost_model basin_cost_model_from(const basin_params *params)
{
    return (basin_cost_model){basin_params_real(params, "latency"), basin_params_real(params, "bandwidth")};
}

double basin_cost_message(const basin_cost_model *c, size_t n)
{
    return c->latency + (c->bandwidth > 0 ? (double)n / c->bandwidth : 0);
}

double basin_cost_allreduce(const basin_cost_model *c, size_t n, int k)
{
    size_t chunk = (n + (size_t)k - 1) / (size_t)k;
    return k > 1 ? 2.0 * (k - 1) * basin_cost_message(c, chunk) : 0;
}
