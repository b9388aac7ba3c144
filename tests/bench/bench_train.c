/* bench_train.c: training steps per second for (a) the 2-64-64-1 tanh MLP on 10,000 spiral points,
 * batch 128, SGD with momentum 0.9, and (b) the 64-128-64-10 ReLU MLP on the digits, batch 64, Adam;
 * beside the same loops in PyTorch (float64, one thread; bench_train_torch.py, run here in the same run
 * on the same examples when python3-torch is installed), with the ratios, and the fraction of OpenBLAS
 * dgemm's throughput on the step's own matrix shapes that a whole step reaches. Each side reports the
 * best of three rounds of 3,000 steps, the sides alternating: a round of PyTorch, then one of Basin. */
#include "bench.h"

#include "cli/cli.h"
#include "engine/error.h"
#include "engine/nn/net_problem.h"
#include "engine/optim/optimizer.h"
#include "engine/parallel/thread_policy.h"
#include "engine/spec.h"

#include <gsl/gsl_cblas.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STEPS 3000

typedef struct bench_case {
    const char *name, *model, *data, *opt;
    size_t batch;
    double torch_steps_per_s;
    double seconds; /* Basin's best round */
} bench_case;

/* Matrix FLOPs of one step of an MLP of Linear layers: forward, weight gradient, and input gradient for
 * all but the first layer. */
static double step_flops(const basin_model *m, size_t B)
{
    double flops = 0;
    bool first = true;
    for (size_t i = 0; i < m->n_layers; i++) {
        const basin_layer *l = &m->layers[i];
        if (l->d.kind != BASIN_LAYER_LINEAR)
            continue;
        double mac = (double)B * (double)l->in_c * (double)l->out_c;
        flops += 2 * mac * (first ? 2 : 3);
        first = false;
    }
    return flops;
}

/* Seconds for the step's dgemm calls alone, on buffers of the same shapes. */
static double dgemm_seconds(const basin_model *m, size_t B, int reps)
{
    double *a = calloc(B * 256, sizeof *a), *w = calloc(256 * 256, sizeof *w), *c = calloc(B * 256, sizeof *c);
    for (size_t i = 0; i < B * 256; i++)
        a[i] = (double)(i % 7) * 0.1;
    double start = bench_now();
    for (int r = 0; r < reps; r++) {
        bool first = true;
        for (size_t i = 0; i < m->n_layers; i++) {
            const basin_layer *l = &m->layers[i];
            if (l->d.kind != BASIN_LAYER_LINEAR)
                continue;
            int I = (int)l->in_c, O = (int)l->out_c, b = (int)B;
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, O, I, 1, a, I, w, I, 1, c, O);
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, O, I, b, 1, c, O, a, I, 1, w, I);
            if (!first)
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, I, O, 1, c, O, w, I, 0, a, I);
            first = false;
        }
    }
    double seconds = (bench_now() - start) / reps;
    free(a), free(w), free(c);
    return seconds;
}

static basin_spec parse(basin_kind kind, const char *text)
{
    basin_spec s;
    if (basin_spec_parse(&s, kind, text) != 0)
        bench_must(NULL, text);
    return s;
}

/* One warmed-up round of STEPS training steps of bc, keeping the best time in bc->seconds; the last round
 * prints the rates. */
static void run_basin(bench_case *bc, bool last)
{
    basin_spec data_spec = parse(BASIN_KIND_DATA, bc->data), model_spec = parse(BASIN_KIND_MODEL, bc->model),
               opt_spec = parse(BASIN_KIND_OPTIMIZER, bc->opt);
    basin_dataset *data = bench_must(basin_dataset_create(data_spec.entry, &data_spec.params, 0), bc->data);
    basin_net net;
    if (basin_net_create(model_spec.entry, &model_spec.params, data, &net) != 0)
        bench_must(NULL, bc->model);
    basin_net_problem *np = bench_must(basin_net_problem_create(net, data, 0), "net");
    size_t dim = np->base.dim, n = data->train.n, B = bc->batch;
    basin_optimizer *opt = bench_must(basin_optimizer_create(opt_spec.entry, &opt_spec.params, dim), bc->opt);
    double *w, *g = bench_must(calloc(dim, sizeof *g), "gradient");
    size_t *order;
    bench_start(dim, n, &w, &order);
    size_t per_epoch = (n + B - 1) / B;
    for (int round = 0; round < 2; round++) { /* 50 steps of warm-up, then the timed round */
        int steps = round ? STEPS : 50;
        double start = bench_now();
        for (int k = 0; k < steps; k++) {
            size_t i = (size_t)k % per_epoch, m = n - i * B < B ? n - i * B : B;
            basin_batch batch = {order + i * B, m};
            basin_problem_eval_batch(&np->base, w, batch, g);
            basin_optimizer_step(opt, w, g, opt->lr, &np->base, batch);
        }
        if (round)
            bc->seconds = fmin(bc->seconds, bench_now() - start);
    }
    if (last) {
        double rate = STEPS / bc->seconds, step_s = bc->seconds / STEPS;
        double flops = step_flops(np->net.model, B), gemm = dgemm_seconds(np->net.model, B, STEPS);
        printf("basin %-8s %-30s batch %3zu %-22s %8.0f steps/s  (%.1f µs/step; %.2f GFLOP/s, %.0f%% of dgemm's "
               "%.2f GFLOP/s on the same shapes; goal ≥ 75%%)\n",
               bc->name, bc->model, B, bc->opt, rate, 1e6 * step_s, flops / step_s * 1e-9, 100 * gemm / step_s,
               flops / gemm * 1e-9);
        if (bc->torch_steps_per_s > 0)
            printf("torch %-8s %8.0f steps/s: basin is %.2f× PyTorch (goal ≥ 4×)\n", bc->name,
                   bc->torch_steps_per_s, rate / bc->torch_steps_per_s);
    }
    free(w), free(g), free(order);
    basin_optimizer_destroy(opt);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(data);
    basin_spec_clear(&data_spec), basin_spec_clear(&model_spec), basin_spec_clear(&opt_spec);
}

/* Writes the training split of data as CSV into path through `basin data`. */
static void write_data(const char *data, const char *path)
{
    char *argv[] = {"basin", "data", "--data", (char *)data, "--csv", (char *)path, NULL};
    if (basin_cli_main(6, argv, stdout, stderr) != 0)
        exit(1);
}

/* The examples PyTorch reads, written once into dir; false (and said) when PyTorch is not installed. */
static bool torch_data(bench_case *cases, char *dir, char *spirals, char *digits, size_t size)
{
    if (system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) {
        printf("torch: python3-torch is not installed; no reference figures this run\n");
        return false;
    }
    if (!mkdtemp(dir))
        return false;
    snprintf(spirals, size, "%s/spirals.csv", dir);
    snprintf(digits, size, "%s/digits.csv", dir);
    write_data(cases[0].data, spirals);
    write_data(cases[1].data, digits);
    return true;
}

#define N_CASES 2

/* A case's steps/s kept in the cases (ctx) when it is the best so far. */
static void keep_fastest(void *ctx, const char *name, double rate)
{
    bench_case *cases = ctx;
    for (size_t i = 0; i < N_CASES; i++)
        if (strcmp(cases[i].name, name) == 0 && rate > cases[i].torch_steps_per_s)
            cases[i].torch_steps_per_s = rate;
}

/* One round of the PyTorch script on the same examples. */
static void torch_round(bench_case *cases, const char *spirals, const char *digits)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %s %d 1", BENCH_TORCH_SCRIPT, spirals, digits, STEPS);
    bench_torch_lines(cmd, keep_fastest, cases);
}

/* With an argument, runs only the case of that name, without PyTorch (for profiling). */
int main(int argc, char **argv)
{
    bench_case cases[N_CASES] = {
        {"spirals", "mlp:sizes=2/64/64/1,act=tanh", "spirals:n=10000,test=0", "sgd:lr=0.1,momentum=0.9", 128, 0, INFINITY},
        {"digits", "mlp:sizes=64/128/64/10,act=relu", "digits:test=0", "adam:lr=1e-3", 64, 0, INFINITY},
    };
    basin_blas_policy_init(); /* OpenBLAS as the CLI runs it */
    char dir[] = "/tmp/basin-bench-XXXXXX", spirals[64], digits[64];
    bool torch = argc < 2 && torch_data(cases, dir, spirals, digits, sizeof spirals);
    for (int round = 0; round < 3; round++) { /* alternated: the machine is shared, its load drifts */
        if (torch)
            torch_round(cases, spirals, digits);
        for (size_t i = 0; i < N_CASES; i++)
            if (argc < 2 || strcmp(argv[1], cases[i].name) == 0)
                run_basin(&cases[i], round == 2);
    }
    if (torch)
        unlink(spirals), unlink(digits), rmdir(dir);
    return 0;
}
