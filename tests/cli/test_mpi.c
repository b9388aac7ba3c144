/* test_mpi.c: the parallel trainer on MPI ranks (mpiexec, oversubscribed on two cores). A sync run on 2
 * and on 4 ranks writes the same log and the same weights, byte for byte, as the threads backend with as
 * many workers, also with SyncBatchNorm (running statistics included), and so do pipeline stages (GPipe
 * on 4 ranks with BatchNorm, interleaved on 2) and tensor-parallel workers (2 and 4 ranks); async on 3
 * and 5 ranks records its pushes and the simulator's replay of them gives its log and weights; basin
 * analyze on 2 and 4 ranks writes the single process's JSON; basin
 * landscape's grid on 2, 3 and 4 ranks is the single process's; a launch without --backend mpi,
 * or with a worker count other than the ranks, is refused with one line from rank 0 and status 2; a rank
 * that cannot start ends the job with its message; a rank killed midway ends the job within seconds and
 * leaves no output, and the grid resumes on 2 ranks to the single process's. Built only when meson found
 * MPI. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "lab/npy.h"

#include <math.h>

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* As root, more ranks than cores (yielding when idle: half the time then). Open MPI 4.1 keeps about 120 KB
 * past MPI_Finalize in components it unloads then, so LeakSanitizer cannot name them to suppress them: the
 * ranks of the sanitizer build check everything but leaks (the same code of Basin's is leak-checked on
 * threads by the other tests, and so is this program). */
#define MPIEXEC                                                                                              \
    "env ASAN_OPTIONS=detect_leaks=0 mpiexec --allow-run-as-root --oversubscribe --mca mpi_yield_when_idle 1 "        \
    "-x ASAN_OPTIONS"

/* Runs a shell command, its standard error into *err (owned by the caller); returns its exit status. */
static int run(const char *command, char **err)
{
    char full[2048];
    snprintf(full, sizeof full, "%s 2>%s >/dev/null", command, support_tmp("err.txt"));
    int status = system(full);
    FILE *f = fopen(support_tmp("err.txt"), "r");
    assert_non_null(f);
    size_t len = 0, cap = 1 << 16;
    *err = calloc(cap, 1);
    assert_non_null(*err);
    len = fread(*err, 1, cap - 1, f);
    (*err)[len] = '\0';
    fclose(f);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void assert_same_file(const char *a, const char *b)
{
    char *x = support_slurp(a), *y = support_slurp(b);
    if (!x || !y || strcmp(x, y) != 0)
        fail_msg("%s and %s differ", a, b);
    free(x), free(y);
}

static void test_sync_on_ranks_equals_threads(void **state)
{
    (void)state;
    const char *exe = getenv("BASIN_EXE");
    assert_non_null(exe);
    static const char *const models[] = {"mlp:hidden=32", "mlp:hidden=32,norm=batch"};
    static const char *const tensors[][2] = {{"1.weight.npy", "3.bias.npy"}, {"2.running_var.npy", "4.weight.npy"}};
    for (int ranks = 2; ranks <= 4; ranks += 2)
        for (int m = 0; m < 2; m++) {
            char common[512], command[1536], *err;
            snprintf(common, sizeof common,
                     "%s train --model %s --data digits --opt sgd:lr=0.05,momentum=0.9 --batch 16 --steps 30 "
                     "--parallel sync:workers=%d,bn=%s",
                     exe, models[m], ranks, m ? "sync" : "local");
            snprintf(command, sizeof command, "%s --log %s --save-weights %s", common, support_tmp("threads.csv"),
                     support_tmp("threads"));
            assert_int_equal(run(command, &err), 0);
            free(err);
            snprintf(command, sizeof command, MPIEXEC " -n %d %s --backend mpi --log %s --save-weights %s", ranks,
                     common, support_tmp("mpi.csv"), support_tmp("mpi"));
            int status = run(command, &err);
            if (status != 0)
                fail_msg("%d ranks: status %d: %s", ranks, status, err);
            free(err);
            print_message("%s on %d ranks: the log and weights are the threads run's\n", models[m], ranks);
            assert_same_file(support_tmp("threads.csv"), support_tmp("mpi.csv"));
            for (int k = 0; k < 2; k++) {
                char a[512], b[512];
                snprintf(a, sizeof a, "%s/%s", support_tmp("threads"), tensors[m][k]);
                snprintf(b, sizeof b, "%s/%s", support_tmp("mpi"), tensors[m][k]);
                assert_same_file(a, b);
            }
            if (ranks == 4 && m == 0) { /* one process on the global batch: the same to rounding */
                snprintf(command, sizeof command,
                         "%s train --model %s --data digits --opt sgd:lr=0.05,momentum=0.9 --batch 64 --steps 30 "
                         "--save-weights %s",
                         exe, models[m], support_tmp("serial"));
                assert_int_equal(run(command, &err), 0);
                free(err);
                static const char *const all[] = {"1.weight.npy", "1.bias.npy", "3.weight.npy", "3.bias.npy"};
                double worst = 0;
                for (int k = 0; k < 4; k++) {
                    char a[512], b[512];
                    snprintf(a, sizeof a, "%s/%s", support_tmp("serial"), all[k]);
                    snprintf(b, sizeof b, "%s/%s", support_tmp("mpi"), all[k]);
                    double *x, *y;
                    size_t nx, ny, shape[BASIN_NPY_MAX_DIMS];
                    assert_int_equal(basin_npy_read(a, &x, &nx, shape), 0);
                    size_t len = nx == 1 ? shape[0] : shape[0] * shape[1];
                    assert_int_equal(basin_npy_read(b, &y, &ny, shape), 0);
                    for (size_t i = 0; i < len; i++)
                        worst = fmax(worst, fabs(x[i] - y[i]) / fmax(fabs(x[i]), 1e-3));
                    free(x), free(y);
                }
                print_message("sync on 4 ranks against one process on the global batch of 64: %.2g relative\n", worst);
                assert_true(worst > 0 && worst < 1e-12); /* summed in another order: not the same bits */
            }
        }
}

/* Pipeline stages and tensor-parallel workers as ranks: the same log and weights as their threads runs. */
static void test_pipeline_and_tensor_on_ranks_equal_threads(void **state)
{
    (void)state;
    const char *exe = getenv("BASIN_EXE");
    static const char *const runs[][3] = {
        {"mlp:hidden=64/32,norm=batch", "pipeline:stages=4,micro=8,schedule=gpipe", "4"},
        {"mlp:hidden=64/32", "pipeline:stages=2,micro=4,schedule=interleaved,chunks=2", "2"},
        {"mlp:hidden=64/32", "tensor:workers=2", "2"},
        {"mlp:hidden=64/32", "tensor:workers=4", "4"},
    };
    for (size_t k = 0; k < sizeof runs / sizeof *runs; k++) {
        char common[512], command[1536], *err;
        snprintf(common, sizeof common,
                 "%s train --model %s --data digits --opt sgd:lr=0.05,momentum=0.9 --batch 64 --steps 20 "
                 "--parallel %s",
                 exe, runs[k][0], runs[k][1]);
        snprintf(command, sizeof command, "%s --log %s --save-weights %s", common, support_tmp("threads.csv"),
                 support_tmp("threads"));
        assert_int_equal(run(command, &err), 0);
        free(err);
        snprintf(command, sizeof command, MPIEXEC " -n %s %s --backend mpi --log %s --save-weights %s", runs[k][2],
                 common, support_tmp("mpi.csv"), support_tmp("mpi"));
        int status = run(command, &err);
        if (status != 0)
            fail_msg("%s: status %d: %s", runs[k][1], status, err);
        free(err);
        print_message("%s on %s ranks: the log and weights are the threads run's\n", runs[k][1], runs[k][2]);
        assert_same_file(support_tmp("threads.csv"), support_tmp("mpi.csv"));
        static const char *const tensors[] = {"1.weight.npy", "1.bias.npy"};
        for (int t = 0; t < 2; t++) {
            char a[512], b[512];
            snprintf(a, sizeof a, "%s/%s", support_tmp("threads"), tensors[t]);
            snprintf(b, sizeof b, "%s/%s", support_tmp("mpi"), tensors[t]);
            assert_same_file(a, b);
        }
    }
}

/* basin landscape on 2, 3 and 4 ranks writes the single process's grid byte for byte: a network's (21²
 * points) and a surface's (31², 3 ranks: parts of unequal size). */
static void test_landscape_on_ranks_equals_one_process(void **state)
{
    (void)state;
    const char *exe = getenv("BASIN_EXE");
    static const char *const subjects[] = {"--model mlp:hidden=16 --data moons:n=200 --grid 21",
                                           "--surface rosenbrock --at 1,1 --grid 31"};
    static const int ranks[][2] = {{2, 4}, {3, 3}};
    for (int k = 0; k < 2; k++) {
        char command[1536], *err;
        snprintf(command, sizeof command, "%s landscape %s --csv %s", exe, subjects[k], support_tmp("one.csv"));
        assert_int_equal(run(command, &err), 0);
        free(err);
        for (int r = 0; r < 2; r++) {
            snprintf(command, sizeof command, MPIEXEC " -n %d %s landscape %s --csv %s --backend mpi", ranks[k][r], exe,
                     subjects[k], support_tmp("ranks.csv"));
            int status = run(command, &err);
            if (status != 0)
                fail_msg("%s on %d ranks: status %d: %s", subjects[k], ranks[k][r], status, err);
            free(err);
            print_message("landscape %s on %d ranks: the single process's grid\n", subjects[k], ranks[k][r]);
            assert_same_file(support_tmp("one.csv"), support_tmp("ranks.csv"));
        }
    }
}

/* Occurrences of needle in text. */
static int count_of(const char *text, const char *needle)
{
    int n = 0;
    for (const char *c = text; (c = strstr(c, needle)); c++)
        n++;
    return n;
}

/* A timeline of a run on 2 ranks (--timeline FILE.json, written by rank 0) holds both ranks' measured
 * spans, as many for rank 1 as for rank 0, in sync, pipeline and tensor runs. */
static void test_timeline_gathers_every_rank(void **state)
{
    (void)state;
    const char *exe = getenv("BASIN_EXE");
    static const char *const modes[] = {"sync:workers=2", "pipeline:stages=2,micro=4", "tensor:workers=2"};
    for (int m = 0; m < 3; m++) {
        char command[1536], *err;
        snprintf(command, sizeof command,
                 MPIEXEC " -n 2 %s train --model mlp:hidden=32/32 --data digits --opt sgd:lr=0.05 --batch 16 --steps 10 "
                         "--parallel %s --backend mpi --timeline %s",
                 exe, modes[m], support_tmp("timeline.json"));
        int status = run(command, &err);
        if (status != 0)
            fail_msg("%s: status %d: %s", modes[m], status, err);
        free(err);
        char *json = support_slurp(support_tmp("timeline.json"));
        assert_non_null(json);
        int rank0 = count_of(json, "\"pid\": 1, \"tid\": 0, \"ts\""), rank1 = count_of(json, "\"pid\": 1, \"tid\": 1, \"ts\"");
        print_message("%s on 2 ranks: %d measured spans of rank 0, %d of rank 1 in rank 0's timeline\n", modes[m], rank0,
                      rank1);
        assert_true(rank0 > 0);
        assert_int_equal(rank0, rank1);
        free(json);
    }
}

/* basin analyze on 2 and 4 ranks: the dense Hessian's columns, Hutchinson's probes and SLQ's runs dealt
 * to the ranks give the single process's JSON byte for byte (but the seconds it took). */
static void test_analyze_on_ranks_equals_one_process(void **state)
{
    (void)state;
    const char *exe = getenv("BASIN_EXE");
    static const char *const asks[] = {"--eigs all --trace --density", "--eigs top:3 --trace"};
    for (int a = 0; a < 2; a++) {
        char common[512], command[1536], *err;
        snprintf(common, sizeof common, "%s analyze --model mlp:hidden=8 --data digits %s --json", exe, asks[a]);
        snprintf(command, sizeof command, "%s %s", common, support_tmp("one.json"));
        assert_int_equal(run(command, &err), 0);
        free(err);
        char *one = support_slurp(support_tmp("one.json"));
        assert_non_null(one);
        *strstr(one, "\"seconds\"") = '\0';
        for (int ranks = 2; ranks <= 4; ranks += 2) {
            snprintf(command, sizeof command, MPIEXEC " -n %d %s %s --backend mpi", ranks, common,
                     support_tmp("ranks.json"));
            int status = run(command, &err);
            if (status != 0)
                fail_msg("%s on %d ranks: status %d: %s", asks[a], ranks, status, err);
            free(err);
            char *got = support_slurp(support_tmp("ranks.json"));
            assert_non_null(got);
            *strstr(got, "\"seconds\"") = '\0';
            print_message("analyze %s on %d ranks: the single process's JSON\n", asks[a], ranks);
            assert_string_equal(one, got);
            free(got);
        }
        free(one);
    }
}

/* Lines in path (0 when it is not there). */
static long lines_in(const char *path)
{
    FILE *f = fopen(path, "r");
    long n = 0;
    for (int c; f && (c = fgetc(f)) != EOF;)
        n += c == '\n';
    if (f)
        fclose(f);
    return n;
}

/* The process whose command line holds marker and whose environment says it is the launcher's rank. */
static pid_t find_rank(const char *marker, int rank)
{
    char want[64];
    snprintf(want, sizeof want, "OMPI_COMM_WORLD_RANK=%d", rank);
    DIR *proc = opendir("/proc");
    pid_t found = 0;
    for (struct dirent *e; proc && !found && (e = readdir(proc));) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], buf[1 << 15];
        bool has_marker = false, has_rank = false;
        for (int part = 0; part < 2; part++) {
            snprintf(path, sizeof path, "/proc/%s/%s", e->d_name, part ? "environ" : "cmdline");
            FILE *f = fopen(path, "rb");
            size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
            if (f)
                fclose(f);
            for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
                buf[n] = '\0';
                has_marker = has_marker || (!part && strstr(buf + i, marker));
                has_rank = has_rank || (part && strcmp(buf + i, want) == 0);
            }
        }
        if (has_marker && has_rank)
            found = (pid_t)atoi(e->d_name);
    }
    if (proc)
        closedir(proc);
    return found;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A rank killed midway (SIGKILL on rank 1 of a 2-rank landscape, once it has checkpointed points) ends the
 * job within seconds, naming the rank (the launcher with the signal, or rank 0 with what MPI returned to
 * it), and leaves no output file but the checkpoints; --resume on 2 ranks then finishes the single
 * process's grid, byte for byte. */
static void test_a_killed_rank_ends_the_job_and_resumes(void **state)
{
    (void)state;
    const char *exe = getenv("BASIN_EXE");
    char subject[256], command[2048], *err;
    snprintf(subject, sizeof subject, "landscape --model mlp:hidden=64/64 --data digits --grid 81 --threads 1");
    snprintf(command, sizeof command, "%s %s --csv %s", exe, subject, support_tmp("one.csv"));
    assert_int_equal(run(command, &err), 0);
    free(err);
    char out[512], checkpoint[600]; /* support_tmp's paths are reused after 8 calls */
    snprintf(out, sizeof out, "%s", support_tmp("killed.csv"));
    snprintf(checkpoint, sizeof checkpoint, "%s.checkpoint.1-of-2", out);
    snprintf(command, sizeof command, "(" MPIEXEC " -n 2 %s %s --csv %s --backend mpi 2>%s >/dev/null; echo $? >%s) &",
             exe, subject, out, support_tmp("killed.err"), support_tmp("killed.status"));
    assert_int_equal(system(command), 0);
    double start = seconds();
    while (lines_in(checkpoint) < 200 && seconds() - start < 120)
        usleep(10000);
    pid_t rank1 = find_rank(out, 1);
    if (!rank1 || lines_in(checkpoint) < 200)
        fail_msg("rank 1 not found or not far enough (%ld points checkpointed)", lines_in(checkpoint));
    assert_int_equal(kill(rank1, SIGKILL), 0);
    double killed = seconds();
    while (!lines_in(support_tmp("killed.status")) && seconds() - killed < 60)
        usleep(10000);
    double took = seconds() - killed;
    char *status = support_slurp(support_tmp("killed.status")), *said = support_slurp(support_tmp("killed.err"));
    assert_true(status && said);
    print_message("rank 1 killed: the job ended %.2f s later with status %d\n", took, atoi(status));
    /* mpirun reports the signal, or rank 0 first meets the dead rank (an error that MPI returns) and ends the
     * job itself, naming it */
    if (took > 10 || atoi(status) == 0 || !strstr(said, "rank 1") ||
        !(strstr(said, "signal 9") || strstr(said, "MPI could not")))
        fail_msg("%.1f s, status %s, stderr: %s", took, status, said);
    assert_int_equal(access(out, F_OK), -1); /* no output, not even half of it */
    assert_true(lines_in(checkpoint) > 1);
    free(status), free(said);
    snprintf(command, sizeof command, MPIEXEC " -n 2 %s %s --csv %s --backend mpi --resume", exe, subject, out);
    int resumed = run(command, &err);
    if (resumed != 0 || !strstr(err, "resumed: "))
        fail_msg("resume: status %d: %s", resumed, err);
    free(err);
    assert_same_file(support_tmp("one.csv"), out);
    assert_int_equal(access(checkpoint, F_OK), -1); /* gone once the grid is written */
}

/* Asynchronous SGD on ranks: rank 0 applies the workers' pushes as they arrive. The staleness each push
 * had is logged and the order recorded (--pushes); the simulator's order=replay of that record writes
 * the same log (losses, rates, staleness) and the same weights, byte for byte. */
static void test_async_on_ranks_replays(void **state)
{
    (void)state;
    const char *exe = getenv("BASIN_EXE");
    static const char *const keys[] = {"", ",lr_staleness=inverse"};
    for (int ranks = 3; ranks <= 5; ranks += 2) {
        char common[512], command[1536], *err;
        snprintf(common, sizeof common,
                 "%s train --model mlp:hidden=32 --data digits --opt sgd:lr=0.05,momentum=0.5 --batch 16 --steps 60",
                 exe);
        snprintf(command, sizeof command,
                 MPIEXEC " -n %d %s --parallel async:workers=%d%s --backend mpi --pushes %s --log %s "
                         "--save-weights %s",
                 ranks, common, ranks - 1, keys[ranks == 5], support_tmp("pushes.txt"), support_tmp("mpi.csv"),
                 support_tmp("mpi"));
        int status = run(command, &err);
        if (status != 0)
            fail_msg("%d ranks: status %d: %s", ranks, status, err);
        free(err);
        char *pushes = support_slurp(support_tmp("pushes.txt")), *log = support_slurp(support_tmp("mpi.csv"));
        assert_true(pushes && log);
        int by[4] = {0}, lines = 0;
        for (const char *c = pushes; *c; c++)
            if (*c >= '0' && *c < '0' + ranks - 1)
                by[*c - '0']++, lines++;
        double staleness = 0;
        for (const char *row = strchr(log, '\n') + 1; *row; row = strchr(row, '\n') + 1) {
            const char *field = row;
            for (int k = 0; k < 9; k++) /* staleness is the tenth column */
                field = strchr(field, ',') + 1;
            staleness += atof(field);
        }
        print_message("%d workers on ranks: pushes by worker %d %d %d %d, mean staleness %.2f\n", ranks - 1, by[0],
                      by[1], by[2], by[3], staleness / 60);
        /* Which workers push, and so the staleness, is the operating system's scheduling: on a loaded machine
         * one worker took all 60 pushes of a 2-worker run. Asynchronous SGD allows that; what must hold is
         * that every push is logged with a worker that exists, and that the replay below equals the run. */
        assert_int_equal(lines, 60);
        free(pushes), free(log);
        snprintf(command, sizeof command,
                 "%s --parallel async:workers=%d%s,order=replay,pushes=@%s --log %s --save-weights %s", common,
                 ranks - 1, keys[ranks == 5], support_tmp("pushes.txt"), support_tmp("replay.csv"),
                 support_tmp("replay"));
        assert_int_equal(run(command, &err), 0);
        free(err);
        assert_same_file(support_tmp("mpi.csv"), support_tmp("replay.csv"));
        char a[512], b[512];
        snprintf(a, sizeof a, "%s/3.weight.npy", support_tmp("mpi"));
        snprintf(b, sizeof b, "%s/3.weight.npy", support_tmp("replay"));
        assert_same_file(a, b);
    }
}

static void test_refusals(void **state)
{
    (void)state;
    const char *exe = getenv("BASIN_EXE");
    char command[1024], *err;
    snprintf(command, sizeof command,
             MPIEXEC " -n 2 %s train --model mlp:hidden=4 --data digits --opt sgd:lr=0.1 --parallel sync:workers=2", exe);
    assert_int_equal(run(command, &err), 2);
    assert_non_null(strstr(err, "basin train: an MPI launcher started 2 ranks: add --backend mpi"));
    assert_null(strstr(strstr(err, "an MPI launcher") + 1, "an MPI launcher")); /* once: rank 0 speaks */
    free(err);
    snprintf(command, sizeof command,
             MPIEXEC " -n 2 %s train --model mlp:hidden=4 --data digits --opt sgd:lr=0.1 --parallel sync:workers=3 "
                     "--backend mpi",
             exe);
    assert_int_equal(run(command, &err), 2);
    const char *said = strstr(err, "sync:workers=3 but the launcher started 2 ranks; give workers=2");
    assert_non_null(said);
    assert_null(strstr(said + 1, "sync:workers=3 but")); /* the same on every rank: rank 0 alone says it */
    free(err);
    static const char *const async_cases[][2] = {
        {"--model mlp:hidden=4 --parallel async:workers=2", "async:workers=2 needs 3 ranks"},
        {"--model mlp:hidden=4,norm=batch --parallel async:workers=1", "BatchNorm's running statistics would stay"},
        {"--model mlp:hidden=4,dropout=0.2 --parallel async:workers=1", "dropout's masks would stay"},
        {"--model mlp:hidden=4 --parallel async:workers=1,order=events", "order= is the simulator's"},
    };
    for (size_t k = 0; k < sizeof async_cases / sizeof *async_cases; k++) {
        snprintf(command, sizeof command, MPIEXEC " -n 2 %s train %s --data digits --opt sgd:lr=0.1 --backend mpi", exe,
                 async_cases[k][0]);
        int status = run(command, &err);
        if (status != 2 || !strstr(err, async_cases[k][1]))
            fail_msg("%s: status %d, stderr: %s", async_cases[k][0], status, err);
        free(err);
    }
}

/* A rank that cannot start while the others can (here one short of memory: BASIN_MEMORY_LIMIT on rank 1
 * alone) ends the whole job at once, saying which rank and why, instead of a hang (timeout's 124). */
static void test_a_failing_rank_ends_the_job(void **state)
{
    (void)state;
    const char *exe = getenv("BASIN_EXE");
    char args[512], command[1536], *err;
    snprintf(args, sizeof args,
             "%s train --model mlp:hidden=64 --data digits --opt sgd:lr=0.1 --batch 16 --steps 20 "
             "--parallel sync:workers=2 --backend mpi",
             exe);
    snprintf(command, sizeof command, "timeout 60 " MPIEXEC " -n 1 %s : -n 1 -x BASIN_MEMORY_LIMIT=200000 %s", args,
             args);
    int status = run(command, &err);
    if (status != 2 || !strstr(err, "basin train: rank 1: digits: reading") || !strstr(err, "this machine can give") ||
        !strstr(err, "basin train: 1 of 2 ranks could not start"))
        fail_msg("status %d (124: it hung), stderr: %s", status, err);
    free(err);
}

static int setup(void **state)
{
    (void)state;
    return support_tmpdir_create("basin-mpi");
}

static int teardown(void **state)
{
    (void)state;
    return support_tmpdir_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sync_on_ranks_equals_threads),
        cmocka_unit_test(test_pipeline_and_tensor_on_ranks_equal_threads),
        cmocka_unit_test(test_landscape_on_ranks_equals_one_process),
        cmocka_unit_test(test_timeline_gathers_every_rank),
        cmocka_unit_test(test_analyze_on_ranks_equals_one_process),
        cmocka_unit_test(test_async_on_ranks_replays),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_a_failing_rank_ends_the_job),
        cmocka_unit_test(test_a_killed_rank_ends_the_job_and_resumes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
