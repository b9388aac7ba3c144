/* video_pipe.h: MP4 (H.264, yuv420p, the index at the front) and WebM (VP9) through the ffmpeg program,
 * fed raw frames on a pipe as matplotlib's FFMpegWriter does: Basin does not link FFmpeg. Its options ask
 * for bit-exact output, so the same frames give the same bytes. */
#ifndef BASIN_VIDEO_PIPE_H
#define BASIN_VIDEO_PIPE_H

#include <stdbool.h>

typedef enum { BASIN_VIDEO_MP4, BASIN_VIDEO_WEBM } basin_video_format;

typedef struct basin_video basin_video;

/* Starts ffmpeg writing a video of w × h pixels at fps frames a second to path (which it overwrites).
 * Returns the pipe, or NULL with a message (ffmpeg missing: say how to get it). */
basin_video *basin_video_open(const char *path, basin_video_format format, int w, int h, double fps);

/* Sends a frame of cairo RGB24 pixels (rows stride bytes apart). Returns 0, or -1 with a message (ffmpeg
 * ended early: its own last line of error). */
int basin_video_frame(basin_video *v, const unsigned char *pixels, int stride);

/* Ends the input and waits for ffmpeg; with abort, stops it instead. Frees v. Returns 0 when ffmpeg wrote
 * the whole file, or -1 with a message. */
int basin_video_close(basin_video *v, bool abort);

#endif
