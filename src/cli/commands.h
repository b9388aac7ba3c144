/* commands.h: the subcommands of `basin`, each in its own file, each returning an exit status. */
#ifndef BASIN_COMMANDS_H
#define BASIN_COMMANDS_H

#include <stdio.h>

int basin_cmd_run(int argc, char **argv, FILE *out, FILE *err);  /* basin run */
int basin_cmd_race(int argc, char **argv, FILE *out, FILE *err); /* basin race (the default job) */
int basin_cmd_list(int argc, char **argv, FILE *out, FILE *err); /* basin list */

extern const char basin_run_usage[];
extern const char basin_race_usage[];
extern const char basin_list_usage[];

#endif
