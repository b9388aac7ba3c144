/* test_landscape.c: filter normalization (every filter of the direction as long as the weights'), PCA of a
 * trajectory (known directions and explained variance), least-squares projection, and a quadratic's 2-D
 * slice along its eigenvectors against the closed form f* + ½(λ1 a² + λ2 b²), on two threads. */
#include "support.h"

#include "engine/analysis/curvature.h"
#include "engine/analysis/landscape.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

static void test_filter_normalization(void **state)
{
    (void)state;
    const basin_layer_desc descs[] = {{.kind = BASIN_LAYER_CONV2D, .out = 4, .kernel = 3, .stride = 1, .padding = 1},
                                      {.kind = BASIN_LAYER_BATCHNORM},
                                      {.kind = BASIN_LAYER_FLATTEN},
                                      {.kind = BASIN_LAYER_LINEAR, .out = 5}};
    basin_model *m = basin_model_create(descs, 4, 2, 5, 5);
    size_t n = m->n_params;
    double *w = malloc(n * sizeof *w), *d = malloc(n * sizeof *d);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t i = 0; i < n; i++)
        w[i] = gsl_ran_gaussian(rng, 0.3), d[i] = gsl_ran_gaussian(rng, 1.0);
    basin_filter_normalize(m, w, d, false);
    for (size_t li = 0; li < m->n_layers; li++) {
        const basin_layer *l = &m->layers[li];
        if (l->d.kind == BASIN_LAYER_LINEAR || l->d.kind == BASIN_LAYER_CONV2D) {
            size_t per = l->n_weight / l->out_c;
            for (size_t o = 0; o < l->out_c; o++) {
                double dn = 0, wn = 0;
                for (size_t k = 0; k < per; k++)
                    dn += d[l->weight + o * per + k] * d[l->weight + o * per + k],
                        wn += w[l->weight + o * per + k] * w[l->weight + o * per + k];
                assert_close(sqrt(dn), sqrt(wn), 1e-12 * sqrt(wn));
            }
            for (size_t k = 0; k < l->n_bias; k++)
                assert_close(d[l->bias + k], 0, 0);
        } else if (l->d.kind == BASIN_LAYER_BATCHNORM) {
            for (size_t k = 0; k < 2 * l->n_weight; k++)
                assert_close(d[l->weight + k], 0, 0);
        }
    }
    /* keeping the others copies them from the weights, as Li et al.'s code does without biasbn */
    for (size_t i = 0; i < n; i++)
        d[i] = gsl_ran_gaussian(rng, 1.0);
    basin_filter_normalize(m, w, d, true);
    assert_close(d[m->layers[0].bias], w[m->layers[0].bias], 0);
    assert_close(d[m->layers[1].weight], w[m->layers[1].weight], 0);
    gsl_rng_free(rng);
    free(w), free(d);
    basin_model_destroy(m);
}

/* Points x_k = c + 3 sin θ_k·u + cos θ_k·v over whole periods (u ⊥ v unit, the two coordinates exactly
 * uncorrelated): PCA finds ±u then ±v, explaining 90% and 10% of the variance. */
static void test_pca_and_projection(void **state)
{
    (void)state;
    enum { T = 40, N = 7 };
    double u[N] = {0}, v[N] = {0}, traj[T * N], d1[N], d2[N], ratio[2];
    u[1] = 1, v[4] = 1;
    for (int t = 0; t < T; t++) {
        double theta = 2 * M_PI * t / T;
        for (int i = 0; i < N; i++)
            traj[t * N + i] = 0.5 * i + 3 * sin(theta) * u[i] + cos(theta) * v[i];
    }
    assert_int_equal(basin_trajectory_pca(traj, T, N, d1, d2, ratio), 0);
    assert_close(fabs(d1[1]), 1, 1e-12);
    assert_close(fabs(d2[4]), 1, 1e-12);
    assert_close(ratio[0], 0.9, 1e-12);
    assert_close(ratio[1], 0.1, 1e-12);
    /* the projection of a point of the plane recovers its coordinates, even along skewed directions */
    double origin[N], e1[N], e2[N], x[N], a, b;
    for (int i = 0; i < N; i++)
        origin[i] = i, e1[i] = 1 + i, e2[i] = i * i - 3, x[i] = origin[i] + 0.7 * e1[i] - 1.3 * e2[i];
    basin_project(origin, e1, e2, N, x, &a, &b);
    assert_close(a, 0.7, 1e-12);
    assert_close(b, -1.3, 1e-12);
}

static int quadratic_loss(void *ctx, const double *w, double a, double b, double *loss, double *accuracy)
{
    (void)a, (void)b;
    *loss = basin_problem_eval((const basin_problem *)ctx, w, NULL);
    *accuracy = NAN;
    return 0;
}

static void count_progress(void *ctx, size_t done, size_t total)
{
    assert_true(done <= total);
    *(size_t *)ctx = done;
}

static void test_quadratic_slice(void **state)
{
    (void)state;
    /* one problem per thread: a problem's evaluation may use scratch of its own */
    basin_problem *p = support_problem("quadratic:dim=6,kappa=50,spectrum=log,seed=2"),
                  *q = support_problem("quadratic:dim=6,kappa=50,spectrum=log,seed=2");
    size_t n = p->dim, G = 21;
    double *w = calloc(n, sizeof *w), *eval = malloc(n * sizeof *eval), *evec = malloc(n * n * sizeof *evec);
    double *minimum = malloc(n * sizeof *minimum), *d1 = malloc(n * sizeof *d1), *d2 = malloc(n * sizeof *d2);
    assert_int_equal(basin_hessian_spectrum(p, w, BASIN_FULL_BATCH, NULL, eval, evec), 0);
    /* the minimum: one Newton step from 0 (exact for a quadratic) */
    double *g = malloc(n * sizeof *g);
    basin_problem_eval(p, w, g);
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t k = 0; k < n; k++) /* −Σ_k v_k (v_k·g)/λ_k */
            for (size_t j = 0; j < n; j++)
                s += evec[i * n + k] * evec[j * n + k] * g[j] / eval[k];
        minimum[i] = -s;
    }
    double f_min = basin_problem_eval(p, minimum, NULL);
    for (size_t i = 0; i < n; i++)
        d1[i] = evec[i * n + n - 1], d2[i] = evec[i * n + 0]; /* λmax and λmin directions */
    double *loss = malloc(G * G * sizeof *loss), *acc = malloc(G * G * sizeof *acc), range[2] = {-1, 1};
    void *ctx[2] = {p, q};
    size_t done = 0;
    basin_landscape_progress progress = {.report = count_progress, .ctx = &done};
    assert_int_equal(basin_landscape_grid(quadratic_loss, ctx, 2, minimum, d1, d2, n, G, range, loss, acc, &progress),
                     0);
    assert_true(done > 0 && done <= G * G); /* the last report is the calling thread's last point */
    double worst = 0;
    for (size_t r = 0; r < G; r++)
        for (size_t c = 0; c < G; c++) {
            double a = -1 + 2.0 * (double)c / (double)(G - 1), b = -1 + 2.0 * (double)r / (double)(G - 1);
            double want = f_min + 0.5 * (eval[n - 1] * a * a + eval[0] * b * b);
            worst = fmax(worst, fabs(loss[r * G + c] - want) / (1 + fabs(want)));
        }
    print_message("    21×21 slice along the eigenvectors: worst %.1e from the closed form\n", worst);
    assert_true(worst < 1e-12);
    free(w), free(eval), free(evec), free(minimum), free(d1), free(d2), free(g), free(loss), free(acc);
    basin_problem_destroy(p);
    basin_problem_destroy(q);
}

/* A network's plane evaluator (first layer precomputed) gives the loss and accuracy of a plain evaluation
 * at the same weights. */
static void test_net_plane(void **state)
{
    (void)state;
    basin_dataset *d = support_dataset("digits", 0);
    basin_net_problem *np = support_net_problem("mlp:hidden=32/16,norm=batch", d, 0);
    size_t n = np->base.dim;
    double *w = malloc(n * sizeof *w), *d1 = malloc(n * sizeof *d1), *d2 = malloc(n * sizeof *d2),
           *x = malloc(n * sizeof *x);
    support_init("default", np->net.model, w, 1);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t i = 0; i < n; i++)
        d1[i] = gsl_ran_gaussian(rng, 0.1), d2[i] = gsl_ran_gaussian(rng, 0.1);
    basin_net_plane plane;
    assert_int_equal(basin_net_plane_init(&plane, np, w, d1, d2), 0);
    assert_true(plane.affine_first);
    double coords[3][2] = {{0, 0}, {0.7, -0.3}, {-1, 1}};
    for (int k = 0; k < 3; k++) {
        double a = coords[k][0], b = coords[k][1], l1, a1, l2, a2;
        for (size_t i = 0; i < n; i++)
            x[i] = w[i] + a * d1[i] + b * d2[i];
        assert_int_equal(basin_net_plane_eval(&plane, x, a, b, &l1, &a1), 0);
        assert_int_equal(basin_net_evaluate(np, x, &d->train, &l2, &a2, NULL), 0);
        assert_close(l1, l2, 1e-12 * l2);
        assert_close(a1, a2, 0);
    }
    basin_net_plane_free(&plane);
    gsl_rng_free(rng);
    free(w), free(d1), free(d2), free(x);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(d);
}

/* The coarse-to-fine order visits every point once, the 8-stride ones first. */
static void test_order(void **state)
{
    (void)state;
    enum { G = 51 };
    size_t order[G * G];
    int seen[G * G] = {0};
    basin_landscape_order(G, true, order);
    for (size_t i = 0; i < G * G; i++)
        seen[order[i]]++;
    for (size_t i = 0; i < G * G; i++)
        assert_int_equal(seen[i], 1);
    assert_int_equal(order[0], 0);
    assert_int_equal(order[1], 8);
    assert_int_equal(order[7], 8 * G);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_normalization), cmocka_unit_test(test_pca_and_projection),
        cmocka_unit_test(test_quadratic_slice), cmocka_unit_test(test_order), cmocka_unit_test(test_net_plane),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
