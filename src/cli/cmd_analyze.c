/* cmd_analyze.c: `basin analyze`: the curvature of a surface at a point or of a trained network: its
 * Hessian's eigenvalues, trace, condition number, spectral density and sharpness, as a table or JSON. */
#include "cli.h"
#include "commands.h"
#include "mpi_job.h"
#include "net_setup.h"

#include "engine/analysis/report.h"
#include "engine/budget.h"
#include "engine/error.h"
#include "lab/output_file.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char basin_analyze_usage[] =
    "usage: basin analyze (--surface SPEC --at X0,X1,... | --model SPEC --data SPEC [--load-weights DIR])\n"
    "                     [--eigs top:K|bottom:K|power:K|all] [--condition] [--trace] [--density]\n"
    "                     [--sharpness eps=E|sam=RHO]\n"
    "                     [--seed S] [--probe-seed S] [--train-mode] [--json FILE|-] [--backend threads|mpi]\n"
    "\n"
    "The curvature of the loss at a point from exact Hessian-vector products (closed forms for surfaces,\n"
    "Pearlmutter's R-operator for networks), over the whole training split.\n"
    "\n"
    "options:\n"
    "  --surface SPEC --at X   a surface and a point (write --at=-1,2 for negative values)\n"
    "  --model, --data         a network and its data set; --load-weights DIR (from basin train\n"
    "                          --save-weights: the data set is drawn with the seed its model.txt records),\n"
    "                          else --init SPEC (default: default) with --seed\n"
    "  --eigs top:K|bottom:K|all  eigenvalues: the K largest or smallest by Lanczos (full\n"
    "                          reorthogonalization, residual 1e-10), or all from the dense Hessian (default:\n"
    "                          all up to 2,000 parameters, else top:5)\n"
    "  --eigs power:K          the K largest in magnitude by PyHessian's power iteration with deflation\n"
    "                          (at most 100 products each, stopping at a relative change of 1e-3)\n"
    "  --condition             λmin and the condition number λmax/λmin: with top:K, bottom:K or power:K a\n"
    "                          second Lanczos run for the other end of the spectrum (without it only the\n"
    "                          end asked for is computed; all eigenvalues always give both)\n"
    "  --trace                 the trace: exact with all eigenvalues, else Hutchinson's estimate (200\n"
    "                          Rademacher probes) with its standard error\n"
    "  --density               the spectral density by stochastic Lanczos quadrature (10 runs × 80 steps,\n"
    "                          Gaussian width 1% of the spectrum's span), sampled at 200 points\n"
    "  --sharpness eps=E[,starts=K]  Keskar et al.'s ε-sharpness: the loss maximized over the box\n"
    "                          |y_i| <= E(|x_i|+1) by L-BFGS-B (scipy's settings, at most 1,000 iterations)\n"
    "                          from the point and K-1 random points of the box (K 4 by default)\n"
    "  --sharpness sam=RHO     SAM's L(w + ρ g/‖g‖) − L(w)\n"
    "  --noise-scale           the gradient noise scale B_simple = tr(Σ)/|G|² (McCandlish et al. 2018) from\n"
    "                          every example's gradient: the batch size beyond which a bigger batch stops\n"
    "                          saving steps in proportion\n"
    "  --seed S                the seed of the data and the initialization (default 0); not with saved\n"
    "                          weights, whose data set is drawn as model.txt says\n"
    "  --probe-seed S          the seed of the random probes: Lanczos's start, Hutchinson's and SLQ's\n"
    "                          vectors, ε-sharpness's starts (default 0)\n"
    "  --train-mode            a network's curvature in training mode (BatchNorm on the batch statistics;\n"
    "                          dropout off) instead of eval mode\n"
    "  --backend mpi           as one rank of an MPI job (mpirun -n K basin analyze ... --backend mpi): the\n"
    "                          dense Hessian's columns, Hutchinson's probes and SLQ's runs are dealt to the\n"
    "                          ranks and summed, the same numbers as one process to the bit; rank 0 writes\n"
    "  --json FILE|-           write eigenvalues (ascending), trace, trace_stderr, condition_number,\n"
    "                          lambda_max, lambda_min, sharpness, density, n_params and seconds as JSON\n"
    "  -h, --help              show this help\n"
    "\n"
    "The condition number is λmax/λmin where the Hessian is positive definite; otherwise it is null and\n"
    "the JSON says indefinite, with the negative eigenvalues' share of Σ|λ| when all are known.\n";

#define usage_error(err, ...) basin_cli_usage_error((err), "analyze", __VA_ARGS__)

typedef struct analyze_options {
    const char *surface, *at, *model, *data, *init, *load, *eigs, *sharpness, *json, *backend;
    bool trace, density, condition, train_mode, seed_given, noise_scale;
    long seed, probe_seed;
} analyze_options;

static int parse_options(int argc, char **argv, void *options, FILE *out, FILE *err)
{
    analyze_options *o = options;
    static const struct option longs[] = {
        {"surface", required_argument, NULL, 'S'}, {"at", required_argument, NULL, 'a'},
        {"model", required_argument, NULL, 'm'},   {"data", required_argument, NULL, 'd'},
        {"init", required_argument, NULL, 'i'},    {"load-weights", required_argument, NULL, 'R'},
        {"eigs", required_argument, NULL, 'e'},    {"trace", no_argument, NULL, 't'},
        {"density", no_argument, NULL, 'D'},       {"sharpness", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'z'},    {"train-mode", no_argument, NULL, 'T'},
        {"json", required_argument, NULL, 'j'},    {"probe-seed", required_argument, NULL, 'Z'},
        {"noise-scale", no_argument, NULL, 'N'},   {"backend", required_argument, NULL, 'B'},
        {"condition", no_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    *o = (analyze_options){0};
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
        const char *token = argv[optind - 1];
        switch (c) {
        case 'S': o->surface = optarg; break;
        case 'a': o->at = optarg; break;
        case 'm': o->model = optarg; break;
        case 'd': o->data = optarg; break;
        case 'i': o->init = optarg; break;
        case 'R': o->load = optarg; break;
        case 'e': o->eigs = optarg; break;
        case 't': o->trace = true; break;
        case 'D': o->density = true; break;
        case 'C': o->condition = true; break;
        case 'N': o->noise_scale = true; break;
        case 's': o->sharpness = optarg; break;
        case 'T': o->train_mode = true; break;
        case 'j': o->json = optarg; break;
        case 'B': o->backend = optarg; break;
        case 'z':
            if (cli_parse_count("analyze", "--seed", optarg, 0, 4294967295.0, &o->seed, err) != 0)
                return -1;
            o->seed_given = true;
            break;
        case 'Z':
            if (cli_parse_count("analyze", "--probe-seed", optarg, 0, 4294967295.0, &o->probe_seed, err) != 0)
                return -1;
            break;
        case 'h': fputs(basin_analyze_usage, out); return 1;
        case ':': return usage_error(err, "option '%s' needs a value", token);
        default: return usage_error(err, "unknown option '%.*s' (see basin analyze --help)", (int)strcspn(token, "="), token);
        }
    }
    if (optind < argc)
        return usage_error(err, "unexpected argument '%s' (see basin analyze --help)", argv[optind]);
    if (cli_check_subject("analyze", o->surface, o->at, o->model, o->data, o->init, o->load, err) != 0 ||
        cli_check_output("analyze", "--json", o->json, false, err) != 0 ||
        cli_mpi_backend("analyze", o->backend, NULL, err) < 0)
        return -1;
    return cli_check_seed_with_weights("analyze", o->load, o->seed_given, "--probe-seed", err);
}

/* "top:K", "bottom:K", "power:K" or "all" into o's eigenvalue mode and K. */
static int parse_eigs(const char *text, size_t dim, basin_report_opts *o, FILE *err)
{
    if (!text) {
        o->eigs = dim <= 2000 ? BASIN_EIGS_ALL : BASIN_EIGS_TOP, o->k = dim <= 2000 ? dim : 5;
        return 0;
    }
    if (strcmp(text, "all") == 0) {
        o->eigs = BASIN_EIGS_ALL, o->k = dim;
        return 0;
    }
    const char *colon = strchr(text, ':');
    char *end;
    errno = 0;
    long v = colon ? strtol(colon + 1, &end, 10) : 0;
    bool top = colon && strncmp(text, "top", (size_t)(colon - text)) == 0 && colon - text == 3;
    bool bottom = colon && strncmp(text, "bottom", (size_t)(colon - text)) == 0 && colon - text == 6;
    bool power = colon && strncmp(text, "power", (size_t)(colon - text)) == 0 && colon - text == 5;
    if ((!top && !bottom && !power) || end == colon + 1 || *end || errno || v < 1 || (size_t)v > dim)
        return usage_error(err, "--eigs '%s' is not top:K, bottom:K, power:K (K from 1 to %zu) or all", text, dim);
    o->eigs = top ? BASIN_EIGS_TOP : bottom ? BASIN_EIGS_BOTTOM : BASIN_EIGS_POWER, o->k = (size_t)v;
    return 0;
}

/* "eps=E[,starts=K]" or "sam=RHO" into o's sharpness keys. */
static int parse_sharpness(const char *text, basin_report_opts *o, FILE *err)
{
    char *end;
    bool is_eps = strncmp(text, "eps=", 4) == 0, sam = strncmp(text, "sam=", 4) == 0;
    double *value = &o->sharpness_param;
    size_t *starts = &o->sharpness_starts;
    o->sharpness = sam ? BASIN_SHARPNESS_SAM : BASIN_SHARPNESS_EPSILON;
    if (!is_eps && !sam)
        return usage_error(err, "--sharpness '%s' is not eps=E[,starts=K] or sam=RHO", text);
    errno = 0;
    *value = strtod(text + 4, &end);
    if (end == text + 4 || (*end && *end != ',') || errno || !(*value > 0) || !isfinite(*value))
        return usage_error(err, "--sharpness '%s': '%.*s' is not a positive number", text,
                           (int)strcspn(text + 4, ","), text + 4);
    *starts = 4;
    if (*end) {
        long k;
        if (sam || strncmp(end, ",starts=", 8) != 0)
            return usage_error(err, "--sharpness '%s': '%s' is not ,starts=K", text, end);
        if (cli_parse_count("analyze", "--sharpness starts", end + 8, 1, 1000, &k, err) != 0)
            return -1;
        *starts = (size_t)k;
    }
    return 0;
}

static double *read_point(const char *text, size_t dim, FILE *err)
{
    double *x = malloc(dim * sizeof *x);
    const char *c = text;
    for (size_t i = 0; x && i < dim; i++) {
        char *end;
        errno = 0;
        x[i] = strtod(c, &end);
        if (end == c || errno || !isfinite(x[i]) || (i + 1 < dim ? *end != ',' : *end != '\0')) {
            usage_error(err, "--at '%s' is not %zu numbers separated by commas", text, dim);
            free(x);
            return NULL;
        }
        c = end + 1;
    }
    return x;
}

static void json_number(FILE *f, const char *key, double v, bool comma)
{
    if (isfinite(v))
        fprintf(f, "  \"%s\": %.17g%s\n", key, v, comma ? "," : "");
    else
        fprintf(f, "  \"%s\": null%s\n", key, comma ? "," : "");
}

/* A number as JSON has it: a non-finite value is null. */
static void json_real(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.17g", v);
    else
        fputs("null", f);
}

static void json_array(FILE *f, const char *key, const double *v, size_t n)
{
    fprintf(f, "  \"%s\": [", key);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", f);
        json_real(f, v[i]);
    }
    fputs("],\n", f);
}

/* What basin analyze prints: the report, what was asked for and how long it took. */
typedef struct results {
    basin_curvature_report report;
    basin_report_opts asked;
    double seconds;
} results;

static void write_json(FILE *f, const results *res)
{
    const basin_curvature_report *r = &res->report;
    const basin_report_opts *o = &res->asked;
    fputs("{\n", f);
    json_array(f, "eigenvalues", r->eigs, r->n_eigs);
    json_number(f, "lambda_max", r->lambda_max, true);
    json_number(f, "lambda_min", r->lambda_min, true);
    json_number(f, "condition_number", r->condition, true);
    fprintf(f, "  \"indefinite\": %s,\n", r->indefinite ? "true" : "false");
    json_number(f, "negative_mass", r->negative_mass, true);
    json_number(f, "trace", r->trace, true);
    json_number(f, "trace_stderr", r->trace_stderr, true);
    if (o->sharpness != BASIN_SHARPNESS_NONE) {
        bool sam = o->sharpness == BASIN_SHARPNESS_SAM;
        fprintf(f, "  \"sharpness\": {\"%s\": %.17g, \"value\": ", sam ? "sam_rho" : "epsilon", o->sharpness_param);
        json_real(f, r->sharpness);
        if (!sam) {
            fputs(", \"max_loss\": ", f);
            json_real(f, r->epsilon.max_loss);
            fprintf(f, ", \"starts\": %zu, \"best_start\": %zu, \"iterations\": %zu, \"evaluations\": %zu",
                    r->epsilon.starts, r->epsilon.best_start, r->epsilon.iterations, r->epsilon.evaluations);
        }
        fputs("},\n", f);
    }
    if (r->n_density) {
        json_array(f, "density_t", r->t, r->n_density);
        json_array(f, "density", r->density, r->n_density);
    }
    if (o->noise_scale) {
        fputs("  \"noise_scale\": {\"b_simple\": ", f);
        json_real(f, r->noise.b_simple);
        fputs(", \"trace_sigma\": ", f);
        json_real(f, r->noise.trace_sigma);
        fputs(", \"grad_sq\": ", f);
        json_real(f, r->noise.grad_sq);
        fputs("},\n", f);
    }
    fprintf(f, "  \"n_params\": %zu,\n", r->n_params);
    json_number(f, "seconds", res->seconds, false);
    fputs("}\n", f);
}

static void write_table(FILE *f, const results *res)
{
    const basin_curvature_report *r = &res->report;
    const basin_report_opts *o = &res->asked;
    fprintf(f, "parameters   %zu\n", r->n_params);
    if (isfinite(r->lambda_max))
        fprintf(f, "λmax         %.10g\n", r->lambda_max);
    if (isfinite(r->lambda_min))
        fprintf(f, "λmin         %.10g\n", r->lambda_min);
    if (isfinite(r->condition))
        fprintf(f, "condition    %.6g (λmax/λmin)\n", r->condition);
    else if (r->indefinite)
        fprintf(f, "condition    none: the Hessian is indefinite%s\n", isfinite(r->negative_mass) ? "" : " (λmin < 0)");
    if (isfinite(r->negative_mass))
        fprintf(f, "negative     %.4g of Σ|λ| is in negative eigenvalues\n", r->negative_mass);
    if (isfinite(r->trace))
        fprintf(f, "trace        %.10g%s\n", r->trace, r->trace_stderr > 0 ? "" : " (exact)");
    if (r->trace_stderr > 0)
        fprintf(f, "             ± %.3g (Hutchinson, 200 probes)\n", r->trace_stderr);
    if (o->sharpness == BASIN_SHARPNESS_SAM)
        fprintf(f, "sharpness    sam ρ=%g: %.6g\n", o->sharpness_param, r->sharpness);
    else if (o->sharpness == BASIN_SHARPNESS_EPSILON)
        fprintf(f, "sharpness    ε=%g: %.6g (L-BFGS-B: %zu starts, the best from %s, %zu iterations)\n",
                o->sharpness_param, r->sharpness, r->epsilon.starts,
                r->epsilon.best_start ? "a random one" : "the point", r->epsilon.iterations);
    if (o->noise_scale)
        fprintf(f, "noise scale  B_simple = tr(Σ)/|G|² = %.6g (tr(Σ) = %.6g, |G|² = %.6g)\n", r->noise.b_simple,
                r->noise.trace_sigma, r->noise.grad_sq);
    if (!r->all) {
        fprintf(f, "eigenvalues ");
        for (size_t i = 0; i < r->n_eigs; i++)
            fprintf(f, " %.8g", r->eigs[i]);
        fputc('\n', f);
    }
    fprintf(f, "seconds      %.3f\n", res->seconds);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The report o asks for, in this process or as one rank of job's world (the common point: every rank
 * has its subject and is about to share the work). */
static int analyze(void *options, FILE *out, FILE *err, cli_mpi_job *job)
{
    analyze_options o = *(const analyze_options *)options;
    results r = {.asked = {.trace = o.trace, .density = o.density, .condition = o.condition, .noise_scale = o.noise_scale,
                           .seed = (unsigned long)o.probe_seed}};
    if (o.sharpness && parse_sharpness(o.sharpness, &r.asked, err) != 0)
        return BASIN_EXIT_USAGE;
    cli_net net = {0};
    basin_net_view view;
    basin_spec surface = {0};
    basin_problem *problem = NULL;
    double *point = NULL;
    const basin_problem *p;
    const double *w;
    int status = BASIN_EXIT_USAGE;
    if (o.surface) {
        if (basin_spec_parse(&surface, BASIN_KIND_SURFACE, o.surface) != 0 ||
            !(problem = basin_problem_create(surface.entry, &surface.params))) {
            fprintf(err, "basin analyze: %s\n", basin_error_message());
            goto done;
        }
        if (!(point = read_point(o.at, problem->dim, err)))
            goto done;
        p = problem, w = point;
    } else {
        status = cli_net_open(&net, "analyze", o.model, o.data, o.init, o.load, (unsigned long)o.seed, err);
        if (status != BASIN_EXIT_OK)
            goto done;
        p = basin_net_view_init(&view, net.np, o.train_mode ? BASIN_EVAL_TRAIN_FIXED : BASIN_EVAL_EVAL);
        w = net.w;
        status = BASIN_EXIT_USAGE;
    }
    if (parse_eigs(o.eigs, p->dim, &r.asked, err) != 0)
        goto done;
    if (o.noise_scale && p->n_examples == 0) {
        usage_error(err, "--noise-scale: surface '%s' is not a sum over examples (linreg is; so are networks)",
                    surface.entry->name);
        goto done;
    }
    basin_share share;
    if (job) {
        if (cli_mpi_job_ready(job) != 0)
            goto done;
        share = basin_comm_share(&job->world);
        r.asked.share = &share;
    }
    if (r.asked.eigs == BASIN_EIGS_ALL &&
        basin_budget_check(basin_hessian_spectrum_bytes(p->dim, false), "--eigs all: a %zu×%zu Hessian", p->dim, p->dim) != 0) {
        usage_error(err, "%s", basin_error_message());
        status = BASIN_EXIT_USAGE;
        goto done;
    }
    double start = now();
    if (basin_curvature_report_compute(p, w, &r.asked, &r.report) != 0) {
        fprintf(err, "basin analyze: %s\n", basin_error_message());
        status = BASIN_EXIT_FAILURE;
        goto done;
    }
    r.seconds = now() - start;
    if (job && job->world.rank != 0) { /* every rank has the report: rank 0 writes it */
        status = BASIN_EXIT_OK;
        goto done;
    }
    basin_output_file f;
    status = BASIN_EXIT_FAILURE;
    if (basin_output_open(&f, o.json ? o.json : "-", out) != 0) {
        fprintf(err, "basin analyze: %s\n", basin_error_message());
        goto done;
    }
    if (o.json)
        write_json(f.stream, &r);
    else
        write_table(f.stream, &r);
    if (basin_output_commit(&f) != 0) {
        fprintf(err, "basin analyze: %s\n", basin_error_message());
        goto done;
    }
    status = BASIN_EXIT_OK;
done:
    basin_curvature_report_free(&r.report);
    free(point);
    basin_problem_destroy(problem);
    basin_spec_clear(&surface);
    cli_net_close(&net);
    return status;
}

int basin_cmd_analyze(int argc, char **argv, FILE *out, FILE *err)
{
    analyze_options o = {0};
    return cli_mpi_main("analyze", argc, argv, parse_options, analyze, &o, &o.backend, out, err);
}
