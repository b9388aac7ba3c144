/* net_setup.c: data set, model and starting weights from the command line. */
#include "net_setup.h"

#include "cli.h"
#include "commands.h"
#include "engine/error.h"
#include "engine/nn/init.h"
#include "engine/nn/train.h"
#include "lab/weights.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
    c->data_seed = seed;
    basin_weights_info info;
    int has_info = load_dir && model ? basin_weights_read_info(load_dir, &info) : 1;
    if (has_info < 0)
        return fail(c, command, BASIN_EXIT_USAGE, err);
    if (has_info == 0)
        c->data_seed = info.seed;
    if (basin_spec_parse(&c->data_spec, BASIN_KIND_DATA, data) != 0)
        return fail(c, command, BASIN_EXIT_USAGE, err);
    if (model && basin_spec_parse(&c->model_spec, BASIN_KIND_MODEL, model) != 0)
        return fail(c, command, BASIN_EXIT_USAGE, err);
    if (model && basin_spec_parse(&c->init_spec, BASIN_KIND_INIT, init ? init : "default") != 0)
        return fail(c, command, BASIN_EXIT_USAGE, err);
    if (!(c->data = basin_dataset_create(c->data_spec.entry, &c->data_spec.params, c->data_seed)))
        return fail(c, command, BASIN_EXIT_USAGE, err);
    if (!model)
        return BASIN_EXIT_OK;
    basin_net net;
    if (basin_net_create(c->model_spec.entry, &c->model_spec.params, c->data, &net) != 0)
        return fail(c, command, BASIN_EXIT_USAGE, err);
    if (!(c->np = basin_net_problem_create(net, c->data, basin_train_seed(seed, BASIN_STREAM_NET))))
        return fail(c, command, BASIN_EXIT_FAILURE, err);
    size_t dim = c->np->base.dim;
    if (!(c->w = calloc(dim ? dim : 1, sizeof *c->w))) {
        basin_error_set("out of memory for %zu parameters", dim);
        return fail(c, command, BASIN_EXIT_FAILURE, err);
    }
    if (load_dir) {
        if (basin_weights_load(load_dir, c->np->net.model, c->w) != 0)
            return fail(c, command, BASIN_EXIT_USAGE, err);
        return BASIN_EXIT_OK;
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng) {
        basin_error_set("out of memory");
        return fail(c, command, BASIN_EXIT_FAILURE, err);
    }
    gsl_rng_set(rng, basin_train_seed(seed, BASIN_STREAM_INIT));
    int rc = basin_init_apply(c->init_spec.entry, &c->init_spec.params, c->np->net.model, c->w, rng);
    gsl_rng_free(rng);
    return rc == 0 ? BASIN_EXIT_OK : fail(c, command, BASIN_EXIT_USAGE, err);
}
