/* test_curvature.c: spectra from exact Hessian-vector products against closed forms (quadratics of
 * known spectrum, Rosenbrock at its minimum) and PyTorch (a small MLP's top eigenvalues by
 * autograd.functional.hessian + eigvalsh); Lanczos and power iteration against the dense answer;
 * Hutchinson's trace within three standard errors; the sharpness measures on quadratics. */
#include "support.h"

#include "engine/analysis/curvature.h"
#include "engine/analysis/report.h"
#include "engine/parallel/comm_threads.h"
#include "engine/analysis/stationary.h"
#include "engine/error.h"
#include "engine/linalg.h"
#include "engine/nn/layers.h"
#include "engine/nn/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "../reference/golden_nn.h"


static void test_quadratic_spectra(void **state)
{
    (void)state;
    static const char *const specs[] = {"quadratic:dim=40,kappa=100,spectrum=linear,seed=3",
                                        "quadratic:dim=60,kappa=1e4,spectrum=log,seed=4"};
    for (size_t k = 0; k < 2; k++) {
        basin_problem *p = support_problem(specs[k]);
        size_t n = p->dim;
        double *w = calloc(n, sizeof *w), *eval = malloc(n * sizeof *eval), top[3], bottom[3];
        for (size_t i = 0; i < n; i++)
            w[i] = sin((double)i);
        assert_int_equal(basin_hessian_spectrum(p, w, BASIN_FULL_BATCH, NULL, eval, NULL), 0);
        double worst = 0;
        for (size_t i = 0; i < n; i++) {
            double t = (double)i / (double)(n - 1), want = k == 0 ? 1 + 99 * t : pow(1e4, t);
            if (i == n - 1)
                want = k == 0 ? 100 : 1e4;
            worst = fmax(worst, fabs(eval[i] - want) / want);
        }
        print_message("    %s: dense eigenvalues within %.1e relative\n", specs[k], worst);
        assert_true(worst < 1e-10);
        /* Lanczos: the three largest and three smallest, as the dense solver gives them. */
        size_t iterations;
        basin_lanczos_opts o = {.k = 3, .seed = 1};
        assert_int_equal(basin_lanczos(p, w, BASIN_FULL_BATCH, &o, top, NULL, &iterations), 0);
        o.smallest = true;
        assert_int_equal(basin_lanczos(p, w, BASIN_FULL_BATCH, &o, bottom, NULL, NULL), 0);
        for (size_t i = 0; i < 3; i++) {
            assert_true(fabs(top[i] - eval[n - 3 + i]) <= 1e-8 * eval[n - 1]);
            assert_true(fabs(bottom[i] - eval[i]) <= 1e-8 * eval[n - 1]);
        }
        /* Hutchinson's trace within 3 standard errors of the exact one. */
        double exact = 0, trace, se;
        for (size_t i = 0; i < n; i++)
            exact += eval[i];
        assert_int_equal(basin_hutchinson_trace(p, w, BASIN_FULL_BATCH, 200, 5, NULL, &trace, &se), 0);
        print_message("    trace %.6g, Hutchinson %.6g ± %.3g (%.1f s.e.)\n", exact, trace, se, (trace - exact) / se);
        assert_true(se > 0 && fabs(trace - exact) < 3 * se);
        free(w), free(eval);
        basin_problem_destroy(p);
    }
}

/* Rosenbrock's Hessian at its minimum (1, 1) is [[802, −400], [−400, 200]]: eigenvalues 0.3994 and
 * 1001.6. */
static void test_rosenbrock(void **state)
{
    (void)state;
    basin_problem *p = support_problem("rosenbrock");
    double w[2] = {1, 1}, eval[2];
    assert_int_equal(basin_hessian_spectrum(p, w, BASIN_FULL_BATCH, NULL, eval, NULL), 0);
    double disc = sqrt(301 * 301 + 400 * 400);
    assert_close(eval[0], 501 - disc, 1e-12);
    assert_close(eval[1], 501 + disc, 1e-9);
    assert_close(round(eval[0] * 1e4) / 1e4, 0.3994, 0);
    assert_close(round(eval[1] * 10) / 10, 1001.6, 1e-12);
    basin_problem_destroy(p);
}

/* A 2-8-2 ReLU MLP with an MSE loss: the five largest eigenvalues of its dense Hessian (from exact
 * Hessian-vector products) match PyTorch's autograd.functional.hessian + eigvalsh. */
static void test_mlp_top_eigenvalues(void **state)
{
    (void)state;
    const golden_case *gc = &golden_cases[2];
    basin_model *m = basin_model_create(gc->layers, gc->n_layers, gc->c, gc->h, gc->w);
    size_t n = m->n_params, K = m->out_features, B = 6;
    double *h = malloc(n * n * sizeof *h), *e = calloc(n, sizeof *e), *hv = malloc(n * sizeof *hv),
           *eval = malloc(n * sizeof *eval), dout[12], rdout[12];
    for (size_t j = 0; j < n; j++) {
        e[j] = 1;
        const double *out = basin_model_forward(m, eig_w, eig_x, B, (basin_forward_opts){.mode = gc->mode, .update_stats = false, .rng = NULL, .no_dropout = false});
        loss_mse(dout, out, eig_targets, B, K);
        const double *rout = basin_model_forward_r(m, eig_w, e);
        loss_mse_r(rdout, rout, B, K);
        memset(hv, 0, n * sizeof *hv);
        basin_model_backward_r(m, eig_w, e, dout, rdout, NULL, hv);
        for (size_t i = 0; i < n; i++)
            h[i * n + j] = hv[i];
        e[j] = 0;
    }
    assert_int_equal(basin_symmetric_eigen(n, h, eval, NULL), 0);
    double worst = 0;
    for (size_t i = 0; i < 5; i++)
        worst = fmax(worst, fabs(eval[n - 5 + i] - eig_top5[i]) / fabs(eig_top5[i]));
    print_message("    top-5 eigenvalues %.6g … %.6g: worst %.1e relative to PyTorch\n", eval[n - 5], eval[n - 1], worst);
    assert_true(worst < 1e-8);
    free(h), free(e), free(hv), free(eval);
    basin_model_destroy(m);
}

/* On a network problem, Lanczos (top 5) and PyHessian's power iteration (top 1) agree with the dense
 * spectrum. */
static void test_lanczos_on_a_net(void **state)
{
    (void)state;
    basin_dataset *d = support_dataset("moons:n=200", 0);
    basin_net_problem *np = support_net_problem("mlp:hidden=16/16,act=tanh", d, 0);
    size_t n = np->base.dim;
    double *w = malloc(n * sizeof *w), *eval = malloc(n * sizeof *eval), top[5], power[2];
    support_init("default", np->net.model, w, 1);
    basin_net_view view;
    const basin_problem *p = basin_net_view_init(&view, np, BASIN_EVAL_EVAL);
    assert_int_equal(basin_hessian_spectrum(p, w, BASIN_FULL_BATCH, NULL, eval, NULL), 0);
    size_t iterations, products;
    basin_lanczos_opts o = {.k = 5, .seed = 2};
    assert_int_equal(basin_lanczos(p, w, BASIN_FULL_BATCH, &o, top, NULL, &iterations), 0);
    double worst = 0;
    for (size_t i = 0; i < 5; i++)
        worst = fmax(worst, fabs(top[i] - eval[n - 5 + i]) / fabs(eval[n - 1]));
    assert_int_equal(basin_power_iteration(p, w, BASIN_FULL_BATCH, 2, 100, 1e-3, 3, power, &products), 0);
    print_message("    %zu parameters: λmax %.6g; Lanczos top-5 within %.1e after %zu products; power iteration "
                  "%.6g after %zu\n", n, eval[n - 1], worst, iterations, power[0], products);
    assert_true(worst < 1e-8);
    assert_true(fabs(power[0] - eval[n - 1]) < 1e-2 * fabs(eval[n - 1]));
    free(w), free(eval);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(d);
}

/* The report with its work shared among ranks (threads here, MPI processes for basin analyze --backend
 * mpi): the dense Hessian's columns, Hutchinson's probes and SLQ's runs dealt to 2 and 3 ranks, each on
 * its own copy of the network, give every eigenvalue, the trace and the density of one process, bit for
 * bit, on every rank. */
typedef struct shared_rank {
    basin_net_problem *np;
    const double *w;
    basin_curvature_report report;
} shared_rank;

static const basin_report_opts SHARED_OPTS = {.eigs = BASIN_EIGS_ALL, .trace = true, .density = true, .seed = 4};

static int shared_report(basin_comm *c, void *ctx)
{
    shared_rank *r = ctx;
    basin_share share = basin_comm_share(c);
    basin_report_opts o = SHARED_OPTS;
    o.share = &share;
    basin_net_view view;
    return basin_curvature_report_compute(basin_net_view_init(&view, r->np, BASIN_EVAL_EVAL), r->w, &o, &r->report);
}

static void test_shared_report(void **state)
{
    (void)state;
    basin_dataset *d = support_dataset("moons:n=200", 0);
    basin_net_problem *np = support_net_problem("mlp:hidden=12/12,act=tanh", d, 0);
    size_t n = np->base.dim;
    double *w = malloc(n * sizeof *w);
    support_init("default", np->net.model, w, 1);
    basin_net_view view;
    basin_curvature_report whole;
    basin_report_opts o = SHARED_OPTS;
    assert_int_equal(basin_curvature_report_compute(basin_net_view_init(&view, np, BASIN_EVAL_EVAL), w, &o, &whole), 0);
    for (int k = 2; k <= 3; k++) {
        shared_rank ranks[3];
        void *ctx[3];
        basin_comm comms[3];
        for (int r = 0; r < k; r++) {
            ranks[r] = (shared_rank){.np = basin_net_problem_clone(np, 1), .w = w};
            assert_non_null(ranks[r].np);
            ctx[r] = &ranks[r];
        }
        assert_int_equal(basin_comm_threads_run(k, shared_report, ctx, comms), 0);
        for (int r = 0; r < k; r++) {
            const basin_curvature_report *got = &ranks[r].report;
            assert_memory_equal(got->eigs, whole.eigs, n * sizeof *got->eigs);
            assert_memory_equal(got->density, whole.density, whole.n_density * sizeof *got->density);
            assert_memory_equal(&got->trace, &whole.trace, sizeof got->trace);
            assert_memory_equal(&got->trace_stderr, &whole.trace_stderr, sizeof got->trace_stderr);
            basin_curvature_report_free(&ranks[r].report);
            basin_problem_destroy(&ranks[r].np->base);
            basin_comm_release(&comms[r]);
        }
    }
    print_message("    %zu parameters: eigenvalues, trace %.6g and density on 2 and 3 ranks are one process's\n", n,
                  whole.trace);
    basin_curvature_report_free(&whole);
    free(w);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(d);
}

/* SAM's sharpness on f = ½ Σ λ_i x_i² (no rotation) is f(x + ρ g/‖g‖) − f(x) in closed form; Keskar's
 * ε-sharpness at the minimum is 100 · ½ Σ λ_i ε², reached at a corner of the box. */
static void test_sharpness(void **state)
{
    (void)state;
    basin_problem *p = support_problem("quadratic:eig=1/4/9,rotate=false");
    double x[3] = {1, -1, 0.5}, lam[3] = {1, 4, 9}, g[3], gn = 0, rho = 0.05;
    for (int i = 0; i < 3; i++)
        g[i] = lam[i] * x[i], gn += g[i] * g[i];
    gn = sqrt(gn);
    double expected = 0;
    for (int i = 0; i < 3; i++) {
        double y = x[i] + rho * g[i] / gn;
        expected += 0.5 * lam[i] * (y * y - x[i] * x[i]);
    }
    assert_close(basin_sam_sharpness(p, x, BASIN_FULL_BATCH, rho), expected, 1e-14);
    double zero[3] = {0, 0, 0}, eps = 1e-2;
    /* The gradient vanishes at the minimum, so the ascent needs a random start to leave it. */
    basin_sharpness_opts so = {.epsilon = eps, .starts = 3, .max_iterations = 100, .seed = 1};
    basin_sharpness_result res;
    assert_int_equal(basin_epsilon_sharpness(p, zero, BASIN_FULL_BATCH, &so, &res), 0);
    assert_close(res.value, 100 * 0.5 * 14 * eps * eps, 1e-12);
    assert_int_equal(res.starts, 3);
    assert_true(res.best_start > 0);
    basin_problem_destroy(p);
}

/* ε-sharpness of a trained 337-parameter tanh MLP against scipy's L-BFGS-B (the solver Keskar et al. used)
 * from the same start y = 0, within 1%; more starts only find as much or more. */
static void test_epsilon_sharpness_against_scipy(void **state)
{
    (void)state;
    size_t n_points = GOLDEN_SHARPNESS_POINTS;
    basin_examples ex;
    basin_dataset *d = basin_dataset_alloc("golden", n_points, 2, 1, 1, 2, 0, &ex);
    assert_non_null(d);
    memcpy(ex.x, sharp_x, 2 * n_points * sizeof *ex.x);
    memcpy(ex.label, sharp_labels, n_points * sizeof *ex.label);
    d->train.x = malloc(2 * n_points * sizeof *d->train.x);
    memcpy(d->train.x, sharp_x, 2 * n_points * sizeof *d->train.x);
    basin_model *m = basin_model_create(sharp_layers, sizeof sharp_layers / sizeof *sharp_layers, 2, 1, 1);
    assert_non_null(m);
    assert_int_equal(m->n_params, 337);
    basin_net_problem *np = basin_net_problem_create((basin_net){m, BASIN_LOSS_BCE}, d, 1);
    for (size_t c = 0; c < GOLDEN_SHARPNESS_CASES; c++) {
        basin_sharpness_opts so = {.epsilon = sharp_epsilon[c], .starts = 1, .max_iterations = 15000, .seed = 1};
        basin_sharpness_result one, many;
        assert_int_equal(basin_epsilon_sharpness(&np->base, sharp_w, BASIN_FULL_BATCH, &so, &one), 0);
        so.starts = 4;
        assert_int_equal(basin_epsilon_sharpness(&np->base, sharp_w, BASIN_FULL_BATCH, &so, &many), 0);
        print_message("    ε = %g: %.4f from the point (%zu iterations), scipy %.4f; %.4f from 4 starts (%zu iterations)\n",
                      sharp_epsilon[c], one.value, one.iterations, sharp_value[c], many.value, many.iterations);
        assert_true(fabs(one.value - sharp_value[c]) <= 0.01 * sharp_value[c]);
        assert_true(many.value >= one.value);
    }
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(d);
}

/* What the Hessian's signs make of known points: Rosenbrock's minimum, the saddle surface's saddle,
 * Himmelblau's maximum, the monkey saddle's flat (zero) Hessian, a quadratic with a zero eigenvalue. */
static void test_point_shapes(void **state)
{
    (void)state;
    static const struct {
        const char *surface;
        double w[2];
        basin_point_shape shape;
    } cases[] = {
        {"rosenbrock", {1, 1}, BASIN_POINT_MINIMUM},
        {"saddle", {0, 0}, BASIN_POINT_SADDLE},
        {"himmelblau", {-0.270845, -0.923039}, BASIN_POINT_MAXIMUM},
        {"monkey-saddle", {0, 0}, BASIN_POINT_FLAT},
        {"quadratic:eig=0/4", {0.3, -0.2}, BASIN_POINT_FLAT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        basin_problem *p = support_problem(cases[i].surface);
        double eval[2];
        basin_point_shape shape;
        assert_int_equal(basin_point_curvature(p, cases[i].w, eval, NULL, &shape), 0);
        if (shape != cases[i].shape)
            fail_msg("%s: %s, expected %s (λ = %g, %g)", cases[i].surface, basin_point_shape_name(shape),
                     basin_point_shape_name(cases[i].shape), eval[0], eval[1]);
        basin_problem_destroy(p);
    }
}

/* A problem that counts the Hessian-vector products asked of it. */
typedef struct counted {
    basin_problem base;
    const basin_problem *p;
    long products;
} counted;

static double counted_eval(const basin_problem *bp, const double *w, basin_batch b, double *g)
{
    return basin_problem_eval_batch(((const counted *)bp)->p, w, b, g);
}

static void counted_hvp(const basin_problem *bp, const double *w, basin_batch b, const double *v, double *hv)
{
    counted *c = (counted *)bp;
    c->products++;
    basin_problem_hvp(c->p, w, b, v, hv);
}

static void counted_hessian(const basin_problem *bp, const double *w, basin_batch b, double *h)
{
    basin_problem_hessian(((const counted *)bp)->p, w, b, h);
}

static const basin_problem_ops counted_ops = {.eval = counted_eval, .hvp = counted_hvp, .hessian = counted_hessian};

/* The report computes what was asked: top:K alone runs one Lanczos (λmin unknown, no condition number);
 * with condition a second run finds λmin, the dense spectrum's smallest; bottom:K alone leaves λmax. */
static void test_report_computes_what_was_asked(void **state)
{
    (void)state;
    basin_dataset *d = support_dataset("moons:n=200", 0);
    basin_net_problem *np = support_net_problem("mlp:hidden=8,act=tanh", d, 0);
    double *w = malloc(np->base.dim * sizeof *w);
    support_init("default", np->net.model, w, 1);
    basin_net_view view;
    const basin_problem *p = basin_net_view_init(&view, np, BASIN_EVAL_EVAL);
    basin_curvature_report all, r;
    basin_report_opts o = {.eigs = BASIN_EIGS_ALL};
    assert_int_equal(basin_curvature_report_compute(p, w, &o, &all), 0);
    long products[2];
    for (int condition = 0; condition < 2; condition++) {
        counted c = {.base = *p, .p = p};
        c.base.ops = &counted_ops;
        o = (basin_report_opts){.eigs = BASIN_EIGS_TOP, .k = 3, .condition = condition};
        assert_int_equal(basin_curvature_report_compute(&c.base, w, &o, &r), 0);
        products[condition] = c.products;
        assert_close(r.lambda_max, all.lambda_max, 1e-9 * all.lambda_max);
        if (condition)
            assert_close(r.lambda_min, all.lambda_min, 1e-9 * fabs(all.lambda_min));
        else
            assert_true(isnan(r.lambda_min) && isnan(r.condition));
        basin_curvature_report_free(&r);
    }
    print_message("    top:3 took %ld Hessian-vector products, with the condition number %ld\n", products[0], products[1]);
    assert_true(products[0] < products[1]);
    o = (basin_report_opts){.eigs = BASIN_EIGS_BOTTOM, .k = 2};
    assert_int_equal(basin_curvature_report_compute(p, w, &o, &r), 0);
    assert_true(isnan(r.lambda_max));
    assert_close(r.lambda_min, all.lambda_min, 1e-9 * fabs(all.lambda_min));
    assert_true(r.indefinite == (all.lambda_min < 0));
    basin_curvature_report_free(&r);
    basin_curvature_report_free(&all);
    free(w);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(d);
}

/* Products at fixed weights share one forward pass (as a retained graph does) and give the bits of products
 * each computed from a fresh forward pass (on a clone, an evaluation before each), in eval and in
 * deterministic training mode, through BatchNorm, dropout (off there) and convolutions; moving the weights by
 * one ulp, or an evaluation in between, makes the next product start afresh. */
static void test_products_share_the_forward_pass(void **state)
{
    (void)state;
    static const struct {
        const char *model, *data;
    } cases[] = {{"mlp:hidden=8/8,norm=batch,dropout=0.2", "moons:n=100"}, {"cnn:channels=4,norm=batch", "digits"}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        basin_dataset *d = support_dataset(cases[c].data, 0);
        basin_net_problem *np = support_net_problem(cases[c].model, d, 0), *fresh = basin_net_problem_clone(np, 0);
        assert_non_null(fresh);
        size_t n = np->base.dim;
        double *w = malloc(n * sizeof *w), *v = malloc(3 * n * sizeof *v), *kept = malloc(n * sizeof *kept),
               *again = malloc(n * sizeof *again);
        support_init("default", np->net.model, w, 1);
        for (size_t i = 0; i < 3 * n; i++)
            v[i] = sin(0.37 * (double)i + 0.1 * (double)c);
        for (int mode = 0; mode < 2; mode++) {
            basin_eval_opts opts = mode ? BASIN_EVAL_TRAIN_FIXED : BASIN_EVAL_EVAL;
            basin_net_view a, b;
            const basin_problem *pa = basin_net_view_init(&a, np, opts), *pb = basin_net_view_init(&b, fresh, opts);
            for (int k = 0; k < 4; k++) {
                const double *vk = v + (size_t)(k % 3) * n;
                basin_problem_hvp(pa, w, BASIN_FULL_BATCH, vk, kept);
                basin_problem_eval(pb, w, NULL); /* another forward pass: nothing kept */
                basin_problem_hvp(pb, w, BASIN_FULL_BATCH, vk, again);
                assert_memory_equal(kept, again, n * sizeof *kept);
            }
            w[0] = nextafter(w[0], INFINITY); /* a new point: a new forward pass */
            basin_problem_hvp(pa, w, BASIN_FULL_BATCH, v, kept);
            basin_problem_eval(pb, w, NULL);
            basin_problem_hvp(pb, w, BASIN_FULL_BATCH, v, again);
            assert_memory_equal(kept, again, n * sizeof *kept);
            basin_problem_eval(pa, w, NULL); /* an evaluation between two products */
            basin_problem_hvp(pa, w, BASIN_FULL_BATCH, v + n, kept);
            basin_problem_hvp(pb, w, BASIN_FULL_BATCH, v + n, again);
            assert_memory_equal(kept, again, n * sizeof *kept);
        }
        free(w), free(v), free(kept), free(again);
        basin_problem_destroy(&fresh->base);
        basin_problem_destroy(&np->base);
        basin_dataset_destroy(d);
    }
}

/* The dense Hessian's eigenvalues decomposed in place (one n×n matrix) are those of the decomposition of a
 * copy, bit for bit, on both sides of the switch to LAPACK (32 rows). */
static void test_eigenvalues_in_place(void **state)
{
    (void)state;
    for (size_t n = 20; n <= 140; n += 120) {
        double *a = malloc(n * n * sizeof *a), *copy = malloc(n * n * sizeof *copy), *e1 = malloc(n * sizeof *e1),
               *e2 = malloc(n * sizeof *e2);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j <= i; j++)
                a[i * n + j] = a[j * n + i] = sin(1.3 * (double)(i * n + j)) + (i == j ? 2.0 : 0.0);
        memcpy(copy, a, n * n * sizeof *a);
        assert_int_equal(basin_symmetric_eigen(n, a, e1, NULL), 0);
        assert_int_equal(basin_symmetric_eigenvalues_inplace(n, copy, e2), 0);
        assert_memory_equal(e1, e2, n * sizeof *e1);
        double trace = 0, sum = 0;
        for (size_t i = 0; i < n; i++)
            trace += a[i * n + i], sum += e2[i];
        assert_close(sum, trace, 1e-10 * (double)n);
        free(a), free(copy), free(e1), free(e2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quadratic_spectra), cmocka_unit_test(test_rosenbrock),
        cmocka_unit_test(test_mlp_top_eigenvalues), cmocka_unit_test(test_lanczos_on_a_net),
        cmocka_unit_test(test_sharpness), cmocka_unit_test(test_epsilon_sharpness_against_scipy),
        cmocka_unit_test(test_point_shapes), cmocka_unit_test(test_shared_report),
        cmocka_unit_test(test_report_computes_what_was_asked),
        cmocka_unit_test(test_products_share_the_forward_pass),
        cmocka_unit_test(test_eigenvalues_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
