/* support.h: helpers the tests share: building engine objects from spec strings, finite differences,
 * close-enough checks, a temporary folder. It links the engine only (support_cli.h runs the command). */
#ifndef BASIN_TEST_SUPPORT_H
#define BASIN_TEST_SUPPORT_H

#include "engine/nn/dataset.h"
#include "engine/nn/model.h"
#include "engine/nn/net_problem.h"
#include "engine/nn/train.h"
#include "engine/optim/optimizer.h"
#include "engine/problem.h"
#include "engine/run.h"
#include "engine/schedule.h"

#include <stdbool.h>
#include <stddef.h>

/* Each fails the current test (cmocka) with the parser's message if the spec is not valid. */
basin_problem *support_problem(const char *spec);
basin_optimizer *support_optimizer(const char *spec, size_t dim);
basin_schedule *support_schedule(const char *spec);

/* The data set of spec from seed; the net of model_spec on it as a problem (randomness from seed);
 * initialization of m's parameters w by init_spec from seed. Each fails the test on an error. */
basin_dataset *support_dataset(const char *spec, unsigned long seed);
basin_net_problem *support_net_problem(const char *model_spec, const basin_dataset *data, unsigned long seed);
void support_init(const char *init_spec, const basin_model *m, double *w, unsigned long seed);

/* A data set whose training split is exactly the n given examples of shape c×h×w (no test split, not
 * standardized): labels of n_classes classes, or n_targets targets per example when n_classes is 0. */
basin_dataset *support_fixed_dataset(size_t n, size_t c, size_t h, size_t w, const double *x, const int *labels,
                                     size_t n_classes, const double *targets, size_t n_targets);

/* A run of problem from start with opt_spec and schedule_spec (NULL: constant). */
basin_run *support_run(const basin_problem *problem, const char *opt_spec, const char *schedule_spec,
                       const double *start, unsigned long seed, size_t batch, long horizon);

/* Steps a trainer of np from w to the end, passing each row to log (which may stop it by returning
 * non-zero), then finishes into result. Returns 0, or -1 with a message. */
typedef int (*support_train_log)(void *ctx, const basin_train_row *row);
int support_train(basin_net_problem *np, double *w, basin_optimizer *opt, const basin_schedule *sched,
                  const basin_train_config *cfg, support_train_log log, void *ctx, basin_train_result *result);

/* Central-difference gradient of p's full loss at w into g, step h·max(1, |wᵢ|). */
void support_fd_gradient(const basin_problem *p, const double *w, double h, double *g);

/* Central differences of p's exact gradient: an n×n row-major Hessian into hess. */
void support_fd_hessian(const basin_problem *p, const double *w, double h, double *hess);

/* Fails the test unless |actual − expected| ≤ tol, in double precision (cmocka 1.1's
 * assert_float_equal converts to float, which would hide errors below 1e-7: never use it). */
#define assert_close(actual, expected, tol) \
    support_assert_close((actual), (expected), (tol), #actual, __FILE__, __LINE__)
void support_assert_close(double actual, double expected, double tol, const char *what, const char *file,
                          int line);

/* The whole of the file at path as a string (owned by the caller), or NULL when it cannot be read. */
char *support_slurp(const char *path);

/* Whether the files at a and b both read and hold the same bytes. */
bool support_same_bytes(const char *a, const char *b);

/* A fresh temporary folder for this test program (mkdtemp on prefix, e.g. "/tmp/basin-export"): its
 * path, and the path of name inside it (from a ring of 8 buffers). Removing it removes what it holds. */
int support_tmpdir_create(const char *prefix);
const char *support_tmpdir(void);
const char *support_tmp(const char *name);
int support_tmpdir_remove(void);

/* The number of '\n' in s. */
int support_count_lines(const char *s);

/* max over i of |a[i] − b[i]| / (1 + |b[i]|). */
double support_max_rel_diff(const double *a, const double *b, size_t n);
/* max |a − b| over max |b|: a vector's error relative to its scale (a gradient whose entries span decades). */
double support_max_scaled_diff(const double *a, const double *b, size_t n);

#endif
