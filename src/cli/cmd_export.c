/* cmd_export.c: `basin export`: a lab (a file, or specs on the command line) as a PNG, SVG or PDF
 * figure, or as an animation (GIF, MP4, WebM, numbered frames), written whole or not at all. */
#include "cli.h"
#include "commands.h"
#include "render/output_file.h"

#include "app/offscreen.h"
#include "engine/error.h"
#include "render/animation.h"
#include "render/figure.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char basin_export_usage[] =
    "usage: basin export LAB.ini -o FIGURE.(png|svg|pdf) [OPTIONS]\n"
    "       basin export LAB.ini -o MOVIE.(gif|mp4|webm) | -o frames/%04d.(png|svg|pdf) [OPTIONS]\n"
    "       basin export --surface SPEC --opt SPEC [--opt SPEC ...] --start=X0,X1 -o FIGURE [OPTIONS]\n"
    "\n"
    "Runs the lab and draws its figure: the contour view (heatmap, contours, trajectories) and the loss\n"
    "and learning-rate curves it lists, with a shared legend. The format follows the extension. The file\n"
    "is written to a temporary name and renamed only when cairo reports success.\n"
    "\n"
    "An animation draws the figure frame by frame as the window plays it, every frame on the axes and\n"
    "colour scales of the whole run: a GIF (giflib; loops forever, a palette of the figure's own colours),\n"
    "an MP4 (H.264, yuv420p, index first: slides and browsers play it) or a WebM (VP9), both through the\n"
    "ffmpeg program, or one file per frame named by a %d pattern (numbered from 0; LaTeX's animate package\n"
    "plays PDF frames). The same lab gives the same bytes.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE      the figure: .png, .svg or .pdf; an animation: .gif, .mp4, .webm or a pattern\n"
    "                         such as frames/%04d.png (required)\n"
    "  --fps F                an animation's frames a second, 1 to 100 (default 30)\n"
    "  --every K              draw every K-th step (epoch or evaluation of a training lab; default 1)\n"
    "  --duration S           S seconds of frames spread evenly over the run instead (at most one a step)\n"
    "  --hold S               seconds the last frame stays before a GIF loops or a video ends (default 1)\n"
    "  --size WxH             size in pixels (default 1600x900); SVG and PDF pages are W/dpi × H/dpi inches\n"
    "  --dpi D                pixels per inch, 10 to 2400 (default 200): text is set in points, so this scales it\n"
    "  --theme light|dark     light for slides, dark for projectors (default light)\n"
    "  --font-scale S         text and line size factor, 0.1 to 10 (default 1)\n"
    "  --steps N              steps of every run (the lab's steps=)\n"
    "  --view NAMES           the views to draw (the lab's views=), e.g. loss or contour,loss; surface labs:\n"
    "                         contour, surface (3-D, OpenGL through EGL), loss, lr, steps, modes; training\n"
    "                         labs: surface (the first run's landscape in 3-D), loss,\n"
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
    basin_animation_options animation;
    bool animation_given; /* --fps, --every, --duration or --hold */
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
           OPT_OPT, OPT_SCHEDULE, OPT_START, OPT_SEED, OPT_BATCH, OPT_FPS, OPT_EVERY, OPT_DURATION, OPT_HOLD };
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'o'},       {"size", required_argument, NULL, OPT_SIZE},
        {"dpi", required_argument, NULL, OPT_DPI},       {"theme", required_argument, NULL, OPT_THEME},
        {"font-scale", required_argument, NULL, OPT_FONT}, {"steps", required_argument, NULL, OPT_STEPS},
        {"view", required_argument, NULL, OPT_VIEW},     {"set", required_argument, NULL, OPT_SET},
        {"labels", no_argument, NULL, OPT_LABELS},       {"surface", required_argument, NULL, OPT_SURFACE},
        {"opt", required_argument, NULL, OPT_OPT},       {"schedule", required_argument, NULL, OPT_SCHEDULE},
        {"start", required_argument, NULL, OPT_START},   {"seed", required_argument, NULL, OPT_SEED},
        {"batch", required_argument, NULL, OPT_BATCH},   {"fps", required_argument, NULL, OPT_FPS},
        {"every", required_argument, NULL, OPT_EVERY},   {"duration", required_argument, NULL, OPT_DURATION},
        {"hold", required_argument, NULL, OPT_HOLD},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    *o = (export_options){.figure = basin_figure_defaults(), .animation = basin_animation_defaults()};
    double every = 1;
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
        case OPT_FPS:
            if (parse_range(optarg, 1, 100, &o->animation.fps) != 0)
                return usage_error(err, "--fps '%s' is not a number from 1 to 100", optarg);
            o->animation_given = true;
            break;
        case OPT_EVERY:
            if (parse_range(optarg, 1, 1e9, &every) != 0 || every != floor(every))
                return usage_error(err, "--every '%s' is not a whole number from 1", optarg);
            o->animation.every = (size_t)every, o->animation_given = true;
            break;
        case OPT_DURATION:
            if (parse_range(optarg, 0.1, 3600, &o->animation.duration) != 0)
                return usage_error(err, "--duration '%s' is not a number of seconds from 0.1 to 3600", optarg);
            o->animation_given = true;
            break;
        case OPT_HOLD:
            if (parse_range(optarg, 0, 600, &o->animation.hold) != 0)
                return usage_error(err, "--hold '%s' is not a number of seconds from 0 to 600", optarg);
            o->animation_given = true;
            break;
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
        return usage_error(err, "-o FIGURE.(png|svg|pdf|gif|mp4|webm) is required");
    basin_animation_format format;
    int animated = basin_animation_format_of(o->output, &format);
    if (animated < 0)
        return usage_error(err, "-o %s", basin_error_message());
    if (!animated && o->animation_given)
        return usage_error(err, "--fps, --every, --duration and --hold are for animations (-o .gif, .mp4, .webm or "
                                "frames/%%04d.png), not '%s'", o->output);
    if (animated && format == BASIN_ANIMATION_FRAMES) { /* the frames' folder must exist and take files */
        char *folder = strdup(o->output);
        char *slash = folder ? strrchr(folder, '/') : NULL;
        int rc = 0;
        if (slash && slash != folder) {
            *slash = '\0';
            if (access(folder, W_OK) != 0)
                rc = usage_error(err, "-o %s: the folder '%s' does not exist or cannot be written", o->output, folder);
        }
        free(folder);
        return rc;
    }
    return cli_check_output("export", "-o", o->output, false, err);
}

/* Loads the lab file with the overrides (and --steps, --view as lab.steps, lab.views) and simulates it;
 * an animation (every_frame) also gets what its views draw at every frame (each frame's decision regions). */
static int load_lab(basin_lab *lab, const export_options *o, bool every_frame, FILE *err)
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
    if (basin_lab_run_all(lab) != 0 || basin_lab_fill_views(lab, every_frame, NULL) != 0) {
        fprintf(err, "basin export: %s\n", basin_error_message());
        basin_lab_free(lab);
        return BASIN_EXIT_FAILURE;
    }
    return BASIN_EXIT_OK;
}

/* A progress bar on a terminal: "frame 12/300" rewritten in place. */
static void show_progress(size_t done, size_t total, void *user)
{
    fprintf((FILE *)user, "\rbasin export: frame %zu/%zu", done, total);
    fflush((FILE *)user);
}

static int export(export_options *o, FILE *out, FILE *err)
{
    basin_format still;
    basin_animation_format animation;
    if (isatty(fileno(err)))
        o->animation.progress = show_progress, o->animation.progress_user = err;
    if (basin_animation_format_of(o->output, &animation) != 1 && basin_format_from_path(o->output, &still) != 0) {
        fprintf(err, "basin export: -o %s; an animation: .gif, .mp4, .webm or frames/%%04d.png\n", basin_error_message());
        return BASIN_EXIT_USAGE;
    }
    basin_lab lab;
    int status;
    if (o->lab_path) {
        status = load_lab(&lab, o, basin_animation_format_of(o->output, &animation) == 1, err);
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
    basin_offscreen_session *session = basin_offscreen_session_create(); /* one GL context for every frame */
    if (!session) {
        fprintf(err, "basin export: %s\n", basin_error_message());
        basin_lab_free(&lab);
        return BASIN_EXIT_FAILURE;
    }
    figure.surface = basin_offscreen_session_painter; /* the 3-D view through EGL, no display needed */
    figure.surface_user = session;
    if (basin_figure_check_room(&lab, &figure) != 0) { /* too small a size for the type: a usage error */
        fprintf(err, "basin export: %s\n", basin_error_message());
        basin_offscreen_session_free(session);
        basin_lab_free(&lab);
        return BASIN_EXIT_USAGE;
    }
    bool animated = basin_animation_format_of(o->output, &animation) == 1;
    int written = animated ? basin_animation_export(&lab, &figure, &o->animation, animation, o->output, out)
                           : basin_figure_export(&lab, &figure, o->output, out);
    if (animated && o->animation.progress)
        fputc('\n', err);
    if (written != 0) {
        fprintf(err, "basin export: %s%s\n", written == -2 ? "-o " : "", basin_error_message());
        status = written == -2 ? BASIN_EXIT_USAGE : BASIN_EXIT_FAILURE;
    }
    basin_offscreen_session_free(session);
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
