/* subject.c: data set, model and starting weights, for the command line and lab files alike. */
#include "subject.h"

#include "weights.h"

#include "engine/error.h"
#include "engine/nn/init.h"
#include "engine/nn/train.h"

#include <stdlib.h>

basin_dataset *basin_subject_data(const basin_spec *data, const char *load, unsigned long seed,
                                  unsigned long *data_seed)
{
    basin_weights_info info;
    int recorded = load ? basin_weights_read_info(load, &info) : 1;
    if (recorded < 0)
        return NULL;
    *data_seed = recorded == 0 ? info.seed : seed;
    return basin_dataset_create(data->entry, &data->params, *data_seed);
}

basin_subject_status basin_subject_net(const basin_dataset *data, const basin_spec *model, const basin_spec *init,
                                       const char *load, unsigned long seed, basin_net_problem **np, double **w)
{
    *np = NULL, *w = NULL;
    basin_net net;
    if (basin_net_create(model->entry, &model->params, data, &net) != 0)
        return BASIN_SUBJECT_BAD_INPUT;
    basin_net_problem *p = basin_net_problem_create(net, data, basin_train_seed(seed, BASIN_STREAM_NET));
    double *weights = p ? calloc(p->base.dim + 1, sizeof *weights) : NULL;
    gsl_rng *rng = weights && !load ? gsl_rng_alloc(gsl_rng_mt19937) : NULL;
    if (!p || !weights || (!load && !rng)) {
        if (p)
            basin_error_set("out of memory for %zu parameters", p->base.dim);
        basin_problem_destroy(p ? &p->base : NULL);
        free(weights);
        return BASIN_SUBJECT_NO_MEMORY;
    }
    int rc;
    if (load) {
        rc = basin_weights_load(load, p->net.model, weights);
    } else {
        gsl_rng_set(rng, basin_train_seed(seed, BASIN_STREAM_INIT));
        rc = basin_init_apply(init->entry, &init->params, p->net.model, weights, rng);
        gsl_rng_free(rng);
    }
    if (rc != 0) {
        basin_problem_destroy(&p->base);
        free(weights);
        return BASIN_SUBJECT_BAD_INPUT;
    }
    *np = p, *w = weights;
    return BASIN_SUBJECT_OK;
}
