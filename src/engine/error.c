/* error.c: a per-thread buffer holding the last failure's one-line message. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local char last_message[512];

void basin_error_set(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
}

const char *basin_error_message(void)
{
    return last_message;
}

void basin_assert_fail(const char *cond, const char *file, int line)
{
    fprintf(stderr, "basin: internal error: assertion '%s' failed at %s:%d\n", cond, file, line);
    abort();
}
