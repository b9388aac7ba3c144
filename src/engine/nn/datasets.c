/* datasets.c: the generated data sets: two-dimensional classification toys of the lecture (spirals,
 * moons, circles, xor), Gaussian blobs in any dimension, and the badly scaled regression. */
#include "datasets.h"

#include "../error.h"
#include "../problem/linreg.h"
#include "dataset.h"

#include <gsl/gsl_randist.h>
#include <math.h>

#define KEY_N(def) BASIN_INT("n", def, 2, 1e7, "number of examples")
#define KEY_NOISE(def, what) BASIN_REAL("noise", def, 0, BASIN_INF, what)

static basin_dataset *spirals_create(const basin_entry *e, const basin_params *p, gsl_rng *rng)
{
    size_t n = (size_t)basin_params_real(p, "n"), arms = (size_t)basin_params_real(p, "arms");
    double turns = basin_params_real(p, "turns"), noise = basin_params_real(p, "noise");
    basin_examples ex;
    basin_dataset *d = basin_dataset_alloc(e->name, n, 2, 1, 1, arms, 0, &ex);
    for (size_t i = 0; d && i < n; i++) {
        size_t arm = i % arms;
        double t = gsl_rng_uniform(rng);
        double r = 0.15 + 0.85 * t, angle = 2 * M_PI * (turns * t + (double)arm / (double)arms);
        ex.x[2 * i] = r * cos(angle) + gsl_ran_gaussian(rng, noise);
        ex.x[2 * i + 1] = r * sin(angle) + gsl_ran_gaussian(rng, noise);
        ex.label[i] = (int)arm;
    }
    return d;
}

static basin_dataset *moons_create(const basin_entry *e, const basin_params *p, gsl_rng *rng)
{
    size_t n = (size_t)basin_params_real(p, "n"), n_outer = n / 2, n_inner = n - n_outer;
    double noise = basin_params_real(p, "noise");
    basin_examples ex;
    basin_dataset *d = basin_dataset_alloc(e->name, n, 2, 1, 1, 2, 0, &ex);
    for (size_t i = 0; d && i < n; i++) {
        bool outer = i < n_outer;
        size_t k = outer ? i : i - n_outer, m = outer ? n_outer : n_inner;
        double t = m > 1 ? M_PI * (double)k / (double)(m - 1) : 0;
        ex.x[2 * i] = (outer ? cos(t) : 1 - cos(t)) + gsl_ran_gaussian(rng, noise);
        ex.x[2 * i + 1] = (outer ? sin(t) : 0.5 - sin(t)) + gsl_ran_gaussian(rng, noise);
        ex.label[i] = outer ? 0 : 1;
    }
    return d;
}

static basin_dataset *circles_create(const basin_entry *e, const basin_params *p, gsl_rng *rng)
{
    size_t n = (size_t)basin_params_real(p, "n"), n_outer = n / 2, n_inner = n - n_outer;
    double noise = basin_params_real(p, "noise"), factor = basin_params_real(p, "factor");
    basin_examples ex;
    basin_dataset *d = basin_dataset_alloc(e->name, n, 2, 1, 1, 2, 0, &ex);
    for (size_t i = 0; d && i < n; i++) {
        bool outer = i < n_outer;
        size_t k = outer ? i : i - n_outer, m = outer ? n_outer : n_inner;
        double t = 2 * M_PI * (double)k / (double)m, r = outer ? 1.0 : factor;
        ex.x[2 * i] = r * cos(t) + gsl_ran_gaussian(rng, noise);
        ex.x[2 * i + 1] = r * sin(t) + gsl_ran_gaussian(rng, noise);
        ex.label[i] = outer ? 0 : 1;
    }
    return d;
}

static basin_dataset *blobs_create(const basin_entry *e, const basin_params *p, gsl_rng *rng)
{
    size_t n = (size_t)basin_params_real(p, "n"), k = (size_t)basin_params_real(p, "centers"),
           dim = (size_t)basin_params_real(p, "dim");
    double sd = basin_params_real(p, "std");
    double centers[64 * 64];
    for (size_t c = 0; c < k * dim; c++)
        centers[c] = gsl_ran_flat(rng, -10, 10);
    basin_examples ex;
    basin_dataset *d = basin_dataset_alloc(e->name, n, dim, 1, 1, k, 0, &ex);
    for (size_t i = 0; d && i < n; i++) {
        size_t c = i % k;
        for (size_t j = 0; j < dim; j++)
            ex.x[i * dim + j] = centers[c * dim + j] + gsl_ran_gaussian(rng, sd);
        ex.label[i] = (int)c;
    }
    return d;
}

static basin_dataset *xor_create(const basin_entry *e, const basin_params *p, gsl_rng *rng)
{
    size_t n = (size_t)basin_params_real(p, "n");
    double noise = basin_params_real(p, "noise");
    basin_examples ex;
    basin_dataset *d = basin_dataset_alloc(e->name, n, 2, 1, 1, 2, 0, &ex);
    for (size_t i = 0; d && i < n; i++) {
        double a = gsl_ran_flat(rng, -1, 1), b = gsl_ran_flat(rng, -1, 1);
        ex.label[i] = (a > 0) != (b > 0);
        ex.x[2 * i] = a + gsl_ran_gaussian(rng, noise);
        ex.x[2 * i + 1] = b + gsl_ran_gaussian(rng, noise);
    }
    return d;
}

static basin_dataset *linreg_data_create(const basin_entry *e, const basin_params *p, gsl_rng *rng)
{
    size_t n = (size_t)basin_params_real(p, "n");
    double scale[2] = {basin_params_real(p, "scale1"), basin_params_real(p, "scale2")};
    basin_examples ex;
    basin_dataset *d = basin_dataset_alloc(e->name, n, 2, 1, 1, 0, 1, &ex);
    if (d)
        basin_linreg_generate(n, scale, basin_params_real(p, "label_noise"), rng, ex.x, ex.target);
    return d;
}

static const basin_param_spec spirals_specs[] = {
    KEY_N("1000"),
    BASIN_INT("arms", "2", 2, 16, "number of arms (classes)"),
    BASIN_REAL("turns", "1", 0, 10, "turns of each arm from radius 0.15 to 1"),
    KEY_NOISE("0.02", "std. dev. of Gaussian noise on each coordinate"),
    BASIN_DATASET_PARAMS,
    BASIN_PARAMS_END};
static const basin_param_spec moons_specs[] = {
    KEY_N("500"), KEY_NOISE("0.1", "std. dev. of Gaussian noise on each coordinate"), BASIN_DATASET_PARAMS,
    BASIN_PARAMS_END};
static const basin_param_spec circles_specs[] = {
    KEY_N("500"), KEY_NOISE("0.05", "std. dev. of Gaussian noise on each coordinate"),
    BASIN_REAL_BELOW("factor", "0.5", 0, 1, "radius of the inner circle (the outer is 1)"), BASIN_DATASET_PARAMS,
    BASIN_PARAMS_END};
static const basin_param_spec blobs_specs[] = {
    KEY_N("300"),
    BASIN_INT("centers", "3", 2, 64, "number of blobs (classes), centres uniform in [-10, 10]^dim"),
    BASIN_REAL("std", "1", 0, BASIN_INF, "std. dev. of each blob"),
    BASIN_INT("dim", "2", 1, 64, "input dimension"),
    BASIN_DATASET_PARAMS,
    BASIN_PARAMS_END};
static const basin_param_spec xor_specs[] = {
    KEY_N("400"), KEY_NOISE("0.05", "std. dev. of Gaussian noise added after labelling"), BASIN_DATASET_PARAMS,
    BASIN_PARAMS_END};
static const basin_param_spec linreg_specs[] = {
    KEY_N("200"),
    BASIN_REAL("scale1", "1e5", 1e-300, BASIN_INF, "scale of feature 1 (a platelet count, ~1e5)"),
    BASIN_REAL("scale2", "1", 1e-300, BASIN_INF, "scale of feature 2 (a height in metres, ~1)"),
    BASIN_REAL("label_noise", "0.1", 0, BASIN_INF, "std. dev. of the noise in the targets"),
    BASIN_DATASET_PARAMS,
    BASIN_PARAMS_END};

const basin_entry basin_data_spirals = {BASIN_KIND_DATA, "spirals", "interleaved spiral arms in the plane",
                                        spirals_specs, NULL, {.data = spirals_create}};
const basin_entry basin_data_moons = {BASIN_KIND_DATA, "moons", "two interleaving half circles (as sklearn)",
                                      moons_specs, NULL, {.data = moons_create}};
const basin_entry basin_data_circles = {BASIN_KIND_DATA, "circles", "a circle inside a circle (as sklearn)",
                                        circles_specs, NULL, {.data = circles_create}};
const basin_entry basin_data_blobs = {BASIN_KIND_DATA, "blobs", "isotropic Gaussian blobs (as sklearn)",
                                      blobs_specs, NULL, {.data = blobs_create}};
const basin_entry basin_data_xor = {BASIN_KIND_DATA, "xor", "the four quadrants, opposite ones alike",
                                    xor_specs, NULL, {.data = xor_create}};
const basin_entry basin_data_linreg = {BASIN_KIND_DATA, "linreg",
                                       "regression on two features of scale 1e5 and 1 (the first slice's)",
                                       linreg_specs, NULL, {.data = linreg_data_create}};
