/* commands.h: the subcommands of `basin`, each in its own file, each returning an exit status. */
#ifndef BASIN_COMMANDS_H
#define BASIN_COMMANDS_H

#include "usage.h"

#include "lab/lab.h"

#include <stdio.h>

/* Builds the lab of a scene given by options and simulates it. Returns an exit status; on failure the
 * message ("basin COMMAND: ...") is written to err and lab holds nothing. */
int basin_cli_build_lab(basin_lab *lab, const char *command, const basin_lab_scene *scene, FILE *err);

int basin_cmd_run(int argc, char **argv, FILE *out, FILE *err);  /* basin run */
int basin_cmd_race(int argc, char **argv, FILE *out, FILE *err); /* basin race (the default job) */
int basin_cmd_list(int argc, char **argv, FILE *out, FILE *err); /* basin list */
int basin_cmd_export(int argc, char **argv, FILE *out, FILE *err); /* basin export */
int basin_cmd_open(int argc, char **argv, FILE *out, FILE *err);   /* basin open (the window) */
int basin_cmd_lecture(int argc, char **argv, FILE *out, FILE *err); /* basin lecture: the demos' playlist */
int basin_cmd_train(int argc, char **argv, FILE *out, FILE *err);  /* basin train */
int basin_cmd_data(int argc, char **argv, FILE *out, FILE *err);   /* basin data */
int basin_cmd_inspect(int argc, char **argv, FILE *out, FILE *err); /* basin inspect */
int basin_cmd_analyze(int argc, char **argv, FILE *out, FILE *err); /* basin analyze */
int basin_cmd_landscape(int argc, char **argv, FILE *out, FILE *err); /* basin landscape */

extern const char basin_run_usage[];
extern const char basin_race_usage[];
extern const char basin_list_usage[];
extern const char basin_export_usage[];
extern const char basin_open_usage[];
extern const char basin_train_usage[];
extern const char basin_data_usage[];
extern const char basin_inspect_usage[];
extern const char basin_analyze_usage[];
extern const char basin_landscape_usage[];

#endif
