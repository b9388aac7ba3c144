/* gl_panels.c: one textured quad for the cairo panels. */
#include "gl_panels.h"

#include "gl_program.h"
#include "shaders.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int basin_gl_panels_init(basin_gl_panels *p)
{
    *p = (basin_gl_panels){0};
    p->program = basin_gl_program(shader_panel_vert, shader_panel_frag, "panel");
    if (!p->program)
        return -1;
    glGenVertexArrays(1, &p->vao);
    glGenTextures(1, &p->texture);
    glBindTexture(GL_TEXTURE_2D, p->texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    return 0;
}

void basin_gl_panels_upload(basin_gl_panels *p, cairo_surface_t *image)
{
    cairo_surface_flush(image);
    int w = cairo_image_surface_get_width(image), h = cairo_image_surface_get_height(image);
    glBindTexture(GL_TEXTURE_2D, p->texture);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, cairo_image_surface_get_stride(image) / 4);
    const void *data = cairo_image_surface_get_data(image);
    if (w != p->width || h != p->height) {
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_BGRA, GL_UNSIGNED_INT_8_8_8_8_REV, data);
        p->width = w;
        p->height = h;
    } else {
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_BGRA, GL_UNSIGNED_INT_8_8_8_8_REV, data);
    }
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
}

void basin_gl_panels_draw(const basin_gl_panels *p)
{
    glUseProgram(p->program);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, p->texture);
    glUniform1i(glGetUniformLocation(p->program, "panels"), 0);
    glBindVertexArray(p->vao);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}

void basin_gl_panels_free(basin_gl_panels *p)
{
    if (p->texture)
        glDeleteTextures(1, &p->texture);
    if (p->vao)
        glDeleteVertexArrays(1, &p->vao);
    if (p->program)
        glDeleteProgram(p->program);
    *p = (basin_gl_panels){0};
}

cairo_surface_t *basin_gl_read_pixels(int width, int height)
{
    cairo_surface_t *image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS)
        return NULL;
    cairo_surface_flush(image);
    unsigned char *data = cairo_image_surface_get_data(image);
    int stride = cairo_image_surface_get_stride(image);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glPixelStorei(GL_PACK_ROW_LENGTH, stride / 4);
    glReadPixels(0, 0, width, height, GL_BGRA, GL_UNSIGNED_INT_8_8_8_8_REV, data);
    glPixelStorei(GL_PACK_ROW_LENGTH, 0);
    unsigned char *row = malloc((size_t)stride); /* GL's first row is the bottom one */
    for (int y = 0; row && y < height / 2; y++) {
        memcpy(row, data + y * stride, (size_t)stride);
        memcpy(data + y * stride, data + (height - 1 - y) * stride, (size_t)stride);
        memcpy(data + (height - 1 - y) * stride, row, (size_t)stride);
    }
    free(row);
    cairo_surface_mark_dirty(image);
    return image;
}
