/* gl_program.h: compiling and linking a GLSL program from embedded sources. */
#ifndef BASIN_GL_PROGRAM_H
#define BASIN_GL_PROGRAM_H

#include <epoxy/gl.h>

/* Returns a linked program of the vertex and fragment sources, or 0 with a message naming name and the
 * compiler's first log line. */
GLuint basin_gl_program(const char *vertex, const char *fragment, const char *name);

#endif
