/* gif_writer.h: an animated GIF through giflib: one global palette made from the figure's own colours, a
 * loop forever, and each frame after the first written as the rectangle where it differs from the one
 * before, its unchanged pixels transparent (the frame before shows through, and long runs of one index
 * compress well). */
#ifndef BASIN_GIF_WRITER_H
#define BASIN_GIF_WRITER_H

#include "palette.h"

#include <stdio.h>

typedef struct basin_gif basin_gif;

/* Starts a GIF of w × h pixels on stream (which the caller owns and closes) with palette p (moved in:
 * the writer frees it). Returns the writer, or NULL with a message. */
basin_gif *basin_gif_open(FILE *stream, int w, int h, basin_palette *p);

/* Adds a frame of cairo RGB24 pixels (rows stride bytes apart) shown for delay_cs centiseconds (at least
 * 2: browsers slow shorter delays down to 10). Returns 0, or -1 with a message. */
int basin_gif_frame(basin_gif *g, const unsigned char *pixels, int stride, int delay_cs);

/* Ends the file and frees g (also after a failure). Returns 0, or -1 with a message. */
int basin_gif_close(basin_gif *g);

#endif
