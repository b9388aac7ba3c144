/* net_setup.c: data set, model and starting weights from the command line. */
#include "net_setup.h"

#include "cli.h"
#include "commands.h"
#include "engine/error.h"
#include "lab/subject.h"
#include "lab/weights.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cli_check_subject(const char *command, const char *surface, const char *at, const char *model, const char *data,
                      const char *init, const char *load, FILE *err)
{
    if (!surface == !model)
        return basin_cli_usage_error(err, command, "give --surface SPEC --at X or --model SPEC --data SPEC (see basin %s "
                                                   "--help)",
                                     command);
    if (surface && !at)
        return basin_cli_usage_error(err, command, "--at is required with --surface (e.g. --at=1,1)");
    if (model && !data)
        return basin_cli_usage_error(err, command, "--data is required with --model");
    if (init && load)
        return basin_cli_usage_error(err, command, "give --init or --load-weights, not both");
    return 0;
}

void cli_net_close(cli_net *c)
{
    basin_problem_destroy(c->np ? &c->np->base : NULL);
    basin_dataset_destroy(c->data);
    free(c->w);
    basin_spec_clear(&c->model_spec);
    basin_spec_clear(&c->data_spec);
    basin_spec_clear(&c->init_spec);
    memset(c, 0, sizeof *c);
}

static int fail(cli_net *c, const char *command, int status, FILE *err)
{
    fprintf(err, "basin %s: %s\n", command, basin_error_message());
    cli_net_close(c);
    return status;
}

int cli_check_seed_with_weights(const char *command, const char *load, bool seed_given, const char *other_option,
                                FILE *err)
{
    basin_weights_info info;
    if (!load || !seed_given || basin_weights_read_info(load, &info) != 0)
        return 0;
    return basin_cli_usage_error(err, command, "--seed redraws the data set, but %s was trained on %s drawn with seed "
                                 "%lu (model.txt); for other random %s use %s",
                                 load, info.data, info.seed, strcmp(other_option, "--direction-seed") == 0
                                 ? "directions" : "probes", other_option);
}

int cli_net_open(cli_net *c, const char *command, const char *model, const char *data, const char *init,
                 const char *load_dir, unsigned long seed, FILE *err)
{
    memset(c, 0, sizeof *c);
    if (basin_spec_parse(&c->data_spec, BASIN_KIND_DATA, data) != 0)
        return fail(c, command, BASIN_EXIT_USAGE, err);
    if (model && basin_spec_parse(&c->model_spec, BASIN_KIND_MODEL, model) != 0)
        return fail(c, command, BASIN_EXIT_USAGE, err);
    if (model && basin_spec_parse(&c->init_spec, BASIN_KIND_INIT, init ? init : "default") != 0)
        return fail(c, command, BASIN_EXIT_USAGE, err);
    if (!(c->data = basin_subject_data(&c->data_spec, model ? load_dir : NULL, seed, &c->data_seed)))
        return fail(c, command, BASIN_EXIT_USAGE, err);
    if (!model)
        return BASIN_EXIT_OK;
    switch (basin_subject_net(c->data, &c->model_spec, &c->init_spec, load_dir, seed, &c->np, &c->w)) {
    case BASIN_SUBJECT_OK: return BASIN_EXIT_OK;
    case BASIN_SUBJECT_BAD_INPUT: return fail(c, command, BASIN_EXIT_USAGE, err);
    case BASIN_SUBJECT_NO_MEMORY: break;
    }
    return fail(c, command, BASIN_EXIT_FAILURE, err);
}
