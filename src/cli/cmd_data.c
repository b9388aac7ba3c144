/* cmd_data.c: `basin data`: the examples training uses, as CSV, so a run can be reproduced elsewhere. */
#include "cli.h"
#include "commands.h"
#include "net_setup.h"

#include "engine/error.h"
#include "lab/output_file.h"

#include <getopt.h>
#include <string.h>

const char basin_data_usage[] =
    "usage: basin data --data SPEC [--seed S] [--split train|test] --csv FILE|-\n"
    "\n"
    "Writes the examples of a data set's training (default) or test split exactly as training sees\n"
    "them (after the seeded split and, unless the spec says standardize=false, standardization by the\n"
    "training split's statistics): columns x0,x1,...,label, or x0,...,target for regression, in %.17g.\n"
    "\n"
    "options:\n"
    "  --data SPEC       e.g. spirals:n=500,noise=0.05 or digits (basin list data)\n"
    "  --seed S          seed of the generated examples and the split (default 0), as basin train's\n"
    "  --split NAME      train or test (default train)\n"
    "  --csv FILE|-      where to write; '-' is standard output\n"
    "  -h, --help        show this help\n";

#define usage_error(err, ...) basin_cli_usage_error((err), "data", __VA_ARGS__)

int basin_cmd_data(int argc, char **argv, FILE *out, FILE *err)
{
    static const struct option longs[] = {
        {"data", required_argument, NULL, 'd'}, {"seed", required_argument, NULL, 's'},
        {"split", required_argument, NULL, 'p'}, {"csv", required_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0}};
    const char *data = NULL, *split = "train", *csv = NULL;
    long seed = 0;
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
        const char *token = argv[optind - 1];
        switch (c) {
        case 'd': data = optarg; break;
        case 'p': split = optarg; break;
        case 'C': csv = optarg; break;
        case 's':
            if (cli_parse_count("data", "--seed", optarg, 0, 4294967295.0, &seed, err) != 0)
                return BASIN_EXIT_USAGE;
            break;
        case 'h': fputs(basin_data_usage, out); return BASIN_EXIT_OK;
        case ':': usage_error(err, "option '%s' needs a value", token); return BASIN_EXIT_USAGE;
        default:
            usage_error(err, "unknown option '%.*s' (see basin data --help)", (int)strcspn(token, "="), token);
            return BASIN_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        usage_error(err, "unexpected argument '%s' (see basin data --help)", argv[optind]);
        return BASIN_EXIT_USAGE;
    }
    if (!data || !csv) {
        usage_error(err, "%s is required (e.g. basin data --data spirals --csv -)", data ? "--csv" : "--data");
        return BASIN_EXIT_USAGE;
    }
    if (strcmp(split, "train") != 0 && strcmp(split, "test") != 0) {
        usage_error(err, "--split '%s' is not train or test", split);
        return BASIN_EXIT_USAGE;
    }
    if (cli_check_output("data", "--csv", csv, false, err) != 0)
        return BASIN_EXIT_USAGE;
    cli_net net;
    int status = cli_net_open(&net, "data", NULL, data, NULL, NULL, (unsigned long)seed, err);
    if (status != BASIN_EXIT_OK)
        return status;
    const basin_dataset *d = net.data;
    const basin_split *s = strcmp(split, "train") == 0 ? &d->train : &d->test;
    basin_output_file f;
    if (basin_output_open(&f, csv, out) != 0) {
        fprintf(err, "basin data: %s\n", basin_error_message());
        cli_net_close(&net);
        return BASIN_EXIT_FAILURE;
    }
    for (size_t j = 0; j < d->n_features; j++)
        fprintf(f.stream, "x%zu,", j);
    if (d->n_classes)
        fputs("label\n", f.stream);
    for (size_t k = 0; k < d->n_targets; k++)
        fprintf(f.stream, "target%s", k + 1 < d->n_targets ? "," : "\n");
    for (size_t i = 0; i < s->n; i++) {
        for (size_t j = 0; j < d->n_features; j++)
            fprintf(f.stream, "%.17g,", s->x[i * d->n_features + j]);
        if (d->n_classes)
            fprintf(f.stream, "%d\n", s->label[i]);
        for (size_t k = 0; k < d->n_targets; k++)
            fprintf(f.stream, "%.17g%s", s->target[i * d->n_targets + k], k + 1 < d->n_targets ? "," : "\n");
    }
    cli_net_close(&net);
    if (basin_output_commit(&f) != 0) {
        fprintf(err, "basin data: %s\n", basin_error_message());
        return BASIN_EXIT_FAILURE;
    }
    return BASIN_EXIT_OK;
}
