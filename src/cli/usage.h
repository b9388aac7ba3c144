/* usage.h: what every command's option parsing shares (below the commands: they use it, cli.c does not
 * call back into it). */
#ifndef BASIN_CLI_USAGE_H
#define BASIN_CLI_USAGE_H

#include <stdbool.h>
#include <stdio.h>

/* Writes "basin COMMAND: MESSAGE" (or "basin: MESSAGE" for a NULL command) to err as one line, cleaned by
 * basin_message_clean (control bytes escaped, long tokens shortened). */
void basin_cli_say(FILE *err, const char *command, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* basin_cli_say, returning -1 (for option parsers). */
int basin_cli_usage_error(FILE *err, const char *command, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Parses a whole number within [min, max] for option name. Returns 0, or -1 with a usage message. */
int cli_parse_count(const char *command, const char *option, const char *text, double min, double max,
                    long *out, FILE *err);

/* Checks an output option before any work (path NULL: not given): see basin_output_check. Returns 0, or
 * -1 with a usage message: an unwritable output is bad input in every command (exit status 2). */
int cli_check_output(const char *command, const char *option, const char *path, bool folder, FILE *err);

/* prefix followed by value ("lab.steps=" "500"), for an option that is a lab override. Returns a string
 * the caller frees, or NULL when out of memory. */
char *cli_assignment(const char *prefix, const char *value);

#endif
