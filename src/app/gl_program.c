/* gl_program.c: shader compilation with errors that say which shader and why. */
#include "gl_program.h"

#include "engine/error.h"

#include <string.h>

static GLuint compile(GLenum kind, const char *source, const char *name)
{
    GLuint shader = glCreateShader(kind);
    glShaderSource(shader, 1, &source, NULL);
    glCompileShader(shader);
    GLint ok;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[512] = "";
        glGetShaderInfoLog(shader, sizeof log, NULL, log);
        log[strcspn(log, "\n")] = '\0';
        basin_error_set("the %s %s shader does not compile: %s", name, kind == GL_VERTEX_SHADER ? "vertex" : "fragment",
                        log);
        glDeleteShader(shader);
        return 0;
    }
    return shader;
}

GLuint basin_gl_program(const char *vertex, const char *fragment, const char *name)
{
    GLuint vs = compile(GL_VERTEX_SHADER, vertex, name);
    GLuint fs = vs ? compile(GL_FRAGMENT_SHADER, fragment, name) : 0;
    if (!fs) {
        if (vs)
            glDeleteShader(vs);
        return 0;
    }
    GLuint program = glCreateProgram();
    glAttachShader(program, vs);
    glAttachShader(program, fs);
    glLinkProgram(program);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok;
    glGetProgramiv(program, GL_LINK_STATUS, &ok);
    if (!ok) {
        basin_error_set("the %s shaders do not link", name);
        glDeleteProgram(program);
        return 0;
    }
    return program;
}
