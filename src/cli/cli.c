/* cli.c: `basin COMMAND ...`: dispatch, global help and version. */
#include "cli.h"
#include "commands.h"

#include "engine/parallel/comm_mpi.h"
#include "engine/parallel/thread_policy.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

static const char usage[] =
    "usage: basin [COMMAND] [OPTIONS]\n"
    "\n"
    "Basin is an optimization and loss-landscape lab: real optimizers (torch.optim's exact semantics)\n"
    "on test surfaces, quadratics and least squares, with their trajectories, and real small neural\n"
    "networks trained in C on built-in data sets.\n"
    "\n"
    "commands:\n"
    "  open     open a lab in the interactive window (what `basin` alone does, on the default demo)\n"
    "  lecture  open the demos in the lecture's order (demos/lecture.playlist; PageDown for the next)\n"
    "  race     race every optimizer on an ill-conditioned quadratic, printed as a table\n"
    "  run      run optimizers on a surface; print a summary table or the trajectories as CSV\n"
    "  list     list the surfaces, optimizers, schedules, models, data sets, initializers and augmentations\n"
    "  export   draw a lab (a lab file, or specs) as a PNG, SVG or PDF figure\n"
    "  train    train a neural network on a built-in data set (log, weights, gradients)\n"
    "  data     write a data set's examples as CSV, exactly as training sees them\n"
    "  inspect  per-layer fans, weight statistics, activation and gradient variance of a network\n"
    "  analyze  the Hessian at a point: eigenvalues, trace, condition number, density, sharpness\n"
    "  landscape  the loss over a 1-D or 2-D slice of parameter space (Li et al.), as CSV and figures\n"
    "  help     show a command's help (basin help run)\n"
    "\n"
    "Things are named by specs: NAME[:KEY=VALUE[,KEY=VALUE]...]; a list value separates items\n"
    "with '/', e.g. quadratic:eig=1/50,angle=30 or sgd:lr=0.03,momentum=0.9.\n"
    "\n"
    "options:\n"
    "  -h, --help     show this help\n"
    "  --version      show the version\n"
    "\n"
    "Exit status: 0 success, 1 a failure while running, 2 bad usage or bad input.\n";

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv, FILE *out, FILE *err);
    const char *usage;
} command;

static const command commands[] = {
    {"race", basin_cmd_race, basin_race_usage},
    {"run", basin_cmd_run, basin_run_usage},
    {"list", basin_cmd_list, basin_list_usage},
    {"export", basin_cmd_export, basin_export_usage},
    {"open", basin_cmd_open, basin_open_usage},
    {"lecture", basin_cmd_lecture, basin_open_usage},
    {"train", basin_cmd_train, basin_train_usage},
    {"data", basin_cmd_data, basin_data_usage},
    {"inspect", basin_cmd_inspect, basin_inspect_usage},
    {"analyze", basin_cmd_analyze, basin_analyze_usage},
    {"landscape", basin_cmd_landscape, basin_landscape_usage},
};

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int help(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 3) {
        fputs(usage, out);
        return BASIN_EXIT_OK;
    }
    const command *c = find_command(argv[2]);
    if (!c || argc > 3) {
        basin_cli_say(err, "help", "unknown command '%s' (commands: open, lecture, race, run, list, export, train, data, inspect, analyze, landscape)", argv[c ? 3 : 2]);
        return BASIN_EXIT_USAGE;
    }
    fputs(c->usage, out);
    return BASIN_EXIT_OK;
}

static int dispatch(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2) {
        char *open[] = {"open", NULL};
        return basin_cmd_open(1, open, out, err);
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0)
        return help(1, argv, out, err);
    if (strcmp(name, "help") == 0)
        return help(argc, argv, out, err);
    if (strcmp(name, "--version") == 0) {
        fprintf(out, "basin %s (MPI backend: %s)\n", BASIN_VERSION, basin_mpi_built() ? "built in" : "not built");
        return BASIN_EXIT_OK;
    }
    const command *c = find_command(name);
    if (!c) {
        basin_cli_say(err, NULL, "unknown command '%s' (commands: open, race, run, list, export, train, data, inspect, analyze, landscape; see basin --help)", name);
        return BASIN_EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1, out, err);
}

/* Whatever a command printed must have reached standard output: a full disk or a closed pipe there is a
 * failure (status 1), as for any other output, not a silent success. */
int basin_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
    basin_blas_policy_init();
    int status = dispatch(argc, argv, out, err);
    if ((fflush(out) != 0 || ferror(out)) && status == BASIN_EXIT_OK) {
        basin_cli_say(err, NULL, "cannot write to standard output: %s", strerror(errno));
        status = BASIN_EXIT_FAILURE;
    }
    return status;
}
