/* support.c: spec-built engine objects and finite differences for the tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/nn/init.h"

#include "engine/error.h"
#include "engine/spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void parse_or_fail(basin_spec *spec, basin_kind kind, const char *text)
{
    if (basin_spec_parse(spec, kind, text) != 0)
        fail_msg("spec '%s' does not parse: %s", text, basin_error_message());
}

basin_problem *support_problem(const char *text)
{
    basin_spec spec;
    parse_or_fail(&spec, BASIN_KIND_SURFACE, text);
    basin_problem *p = basin_problem_create(spec.entry, &spec.params);
    if (!p)
        fail_msg("surface '%s' was not built: %s", text, basin_error_message());
    basin_spec_clear(&spec);
    return p;
}

basin_dataset *support_dataset(const char *text, unsigned long seed)
{
    basin_spec spec;
    parse_or_fail(&spec, BASIN_KIND_DATA, text);
    basin_dataset *d = basin_dataset_create(spec.entry, &spec.params, seed);
    if (!d)
        fail_msg("data set '%s' was not built: %s", text, basin_error_message());
    basin_spec_clear(&spec);
    return d;
}

basin_net_problem *support_net_problem(const char *text, const basin_dataset *data, unsigned long seed)
{
    basin_spec spec;
    basin_net net;
    parse_or_fail(&spec, BASIN_KIND_MODEL, text);
    if (basin_net_create(spec.entry, &spec.params, data, &net) != 0)
        fail_msg("model '%s' was not built: %s", text, basin_error_message());
    basin_spec_clear(&spec);
    basin_net_problem *np = basin_net_problem_create(net, data, seed);
    if (!np)
        fail_msg("%s", basin_error_message());
    return np;
}

void support_init(const char *text, const basin_model *m, double *w, unsigned long seed)
{
    basin_spec spec;
    parse_or_fail(&spec, BASIN_KIND_INIT, text);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    if (basin_init_apply(spec.entry, &spec.params, m, w, rng) != 0)
        fail_msg("init '%s' failed: %s", text, basin_error_message());
    gsl_rng_free(rng);
    basin_spec_clear(&spec);
}

basin_dataset *support_fixed_dataset(size_t n, size_t c, size_t h, size_t w, const double *x, const int *labels,
                                     size_t n_classes, const double *targets, size_t n_targets)
{
    basin_examples ex;
    size_t f = c * h * w;
    basin_dataset *d = basin_dataset_alloc("fixed", n, c, h, w, n_classes, n_classes ? 0 : n_targets, &ex);
    if (!d || !(d->train.x = malloc(n * f * sizeof *d->train.x)))
        fail_msg("no memory for %zu examples", n);
    memcpy(ex.x, x, n * f * sizeof *ex.x);
    memcpy(d->train.x, x, n * f * sizeof *d->train.x);
    if (n_classes)
        memcpy(ex.label, labels, n * sizeof *ex.label);
    else
        memcpy(ex.target, targets, n * n_targets * sizeof *ex.target);
    return d;
}

basin_optimizer *support_optimizer(const char *text, size_t dim)
{
    basin_spec spec;
    parse_or_fail(&spec, BASIN_KIND_OPTIMIZER, text);
    basin_optimizer *o = basin_optimizer_create(spec.entry, &spec.params, dim);
    if (!o)
        fail_msg("optimizer '%s' was not built: %s", text, basin_error_message());
    basin_spec_clear(&spec);
    return o;
}

basin_schedule *support_schedule(const char *text)
{
    basin_spec spec;
    parse_or_fail(&spec, BASIN_KIND_SCHEDULE, text);
    basin_schedule *s = basin_schedule_create(spec.entry, &spec.params);
    if (!s)
        fail_msg("schedule '%s' was not built: %s", text, basin_error_message());
    basin_spec_clear(&spec);
    return s;
}

basin_run *support_run(const basin_problem *problem, const char *opt_spec, const char *schedule_spec,
                       const double *start, unsigned long seed, size_t batch, long horizon)
{
    basin_optimizer *opt = support_optimizer(opt_spec, problem->dim);
    basin_schedule *sched = schedule_spec ? support_schedule(schedule_spec) : NULL;
    basin_run *run = basin_run_create(problem, opt, sched, start, seed, batch, horizon);
    assert_non_null(run);
    return run;
}

int support_train(basin_net_problem *np, double *w, basin_optimizer *opt, const basin_schedule *sched,
                  const basin_train_config *cfg, support_train_log log, void *ctx, basin_train_result *result)
{
    basin_trainer *t = basin_trainer_create(np, w, opt, sched, cfg, basin_grad_source_local(np));
    if (!t)
        return -1;
    basin_train_row row;
    int rc;
    while ((rc = basin_trainer_step(t, &row)) == 1)
        if (log && log(ctx, &row) != 0) {
            rc = -1;
            break;
        }
    if (rc == 0)
        rc = basin_trainer_finish(t, result);
    basin_trainer_destroy(t);
    return rc;
}

void support_fd_gradient(const basin_problem *p, const double *w, double h, double *g)
{
    size_t n = p->dim;
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    memcpy(x, w, n * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        double step = h * fmax(1, fabs(w[i]));
        x[i] = w[i] + step;
        double up = basin_problem_eval(p, x, NULL);
        x[i] = w[i] - step;
        double down = basin_problem_eval(p, x, NULL);
        x[i] = w[i];
        g[i] = (up - down) / (2 * step);
    }
    free(x);
}

void support_fd_hessian(const basin_problem *p, const double *w, double h, double *hess)
{
    size_t n = p->dim;
    double *x = malloc(n * sizeof *x), *gu = malloc(n * sizeof *gu), *gd = malloc(n * sizeof *gd);
    assert_true(x && gu && gd);
    memcpy(x, w, n * sizeof *x);
    for (size_t j = 0; j < n; j++) {
        double step = h * fmax(1, fabs(w[j]));
        x[j] = w[j] + step;
        basin_problem_eval(p, x, gu);
        x[j] = w[j] - step;
        basin_problem_eval(p, x, gd);
        x[j] = w[j];
        for (size_t i = 0; i < n; i++)
            hess[i * n + j] = (gu[i] - gd[i]) / (2 * step);
    }
    free(x);
    free(gu);
    free(gd);
}

double support_max_rel_diff(const double *a, const double *b, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]) / (1 + fabs(b[i]));
        if (!(d <= worst)) /* NaN counts as the worst */
            worst = isnan(d) ? INFINITY : d;
    }
    return worst;
}

double support_max_scaled_diff(const double *a, const double *b, size_t n)
{
    double diff = 0, scale = 0;
    for (size_t i = 0; i < n; i++)
        diff = fmax(diff, fabs(a[i] - b[i])), scale = fmax(scale, fabs(b[i]));
    return diff / scale;
}

void support_assert_close(double actual, double expected, double tol, const char *what, const char *file,
                          int line)
{
    if (fabs(actual - expected) <= tol || actual == expected)
        return;
    print_error("%s is %.17g, expected %.17g within %.3g (off by %.3g)\n", what, actual, expected, tol,
                fabs(actual - expected));
    _fail(file, line);
}

static char tmpdir[256];

int support_tmpdir_create(const char *prefix)
{
    snprintf(tmpdir, sizeof tmpdir, "%s-XXXXXX", prefix);
    return mkdtemp(tmpdir) ? 0 : -1;
}

char *support_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (text && (fseek(f, 0, SEEK_SET) != 0 || fread(text, 1, (size_t)n, f) != (size_t)n)) {
        free(text);
        text = NULL;
    }
    if (text)
        text[n] = '\0';
    fclose(f);
    return text;
}

bool support_same_bytes(const char *a, const char *b)
{
    char *x = support_slurp(a), *y = support_slurp(b);
    struct stat sa, sb;
    bool same = x && y && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_size == sb.st_size &&
                memcmp(x, y, (size_t)sa.st_size) == 0;
    free(x), free(y);
    return same;
}

const char *support_tmpdir(void)
{
    return tmpdir;
}

const char *support_tmp(const char *name)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", tmpdir, name);
    return p;
}

int support_tmpdir_remove(void)
{
    char command[600];
    snprintf(command, sizeof command, "rm -rf '%s'", tmpdir);
    return system(command) == 0 ? 0 : -1;
}

int support_count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}
