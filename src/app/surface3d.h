/* surface3d.h: the 3-D surface view with OpenGL: the lab's loss as a lit, height-coloured mesh (at least
 * 256×256 vertices) with contour lines drawn by the fragment shader and the runs' trajectories on it.
 * Needs a current GL 3.3 core context; used by the window and by headless export (EGL). */
#ifndef BASIN_SURFACE3D_H
#define BASIN_SURFACE3D_H

#include "lab/lab.h"
#include "render/field.h"
#include "render/loss_plane.h"

#include <epoxy/gl.h>
#include <stdbool.h>

/* An offscreen colour + depth target (renderbuffers: RGBA8, DEPTH_COMPONENT24). */
typedef struct basin_gl_target {
    GLuint fbo, color, depth;
    int w, h;
} basin_gl_target;

typedef struct basin_surface3d {
    GLuint mesh_program, line_program, colormap;
    GLuint mesh_vao, mesh_vbo, mesh_ibo, line_vao, line_vbo;
    GLsizei n_indices;
    basin_field field;  /* the sampled loss the mesh shows */
    float *heights;     /* its relief (render/relief.h), field.nx × field.ny in [0, 1] */
    double extent[2];   /* x and y half-extents of the mesh in model units */
    float yaw, pitch;   /* the camera, degrees */
    size_t landscape_run; /* a training lab: the run whose landscape it shows (basin_lab_landscape_run) */
    int levels;
    bool built;
    /* The mesh changes only with the lab, the camera, the size and the theme: it is rendered once into
     * mesh_target, and each frame copies it (colour and depth) into work_target, draws the runs there
     * depth-tested, and blits the colour to the screen. */
    basin_gl_target mesh_target, work_target;
    bool mesh_cached, cached_dark;
} basin_surface3d;

/* Compiles the shaders. Returns 0, or -1 with a message. */
int basin_surface3d_init(basin_surface3d *s);

/* How much of what lab's 3-D view shows is there: 0 for a surface; for a training lab the points of the
 * landscape of s's run computed so far (it fills in coarse to fine: a new count needs a new mesh), or −1
 * while there is no point of it yet. Can't fail. */
long basin_surface3d_progress(const basin_surface3d *s, const basin_lab *lab);

/* Samples lab's surface (a training lab: its first run's landscape, refined) on a grid × grid mesh over its
 * view window and uploads it. Returns 0, or -1 with a message. */
int basin_surface3d_build(basin_surface3d *s, const basin_lab *lab, size_t grid);

/* The same for a landscape given as a grid: the mesh of log10 of its loss (of the loss when log is false).
 * Returns 0, or -1 with a message. */
int basin_surface3d_build_plane(basin_surface3d *s, const basin_loss_plane *plane, bool log);

/* Draws the mesh and the runs' first shown rows into (x, y, w, h) in pixels of the bound framebuffer,
 * GL's origin at the bottom left, on the theme's background. The mesh is re-rendered only when it, the
 * camera, the size or the theme changed. */
void basin_surface3d_draw(basin_surface3d *s, const basin_lab *lab, size_t shown, int x, int y, int w, int h, bool dark);

/* The same with the plane's path on the mesh built from it. */
void basin_surface3d_draw_plane(basin_surface3d *s, const basin_loss_plane *plane, int x, int y, int w, int h, bool dark);

/* Turns the camera by (dyaw, dpitch) degrees (pitch kept between 5 and 89). */
void basin_surface3d_rotate(basin_surface3d *s, float dyaw, float dpitch);

/* Deletes the GL objects and the samples. */
void basin_surface3d_free(basin_surface3d *s);

#endif
