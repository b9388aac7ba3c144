/* test_lab.c: lab files: keys, defaults, overrides, simulation, and errors that name the file, the line
 * and the key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support_cli.h"

#include "engine/error.h"
#include "lab/lab.h"
#include "engine/analysis/curvature.h"
#include "lab/augment_samples.h"
#include "lab/measures.h"
#include "lab/playlist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <unistd.h>

static char path[64];

/* Writes text to a fresh temporary .ini file and returns its path. */
static const char *lab_file(const char *text)
{
    snprintf(path, sizeof path, "/tmp/basin-lab-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static const char scene[] =
    "# Ill-conditioned quadratic\n"
    "[lab]\n"
    "title   = GD zig-zags ; κ = 50\n"
    "note    = Watch the\n"
    "  steep direction:\n"
    "\tpress space.\n"
    "surface = quadratic:eig=1/50,angle=30\n"
    "steps   = 40\n"
    "views   = contour, loss\n"
    "start   = 2.5,1.5\n"
    "xrange  = -3:3\n"
    "yrange  = -2:2\n"
    "\n"
    "[run GD]\n"
    "opt   = sgd:lr=0.039\n"
    "\n"
    "[run Momentum]\n"
    "opt   = sgd:lr=0.039,momentum=0.7\n"
    "start = -2,1\n"
    "color = #00ff80\n";

static void test_a_scene(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, lab_file(scene), NULL, 0) != 0)
        fail_msg("%s", basin_error_message());
    unlink(path);
    assert_string_equal(lab.title, "GD zig-zags"); /* inline comment stripped */
    assert_string_equal(lab.note, "Watch the steep direction: press space."); /* indented lines continue it */
    assert_string_equal(lab.surface.entry->name, "quadratic");
    assert_int_equal(lab.steps, 40);
    assert_int_equal(lab.n_views, 2);
    assert_int_equal(lab.views[0], BASIN_VIEW_CONTOUR);
    assert_int_equal(lab.views[1], BASIN_VIEW_LOSS);
    assert_true(lab.has_window);
    assert_close(lab.window[0], -3, 0);
    assert_close(lab.window[3], 2, 0);
    assert_int_equal(lab.n_runs, 2);
    assert_string_equal(lab.runs[0].label, "GD");
    assert_close(lab.runs[0].start[0], 2.5, 0); /* the [lab] default */
    assert_close(lab.runs[1].start[0], -2, 0);  /* its own */
    assert_close(lab.runs[1].color[1], 1, 0);
    assert_close(lab.runs[1].color[2], 128 / 255.0, 1e-15);
    assert_close(lab.runs[0].color[0], 0x1f / 255.0, 1e-15); /* the palette's first colour */
    assert_int_equal(basin_lab_simulate(&lab), 0);
    assert_int_equal(lab.runs[0].run->trace.len, 41);
    assert_int_equal(lab.runs[1].run->trace.len, 41);
    basin_lab_free(&lab);
}

static void test_overrides(void **state)
{
    (void)state;
    basin_lab lab;
    char *sets[] = {"GD.opt=adam:lr=0.1", "lab.steps=7", "Momentum.seed=3"};
    if (basin_lab_load(&lab, lab_file(scene), sets, 3) != 0)
        fail_msg("%s", basin_error_message());
    assert_string_equal(lab.runs[0].opt.entry->name, "adam");
    assert_int_equal(lab.steps, 7);
    assert_int_equal(lab.runs[1].seed, 3);
    basin_lab_free(&lab);

    /* A run name with dots, a comma and '=' in it. */
    const char *named = "[lab]\nsurface = booth\nstart = 0,0\n[run GD, η = 0.039]\nopt = sgd:lr=0.039\n";
    char *rename[] = {"GD, η = 0.039.opt=sgd:lr=0.02"};
    if (basin_lab_load(&lab, lab_file(named), rename, 1) != 0)
        fail_msg("%s", basin_error_message());
    assert_string_equal(lab.runs[0].label, "GD, η = 0.039");
    assert_close(basin_params_real(&lab.runs[0].opt.params, "lr"), 0.02, 0);
    basin_lab_free(&lab);

    /* A legend that follows the values: name = with {KEY}, after --set and after a change in place. */
    const char *templated = "[lab]\nsurface = booth\nstart = 0,0\n[run GD]\nopt = sgd:lr=0.039,nesterov=true,"
                            "momentum=0.9\nname = GD, η = {lr}, β = {momentum}, {nesterov}\n";
    char *faster[] = {"GD.opt=sgd:lr=0.02,momentum=0.5"};
    if (basin_lab_load(&lab, lab_file(templated), faster, 1) != 0)
        fail_msg("%s", basin_error_message());
    char legend[128];
    basin_lab_run_legend(&lab.runs[0], legend, sizeof legend);
    assert_string_equal(legend, "GD, η = 0.02, β = 0.5, false");
    basin_params_set_real(&lab.runs[0].opt.params, "lr", 0.125); /* as a slider does */
    basin_lab_run_legend(&lab.runs[0], legend, sizeof legend);
    assert_string_equal(legend, "GD, η = 0.125, β = 0.5, false");
    basin_lab_free(&lab);
    char *unknown[] = {"GD.name=GD {beta}"};
    assert_int_equal(basin_lab_load(&lab, lab_file(templated), unknown, 1), -1);
    assert_non_null(strstr(basin_error_message(), "'{beta}' is not {KEY} for a key of sgd (keys: lr, momentum"));
    unlink(path);
    lab_file(scene);

    /* Adding and removing runs. */
    char *edits[] = {"+Adam.opt=adam:lr=0.1", "Adam.color=green", "-GD"}; /* + creates; then plain keys */
    if (basin_lab_load(&lab, path, edits, 3) != 0)
        fail_msg("%s", basin_error_message());
    assert_int_equal(lab.n_runs, 2);
    assert_string_equal(lab.runs[0].label, "Momentum");
    assert_string_equal(lab.runs[1].label, "Adam");
    assert_close(lab.runs[1].start[0], 2.5, 0); /* the [lab] start */
    assert_close(lab.runs[1].color[1], 0xa0 / 255.0, 1e-15);
    basin_lab_free(&lab);
    char *taken[] = {"+GD.opt=adam"};
    assert_int_equal(basin_lab_load(&lab, path, taken, 1), -1);
    assert_string_equal(basin_error_message(), "--set '+GD.opt=adam': a run named 'GD' exists already");
    char *gone[] = {"-Nesterov"};
    assert_int_equal(basin_lab_load(&lab, path, gone, 1), -1);
    assert_string_equal(basin_error_message(), "--set '-Nesterov': no run named 'Nesterov' to remove");

    char *bad[] = {"Nesterov.opt=sgd:lr=1"};
    assert_int_equal(basin_lab_load(&lab, path, bad, 1), -1);
    assert_string_equal(basin_error_message(), "--set 'Nesterov.opt=sgd:lr=1': no run named 'Nesterov' (runs: GD, Momentum)");
    char *malformed[] = {"steps=3"};
    assert_int_equal(basin_lab_load(&lab, path, malformed, 1), -1);
    assert_non_null(strstr(basin_error_message(), "expected SECTION.KEY=VALUE"));
    char *invalid[] = {"GD.opt=sgd:lr=-1"};
    assert_int_equal(basin_lab_load(&lab, path, invalid, 1), -1);
    assert_non_null(strstr(basin_error_message(), "--set 'GD.opt=sgd:lr=-1': sgd: lr='-1' is out of range"));
    unlink(path);
}

static void expect_lab_error(const char *text, const char *expected_suffix)
{
    basin_lab lab;
    const char *file = lab_file(text);
    if (basin_lab_load(&lab, file, NULL, 0) == 0)
        fail_msg("accepted:\n%s", text);
    const char *msg = basin_error_message();
    char expected[512];
    snprintf(expected, sizeof expected, "%s%s", file, expected_suffix);
    if (strcmp(msg, expected) != 0)
        fail_msg("message\n  '%s'\nexpected\n  '%s'", msg, expected);
    unlink(file);
}

static void test_errors_name_file_line_and_key(void **state)
{
    (void)state;
    /* inputs that are not text files: refused at once (never read for ever), one line */
    basin_lab not_text;
    assert_int_equal(basin_lab_load(&not_text, "/dev/zero", NULL, 0), -1);
    assert_string_equal(basin_error_message(), "/dev/zero: cannot read: not a regular file");
    assert_int_equal(basin_lab_load(&not_text, "/tmp", NULL, 0), -1);
    assert_string_equal(basin_error_message(), "/tmp: cannot read: a folder, not a file");
    const char *nul = lab_file("[lab]\nsurface = booth\n");
    FILE *f = fopen(nul, "a");
    fwrite("title = a\0b\n", 1, 12, f);
    fclose(f);
    assert_int_equal(basin_lab_load(&not_text, nul, NULL, 0), -1);
    assert_non_null(strstr(basin_error_message(), ":3: a NUL byte: not a text file"));
    unlink(nul);
    /* of two errors, the first is reported */
    expect_lab_error("[lab]\nsurface = booth\nbad line\nworse line\n", ":3: expected KEY = VALUE or a [section]");
    expect_lab_error("[lab]\nsurface = rosenbrok\n[run A]\nopt = sgd:lr=1\nstart = 0,0\n",
                     ":2: surface: unknown surface 'rosenbrok' (valid: quadratic, rosenbrock, himmelblau, beale, "
                     "booth, rastrigin, ackley, styblinski-tang, six-hump-camel, saddle, monkey-saddle, linreg, expr)");
    expect_lab_error("[lab]\nsurface = booth\nstart = 0,0\n\n[run A]\nopt = sgd:lr=1,mom=0.9\n",
                     ":6: opt: sgd has no key 'mom' (keys: lr, momentum, dampening, weight_decay, nesterov)");
    expect_lab_error("[lab]\nsurface = booth\n[run A]\nopt = sgd:lr=1\nstart = 0,0,0\n",
                     ":5: start: '0,0,0' has 3 values but surface 'booth' has 2 parameters");
    expect_lab_error("[lab]\nsurface = booth\nstepz = 4\n",
                     ":3: stepz: unknown key in [lab] (keys: title, note, surface, f, domain, minimum, steps, seed, batch, schedule, "
                     "parallel, start, "
                     "views, xrange, yrange, levels, level_scale, colormap)");
    expect_lab_error("[lab]\nsurface = booth\nsteps = many\n",
                     ":3: steps: 'many' is not a whole number from 0 to 1000000000");
    expect_lab_error("[lab]\nsurface = booth\nstart = 0,0\n[run A]\nopt = sgd:lr=1\nopt = adam\n",
                     ":6: opt: given twice in [run A] (first at line 5)");
    expect_lab_error("[lab]\nsurface = booth\nstart=0,0\n[run A]\nstart = 1,1\n", ":4: [run A] needs opt = SPEC (basin list optimizers)");
    expect_lab_error("[lab]\nsurface = booth\n[run A]\nopt = sgd:lr=1\n", ":3: [run A] needs start = X0,X1,... (or a start in [lab])");
    expect_lab_error("[lab]\nsurface = booth\nviews = contour, heatmap\n", ":3: views: unknown view 'heatmap' (views: contour, surface, loss, lr, staleness, scaling, steps, modes)");
    expect_lab_error("[lab]\nsurface = rastrigin:dim=3\nviews = contour\n",
                     ":3: views: the contour view needs a 2-D surface ('rastrigin:dim=3' has 3 parameters)");
    expect_lab_error("[lab]\nsurface = booth\nxrange = 2:1\nyrange=0:1\n", ":3: xrange: '2:1' is not a range LOW:HIGH with LOW < HIGH");
    expect_lab_error("[lab]\nsurface = booth\nstart=0,0\n[run A]\nopt=sgd:lr=1\ncolor = teal\n",
                     ":6: color: 'teal' is not a colour (#rrggbb, or blue, orange, green, red, purple, brown, pink, gray, olive, cyan)");
    expect_lab_error("[lab]\nsurface = booth\n[walk A]\nopt = sgd:lr=1\n", ":4: section [walk A] is neither [lab] nor [run NAME]");
    expect_lab_error("[lab]\nsurface = booth\nthis line has no equals sign\n", ":3: expected KEY = VALUE or a [section]");
    expect_lab_error("[lab]\ntitle = no surface\n[run A]\nopt=sgd:lr=1\n", ": the lab needs surface = SPEC in [lab] (basin list surfaces)");
    expect_lab_error("[lab]\nsurface = booth\n", ": the lab has no runs (add a [run NAME] section with opt = SPEC)");
    char long_line[400] = "[lab]\nsurface = booth\ntitle = ";
    memset(long_line + strlen(long_line), 'x', 300);
    expect_lab_error(long_line, ":3: line too long (at most 198 characters)");
    /* a run name inih would cut short is refused, not taken for a run without keys; 45 characters work */
    expect_lab_error("[lab]\nsurface = booth\nstart = 0,0\n[run 0123456789012345678901234567890123456789012345]\n"
                     "opt = sgd:lr=1\n", ":4: the run name '0123456789012345678901234567890123456789012345' is longer "
                     "than 45 characters");
    basin_lab named;
    const char *fits = lab_file("[lab]\nsurface = booth\nstart = 0,0\n[run 012345678901234567890123456789012345678901234]\n"
                                "opt = sgd:lr=0.1\n");
    assert_int_equal(basin_lab_load(&named, fits, NULL, 0), 0);
    assert_string_equal(named.runs[0].label, "012345678901234567890123456789012345678901234");
    basin_lab_free(&named);
    unlink(fits);

    basin_lab lab;
    assert_int_equal(basin_lab_load(&lab, "/nonexistent/lab.ini", NULL, 0), -1);
    assert_string_equal(basin_error_message(), "/nonexistent/lab.ini: cannot read: No such file or directory");
}

/* A training lab: runs with only [lab] defaults exist, train for the epochs asked (a frame per epoch
 * plus the start), seeded as `basin train --seed` is, and their views are checked against the data. */
static void test_training_lab(void **state)
{
    (void)state;
    const char *file = lab_file("[lab]\ndata = moons:n=100\nmodel = mlp:hidden=8\nopt = sgd:lr=0.1\nepochs = 4\n"
                                "batch = 16\n[run plain]\n[run wide]\nmodel = mlp:hidden=32\ninit = xavier_uniform\n");
    basin_lab lab;
    if (basin_lab_load(&lab, file, NULL, 0) != 0)
        fail_msg("%s", basin_error_message());
    assert_int_equal(lab.n_runs, 2);
    assert_string_equal(lab.runs[0].label, "plain");
    assert_int_equal(lab.n_views, 3); /* boundary, loss, accuracy for 2-D classes */
    assert_int_equal(lab.views[0], BASIN_VIEW_BOUNDARY);
    assert_int_equal(basin_lab_simulate(&lab), 0);
    const basin_net_trace *t = lab.runs[0].training;
    assert_int_equal(t->len, 5);
    assert_close(t->epoch[4], 4.0, 0);
    assert_true(t->train_loss[4] < t->train_loss[0]);
    /* The same run by `basin train` ends with the same test loss, bit for bit. */
    support_cli_result r = support_cli("train", "--model", "mlp:hidden=8", "--data", "moons:n=100", "--opt",
                                       "sgd:lr=0.1", "--epochs", "4", "--batch", "16", NULL);
    char expected[64];
    snprintf(expected, sizeof expected, "test loss %.6g", t->test_loss[4]);
    assert_non_null(strstr(r.out, expected));
    support_cli_free(&r);
    basin_lab_free(&lab);
    unlink(file);
    /* the keys labs share with basin train now (augment, snapshots, swa, l1, dropout's seed) train alike */
    file = lab_file("[lab]\ndata = moons:n=100\nmodel = mlp:hidden=8,dropout=0.1\nopt = sgd:lr=0.1\nepochs = 4\n"
                    "seed = 7\n[run a]\nbatch = 16\naugment = jitter\nsnapshots = 2\nl1 = 0.001\n");
    if (basin_lab_load(&lab, file, NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    t = lab.runs[0].training;
    r = support_cli("train", "--model", "mlp:hidden=8,dropout=0.1", "--data", "moons:n=100", "--opt", "sgd:lr=0.1",
                    "--epochs", "4", "--batch", "16", "--augment", "jitter", "--snapshots", "2", "--l1", "0.001",
                    "--seed", "7", NULL);
    snprintf(expected, sizeof expected, "test loss %.6g", t->result.test_loss);
    if (!strstr(r.out, expected))
        fail_msg("the lab's %s, basin train's: %s", expected, r.out);
    snprintf(expected, sizeof expected, "%.6g", t->result.ensemble_test_loss);
    assert_non_null(strstr(r.out, expected));
    support_cli_free(&r);
    basin_lab_free(&lab);
    unlink(file);
    /* the curvature views: λmax against 2/η, a spectrum per frame, the landscape of the trajectory */
    file = lab_file("[lab]\ndata = moons:n=100\nmodel = mlp:hidden=8,act=tanh\nopt = sgd:lr=0.2\nepochs = 6\n"
                    "batch = 0\ntrack_sharpness = 2\nviews = sharpness, spectrum, landscape\n[run gd]\n");
    if (basin_lab_load(&lab, file, NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    t = lab.runs[0].training;
    assert_int_equal(t->n_sharp, 3);
    assert_close(t->sharp_limit[0], 10, 1e-12);
    assert_true(t->sharp_lambda[0] > 0);
    assert_true(t->spec_count[0] > 0 && t->spec_count[6] > 0);
    assert_int_equal(t->land_grid, BASIN_LANDSCAPE_GRID);
    assert_close(t->traj_a[6], 0, 1e-12); /* the plane passes through the final weights */
    basin_lab_free(&lab);
    unlink(file);
    expect_lab_error("[lab]\ndata = digits\nmodel = mlp\nopt = sgd:lr=0.1\nviews = boundary\n[run a]\n",
                     ":5: views: the boundary view needs 2-D classification data ('digits' has 64 features)");
    expect_lab_error("[lab]\ndata = moons\nmodel = cnn\nopt = sgd:lr=0.1\n[run a]\n",
                     ":3: model: cnn: moons is not a set of images (its examples are 2 numbers); use mlp");
    expect_lab_error("[lab]\ndata = moons\nopt = sgd:lr=0.1\n[run a]\nstart = 1,2\n",
                     ":5: start: unknown key in [run a] (keys: opt, model, init, schedule, augment, parallel, name, color, batch, "
                     "seed, eval_every, early_stop, swa, snapshots, track_sharpness, l1)");
    expect_lab_error("[lab]\ndata = moons\nopt = sgd:lr=0.1\nviews = contour\n[run a]\nmodel = mlp\n",
                     ":4: views: view 'contour' is not for a training lab (views: surface, loss, accuracy, boundary, layers, "
                     "sharpness, spectrum, landscape, timeline, staleness, scaling, noise, split, weights, augment, norm, measures, neurons)");
    /* a parallel run: the same curve as one worker on the global batch, the clock and the timeline kept;
     * a mode that cannot train the model is refused at its key */
    file = lab_file("[lab]\ndata = digits\nmodel = mlp:hidden=16\nopt = sgd:lr=0.1\nepochs = 2\n"
                    "views = loss, timeline, scaling, noise\n[run one]\nbatch = 64\n"
                    "[run four]\nbatch = 16\nparallel = sync:workers=4\n");
    if (basin_lab_load(&lab, file, NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    const basin_net_trace *one = lab.runs[0].training, *four = lab.runs[1].training;
    assert_int_equal(one->len, four->len);
    for (size_t k = 0; k < one->len; k++)
        assert_close(four->train_loss[k], one->train_loss[k], 1e-12 * one->train_loss[k]);
    assert_int_equal(four->timeline.rows, 4);
    assert_true(four->timeline.n == 2 * 4 * 46); /* per worker and step: its gradient and its all-reduce */
    assert_close(four->sim_time[four->len - 1], 2.0 * (22 * 16 + 8), 1e-9); /* the largest shard each step */
    assert_true(isfinite(four->noise_scale[four->len - 1]) && isnan(one->noise_scale[one->len - 1]));
    basin_lab_free(&lab);
    unlink(file);
    expect_lab_error("[lab]\ndata = digits\nmodel = mlp:hidden=30\nopt = sgd:lr=0.1\n[run a]\n"
                     "parallel = tensor:workers=4\n",
                     ":6: parallel: tensor: layer 1's 30 features cannot be split among 4 workers");
    /* the same bad input as basin train's, refused as it is, before training (status 2 everywhere) */
    expect_lab_error("[lab]\ndata = moons:n=100\nmodel = mlp:hidden=8,norm=batch\nopt = sgd:lr=0.1\n[run a]\nbatch = 1\n",
                     ":6: batch: batchnorm cannot train on a batch of one example (batch 1); choose another batch size");
}

/* The training keys of a lab file are checked by the schema basin train's options use: every bad value is
 * refused by both, with the same message after the key's name. */
static void test_training_keys_as_basin_train(void **state)
{
    (void)state;
    static const char *const bad[] = {"-1", "x", "1.5", "1e20"};
    for (const basin_param_spec *s = basin_train_specs; s->key; s++) {
        if (strcmp(s->key, "steps") == 0)
            continue; /* a lab replays epochs */
        for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
            if (strcmp(s->key, "l1") == 0 && (strcmp(bad[b], "1.5") == 0 || strcmp(bad[b], "1e20") == 0))
                continue; /* a real number, unbounded above */
            char option[48], lab[256];
            snprintf(option, sizeof option, "--%s", s->key);
            for (char *c = option + 2; *c; c++)
                *c = *c == '_' ? '-' : *c;
            support_cli_result r = support_cli("train", "--model", "mlp", "--data", "moons", "--opt", "sgd:lr=0.1", option,
                                               bad[b], NULL);
            assert_int_equal(r.status, 2);
            const char *cli = strstr(r.err, option);
            assert_non_null(cli);
            snprintf(lab, sizeof lab, "[lab]\ndata = moons\nmodel = mlp\nopt = sgd:lr=0.1\n%s = %s\n[run a]\n", s->key,
                     bad[b]);
            FILE *f = fopen(support_tmp("keys.ini"), "w");
            fputs(lab, f);
            fclose(f);
            basin_lab l;
            assert_int_equal(basin_lab_load(&l, support_tmp("keys.ini"), NULL, 0), -1);
            const char *message = basin_error_message(), *tail = strstr(message, ": '");
            assert_non_null(tail);
            /* the CLI: "--early-stop '-1' is not ...\n"; the lab: "FILE:5: early_stop: '-1' is not ..." */
            char *cli_tail = strndup(cli + strlen(option), strcspn(cli + strlen(option), "\n"));
            if (strcmp(cli_tail, tail + 1) != 0)
                fail_msg("%s = %s: the lab says '%s', basin train '%s'", s->key, bad[b], tail + 1, cli_tail);
            free(cli_tail);
            support_cli_free(&r);
        }
    }
}

/* The mean of f − f* over the rows [from, to) of a run. */
static double mean_gap(const basin_lab *lab, size_t run, size_t from, size_t to)
{
    const basin_trace *tr = &lab->runs[run].run->trace;
    double sum = 0;
    for (size_t t = from; t < to; t++)
        sum += tr->loss[t] - lab->problem->f_min;
    return sum / (double)(to - from);
}

/* Styblinski-Tang's gradient and Hessian diagonal per coordinate, in closed form (the surface is a sum of
 * ½(x⁴ − 16x² + 5x)). */
static double st_gradient(double x) { return 2 * x * x * x - 16 * x + 2.5; }
static double st_curvature(double x) { return 6 * x * x - 16; }

/* local-minima.ini proves its title: GD ends where the gradient vanishes and both curvatures are positive,
 * above f*; GD on the saddle's line ends where the gradient vanishes and the curvatures have both signs;
 * 1e-4 off the line it stays at the saddle's height for 40 steps, then leaves it; momentum reaches f*. */
static void test_local_minima_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/local-minima.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    double f_min = lab.problem->f_min, end[4][2], gap[4];
    for (int r = 0; r < 4; r++) {
        const basin_trace *t = &lab.runs[r].run->trace;
        end[r][0] = t->w[(t->len - 1) * 2], end[r][1] = t->w[(t->len - 1) * 2 + 1];
        gap[r] = t->loss[t->len - 1] - f_min;
        print_message("%s: ends at (%.4f, %.4f), f − f* = %.4g, curvatures %.1f and %.1f\n", lab.runs[r].label, end[r][0],
                      end[r][1], gap[r], st_curvature(end[r][0]), st_curvature(end[r][1]));
    }
    for (int r = 0; r < 2; r++) /* a stationary point */
        assert_true(fabs(st_gradient(end[r][0])) < 1e-9 && fabs(st_gradient(end[r][1])) < 1e-9);
    assert_true(st_curvature(end[0][0]) > 0 && st_curvature(end[0][1]) > 0 && gap[0] > 28); /* a local minimum */
    assert_true(st_curvature(end[1][0]) < 0 && st_curvature(end[1][1]) > 0 && gap[1] > 50); /* a saddle */
    const basin_trace *off = &lab.runs[2].run->trace;
    for (size_t k = 25; k <= 40; k++) /* at the saddle's height, as the run on the line */
        assert_true(fabs(off->loss[k] - f_min - gap[1]) < 1e-3 * gap[1]);
    assert_true(gap[2] < gap[1] / 2);
    assert_true(gap[3] < 1e-6); /* momentum in the lowest minimum */
    basin_lab_free(&lab);
}

/* formula.ini proves its title on the typed surface (x² − 1)² + y² + 0.3x: the minima are the roots of
 * x³ − x + 0.075 (closed form below); GD right of the hump ends in the right well, 0.5996 above f*, GD left of
 * it and momentum from the right reach f*. The typed lab's keys f, domain and minimum make the surface. */
static void test_formula_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/formula.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    /* the depressed cubic x³ − x + q = 0 by the trigonometric method: its three real roots */
    double q = 0.075, roots[3];
    for (int k = 0; k < 3; k++)
        roots[k] = 2 * sqrt(1 / 3.0) * cos(acos(3 * q / 2 * sqrt(3.0) * -1) / 3 - 2 * M_PI * k / 3);
    double left = fmin(fmin(roots[0], roots[1]), roots[2]), right = fmax(fmax(roots[0], roots[1]), roots[2]);
    double f_left = (left * left - 1) * (left * left - 1) + 0.3 * left, f_right = (right * right - 1) * (right * right - 1) + 0.3 * right;
    assert_close(lab.problem->f_min, f_left, 1e-14);
    assert_true(lab.problem->domain[0] == -2 && lab.problem->domain[3] == 1.5);
    double gap[3];
    for (int r = 0; r < 3; r++) {
        const basin_trace *t = &lab.runs[r].run->trace;
        gap[r] = t->loss[t->len - 1] - f_left;
        print_message("%s: ends at x = %.6f, f − f* = %.4g\n", lab.runs[r].label, t->w[(t->len - 1) * 2], gap[r]);
    }
    assert_close(gap[0], f_right - f_left, 1e-9); /* the right well's floor */
    assert_close(lab.runs[0].run->trace.w[(lab.runs[0].run->trace.len - 1) * 2], right, 1e-6);
    assert_true(gap[1] < 1e-12 && gap[2] < 1e-7);
    basin_lab_free(&lab);
}

/* csv-iris.ini proves its title: its CSV file (found relative to the lab file, whatever the working folder)
 * holds 150 irises of 3 species named by words; softmax regression's test accuracy equals the hidden
 * layer's (at least 93 %), with a lower test loss. */
static void test_csv_iris_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/csv-iris.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    assert_int_equal(lab.dataset->train.n + lab.dataset->test.n, 150);
    assert_int_equal(lab.dataset->n_classes, 3);
    assert_int_equal(lab.dataset->n_features, 2);
    const basin_net_trace *linear = lab.runs[0].training, *hidden = lab.runs[1].training;
    double acc[2] = {linear->test_acc[linear->len - 1], hidden->test_acc[hidden->len - 1]};
    double loss[2] = {linear->test_loss[linear->len - 1], hidden->test_loss[hidden->len - 1]};
    print_message("test accuracy %.2f%% and %.2f%%, test loss %.4f and %.4f\n", 100 * acc[0], 100 * acc[1], loss[0], loss[1]);
    assert_true(acc[0] == acc[1] && acc[0] >= 0.93);
    assert_true(loss[0] < loss[1]);
    basin_lab_free(&lab);
}

/* rosenbrock-more.ini proves its title: L-BFGS reaches f − f* ≤ 1e-6 within 5 steps, 2 with its line
 * search; after 500 steps every first-order run is still more than 1e-3 above the minimum. */
static void test_rosenbrock_more_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/rosenbrock-more.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    for (size_t r = 0; r < lab.n_runs; r++) {
        const basin_trace *t = &lab.runs[r].run->trace;
        long reached = -1;
        for (size_t k = 0; k < t->len && reached < 0; k++)
            if (t->loss[k] - lab.problem->f_min <= 1e-6)
                reached = (long)k;
        double gap = t->loss[t->len - 1] - lab.problem->f_min;
        print_message("%-22s f − f* ≤ 1e-6 at step %ld, %.3g at the end\n", lab.runs[r].label, reached, gap);
        if (r == 0)
            assert_true(reached >= 0 && reached <= 5);
        else if (r == 1)
            assert_true(reached >= 0 && reached <= 2);
        else
            assert_true(reached < 0 && gap > 1e-3);
    }
    basin_lab_free(&lab);
}

/* sam.ini proves its title: gradient descent's λmax ends at its stability limit 2/η = 4 (within 5 %), SAM's
 * below half of gradient descent's, SAM's training loss a little higher (within 20 %). */
static void test_sam_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/sam.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    const basin_net_trace *sgd = lab.runs[0].training, *sam = lab.runs[1].training;
    double lambda[2] = {sgd->sharp_lambda[sgd->n_sharp - 1], sam->sharp_lambda[sam->n_sharp - 1]};
    double loss[2] = {sgd->train_loss[sgd->len - 1], sam->train_loss[sam->len - 1]};
    print_message("λmax at the end: gradient descent %.3f (limit %.3f), SAM %.3f; train loss %.4f and %.4f\n", lambda[0],
                  sgd->sharp_limit[sgd->n_sharp - 1], lambda[1], loss[0], loss[1]);
    assert_true(fabs(lambda[0] - 4) < 0.2 && fabs(sgd->sharp_limit[sgd->n_sharp - 1] - 4) < 1e-12);
    assert_true(lambda[1] < 0.5 * lambda[0]);
    assert_true(loss[1] > loss[0] && loss[1] < 1.2 * loss[0]);
    basin_lab_free(&lab);
}

/* averaging.ini proves its title and its note: over the last 100 steps ASGD's iterates stay at the noise
 * floor while their average's loss is two decades below; and over 1000 seeds the average's f − f* after
 * its T = 700 averaged steps is Polyak and Juditsky's σ²·Σ1/λᵢ/(2T) = 1.1/1400 within 20 %. Measured: one
 * seed's value spreads by 1.3 × the mean (a standard error of 4 % for 1000), these seeds' mean is 12 % low,
 * 20,000 seeds' 2.3 % (the finite-T correction). */
static void test_averaging_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/averaging.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    const basin_trace *t = &lab.runs[0].run->trace;
    assert_non_null(t->average_loss);
    double iterates = 0, average = 0;
    for (size_t k = t->len - 100; k < t->len; k++)
        iterates += t->loss[k] / 100, average += t->average_loss[k] / 100;
    print_message("mean f − f* over the last 100 steps: iterates %.3g, their average %.3g\n", iterates, average);
    assert_true(average * 100 < iterates);

    const basin_spec *opt = &lab.runs[0].opt;
    double mean = 0, expected = (1.0 + 0.1) / (2 * 700.0);
    enum { SEEDS = 1000 };
    for (unsigned long seed = 1; seed <= SEEDS; seed++) {
        basin_optimizer *o = basin_optimizer_create(opt->entry, &opt->params, 2);
        assert_non_null(o);
        basin_run *run = basin_run_create(lab.problem, o, NULL, lab.runs[0].start, seed, 0, lab.steps);
        assert_non_null(run);
        basin_run_steps(run, lab.steps);
        mean += run->trace.average_loss[run->trace.len - 1] / SEEDS;
        basin_run_destroy(run);
    }
    print_message("the average's f − f* after 700 averaged steps, mean of %d seeds: %.4g (Polyak–Juditsky %.4g)\n",
                  SEEDS, mean, expected);
    assert_true(fabs(mean - expected) < 0.2 * expected);
    basin_lab_free(&lab);
}

/* The formula keys of a surface lab: errors at the line of the key they are about. */
static void test_formula_keys(void **state)
{
    (void)state;
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"[lab]\nsurface = expr\nf = x^2 + (y\nstart = 1,1\n[run a]\nopt = sgd\n", ":3: f: column 9: expected ')' after 'y'"},
        {"[lab]\nsurface = rosenbrock\nf = x^2\nstart = 1,1\n[run a]\nopt = sgd\n",
         ":3: f: f = ... goes with surface = expr (this lab's is 'rosenbrock')"},
        {"[lab]\nsurface = expr\nf = x^2\ndomain = 1:0,0:1\nstart = 1,1\n[run a]\nopt = sgd\n",
         ":4: domain: domain='1:0,0:1' is not XLO:XHI,YLO:YHI with LO < HI"},
        {"[lab]\nsurface = expr\nf = x^2\nminimum = 1\nstart = 1,1\n[run a]\nopt = sgd\n",
         ":4: minimum: minimum='1' is not 2 numbers separated by commas"},
        {"[lab]\nsurface = expr\nf = x^2 + q\nstart = 1,1\n[run a]\nopt = sgd\n", ":3: f: column 7: unknown name 'q'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        basin_lab lab;
        const char *file = lab_file(cases[i].text);
        int rc = basin_lab_load(&lab, file, NULL, 0);
        unlink(path);
        if (rc == 0 || !strstr(basin_error_message(), cases[i].message))
            fail_msg("case %zu: '%s' (want '%s')", i, rc == 0 ? "built" : basin_error_message(), cases[i].message);
    }
    /* a formula in three coordinates, its keys also through overrides */
    char *sets[] = {"lab.f=x0^2 + x1^2 + x2^2", "lab.start=1,2,3"};
    basin_lab lab;
    const char *file = lab_file("[lab]\nsurface = expr\nf = x^2\nstart = 1,1\nviews = loss\n[run a]\nopt = sgd:lr=0.1\n");
    int rc = basin_lab_load(&lab, file, sets, 2);
    unlink(path);
    if (rc != 0)
        fail_msg("%s", basin_error_message());
    assert_int_equal(lab.problem->dim, 3);
    basin_lab_free(&lab);
}

/* adaptive.ini proves its title: SGD gives both coordinates one step, each adaptive method gives the flat x₁
 * a step at least 5 times the steep x₀'s at every step (their gradients' ratio: 75 at the start),
 * and Adam's first step moves each coordinate by η. */
static void test_adaptive_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/adaptive.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    for (size_t r = 0; r < lab.n_runs; r++) {
        const basin_trace *t = &lab.runs[r].run->trace;
        double least = INFINITY, most = 0;
        for (size_t k = 1; k < t->len; k++) {
            double ratio = t->coord_step[2 * k + 1] / t->coord_step[2 * k];
            least = fmin(least, ratio), most = fmax(most, ratio);
        }
        print_message("%s: x₁'s step over x₀'s from %.2f to %.2f\n", lab.runs[r].label, least, most);
        if (r == 0)
            assert_true(least == 1 && most == 1);
        else
            assert_true(least > 5);
    }
    const basin_trace *adam = &lab.runs[3].run->trace;
    for (int i = 0; i < 2; i++)
        assert_true(fabs(fabs(adam->w[2 + i] - adam->w[i]) / 0.1 - 1) < 1e-6);
    basin_lab_free(&lab);
}

/* The share within 1e-3 of zero and the standard deviation of the Linear weights at a training run's end. */
static void weights_at_end(const basin_net_trace *t, double *share, double *sd)
{
    const basin_model *m = t->np->net.model;
    const double *w = t->w + (t->len - 1) * t->dim;
    double n = 0, near = 0, sum2 = 0;
    for (size_t i = 0; i < m->n_layers; i++)
        for (size_t j = 0; m->layers[i].ops->role == BASIN_LAYER_ROLE_WEIGHTED && j < m->layers[i].n_weight; j++) {
            double v = w[m->layers[i].weight + j];
            n++, near += fabs(v) < 1e-3, sum2 += v * v;
        }
    *share = near / n, *sd = sqrt(sum2 / n);
}

/* l1-l2.ini proves its title: L1 leaves at least ten times the share of weights near zero that no penalty
 * or L2 leaves; L2's weights are smaller than the unpenalized ones; test accuracy within 1.5 points. */
static void test_l1_l2_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/l1-l2.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    double share[3], sd[3], acc[3];
    for (int r = 0; r < 3; r++) {
        const basin_net_trace *t = lab.runs[r].training;
        weights_at_end(t, &share[r], &sd[r]);
        acc[r] = t->test_acc[t->len - 1];
        print_message("%s: %.1f%% of the weights within 1e-3 of 0, rms %.3f, test accuracy %.1f%%\n", lab.runs[r].label,
                      100 * share[r], sd[r], 100 * acc[r]);
    }
    assert_true(share[2] > 10 * share[0] && share[2] > 10 * share[1]);
    assert_true(sd[1] < 0.8 * sd[0]);
    assert_true(fabs(acc[2] - acc[0]) < 0.015 && fabs(acc[1] - acc[0]) < 0.015);
    basin_lab_free(&lab);
}

/* augmentation.ini proves its title: the augmented run ends two points above the plain one in test
 * accuracy while its training loss stays higher; the augment view's originals are training images and
 * each draw differs from its original. */
static void test_augmentation_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/augmentation.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    const basin_net_trace *plain = lab.runs[0].training, *augmented = lab.runs[1].training;
    size_t a = plain->len - 1, b = augmented->len - 1;
    print_message("test accuracy %.1f%% without augmentation, %.1f%% with; train loss %.4f and %.4f\n",
                  100 * plain->test_acc[a], 100 * augmented->test_acc[b], plain->train_loss[a], augmented->train_loss[b]);
    assert_true(augmented->test_acc[b] > plain->test_acc[a] + 0.02);
    assert_true(augmented->train_loss[b] > 5 * plain->train_loss[a]);
    assert_null(lab.runs[0].augment_samples);
    const double *samples = lab.runs[1].augment_samples;
    size_t f = lab.dataset->n_features, cols = 1 + BASIN_AUGMENT_DRAWS;
    assert_non_null(samples);
    for (size_t i = 0; i < BASIN_AUGMENT_EXAMPLES; i++) {
        bool found = false; /* the original is one of the training images, as they are */
        for (size_t k = 0; k < lab.dataset->train.n && !found; k++)
            found = memcmp(samples + i * cols * f, lab.dataset->train.raw + k * f, f * sizeof *samples) == 0;
        assert_true(found);
        for (size_t d = 1; d < cols; d++)
            assert_true(memcmp(samples + (i * cols + d) * f, samples + i * cols * f, f * sizeof *samples) != 0);
    }
    basin_lab_free(&lab);
}

/* The norm of a training run's Linear weights at frame k. */
static double weight_norm(const basin_net_trace *t, size_t k)
{
    const basin_model *m = t->np->net.model;
    double sum = 0;
    for (size_t i = 0; i < m->n_layers; i++)
        for (size_t j = 0; m->layers[i].ops->role == BASIN_LAYER_ROLE_WEIGHTED && j < m->layers[i].n_weight; j++)
            sum += t->w[k * t->dim + m->layers[i].weight + j] * t->w[k * t->dim + m->layers[i].weight + j];
    return sqrt(sum);
}

/* early-stopping.ini proves its title: the epoch early stopping restores has the lowest test loss it saw,
 * and its weights' norm there, like weight decay's at the end, is well under the unregularized run's. */
static void test_early_stopping_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/early-stopping.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    const basin_net_trace *end = lab.runs[0].training, *early = lab.runs[1].training, *decay = lab.runs[2].training;
    assert_true(early->result.stopped_early_at >= 0);
    size_t best = basin_net_trace_frame_of_step(early, early->result.best_step);
    for (size_t k = 0; k < early->len; k++)
        assert_true(early->test_loss[best] <= early->test_loss[k]);
    double n_end = weight_norm(end, end->len - 1), n_best = weight_norm(early, best), n_decay = weight_norm(decay, decay->len - 1);
    print_message("best epoch %.0f (stopped at %.0f); ‖w‖ %.1f there, %.1f with weight decay, %.1f trained to the end\n",
                  early->epoch[best], early->epoch[early->len - 1], n_best, n_decay, n_end);
    assert_true(n_best < 0.75 * n_end && n_decay < 0.75 * n_end);
    basin_lab_free(&lab);
}

/* weight-decay.ini proves its title: each run ends at the regularized minimum, λᵢ/(λᵢ + wd) times the
 * bowl's in each (axis-aligned) eigendirection, so the flat x₁ shrinks most. */
static void test_weight_decay_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/weight-decay.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    const double wd[3] = {0, 0.1, 0.5}, lambda[2] = {2, 0.1}, center = 2;
    for (int r = 0; r < 3; r++) {
        const basin_trace *t = &lab.runs[r].run->trace;
        for (int i = 0; i < 2; i++) {
            double want = center * lambda[i] / (lambda[i] + wd[r]), got = t->w[(t->len - 1) * 2 + i];
            print_message("wd %.1f, x%d: ends at %.6f, closed form %.6f\n", wd[r], i, got, want);
            assert_true(fabs(got - want) < 1e-5);
        }
    }
    basin_lab_free(&lab);
}

/* sharpness-measures.ini proves its title: λmax and the trace rank the full-batch minimum sharper by more
 * than 5 times, SAM's sharpness ranks the small-batch one sharper by more than 3 times; λmax equals the
 * dense Hessian's largest eigenvalue, the trace its sum, and SAM's value L(w + ρg/‖g‖) − L(w)
 * recomputed here. */
static void test_sharpness_measures_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/sharpness-measures.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    const double *small = lab.runs[0].measures, *full = lab.runs[1].measures;
    print_message("batch 16: λmax %.3g trace %.3g ε %.3g SAM %.3g; all: λmax %.3g trace %.3g ε %.3g SAM %.3g\n", small[0],
                  small[1], small[2], small[3], full[0], full[1], full[2], full[3]);
    assert_true(full[BASIN_MEASURE_LAMBDA_MAX] > 5 * small[BASIN_MEASURE_LAMBDA_MAX]);
    assert_true(full[BASIN_MEASURE_TRACE] > 5 * small[BASIN_MEASURE_TRACE]);
    assert_true(small[BASIN_MEASURE_SAM] > 3 * full[BASIN_MEASURE_SAM]);
    for (size_t r = 0; r < 2; r++) {
        const basin_net_trace *t = lab.runs[r].training;
        basin_net_view view;
        const basin_problem *p = basin_net_view_init(&view, t->np, BASIN_EVAL_EVAL);
        const double *w = t->w + (t->len - 1) * t->dim;
        double *eval = malloc(t->dim * sizeof *eval), *g = malloc(t->dim * sizeof *g), *moved = malloc(t->dim * sizeof *moved);
        assert_int_equal(basin_hessian_spectrum(p, w, BASIN_FULL_BATCH, NULL, eval, NULL), 0);
        double sum = 0, norm = 0;
        for (size_t i = 0; i < t->dim; i++)
            sum += eval[i];
        assert_true(fabs(lab.runs[r].measures[BASIN_MEASURE_LAMBDA_MAX] / eval[t->dim - 1] - 1) < 1e-8);
        print_message("run %zu: dense λmax %.6g, trace %.6g\n", r, eval[t->dim - 1], sum);
        assert_true(fabs(lab.runs[r].measures[BASIN_MEASURE_TRACE] / sum - 1) < 1e-8);
        double loss = basin_problem_eval(p, w, g);
        for (size_t i = 0; i < t->dim; i++)
            norm += g[i] * g[i];
        for (size_t i = 0; i < t->dim; i++)
            moved[i] = w[i] + BASIN_MEASURE_SAM_RHO * g[i] / sqrt(norm);
        double sam = basin_problem_eval(p, moved, NULL) - loss;
        assert_true(fabs(lab.runs[r].measures[BASIN_MEASURE_SAM] / sam - 1) < 1e-9);
        free(eval), free(g), free(moved);
    }
    basin_lab_free(&lab);
}

/* quadratic-modes.ini proves its title: every error along an eigendirection is |1 − ηλ|ˢ times its first
 * (to 1e-9 relative plus a hundredth of the rounding doubles resolve); η = 2/(λmin+λmax) ends with the smallest worst error; η above 2/λmax makes
 * the steep error grow. */
static void test_quadratic_modes_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/quadratic-modes.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    double worst_end[3];
    for (size_t r = 0; r < 3; r++) {
        const basin_modes *m = &lab.runs[r].modes;
        double lr, worst = 0;
        assert_true(m->len == 61 && basin_lab_run_is_plain_gd(&lab, &lab.runs[r], &lr));
        assert_true(fabs(m->lambda[0] - 1) < 1e-12 && fabs(m->lambda[1] - 10) < 1e-12);
        for (size_t t = 0; t < m->len; t++)
            for (size_t i = 0; i < 2; i++) {
                double want = m->error[i] * pow(fabs(1 - lr * m->lambda[i]), (double)t), got = m->error[t * 2 + i];
                assert_true(fabs(got - want) <= 1e-9 * want + 0.01 * m->resolution); /* down to rounding */
                if (want > m->resolution)
                    worst = fmax(worst, fabs(got / want - 1));
            }
        worst_end[r] = fmax(m->error[60 * 2], m->error[60 * 2 + 1]);
        print_message("η = %.4g: errors above the rounding follow |1 − ηλ|ˢ to %.1e; the larger error at the end %.3g\n",
                      lr, worst, worst_end[r]);
        assert_true(worst < 1e-3);
    }
    assert_true(worst_end[1] < worst_end[0] && worst_end[1] < worst_end[2]);
    const basin_modes *fast = &lab.runs[2].modes;
    assert_true(fast->error[60 * 2 + 1] > fast->error[1]); /* the steep error grew */
    basin_lab_free(&lab);
}

/* newton-damped.ini proves its title: Newton is at f* after one step; damped Newton (η = 0.5) multiplies
 * f − f* by (1 − η)² = 0.25 every step, to rounding; stochastic Newton stays above 1e-6 over its last 30
 * steps; gradient descent is still above 0.05 at the end. */
static void test_newton_damped_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/newton-damped.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    double f_min = lab.problem->f_min;
    const basin_trace *gd = &lab.runs[0].run->trace, *newton = &lab.runs[1].run->trace, *damped = &lab.runs[2].run->trace;
    const basin_trace *stochastic = &lab.runs[3].run->trace;
    double gap0 = damped->loss[0] - f_min, worst = 0, floor_min = INFINITY;
    for (size_t s = 1; s <= 12; s++)
        worst = fmax(worst, fabs((damped->loss[s] - f_min) / (gap0 * pow(0.25, (double)s)) - 1));
    for (size_t s = 31; s <= 60; s++)
        floor_min = fmin(floor_min, stochastic->loss[s] - f_min);
    print_message("Newton's gap after one step %.2g; damped Newton follows 0.25^s to %.1e; stochastic Newton's lowest "
                  "gap over the last 30 steps %.2g; GD's gap at the end %.3f\n",
                  newton->loss[1] - f_min, worst, floor_min, gd->loss[60] - f_min);
    assert_true(fabs(newton->loss[1] - f_min) < 1e-14);
    assert_true(worst < 1e-6);
    assert_true(floor_min > 1e-6);
    assert_true(gd->loss[60] - f_min > 0.05);
    basin_lab_free(&lab);
}

/* minibatch-noise.ini proves its title: over the last 250 steps the mean gap above f* grows as the batch
 * shrinks (each at least twice the next larger batch's), and gradient descent reaches f*. */
static void test_minibatch_noise_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/minibatch-noise.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    double floor[4];
    for (size_t r = 0; r < 4; r++) {
        floor[r] = 0;
        for (size_t k = 151; k <= 400; k++)
            floor[r] += (lab.runs[r].run->trace.loss[k] - lab.problem->f_min) / 250;
    }
    print_message("mean gap over the last 250 steps: all %.2g, batch 16 %.2g, 4 %.2g, 1 %.2g\n", floor[0], floor[1], floor[2],
                  floor[3]);
    assert_true(lab.runs[0].run->trace.loss[400] - lab.problem->f_min < 1e-12 && floor[1] > 1e-7);
    assert_true(floor[2] > 2 * floor[1] && floor[3] > 2 * floor[2] && floor[3] > 10 * floor[1]);
    basin_lab_free(&lab);
}

/* batchnorm-small-batch.ini proves its title: BatchNorm on batches of two ends more than 20 points below
 * BatchNorm on 64 and below LayerNorm and no normalization on the same batches of two. */
static void test_batchnorm_small_batch_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/batchnorm-small-batch.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    double acc[4];
    for (size_t r = 0; r < 4; r++)
        acc[r] = lab.runs[r].training->test_acc[lab.runs[r].training->len - 1];
    print_message("test accuracy: BatchNorm ×64 %.1f%%, BatchNorm ×2 %.1f%%, LayerNorm ×2 %.1f%%, none ×2 %.1f%%\n",
                  100 * acc[0], 100 * acc[1], 100 * acc[2], 100 * acc[3]);
    assert_true(acc[1] < acc[0] - 0.2 && acc[1] < acc[2] - 0.2 && acc[1] < acc[3] - 0.2);
    basin_lab_free(&lab);
}

/* snapshot-ensemble.ini proves its title: the ensemble's final test loss is below each snapshot's own (the
 * frames at the end of each of the four cycles). */
static void test_snapshot_ensemble_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/snapshot-ensemble.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    const basin_net_trace *t = lab.runs[0].training;
    double ensemble = t->ensemble_test_loss[t->len - 1], best = INFINITY;
    for (int c = 1; c <= 4; c++) { /* the evaluation at the end of cycle c: epoch 10c */
        size_t k = 0;
        while (k + 1 < t->len && t->epoch[k] < 10.0 * c - 1e-9)
            k++;
        print_message("snapshot %d (epoch %.0f): test loss %.4f\n", c, t->epoch[k], t->test_loss[k]);
        best = fmin(best, t->test_loss[k]);
    }
    print_message("the ensemble's: %.4f (result %.4f)\n", ensemble, t->result.ensemble_test_loss);
    assert_true(ensemble < best);
    assert_true(fabs(ensemble - t->result.ensemble_test_loss) < 1e-12);
    basin_lab_free(&lab);
}

/* init-symmetry.ini proves its title: at every frame the constant run's first-layer neurons have identical
 * incoming weights (one dot in the neurons view), the Xavier run's do not. */
static void test_init_symmetry_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/init-symmetry.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    double spread[2] = {0, 0};
    for (size_t r = 0; r < 2; r++) {
        const basin_net_trace *t = lab.runs[r].training;
        const basin_layer *first = &t->np->net.model->layers[0];
        size_t fan_in, fan_out;
        basin_layer_fans(first, &fan_in, &fan_out);
        for (size_t k = 0; k < t->len; k++)
            for (size_t o = 1; o < first->n_weight / fan_in; o++)
                for (size_t j = 0; j < fan_in; j++)
                    spread[r] = fmax(spread[r], fabs(t->w[k * t->dim + first->weight + o * fan_in + j] -
                                                     t->w[k * t->dim + first->weight + j]));
    }
    print_message("largest difference between two first-layer neurons' weights: constant %.3g, Xavier %.3g\n", spread[0],
                  spread[1]);
    assert_true(spread[0] == 0 && spread[1] > 0.5);
    basin_lab_free(&lab);
}

/* init-conv.ini proves its title: at initialization, between the outputs of the first and the fourth
 * convolution block (after their ReLUs), He with fan_in keeps the activations' variance within a factor of
 * 2 and He with fan_out the back-propagated gradient's, while the other mode lets that signal change more
 * than 4 times and PyTorch's default loses both more than 20 times. */
static void test_init_conv_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/init-conv.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    double forward[3], backward[3];
    for (size_t r = 0; r < 3; r++) {
        const basin_net_trace *t = lab.runs[r].training;
        const basin_model *m = t->np->net.model;
        size_t blocks[4], n = 0; /* the ReLUs right after the convolutions */
        for (size_t l = 1; l < m->n_layers && n < 4; l++)
            if (m->layers[l].ops->role == BASIN_LAYER_ROLE_NONE && m->layers[l - 1].ops->role == BASIN_LAYER_ROLE_WEIGHTED)
                blocks[n++] = l;
        assert_int_equal(n, 4);
        forward[r] = t->act_var[blocks[0]] / t->act_var[blocks[3]];   /* frame 0 */
        backward[r] = t->grad_var[blocks[0]] / t->grad_var[blocks[3]];
        print_message("%s: activation variance block 1 / block 4 %.3g, gradient variance block 1 / block 4 %.3g\n",
                      lab.runs[r].label, forward[r], backward[r]);
    }
    assert_true(forward[0] < 2 && forward[0] > 0.5 && (forward[1] > 4 || forward[1] < 0.25));
    assert_true(backward[1] < 2 && backward[1] > 0.5 && (backward[0] > 4 || backward[0] < 0.25));
    assert_true(forward[2] > 20 && (backward[2] > 20 || backward[2] < 0.05));
    basin_lab_free(&lab);
}

/* least-squares-raw.ini proves its title and its note: after settling into the valley in its first 20 steps,
 * GD does not move over 5,000 more, Newton is at the
 * minimum after one step, Adam's second weight crawls at about 3e-5 a step, 2 away from the minimum's; on
 * standardized features the same Adam is at the minimum within 240 steps. */
static void test_least_squares_raw_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    char *longer[] = {"lab.steps=5000"};
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/least-squares-raw.ini", longer, 1) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    const basin_trace *gd = &lab.runs[0].run->trace, *adam = &lab.runs[1].run->trace, *newton = &lab.runs[2].run->trace;
    double f_min = lab.problem->f_min, gap0 = gd->loss[0] - f_min;
    double gd_gain = (gd->loss[20] - gd->loss[5000]) / (gd->loss[20] - f_min), newton_gap = newton->loss[1] - f_min;
    double crawl = fabs(adam->w[5000 * 2 + 1] - adam->w[1000 * 2 + 1]) / 4000;
    double still = fabs(adam->w[5000 * 2 + 1] - newton->w[1 * 2 + 1]);
    print_message("GD removed %.2g of its gap from step 20 to 5000; Newton's gap after one step %.2g; Adam's gap %.3f, "
                  "its w1 moving %.2g a step, %.2f from the minimum's\n",
                  gd_gain, newton_gap, adam->loss[5000] - f_min, crawl, still);
    assert_true(gd_gain < 0.01);
    assert_true(newton_gap < 1e-12 * gap0);
    assert_true(adam->loss[5000] - f_min > 0.1 && crawl < 1e-4 && still > 1.5);
    basin_lab_free(&lab);

    char *standardized[] = {"lab.surface=linreg:normalize=true", "lab.steps=240"};
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/least-squares-raw.ini", standardized, 2) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    adam = &lab.runs[1].run->trace;
    assert_true(adam->loss[240] - lab.problem->f_min < 1e-9);
    basin_lab_free(&lab);
}

/* schedules.ini proves its title: the constant step's noise floor is the stationary value
 * Σᵢ ησ²/(2(2 − ηλᵢ)) of SGD on a noisy quadratic, and step and cosine decay end far below it. */
static void test_schedules_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/schedules.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    double eta = 0.08, floor = 0;
    for (double lambda = 1; lambda <= 10; lambda += 9)
        floor += eta / (2 * (2 - eta * lambda));
    double constant = mean_gap(&lab, 0, 300, 801), step = mean_gap(&lab, 1, 700, 801), cosine = mean_gap(&lab, 2, 700, 801);
    print_message("f − f*: constant %.4f (stationary %.4f), step decay %.2g, cosine %.2g over the last steps\n",
                  constant, floor, step, cosine);
    assert_true(fabs(constant / floor - 1) < 0.25);
    assert_true(step < constant / 10 && cosine < constant / 10);
    basin_lab_free(&lab);
}

/* swa.ini proves its title: the average's final test loss is below the SGD weights' at every epoch it
 * averaged, on average and at the end. */
static void test_swa_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/swa.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    const basin_net_trace *t = lab.runs[0].training;
    double sum = 0, count = 0, average = t->swa_test_loss[t->len - 1];
    for (size_t k = 0; k < t->len; k++)
        if (t->epoch[k] >= 10)
            sum += t->test_loss[k], count++;
    print_message("test loss: the average %.4f; SGD's weights %.4f on average over epochs 10-20, %.4f at the end\n",
                  average, sum / count, t->test_loss[t->len - 1]);
    assert_true(average < sum / count && average < t->test_loss[t->len - 1]);
    assert_memory_equal(&average, &t->result.swa_test_loss, sizeof average);
    basin_lab_free(&lab);
}

/* edge-of-stability.ini proves its title: each run's λmax starts well under 2/η, rises to it and stays
 * within 10 % of it over the last 40 % of training. */
static void test_edge_of_stability_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/edge-of-stability.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    for (size_t r = 0; r < lab.n_runs; r++) {
        const basin_net_trace *t = lab.runs[r].training;
        double limit = 2 / basin_params_real(&lab.runs[r].opt.params, "lr"), last = t->sharp_epoch[t->n_sharp - 1];
        double low = INFINITY, high = 0;
        for (size_t k = 0; k < t->n_sharp; k++)
            if (t->sharp_epoch[k] >= 0.6 * last)
                low = fmin(low, t->sharp_lambda[k]), high = fmax(high, t->sharp_lambda[k]);
        print_message("%s: λmax %.2f at the start, %.2f to %.2f at the end, 2/η = %.2f\n", lab.runs[r].label,
                      t->sharp_lambda[0], low, high, limit);
        assert_true(t->sharp_lambda[0] < 0.65 * limit);
        assert_true(low > 0.9 * limit && high < 1.1 * limit);
    }
    basin_lab_free(&lab);
}

/* The weight of the SLQ nodes of frame k below −0.05 (negative curvature) and their spread (the weighted
 * standard deviation of the nodes within [−0.3, 0.3], the bulk). */
static void spectrum_at(const basin_net_trace *t, size_t k, double *negative, double *bulk_sd)
{
    const double *node = t->spec_nodes + k * BASIN_SPECTRUM_NODES, *weight = t->spec_weights + k * BASIN_SPECTRUM_NODES;
    double w = 0, m1 = 0, m2 = 0;
    *negative = 0;
    for (size_t j = 0; j < t->spec_count[k]; j++) {
        *negative += node[j] < -0.05 ? weight[j] : 0;
        if (fabs(node[j]) <= 0.3)
            w += weight[j], m1 += weight[j] * node[j], m2 += weight[j] * node[j] * node[j];
    }
    *bulk_sd = sqrt(fmax(m2 / w - (m1 / w) * (m1 / w), 0));
}

/* spectrum.ini proves its title: after training the bulk is narrower and the negative curvature's weight
 * a fraction of the start's. */
static void test_spectrum_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/spectrum.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    const basin_net_trace *t = lab.runs[0].training;
    double neg0, sd0, neg1, sd1;
    spectrum_at(t, 0, &neg0, &sd0);
    spectrum_at(t, t->len - 1, &neg1, &sd1);
    print_message("negative curvature's weight %.3f → %.3f, the bulk's spread %.3f → %.3f\n", neg0, neg1, sd0, sd1);
    assert_true(neg1 < neg0 / 3 && sd1 < sd0 / 2);
    basin_lab_free(&lab);
}

/* sharp-flat.ini proves its title: both runs end where their loss has flattened (the last tenth of
 * training moves it by under 15 %), and the large batch's λmax (the largest SLQ node) is more than twice
 * the small batch's. */
static void test_sharp_flat_demo_proves_its_title(void **state)
{
    (void)state;
    basin_lab lab;
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/sharp-flat.ini", NULL, 0) != 0 || basin_lab_simulate(&lab) != 0)
        fail_msg("%s", basin_error_message());
    double top[2];
    for (size_t r = 0; r < 2; r++) {
        const basin_net_trace *t = lab.runs[r].training;
        size_t k = t->len - 1, earlier = k - (k + 9) / 10;
        top[r] = -INFINITY;
        for (size_t j = 0; j < t->spec_count[k]; j++)
            top[r] = fmax(top[r], t->spec_nodes[k * BASIN_SPECTRUM_NODES + j]);
        print_message("%s: train loss %.4f (%.4f a tenth earlier), λmax %.3f\n", lab.runs[r].label,
                      t->train_loss[k], t->train_loss[earlier], top[r]);
        assert_true(fabs(t->train_loss[k] / t->train_loss[earlier] - 1) < 0.15);
    }
    assert_true(top[1] > 2 * top[0]);
    basin_lab_free(&lab);
}

/* The lecture's playlist names every demo once, each in a section, in files that exist; a playlist naming a
 * missing lab, one twice, or none is refused with its file and line. */
static void test_lecture_playlist(void **state)
{
    (void)state;
    basin_playlist p;
    if (basin_playlist_load(&p, BASIN_DEMOS_DIR "/lecture.playlist") != 0)
        fail_msg("%s", basin_error_message());
    DIR *dir = opendir(BASIN_DEMOS_DIR);
    assert_non_null(dir);
    size_t demos = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".ini") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", BASIN_DEMOS_DIR, e->d_name);
        if (basin_playlist_find(&p, path) < 0)
            fail_msg("%s is not in the lecture's playlist", e->d_name);
        demos++;
    }
    closedir(dir);
    assert_int_equal(p.n, demos);
    for (size_t i = 0; i < p.n; i++) {
        assert_true(p.items[i].section[0] != '\0');
        basin_lab lab; /* every demo says what to look at and what to press */
        if (basin_lab_load(&lab, p.items[i].path, NULL, 0) != 0)
            fail_msg("%s", basin_error_message());
        if (!lab.note || strlen(lab.note) < 200)
            fail_msg("%s: no note of a paragraph (note = ... in [lab]): '%s'", p.items[i].path, lab.note ? lab.note : "");
        basin_lab_free(&lab);
    }
    assert_string_equal(p.items[0].section, "Gradient descent: local minima and saddles");

    /* README's gallery lists the playlist's labs in its order, each with its section (on its first row),
     * its title and its figure */
    FILE *readme = fopen(BASIN_DEMOS_DIR "/../README.md", "r");
    assert_non_null(readme);
    char line[4096];
    size_t row = 0;
    while (fgets(line, sizeof line, readme)) {
        const char *name = strstr(line, "| [`");
        if (line[0] != '|' || !name || !strstr(line, "](demos/"))
            continue;
        if (row >= p.n)
            fail_msg("README's gallery has more rows than the playlist's %zu labs: %s", p.n, line);
        const char *slash = strrchr(p.items[row].path, '/');
        basin_lab lab;
        if (basin_lab_load(&lab, p.items[row].path, NULL, 0) != 0)
            fail_msg("%s", basin_error_message());
        char want[2048], base[256];
        snprintf(base, sizeof base, "%.*s", (int)strlen(slash + 1) - 4, slash + 1);
        bool first = row == 0 || strcmp(p.items[row].section, p.items[row - 1].section) != 0;
        snprintf(want, sizeof want, "| %s | [`%s`](demos/%s): %s | <img src=\"assets/figures/%s.png\" width=\"240\"> |\n",
                 first ? p.items[row].section : "", slash + 1, slash + 1, lab.title, base);
        if (strcmp(line, want) != 0)
            fail_msg("README's gallery row %zu is\n%swhere the playlist says\n%s", row + 1, line, want);
        basin_lab_free(&lab);
        row++;
    }
    fclose(readme);
    assert_int_equal(row, p.n);
    basin_playlist_free(&p);

    static const char *const bad[][2] = {
        {"## A\n" BASIN_DEMOS_DIR "/quadratic.ini\nnowhere.ini\n", ":3: 'nowhere.ini': no such lab file"},
        {"## A\n" BASIN_DEMOS_DIR "/quadratic.ini\n## B\n" BASIN_DEMOS_DIR "/quadratic.ini\n",
         ":4: '" BASIN_DEMOS_DIR "/quadratic.ini' is in the playlist already"},
        {"# nothing\n## A\n", ": the playlist names no lab"},
    };
    const char *path = lab_file("");
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(bad[k][0], f);
        fclose(f);
        assert_int_equal(basin_playlist_load(&p, path), -1);
        char want[1100];
        snprintf(want, sizeof want, "%s%s", path, bad[k][1]);
        assert_string_equal(basin_error_message(), want);
    }
    unlink(path);
}

/* The window trains live and, when one run's key changes, rebuilds the lab keeping the others going: a
 * run adopted mid-training ends bit for bit where an uninterrupted run does, the changed run starts over,
 * and the old lab can go while the adopted runs train on (its data set stays with them). */
static void test_adopted_runs_train_on(void **state)
{
    (void)state;
    char *shorter[] = {"lab.epochs=12"}, *changed[] = {"lab.epochs=12", "plain.opt=adam:lr=0.01"};
    basin_lab old, lab, fresh;
    if (basin_lab_load(&old, BASIN_DEMOS_DIR "/overfitting.ini", shorter, 1) != 0 || basin_lab_start(&old) != 0)
        fail_msg("%s", basin_error_message());
    for (int k = 0; k < 10; k++) /* a few evaluations of each run */
        assert_int_equal(basin_lab_advance(&old, NULL, true), 1);
    assert_true(basin_lab_training(&old));
    size_t had = old.runs[1].training->len;
    assert_true(had >= 3);
    assert_true(old.runs[0].training->coarse_ready[old.runs[0].training->len - 1]); /* regions as it went */
    if (basin_lab_load(&lab, BASIN_DEMOS_DIR "/overfitting.ini", changed, 2) != 0)
        fail_msg("%s", basin_error_message());
    assert_true(basin_lab_share_data(&lab, &old));
    assert_int_equal(basin_lab_start(&lab), 0);
    assert_int_equal(basin_lab_adopt(&lab, &old), 2);
    basin_lab_free(&old);
    assert_int_equal(lab.runs[0].training->len, 0); /* the changed run starts over */
    assert_int_equal(lab.runs[1].training->len, had);
    int rc;
    while ((rc = basin_lab_advance(&lab, NULL, false)) == 1)
        continue;
    assert_int_equal(rc, 0);
    assert_false(basin_lab_training(&lab));
    if (basin_lab_load(&fresh, BASIN_DEMOS_DIR "/overfitting.ini", changed, 2) != 0 || basin_lab_simulate(&fresh) != 0)
        fail_msg("%s", basin_error_message());
    for (size_t i = 0; i < lab.n_runs; i++) {
        const basin_net_trace *a = lab.runs[i].training, *b = fresh.runs[i].training;
        assert_true(a->finished && b->finished);
        assert_int_equal(a->len, b->len);
        assert_int_equal(a->len, 13); /* epochs 0 … 12 */
        assert_memory_equal(a->train_loss, b->train_loss, a->len * sizeof *a->train_loss);
        assert_memory_equal(a->test_acc, b->test_acc, a->len * sizeof *a->test_acc);
        assert_memory_equal(a->w + (a->len - 1) * a->dim, b->w + (b->len - 1) * b->dim, a->dim * sizeof *a->w);
    }
    /* a changed view that records something else (the landscape) trains every run again */
    char *landscape[] = {"lab.epochs=12", "lab.views=boundary,loss,landscape"};
    basin_lab other;
    if (basin_lab_load(&other, BASIN_DEMOS_DIR "/overfitting.ini", landscape, 2) != 0)
        fail_msg("%s", basin_error_message());
    assert_true(basin_lab_share_data(&other, &lab));
    assert_int_equal(basin_lab_start(&other), 0);
    assert_int_equal(basin_lab_adopt(&other, &lab), 0);
    basin_lab_free(&lab); /* as the window does: the old lab goes, the new one keeps the data its runs use */
    assert_int_equal(basin_lab_advance(&other, NULL, false), 1);
    basin_lab_free(&other);
    basin_lab_free(&fresh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_training_keys_as_basin_train),
        cmocka_unit_test(test_a_scene),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_errors_name_file_line_and_key),
        cmocka_unit_test(test_training_lab),
        cmocka_unit_test(test_lecture_playlist),
        cmocka_unit_test(test_local_minima_demo_proves_its_title),
        cmocka_unit_test(test_least_squares_raw_demo_proves_its_title),
        cmocka_unit_test(test_adaptive_demo_proves_its_title),
        cmocka_unit_test(test_l1_l2_demo_proves_its_title),
        cmocka_unit_test(test_augmentation_demo_proves_its_title),
        cmocka_unit_test(test_early_stopping_demo_proves_its_title),
        cmocka_unit_test(test_weight_decay_demo_proves_its_title),
        cmocka_unit_test(test_sharpness_measures_demo_proves_its_title),
        cmocka_unit_test(test_quadratic_modes_demo_proves_its_title),
        cmocka_unit_test(test_newton_damped_demo_proves_its_title),
        cmocka_unit_test(test_minibatch_noise_demo_proves_its_title),
        cmocka_unit_test(test_batchnorm_small_batch_demo_proves_its_title),
        cmocka_unit_test(test_snapshot_ensemble_demo_proves_its_title),
        cmocka_unit_test(test_init_symmetry_demo_proves_its_title),
        cmocka_unit_test(test_init_conv_demo_proves_its_title),
        cmocka_unit_test(test_schedules_demo_proves_its_title),
        cmocka_unit_test(test_swa_demo_proves_its_title),
        cmocka_unit_test(test_edge_of_stability_demo_proves_its_title),
        cmocka_unit_test(test_spectrum_demo_proves_its_title),
        cmocka_unit_test(test_sharp_flat_demo_proves_its_title),
        cmocka_unit_test(test_adopted_runs_train_on),
        cmocka_unit_test(test_formula_demo_proves_its_title),
        cmocka_unit_test(test_formula_keys),
        cmocka_unit_test(test_rosenbrock_more_demo_proves_its_title),
        cmocka_unit_test(test_averaging_demo_proves_its_title),
        cmocka_unit_test(test_sam_demo_proves_its_title),
        cmocka_unit_test(test_csv_iris_demo_proves_its_title),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
