/* cmd_open.c: `basin open`: a lab in the interactive window (and `basin` alone: the default demo). */
#include "cli.h"
#include "commands.h"

#include "app/app.h"
#include "engine/error.h"
#include "lab/playlist.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const char basin_open_usage[] =
    "usage: basin open [LAB.ini | LECTURE.playlist] [OPTIONS]\n"
    "       basin lecture [OPTIONS]      (basin open demos/lecture.playlist)\n"
    "\n"
    "Opens a lab in the window, paused (default: demos/quadratic.ini); a playlist opens its first lab and\n"
    "PageDown/PageUp follow the lecture's order, saying the section. Keys: space play/pause, → ← step,\n"
    "r reset, + − speed, s slow motion for the first steps, click to move every start (shift-click: the\n"
    "selected run's), 1–9 select a run, wheel and drag zoom and pan (drag turns the 3-D view), v contour\n"
    "or 3-D, c the control column (sliders for the selected run's optimizer, add/remove runs, the surface),\n"
    "PageDown/PageUp next/previous lab (of the playlist, else of the lab's folder), e export to PDF and PNG, f or F11 presenter mode, ? help, q quit.\n"
    "\n"
    "options:\n"
    "  --size WxH           window size in points (default 1280x800)\n"
    "  --presenter          start in presenter mode (full screen, large type, dark)\n"
    "  --set SECTION.KEY=V  override a key of the lab (repeatable)\n"
    "  --view NAMES         the views to show (the lab's views=), e.g. surface or contour,loss,lr; surface\n"
    "                       labs: contour, surface, loss, lr, steps, modes; training labs: surface (a\n"
    "                       landscape in 3-D), loss, accuracy, boundary,\n"
    "                       layers, sharpness, spectrum, landscape, timeline, staleness, scaling, noise,\n"
    "                       split, weights, augment, norm, measures, neurons (basin list views)\n"
    "  --frames N           render N frames, then quit\n"
    "  --screenshot FILE    with --frames: save the last frame as a PNG (read back from the framebuffer)\n"
    "  --bench-frames N     play and time N frames; print frame_ms_median=M frame_ms_p95=P\n"
    "  --bench-idle S       let the lab train and settle, then rest S seconds without input; print\n"
    "                       idle_cpu_percent=P (the whole process) idle_frames=N (frames drawn meanwhile)\n"
    "  --script FILE        inject input events from FILE, one command a frame (a test hook):\n"
    "                         wait N | click X Y | shift-click X Y | drag X0 Y0 X1 Y1 | move X Y |\n"
    "                         wheel X Y N | key NAME | type TEXT | press LABEL | slide LABEL FRACTION |\n"
    "                         resize W H |\n"
    "                         screenshot FILE | settle (a training lab has trained) | train N (N more\n"
    "                         evaluations recorded) | idle (the worker rests) | quit\n"
    "                       key names: space right left r plus minus s f e v c n question pagedown pageup q 1…9\n"
    "                       return backspace escape;\n"
    "                       press and slide find a control of the control column by its label\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 success, 1 no window could be opened or a failure while running, 2 bad usage or input.\n";

static int positive(const char *text, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno || v < 1 || v > 10000000)
        return -1;
    *out = (int)v;
    return 0;
}

int basin_cmd_open(int argc, char **argv, FILE *out, FILE *err)
{
    enum { OPT_SIZE = 256, OPT_PRESENTER, OPT_SET, OPT_VIEW, OPT_FRAMES, OPT_SCREENSHOT, OPT_BENCH, OPT_BENCH_IDLE, OPT_SCRIPT };
    static const struct option longs[] = {
        {"size", required_argument, NULL, OPT_SIZE},     {"presenter", no_argument, NULL, OPT_PRESENTER},
        {"set", required_argument, NULL, OPT_SET},       {"view", required_argument, NULL, OPT_VIEW},
        {"frames", required_argument, NULL, OPT_FRAMES},
        {"screenshot", required_argument, NULL, OPT_SCREENSHOT}, {"bench-frames", required_argument, NULL, OPT_BENCH},
        {"bench-idle", required_argument, NULL, OPT_BENCH_IDLE},
        {"script", required_argument, NULL, OPT_SCRIPT}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    basin_app_options o = {.lab_path = BASIN_DEMOS_DIR "/quadratic.ini", .width = 1280, .height = 800};
    basin_playlist lecture = {0}; /* before any goto done: it is freed there */
    char **sets = calloc((size_t)argc + 1, sizeof *sets), *view = NULL;
    int view_at = -1;
    int status = BASIN_EXIT_USAGE;
    if (!sets)
        return basin_cli_usage_error(err, "open", "out of memory"), BASIN_EXIT_FAILURE;
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
        const char *token = argv[optind - 1];
        switch (c) {
        case OPT_SIZE: {
            char *end;
            long w = strtol(optarg, &end, 10), h = *end == 'x' ? strtol(end + 1, &end, 10) : 0;
            if (*end != '\0' || w < 320 || h < 240 || w > 16384 || h > 16384) {
                basin_cli_usage_error(err, "open", "--size '%s' is not WIDTHxHEIGHT from 320x240 to 16384x16384", optarg);
                goto done;
            }
            o.width = (int)w;
            o.height = (int)h;
            break;
        }
        case OPT_PRESENTER: o.presenter = true; break;
        case OPT_SET: sets[o.n_sets++] = optarg; break;
        case OPT_VIEW: /* the last --view counts, in the place of the first */
            free(view);
            if (!(view = cli_assignment("lab.views=", optarg))) {
                status = BASIN_EXIT_FAILURE;
                basin_cli_usage_error(err, "open", "out of memory");
                goto done;
            }
            if (view_at < 0)
                view_at = (int)o.n_sets++;
            sets[view_at] = view;
            break;
        case OPT_FRAMES:
        case OPT_BENCH:
        case OPT_BENCH_IDLE:
            if (positive(optarg, c == OPT_FRAMES ? &o.frames : c == OPT_BENCH ? &o.bench_frames : &o.bench_idle) != 0) {
                basin_cli_usage_error(err, "open", "%s '%s' is not a whole number from 1", token, optarg);
                goto done;
            }
            break;
        case OPT_SCREENSHOT: o.screenshot = optarg; break;
        case OPT_SCRIPT: o.script = optarg; break;
        case 'h':
            fputs(basin_open_usage, out);
            status = BASIN_EXIT_OK;
            goto done;
        case ':':
            basin_cli_usage_error(err, "open", "option '%s' needs a value", token);
            goto done;
        default:
            basin_cli_usage_error(err, "open", "unknown option '%.*s' (see basin open --help)", (int)strcspn(token, "="), token);
            goto done;
        }
    }
    if (optind < argc)
        o.lab_path = argv[optind++];
    if (optind < argc) {
        basin_cli_usage_error(err, "open", "unexpected argument '%s' (one lab file at most)", argv[optind]);
        goto done;
    }
    if (o.screenshot && o.frames <= 0) {
        basin_cli_usage_error(err, "open", "--screenshot needs --frames N (or use a script's screenshot command)");
        goto done;
    }
    if (basin_playlist_is(o.lab_path)) { /* a lecture: its first lab, then PageDown/PageUp along it */
        if (basin_playlist_load(&lecture, o.lab_path) != 0) {
            basin_cli_say(err, "open", "%s", basin_error_message());
            goto done;
        }
        o.playlist = o.lab_path;
        o.lab_path = lecture.items[0].path;
    }
    /* the lab is checked before any display is looked for: a bad lab is a usage error everywhere */
    basin_lab lab;
    if (basin_lab_load(&lab, o.lab_path, sets, o.n_sets) != 0) {
        basin_cli_say(err, "open", "%s", basin_error_message());
        goto done;
    }
    basin_lab_free(&lab);
    o.sets = sets;
    status = basin_app_run(&o, out, err);
done:
    basin_playlist_free(&lecture);
    free(sets);
    free(view);
    return status;
}

int basin_cmd_lecture(int argc, char **argv, FILE *out, FILE *err)
{
    char **with = calloc((size_t)argc + 2, sizeof *with);
    if (!with)
        return basin_cli_usage_error(err, "lecture", "out of memory"), BASIN_EXIT_FAILURE;
    with[0] = "open";
    with[1] = BASIN_DEMOS_DIR "/lecture.playlist";
    for (int i = 1; i < argc; i++)
        with[i + 1] = argv[i];
    int status = basin_cmd_open(argc + 1, with, out, err);
    free(with);
    return status;
}
