/* surface3d.c: the loss as a 3-D mesh with OpenGL. */
#include "surface3d.h"

#include "render/relief.h"

#include "gl_program.h"
#include "shaders.h"

#include "engine/error.h"
#include "render/colormap.h"
#include "render/contour_view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HEIGHT 0.7f /* the mesh's height for the whole colour scale, against a half-width of 1 */

/* ---- 4×4 column-major matrices ---- */

static void multiply(float out[16], const float a[16], const float b[16])
{
    float r[16];
    for (int c = 0; c < 4; c++)
        for (int row = 0; row < 4; row++) {
            float sum = 0;
            for (int k = 0; k < 4; k++)
                sum += a[k * 4 + row] * b[c * 4 + k];
            r[c * 4 + row] = sum;
        }
    memcpy(out, r, sizeof r);
}

static void perspective(float m[16], float fov_degrees, float aspect, float near, float far)
{
    float f = 1 / tanf(fov_degrees * (float)M_PI / 360);
    memset(m, 0, 16 * sizeof *m);
    m[0] = f / aspect;
    m[5] = f;
    m[10] = (far + near) / (near - far);
    m[11] = -1;
    m[14] = 2 * far * near / (near - far);
}

static void look_at(float m[16], const float eye[3], const float target[3])
{
    float f[3] = {target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]}, up[3] = {0, 0, 1};
    float n = sqrtf(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]);
    for (int i = 0; i < 3; i++)
        f[i] /= n;
    float s[3] = {f[1] * up[2] - f[2] * up[1], f[2] * up[0] - f[0] * up[2], f[0] * up[1] - f[1] * up[0]};
    n = sqrtf(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]);
    for (int i = 0; i < 3; i++)
        s[i] /= n;
    float u[3] = {s[1] * f[2] - s[2] * f[1], s[2] * f[0] - s[0] * f[2], s[0] * f[1] - s[1] * f[0]};
    float r[16] = {s[0], u[0], -f[0], 0, s[1], u[1], -f[1], 0, s[2], u[2], -f[2], 0,
                   -(s[0] * eye[0] + s[1] * eye[1] + s[2] * eye[2]), -(u[0] * eye[0] + u[1] * eye[1] + u[2] * eye[2]),
                   f[0] * eye[0] + f[1] * eye[1] + f[2] * eye[2], 1};
    memcpy(m, r, sizeof r);
}

/* Scales and centres the picture so that the mesh's bounding box (its x, y extent and the heights 0 to
 * HEIGHT) fills at most 92 % of the panel at any angle: the clip coordinates' x and y become
 * k·(x − c·w), which moves the box's projection by −c and scales it by k after the perspective divide. */
static void fit_to_panel(const basin_surface3d *s, float mvp[16])
{
    float lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (int corner = 0; corner < 8; corner++) {
        float p[3] = {(corner & 1 ? 1 : -1) * (float)s->extent[0], (corner & 2 ? 1 : -1) * (float)s->extent[1],
                      corner & 4 ? HEIGHT : 0};
        float clip[4];
        for (int r = 0; r < 4; r++) /* column-major: element (r, c) at [c·4 + r] */
            clip[r] = mvp[r] * p[0] + mvp[4 + r] * p[1] + mvp[8 + r] * p[2] + mvp[12 + r];
        for (int a = 0; a < 2; a++)
            lo[a] = fminf(lo[a], clip[a] / clip[3]), hi[a] = fmaxf(hi[a], clip[a] / clip[3]);
    }
    float c[2] = {(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2};
    float k = 0.92f / fmaxf(fmaxf(hi[0] - lo[0], hi[1] - lo[1]) / 2, 1e-6f);
    for (int col = 0; col < 4; col++)
        for (int a = 0; a < 2; a++)
            mvp[col * 4 + a] = k * (mvp[col * 4 + a] - c[a] * mvp[col * 4 + 3]);
}

static void camera(const basin_surface3d *s, float aspect, float mvp[16])
{
    float yaw = s->yaw * (float)M_PI / 180, pitch = s->pitch * (float)M_PI / 180, distance = 3.9f;
    float target[3] = {0, 0, HEIGHT * 0.4f};
    float eye[3] = {target[0] + distance * cosf(pitch) * sinf(yaw), target[1] - distance * cosf(pitch) * cosf(yaw),
                    target[2] + distance * sinf(pitch)};
    float view[16], projection[16];
    look_at(view, eye, target);
    perspective(projection, 32, aspect, 0.1f, 20);
    multiply(mvp, projection, view);
    fit_to_panel(s, mvp);
}

/* ---- building ---- */

int basin_surface3d_init(basin_surface3d *s)
{
    *s = (basin_surface3d){.yaw = -30, .pitch = 38};
    s->mesh_program = basin_gl_program(shader_surface_vert, shader_surface_frag, "surface");
    s->line_program = s->mesh_program ? basin_gl_program(shader_line_vert, shader_line_frag, "line") : 0;
    if (!s->line_program) {
        basin_surface3d_free(s);
        return -1;
    }
    glGenVertexArrays(1, &s->mesh_vao);
    glGenBuffers(1, &s->mesh_vbo);
    glGenBuffers(1, &s->mesh_ibo);
    glGenVertexArrays(1, &s->line_vao);
    glGenBuffers(1, &s->line_vbo);
    glGenTextures(1, &s->colormap);
    return 0;
}


/* The trace whose landscape a training lab's 3-D view shows (basin_lab_landscape_run), or NULL. */
static const basin_net_trace *landscape_of(const basin_surface3d *s, const basin_lab *lab)
{
    const basin_lab_run *r = basin_lab_landscape_run(lab, s->landscape_run);
    return r ? r->training : NULL;
}

long basin_surface3d_progress(const basin_surface3d *s, const basin_lab *lab)
{
    if (!lab->dataset)
        return 0;
    const basin_net_trace *t = landscape_of(s, lab);
    if (!t)
        return -1;
    long known = 0;
    for (size_t k = 0; k < t->land_grid * t->land_grid; k++)
        known += !isnan(t->land_loss[k]);
    return known > 0 ? known : -1;
}

/* A landscape as a field of log10(loss) (of the loss when log is false), as the 2-D landscape panel colours
 * it: its G × G grid (a point still missing takes the coarser point covering it) refined UPSAMPLE times
 * bilinearly. */
#define UPSAMPLE 4
static int landscape_field(basin_field *field, const basin_loss_plane *p, bool log)
{
    size_t G = p->grid, n = UPSAMPLE * (G - 1) + 1;
    double window[4] = {p->a_range[0], p->a_range[1], p->b_range[0], p->b_range[1]};
    double *logs = malloc(G * G * sizeof *logs), *values = malloc(n * n * sizeof *values);
    if (!logs || !values) {
        free(logs), free(values);
        basin_error_set("out of memory for the landscape's mesh");
        return -1;
    }
    for (size_t r = 0; r < G; r++)
        for (size_t c = 0; c < G; c++) {
            double v = basin_loss_plane_at(p, r, c);
            logs[r * G + c] = !log ? (isfinite(v) ? v : NAN) : v > 0 ? log10(v) : NAN;
        }
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++) {
            size_t r = j / UPSAMPLE, c = i / UPSAMPLE, r1 = r + 1 < G ? r + 1 : r, c1 = c + 1 < G ? c + 1 : c;
            double fy = (double)(j % UPSAMPLE) / UPSAMPLE, fx = (double)(i % UPSAMPLE) / UPSAMPLE;
            double l = (1 - fy) * ((1 - fx) * logs[r * G + c] + fx * logs[r * G + c1]) +
                       fy * ((1 - fx) * logs[r1 * G + c] + fx * logs[r1 * G + c1]);
            values[j * n + i] = l;
        }
    free(logs);
    int rc = basin_field_from_values(field, values, window, n, n, NAN, BASIN_LEVELS_LINEAR);
    free(values);
    return rc;
}

/* Empties s of its field and mesh. */
static void unbuild(basin_surface3d *s)
{
    basin_field_free(&s->field);
    free(s->heights);
    s->heights = NULL;
    s->built = false;
}

static int upload_mesh(basin_surface3d *s, int levels, basin_colormap map);

int basin_surface3d_build(basin_surface3d *s, const basin_lab *lab, size_t grid)
{
    double window[4];
    unbuild(s);
    if (lab->dataset) { /* a training lab: a run's loss over the plane of its trajectory */
        const basin_net_trace *t = landscape_of(s, lab);
        if (!t) {
            basin_error_set("the 3-D view of a training lab shows a run's landscape, and none is computed yet");
            return -1;
        }
        basin_loss_plane plane = basin_loss_plane_of_trace(t, 0, (double[3]){0, 0, 0});
        if (landscape_field(&s->field, &plane, true) != 0)
            return -1;
    } else if (basin_contour_window(lab, window), basin_field_sample(&s->field, lab->problem, window, grid, grid,
                                                                      lab->level_scale) != 0) {
        return -1;
    }
    /* a landscape: the 2-D panel's 12 level sets of log10(loss) */
    return upload_mesh(s, lab->dataset ? 12 : lab->levels, basin_lab_colormap(lab));
}

int basin_surface3d_build_plane(basin_surface3d *s, const basin_loss_plane *plane, bool log)
{
    unbuild(s);
    if (landscape_field(&s->field, plane, log) != 0)
        return -1;
    return upload_mesh(s, 12, basin_colormap_find("viridis"));
}

/* The mesh of s->field: its relief, vertices with normals and colour fractions, the colormap texture. */
static int upload_mesh(basin_surface3d *s, int levels, basin_colormap map)
{
    double window[4];
    size_t grid = s->field.nx;
    memcpy(window, s->field.window, sizeof window);
    if (!(s->heights = malloc(grid * grid * sizeof *s->heights))) {
        basin_error_set("out of memory for a %zu×%zu mesh", grid, grid);
        return -1;
    }
    basin_relief_heights(&s->field, s->heights);
    const float *h = s->heights;
    double xr = window[1] - window[0], yr = window[3] - window[2];
    s->extent[0] = xr >= yr ? 1 : xr / yr;
    s->extent[1] = xr >= yr ? yr / xr : 1;
    s->levels = levels;
    size_t n = grid, floats = 7;
    float *vertices = malloc(n * n * floats * sizeof *vertices);
    GLuint *indices = malloc((n - 1) * (n - 1) * 6 * sizeof *indices);
    if (!vertices || !indices) {
        free(vertices);
        free(indices);
        basin_error_set("out of memory for a %zu×%zu mesh", n, n);
        return -1;
    }
    float dx = (float)(2 * s->extent[0] / (double)(n - 1)), dy = (float)(2 * s->extent[1] / (double)(n - 1));
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++) {
            const double *f = s->field.f;
            size_t il = i ? i - 1 : i, ir = i + 1 < n ? i + 1 : i, jd = j ? j - 1 : j, ju = j + 1 < n ? j + 1 : j;
            float dzdx = HEIGHT * (h[j * n + ir] - h[j * n + il]) / (dx * (float)(ir - il));
            float dzdy = HEIGHT * (h[ju * n + i] - h[jd * n + i]) / (dy * (float)(ju - jd));
            float norm = sqrtf(dzdx * dzdx + dzdy * dzdy + 1);
            double t = basin_field_fraction(&s->field, f[j * n + i]);
            float *v = vertices + (j * n + i) * floats;
            v[0] = (float)(-s->extent[0]) + dx * (float)i;
            v[1] = (float)(-s->extent[1]) + dy * (float)j;
            v[2] = HEIGHT * h[j * n + i];
            v[3] = -dzdx / norm;
            v[4] = -dzdy / norm;
            v[5] = 1 / norm;
            v[6] = (float)(isnan(t) ? 1 : t);
        }
    GLuint *ix = indices;
    for (size_t j = 0; j + 1 < n; j++)
        for (size_t i = 0; i + 1 < n; i++) {
            GLuint a = (GLuint)(j * n + i), b = a + 1, c = a + (GLuint)n + 1, d = a + (GLuint)n;
            GLuint cell[6] = {a, b, c, a, c, d};
            memcpy(ix, cell, sizeof cell);
            ix += 6;
        }
    s->n_indices = (GLsizei)((n - 1) * (n - 1) * 6);
    glBindVertexArray(s->mesh_vao);
    glBindBuffer(GL_ARRAY_BUFFER, s->mesh_vbo);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(n * n * floats * sizeof *vertices), vertices, GL_STATIC_DRAW);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, s->mesh_ibo);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)((size_t)s->n_indices * sizeof *indices), indices, GL_STATIC_DRAW);
    GLsizei stride = (GLsizei)(floats * sizeof(float));
    glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, stride, (void *)0);
    glVertexAttribPointer(1, 3, GL_FLOAT, GL_FALSE, stride, (void *)(3 * sizeof(float)));
    glVertexAttribPointer(2, 1, GL_FLOAT, GL_FALSE, stride, (void *)(6 * sizeof(float)));
    for (GLuint a = 0; a < 3; a++)
        glEnableVertexAttribArray(a);
    glBindVertexArray(0);
    free(vertices);
    free(indices);

    glBindTexture(GL_TEXTURE_2D, s->colormap);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, 256, 1, 0, GL_RGB, GL_UNSIGNED_BYTE, map);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    s->built = true;
    s->mesh_cached = false;
    return 0;
}

/* ---- drawing ---- */

/* Writes a run's first len points as mesh coordinates lifted above the surface; points outside the
 * window become NaN (a break in the line). */
static void trajectory_points(const basin_surface3d *s, const double *xs, const double *ys, size_t stride, size_t len,
                              float *out)
{
    const double *w = s->field.window;
    for (size_t t = 0; t < len; t++) {
        double x = xs[stride * t], y = ys[stride * t];
        float *p = out + 3 * t;
        if (x < w[0] || x > w[1] || y < w[2] || y > w[3]) {
            p[0] = p[1] = p[2] = NAN;
            continue;
        }
        double u = (x - w[0]) / (w[1] - w[0]), v = (y - w[2]) / (w[3] - w[2]);
        p[0] = (float)(-s->extent[0] + 2 * s->extent[0] * u);
        p[1] = (float)(-s->extent[1] + 2 * s->extent[1] * v);
        /* on the relief drawn, not at the exact loss: a path in a valley narrower than the grid stays on top */
        p[2] = HEIGHT * (float)basin_relief_height_at(s->heights, s->field.nx, s->field.ny, u * (double)(s->field.nx - 1),
                                                      v * (double)(s->field.ny - 1)) + 0.012f;
    }
}

/* A path drawn on the mesh: len points (xs[stride·k], ys[stride·k]) in the field's coordinates. */
typedef struct path3d {
    const double *xs, *ys;
    size_t stride, len;
    const double *rgb;
} path3d;

static void draw_paths(const basin_surface3d *s, const path3d *paths, size_t n, const float mvp[16])
{
    glUseProgram(s->line_program);
    glUniformMatrix4fv(glGetUniformLocation(s->line_program, "mvp"), 1, GL_FALSE, mvp);
    GLint color = glGetUniformLocation(s->line_program, "run_color");
    GLint point_size = glGetUniformLocation(s->line_program, "point_size");
    GLint round = glGetUniformLocation(s->line_program, "round_points");
    GLfloat widths[2];
    glGetFloatv(GL_ALIASED_LINE_WIDTH_RANGE, widths);
    glLineWidth(fminf(2.5f, widths[1]));
    glBindVertexArray(s->line_vao);
    glBindBuffer(GL_ARRAY_BUFFER, s->line_vbo);
    glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, 3 * sizeof(float), (void *)0);
    glEnableVertexAttribArray(0);
    for (size_t r = 0; r < n; r++) {
        const path3d *path = &paths[r];
        size_t len = path->len;
        if (len == 0)
            continue;
        float *points = malloc(3 * len * sizeof *points);
        if (!points)
            return;
        trajectory_points(s, path->xs, path->ys, path->stride, len, points);
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(3 * len * sizeof *points), points, GL_STREAM_DRAW);
        const double *c = path->rgb;
        glUniform3f(color, (float)c[0], (float)c[1], (float)c[2]);
        glUniform1i(round, 0);
        for (size_t start = 0; start < len;) { /* one strip per stretch inside the window */
            while (start < len && isnan(points[3 * start]))
                start++;
            size_t end = start;
            while (end < len && !isnan(points[3 * end]))
                end++;
            if (end > start + 1)
                glDrawArrays(GL_LINE_STRIP, (GLint)start, (GLsizei)(end - start));
            start = end;
        }
        glUniform1i(round, 1);
        glUniform1f(point_size, 11);
        if (!isnan(points[0]))
            glDrawArrays(GL_POINTS, 0, 1);
        glUniform1f(point_size, 7);
        if (len > 1 && !isnan(points[3 * (len - 1)]))
            glDrawArrays(GL_POINTS, (GLint)(len - 1), 1);
        free(points);
    }
    glBindVertexArray(0);
}

static void target_free(basin_gl_target *t)
{
    if (t->fbo)
        glDeleteFramebuffers(1, &t->fbo);
    GLuint buffers[2] = {t->color, t->depth};
    glDeleteRenderbuffers(2, buffers);
    *t = (basin_gl_target){0};
}

/* Makes t w × h (recreating it when the size changed). Returns whether it was (re)made. */
static bool target_fit(basin_gl_target *t, int w, int h)
{
    if (t->fbo && t->w == w && t->h == h)
        return false;
    target_free(t);
    glGenFramebuffers(1, &t->fbo);
    glGenRenderbuffers(1, &t->color);
    glGenRenderbuffers(1, &t->depth);
    glBindFramebuffer(GL_FRAMEBUFFER, t->fbo);
    glBindRenderbuffer(GL_RENDERBUFFER, t->color);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, w, h);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, t->color);
    glBindRenderbuffer(GL_RENDERBUFFER, t->depth);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, w, h);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, t->depth);
    t->w = w;
    t->h = h;
    return true;
}

static void draw_mesh(const basin_surface3d *s, const float mvp[16], bool dark)
{
    if (dark)
        glClearColor(0.07f, 0.08f, 0.10f, 1);
    else
        glClearColor(1, 1, 1, 1);
    glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
    if (!s->built)
        return;
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LEQUAL);
    glUseProgram(s->mesh_program);
        glUniformMatrix4fv(glGetUniformLocation(s->mesh_program, "mvp"), 1, GL_FALSE, mvp);
        glUniform1f(glGetUniformLocation(s->mesh_program, "levels"), (float)s->levels);
        glUniform3f(glGetUniformLocation(s->mesh_program, "light"), -0.4f, -0.6f, 1.0f);
        glUniform3f(glGetUniformLocation(s->mesh_program, "line_color"), dark ? 0.9f : 1.0f, dark ? 0.9f : 1.0f,
                    dark ? 0.9f : 1.0f);
        glActiveTexture(GL_TEXTURE0);
        glBindTexture(GL_TEXTURE_2D, s->colormap);
        glUniform1i(glGetUniformLocation(s->mesh_program, "colormap"), 0);
        glBindVertexArray(s->mesh_vao);
        glDrawElements(GL_TRIANGLES, s->n_indices, GL_UNSIGNED_INT, (void *)0);
        glBindVertexArray(0);
    glDisable(GL_DEPTH_TEST);
}

static void draw_view(basin_surface3d *s, const path3d *paths, size_t n, int x, int y, int w, int h, bool dark)
{
    GLint screen;
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &screen);
    float mvp[16];
    camera(s, (float)w / (float)(h > 0 ? h : 1), mvp);
    bool resized = target_fit(&s->mesh_target, w, h);
    target_fit(&s->work_target, w, h);
    glViewport(0, 0, w, h);
    if (resized || !s->mesh_cached || s->cached_dark != dark) {
        glBindFramebuffer(GL_FRAMEBUFFER, s->mesh_target.fbo);
        draw_mesh(s, mvp, dark);
        s->mesh_cached = true;
        s->cached_dark = dark;
    }
    glBindFramebuffer(GL_READ_FRAMEBUFFER, s->mesh_target.fbo);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, s->work_target.fbo);
    glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT, GL_NEAREST);
    glBindFramebuffer(GL_FRAMEBUFFER, s->work_target.fbo);
    if (s->built) {
        glEnable(GL_DEPTH_TEST);
        glDepthFunc(GL_LEQUAL);
        glEnable(GL_PROGRAM_POINT_SIZE);
        draw_paths(s, paths, n, mvp);
        glDisable(GL_DEPTH_TEST);
    }
    glBindFramebuffer(GL_READ_FRAMEBUFFER, s->work_target.fbo);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, (GLuint)screen);
    glBlitFramebuffer(0, 0, w, h, x, y, x + w, y + h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    glBindFramebuffer(GL_FRAMEBUFFER, (GLuint)screen);
}

void basin_surface3d_draw(basin_surface3d *s, const basin_lab *lab, size_t shown, int x, int y, int w, int h, bool dark)
{
    path3d *paths = calloc(lab->n_runs + 1, sizeof *paths);
    if (!paths)
        return;
    const basin_net_trace *landscape = lab->dataset ? landscape_of(s, lab) : NULL;
    for (size_t r = 0; r < lab->n_runs; r++) {
        const basin_run *run = lab->runs[r].run;
        const basin_net_trace *t = lab->runs[r].training;
        paths[r].rgb = lab->runs[r].color;
        if (run) /* a surface run: its points */
            paths[r] = (path3d){run->trace.w, run->trace.w + 1, 2, run->trace.len < shown ? run->trace.len : shown,
                                lab->runs[r].color};
        else if (t && t == landscape) /* the landscape's run: its frames projected on the plane */
            paths[r] = (path3d){t->traj_a, t->traj_b, 1, basin_net_trace_frame(t, shown) + 1, lab->runs[r].color};
    }
    draw_view(s, paths, lab->n_runs, x, y, w, h, dark);
    free(paths);
}

void basin_surface3d_draw_plane(basin_surface3d *s, const basin_loss_plane *plane, int x, int y, int w, int h, bool dark)
{
    path3d path = {plane->path_a, plane->path_b, 1, plane->path_a ? plane->path_len : 0, plane->rgb};
    draw_view(s, &path, 1, x, y, w, h, dark);
}

void basin_surface3d_rotate(basin_surface3d *s, float dyaw, float dpitch)
{
    s->mesh_cached = false;
    s->yaw += dyaw;
    s->pitch = fminf(fmaxf(s->pitch + dpitch, 5), 89);
}

void basin_surface3d_free(basin_surface3d *s)
{
    if (s->mesh_vao)
        glDeleteVertexArrays(1, &s->mesh_vao);
    if (s->line_vao)
        glDeleteVertexArrays(1, &s->line_vao);
    GLuint buffers[3] = {s->mesh_vbo, s->mesh_ibo, s->line_vbo};
    glDeleteBuffers(3, buffers);
    if (s->colormap)
        glDeleteTextures(1, &s->colormap);
    if (s->mesh_program)
        glDeleteProgram(s->mesh_program);
    if (s->line_program)
        glDeleteProgram(s->line_program);
    target_free(&s->mesh_target);
    target_free(&s->work_target);
    basin_field_free(&s->field);
    free(s->heights);
    *s = (basin_surface3d){0};
}
