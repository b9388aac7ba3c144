/* weights.h: a model's tensors in a folder, one NumPy file per state_dict key (0.weight.npy,
 * 1.running_mean.npy, ...), so PyTorch's load_state_dict can take them. */
#ifndef BASIN_WEIGHTS_H
#define BASIN_WEIGHTS_H

#include "engine/nn/model.h"

/* What saved weights are of: the model spec, and the data spec and seed the data set was drawn with
 * (model.txt, "model = ...", "data = ...", "seed = ..."), so that a later command evaluates the weights on
 * the same examples. */
typedef struct basin_weights_info {
    char model[1024], data[1024];
    unsigned long seed;
} basin_weights_info;

/* Writes every tensor of m (parameters from w, state from m->state) into dir (created if missing) and
 * dir/model.txt from info. Returns 0, or -1 with a message. */
int basin_weights_save(const char *dir, const basin_model *m, const double *w, const basin_weights_info *info);

/* Reads dir/model.txt into info. Returns 0; 1 when dir has no model.txt or it names no data set and seed
 * (weights saved by hand or by an older Basin); -1 with a message naming the file when it cannot be read. */
int basin_weights_read_info(const char *dir, basin_weights_info *info);

/* Writes the parameter tensors of params (weights, a gradient or a direction shaped like them) into dir
 * (created if missing), named as the weights are. Returns 0, or -1 with a message. */
int basin_weights_save_params(const char *dir, const basin_model *m, const double *params);

/* Reads dir's parameter tensors into params (state tensors, if there, are ignored), checking names and
 * shapes. Returns 0, or -1 with a message naming the file. */
int basin_weights_load_params(const char *dir, const basin_model *m, double *params);

/* Writes the parameter tensors of g (a gradient shaped like the parameters) and loss.npy into dir.
 * Returns 0, or -1 with a message. */
int basin_weights_save_grad(const char *dir, const basin_model *m, const double *g, double loss);

/* Reads dir's tensors into w and m->state, checking that every tensor is there with m's shape and that
 * dir holds no tensor m lacks. Returns 0, or -1 with a message naming the file. */
int basin_weights_load(const char *dir, basin_model *m, double *w);

#endif
