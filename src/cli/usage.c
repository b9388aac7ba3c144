/* usage.c: one-line usage errors and whole-number options. */
#include "usage.h"

#include "engine/error.h"
#include "lab/output_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

int basin_cli_usage_error(FILE *err, const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(err, "basin %s: ", command);
    vfprintf(err, fmt, ap);
    fputc('\n', err);
    va_end(ap);
    return -1;
}

int cli_parse_count(const char *command, const char *option, const char *text, double min, double max,
                    long *out, FILE *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno || (double)v < min || (double)v > max)
        return basin_cli_usage_error(err, command, "%s '%s' is not a whole number in [%.0f, %.0f]", option, text,
                                     min, max);
    *out = (long)v;
    return 0;
}

int cli_check_output(const char *command, const char *option, const char *path, bool folder, FILE *err)
{
    if (!path || basin_output_check(option, path, folder) == 0)
        return 0;
    return basin_cli_usage_error(err, command, "%s", basin_error_message());
}
