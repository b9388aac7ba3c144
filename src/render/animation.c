/* animation.c: the frames drawn one by one on one image surface with one figure cache (the contour
 * backdrop is sampled once), handed to giflib, to ffmpeg, or written as files of their own. */
#include "animation.h"

#include "lab/output_file.h"

#include "gif_writer.h"
#include "output_file.h"
#include "video_pipe.h"

#include "engine/error.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PALETTE_SAMPLES 8 /* frames a GIF's palette is made from, first and last among them */

basin_animation_options basin_animation_defaults(void)
{
    return (basin_animation_options){.fps = 30, .duration = 0, .every = 1, .hold = 1};
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

int basin_animation_format_of(const char *path, basin_animation_format *format)
{
    const char *percent = strchr(path, '%');
    if (percent) {
        const char *c = percent + 1;
        while (*c == '0')
            c++;
        while (isdigit((unsigned char)*c))
            c++;
        if (*c != 'd' || strchr(c, '%') || strchr(c, '/')) {
            basin_error_set("'%s': a numbered sequence of frames takes one %%d in the file's name (such as "
                            "frames/%%04d.png) and no other %%",
                            path);
            return -1;
        }
        if (!ends_with(path, ".png") && !ends_with(path, ".svg") && !ends_with(path, ".pdf")) {
            basin_error_set("'%s': frames of a sequence are .png, .svg or .pdf files", path);
            return -1;
        }
        *format = BASIN_ANIMATION_FRAMES;
        return 1;
    }
    if (ends_with(path, ".gif"))
        return *format = BASIN_ANIMATION_GIF, 1;
    if (ends_with(path, ".mp4"))
        return *format = BASIN_ANIMATION_MP4, 1;
    if (ends_with(path, ".webm"))
        return *format = BASIN_ANIMATION_WEBM, 1;
    return 0;
}

size_t basin_animation_plan(size_t total, const basin_animation_options *a, size_t *shown)
{
    if (total <= 1) {
        if (shown)
            shown[0] = 1;
        return 1;
    }
    size_t n;
    if (a->duration > 0) { /* that many frames, spread evenly from the first to the last */
        double want = fmax(2, round(a->duration * a->fps));
        n = want < (double)total ? (size_t)want : total;
        for (size_t i = 0; shown && i < n; i++)
            shown[i] = 1 + (size_t)llround((double)i * (double)(total - 1) / (double)(n - 1));
        return n;
    }
    size_t every = a->every ? a->every : 1;
    n = 0;
    for (size_t s = 1; s <= total; s += every)
        if (shown)
            shown[n++] = s;
        else
            n++;
    if ((total - 1) % every != 0) { /* the last frame always */
        if (shown)
            shown[n] = total;
        n++;
    }
    return n;
}

/* What draws the frames: one surface, one cache. */
typedef struct frame_painter {
    const basin_lab *lab;
    const basin_figure_options *o;
    cairo_surface_t *surface;
    cairo_t *cr;
    double scale, w, h;
    basin_figure_cache cache;
} frame_painter;

static int painter_init(frame_painter *p, const basin_lab *lab, const basin_figure_options *o)
{
    *p = (frame_painter){.lab = lab, .o = o, .scale = o->dpi / 72.0};
    p->w = o->width / p->scale, p->h = o->height / p->scale;
    p->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, o->width, o->height);
    p->cr = cairo_create(p->surface);
    if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
        basin_error_set("cannot draw a %d×%d frame: %s", o->width, o->height, cairo_status_to_string(cairo_status(p->cr)));
        cairo_destroy(p->cr);
        cairo_surface_destroy(p->surface);
        return -1;
    }
    cairo_scale(p->cr, p->scale, p->scale);
    return 0;
}

/* Draws the frame showing shown rows; returns its pixels (valid until the next frame), or NULL. */
static const unsigned char *painter_draw(frame_painter *p, size_t shown)
{
    cairo_save(p->cr);
    int rc = basin_figure_draw_live(p->cr, p->w, p->h, p->scale, p->lab, p->o, shown, &p->cache);
    cairo_restore(p->cr);
    if (rc != 0)
        return NULL;
    if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
        basin_error_set("cannot draw a frame: %s", cairo_status_to_string(cairo_status(p->cr)));
        return NULL;
    }
    cairo_surface_flush(p->surface);
    return cairo_image_surface_get_data(p->surface);
}

static void painter_free(frame_painter *p)
{
    basin_figure_cache_free(&p->cache);
    cairo_destroy(p->cr);
    cairo_surface_destroy(p->surface);
}

static void report(const basin_animation_options *a, size_t done, size_t total)
{
    if (a->progress)
        a->progress(done, total, a->progress_user);
}

/* The palette of a few of the frames, evenly spread. */
static int gif_palette(frame_painter *p, const size_t *shown, size_t n, basin_palette *palette)
{
    int stride = cairo_image_surface_get_stride(p->surface);
    size_t samples = n < PALETTE_SAMPLES ? n : PALETTE_SAMPLES, bytes = (size_t)p->o->height * (size_t)stride;
    unsigned char *copies[PALETTE_SAMPLES] = {NULL};
    int rc = 0;
    for (size_t i = 0; i < samples && rc == 0; i++) {
        size_t k = samples == 1 ? 0 : i * (n - 1) / (samples - 1);
        const unsigned char *pixels = painter_draw(p, shown[k]);
        if (!pixels || !(copies[i] = malloc(bytes))) {
            if (pixels)
                basin_error_set("out of memory for a GIF palette");
            rc = -1;
            break;
        }
        memcpy(copies[i], pixels, bytes);
    }
    if (rc == 0)
        rc = basin_palette_make(palette, (const unsigned char *const *)copies, samples, p->o->width, p->o->height, stride);
    for (size_t i = 0; i < samples; i++)
        free(copies[i]);
    return rc;
}

/* Centiseconds frame i of n stays: 1/fps on average (rounding carried over), at least 2, and the hold on
 * the last. */
static int gif_delay(const basin_animation_options *a, size_t i, size_t n)
{
    long at = lround(100.0 * (double)i / a->fps), next = lround(100.0 * (double)(i + 1) / a->fps);
    long delay = next - at;
    if (i + 1 == n)
        delay += lround(100 * a->hold);
    return (int)(delay < 2 ? 2 : delay > 65535 ? 65535 : delay);
}

static int write_gif(frame_painter *p, const basin_animation_options *a, const size_t *shown, size_t n, FILE *stream)
{
    basin_palette palette;
    if (gif_palette(p, shown, n, &palette) != 0)
        return -1;
    basin_gif *gif = basin_gif_open(stream, p->o->width, p->o->height, &palette);
    if (!gif)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const unsigned char *pixels = painter_draw(p, shown[i]);
        rc = pixels ? basin_gif_frame(gif, pixels, cairo_image_surface_get_stride(p->surface), gif_delay(a, i, n)) : -1;
        report(a, i + 1, n);
    }
    if (basin_gif_close(gif) != 0)
        rc = -1;
    return rc;
}

static int write_video(frame_painter *p, const basin_animation_options *a, const size_t *shown, size_t n,
                       basin_video_format format, const char *path)
{
    basin_video *video = basin_video_open(path, format, p->o->width, p->o->height, a->fps);
    if (!video)
        return -1;
    size_t held = (size_t)lround(a->hold * a->fps); /* the last frame again, for the hold */
    int rc = 0;
    const unsigned char *pixels = NULL;
    for (size_t i = 0; i < n + held && rc == 0; i++) {
        if (i < n)
            pixels = painter_draw(p, shown[i]);
        rc = pixels ? basin_video_frame(video, pixels, cairo_image_surface_get_stride(p->surface)) : -1;
        report(a, i + 1 < n ? i + 1 : n, n);
    }
    if (basin_video_close(video, rc != 0) != 0)
        rc = -1;
    return rc;
}

/* The numbered frames, whole or not at all: written into a temporary folder beside them, moved into
 * place once the last is written (a failure or a signal leaves none of them). */
static int write_frames(const basin_lab *lab, const basin_figure_options *o, const basin_animation_options *a,
                        const size_t *shown, size_t n, const char *pattern, FILE *stdout_stream)
{
    const char *slash = strrchr(pattern, '/'), *name_pattern = slash ? slash + 1 : pattern;
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash == pattern ? 1 : slash - pattern) : 1, slash ? pattern : ".");
    basin_output_set set;
    if (basin_output_set_open(&set, dir) != 0)
        return -2;
    for (size_t i = 0; i < n; i++) {
        char name[4096], path[8400];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* checked: one %d and no other conversion */
        int length = snprintf(name, sizeof name, name_pattern, (int)i);
#pragma GCC diagnostic pop
        if (length < 0 || (size_t)length >= sizeof name) {
            basin_error_set("'%s': the frames' names are too long", pattern);
            basin_output_set_abort(&set);
            return -2;
        }
        basin_figure_options frame = *o;
        frame.shown = shown[i];
        int rc = basin_figure_export(lab, &frame, basin_output_set_file(&set, name, path, sizeof path), stdout_stream);
        if (rc != 0) {
            basin_output_set_abort(&set);
            return rc;
        }
        report(a, i + 1, n);
    }
    return basin_output_set_commit(&set);
}

int basin_animation_export(const basin_lab *lab, const basin_figure_options *o, const basin_animation_options *a,
                           basin_animation_format format, const char *path, FILE *stdout_stream)
{
    bool video = format == BASIN_ANIMATION_MP4 || format == BASIN_ANIMATION_WEBM;
    if (video && strcmp(path, "-") == 0) {
        basin_error_set("'-': a video is written to a file (ffmpeg goes back to put the index first)");
        return -2;
    }
    if (format == BASIN_ANIMATION_MP4 && (o->width % 2 || o->height % 2)) {
        basin_error_set("%s: H.264 needs an even width and height, not %d×%d (give --size %dx%d)", path, o->width,
                        o->height, o->width + o->width % 2, o->height + o->height % 2);
        return -2;
    }
    size_t total = basin_lab_frames(lab), n = basin_animation_plan(total, a, NULL);
    size_t *shown = malloc(n * sizeof *shown);
    if (!shown) {
        basin_error_set("out of memory for %zu frames", n);
        return -1;
    }
    basin_animation_plan(total, a, shown);
    if (format == BASIN_ANIMATION_FRAMES) {
        int rc = write_frames(lab, o, a, shown, n, path, stdout_stream);
        free(shown);
        return rc;
    }
    basin_output_file f;
    frame_painter p;
    if (basin_output_open(&f, path, stdout_stream) != 0) {
        free(shown);
        return -2;
    }
    if (painter_init(&p, lab, o) != 0) {
        basin_output_abort(&f);
        free(shown);
        return -1;
    }
    int rc = format == BASIN_ANIMATION_GIF ? write_gif(&p, a, shown, n, f.stream)
                                           : write_video(&p, a, shown, n,
                                                         format == BASIN_ANIMATION_MP4 ? BASIN_VIDEO_MP4 : BASIN_VIDEO_WEBM,
                                                         f.direct ? f.path : f.temp_path);
    painter_free(&p);
    free(shown);
    return rc != 0 ? basin_output_fail(&f, path) : basin_output_commit(&f);
}
