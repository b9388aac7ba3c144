/* test_outputs.c: outputs appear whole or not at all. Every command refuses an empty or unwritable output
 * path up front with one line naming it and exit status 2; a regular file under /dev is replaced whole, not
 * appended to; a dangling symbolic link keeps pointing at the file written; SIGINT and SIGTERM at random
 * moments leave either the complete output or none, and never a temporary file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support_cli.h"

#include "lab/npy.h"

#include <cairo.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void test_paths_refused_up_front(void **state)
{
    (void)state;
    static const char *const bad[] = {"", "/etc/passwd/x", "/no-such-folder/x"};
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
        const char *p = bad[b];
        expect_usage_error("--csv", "run", "--surface", "booth", "--opt", "sgd:lr=0.01", "--start=0,0", "--csv", p);
        expect_usage_error("-o", "export", "--surface", "booth", "--opt", "sgd:lr=0.01", "--start=0,0", "-o", p);
        expect_usage_error("--log", "train", "--model", "mlp", "--data", "moons", "--opt", "adam", "--log", p);
        expect_usage_error("--csv", "inspect", "--model", "mlp", "--data", "moons", "--csv", p);
        expect_usage_error("--csv", "data", "--data", "moons", "--csv", p);
        expect_usage_error("--json", "analyze", "--surface", "booth", "--at=0,0", "--json", p);
        expect_usage_error("--csv", "landscape", "--surface", "booth", "--at=0,0", "--csv", p);
    }
    expect_usage_error("--save-weights '': an empty path", "train", "--model", "mlp", "--data", "moons", "--opt",
                       "adam", "--save-weights", "");
    expect_usage_error("--save-trajectory '': an empty path", "train", "--model", "mlp", "--data", "moons", "--opt",
                       "adam", "--save-trajectory", "", "--every", "5");
    expect_usage_error("--save-directions '': an empty path", "landscape", "--model", "mlp", "--data", "moons",
                       "--save-directions", "");
    expect_usage_error("a folder, not a file", "data", "--data", "moons", "--csv", support_tmpdir());
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* A regular file is replaced by its whole new content whatever folder it is in (stat decides, not the
 * path); a dangling symbolic link stays a link and its target is written. */
static void test_regular_files_and_links(void **state)
{
    (void)state;
    struct stat st;
    const char *where = stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : support_tmpdir();
    char png[512];
    snprintf(png, sizeof png, "%s/basin-test-%d.png", where, (int)getpid());
    for (int k = 0; k < 2; k++) {
        support_cli_result r = support_cli("export", "--surface", "booth", "--opt", "sgd:lr=0.01", "--start=0,0",
                                           "--steps", "5", "--size", "640x360", "--dpi", "100", "-o", png, NULL);
        assert_int_equal(r.status, 0);
        support_cli_free(&r);
    }
    long once = file_size(png);
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(s), 640);
    cairo_surface_destroy(s);
    unlink(png);
    support_cli_result r = support_cli("export", "--surface", "booth", "--opt", "sgd:lr=0.01", "--start=0,0",
                                       "--steps", "5", "--size", "640x360", "--dpi", "100", "-o", png, NULL);
    support_cli_free(&r);
    assert_int_equal(file_size(png), once); /* two exports gave one PNG, not two appended */
    unlink(png);
    char link[512], target[512];
    snprintf(link, sizeof link, "%s", support_tmp("link.png"));
    snprintf(target, sizeof target, "%s", support_tmp("target.png"));
    assert_int_equal(symlink(target, link), 0);
    r = support_cli("export", "--surface", "booth", "--opt", "sgd:lr=0.01", "--start=0,0", "--steps", "5", "--size",
                    "640x360", "--dpi", "100", "-o", link, NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_true(file_size(target) > 0);
    /* too small a size for the type: refused as bad input, nothing written */
    r = support_cli("export", "--surface", "booth", "--opt", "sgd:lr=0.01", "--start=0,0", "--steps", "5", "--size",
                    "320x200", "-o", png, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "2 panels at font scale 1 need more room than 320×200 pixels at 200 dpi"));
    assert_int_equal(access(png, F_OK), -1);
    support_cli_free(&r);
}

/* Whether a folder holds any temporary file or folder of an output. */
static bool temporaries_in(const char *dir)
{
    DIR *d = opendir(dir);
    bool found = false;
    for (struct dirent *e; d && (e = readdir(d));)
        found = found || strstr(e->d_name, ".tmp.") || strstr(e->d_name, ".old.");
    if (d)
        closedir(d);
    return found;
}

/* Runs `basin ARGS` and sends sig after delay_us microseconds (if it is still running). */
static void run_and_signal(char *const *args, int sig, long delay_us)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execv(getenv("BASIN_EXE"), args);
        _exit(127);
    }
    struct timespec t = {delay_us / 1000000, (delay_us % 1000000) * 1000};
    nanosleep(&t, NULL);
    kill(pid, sig);
    int status;
    waitpid(pid, &status, 0);
}

static void test_interrupted_writes(void **state)
{
    (void)state;
    char out[600], weights[600], trajectory[600], dir[400];
    snprintf(dir, sizeof dir, "%s/signals", support_tmpdir());
    mkdir(dir, 0700);
    snprintf(out, sizeof out, "%s/figure.png", dir);
    snprintf(weights, sizeof weights, "%s/weights", dir);
    snprintf(trajectory, sizeof trajectory, "%s/trajectory", dir);
    char *export_args[] = {"basin", "export", BASIN_DEMOS_DIR "/overfitting.ini", "-o", out, NULL};
    char *train_args[] = {"basin", "train", "--model", "mlp:hidden=128/128", "--data", "digits", "--opt", "adam",
                          "--epochs", "2", "--save-weights", weights, "--save-trajectory", trajectory, "--every",
                          "10", NULL};
    srand(20261130);
    int whole = 0, absent = 0;
    for (int trial = 0; trial < 24; trial++) {
        bool figure = trial % 2 == 0;
        long delay = 1000 + rand() % (figure ? 700000 : 400000);
        run_and_signal(figure ? export_args : train_args, trial % 4 < 2 ? SIGINT : SIGTERM, delay);
        if (temporaries_in(dir) || temporaries_in(trajectory))
            fail_msg("trial %d (%s, %ld µs): a temporary was left behind", trial, figure ? "export" : "train", delay);
        if (figure && file_size(out) >= 0) {
            cairo_surface_t *s = cairo_image_surface_create_from_png(out);
            assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
            cairo_surface_destroy(s);
            whole++;
            unlink(out);
        } else if (figure) {
            absent++;
        }
        /* the weights are whole or absent, and so is every step folder written so far */
        if (file_size(weights) >= 0) {
            char model[700];
            snprintf(model, sizeof model, "%s/model.txt", weights);
            assert_true(file_size(model) > 0);
        }
        DIR *d = opendir(trajectory);
        for (struct dirent *e; d && (e = readdir(d));) {
            if (strncmp(e->d_name, "step_", 5) != 0)
                continue;
            char sub[1200];
            snprintf(sub, sizeof sub, "%s/%s", trajectory, e->d_name);
            assert_false(temporaries_in(sub));
            snprintf(sub, sizeof sub, "%s/%s/model.txt", trajectory, e->d_name);
            assert_true(file_size(sub) > 0);
        }
        if (d)
            closedir(d);
        char command[1400];
        snprintf(command, sizeof command, "rm -rf '%s' '%s'", weights, trajectory);
        assert_int_equal(system(command), 0);
    }
    print_message("    %d exports interrupted: %d whole, %d absent, no temporary left\n", whole + absent, whole, absent);
}

static int setup(void **state)
{
    (void)state;
    return support_tmpdir_create("/tmp/basin-outputs");
}

static int teardown(void **state)
{
    (void)state;
    return support_tmpdir_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_refused_up_front),
        cmocka_unit_test(test_regular_files_and_links),
        cmocka_unit_test(test_interrupted_writes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
