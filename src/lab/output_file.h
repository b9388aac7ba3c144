/* output_file.h: writing a file so that it appears complete or not at all: the data goes to a temporary
 * file beside the target, renamed over it only when everything was written. "-" means stdout; a path
 * that is not a regular file (/dev/null, a FIFO) is written directly. */
#ifndef BASIN_OUTPUT_FILE_H
#define BASIN_OUTPUT_FILE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct basin_output_file {
    FILE *stream;     /* write here */
    char *path;       /* the target, owned (NULL for stdout) */
    char *temp_path;  /* owned */
    bool direct;      /* writing straight to a device or FIFO */
} basin_output_file;

/* Opens a temporary file beside path (or stdout for "-"). Returns 0, or -1 with a message naming path. */
int basin_output_open(basin_output_file *f, const char *path, FILE *stdout_stream);

/* Flushes, closes and renames the temporary file onto the target. Returns 0, or -1 with a message (the
 * temporary file is removed and the target left as it was). Frees f's memory either way. */
int basin_output_commit(basin_output_file *f);

/* Closes and removes the temporary file, leaving the target as it was. Frees f's memory. */
void basin_output_abort(basin_output_file *f);

#endif
