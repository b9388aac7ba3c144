/* cmd_export.c: `basin export`: a lab (a file, or specs on the command line) as a PNG, SVG or PDF
 * figure, written whole or not at all. */
#include "cli.h"
#include "commands.h"
#include "render/output_file.h"

#include "app/offscreen.h"
#include "engine/error.h"
#include "render/figure.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char basin_export_usage[] =
    "usage: basin export LAB.ini -o FIGURE.(png|svg|pdf) [OPTIONS]\n"
    "       basin export --surface SPEC --opt SPEC [--opt SPEC ...] --start=X0,X1 -o FIGURE [OPTIONS]\n"
    "\n"
    "Runs the lab and draws its figure: the contour view (heatmap, contours, trajectories) and the loss\n"
    "and learning-rate curves it lists, with a shared legend. The format follows the extension. The file\n"
    "is written to a temporary name and renamed only when cairo reports success.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE      the figure: .png, .svg or .pdf (required)\n"
    "  --size WxH             size in pixels (default 1600x900); SVG and PDF pages are W/dpi × H/dpi inches\n"
    "  --dpi D                pixels per inch, 10 to 2400 (default 200): text is set in points, so this scales it\n"
    "  --theme light|dark     light for slides, dark for projectors (default light)\n"
    "  --font-scale S         text and line size factor, 0.1 to 10 (default 1)\n"
    "  --steps N              steps of every run (the lab's steps=)\n"
    "  --view NAMES           the views to draw (the lab's views=), e.g. loss or contour,loss; surface labs:\n"
    "                         contour, surface (3-D, OpenGL through EGL), loss, lr, steps, modes; training\n"
    "                         labs: loss,\n"
    "                         accuracy, boundary, layers, sharpness, spectrum, landscape, timeline,\n"
    "                         staleness, scaling, noise, split, weights, augment, norm, measures, neurons\n"
    "                         (basin list views says what each shows)\n"
    "  --labels               label the contour lines\n"
    "  --set SECTION.KEY=VAL  override a key of the lab for this export, e.g. --set GD.opt=sgd:lr=0.02 or\n"
    "                         --set lab.title='Step size 0.02' (repeatable)\n"
    "  --surface, --opt, --schedule, --start, --seed, --batch\n"
    "                         a quick figure without a lab file, as in basin run\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit status: 0 success, 1 a failure while running, 2 bad usage or bad input.\n";

typedef struct export_options {
    const char *lab_path, *output;
    basin_lab_scene scene;
    const char **opts;
    char **sets;
    size_t n_sets;
    const char *steps, *view;
    basin_figure_options figure;
} export_options;

#define usage_error(err, ...) basin_cli_usage_error((err), "export", __VA_ARGS__)

/* A number from min to max: below them text and lines would be smaller than a pixel (cairo's scale would
 * not be invertible). */
static int parse_range(const char *text, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (end == text || *end != '\0' || errno || !isfinite(x) || !(x >= min) || x > max)
        return -1;
    *out = x;
    return 0;
}

static int parse_size(const char *text, int *w, int *h)
{
    char *end;
    long a = strtol(text, &end, 10);
    if (end == text || (*end != 'x' && *end != 'X'))
        return -1;
    const char *second = end + 1;
    long b = strtol(second, &end, 10);
    if (end == second || *end != '\0' || a < 16 || b < 16 || a > 16384 || b > 16384)
        return -1;
    *w = (int)a;
    *h = (int)b;
    return 0;
}

/* Returns -1 on bad usage (message written), 1 when help was printed, 0 to go on. */
static int parse_options(int argc, char **argv, export_options *o, FILE *out, FILE *err)
{
    enum { OPT_SIZE = 256, OPT_DPI, OPT_THEME, OPT_FONT, OPT_STEPS, OPT_VIEW, OPT_SET, OPT_LABELS, OPT_SURFACE,
           OPT_OPT, OPT_SCHEDULE, OPT_START, OPT_SEED, OPT_BATCH };
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'o'},       {"size", required_argument, NULL, OPT_SIZE},
        {"dpi", required_argument, NULL, OPT_DPI},       {"theme", required_argument, NULL, OPT_THEME},
        {"font-scale", required_argument, NULL, OPT_FONT}, {"steps", required_argument, NULL, OPT_STEPS},
        {"view", required_argument, NULL, OPT_VIEW},     {"set", required_argument, NULL, OPT_SET},
        {"labels", no_argument, NULL, OPT_LABELS},       {"surface", required_argument, NULL, OPT_SURFACE},
        {"opt", required_argument, NULL, OPT_OPT},       {"schedule", required_argument, NULL, OPT_SCHEDULE},
        {"start", required_argument, NULL, OPT_START},   {"seed", required_argument, NULL, OPT_SEED},
        {"batch", required_argument, NULL, OPT_BATCH},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    *o = (export_options){.figure = basin_figure_defaults()};
    o->opts = calloc((size_t)argc, sizeof *o->opts);
    o->sets = calloc((size_t)argc, sizeof *o->sets);
    if (!o->opts || !o->sets)
        return usage_error(err, "out of memory");
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":ho:", longs, NULL)) != -1) {
        const char *token = argv[optind - 1];
        switch (c) {
        case 'o': o->output = optarg; break;
        case OPT_SIZE:
            if (parse_size(optarg, &o->figure.width, &o->figure.height) != 0)
                return usage_error(err, "--size '%s' is not WIDTHxHEIGHT in pixels from 16 to 16384", optarg);
            break;
        case OPT_DPI:
            if (parse_range(optarg, 10, 2400, &o->figure.dpi) != 0)
                return usage_error(err, "--dpi '%s' is not a number from 10 to 2400", optarg);
            break;
        case OPT_THEME:
            if (strcmp(optarg, "light") != 0 && strcmp(optarg, "dark") != 0)
                return usage_error(err, "--theme '%s' is not light or dark", optarg);
            o->figure.dark = strcmp(optarg, "dark") == 0;
            break;
        case OPT_FONT:
            if (parse_range(optarg, 0.1, 10, &o->figure.font_scale) != 0)
                return usage_error(err, "--font-scale '%s' is not a number from 0.1 to 10", optarg);
            break;
        case OPT_STEPS: o->steps = optarg; break;
        case OPT_VIEW: o->view = optarg; break;
        case OPT_SET: o->sets[o->n_sets++] = optarg; break;
        case OPT_LABELS: o->figure.labels = true; break;
        case OPT_SURFACE: o->scene.surface = optarg; break;
        case OPT_OPT: o->opts[o->scene.n_opts++] = optarg; break;
        case OPT_SCHEDULE: o->scene.schedule = optarg; break;
        case OPT_START: o->scene.start = optarg; break;
        case OPT_SEED: o->scene.seed = optarg; break;
        case OPT_BATCH: o->scene.batch = optarg; break;
        case 'h':
            fputs(basin_export_usage, out);
            return 1;
        case ':':
            return usage_error(err, "option '%s' needs a value", token);
        default:
            return usage_error(err, "unknown option '%.*s' (see basin export --help)", (int)strcspn(token, "="), token);
        }
    }
    o->scene.opts = o->opts;
    if (optind < argc)
        o->lab_path = argv[optind++];
    if (optind < argc)
        return usage_error(err, "unexpected argument '%s' (one lab file at most)", argv[optind]);
    if (o->lab_path && (o->scene.surface || o->scene.n_opts))
        return usage_error(err, "give a lab file or --surface/--opt, not both");
    if (!o->lab_path && !o->scene.surface)
        return usage_error(err, "give a lab file (e.g. demos/quadratic.ini) or --surface SPEC --opt SPEC");
    if (!o->lab_path && o->n_sets)
        return usage_error(err, "--set changes a lab file's keys; with --surface, give the value directly");
    if (!o->output)
        return usage_error(err, "-o FIGURE.(png|svg|pdf) is required");
    return cli_check_output("export", "-o", o->output, false, err);
}

/* Loads the lab file with the overrides (and --steps, --view as lab.steps, lab.views) and simulates it. */
static int load_lab(basin_lab *lab, const export_options *o, FILE *err)
{
    size_t n = o->n_sets;
    char **sets = calloc(n + 2, sizeof *sets);
    char *steps = o->steps ? cli_assignment("lab.steps=", o->steps) : NULL;
    char *views = o->view ? cli_assignment("lab.views=", o->view) : NULL;
    if (!sets || (o->steps && !steps) || (o->view && !views)) {
        free(sets), free(steps), free(views);
        fputs("basin export: out of memory\n", err);
        return BASIN_EXIT_FAILURE;
    }
    memcpy(sets, o->sets, n * sizeof *sets);
    if (steps)
        sets[n++] = steps;
    if (views)
        sets[n++] = views;
    int status = basin_lab_load(lab, o->lab_path, sets, n);
    free(sets), free(steps), free(views);
    if (status != 0) {
        fprintf(err, "basin export: %s\n", basin_error_message());
        return BASIN_EXIT_USAGE;
    }
    if (basin_lab_simulate(lab) != 0) {
        fprintf(err, "basin export: %s\n", basin_error_message());
        basin_lab_free(lab);
        return BASIN_EXIT_FAILURE;
    }
    return BASIN_EXIT_OK;
}

static int export(const export_options *o, FILE *out, FILE *err)
{
    basin_format format;
    if (basin_format_from_path(o->output, &format) != 0) {
        fprintf(err, "basin export: -o %s\n", basin_error_message());
        return BASIN_EXIT_USAGE;
    }
    basin_lab lab;
    int status;
    if (o->lab_path) {
        status = load_lab(&lab, o, err);
    } else {
        basin_lab_scene scene = o->scene;
        scene.steps = o->steps;
        status = basin_cli_build_lab(&lab, "export", &scene, err);
        if (status == BASIN_EXIT_OK && o->view) {
            int view = basin_view_find(o->view);
            if (view < 0 || ((view == BASIN_VIEW_CONTOUR || view == BASIN_VIEW_SURFACE) && lab.problem->dim != 2)) {
                basin_cli_say(err, "export", "--view '%s' is not a view of this scene (views: %s)", o->view,
                        lab.problem->dim == 2 ? "contour, surface, loss, lr" : "loss, lr");
                basin_lab_free(&lab);
                return BASIN_EXIT_USAGE;
            }
            lab.views[0] = (basin_view)view;
            lab.n_views = 1;
        }
    }
    if (status != BASIN_EXIT_OK)
        return status;
    basin_figure_options figure = o->figure;
    figure.surface = basin_offscreen_painter; /* the 3-D view through EGL, no display needed */
    if (basin_figure_check_room(&lab, &figure) != 0) { /* too small a size for the type: a usage error */
        fprintf(err, "basin export: %s\n", basin_error_message());
        basin_lab_free(&lab);
        return BASIN_EXIT_USAGE;
    }
    int written = basin_figure_export(&lab, &figure, o->output, out);
    if (written != 0) {
        fprintf(err, "basin export: %s%s\n", written == -2 ? "-o " : "", basin_error_message());
        status = written == -2 ? BASIN_EXIT_USAGE : BASIN_EXIT_FAILURE;
    }
    basin_lab_free(&lab);
    return status;
}

int basin_cmd_export(int argc, char **argv, FILE *out, FILE *err)
{
    export_options o;
    int parsed = parse_options(argc, argv, &o, out, err);
    int status = parsed < 0 ? BASIN_EXIT_USAGE : parsed > 0 ? BASIN_EXIT_OK : export(&o, out, err);
    free(o.opts);
    free(o.sets);
    return status;
}
