/* cmd_run.c: `basin run` (optimizers on a surface, summary table or CSV) and `basin race` (the built-in
 * race on an ill-conditioned quadratic, as a table). */
#include "cli.h"
#include "commands.h"
#include "render/output_file.h"

#include "engine/error.h"
#include "engine/analysis/stationary.h"
#include "engine/problem.h"
#include "engine/run.h"
#include "engine/schedule.h"
#include "lab/lab.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char basin_run_usage[] =
    "usage: basin run --surface SPEC --opt SPEC [--opt SPEC ...] --start=X0,X1[,...]\n"
    "                 [--schedule SPEC] [--steps N] [--seed S] [--batch B] [--tol T] [--csv FILE|-]\n"
    "                 [--parallel async:workers=K[,order=round-robin|fixed,delay=T|events,speeds=..][,ssp=S]\n"
    "                                   [,lr_staleness=inverse]]\n"
    "\n"
    "Runs each optimizer from the start point on the surface and prints a summary table: final and\n"
    "best loss, its final distance to the tolerance's criterion, the step from which it stayed within the\n"
    "tolerance, and the result: converged only when it ended within it.\n"
    "\n"
    "options:\n"
    "  --surface SPEC    the problem, e.g. rosenbrock or quadratic:eig=1/50,angle=30 (basin list surfaces)\n"
    "  --opt SPEC        an optimizer, e.g. sgd:lr=0.01,momentum=0.9; repeat to race several\n"
    "  --start X0,X1,... the start point, one value per parameter (write --start=-1,2 or --start -1,2)\n"
    "  --schedule SPEC   a learning-rate schedule for every run, e.g. cosine:warmup=10 (default constant)\n"
    "  --steps N         steps per run (default 100)\n"
    "  --seed S          seed of the runs' randomness: minibatches and gradient noise (default 0)\n"
    "  --batch B         minibatch size on a finite-sum surface such as linreg (default: all examples);\n"
    "                    Newton then uses the minibatch's Hessian too (stochastic Newton)\n"
    "  --parallel SPEC   asynchronous SGD for every run: K workers push gradients of the point they read,\n"
    "                    K−1 updates old (round-robin), delay= updates old (order=fixed), or as a\n"
    "                    simulated clock says (order=events, speeds=1/1/1/0.25 for a straggler);\n"
    "                    ssp=S keeps every worker within S pushes of the slowest (ssp=0: synchronous);\n"
    "                    lr_staleness=inverse divides each step's learning rate by its staleness\n"
    "  --tol T           tolerance of 'steps to tol': on f − f* where f* is known, else on |grad f|\n"
    "                    (default 1e-6)\n"
    "  --csv FILE|-      write every step instead of the table: a header step,loss,x0,x1,...,lr,grad_norm\n"
    "                    (with several --opt a first column run names each run), then one row per step\n"
    "                    from 0 (the start) to N, in %.17g so that values read back exactly; lr is the\n"
    "                    learning rate of the step taken from that row. With --parallel two more columns:\n"
    "                    staleness (τ of the gradient that made the row's point) and sim_time (the\n"
    "                    simulated clock, in gradients of a speed-1 worker). When a run's optimizer keeps\n"
    "                    an averaged iterate (asgd), columns avg_x0,avg_x1,... give it (empty for the\n"
    "                    other runs). '-' writes to standard output.\n"
    "  -h, --help        show this help\n"
    "\n"
    "A run that diverges (a non-finite value or |loss| > 1e100) stops there, keeps every finite row and\n"
    "is reported on standard error as 'diverged at step k'; the exit status stays 0.\n"
    "Exit status: 0 success, 1 a failure while running, 2 bad usage or bad input.\n";

const char basin_race_usage[] =
    "usage: basin race\n"
    "\n"
    "Races every optimizer on the ill-conditioned quadratic quadratic:eig=1/50,angle=30 from (2.5, 1.5)\n"
    "for 150 steps and prints the summary table. It is `basin run` with a fixed line-up.\n";

typedef struct run_options {
    const char *surface, *schedule, *start, *steps, *seed, *batch, *csv, *parallel;
    const char **opts;
    size_t n_opts;
    double tol;
} run_options;

#define usage_error(err, ...) basin_cli_usage_error((err), "run", __VA_ARGS__)

static int parse_real(const char *text, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (end == text || *end != '\0' || errno || !isfinite(x))
        return -1;
    *out = x;
    return 0;
}

/* Parses the options into o. Returns -1 on bad usage (message written), 1 when help was printed,
 * 0 to go on. */
static int parse_options(int argc, char **argv, run_options *o, FILE *out, FILE *err)
{
    static const struct option longs[] = {
        {"surface", required_argument, NULL, 'S'}, {"opt", required_argument, NULL, 'o'},
        {"schedule", required_argument, NULL, 'c'}, {"start", required_argument, NULL, 'x'},
        {"steps", required_argument, NULL, 'n'},   {"seed", required_argument, NULL, 's'},
        {"batch", required_argument, NULL, 'b'},   {"tol", required_argument, NULL, 't'},
        {"csv", required_argument, NULL, 'C'},     {"parallel", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    *o = (run_options){.tol = 1e-6};
    o->opts = calloc((size_t)argc, sizeof *o->opts);
    if (!o->opts)
        return usage_error(err, "out of memory");
    optind = 0; /* glibc: start a fresh scan (the CLI may run more than once in a process) */
    opterr = 0;
    int c;
    double x;
    while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
        const char *token = argv[optind - 1];
        switch (c) {
        case 'S': o->surface = optarg; break;
        case 'o': o->opts[o->n_opts++] = optarg; break;
        case 'c': o->schedule = optarg; break;
        case 'x': o->start = optarg; break;
        case 'C': o->csv = optarg; break;
        case 'P': o->parallel = optarg; break;
        case 'n': o->steps = optarg; break;
        case 's': o->seed = optarg; break;
        case 'b': o->batch = optarg; break;
        case 't':
            if (parse_real(optarg, &x) != 0 || x < 0)
                return usage_error(err, "--tol '%s' is not a non-negative number", optarg);
            o->tol = x;
            break;
        case 'h':
            fputs(basin_run_usage, out);
            return 1;
        case ':':
            return usage_error(err, "option '%s' needs a value", token);
        default:
            return usage_error(err, "unknown option '%.*s' (see basin run --help)", (int)strcspn(token, "="),
                               token);
        }
    }
    if (optind < argc)
        return usage_error(err, "unexpected argument '%s' (see basin run --help)", argv[optind]);
    if (!o->surface)
        return usage_error(err, "--surface is required (e.g. --surface rosenbrock; basin list surfaces)");
    if (o->n_opts == 0)
        return usage_error(err, "--opt is required (e.g. --opt sgd:lr=0.01; basin list optimizers)");
    if (!o->start)
        return usage_error(err, "--start is required (e.g. --start=-1.5,2)");
    return cli_check_output("run", "--csv", o->csv, false, err);
}

int basin_cli_build_lab(basin_lab *lab, const char *command, const basin_lab_scene *scene, FILE *err)
{
    if (basin_lab_from_specs(lab, scene) != 0) {
        fprintf(err, "basin %s: %s\n", command, basin_error_message());
        return BASIN_EXIT_USAGE;
    }
    if (basin_lab_simulate(lab) != 0) {
        fprintf(err, "basin %s: %s\n", command, basin_error_message());
        basin_lab_free(lab);
        return BASIN_EXIT_FAILURE;
    }
    return BASIN_EXIT_OK;
}

static void write_csv_field(FILE *f, const char *text)
{
    if (!strpbrk(text, ",\"\n")) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            fputc('"', f);
        fputc(*c, f);
    }
    fputc('"', f);
}

static void write_csv(FILE *f, const basin_lab *lab)
{
    size_t dim = lab->problem->dim;
    bool named = lab->n_runs > 1, stale = false, averaged = false;
    for (size_t i = 0; i < lab->n_runs; i++) {
        stale = stale || lab->runs[i].run->async;
        averaged = averaged || lab->runs[i].run->trace.average;
    }
    fputs(named ? "run,step,loss" : "step,loss", f);
    for (size_t j = 0; j < dim; j++)
        fprintf(f, ",x%zu", j);
    fputs(stale ? ",lr,grad_norm,staleness,sim_time" : ",lr,grad_norm", f);
    for (size_t j = 0; averaged && j < dim; j++)
        fprintf(f, ",avg_x%zu", j);
    fputc('\n', f);
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_trace *tr = &lab->runs[i].run->trace;
        for (size_t t = 0; t < tr->len; t++) {
            if (named) {
                write_csv_field(f, lab->runs[i].label);
                fputc(',', f);
            }
            fprintf(f, "%zu,%.17g", t, tr->loss[t]);
            for (size_t j = 0; j < dim; j++)
                fprintf(f, ",%.17g", tr->w[t * dim + j]);
            fprintf(f, ",%.17g,%.17g", tr->lr[t], tr->grad_norm[t]);
            if (stale)
                fprintf(f, ",%.17g,%.17g", tr->staleness[t], tr->sim_time[t]);
            for (size_t j = 0; averaged && j < dim; j++) /* empty for a run without an averaged iterate */
                fprintf(f, tr->average ? ",%.17g" : ",", tr->average ? tr->average[t * dim + j] : 0);
            fputc('\n', f);
        }
    }
}

/* "eigenvalues 1 and 50, condition number 50" for the Hessian at the start, or nothing if too large. */
static void describe_hessian(FILE *out, const basin_lab *lab)
{
    size_t n = lab->problem->dim;
    double *eval = malloc(n * sizeof *eval);
    basin_point_shape shape;
    if (eval) {
        if (basin_point_curvature(lab->problem, lab->runs[0].start, eval, NULL, &shape) == 0) {
            fputs("Hessian at the start: eigenvalues ", out);
            if (n <= 6)
                for (size_t i = 0; i < n; i++)
                    fprintf(out, "%s%.4g", i == 0 ? "" : i + 1 == n ? " and " : ", ", eval[i]);
            else
                fprintf(out, "from %.4g to %.4g", eval[0], eval[n - 1]);
            size_t negative = 0;
            for (size_t i = 0; i < n; i++)
                negative += eval[i] < 0;
            if (eval[0] > 0)
                fprintf(out, ", condition number %.4g\n", eval[n - 1] / eval[0]);
            else if (negative)
                fprintf(out, "; indefinite: %zu negative\n", negative);
            else
                fputs("; singular\n", out);
        }
    }
    free(eval);
}

/* The result column of a run that did not diverge: converged (it ended within the tolerance of f*, or at a
 * point of zero gradient when f* is unknown), or stopped where the gradient vanishes but f* was not
 * reached. */
static const char *run_result(const basin_problem *p, const basin_run *run, bool ended_within, double tol)
{
    const basin_trace *tr = &run->trace;
    bool stationary = tr->len > 0 && tr->grad_norm[tr->len - 1] <= tol;
    if (!ended_within && !stationary)
        return "not converged";
    double *eval = malloc(p->dim * sizeof *eval);
    basin_point_shape shape = BASIN_POINT_MINIMUM; /* when it cannot tell: too large, not finite */
    if (!eval || basin_point_curvature(p, run->w, eval, NULL, &shape) != 0)
        shape = BASIN_POINT_MINIMUM;
    free(eval);
    if (shape == BASIN_POINT_MAXIMUM || shape == BASIN_POINT_SADDLE)
        return shape == BASIN_POINT_MAXIMUM ? "reached a maximum" : "reached a saddle";
    return ended_within ? "converged" : "stuck in a local minimum";
}

static void write_table(FILE *out, const basin_lab *lab, double tol)
{
    const basin_problem *p = lab->problem;
    const double *start = lab->runs[0].start;
    bool known_min = isfinite(p->f_min);
    fprintf(out, "%s (%zu parameters%s) from (", lab->surface.text, p->dim,
            p->n_examples ? ", a sum over examples" : "");
    for (size_t j = 0; j < p->dim && j < 6; j++)
        fprintf(out, "%s%g", j ? ", " : "", start[j]);
    fprintf(out, "%s), %ld steps, seed %lu\n", p->dim > 6 ? ", ..." : "", lab->steps, lab->runs[0].seed);
    describe_hessian(out, lab);
    if (known_min)
        fprintf(out, "minimum value f* = %.10g\n", p->f_min);
    fputc('\n', out);

    int width = 3;
    for (size_t i = 0; i < lab->n_runs; i++)
        if ((int)strlen(lab->runs[i].label) > width)
            width = (int)strlen(lab->runs[i].label);
    /* "steps to" counts the step from which the run stayed within the tolerance to its end: a noisy run
     * that only touched it is not converged, and its result says where it touched and where it ended. */
    const char *gap_name = known_min ? "f-f*" : "|grad|";
    char criterion[64], final_gap[32];
    snprintf(criterion, sizeof criterion, "steps to %s<=%g", gap_name, tol);
    snprintf(final_gap, sizeof final_gap, "final %s", gap_name);
    fprintf(out, "%-*s  %12s  %12s  %12s  %*s  %s\n", width, "run", "final loss", "best loss", final_gap,
            (int)strlen(criterion), criterion, "result");
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_run *run = lab->runs[i].run;
        const basin_trace *tr = &run->trace;
        double best = INFINITY, gap = NAN;
        long touched = -1, stayed = -1;
        for (size_t t = 0; t < tr->len; t++) {
            best = fmin(best, tr->loss[t]);
            gap = known_min ? tr->loss[t] - p->f_min : tr->grad_norm[t];
            if (gap <= tol) {
                touched = touched < 0 ? (long)t : touched;
                stayed = stayed < 0 ? (long)t : stayed;
            } else {
                stayed = -1;
            }
        }
        char stayed_text[32] = "-", result[128];
        if (stayed >= 0)
            snprintf(stayed_text, sizeof stayed_text, "%ld", stayed);
        if (run->diverged_at >= 0)
            snprintf(result, sizeof result, "%s at step %ld",
                     strcmp(run->stop_reason, "diverged") == 0 ? "diverged" : "stopped", run->diverged_at);
        else if (touched >= 0 && stayed < 0)
            snprintf(result, sizeof result, "not converged: within %g at step %ld, ended %.3g× above it", tol,
                     touched, gap / tol);
        else
            snprintf(result, sizeof result, "%s", run_result(p, run, stayed >= 0, tol));
        fprintf(out, "%-*s  %12.5g  %12.5g  %12.3g  %*s  %s\n", width, lab->runs[i].label,
                tr->len ? tr->loss[tr->len - 1] : NAN, best, gap, (int)strlen(criterion), stayed_text, result);
    }
    for (size_t i = 0; i < lab->n_runs; i++) { /* the averaged iterates ASGD keeps beside its last point */
        const basin_trace *tr = &lab->runs[i].run->trace;
        if (!tr->average || tr->len == 0)
            continue;
        const double *last = tr->average + (tr->len - 1) * p->dim;
        double loss = basin_problem_eval(p, last, NULL);
        fprintf(out, "%s's averaged iterate: loss %.5g", lab->runs[i].label, loss);
        if (known_min)
            fprintf(out, ", f-f* %.3g", loss - p->f_min);
        fputs(" at (", out);
        for (size_t j = 0; j < p->dim && j < 6; j++)
            fprintf(out, "%s%.6g", j ? ", " : "", last[j]);
        fputs(p->dim > 6 ? ", ...)\n" : ")\n", out);
    }
}

static int execute(const run_options *o, FILE *out, FILE *err)
{
    basin_lab lab;
    basin_lab_scene scene = {o->surface, o->schedule, o->start, o->steps, o->seed, o->batch, o->opts, o->n_opts,
                             o->parallel};
    int status = basin_cli_build_lab(&lab, "run", &scene, err);
    if (status != BASIN_EXIT_OK)
        return status;
    for (size_t i = 0; i < lab.n_runs; i++) {
        const basin_run *run = lab.runs[i].run;
        if (run->diverged_at < 0)
            continue;
        if (strcmp(run->stop_reason, "diverged") == 0)
            basin_cli_say(err, "run", "'%s' diverged at step %ld", lab.runs[i].label, run->diverged_at);
        else
            basin_cli_say(err, "run", "'%s' stopped at step %ld: %s", lab.runs[i].label, run->diverged_at,
                    run->stop_reason);
    }
    if (o->csv) {
        basin_output_file f;
        if (basin_output_open(&f, o->csv, out) != 0) {
            fprintf(err, "basin run: --csv: %s\n", basin_error_message());
            status = BASIN_EXIT_USAGE;
        } else {
            write_csv(f.stream, &lab);
            if (basin_output_commit(&f) != 0) {
                fprintf(err, "basin run: --csv: %s\n", basin_error_message());
                status = BASIN_EXIT_FAILURE;
            }
        }
    } else {
        write_table(out, &lab, o->tol);
    }
    basin_lab_free(&lab);
    return status;
}

int basin_cmd_run(int argc, char **argv, FILE *out, FILE *err)
{
    run_options o;
    int parsed = parse_options(argc, argv, &o, out, err);
    int status = parsed < 0 ? BASIN_EXIT_USAGE : parsed > 0 ? BASIN_EXIT_OK : execute(&o, out, err);
    free(o.opts);
    return status;
}

int basin_cmd_race(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc > 1) {
        if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
            fputs(basin_race_usage, out);
            return BASIN_EXIT_OK;
        }
        basin_cli_say(err, "race", "unexpected argument '%s' (basin race takes none)", argv[1]);
        return BASIN_EXIT_USAGE;
    }
    static const char *lineup[] = {
        "sgd:lr=0.039",
        "sgd:lr=0.039,momentum=0.7",
        "sgd:lr=0.025,momentum=0.8,nesterov=true",
        "adagrad:lr=2",
        "rmsprop:lr=0.05",
        "adam:lr=0.2",
        "newton",
    };
    run_options o = {.surface = "quadratic:eig=1/50,angle=30", .start = "2.5,1.5", .steps = "150", .tol = 1e-6,
                     .opts = lineup, .n_opts = sizeof lineup / sizeof *lineup};
    fputs("Basin race: gradient descent at lr just under 2/λmax = 0.04 against momentum, Nesterov,\n"
          "Adagrad, RMSProp, Adam and Newton on an ill-conditioned quadratic (κ = 50).\n\n", out);
    return execute(&o, out, err);
}
