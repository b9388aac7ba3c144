/* recorder.h: the window's `a`: what the window shows, frame by frame, recorded to an MP4 in the working
 * directory (a GIF, its palette made from the first frame, where the ffmpeg program is missing), written
 * whole or not at all. */
#ifndef BASIN_RECORDER_H
#define BASIN_RECORDER_H

#include "render/gif_writer.h"
#include "render/video_pipe.h"
#include "lab/output_file.h"

#include <cairo.h>
#include <stdbool.h>

typedef struct basin_recorder {
    bool on;                /* recording: every frame shown goes in */
    basin_video *video;     /* started by the first frame; NULL before it, or when writing a GIF */
    basin_gif *gif;
    basin_output_file out;
    bool open;              /* out holds the temporary file */
    char path[64];          /* basin-recording-YYYYmmdd-HHMMSS.mp4 (or .gif) */
    size_t frames;          /* written so far */
    int w, h;               /* the window's pixels when the recording began */
    double fps, start;      /* the video's rate; when the first frame was shown (seconds) */
} basin_recorder;

/* Starts recording at fps frames a second (the file opens with the first frame). Can't fail. */
void basin_recorder_start(basin_recorder *r, double fps);

/* Adds the frame shown at time now (seconds on any clock): written as often as the video's rate needs to
 * keep real time (a slow window repeats frames, a fast one skips some). The frame is cairo RGB24, the
 * window's pixels; an odd width or height loses its last column or row for H.264. Returns 0, or -1 with a
 * message (the recording is then abandoned and nothing is left); a frame of another size (the window was
 * resized) ends the recording there, whole, and returns 1. */
int basin_recorder_frame(basin_recorder *r, cairo_surface_t *frame, double now);

/* Ends the recording: the file appears whole. Returns 0, or -1 with a message (nothing is left). */
int basin_recorder_stop(basin_recorder *r);

#endif
