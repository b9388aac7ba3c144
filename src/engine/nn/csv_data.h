/* csv_data.h: a data set read from a CSV file (plain or gzip-compressed). */
#ifndef BASIN_CSV_DATA_H
#define BASIN_CSV_DATA_H

#include "dataset.h"

typedef struct basin_csv_config {
    const char *path;
    const char *label; /* last, first, an index from 0, or a header's name */
    int header;        /* 0 auto (a first row with a word in it), 1 a header, 2 none */
    int task;          /* 0 auto, 1 classification, 2 regression */
    size_t shape[3];   /* C, H, W of an image; zeros: points */
    const char *name;  /* the data set's name (static) */
} basin_csv_config;

/* Reads the examples of c->path, before any split: features as written, classes numbered in the sorted
 * order of the distinct labels. Returns the data set (owned by the caller) or NULL with one line naming
 * the file, and the line and column where there is one: a ragged row, a field that is not a number, an
 * empty file, a label column that does not exist, a single class, a file too large for memory. */
basin_dataset *basin_csv_dataset(const basin_csv_config *c);

#endif
