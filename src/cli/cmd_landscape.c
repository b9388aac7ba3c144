/* cmd_landscape.c: `basin landscape`: the loss (and accuracy) over a 1-D or 2-D slice of parameter space
 * through a surface's point or a network's weights, along random, filter-normalized, PCA, Hessian or
 * interpolation directions, evaluated on both cores, as CSV. */
#include "cli.h"
#include "mpi_job.h"

#include "lab/checkpoint.h"
#include "commands.h"
#include "net_setup.h"

#include "app/offscreen.h"
#include "render/figure.h"
#include "render/loss_plane.h"

#include "engine/analysis/landscape.h"
#include "engine/error.h"
#include "lab/directions.h"
#include "lab/output_file.h"
#include "lab/weights.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 64 /* --threads at most */

const char basin_landscape_usage[] =
    "usage: basin landscape (--surface SPEC --at X0,X1,... | --model SPEC --data SPEC [--load-weights DIR])\n"
    "                       [--directions random|filter|filter-all|pca:TRAJ_DIR|hessian|line:DIR2]\n"
    "                       [--grid 51]\n"
    "                       [--range -1:1] [--direction-seed S] [--save-directions DIR]\n"
    "                       [--trajectory-csv FILE]\n"
    "                       [--csv FILE|-] [--resume] [--threads N] [--backend threads|mpi]\n"
    "                       [--plot FILE.(png|svg|pdf)] [--plot3d FILE.(png|svg|pdf)]\n"
    "\n"
    "The loss over the training split (a network in eval mode) at w + a·d1 + b·d2 for a, b on a grid, as\n"
    "Li et al. (2018) draw it, on every core (--threads), coarse points first.\n"
    "\n"
    "options:\n"
    "  --directions random    two Gaussian directions (unit length for a surface)\n"
    "  --directions filter    Gaussian directions filter-normalized as Li et al.: each output filter or\n"
    "                         neuron rescaled to the norm of the same weights; biases and normalization\n"
    "                         parameters zeroed (the default for networks)\n"
    "  --directions filter-all  the same, with biases and normalization parameters set to the weights'\n"
    "                         values instead (Li et al. without --xignore biasbn)\n"
    "  --directions pca:DIR   the top two principal components of the trajectory basin train\n"
    "                         --save-trajectory DIR wrote (iterates minus the final point), with their\n"
    "                         explained variance, the origin at the final point\n"
    "  --directions hessian   the eigenvectors of the two largest Hessian eigenvalues (Lanczos)\n"
    "  --directions line:DIR2 the segment from the weights to those in DIR2 (1-D: b is empty)\n"
    "  --grid N               points per axis (default 51)\n"
    "  --range LO:HI          coordinates of a and b (default -1:1)\n"
    "  --save-directions DIR  write DIR/d1/ and DIR/d2/, one .npy per tensor named as the weights\n"
    "  --trajectory-csv FILE  with pca: each trajectory point's step, its least-squares coordinates a,b in\n"
    "                         the plane, its own loss and the slice's loss there (how faithful the slice is)\n"
    "  --csv FILE|-           where the grid goes: columns a,b,loss,accuracy (default: standard output);\n"
    "                         finished points go to FILE.checkpoint as they come (with MPI one per rank,\n"
    "                         FILE.checkpoint.R-of-K), removed once FILE is written\n"
    "  --plot FILE            the slice as a figure: log10 of the loss in colour with 12 level sets (the\n"
    "                         loss itself where some is ≤ 0) and, with pca, the trajectory on it; a\n"
    "                         line's loss as a curve\n"
    "  --plot3d FILE          the slice as a 3-D surface, the same colours, level sets and trajectory\n"
    "                         (OpenGL without a display, through EGL; a 2-D slice only)\n"
    "  --resume               continue a killed grid from its checkpoint, without computing its points\n"
    "                         again (the same landscape: another is refused)\n"
    "  --direction-seed S     seed of the random and filter directions and of Lanczos's start (default 0)\n"
    "  --threads N            threads of this process (default: the machine's cores; with MPI, per rank:\n"
    "                         ranks × threads should not exceed the cores, so one thread a rank on a machine\n"
    "                         full of ranks)\n"
    "  --backend mpi          as one rank of an MPI job (mpirun -n K basin landscape ... --backend mpi):\n"
    "                         each rank computes every K-th point of the coarse-to-fine order, rank 0\n"
    "                         gathers them (the same grid, bit for bit) and writes the output\n"
    "  --model, --data, --load-weights DIR, --init SPEC, --seed S   as for basin analyze (--seed draws the\n"
    "                         data and the initialization, never the directions)\n"
    "  -h, --help             show this help\n";

#define usage_error(err, ...) basin_cli_usage_error((err), "landscape", __VA_ARGS__)

typedef struct landscape_options {
    const char *surface, *at, *model, *data, *init, *load, *directions, *range, *save, *csv, *trajectory_csv;
    const char *plot, *plot3d;
    const char *backend;
    long grid, seed, direction_seed, threads;
    bool seed_given, resume;
} landscape_options;

static int parse_options(int argc, char **argv, void *options, FILE *out, FILE *err)
{
    landscape_options *o = options;
    static const struct option longs[] = {
        {"surface", required_argument, NULL, 'S'},     {"at", required_argument, NULL, 'a'},
        {"model", required_argument, NULL, 'm'},       {"data", required_argument, NULL, 'd'},
        {"init", required_argument, NULL, 'i'},        {"load-weights", required_argument, NULL, 'R'},
        {"directions", required_argument, NULL, 'D'},  {"grid", required_argument, NULL, 'g'},
        {"range", required_argument, NULL, 'r'},       {"seed", required_argument, NULL, 'z'},
        {"save-directions", required_argument, NULL, 'W'}, {"csv", required_argument, NULL, 'C'},
        {"trajectory-csv", required_argument, NULL, 'T'}, {"direction-seed", required_argument, NULL, 'Z'},
        {"backend", required_argument, NULL, 'B'},      {"threads", required_argument, NULL, 'J'},
        {"resume", no_argument, NULL, 'U'},            {"plot", required_argument, NULL, 'P'},
        {"plot3d", required_argument, NULL, '3'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    long cores = sysconf(_SC_NPROCESSORS_ONLN); /* the machine's, by default */
    *o = (landscape_options){.grid = 51, .range = "-1:1", .threads = cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : cores};
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
        case 'D': o->directions = optarg; break;
        case 'r': o->range = optarg; break;
        case 'W': o->save = optarg; break;
        case 'C': o->csv = optarg; break;
        case 'T': o->trajectory_csv = optarg; break;
        case 'B': o->backend = optarg; break;
        case 'U': o->resume = true; break;
        case 'P': o->plot = optarg; break;
        case '3': o->plot3d = optarg; break;
        case 'J':
            if (cli_parse_count("landscape", "--threads", optarg, 1, MAX_THREADS, &o->threads, err) != 0)
                return -1;
            break;
        case 'g':
            if (cli_parse_count("landscape", "--grid", optarg, 2, 2001, &o->grid, err) != 0)
                return -1;
            break;
        case 'z':
            if (cli_parse_count("landscape", "--seed", optarg, 0, 4294967295.0, &o->seed, err) != 0)
                return -1;
            o->seed_given = true;
            break;
        case 'Z':
            if (cli_parse_count("landscape", "--direction-seed", optarg, 0, 4294967295.0, &o->direction_seed, err) != 0)
                return -1;
            break;
        case 'h': fputs(basin_landscape_usage, out); return 1;
        case ':': return usage_error(err, "option '%s' needs a value", token);
        default: return usage_error(err, "unknown option '%.*s' (see basin landscape --help)", (int)strcspn(token, "="), token);
        }
    }
    if (optind < argc)
        return usage_error(err, "unexpected argument '%s' (see basin landscape --help)", argv[optind]);
    if (o->resume && (!o->csv || strcmp(o->csv, "-") == 0))
        return usage_error(err, "--resume continues the grid of --csv FILE from FILE.checkpoint: give --csv FILE");
    basin_format format;
    const char *plots[2][2] = {{"--plot", o->plot}, {"--plot3d", o->plot3d}};
    for (int k = 0; k < 2; k++)
        if (plots[k][1] && basin_format_from_path(plots[k][1], &format) != 0)
            return usage_error(err, "%s '%s': give a .png, .svg or .pdf file", plots[k][0], plots[k][1]);
    if (o->plot3d && o->directions && strncmp(o->directions, "line:", 5) == 0)
        return usage_error(err, "--plot3d draws a 2-D slice, and --directions %s is a line: use --plot", o->directions);
    if (cli_mpi_backend("landscape", o->backend, NULL, err) < 0)
        return -1;
    if (cli_check_subject("landscape", o->surface, o->at, o->model, o->data, o->init, o->load, err) != 0 ||
        cli_check_output("landscape", "--csv", o->csv, false, err) != 0 ||
        cli_check_output("landscape", "--save-directions", o->save, true, err) != 0 ||
        cli_check_output("landscape", "--trajectory-csv", o->trajectory_csv, false, err) != 0 ||
        cli_check_output("landscape", "--plot", o->plot, false, err) != 0 ||
        cli_check_output("landscape", "--plot3d", o->plot3d, false, err) != 0)
        return -1;
    return cli_check_seed_with_weights("landscape", o->load, o->seed_given, "--direction-seed", err);
}

static int parse_range(const char *text, double range[2], FILE *err)
{
    char *end;
    errno = 0;
    range[0] = strtod(text, &end);
    if (end == text || *end != ':')
        return usage_error(err, "--range '%s' is not LO:HI", text);
    const char *second = end + 1;
    range[1] = strtod(second, &end);
    if (end == second || *end || errno || !isfinite(range[0]) || !isfinite(range[1]) || !(range[0] < range[1]))
        return usage_error(err, "--range '%s' is not LO:HI with LO < HI", text);
    return 0;
}

/* One evaluation context per thread: a surface problem or a network problem. */
typedef struct slice {
    basin_problem *problems[MAX_THREADS]; /* surfaces: owned */
    basin_net_problem *nets[MAX_THREADS]; /* nets: [0] belongs to cli_net, the rest owned */
    basin_net_plane planes[MAX_THREADS];  /* nets: one plane per thread */
} slice;

static int eval_surface(void *ctx, const double *w, double a, double b, double *loss, double *accuracy)
{
    (void)a, (void)b;
    *loss = basin_problem_eval(ctx, w, NULL);
    *accuracy = NAN;
    return 0;
}

static int eval_plane(void *ctx, const double *w, double a, double b, double *loss, double *accuracy)
{
    return basin_net_plane_eval(ctx, w, a, b, loss, accuracy);
}

/* A progress bar on a terminal once the grid has taken a second. */
typedef struct progress_bar {
    FILE *tty;
    double started, last;
    bool drawn;
    basin_checkpoint *check; /* where finished points go, or NULL */
} progress_bar;

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void keep_point(void *ctx, size_t point, double loss, double accuracy)
{
    basin_checkpoint_add(((progress_bar *)ctx)->check, point, loss, accuracy);
}

static void report(void *ctx, size_t done, size_t total)
{
    progress_bar *bar = ctx;
    double t = seconds_now();
    if (!bar->tty || t - bar->started < 1.0 || t - bar->last < 0.1)
        return;
    int width = 30, filled = (int)((double)width * (double)done / (double)total);
    fprintf(bar->tty, "\r[%.*s%*s] %zu/%zu points ", filled, "==============================", width - filled, "", done,
            total);
    fflush(bar->tty);
    bar->last = t, bar->drawn = true;
}

static void write_grid(FILE *f, const double *loss, const double *acc, size_t grid, const double range[2], bool two_d)
{
    fputs("a,b,loss,accuracy\n", f);
    for (size_t i = 0; i < (two_d ? grid * grid : grid); i++) {
        double a = range[0] + (range[1] - range[0]) * (double)(i % grid) / (double)(grid - 1);
        double b = range[0] + (range[1] - range[0]) * (double)(i / grid) / (double)(grid - 1);
        fprintf(f, "%.17g,", a);
        if (two_d)
            fprintf(f, "%.17g", b);
        fprintf(f, ",%.17g,", loss[i]);
        if (!isnan(acc[i]))
            fprintf(f, "%.17g", acc[i]);
        fputc('\n', f);
    }
}

/* The trajectory in the plane (pca directions): each point's least-squares coordinates, its own loss and
 * the slice's loss there. */
typedef struct plane_path {
    double *a, *b, *loss, *slice_loss; /* one allocation, T each */
} plane_path;

static int path_make(plane_path *path, const basin_directions *d, const basin_net_problem *np)
{
    size_t T = d->T;
    *path = (plane_path){0};
    if (!(path->a = malloc((4 * T + 1) * sizeof *path->a))) {
        basin_error_set("out of memory");
        return -1;
    }
    path->b = path->a + T, path->loss = path->b + T, path->slice_loss = path->loss + T;
    return basin_directions_trajectory(d, np, path->a, path->b, path->loss, path->slice_loss);
}

/* Writes the trajectory: step, a, b, its own loss and the slice's loss at (a, b). */
static int write_trajectory(const char *path, const basin_directions *d, const plane_path *p, FILE *out)
{
    basin_output_file f;
    if (basin_output_open(&f, path, out) != 0)
        return -1;
    fputs("step,a,b,loss,slice_loss\n", f.stream);
    for (size_t t = 0; t < d->T; t++)
        fprintf(f.stream, "%ld,%.17g,%.17g,%.17g,%.17g\n", d->steps[t], p->a[t], p->b[t], p->loss[t], p->slice_loss[t]);
    return basin_output_commit(&f);
}

/* Draws the grid as the figure o.plot (flat) or o.plot3d asks for: the title names the subject and the
 * directions, the axes what the coordinates are. Returns 0, or -1 with a message. */
static int write_plot(const landscape_options *o, bool three_d, const basin_directions *d, const plane_path *path,
                      const double *loss, size_t G, const double range[2], FILE *out)
{
    basin_loss_plane plane = {.grid = G, .loss = loss, .a_range = {range[0], range[1]},
                              .b_range = {range[0], range[1]}, .rgb = {0.84, 0.15, 0.16}};
    if (path->a)
        plane.path_a = path->a, plane.path_b = path->b, plane.path_len = d->T;
    char title[512], x_label[96] = "a (along d₁)", y_label[96] = "b (along d₂)";
    const char *how = o->directions ? o->directions : o->model ? "filter" : "random";
    if (d->T) {
        snprintf(x_label, sizeof x_label, "PC 1 (%.0f%% of the variance)", 100 * d->explained[0]);
        snprintf(y_label, sizeof y_label, "PC 2 (%.0f%%)", 100 * d->explained[1]);
        how = "the trajectory's principal components";
    } else if (!isnan(d->eigenvalues[0])) {
        snprintf(x_label, sizeof x_label, "a (along the eigenvector of λ = %.3g)", d->eigenvalues[0]);
        snprintf(y_label, sizeof y_label, "b (λ = %.3g)", d->eigenvalues[1]);
        how = "the Hessian's top eigenvectors";
    } else if (!d->d2) {
        snprintf(x_label, sizeof x_label, "a (0: the weights, 1: %s)", how + 5);
        snprintf(y_label, sizeof y_label, "loss");
        how = "a line";
    } else if (strcmp(how, "filter") == 0 || strcmp(how, "filter-all") == 0) {
        how = "filter-normalized directions";
    } else {
        how = "random directions";
    }
    if (o->surface)
        snprintf(title, sizeof title, "%s around (%s): %s", o->surface, o->at, how);
    else
        snprintf(title, sizeof title, "%s on %s: the training loss along %s", o->model, o->data, how);
    basin_loss_figure figure = {&plane, !d->d2, title, x_label, y_label,
                                three_d ? basin_offscreen_plane_painter : NULL, NULL};
    basin_figure_options fo = basin_figure_defaults();
    fo.width = 1400, fo.height = 1100;
    return basin_drawing_export(title, &fo, basin_loss_figure_draw, &figure, three_d ? o->plot3d : o->plot, out) == 0 ? 0 : -1;
}

/* The landscape o asks for, in this process or as one rank of job's world (the common point: every
 * rank's points computed, then summed on every rank and written by rank 0). */
static int landscape(void *options, FILE *out, FILE *err, cli_mpi_job *job)
{
    landscape_options o = *(const landscape_options *)options;
    if (job && job->world.rank != 0) /* the same directions and grid everywhere: rank 0 alone writes */
        o.save = o.trajectory_csv = o.plot = o.plot3d = NULL;
    int rc;
    double range[2];
    if (parse_range(o.range, range, err) != 0)
        return BASIN_EXIT_USAGE;
    cli_net net = {0};
    basin_net_view eval_view;
    basin_spec surface = {0};
    basin_directions dirs = {0};
    slice sl = {0};
    void *ctx[MAX_THREADS];
    int threads = (int)o.threads;
    double *point = NULL, *loss = NULL, *acc = NULL;
    bool *done = NULL;
    basin_checkpoint check = {0};
    plane_path path = {0};
    const double *w;
    size_t n;
    const basin_problem *p;
    basin_model *m = NULL;
    int status = BASIN_EXIT_USAGE;
    if (o.surface) {
        if (basin_spec_parse(&surface, BASIN_KIND_SURFACE, o.surface) != 0)
            goto fail;
        for (int t = 0; t < threads; t++)
            if (!(sl.problems[t] = basin_problem_create(surface.entry, &surface.params)))
                goto fail;
        p = sl.problems[0], n = p->dim;
        if (!(point = malloc(n * sizeof *point)))
            goto fail;
        const char *c = o.at;
        for (size_t i = 0; i < n; i++) {
            char *end;
            point[i] = strtod(c, &end);
            if (end == c || (i + 1 < n ? *end != ',' : *end != '\0')) {
                usage_error(err, "--at '%s' is not %zu numbers separated by commas", o.at, n);
                goto done;
            }
            c = end + 1;
        }
        w = point;
        for (int t = 0; t < threads; t++)
            ctx[t] = sl.problems[t];
    } else {
        status = cli_net_open(&net, "landscape", o.model, o.data, o.init, o.load, (unsigned long)o.seed, err);
        if (status != BASIN_EXIT_OK)
            goto done;
        status = BASIN_EXIT_USAGE;
        /* Hessian directions: the loss the slice shows, in eval mode */
        p = basin_net_view_init(&eval_view, net.np, BASIN_EVAL_EVAL), m = net.np->net.model, n = p->dim, w = net.w;
    }
    rc = basin_directions_make(&dirs, o.directions, p, m, w, (unsigned long)o.direction_seed);
    if (rc == -2) {
        usage_error(err, "%s", basin_error_message());
        goto done;
    }
    if (rc != 0)
        goto fail;
    if (dirs.T)
        fprintf(err, "directions: PCA of %zu iterates, explaining %.1f%% and %.1f%% of the variance\n", dirs.T,
                100 * dirs.explained[0], 100 * dirs.explained[1]);
    else if (!isnan(dirs.eigenvalues[0]))
        fprintf(err, "directions: Hessian eigenvectors of λ = %.6g and %.6g\n", dirs.eigenvalues[0], dirs.eigenvalues[1]);
    /* one network per thread: clones of the subject (with the plane's origin's statistics) */
    sl.nets[0] = net.np;
    for (int t = 1; m && t < threads; t++)
        if (!(sl.nets[t] = basin_net_problem_clone(net.np, 0)))
            goto fail;
    if (o.save && m) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/d1", o.save);
        if (basin_weights_save_params(dir, m, dirs.d1) != 0)
            goto fail;
        snprintf(dir, sizeof dir, "%s/d2", o.save);
        if (dirs.d2 && basin_weights_save_params(dir, m, dirs.d2) != 0)
            goto fail;
    }
    status = BASIN_EXIT_FAILURE;
    size_t G = (size_t)o.grid;
    loss = malloc(G * G * sizeof *loss), acc = malloc(G * G * sizeof *acc);
    if (!loss || !acc)
        goto fail;
    for (int t = 0; m && t < threads; t++) { /* the first plane's products, read by every thread */
        if ((t == 0 ? basin_net_plane_init(&sl.planes[t], sl.nets[t], dirs.origin, dirs.d1, dirs.d2)
                    : basin_net_plane_share(&sl.planes[t], sl.nets[t], &sl.planes[0])) != 0)
            goto fail;
        ctx[t] = &sl.planes[t];
    }
    progress_bar bar = {.tty = isatty(fileno(err)) ? err : NULL, .started = seconds_now()};
    size_t points = dirs.d2 ? G * G : G;
    if (o.csv && strcmp(o.csv, "-") != 0) { /* finished points beside the output, for --resume */
        char path[4096];
        if (job)
            snprintf(path, sizeof path, "%s.checkpoint.%d-of-%d", o.csv, job->world.rank, job->world.size);
        else
            snprintf(path, sizeof path, "%s.checkpoint", o.csv);
        size_t loaded;
        if (!(done = malloc(points * sizeof *done)) ||
            basin_checkpoint_open(&check, path, basin_grid_key(dirs.origin, dirs.d1, dirs.d2, n, G, range), points,
                                  o.resume, loss, acc, done, &loaded) != 0) {
            status = BASIN_EXIT_USAGE;
            goto fail;
        }
        if (loaded)
            fprintf(err, "resumed: %zu points from %s\n", loaded, path);
        bar.check = &check;
    }
    basin_landscape_progress progress = {.report = report, .ctx = &bar, .finished = check.f ? keep_point : NULL,
                                         .done = done};
    size_t part = job ? (size_t)job->world.rank : 0, parts = job ? (size_t)job->world.size : 1;
    int grid_rc = basin_landscape_grid_part(m ? eval_plane : eval_surface, ctx, (size_t)threads, dirs.origin, dirs.d1,
                                            dirs.d2, n, G, range, loss, acc, &progress, part, parts);
    if (bar.drawn)
        fprintf(err, "\r%*s\r", 60, "");
    if (grid_rc != 0)
        goto fail;
    if (job) { /* every rank's points, summed: the others are 0 in each rank's grid */
        if (cli_mpi_job_ready(job) != 0) {
            status = BASIN_EXIT_FAILURE;
            goto done;
        }
        if (basin_comm_allreduce_sum(&job->world, loss, points) != 0 ||
            basin_comm_allreduce_sum(&job->world, acc, points) != 0)
            goto fail;
        basin_comm_release(&job->world);
        if (job->world.rank != 0) { /* rank 0 holds every point now and writes them */
            basin_checkpoint_close(&check, true);
            status = BASIN_EXIT_OK;
            goto done;
        }
    }
    if (dirs.T && (o.trajectory_csv || o.plot || o.plot3d) && path_make(&path, &dirs, sl.nets[0]) != 0)
        goto fail;
    if (o.trajectory_csv && dirs.T && write_trajectory(o.trajectory_csv, &dirs, &path, out) != 0)
        goto fail;
    if ((o.plot && write_plot(&o, false, &dirs, &path, loss, G, range, out) != 0) ||
        (o.plot3d && write_plot(&o, true, &dirs, &path, loss, G, range, out) != 0))
        goto fail;
    basin_output_file f;
    if (basin_output_open(&f, o.csv ? o.csv : "-", out) != 0)
        goto fail;
    write_grid(f.stream, loss, acc, G, range, dirs.d2 != NULL);
    if (basin_output_commit(&f) != 0)
        goto fail;
    basin_checkpoint_close(&check, true); /* the grid is written: nothing to resume */
    status = BASIN_EXIT_OK;
    goto done;
fail:
    fprintf(err, "basin landscape: %s\n", basin_error_message()[0] ? basin_error_message() : "out of memory");
done:
    for (int t = 0; t < threads; t++) {
        basin_problem_destroy(sl.problems[t]);
        basin_net_plane_free(&sl.planes[t]);
        if (t > 0 && sl.nets[t])
            basin_problem_destroy(&sl.nets[t]->base);
    }
    basin_directions_free(&dirs);
    if (check.failed)
        fprintf(err, "basin landscape: the checkpoint %s could not be written whole; a resume would redo points\n",
                check.path);
    basin_checkpoint_close(&check, false);
    free(point), free(loss), free(acc), free(done), free(path.a);
    basin_spec_clear(&surface);
    cli_net_close(&net);
    return status;
}

int basin_cmd_landscape(int argc, char **argv, FILE *out, FILE *err)
{
    landscape_options o = {0};
    return cli_mpi_main("landscape", argc, argv, parse_options, landscape, &o, &o.backend, out, err);
}
