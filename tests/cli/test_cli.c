/* test_cli.c: the `basin` command line, run in-process: exit statuses, one-line errors naming the
 * offending token, CSV that reads back to the engine's exact bits, files written whole or not at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support_cli.h"

#include "lab/views.h"

#include "cli/cli.h"
#include "engine/analysis/noise_scale.h"
#include "engine/registry.h"
#include "engine/spec.h"

#include <cairo.h>
#include <dirent.h>
#include <math.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_bad_input_exits_two_with_one_line(void **state)
{
    (void)state;
    const char *rosen = "--surface=rosenbrock", *sgd = "--opt=sgd:lr=0.001", *start = "--start=-1.5,2";
    expect_usage_error("unknown surface 'rosenbrok'", "run", "--surface=rosenbrok", sgd, start);
    expect_usage_error("unknown optimizer 'sgdd'", "run", rosen, "--opt=sgdd:lr=1", start);
    expect_usage_error("sgd has no key 'mom'", "run", rosen, "--opt=sgd:lr=1,mom=2", start);
    expect_usage_error("lr='abc' is not a number", "run", rosen, "--opt=sgd:lr=abc", start);
    expect_usage_error("key 'momentum' has no value", "run", rosen, "--opt=sgd:lr=1,momentum", start);
    expect_usage_error("--start: '1,2,3' has 3 values but surface 'rosenbrock' has 2 parameters", "run", rosen, sgd,
                       "--start=1,2,3");
    expect_usage_error("--start: '1,x': 'x' is not a number", "run", rosen, sgd, "--start=1,x");
    expect_usage_error("--steps: '-5' is not a whole number", "run", rosen, sgd, start, "--steps", "-5");
    expect_usage_error("--steps: '1.5' is not a whole number", "run", rosen, sgd, start, "--steps=1.5");
    expect_usage_error("option '--steps' needs a value", "run", rosen, sgd, start, "--steps");
    expect_usage_error("unknown option '--stepz'", "run", rosen, sgd, start, "--stepz=3");
    expect_usage_error("unexpected argument 'extra'", "run", rosen, sgd, start, "extra");
    expect_usage_error("--surface is required", "run", sgd, start);
    expect_usage_error("--opt is required", "run", rosen, start);
    expect_usage_error("--start is required", "run", rosen, sgd);
    expect_usage_error("unknown schedule 'linear'", "run", rosen, sgd, start, "--schedule=linear");
    expect_usage_error("Nesterov momentum requires", "run", rosen, "--opt=sgd:lr=1,nesterov=true", start);
    expect_usage_error("--batch: surface 'rosenbrock' is not a sum over examples", "run", rosen, sgd, start,
                       "--batch=5");
    expect_usage_error("--batch: 500 exceeds the 200 examples", "run", "--surface=linreg", sgd, "--start=0,0",
                       "--batch=500");
    expect_usage_error("quadratic: angle= applies to 2-D", "run", "--surface=quadratic:dim=3,angle=4", sgd,
                       "--start=0,0,0");
    expect_usage_error("unknown command 'rnu'", "rnu");
    expect_usage_error("unknown kind 'optimisers'", "list", "optimisers");
    expect_usage_error("unexpected argument 'now'", "race", "now");
    expect_usage_error("unknown command 'frobnicate'", "help", "frobnicate");
}

static void test_csv_reads_back_the_engine_bits(void **state)
{
    (void)state;
    support_cli_result r = support_cli("run", "--surface", "quadratic:eig=1/50,angle=30", "--opt", "adam:lr=0.1", "--start",
                     "2.5,1.5", "--steps", "30", "--schedule", "cosine:warmup=5", "--csv", "-", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    assert_int_equal(support_count_lines(r.out), 32); /* header + steps 0..30 */
    assert_true(strncmp(r.out, "step,loss,x0,x1,lr,grad_norm\n", 29) == 0);

    basin_problem *p = support_problem("quadratic:eig=1/50,angle=30");
    double start[2] = {2.5, 1.5};
    basin_run *run = support_run(p, "adam:lr=0.1", "cosine:warmup=5", start, 0, 0, 30);
    basin_run_steps(run, 30);
    char *line = strchr(r.out, '\n') + 1;
    for (size_t t = 0; t <= 30; t++) {
        double v[6];
        char *end = line;
        assert_int_equal(strtol(end, &end, 10), (long)t);
        for (int k = 0; k < 5; k++) {
            assert_int_equal(*end, ',');
            v[k] = strtod(end + 1, &end);
        }
        assert_int_equal(*end, '\n');
        line = end + 1;
        double expected[5] = {run->trace.loss[t], run->trace.w[2 * t], run->trace.w[2 * t + 1], run->trace.lr[t],
                              run->trace.grad_norm[t]};
        assert_memory_equal(v, expected, sizeof expected); /* %.17g reads back to the same bits */
    }
    assert_close(run->trace.lr[0], 0.1 * (1.0 / 5), 0); /* warmup: (t+1)/W at t = 0 */
    basin_run_destroy(run);
    basin_problem_destroy(p);
    support_cli_free(&r);
}

static void test_csv_names_runs_and_reports_divergence(void **state)
{
    (void)state;
    support_cli_result r = support_cli("run", "--surface=rosenbrock", "--opt=sgd:lr=0.001,momentum=0.9", "--opt=sgd:lr=0.01",
                     "--start=-1.5,2", "--steps=50", "--csv=-", NULL);
    assert_int_equal(r.status, 0); /* divergence is a result, not an error */
    assert_true(strncmp(r.out, "run,step,loss,x0,x1,lr,grad_norm\n", 33) == 0);
    assert_non_null(strstr(r.out, "\n\"sgd:lr=0.001,momentum=0.9\",50,")); /* quoted: the spec has a comma */
    assert_non_null(strstr(r.out, "\nsgd:lr=0.01,0,"));
    assert_int_equal(support_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "basin run: 'sgd:lr=0.01' diverged at step "));
    long k = strtol(strstr(r.err, "at step ") + 8, NULL, 10);
    int rows = 0;
    for (char *s = strstr(r.out, "\nsgd:lr=0.01,"); s; s = strstr(s + 1, "\nsgd:lr=0.01,"))
        rows++;
    assert_int_equal(rows, k); /* rows 0..k−1 kept */
    support_cli_free(&r);
}

/* A run whose optimizer averages its iterates (asgd) adds avg_x0,avg_x1 to the CSV: the engine's averaged
 * iterate, bit for bit; empty for the other runs. The table says where the average ended and its loss. */
static void test_csv_and_table_show_the_average(void **state)
{
    (void)state;
    const char *surface = "quadratic:eig=1/10,noise=1", *asgd = "asgd:lr=0.05,t0=5";
    support_cli_result r = support_cli("run", "--surface", surface, "--opt", asgd, "--opt", "sgd:lr=0.05",
                                       "--start=1,1", "--steps=20", "--seed=2", "--csv=-", NULL);
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "run,step,loss,x0,x1,lr,grad_norm,avg_x0,avg_x1\n", 47) == 0);
    basin_problem *p = support_problem(surface);
    double start[2] = {1, 1};
    basin_run *run = support_run(p, asgd, NULL, start, 2, 0, 20);
    basin_run_steps(run, 20);
    char *line = strstr(r.out, "\n\"asgd:lr=0.05,t0=5\",20,"); /* the last row */
    assert_non_null(line);
    double avg[2];
    char *end = line + 1;
    for (int k = 0; k < 8; k++) /* the quoted label's comma, then step to grad_norm */
        end = strchr(end, ',') + 1;
    avg[0] = strtod(end, &end);
    avg[1] = strtod(end + 1, &end);
    assert_int_equal(*end, '\n');
    assert_memory_equal(avg, run->trace.average + 2 * 20, sizeof avg);
    assert_true(avg[0] != run->trace.w[40]); /* averaging from step t0 + 3 */
    line = strstr(r.out, "\nsgd:lr=0.05,20,");
    assert_non_null(line);
    end = strchr(line + 1, '\n');
    assert_true(end[-1] == ',' && end[-2] == ','); /* no average: empty */
    support_cli_free(&r);

    r = support_cli("run", "--surface", surface, "--opt", asgd, "--start=1,1", "--steps=20", "--seed=2", NULL);
    assert_int_equal(r.status, 0);
    char expected[160];
    snprintf(expected, sizeof expected, "asgd:lr=0.05,t0=5's averaged iterate: loss %.5g, f-f* %.3g at (%.6g, %.6g)\n",
             run->trace.average_loss[20], run->trace.average_loss[20], avg[0], avg[1]);
    assert_non_null(strstr(r.out, expected));
    support_cli_free(&r);
    basin_run_destroy(run);
    basin_problem_destroy(p);
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_csv_file_is_whole_or_absent(void **state)
{
    (void)state;
    char dir[] = "/tmp/basin-test-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/run.csv", dir);
    support_cli_result r = support_cli("run", "--surface=booth", "--opt=newton", "--start=0,0", "--steps=3", "--csv", path, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    support_cli_free(&r);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 40);
    assert_int_equal(count_files(dir), 1); /* no temporary file left behind */

    char bad[128];
    snprintf(bad, sizeof bad, "%s/missing/run.csv", dir);
    r = support_cli("run", "--surface=booth", "--opt=newton", "--start=0,0", "--csv", bad, NULL);
    assert_int_equal(r.status, 2);
    assert_int_equal(support_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, bad));
    support_cli_free(&r);
    assert_int_equal(count_files(dir), 1);

    /* A device is written directly, never replaced by a renamed file. */
    r = support_cli("run", "--surface=booth", "--opt=newton", "--start=0,0", "--csv", "/dev/null", NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));

    /* Through a symbolic link the file it names is replaced and the link stays a link. */
    char link[80];
    snprintf(link, sizeof link, "%s/latest.csv", dir);
    assert_int_equal(symlink(path, link), 0);
    r = support_cli("run", "--surface=booth", "--opt=newton", "--start=0,0", "--steps=7", "--csv", link, NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    FILE *csv = fopen(path, "r");
    assert_non_null(csv);
    int rows = 0;
    for (int ch; (ch = fgetc(csv)) != EOF;)
        rows += ch == '\n';
    fclose(csv);
    assert_int_equal(rows, 9); /* header + steps 0..7 */
    assert_int_equal(count_files(dir), 2);
    unlink(link);
    unlink(path);
    rmdir(dir);
}

static void test_table_summary(void **state)
{
    (void)state;
    support_cli_result r = support_cli("run", "--surface=quadratic:eig=1/50,angle=30", "--opt=sgd:lr=0.039", "--opt=newton",
                     "--opt=sgd:lr=0.1", "--start=2.5,1.5", "--steps=150", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Hessian at the start: eigenvalues 1 and 50, condition number 50"));
    assert_non_null(strstr(r.out, "steps to f-f*<=1e-06"));
    assert_non_null(strstr(r.out, "not converged")); /* GD at lr 0.039 needs more than 150 steps */
    assert_non_null(strstr(r.out, "diverged at step"));
    char *newton = strstr(r.out, "\nnewton ");
    assert_non_null(newton);
    assert_non_null(strstr(newton, " 1  converged")); /* one step on a quadratic */
    assert_non_null(strstr(r.err, "'sgd:lr=0.1' diverged at step"));
    support_cli_free(&r);

    /* Without a known minimum the criterion is the gradient norm. */
    r = support_cli("run", "--surface=saddle", "--opt=newton", "--start=0.5,0.5", "--steps=2", NULL);
    assert_non_null(strstr(r.out, "steps to |grad|<=1e-06"));
    assert_non_null(strstr(r.out, "indefinite: 1 negative"));
    assert_non_null(strstr(r.out, "reached a saddle")); /* Newton is attracted to saddles too */
    support_cli_free(&r);
    r = support_cli("run", "--surface=himmelblau", "--opt=newton", "--start=-0.4,-1.1", "--steps=8", NULL);
    assert_non_null(strstr(r.out, "reached a maximum"));
    support_cli_free(&r);
    r = support_cli("run", "--surface=rastrigin", "--opt=newton", "--start=2.1,-0.9", "--steps=20", NULL);
    assert_non_null(strstr(r.out, "stuck in a local minimum"));
    support_cli_free(&r);

    /* Minibatch SGD touches f - f* <= 1e-6 once and ends ten times above it: not converged, and the
     * summary says where it touched and where it ended (the trace's own last row, read from the CSV). */
    const char *noisy[] = {"--surface=linreg:normalize=true", "--opt=sgd:lr=0.1", "--batch=16", "--seed=3",
                           "--start=0,0"};
    r = support_cli("run", noisy[0], noisy[1], noisy[2], noisy[3], noisy[4], NULL);
    assert_int_equal(r.status, 0);
    char *row = strstr(r.out, "\nsgd:lr=0.1 ");
    assert_non_null(row);
    double final_loss, best, final_gap, f_min;
    assert_int_equal(sscanf(strstr(r.out, "f* = ") + 5, "%lf", &f_min), 1);
    assert_int_equal(sscanf(row + 12, "%lf %lf %lf", &final_loss, &best, &final_gap), 3);
    assert_true(final_gap > 1e-6);
    assert_non_null(strstr(row, " -  not converged: within 1e-06 at step "));
    assert_non_null(strstr(row, "× above it"));
    support_cli_result csv = support_cli("run", noisy[0], noisy[1], noisy[2], noisy[3], noisy[4], "--csv", "-", NULL);
    const char *last = csv.out + strlen(csv.out) - 2;
    while (*last != '\n')
        last--;
    double csv_loss;
    long csv_step;
    assert_int_equal(sscanf(last + 1, "%ld,%lf", &csv_step, &csv_loss), 2);
    assert_int_equal(csv_step, 100);
    assert_close(final_gap, csv_loss - f_min, 5e-3 * final_gap); /* the table prints 3 digits */
    support_cli_free(&csv);
    support_cli_free(&r);
}

static void test_list_help_and_race(void **state)
{
    (void)state;
    support_cli_result r = support_cli("list", NULL);
    assert_int_equal(r.status, 0);
    for (int kind = 0; kind < BASIN_KIND_COUNT; kind++) {
        size_t count;
        const basin_entry *const *entries = basin_registry_list((basin_kind)kind, &count);
        for (size_t i = 0; i < count; i++) {
            char needle[64];
            snprintf(needle, sizeof needle, "\n  %s\n", entries[i]->name);
            if (!strstr(r.out, needle))
                fail_msg("basin list lacks %s", entries[i]->name);
        }
    }
    support_cli_free(&r);
    r = support_cli("list", "optimizers", NULL);
    assert_non_null(strstr(r.out, "lr=(required)"));
    assert_non_null(strstr(r.out, "beta2=0.999"));
    assert_null(strstr(r.out, "rosenbrock"));
    support_cli_free(&r);

    const char *helps[][3] = {{"--help", NULL, "usage: basin"}, {"help", "run", "usage: basin run"},
                              {"run", "--help", "usage: basin run"}, {"list", "--help", "usage: basin list"},
                              {"race", "-h", "usage: basin race"}};
    for (size_t i = 0; i < 5; i++) {
        r = support_cli(helps[i][0], helps[i][1], NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, helps[i][2]));
        support_cli_free(&r);
    }
    r = support_cli("--version", NULL);
    assert_non_null(strstr(r.out, "basin 0."));
    support_cli_free(&r);

    /* export's and open's --help name every view the registry of views has */
    static const char *const with_views[] = {"export", "open"};
    for (int c = 0; c < 2; c++) {
        r = support_cli(with_views[c], "--help", NULL);
        assert_int_equal(r.status, 0);
        for (int v = 0; v < BASIN_VIEW_COUNT; v++) {
            const char *name = basin_view_name((basin_view)v), *at = r.out;
            size_t len = strlen(name);
            while ((at = strstr(at, name)) &&
                   ((at > r.out && isalpha((unsigned char)at[-1])) || isalpha((unsigned char)at[len])))
                at++; /* as a word, not inside another */
            if (!at)
                fail_msg("basin %s --help does not name the view '%s'", with_views[c], name);
        }
        support_cli_free(&r);
    }

    r = support_cli("race", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Basin race"));
    assert_non_null(strstr(r.out, "\nnewton "));
    assert_string_equal(r.err, "");
    support_cli_free(&r);
}

/* Requests too large for memory are refused up front, naming the option and the bytes: checked with a
 * limit set through BASIN_MEMORY_LIMIT, at the exact size of a surface trace (1,000 rows × (2 + 3)
 * numbers × 8 bytes = 40,000 bytes passes at 40,000 and fails at 39,999), and at machine sizes. */
static void test_requests_too_large_for_memory(void **state)
{
    (void)state;
    const char *rosen = "--surface=rosenbrock", *sgd = "--opt=sgd:lr=0.001", *start = "--start=-1.5,2";
    setenv("BASIN_MEMORY_LIMIT", "40000", 1);
    support_cli_result r = support_cli("run", rosen, sgd, start, "--steps=999", NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    setenv("BASIN_MEMORY_LIMIT", "39999", 1);
    expect_usage_error("--steps: 1 run × 1000 rows × 5 numbers: 40 kB needed, more than the 40 kB", "run", rosen, sgd,
                       start, "--steps=999");
    setenv("BASIN_MEMORY_LIMIT", "1e9", 1);
    expect_usage_error("--steps: 2 runs × 1000000001 rows × 5 numbers: 80 GB needed, more than the 1 GB", "run",
                       rosen, sgd, "--opt=adam:lr=0.01", start, "--steps=1000000000");
    setenv("BASIN_MEMORY_LIMIT", "1e8", 1);
    expect_usage_error("batches of 1438 examples through the model: 192 MB needed", "train", "--model=mlp:hidden=4096",
                       "--data=digits", sgd, "--log=/dev/null");
    expect_usage_error("quadratic: dim=4096: 403 MB needed", "run", "--surface=quadratic:dim=4096,kappa=10", sgd,
                       "--start=0,0");
    expect_usage_error("mlp: 1600200001 parameters × 8 copies: 102 GB needed", "train", "--model=mlp:hidden=40000/40000",
                       "--data=moons", sgd, "--log=/dev/null");
    /* the dense Hessian's eigenvalues take one n×n matrix: 1,185 parameters, 11.2 MB */
    setenv("BASIN_MEMORY_LIMIT", "11233800", 1);
    support_cli_result fits = support_cli("analyze", "--model=mlp:hidden=32/32", "--data=moons", "--eigs=all", NULL);
    assert_int_equal(fits.status, 0);
    support_cli_free(&fits);
    setenv("BASIN_MEMORY_LIMIT", "11233799", 1);
    expect_usage_error("--eigs all: a 1185×1185 Hessian: 11.2 MB needed, more than the 11.2 MB", "analyze",
                       "--model=mlp:hidden=32/32", "--data=moons", "--eigs=all");
    assert_int_equal(support_tmpdir_create("/tmp/basin-budget"), 0);
    expect_usage_error("--set 'lab.epochs=1000000000': [run to the end]: 1000000001 evaluations × 17025 parameters",
                       "export", BASIN_DEMOS_DIR "/early-stopping.ini", "--set", "lab.epochs=1000000000", "-o",
                       support_tmp("never.png"));
    assert_int_equal(access(support_tmp("never.png"), F_OK), -1);
    assert_int_equal(support_tmpdir_remove(), 0);
    unsetenv("BASIN_MEMORY_LIMIT");
    char *eig = malloc(16 + 2 * 5000);
    assert_non_null(eig);
    strcpy(eig, "quadratic:eig=1");
    for (int i = 1; i < 5000; i++)
        strcat(eig + strlen(eig), "/1");
    expect_usage_error("quadratic: eig= lists 5000 eigenvalues; at most 4096 coordinates", "run", "--surface", eig, sgd,
                       "--start=0,0");
    free(eig);
}

/* One line per error whatever the input: control bytes are escaped, a long token keeps its start and end
 * and the reason stays whole; two --opt specs are two runs however long; option values of any length
 * reach the lab whole; a figure scale that cannot be drawn is a usage error. */
static void test_messages_stay_one_line(void **state)
{
    (void)state;
    const char *sgd = "--opt=sgd:lr=0.001", *start = "--start=-1.5,2";
    expect_usage_error("unknown surface 'rosen\\nbrock' (valid:", "run", "--surface=rosen\nbrock", sgd, start);
    expect_usage_error("unknown command 'fo\\x1bo\\x7f'", "fo\033o\177");
    expect_usage_error("unknown kind 'a\\tb\\r'", "list", "a\tb\r");
    char token[600] = "--surface=";
    memset(token + strlen(token), 'q', 500);
    support_cli_result r = support_cli("run", token, sgd, start, NULL);
    assert_int_equal(r.status, 2);
    assert_int_equal(support_count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "…(406 bytes)…")); /* 502 bytes with the quotes: 72 shown before, 24 after */
    assert_true(strlen(r.err) < 400);
    assert_non_null(strstr(r.err, "(valid: quadratic, rosenbrock"));
    support_cli_free(&r);
    /* specs alike in their first 300 bytes: two runs, each parsed */
    char a[400] = "--opt=sgd:lr=0.001", b[400];
    memset(a + strlen(a), '0', 300);
    strcpy(b, a);
    strcat(a, ",momentum=0.5");
    strcat(b, ",momentum=oops");
    expect_usage_error("momentum='oops' is not a number", "run", "--surface=rosenbrock", a, b, start);
    char steps[200] = "5";
    memset(steps + 1, '0', 150);
    strcat(steps, "x");
    expect_usage_error("is not a whole number from 0 to 1000000000", "export", BASIN_DEMOS_DIR "/rosenbrock.ini",
                       "--steps", steps, "-o", "/tmp/basin-never.png");
    expect_usage_error("--dpi '1e-300' is not a number from 10 to 2400", "export", BASIN_DEMOS_DIR "/rosenbrock.ini",
                       "--dpi", "1e-300", "-o", "/tmp/basin-never.png");
    expect_usage_error("unknown surface 'rosenbrok'", "open", "--set", "lab.surface=rosenbrok",
                       BASIN_DEMOS_DIR "/rosenbrock.ini");
}

/* Output that cannot reach standard output is a failure (status 1, one line), for every command. */
static void test_unwritable_standard_output_fails(void **state)
{
    (void)state;
    char *commands[][8] = {{"basin", "list", NULL},
                           {"basin", "--help", NULL},
                           {"basin", "race", NULL},
                           {"basin", "run", "--surface=rosenbrock", "--opt=sgd:lr=0.001", "--start=-1,1", NULL},
                           {"basin", "train", "--model=mlp:hidden=4", "--data=moons", "--opt=sgd:lr=0.1", "--epochs=1",
                            NULL}};
    for (size_t k = 0; k < sizeof commands / sizeof *commands; k++) {
        int argc = 0;
        while (commands[k][argc])
            argc++;
        FILE *full = fopen("/dev/full", "w");
        char *text = NULL;
        size_t len = 0;
        FILE *err = open_memstream(&text, &len);
        assert_non_null(full);
        assert_non_null(err);
        int status = basin_cli_main(argc, commands[k], full, err);
        fclose(full);
        fclose(err);
        if (status != 1 || support_count_lines(text) != 1 || !strstr(text, "cannot write to standard output"))
            fail_msg("basin %s > /dev/full: status %d, stderr '%s'", commands[k][1], status, text);
        free(text);
    }
}

/* Cuts the last comma-separated field from every line of text, in place. */
static void drop_last_column(char *text)
{
    char *out = text;
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n'), *cut = line;
        end = end ? end : line + strlen(line);
        for (char *c = line; c < end; c++)
            if (*c == ',')
                cut = c;
        size_t keep = (size_t)(cut - line);
        memmove(out, line, keep);
        out += keep;
        if (*end)
            *out++ = '\n', end++;
        line = end;
    }
    *out = '\0';
}

/* `basin run --parallel async:...` on a quadratic with λmax = 10 at η = 0.15 (ηλ = 1.5): one worker
 * (τ = 0, stable below 2) converges, two workers in turn (τ = 1, stable below 1) diverge; a sync spec or a
 * fixed order without its delay is a usage error. */
static void test_run_async(void **state)
{
    (void)state;
    const char *q = "--surface=quadratic:eig=1/10", *sgd = "--opt=sgd:lr=0.15", *start = "--start=1,1";
    support_cli_result one = support_cli("run", q, sgd, start, "--steps=200", "--parallel", "async:workers=1", NULL);
    support_cli_result two = support_cli("run", q, sgd, start, "--steps=200", "--parallel", "async:workers=2", NULL);
    support_cli_result fixed = support_cli("run", q, sgd, start, "--steps=200", "--parallel",
                                           "async:order=fixed,delay=1", "--csv=-", NULL);
    support_cli_result rr = support_cli("run", q, sgd, start, "--steps=200", "--parallel", "async:workers=2",
                                        "--csv=-", NULL);
    assert_int_equal(one.status, 0);
    assert_int_equal(two.status, 0);
    assert_non_null(strstr(one.out, " converged"));
    assert_non_null(strstr(two.out, "not converged"));
    /* round-robin with 2 workers is a delay of 1, to the byte, but for the clock a fixed delay has not */
    drop_last_column(fixed.out), drop_last_column(rr.out);
    assert_string_equal(fixed.out, rr.out);
    support_cli_free(&one), support_cli_free(&two), support_cli_free(&fixed), support_cli_free(&rr);
    expect_usage_error("--parallel: sync applies to networks", "run", q, sgd, start, "--parallel", "sync");
    expect_usage_error("--parallel: async: order=fixed needs delay=T", "run", q, sgd, start, "--parallel",
                       "async:order=fixed");
}

/* `basin analyze --noise-scale` reports the engine's exact noise scale (tested against finite
 * differences in engine/test_noise_scale) in the table and the JSON; a surface without examples is a
 * usage error. */
/* basin landscape --threads N computes each point on whichever thread: the grid is the same bytes for 1 and
 * 3 threads; --threads outside 1…64 is a usage error. */
static void test_landscape_threads(void **state)
{
    (void)state;
    support_cli_result one = support_cli("landscape", "--surface", "himmelblau", "--at", "3,2", "--grid", "17",
                                         "--threads", "1", NULL);
    support_cli_result three = support_cli("landscape", "--surface", "himmelblau", "--at", "3,2", "--grid", "17",
                                           "--threads", "3", NULL);
    assert_int_equal(one.status, 0);
    assert_int_equal(three.status, 0);
    assert_int_equal(support_count_lines(one.out), 17 * 17 + 1);
    assert_string_equal(one.out, three.out);
    support_cli_free(&one), support_cli_free(&three);
    expect_usage_error("--threads", "landscape", "--surface", "himmelblau", "--at", "3,2", "--threads", "65");
}

/* Pixels of an RGB24 PNG within tolerance of rgb. */
static long count_colour(cairo_surface_t *image, unsigned rgb, int tolerance)
{
    int w = cairo_image_surface_get_width(image), h = cairo_image_surface_get_height(image);
    int stride = cairo_image_surface_get_stride(image);
    const unsigned char *data = cairo_image_surface_get_data(image);
    long n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t p = *(const uint32_t *)(data + (size_t)y * (size_t)stride + 4 * (size_t)x);
            int d = abs((int)(p >> 16 & 255) - (int)(rgb >> 16 & 255)) + abs((int)(p >> 8 & 255) - (int)(rgb >> 8 & 255)) +
                    abs((int)(p & 255) - (int)(rgb & 255));
            n += d <= tolerance;
        }
    return n;
}

/* basin landscape --plot draws the grid as a figure: a bowl's bottom is viridis' darkest colour, its rim
 * the brightest; the same bytes twice; a bad extension or a 3-D plot of a line is a usage error naming it
 * (the 3-D plot itself is drawn in app/test_window, with OpenGL). */
static void test_landscape_plots(void **state)
{
    (void)state;
    assert_int_equal(support_tmpdir_create("/tmp/basin-plots"), 0);
    const char *flat = support_tmp("flat.png"), *again = support_tmp("again.png");
    support_cli_result r = support_cli("landscape", "--surface", "quadratic:eig=1/4", "--at", "0,0", "--grid", "31",
                                       "--csv", support_tmp("grid.csv"), "--plot", flat, NULL);
    if (r.status != 0)
        fail_msg("basin landscape: %s", r.err);
    support_cli_free(&r);
    r = support_cli("landscape", "--surface", "quadratic:eig=1/4", "--at", "0,0", "--grid", "31", "--csv", "-",
                    "--plot", again, NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(support_count_lines(r.out), 31 * 31 + 1); /* the CSV still goes where it went */
    support_cli_free(&r);
    assert_true(support_same_bytes(flat, again));
    cairo_surface_t *figure = cairo_image_surface_create_from_png(flat);
    assert_int_equal(cairo_surface_status(figure), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(figure), 1400);
    assert_int_equal(cairo_image_surface_get_height(figure), 1100);
    long bottom = count_colour(figure, 0x440154, 40), rim = count_colour(figure, 0xfde725, 60);
    print_message("flat: %ld pixels of the bottom's colour, %ld of the rim's\n", bottom, rim);
    assert_true(bottom > 500 && rim > 500);
    cairo_surface_destroy(figure);
    expect_usage_error("--plot 'x.gif': give a .png, .svg or .pdf file", "landscape", "--surface", "rosenbrock", "--at",
                       "0,0", "--plot", "x.gif");
    expect_usage_error("--plot3d draws a 2-D slice", "landscape", "--surface", "rosenbrock", "--at", "0,0",
                       "--directions", "line:w", "--plot3d", "x.png");
    assert_int_equal(support_tmpdir_remove(), 0);
}

/* Writes bytes (size of them) to name in the test folder and returns "csv:path=PATH" + extra keys. */
static const char *csv_file(const char *name, const char *bytes, size_t size, const char *extra)
{
    static char spec[2][700];
    static int next;
    const char *path = support_tmp(name);
    FILE *f = fopen(path, "wb");
    fwrite(bytes, 1, size, f);
    fclose(f);
    char *s = spec[next++ % 2];
    snprintf(s, 700, "csv:path=%s%s", path, extra);
    return s;
}

/* basin data --data csv:...: each malformed file is one line naming the file (and the line and column
 * where there is one), exit status 2; what basin data writes reads back to the same examples. */
static void test_csv_data(void **state)
{
    (void)state;
    assert_int_equal(support_tmpdir_create("/tmp/basin-csv"), 0);
    static const struct {
        const char *bytes, *extra, *message;
    } bad[] = {
        {"x0,x1,label\n1,2,0\n3,4\n", "", "bad.csv:3: 2 fields, the first row has 3"},
        {"x0,x1,label\n1,2,0\n3,abc,1\n", "", "bad.csv:3:3: 'abc' is not a number (column 'x1')"},
        {"", "", "bad.csv' holds no rows"},
        {"x0,x1,label\n", "", "bad.csv' holds a header and no rows"},
        {"x0,x1,label\n1,2,0\n3,4,0\n", "", "every label in"},
        {"x0,x1,label\n1,2,0\n3,4,1\n", ",label=kind", "label=kind: no such column"},
        {"1,2,0\n3,4,1\n", ",label=kind", "label=kind names a column, and"},
        {"1,2,0\n3,4,1\n", ",label=5", "label=5:"},
        {"1,2,0\n3,4,1\n", ",shape=1/2/2", "shape=1/2/2 is 4 features"},
        {"1,2,x\n3,4,y\n", ",task=regression,header=false", "bad.csv:1:5: the label 'x' is not a number (task=regression)"},
        {"1,2,0\n3,nan,1\n", "", "bad.csv:2:3: 'nan' is not a number"},
        {"1,2\x00,0\n", "", "holds a NUL byte"},
        {"\x1f\x8b\x08\x01garbage and more garbage", "", "is not a readable gzip or text file"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *spec = csv_file("bad.csv", bad[i].bytes, strlen(bad[i].bytes) + (strstr(bad[i].message, "NUL") ? 4 : 0),
                                    bad[i].extra);
        expect_usage_error(bad[i].message, "data", "--data", spec, "--csv", "-");
    }
    expect_usage_error("is not a file", "data", "--data", "csv:path=/tmp", "--csv", "-");
    expect_usage_error("cannot read '/nonexistent.csv'", "data", "--data", "csv:path=/nonexistent.csv", "--csv", "-");
    setenv("BASIN_MEMORY_LIMIT", "100000", 1); /* refused as it is read, not killed */
    expect_usage_error("more than the 100 kB", "data", "--data", "csv:path=" BASIN_SOURCE_DIGITS, "--csv", "-");
    unsetenv("BASIN_MEMORY_LIMIT");
    /* the round trip: moons written, read back (no split, no standardization): the same rows */
    const char *written = support_tmp("moons.csv"), *again = support_tmp("again.csv");
    support_cli_result r = support_cli("data", "--data", "moons:n=120", "--csv", written, NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    char spec[700];
    snprintf(spec, sizeof spec, "csv:path=%s,test=0,standardize=false", written);
    r = support_cli("data", "--data", spec, "--csv", again, NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    char command[1600];
    snprintf(command, sizeof command, "cmp -s <(sort '%s') <(sort '%s')", written, again);
    char shell[1800];
    snprintf(shell, sizeof shell, "bash -c \"%s\"", command);
    assert_int_equal(system(shell), 0);
    assert_int_equal(support_tmpdir_remove(), 0);
}

/* Runs basin landscape on a digits MLP's G×G grid into csv in a child process and kills it after delay
 * seconds; returns whether it was killed before finishing. */
static bool killed_midway(const char *csv, const char *grid, double delay)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        execl(getenv("BASIN_EXE"), "basin", "landscape", "--model", "mlp:hidden=64/64", "--data", "digits", "--grid",
              grid, "--csv", csv, (char *)NULL);
        _exit(127);
    }
    usleep((useconds_t)(delay * 1e6));
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status);
}

/* Points a checkpoint holds (lines after its header), or −1 without one. */
static int points_kept(const char *checkpoint)
{
    FILE *f = fopen(checkpoint, "r");
    if (!f)
        return -1;
    int lines = 0;
    for (int c; (c = fgetc(f)) != EOF;)
        lines += c == '\n';
    fclose(f);
    return lines - 1;
}

/* Kills the landscape of csv midway, trying later when no point was kept yet and sooner when it finished
 * first: then there is a checkpoint with points and no output. */
static void kill_midway(const char *csv, const char *checkpoint)
{
    double delay = 0.15;
    for (;;) {
        bool killed = killed_midway(csv, "41", delay);
        if (killed && points_kept(checkpoint) > 0)
            break;
        unlink(csv), unlink(checkpoint);
        delay *= killed ? 1.5 : 0.6; /* killed before the first point: later; finished first: sooner */
        assert_true(delay > 1e-3 && delay < 10);
    }
    assert_int_equal(access(csv, F_OK), -1); /* no output: only the checkpoint */
}

/* A landscape killed midway leaves FILE.checkpoint and no FILE; --resume finishes the same grid, byte for
 * byte, from the points kept (a point altered in the checkpoint comes out altered: it was not computed
 * again), then removes the checkpoint; a checkpoint of another landscape is refused, and --resume needs
 * --csv FILE. */
static void test_landscape_resume(void **state)
{
    (void)state;
    assert_int_equal(support_tmpdir_create("/tmp/basin-resume"), 0);
    const char *whole = support_tmp("whole.csv"), *cut = support_tmp("cut.csv");
    char checkpoint[1024];
    snprintf(checkpoint, sizeof checkpoint, "%s.checkpoint", cut);
    support_cli_result r = support_cli("landscape", "--model", "mlp:hidden=64/64", "--data", "digits", "--grid", "41",
                                       "--csv", whole, NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    for (int tamper = 0; tamper < 2; tamper++) {
        kill_midway(cut, checkpoint);
        char *kept = support_slurp(checkpoint);
        assert_non_null(kept);
        if (tamper) { /* the first point kept, its loss made 12345 */
            char *line = strchr(kept, '\n') + 1, point[32];
            assert_true(*line != '\0'); /* at least one point was kept */
            size_t len = strcspn(line, " ");
            snprintf(point, sizeof point, "%.*s", (int)len, line);
            FILE *f = fopen(checkpoint, "w");
            fprintf(f, "%.*s%s 12345 nan\n", (int)(line - kept), kept, point);
            fclose(f);
        }
        free(kept);
        r = support_cli("landscape", "--model", "mlp:hidden=64/64", "--data", "digits", "--grid", "41", "--csv", cut,
                        "--resume", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.err, "resumed: "));
        support_cli_free(&r);
        assert_int_equal(access(checkpoint, F_OK), -1);
        char *a = support_slurp(whole), *b = support_slurp(cut);
        assert_true(a && b);
        if (tamper)
            assert_non_null(strstr(b, ",12345,"));
        else
            assert_string_equal(a, b);
        free(a), free(b);
        unlink(cut);
    }
    kill_midway(cut, checkpoint);
    expect_usage_error("is the checkpoint of another landscape", "landscape", "--model", "mlp:hidden=64/64", "--data",
                       "digits", "--grid", "41", "--direction-seed", "9", "--csv", cut, "--resume");
    unlink(checkpoint), unlink(cut);
    expect_usage_error("--resume continues the grid of --csv FILE", "landscape", "--surface", "himmelblau", "--at",
                       "3,2", "--resume");
    assert_int_equal(support_tmpdir_remove(), 0);
}

static void test_analyze_noise_scale(void **state)
{
    (void)state;
    const char *linreg = "linreg:n=200,normalize=true,label_noise=0.5";
    basin_spec spec;
    assert_int_equal(basin_spec_parse(&spec, BASIN_KIND_SURFACE, linreg), 0);
    basin_problem *p = basin_problem_create(spec.entry, &spec.params);
    const double w[2] = {2, 1};
    basin_noise_scale want;
    assert_int_equal(basin_noise_scale_exact(p, w, &want), 0);
    support_cli_result r = support_cli("analyze", "--surface", linreg, "--at", "2,1", "--noise-scale", "--json", "-", NULL);
    assert_int_equal(r.status, 0);
    const char *at = strstr(r.out, "\"b_simple\": ");
    assert_non_null(at);
    assert_true(strtod(at + 12, NULL) == want.b_simple);
    support_cli_free(&r);
    r = support_cli("analyze", "--surface", linreg, "--at", "2,1", "--noise-scale", NULL);
    char line[128];
    snprintf(line, sizeof line, "B_simple = tr(Σ)/|G|² = %.6g", want.b_simple);
    assert_non_null(strstr(r.out, line));
    support_cli_free(&r);
    expect_usage_error("--noise-scale: surface 'rosenbrock' is not a sum over examples", "analyze", "--surface",
                       "rosenbrock", "--at", "0,0", "--noise-scale");
    basin_problem_destroy(p);
    basin_spec_clear(&spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_input_exits_two_with_one_line),
        cmocka_unit_test(test_csv_reads_back_the_engine_bits),
        cmocka_unit_test(test_csv_names_runs_and_reports_divergence),
        cmocka_unit_test(test_csv_and_table_show_the_average),
        cmocka_unit_test(test_csv_file_is_whole_or_absent),
        cmocka_unit_test(test_table_summary),
        cmocka_unit_test(test_list_help_and_race),
        cmocka_unit_test(test_requests_too_large_for_memory),
        cmocka_unit_test(test_messages_stay_one_line),
        cmocka_unit_test(test_unwritable_standard_output_fails),
        cmocka_unit_test(test_run_async),
        cmocka_unit_test(test_analyze_noise_scale),
        cmocka_unit_test(test_landscape_threads),
        cmocka_unit_test(test_landscape_plots),
        cmocka_unit_test(test_csv_data),
        cmocka_unit_test(test_landscape_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
