/* run.c: stepping a run and recording its trace. */
#include "run.h"

#include "error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Grows *p to n doubles, keeping it on failure. Returns whether it grew. */
static bool grow(double **p, size_t n)
{
    double *q = realloc(*p, n * sizeof *q);
    if (q)
        *p = q;
    return q != NULL;
}

static int trace_reserve(basin_trace *tr, size_t rows)
{
    if (rows <= tr->cap)
        return 0;
    size_t cap = tr->cap ? tr->cap : 64;
    while (cap < rows)
        cap *= 2;
    double **columns[] = {&tr->loss, &tr->grad_norm, &tr->lr, &tr->staleness, &tr->sim_time};
    bool ok = true; /* every array tries (grow keeps what it cannot enlarge) */
    for (size_t i = 0; i < sizeof columns / sizeof *columns; i++)
        ok = grow(columns[i], cap) && ok;
    ok = grow(&tr->w, cap * tr->dim) && ok;
    if (tr->coord_step)
        ok = grow(&tr->coord_step, cap * tr->dim) && ok;
    if (tr->average) {
        ok = grow(&tr->average, cap * tr->dim) && ok;
        ok = grow(&tr->average_loss, cap) && ok;
    }
    if (!ok)
        return -1;
    tr->cap = cap;
    return 0;
}

static void trace_free(basin_trace *tr)
{
    free(tr->loss);
    free(tr->grad_norm);
    free(tr->lr);
    free(tr->staleness);
    free(tr->sim_time);
    free(tr->w);
    free(tr->coord_step);
    free(tr->average);
    free(tr->average_loss);
}

double basin_run_lr(const basin_run *r, long t)
{
    double lr = r->opt->lr * basin_schedule_factor(r->schedule, t, r->opt->lr, r->horizon);
    return r->async ? lr * basin_async_lr_factor(r->async, t) : lr;
}

static bool all_finite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return false;
    return true;
}

static void stop(basin_run *r, const char *reason)
{
    r->diverged_at = r->t;
    free(r->stop_reason);
    r->stop_reason = strdup(reason);
}

/* Evaluates the full loss and gradient at r->w and appends row r->t; false (and stopped) if the point
 * diverged or the trace could not grow. */
static bool record(basin_run *r)
{
    size_t n = r->problem->dim;
    double loss = basin_problem_eval(r->problem, r->w, r->g_full);
    if (!isfinite(loss) || fabs(loss) > BASIN_DIVERGENCE_LOSS || !all_finite(r->w, n)) {
        stop(r, "diverged");
        return false;
    }
    basin_trace *tr = &r->trace;
    if (trace_reserve(tr, tr->len + 1) != 0) {
        stop(r, "out of memory for the trace");
        return false;
    }
    double norm2 = 0;
    for (size_t i = 0; i < n; i++)
        norm2 += r->g_full[i] * r->g_full[i];
    tr->loss[tr->len] = loss;
    tr->grad_norm[tr->len] = sqrt(norm2);
    tr->lr[tr->len] = basin_run_lr(r, r->t);
    tr->staleness[tr->len] = r->step_staleness;
    tr->sim_time[tr->len] = r->step_time;
    memcpy(tr->w + tr->len * n, r->w, n * sizeof *r->w);
    if (tr->coord_step && (r->t == 0 || !basin_optimizer_coordinate_steps(r->opt, basin_run_lr(r, r->t - 1),
                                                                         tr->coord_step + tr->len * n)))
        for (size_t i = 0; i < n; i++)
            tr->coord_step[tr->len * n + i] = NAN;
    if (tr->average) {
        const double *average = r->t == 0 ? r->w : basin_optimizer_average(r->opt);
        memcpy(tr->average + tr->len * n, average, n * sizeof *average);
        tr->average_loss[tr->len] = r->t == 0 ? loss : basin_problem_eval(r->problem, average, NULL);
    }
    tr->len++;
    return true;
}

size_t basin_trace_average_parts(const basin_trace *tr, size_t len)
{
    if (!tr->average)
        return len;
    size_t t = 0;
    while (t < len && memcmp(tr->average + t * tr->dim, tr->w + t * tr->dim, tr->dim * sizeof *tr->w) == 0)
        t++;
    return t;
}

basin_run *basin_run_create(const basin_problem *problem, basin_optimizer *opt, basin_schedule *schedule,
                            const double *start, unsigned long seed, size_t batch_size, long horizon)
{
    size_t n = problem->dim;
    BASIN_ASSERT(opt->dim == n);
    basin_run *r = calloc(1, sizeof *r);
    if (!r) {
        basin_optimizer_destroy(opt);
        basin_schedule_destroy(schedule);
        basin_error_set("out of memory for a run");
        return NULL;
    }
    r->problem = problem;
    r->opt = opt;
    r->schedule = schedule;
    r->horizon = horizon;
    r->batch_size = batch_size;
    r->diverged_at = -1;
    r->trace.dim = n;
    r->rng = gsl_rng_alloc(gsl_rng_mt19937);
    r->w = malloc(n * sizeof *r->w);
    r->g = malloc(n * sizeof *r->g);
    r->g_full = malloc(n * sizeof *r->g_full);
    r->idx = malloc((batch_size ? batch_size : 1) * sizeof *r->idx);
    bool averaged = basin_optimizer_average(opt) != NULL; /* columns of their own, grown with the others */
    if (averaged) {
        r->trace.average = malloc(n * sizeof *r->trace.average);
        r->trace.average_loss = malloc(sizeof *r->trace.average_loss);
    }
    if (!r->rng || !r->w || !r->g || !r->g_full || !r->idx ||
        (averaged && (!r->trace.average || !r->trace.average_loss))) {
        basin_run_destroy(r);
        basin_error_set("out of memory for a run of %zu parameters", n);
        return NULL;
    }
    gsl_rng_set(r->rng, seed);
    memcpy(r->w, start, n * sizeof *start);
    record(r); /* a start that already diverges leaves an empty trace and a stopped run */
    return r;
}

void basin_run_destroy(basin_run *r)
{
    if (!r)
        return;
    basin_optimizer_destroy(r->opt);
    basin_schedule_destroy(r->schedule);
    gsl_rng_free(r->rng);
    free(r->w);
    free(r->g);
    free(r->g_full);
    free(r->idx);
    free(r->stop_reason);
    basin_async_destroy(r->async);
    trace_free(&r->trace);
    free(r);
}

bool basin_run_step(basin_run *r)
{
    if (r->diverged_at >= 0)
        return false;
    const basin_problem *p = r->problem;
    basin_batch batch = basin_problem_sample_batch(p, r->batch_size, r->rng, r->idx);
    const double *g = r->g_full; /* the full gradient at w was computed when the row was recorded */
    double lr = basin_run_lr(r, r->t); /* before the read moves the workers on */
    long read = r->async ? basin_async_read(r->async, r->t) : r->t;
    if (read < 0) {
        stop(r, basin_error_message());
        return false;
    }
    const double *at = read < r->t ? r->trace.w + (size_t)read * p->dim : r->w; /* a stale worker's point */
    r->staleness_sum += (double)(r->t - read);
    r->step_staleness = (double)(r->t - read);
    r->step_time = r->async ? basin_async_now(r->async) : (double)(r->t + 1);
    if (batch.idx || p->grad_noise > 0 || at != r->w) {
        if (batch.idx)
            basin_problem_eval_batch(p, at, batch, r->g);
        else if (at != r->w)
            basin_problem_eval(p, at, r->g);
        else
            memcpy(r->g, r->g_full, p->dim * sizeof *r->g);
        basin_problem_add_noise(p, r->rng, r->g);
        g = r->g;
    }
    int status = basin_optimizer_step(r->opt, r->w, g, lr, p, batch);
    r->t++;
    if (status != 0) {
        stop(r, basin_error_message());
        return false;
    }
    return record(r);
}

int basin_run_record_coordinate_steps(basin_run *r)
{
    basin_trace *tr = &r->trace;
    if (tr->coord_step)
        return 0;
    size_t n = tr->dim, rows = tr->cap ? tr->cap : 1;
    tr->coord_step = malloc(rows * n * sizeof *tr->coord_step);
    if (!tr->coord_step) {
        basin_error_set("out of memory for the coordinates' step sizes");
        return -1;
    }
    for (size_t i = 0; i < rows * n; i++)
        tr->coord_step[i] = NAN; /* the rows already recorded came before it was asked */
    return 0;
}

void basin_run_set_async(basin_run *r, basin_async *a)
{
    basin_async_destroy(r->async);
    r->async = a;
}

long basin_run_steps(basin_run *r, long n)
{
    long taken = 0;
    while (taken < n && basin_run_step(r))
        taken++;
    return taken;
}
