/* subject.h: what a network command or a training run looks at: a data set, a model on it as a problem,
 * and its starting weights (initialized from a seed's init stream, or loaded from saved weights, whose
 * data set is drawn with the seed their model.txt records). The command line and lab files assemble it
 * here, in one place. */
#ifndef BASIN_LAB_SUBJECT_H
#define BASIN_LAB_SUBJECT_H

#include "engine/nn/net_problem.h"
#include "engine/spec.h"

/* The data set of spec, drawn with the seed saved weights in load record (when load is non-NULL and
 * records one) or else seed; *data_seed receives the seed used. Returns it (owned by the caller) or NULL
 * with a message (bad keys, a missing or corrupt asset or model.txt). */
basin_dataset *basin_subject_data(const basin_spec *data, const char *load, unsigned long seed,
                                  unsigned long *data_seed);

/* Why building a subject failed: the user's input, or the machine (memory). */
typedef enum { BASIN_SUBJECT_OK, BASIN_SUBJECT_BAD_INPUT, BASIN_SUBJECT_NO_MEMORY } basin_subject_status;

/* The model of spec on data (which must outlive it) as a problem with random streams from seed, into
 * *np, and its starting weights into *w (both owned by the caller): loaded from load when non-NULL, else
 * drawn by init from seed's init stream. Returns BASIN_SUBJECT_OK, or another
 * status with a message and nothing to free. */
basin_subject_status basin_subject_net(const basin_dataset *data, const basin_spec *model, const basin_spec *init,
                                       const char *load, unsigned long seed, basin_net_problem **np, double **w);

#endif
