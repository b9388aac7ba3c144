/* cmd_inspect.c: `basin inspect`: per layer, the fans, the weights' mean and variance, and the variance
 * of activations and of back-propagated gradients on a batch: the initialization slides in numbers. */
#include "cli.h"
#include "commands.h"
#include "net_setup.h"

#include "engine/error.h"
#include "lab/output_file.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char basin_inspect_usage[] =
    "usage: basin inspect --model SPEC --data SPEC [--init SPEC | --load-weights DIR] [--seed S]\n"
    "                     [--batch B] [--csv FILE|-]\n"
    "\n"
    "Runs one forward and backward pass in training mode (running statistics untouched) on the first B\n"
    "examples of the training split and prints, per layer: fan_in and fan_out (as torch.nn.init\n"
    "computes them), the mean and variance of its weight, the variance of its output over the batch\n"
    "(act_var) and the variance of the loss gradient with respect to that output (grad_var).\n"
    "\n"
    "options:\n"
    "  --model SPEC, --data SPEC, --init SPEC, --load-weights DIR, --seed S   as for basin train\n"
    "  --batch B         examples in the batch (default 256, at most the training split)\n"
    "  --csv FILE|-      write layer,kind,fan_in,fan_out,weight_mean,weight_var,act_var,grad_var instead\n"
    "                    of the table (empty where a layer has no weight)\n"
    "  -h, --help        show this help\n";

#define usage_error(err, ...) basin_cli_usage_error((err), "inspect", __VA_ARGS__)

static void moments(const double *x, size_t n, double *mean, double *var)
{
    double m = 0, v = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m);
    *mean = m;
    *var = v / (double)n;
}

int basin_cmd_inspect(int argc, char **argv, FILE *out, FILE *err)
{
    static const struct option longs[] = {
        {"model", required_argument, NULL, 'm'}, {"data", required_argument, NULL, 'd'},
        {"init", required_argument, NULL, 'i'},  {"load-weights", required_argument, NULL, 'R'},
        {"seed", required_argument, NULL, 's'},  {"batch", required_argument, NULL, 'b'},
        {"csv", required_argument, NULL, 'C'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *model = NULL, *data = NULL, *init = NULL, *load = NULL, *csv = NULL;
    long seed = 0, batch = 256;
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
        const char *token = argv[optind - 1];
        switch (c) {
        case 'm': model = optarg; break;
        case 'd': data = optarg; break;
        case 'i': init = optarg; break;
        case 'R': load = optarg; break;
        case 'C': csv = optarg; break;
        case 's':
            if (cli_parse_count("inspect", "--seed", optarg, 0, 4294967295.0, &seed, err) != 0)
                return BASIN_EXIT_USAGE;
            break;
        case 'b':
            if (cli_parse_count("inspect", "--batch", optarg, 2, 1e9, &batch, err) != 0)
                return BASIN_EXIT_USAGE;
            break;
        case 'h': fputs(basin_inspect_usage, out); return BASIN_EXIT_OK;
        case ':': usage_error(err, "option '%s' needs a value", token); return BASIN_EXIT_USAGE;
        default:
            usage_error(err, "unknown option '%.*s' (see basin inspect --help)", (int)strcspn(token, "="), token);
            return BASIN_EXIT_USAGE;
        }
    }
    if (optind < argc || !model || !data || (init && load)) {
        if (optind < argc)
            usage_error(err, "unexpected argument '%s' (see basin inspect --help)", argv[optind]);
        else if (init && load)
            usage_error(err, "give --init or --load-weights, not both");
        else
            usage_error(err, "%s is required (see basin inspect --help)", model ? "--data" : "--model");
        return BASIN_EXIT_USAGE;
    }
    if (cli_check_output("inspect", "--csv", csv, false, err) != 0)
        return BASIN_EXIT_USAGE;
    cli_net net;
    int status = cli_net_open(&net, "inspect", model, data, init, load, (unsigned long)seed, err);
    if (status != BASIN_EXIT_OK)
        return status;
    basin_net_problem *np = net.np;
    basin_model *m = np->net.model;
    size_t B = (size_t)batch < net.data->train.n ? (size_t)batch : net.data->train.n;
    double *act_var = calloc(m->n_layers, sizeof *act_var), *grad_var = calloc(m->n_layers, sizeof *grad_var);
    status = BASIN_EXIT_FAILURE;
    basin_output_file f = {0};
    if (!act_var || !grad_var) {
        fprintf(err, "basin inspect: out of memory\n");
        goto done;
    }
    if (basin_net_layer_variances(np, net.w, B, act_var, grad_var) != 0) {
        fprintf(err, "basin inspect: %s\n", basin_error_message());
        status = BASIN_EXIT_USAGE;
        goto done;
    }
    if (basin_output_open(&f, csv ? csv : "-", out) != 0) {
        fprintf(err, "basin inspect: %s\n", basin_error_message());
        goto done;
    }
    if (csv)
        fputs("layer,kind,fan_in,fan_out,weight_mean,weight_var,act_var,grad_var\n", f.stream);
    else
        fprintf(f.stream, "%-5s %-12s %7s %7s %12s %12s %12s %12s\n", "layer", "kind", "fan_in", "fan_out",
                "weight_mean", "weight_var", "act_var", "grad_var");
    for (size_t i = 0; i < m->n_layers; i++) {
        const basin_layer *l = &m->layers[i];
        size_t fan_in, fan_out;
        basin_layer_fans(l, &fan_in, &fan_out);
        double wmean = NAN, wvar = NAN, avar = act_var[i];
        if (fan_in)
            moments(net.w + l->weight, l->n_weight, &wmean, &wvar);
        if (csv) {
            fprintf(f.stream, "%zu,%s,", i, basin_layer_torch_name(l));
            if (fan_in)
                fprintf(f.stream, "%zu,%zu,%.10g,%.10g,", fan_in, fan_out, wmean, wvar);
            else
                fputs(",,,,", f.stream);
            fprintf(f.stream, "%.10g,%.10g\n", avar, grad_var[i]);
        } else if (fan_in) {
            fprintf(f.stream, "%-5zu %-12s %7zu %7zu %12.4g %12.4g %12.4g %12.4g\n", i, basin_layer_torch_name(l),
                    fan_in, fan_out, wmean, wvar, avar, grad_var[i]);
        } else {
            fprintf(f.stream, "%-5zu %-12s %7s %7s %12s %12s %12.4g %12.4g\n", i, basin_layer_torch_name(l), "",
                    "", "", "", avar, grad_var[i]);
        }
    }
    status = basin_output_commit(&f) == 0 ? BASIN_EXIT_OK : BASIN_EXIT_FAILURE;
    if (status != BASIN_EXIT_OK)
        fprintf(err, "basin inspect: %s\n", basin_error_message());
done:
    free(act_var), free(grad_var);
    cli_net_close(&net);
    return status;
}
