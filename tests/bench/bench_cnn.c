/* bench_cnn.c: the default CNN (Conv2d 1→16, ReLU, MaxPool2d, Conv2d 16→32, ReLU, MaxPool2d, Flatten,
 * Linear 128→64, ReLU, Linear 64→10) on the 8×8 digits at batch sizes from 1 to all 1,797 examples:
 * a training step's gradient (forward, cross-entropy, backward) and an evaluation (forward and loss
 * alone), each beside the same work in PyTorch (bench_cnn_torch.py, float64, both sides on one OpenBLAS
 * thread, in the same run when python3-torch is installed). The sides alternate, a round of each in turn;
 * each reports its best of three. */
#include "bench.h"

#include "cli/cli.h"
#include "engine/nn/net_problem.h"
#include "engine/spec.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_BATCHES 6
static const size_t batches[N_BATCHES] = {1, 8, 32, 128, 512, 1797};
#define WORK 3e4 /* examples through each case per round: every batch size takes about as long */

typedef struct timings {
    double step[N_BATCHES], eval[N_BATCHES]; /* seconds per call, the best round */
} timings;

static basin_spec parse(basin_kind kind, const char *text)
{
    basin_spec s;
    if (basin_spec_parse(&s, kind, text) != 0)
        bench_must(NULL, text);
    return s;
}

static int reps_for(size_t B)
{
    return (int)ceil(WORK / (double)B / (B == 1 ? 4 : 1)); /* batch 1 is all overhead: fewer of them */
}

/* One round of every case, the best kept in t. */
static void basin_round(basin_net_problem *np, const double *w, double *g, const size_t *order, timings *t)
{
    for (size_t k = 0; k < N_BATCHES; k++) {
        size_t B = batches[k];
        basin_batch batch = {order, B};
        for (int pass = 0; pass < 2; pass++) { /* the gradient, then the loss alone */
            double *grad = pass == 0 ? g : NULL;
            int reps = reps_for(B);
            basin_problem_eval_batch(&np->base, w, batch, grad); /* warm */
            double start = bench_now();
            for (int r = 0; r < reps; r++)
                basin_problem_eval_batch(&np->base, w, batch, grad);
            double s = (bench_now() - start) / reps, *best = pass == 0 ? &t->step[k] : &t->eval[k];
            *best = fmin(*best, s);
        }
    }
}


/* One round of the PyTorch script: its "torch step|eval B SECONDS" lines, the best kept in t. */
static void torch_round(const char *digits, timings *t)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %g", BENCH_TORCH_SCRIPT, digits, WORK);
    FILE *p = popen(cmd, "r");
    char line[256], what[16];
    size_t B;
    double s;
    while (p && fgets(line, sizeof line, p))
        if (sscanf(line, "torch %15s %zu %lf", what, &B, &s) == 3)
            for (size_t k = 0; k < N_BATCHES; k++)
                if (batches[k] == B) {
                    double *best = strcmp(what, "step") == 0 ? &t->step[k] : &t->eval[k];
                    *best = fmin(*best, s);
                }
    if (p)
        pclose(p);
}

/* With an argument, runs only Basin's side (for profiling). */
int main(int argc, char **argv)
{
    (void)argv;
    basin_spec ds = parse(BASIN_KIND_DATA, "digits:test=0"), ms = parse(BASIN_KIND_MODEL, "cnn");
    basin_dataset *d = bench_must(basin_dataset_create(ds.entry, &ds.params, 0), "digits");
    basin_net net;
    if (basin_net_create(ms.entry, &ms.params, d, &net) != 0)
        bench_must(NULL, "cnn");
    basin_net_problem *np = bench_must(basin_net_problem_create(net, d, 0), "net");
    size_t dim = np->base.dim, n = d->train.n;
    double *w, *g = bench_must(calloc(dim, sizeof *g), "gradient");
    size_t *order;
    bench_start(dim, n, &w, &order);
    timings basin, torch;
    for (size_t k = 0; k < N_BATCHES; k++)
        basin.step[k] = basin.eval[k] = torch.step[k] = torch.eval[k] = INFINITY;
    char dir[] = "/tmp/basin-bench-XXXXXX", digits[64] = "";
    bool with_torch = argc < 2 && system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") == 0 && mkdtemp(dir);
    if (with_torch) {
        snprintf(digits, sizeof digits, "%s/digits.csv", dir);
        char *data_argv[] = {"basin", "data", "--data", "digits:test=0", "--csv", digits, NULL};
        with_torch = basin_cli_main(6, data_argv, stdout, stderr) == 0;
    } else if (argc < 2) {
        printf("torch: python3-torch is not installed; no reference figures this run\n");
    }
    for (int round = 0; round < 3; round++) { /* alternated: the machine is shared, its load drifts */
        if (with_torch)
            torch_round(digits, &torch);
        basin_round(np, w, g, order, &basin);
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < N_BATCHES; k++) {
            double b = pass == 0 ? basin.step[k] : basin.eval[k], t = pass == 0 ? torch.step[k] : torch.eval[k];
            printf("cnn %-10s batch %4zu   basin %9.1f µs", pass == 0 ? "gradient" : "evaluation", batches[k], 1e6 * b);
            if (isfinite(t))
                printf("   torch %9.1f µs   %.2f× PyTorch (goal > 1×)", 1e6 * t, t / b);
            printf("\n");
        }
    if (with_torch)
        unlink(digits), rmdir(dir);
    free(w), free(g), free(order);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(d);
    basin_spec_clear(&ds), basin_spec_clear(&ms);
    return 0;
}
