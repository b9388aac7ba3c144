/* error.c: a per-thread buffer holding the last failure's one-line message. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local char last_message[512];

/* Formats through a scratch buffer, so a message may wrap the previous one
 * (basin_error_set("layer 3: %s", basin_error_message())). */
void basin_error_set(const char *fmt, ...)
{
    char message[sizeof last_message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    snprintf(last_message, sizeof last_message, "%s", message);
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
