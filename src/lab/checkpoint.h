/* checkpoint.h: a long grid's checkpoint, beside its output: every finished point appended as it comes (a
 * line of text, flushed), so that a killed job resumes without computing them again. A key made of the
 * grid's size, range, origin and directions keeps a checkpoint from resuming another grid. */
#ifndef BASIN_LAB_CHECKPOINT_H
#define BASIN_LAB_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct basin_checkpoint {
    FILE *f;
    char *path;   /* owned */
    bool failed;  /* a point could not be written (the grid goes on; resuming would redo it) */
} basin_checkpoint;

/* The key of a grid × grid (or grid for 1-D) landscape over range at origin + a·d1 + b·d2 (n values;
 * d2 may be NULL). Can't fail. */
uint64_t basin_grid_key(const double *origin, const double *d1, const double *d2, size_t n, size_t grid,
                        const double range[2]);

/* Opens the checkpoint at path for total points under key. With resume, an existing one is read first:
 * its points go into loss, accuracy and done (*loaded counts them; a last line cut short by a kill is
 * left out) and later points are added after them; without, it starts empty. Returns 0, or -1 with a
 * message (a checkpoint of another grid, a file that cannot be read or written). */
int basin_checkpoint_open(basin_checkpoint *c, const char *path, uint64_t key, size_t total, bool resume,
                          double *loss, double *accuracy, bool *done, size_t *loaded);

/* Appends a finished point. Can't fail (a write that fails marks c->failed). */
void basin_checkpoint_add(basin_checkpoint *c, size_t point, double loss, double accuracy);

/* Closes c; remove deletes the file (the grid is complete and its output written). */
void basin_checkpoint_close(basin_checkpoint *c, bool remove);

#endif
