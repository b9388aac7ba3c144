/* offscreen.h: the 3-D surface view rendered without a window, for figures: into a framebuffer object
 * of the current GL context, or of an EGL surfaceless context (Mesa) made for the purpose when there is
 * none (basin export runs with no display). */
#ifndef BASIN_OFFSCREEN_H
#define BASIN_OFFSCREEN_H

#include "lab/lab.h"
#include "render/figure.h"
#include "render/loss_plane.h"

#include <cairo.h>
#include <stdbool.h>

/* Renders lab's surface view (its first shown rows) into a new w × h image. own_context: make an EGL
 * surfaceless context (else a GL 3.3 context must be current). Returns the image, or NULL with a message. */
cairo_surface_t *basin_offscreen_surface(const basin_lab *lab, size_t shown, int w, int h, bool dark, bool own_context);

/* A basin_surface_painter for figures: user NULL makes its own EGL context, non-NULL uses the current one. */
int basin_offscreen_painter(cairo_t *cr, basin_rect rect, double scale, const basin_lab *lab, size_t shown, bool dark,
                            void *user);

/* A basin_plane_painter (render/loss_plane.h): the plane's landscape in 3-D, on an EGL surfaceless context
 * of its own (user is unused). Returns 0, or -1 with a message. */
int basin_offscreen_plane_painter(cairo_t *cr, basin_rect rect, double scale, const basin_loss_plane *plane, void *user);

/* A session for many frames (an animation of the 3-D view): one EGL surfaceless context, one mesh per
 * scene and one framebuffer per size, made on first use and kept. Returns it, or NULL with a message. */
typedef struct basin_offscreen_session basin_offscreen_session;
basin_offscreen_session *basin_offscreen_session_create(void);

/* A basin_surface_painter drawing through session (its user pointer). Returns 0, or -1 with a message. */
int basin_offscreen_session_painter(cairo_t *cr, basin_rect rect, double scale, const basin_lab *lab, size_t shown,
                                    bool dark, void *session);

/* Frees the session and its GL objects and context. */
void basin_offscreen_session_free(basin_offscreen_session *s);

#endif
