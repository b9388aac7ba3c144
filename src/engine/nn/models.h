/* models.h: the model families a spec names (mlp, cnn), built for a data set, and the loss the pair
 * trains with. */
#ifndef BASIN_NN_MODELS_H
#define BASIN_NN_MODELS_H

#include "../registry.h"
#include "dataset.h"
#include "model.h"

typedef enum {
    BASIN_LOSS_MSE,
    BASIN_LOSS_CROSS_ENTROPY,
    BASIN_LOSS_BCE,
} basin_loss;

/* A model with the loss it trains with. */
typedef struct basin_net {
    basin_model *model;
    basin_loss loss;
} basin_net;

extern const basin_entry basin_model_mlp, basin_model_cnn;

/* Builds the model an entry of kind BASIN_KIND_MODEL describes for data (its input shape, and its
 * classes or targets choosing the outputs and the loss unless the spec says loss=). Returns 0 with
 * net filled (the caller owns net->model), or -1 with a message naming the mismatch. */
int basin_net_create(const basin_entry *entry, const basin_params *params, const basin_dataset *data,
                     basin_net *net);

/* "mse", "cross_entropy", "bce". */
const char *basin_loss_name(basin_loss loss);

#endif
