/* bench_curvature.c: the curvature work of the research tools, timed beside the same work in PyTorch
 * (bench_curvature_torch.py, float64, one thread, in the same run when python3-torch is installed):
 *   (a) a 51×51 filter-normalized landscape of the 64-128-64-10 ReLU MLP over all 1,797 digits;
 *   (b) the top Hessian eigenvalue of that model to about 1e-6 relative (Lanczos here, PyHessian's power
 *       iteration there);
 *   (c) the dense Hessian and every eigenvalue of a 2-42-42-1 tanh MLP (1,975 parameters) on 512 spiral
 *       points (autograd.functional.hessian + eigvalsh there);
 *   (d) one Hessian-vector product of (b)'s model at fixed weights (a retained graph there).
 * The sides alternate, a round of each in turn, and each reports its best of three. The landscape runs
 * PyTorch's algorithm on one thread as PyTorch does, then Basin's own algorithm on one thread and on two. */
#include "bench.h"

#include "cli/cli.h"
#include "engine/analysis/curvature.h"
#include "engine/analysis/landscape.h"
#include "engine/error.h"
#include "engine/nn/init.h"
#include "engine/nn/net_problem.h"
#include "engine/spec.h"

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void must(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "bench_curvature: %s: %s\n", what, basin_error_message());
        exit(1);
    }
}

/* A net problem of model on data (default init, seed 0), and its weights. */
static basin_net_problem *net(const char *model, const char *data, double **w)
{
    basin_spec ds, ms, is;
    must(basin_spec_parse(&ds, BASIN_KIND_DATA, data) == 0 && basin_spec_parse(&ms, BASIN_KIND_MODEL, model) == 0 &&
             basin_spec_parse(&is, BASIN_KIND_INIT, "default") == 0,
         "specs");
    basin_dataset *d = basin_dataset_create(ds.entry, &ds.params, 0);
    basin_net n = {0};
    must(d && basin_net_create(ms.entry, &ms.params, d, &n) == 0, model);
    basin_net_problem *np = basin_net_problem_create(n, d, 0);
    must(np != NULL, "net problem");
    *w = calloc(np->base.dim, sizeof **w);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    must(basin_init_apply(is.entry, &is.params, n.model, *w, rng) == 0, "init");
    gsl_rng_free(rng);
    basin_spec_clear(&ds), basin_spec_clear(&ms), basin_spec_clear(&is);
    return np; /* the data set is leaked with the problem: a benchmark's lifetime */
}

static double time_landscape(const char *threads)
{
    char *argv[] = {"basin", "landscape", "--model", "mlp:sizes=64/128/64/10,act=relu", "--data", "digits:test=0",
                    "--grid", "51", "--csv", "/dev/null", "--threads", (char *)threads, NULL};
    double start = bench_now();
    must(basin_cli_main(12, argv, stdout, stderr) == 0, "landscape");
    return bench_now() - start;
}

/* Seconds for Li et al.'s loop, the algorithm PyTorch's side runs: at each of 51×51 points the weights
 * w + a·d1 + b·d2 (filter-normalized Gaussian directions, biases zeroed) and a forward pass over all the
 * digits for the loss and the accuracy. */
static double time_landscape_loop(basin_net_problem *np, const double *w)
{
    enum { GRID = 51 };
    size_t n = np->base.dim;
    double *d1 = malloc(n * sizeof *d1), *d2 = malloc(n * sizeof *d2), *at = malloc(n * sizeof *at);
    must(d1 && d2 && at, "memory");
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t i = 0; i < n; i++)
        d1[i] = gsl_ran_gaussian(rng, 1), d2[i] = gsl_ran_gaussian(rng, 1);
    gsl_rng_free(rng);
    basin_filter_normalize(np->net.model, w, d1, false);
    basin_filter_normalize(np->net.model, w, d2, false);
    double start = bench_now(), loss, accuracy;
    for (int i = 0; i < GRID; i++)
        for (int j = 0; j < GRID; j++) {
            double a = -1 + 2.0 * i / (GRID - 1), b = -1 + 2.0 * j / (GRID - 1);
            for (size_t k = 0; k < n; k++)
                at[k] = w[k] + a * d1[k] + b * d2[k];
            must(basin_net_evaluate(np, at, &np->data->train, &loss, &accuracy, NULL) == 0, "evaluate");
        }
    double seconds = bench_now() - start;
    free(d1), free(d2), free(at);
    return seconds;
}

/* Seconds the loop's matrix products alone take: the forward pass's three dgemm calls (1,797 × 64 → 128 →
 * 64 → 10), timed over 200 passes and scaled to 51×51; no implementation of the loop can beat it. */
static double landscape_gemm_floor(void)
{
    enum { N = 1797, PASSES = 200 };
    static const int widths[4] = {64, 128, 64, 10};
    double *a = calloc((size_t)N * 128, sizeof *a), *b = calloc((size_t)N * 128, sizeof *b), *wt = calloc(128 * 128, sizeof *wt);
    must(a && b && wt, "memory");
    for (size_t i = 0; i < (size_t)N * 128; i++)
        a[i] = sin((double)i);
    double start = bench_now();
    for (int r = 0; r < PASSES; r++)
        for (int l = 0; l < 3; l++)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, widths[l + 1], widths[l], 1, l % 2 ? b : a, widths[l],
                        wt, widths[l], 0, l % 2 ? a : b, widths[l + 1]);
    double seconds = (bench_now() - start) / PASSES * 51 * 51;
    free(a), free(b), free(wt);
    return seconds;
}

/* Seconds per product at fixed weights, after a first one (which runs the forward pass) untimed. */
static double time_product(basin_net_problem *np, const double *w)
{
    enum { PRODUCTS = 50 };
    size_t n = np->base.dim;
    double *v = malloc(n * sizeof *v), *hv = malloc(n * sizeof *hv);
    must(v && hv, "memory");
    for (size_t i = 0; i < n; i++)
        v[i] = sin((double)i);
    basin_net_view view;
    const basin_problem *p = basin_net_view_init(&view, np, BASIN_EVAL_EVAL);
    basin_problem_hvp(p, w, BASIN_FULL_BATCH, v, hv);
    double start = bench_now();
    for (int k = 0; k < PRODUCTS; k++) {
        basin_problem_hvp(p, w, BASIN_FULL_BATCH, v, hv);
        double norm = 0;
        for (size_t i = 0; i < n; i++)
            norm += hv[i] * hv[i];
        for (size_t i = 0; i < n; i++)
            v[i] = hv[i] / sqrt(norm);
    }
    double seconds = (bench_now() - start) / PRODUCTS;
    free(v), free(hv);
    return seconds;
}

static double time_top_eigenvalue(basin_net_problem *np, const double *w, double *lambda)
{
    basin_lanczos_opts o = {.k = 1, .tol = 1e-6, .seed = 1};
    size_t iterations;
    double start = bench_now();
    basin_net_view view;
    must(basin_lanczos(basin_net_view_init(&view, np, BASIN_EVAL_EVAL), w, BASIN_FULL_BATCH, &o, lambda, NULL, &iterations) == 0, "lanczos");
    return bench_now() - start;
}

static double time_dense(basin_net_problem *np, const double *w)
{
    double *eval = malloc(np->base.dim * sizeof *eval), start = bench_now();
    basin_net_view view;
    must(basin_hessian_spectrum(basin_net_view_init(&view, np, BASIN_EVAL_EVAL), w, BASIN_FULL_BATCH, NULL, eval, NULL) == 0,
         "dense spectrum");
    double seconds = bench_now() - start;
    free(eval);
    return seconds;
}

enum { CASES = 4 };
static const char *const names[CASES] = {"landscape", "top_eigenvalue", "dense", "hvp"};

/* The examples PyTorch reads, written once; false when python3-torch is not installed. */
static bool torch_data(char *dir, char *digits, char *spirals, size_t size)
{
    if (system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) {
        printf("torch: python3-torch is not installed; no reference figures this run\n");
        return false;
    }
    if (!mkdtemp(dir))
        return false;
    snprintf(digits, size, "%s/digits.csv", dir);
    snprintf(spirals, size, "%s/spirals.csv", dir);
    char *a1[] = {"basin", "data", "--data", "digits:test=0", "--csv", digits, NULL};
    char *a2[] = {"basin", "data", "--data", "spirals:n=512,test=0", "--csv", spirals, NULL};
    must(basin_cli_main(6, a1, stdout, stderr) == 0 && basin_cli_main(6, a2, stdout, stderr) == 0, "data");
    return true;
}

/* A case's seconds kept in torch[] (ctx) when it is the best so far. */
static void keep_fastest(void *ctx, const char *name, double seconds)
{
    double *torch = ctx;
    for (int k = 0; k < CASES; k++)
        if (strcmp(name, names[k]) == 0 && !(seconds >= torch[k]))
            torch[k] = seconds;
}

/* One round of PyTorch's cases. */
static void torch_round(const char *digits, const char *spirals, double torch[CASES])
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %s", BENCH_TORCH_SCRIPT, digits, spirals);
    bench_torch_lines(cmd, keep_fastest, torch);
}

int main(void)
{
    double torch[CASES] = {NAN, NAN, NAN, NAN}, best[CASES] = {INFINITY, INFINITY, INFINITY, INFINITY};
    double threaded = INFINITY, affine = INFINITY, floor_s = INFINITY, lambda = NAN;
    char dir[] = "/tmp/basin-bench-XXXXXX", digits_csv[64], spirals_csv[64];
    bool torch_here = torch_data(dir, digits_csv, spirals_csv, sizeof digits_csv);
    double *w_digits, *w_spirals;
    basin_net_problem *digits = net("mlp:sizes=64/128/64/10,act=relu", "digits:test=0", &w_digits);
    basin_net_problem *spirals = net("mlp:sizes=2/42/42/1,act=tanh", "spirals:n=512,test=0", &w_spirals);
    for (int round = 0; round < 3; round++) { /* alternated: a round of PyTorch, then one of Basin */
        if (torch_here)
            torch_round(digits_csv, spirals_csv, torch);
        best[0] = fmin(best[0], time_landscape_loop(digits, w_digits));
        floor_s = fmin(floor_s, landscape_gemm_floor());
        affine = fmin(affine, time_landscape("1"));
        threaded = fmin(threaded, time_landscape("2"));
        best[1] = fmin(best[1], time_top_eigenvalue(digits, w_digits, &lambda));
        best[2] = fmin(best[2], time_dense(spirals, w_spirals));
        best[3] = fmin(best[3], time_product(digits, w_digits));
    }
    if (torch_here)
        unlink(digits_csv), unlink(spirals_csv), rmdir(dir);
    static const char *const what[CASES] = {
        "(a) 51×51 filter-normalized landscape, 64-128-64-10 MLP, 1,797 digits, Li et al.'s loop",
        "(b) top Hessian eigenvalue to 1e-6, same model (Lanczos | power iteration)",
        "(c) dense Hessian + all eigenvalues, 2-42-42-1 MLP (1,975 parameters), 512 points",
        "(d) one Hessian-vector product, (b)'s model, fixed weights (| retained graph)"};
    static const char *const goal[CASES] = {"goal ≥ 2× (the same algorithm, one thread each)", "", "",
                                            "goal ≥ 1× (no slower than a retained graph)"};
    for (int k = 0; k < CASES; k++) {
        double scale = k == 3 ? 1e3 : 1; /* the product in ms */
        printf("%-86s basin %8.3f %s", what[k], scale * best[k], k == 3 ? "ms" : "s ");
        if (isfinite(torch[k]))
            printf("   torch %8.3f %s   %.2f× faster   %s", scale * torch[k], k == 3 ? "ms" : "s ", torch[k] / best[k],
                   goal[k]);
        printf("\n");
    }
    printf("%-86s       %8.3f s", "    (a)'s matrix products alone: the loop's floor on this machine", floor_s);
    if (isfinite(torch[0]))
        printf("                      at most %.2f× faster", torch[0] / floor_s);
    printf("\n%-86s basin %8.3f s", "(a') the same landscape, Basin's algorithm (`basin landscape`: the first layer's affine)",
           affine);
    if (isfinite(torch[0]))
        printf("   torch %8.3f s    %.2f× faster   (against (a)'s loop)", torch[0], torch[0] / affine);
    printf("\n%-86s basin %8.3f s    %.2f× one thread's speed\n", "(a'') (a') on Basin's two threads", threaded,
           affine / threaded);
    printf("λmax of (b): %.10g\n", lambda);
    basin_problem_destroy(&digits->base);
    basin_problem_destroy(&spirals->base);
    free(w_digits), free(w_spirals);
    return 0;
}
