/* datasets.h: the registry entries of the built-in data sets. */
#ifndef BASIN_NN_DATASETS_H
#define BASIN_NN_DATASETS_H

#include "../registry.h"

extern const basin_entry basin_data_spirals, basin_data_moons, basin_data_circles, basin_data_blobs,
    basin_data_xor, basin_data_linreg, basin_data_digits, basin_data_csv;

#endif
