/* offscreen.c: the surface view into an image, through an FBO and (with no context) EGL surfaceless. */
#include "offscreen.h"

#include "surface3d.h"

#include "engine/error.h"

#include <epoxy/egl.h>
#include <epoxy/gl.h>
#include <stdlib.h>
#include <string.h>

typedef struct egl_session {
    EGLDisplay display;
    EGLContext context;
} egl_session;

/* A GL 3.3 core context on Mesa's surfaceless platform, made current. */
static int egl_begin(egl_session *e)
{
    *e = (egl_session){EGL_NO_DISPLAY, EGL_NO_CONTEXT};
    /* eglGetPlatformDisplay itself aborts when called before any display exists: use the EXT entry. */
    PFNEGLGETPLATFORMDISPLAYEXTPROC get_display = (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
    if (!get_display) {
        basin_error_set("no EGL platform displays (eglGetPlatformDisplayEXT is missing)");
        return -1;
    }
    e->display = get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
    EGLint major, minor, n = 0;
    EGLConfig config;
    /* EGL_SURFACE_TYPE defaults to windows, which a surfaceless display has none of: ask for no kind. */
    static const EGLint config_attrs[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE, 0, EGL_NONE};
    static const EGLint context_attrs[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
                                           EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
                                           EGL_NONE};
    if (e->display == EGL_NO_DISPLAY || !eglInitialize(e->display, &major, &minor)) {
        basin_error_set("no EGL surfaceless display (Mesa's libegl-mesa0 provides it)");
        return -1;
    }
    if (!eglBindAPI(EGL_OPENGL_API) || !eglChooseConfig(e->display, config_attrs, &config, 1, &n) || n < 1) {
        basin_error_set("no EGL configuration for desktop OpenGL (error 0x%x)", (unsigned)eglGetError());
        return -1;
    }
    e->context = eglCreateContext(e->display, config, EGL_NO_CONTEXT, context_attrs);
    if (e->context == EGL_NO_CONTEXT || !eglMakeCurrent(e->display, EGL_NO_SURFACE, EGL_NO_SURFACE, e->context)) {
        basin_error_set("no OpenGL 3.3 core context through EGL (error 0x%x)", (unsigned)eglGetError());
        return -1;
    }
    return 0;
}

static void egl_end(egl_session *e)
{
    if (e->display == EGL_NO_DISPLAY)
        return;
    eglMakeCurrent(e->display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    if (e->context != EGL_NO_CONTEXT)
        eglDestroyContext(e->display, e->context);
    eglTerminate(e->display);
}

/* A framebuffer of w × h (colour and depth) in the current context, bound. Returns 0, or -1 with a message. */
static int fbo_make(GLuint *fbo, GLuint buffers[2], int w, int h)
{
    glGenFramebuffers(1, fbo);
    glGenRenderbuffers(2, buffers);
    glBindFramebuffer(GL_FRAMEBUFFER, *fbo);
    glBindRenderbuffer(GL_RENDERBUFFER, buffers[0]);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, w, h);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, buffers[0]);
    glBindRenderbuffer(GL_RENDERBUFFER, buffers[1]);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, w, h);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, buffers[1]);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
        basin_error_set("no %d×%d framebuffer for the 3-D view", w, h);
        return -1;
    }
    return 0;
}

static void fbo_free(GLuint *fbo, GLuint buffers[2])
{
    glDeleteRenderbuffers(2, buffers);
    glDeleteFramebuffers(1, fbo);
    *fbo = 0;
}

/* The bound framebuffer's w × h pixels as a new image (top row first), or NULL. */
static cairo_surface_t *read_back(int w, int h)
{
    cairo_surface_t *image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(image);
        basin_error_set("out of memory for a %d×%d 3-D view", w, h);
        return NULL;
    }
    cairo_surface_flush(image);
    unsigned char *data = cairo_image_surface_get_data(image);
    int stride = cairo_image_surface_get_stride(image);
    glPixelStorei(GL_PACK_ROW_LENGTH, stride / 4);
    for (int y = 0; y < h; y++) /* GL's first row is the bottom one */
        glReadPixels(0, h - 1 - y, w, 1, GL_BGRA, GL_UNSIGNED_INT_8_8_8_8_REV, data + (size_t)y * (size_t)stride);
    glPixelStorei(GL_PACK_ROW_LENGTH, 0);
    cairo_surface_mark_dirty(image);
    return image;
}

/* Renders into an FBO of the current context and reads it back. */
static cairo_surface_t *render(const basin_lab *lab, size_t shown, int w, int h, bool dark)
{
    GLint previous;
    glGetIntegerv(GL_FRAMEBUFFER_BINDING, &previous);
    GLuint fbo, buffers[2];
    cairo_surface_t *image = NULL;
    basin_surface3d s;
    if (fbo_make(&fbo, buffers, w, h) == 0 && basin_surface3d_init(&s) == 0) {
        if (basin_surface3d_build(&s, lab, 256) == 0) {
            basin_surface3d_draw(&s, lab, shown, 0, 0, w, h, dark);
            image = read_back(w, h);
        }
        basin_surface3d_free(&s);
    }
    glBindFramebuffer(GL_FRAMEBUFFER, (GLuint)previous);
    fbo_free(&fbo, buffers);
    return image;
}

cairo_surface_t *basin_offscreen_surface(const basin_lab *lab, size_t shown, int w, int h, bool dark, bool own_context)
{
    egl_session e = {EGL_NO_DISPLAY, EGL_NO_CONTEXT};
    if (own_context && egl_begin(&e) != 0) {
        egl_end(&e);
        return NULL;
    }
    cairo_surface_t *image = render(lab, shown, w, h, dark);
    egl_end(&e);
    return image;
}

/* Paints image (pixels) into rect of cr (points, scale pixels per point) and frees it. */
static void paint(cairo_t *cr, basin_rect rect, double scale, cairo_surface_t *image)
{
    cairo_save(cr);
    cairo_translate(cr, rect.x, rect.y);
    cairo_scale(cr, 1 / scale, 1 / scale);
    cairo_set_source_surface(cr, image, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(image);
}

int basin_offscreen_painter(cairo_t *cr, basin_rect rect, double scale, const basin_lab *lab, size_t shown, bool dark,
                            void *user)
{
    int w = (int)(rect.w * scale + 0.5), h = (int)(rect.h * scale + 0.5);
    cairo_surface_t *image = basin_offscreen_surface(lab, shown, w > 1 ? w : 1, h > 1 ? h : 1, dark, user == NULL);
    if (!image)
        return -1;
    paint(cr, rect, scale, image);
    return 0;
}

int basin_offscreen_plane_painter(cairo_t *cr, basin_rect rect, double scale, const basin_loss_plane *plane, void *user)
{
    (void)user;
    int w = (int)(rect.w * scale + 0.5), h = (int)(rect.h * scale + 0.5);
    w = w > 1 ? w : 1, h = h > 1 ? h : 1;
    egl_session e;
    if (egl_begin(&e) != 0) {
        egl_end(&e);
        return -1;
    }
    GLuint fbo, buffers[2];
    cairo_surface_t *image = NULL;
    basin_surface3d s;
    if (fbo_make(&fbo, buffers, w, h) == 0 && basin_surface3d_init(&s) == 0) {
        if (basin_surface3d_build_plane(&s, plane, basin_loss_plane_positive(plane)) == 0) {
            basin_surface3d_draw_plane(&s, plane, 0, 0, w, h, false);
            image = read_back(w, h);
        }
        basin_surface3d_free(&s);
    }
    fbo_free(&fbo, buffers);
    egl_end(&e);
    if (!image)
        return -1;
    paint(cr, rect, scale, image);
    return 0;
}

struct basin_offscreen_session {
    egl_session egl;
    bool begun, built;
    basin_surface3d surface;
    char scene[1024]; /* what the mesh was built for (basin_figure_scene) */
    GLuint fbo, buffers[2];
    int w, h;         /* the framebuffer's size (0: none) */
};

basin_offscreen_session *basin_offscreen_session_create(void)
{
    basin_offscreen_session *s = calloc(1, sizeof *s);
    if (!s)
        basin_error_set("out of memory for the 3-D view");
    return s;
}

int basin_offscreen_session_painter(cairo_t *cr, basin_rect rect, double scale, const basin_lab *lab, size_t shown,
                                    bool dark, void *session)
{
    basin_offscreen_session *s = session;
    int w = (int)(rect.w * scale + 0.5), h = (int)(rect.h * scale + 0.5);
    w = w > 1 ? w : 1, h = h > 1 ? h : 1;
    if (!s->begun) {
        if (egl_begin(&s->egl) != 0)
            return -1;
        s->begun = true;
    }
    char scene[sizeof s->scene];
    basin_figure_scene(lab, scene, sizeof scene);
    if (!s->built || strcmp(scene, s->scene) != 0) { /* a mesh per scene, kept for every frame */
        if (s->built)
            basin_surface3d_free(&s->surface);
        s->built = false;
        if (basin_surface3d_init(&s->surface) != 0)
            return -1;
        if (basin_surface3d_build(&s->surface, lab, 256) != 0) {
            basin_surface3d_free(&s->surface);
            return -1;
        }
        s->built = true;
        snprintf(s->scene, sizeof s->scene, "%s", scene);
    }
    if (s->w != w || s->h != h) { /* a framebuffer per size */
        if (s->w)
            fbo_free(&s->fbo, s->buffers);
        s->w = s->h = 0;
        if (fbo_make(&s->fbo, s->buffers, w, h) != 0) {
            fbo_free(&s->fbo, s->buffers);
            return -1;
        }
        s->w = w, s->h = h;
    }
    glBindFramebuffer(GL_FRAMEBUFFER, s->fbo);
    basin_surface3d_draw(&s->surface, lab, shown, 0, 0, w, h, dark);
    cairo_surface_t *image = read_back(w, h);
    if (!image)
        return -1;
    paint(cr, rect, scale, image);
    return 0;
}

void basin_offscreen_session_free(basin_offscreen_session *s)
{
    if (!s)
        return;
    if (s->begun) {
        if (s->built)
            basin_surface3d_free(&s->surface);
        if (s->w)
            fbo_free(&s->fbo, s->buffers);
        egl_end(&s->egl);
    }
    free(s);
}

