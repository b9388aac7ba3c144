/* output_file.h: writing files and folders so that they appear complete or not at all: the data goes to
 * a temporary file (or folder) beside the target, renamed over it only when everything was written, and
 * removed on failure or on SIGINT, SIGTERM and SIGHUP. "-" means stdout; an existing path that is not a
 * regular file (/dev/null, a FIFO, a terminal: decided by stat, not by name) is written directly. */
#ifndef BASIN_OUTPUT_FILE_H
#define BASIN_OUTPUT_FILE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct basin_output_file {
    FILE *stream;     /* write here */
    char *path;       /* the target, owned (NULL for stdout) */
    char *temp_path;  /* owned */
    bool direct;      /* writing straight to a device or FIFO */
    int slot;         /* in the list of temporaries a signal removes (-1: none) */
} basin_output_file;

/* Opens a temporary file beside path (or stdout for "-"). Returns 0, or -1 with a message naming path. */
int basin_output_open(basin_output_file *f, const char *path, FILE *stdout_stream);

/* Flushes, closes and renames the temporary file onto the target. Returns 0, or -1 with a message (the
 * temporary file is removed and the target left as it was). Frees f's memory either way. */
int basin_output_commit(basin_output_file *f);

/* Closes and removes the temporary file, leaving the target as it was. Frees f's memory. */
void basin_output_abort(basin_output_file *f);

/* The same after a failure: the current message gains path in front ("PATH: what failed"). Returns -1. */
int basin_output_fail(basin_output_file *f, const char *path);

/* Checks before any work that path can be written as a file (folder false) or a folder: not empty, not
 * a folder where a file is wanted (or the reverse), in a folder that exists and is writable. "-" is a
 * file (stdout). Returns 0, or -1 with a message naming option and path. */
int basin_output_check(const char *option, const char *path, bool folder);

/* A folder written whole or not at all: its files go into a temporary folder beside it, renamed onto it
 * (replacing an older folder of that name) on commit. */
typedef struct basin_output_dir {
    char *path, *temp_path; /* owned */
    int slot, files[128];   /* in the list of temporaries a signal removes */
    size_t n_files;
} basin_output_dir;

/* Creates the temporary folder (and path's missing parents). Returns 0, or -1 with a message naming path. */
int basin_output_dir_open(basin_output_dir *d, const char *path);

/* The path of a file name inside the temporary folder, into buf (size bytes), registered so that a
 * signal removes it. Returns buf. */
const char *basin_output_dir_file(basin_output_dir *d, const char *name, char *buf, size_t size);

/* Renames the temporary folder onto the target. Returns 0, or -1 with a message (the temporary folder is
 * removed). Frees d's memory either way. */
int basin_output_dir_commit(basin_output_dir *d);

/* Removes the temporary folder and what it holds. Frees d's memory. */
void basin_output_dir_abort(basin_output_dir *d);

/* A set of files in one folder written whole or not at all (the frames of an animation): they go into a
 * temporary folder inside it, moved into it on commit (replacing files of the same names). */
typedef struct basin_output_set {
    char *dir, *temp_dir; /* owned */
    int slot;             /* in the list of temporaries a signal removes */
} basin_output_set;

/* Creates dir (and its missing parents) and the temporary folder in it. Returns 0, or -1 with a message. */
int basin_output_set_open(basin_output_set *set, const char *dir);

/* The path file name will have until commit, into buf (size bytes). Returns buf. */
const char *basin_output_set_file(const basin_output_set *set, const char *name, char *buf, size_t size);

/* Moves every file into the folder and removes the temporary one. Returns 0, or -1 with a message. Frees
 * set's memory either way. */
int basin_output_set_commit(basin_output_set *set);

/* Removes the temporary folder and what it holds. Frees set's memory. */
void basin_output_set_abort(basin_output_set *set);

/* Installs handlers for SIGINT, SIGTERM and SIGHUP that remove every temporary file and folder still
 * open, then end the process as the signal would have (for programs: the CLI and the window). */
void basin_output_remove_on_signals(void);

#endif
