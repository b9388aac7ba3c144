/* text_input.h: reading the text files Basin takes (lab files, window scripts) line by line, safely: a
 * path must be a regular file (or a FIFO where streaming makes sense), no line may be longer than its
 * buffer or hold a NUL byte, and a read error is an error, never an end of file. */
#ifndef BASIN_TEXT_INPUT_H
#define BASIN_TEXT_INPUT_H

#include <stdbool.h>
#include <stdio.h>

/* Opens path for reading: a regular file, or also a FIFO when fifo_ok. Returns the stream (the caller
 * closes it) or NULL with a message naming path (a folder, a device, a missing file). */
FILE *basin_text_open(const char *path, bool fifo_ok);

/* Reads the next line of f into buf (size bytes; the newline dropped). Returns 1, 0 at the end of f, or
 * -1 with a message "PATH:LINE: ..." (line is the line's number) for a line longer than size − 1
 * characters, a NUL byte, or a read error. */
int basin_text_line(FILE *f, char *buf, size_t size, const char *path, int line);

#endif
