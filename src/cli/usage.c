/* usage.c: one-line usage errors and whole-number options. */
#include "usage.h"

#include "engine/error.h"
#include "lab/output_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void say(FILE *err, const char *command, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *message = n >= 0 ? malloc((size_t)n + 1) : NULL, line[1024];
    if (message) {
        vsnprintf(message, (size_t)n + 1, fmt, again);
        basin_message_clean(line, sizeof line, message);
    } else {
        vsnprintf(line, sizeof line, fmt, again);
    }
    va_end(again);
    free(message);
    fprintf(err, command ? "basin %s: %s\n" : "basin%s: %s\n", command ? command : "", line);
}

void basin_cli_say(FILE *err, const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(err, command, fmt, ap);
    va_end(ap);
}

int basin_cli_usage_error(FILE *err, const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(err, command, fmt, ap);
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

char *cli_assignment(const char *prefix, const char *value)
{
    char *text = malloc(strlen(prefix) + strlen(value) + 1);
    if (text)
        strcat(strcpy(text, prefix), value);
    return text;
}
