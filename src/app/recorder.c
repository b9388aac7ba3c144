/* recorder.c: frames read back from the window handed to ffmpeg (or giflib) as they are shown. */
#include "recorder.h"

#include "engine/error.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void basin_recorder_start(basin_recorder *r, double fps)
{
    *r = (basin_recorder){.on = true, .fps = fps};
}

static void abandon(basin_recorder *r)
{
    if (r->video)
        basin_video_close(r->video, true);
    if (r->gif)
        basin_gif_close(r->gif);
    if (r->open)
        basin_output_abort(&r->out);
    *r = (basin_recorder){0};
}

/* Opens the file for frames of w × h: an MP4, or a GIF with the first frame's palette without ffmpeg. */
static int begin(basin_recorder *r, cairo_surface_t *first, int w, int h)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm local;
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &local));
    snprintf(r->path, sizeof r->path, "basin-recording-%s.mp4", stamp);
    if (basin_output_open(&r->out, r->path, stdout) != 0)
        return -1;
    r->open = true;
    r->video = basin_video_open(r->out.temp_path, BASIN_VIDEO_MP4, w & ~1, h & ~1, r->fps);
    if (r->video)
        return 0;
    if (!strstr(basin_error_message(), "not installed"))
        return -1;
    basin_output_abort(&r->out); /* no ffmpeg: a GIF */
    r->open = false;
    snprintf(r->path, sizeof r->path, "basin-recording-%s.gif", stamp);
    if (basin_output_open(&r->out, r->path, stdout) != 0)
        return -1;
    r->open = true;
    basin_palette palette;
    const unsigned char *pixels = cairo_image_surface_get_data(first);
    if (basin_palette_make(&palette, &pixels, 1, w, h, cairo_image_surface_get_stride(first)) != 0)
        return -1;
    r->gif = basin_gif_open(r->out.stream, w, h, &palette);
    return r->gif ? 0 : -1;
}

int basin_recorder_frame(basin_recorder *r, cairo_surface_t *frame, double now)
{
    cairo_surface_flush(frame);
    int w = cairo_image_surface_get_width(frame), h = cairo_image_surface_get_height(frame);
    if (r->frames == 0) {
        if (begin(r, frame, w, h) != 0) {
            abandon(r);
            return -1;
        }
        r->start = now, r->w = w, r->h = h;
    } else if (w != r->w || h != r->h) { /* a video keeps one size: what was recorded is kept */
        return basin_recorder_stop(r) == 0 ? 1 : -1;
    }
    const unsigned char *pixels = cairo_image_surface_get_data(frame);
    int stride = cairo_image_surface_get_stride(frame);
    size_t due = 1 + (size_t)((now - r->start) * r->fps); /* frames the video should hold by now */
    for (int rc = 0; r->frames < due || r->frames == 0; r->frames++) {
        rc = r->video ? basin_video_frame(r->video, pixels, stride)
                      : basin_gif_frame(r->gif, pixels, stride, (int)(100 / r->fps + 0.5));
        if (rc != 0) {
            abandon(r);
            return -1;
        }
    }
    return 0;
}

int basin_recorder_stop(basin_recorder *r)
{
    int rc = 0;
    if (r->video)
        rc = basin_video_close(r->video, false);
    if (r->gif)
        rc = basin_gif_close(r->gif) != 0 ? -1 : rc;
    r->video = NULL, r->gif = NULL;
    if (r->open)
        rc = rc == 0 ? basin_output_commit(&r->out) : (basin_output_abort(&r->out), -1);
    r->open = false, r->on = false;
    return rc;
}
