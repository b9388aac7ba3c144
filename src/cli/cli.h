/* cli.h: the `basin` command line as a library, so tests drive it in-process. */
#ifndef BASIN_CLI_H
#define BASIN_CLI_H

#include <stdio.h>

/* Exit statuses: success, a failure while running, bad usage or bad input. */
enum { BASIN_EXIT_OK = 0, BASIN_EXIT_FAILURE = 1, BASIN_EXIT_USAGE = 2 };

/* Runs `basin argv[1..]`, writing results to out and messages to err. Returns the exit status. */
int basin_cli_main(int argc, char **argv, FILE *out, FILE *err);

#endif
