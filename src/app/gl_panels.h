/* gl_panels.h: the cairo-drawn panels on screen: an image uploaded as one texture and drawn as a
 * full-window quad by the shaders in shaders/panel.*; and reading the framebuffer back. */
#ifndef BASIN_GL_PANELS_H
#define BASIN_GL_PANELS_H

#include <cairo.h>
#include <epoxy/gl.h>

typedef struct basin_gl_panels {
    GLuint program, texture, vao;
    int width, height; /* of the texture's storage */
} basin_gl_panels;

/* Compiles the shaders and makes the texture. Needs a current GL 3.3 core context. Returns 0, or -1 with
 * a message (a shader that does not compile names its log). */
int basin_gl_panels_init(basin_gl_panels *p);

/* Uploads a cairo ARGB32 or RGB24 image (resizing the texture's storage when its size changed). */
void basin_gl_panels_upload(basin_gl_panels *p, cairo_surface_t *image);

/* Draws the texture over the whole viewport. */
void basin_gl_panels_draw(const basin_gl_panels *p);

/* Deletes the GL objects. */
void basin_gl_panels_free(basin_gl_panels *p);

/* Reads the back buffer (width × height pixels) into a new cairo image, top row first. NULL on failure. */
cairo_surface_t *basin_gl_read_pixels(int width, int height);

#endif
