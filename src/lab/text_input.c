/* text_input.c: safe line reading for text inputs. */
#include "text_input.h"

#include "engine/error.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

FILE *basin_text_open(const char *path, bool fifo_ok)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        basin_error_set("%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode) && !(fifo_ok && S_ISFIFO(st.st_mode))) {
        basin_error_set("%s: cannot read: %s", path,
                        S_ISDIR(st.st_mode) ? "a folder, not a file" : "not a regular file");
        return NULL;
    }
    FILE *f = fopen(path, "r");
    if (!f)
        basin_error_set("%s: cannot read: %s", path, strerror(errno));
    return f;
}

int basin_text_line(FILE *f, char *buf, size_t size, const char *path, int line)
{
    size_t len = 0;
    int c;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (c == '\0') {
            basin_error_set("%s:%d: a NUL byte: not a text file", path, line);
            return -1;
        }
        if (len + 1 >= size) {
            basin_error_set("%s:%d: line too long (at most %zu characters)", path, line, size - 1);
            return -1;
        }
        buf[len++] = (char)c;
    }
    buf[len] = '\0';
    if (c == EOF && ferror(f)) {
        basin_error_set("%s:%d: cannot read: %s", path, line, strerror(errno ? errno : EIO));
        return -1;
    }
    return c == EOF && len == 0 ? 0 : 1;
}
