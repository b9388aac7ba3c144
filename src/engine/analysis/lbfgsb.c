/* lbfgsb.c: the reverse-communication loop around L-BFGS-B's setulb: it asks for f and g ("FG"), reports
 * an iteration ("NEW_X"), and ends with "CONVERGENCE", "ABNORMAL", "ERROR" or "WARNING". */
#include "lbfgsb.h"

#include "../error.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Fortran (gfortran): every argument by reference, LOGICAL as int, CHARACTER*60 lengths appended. */
void setulb_(const int *n, const int *m, double *x, const double *l, const double *u, const int *nbd, double *f,
             double *g, const double *factr, const double *pgtol, double *wa, int *iwa, char *task, const int *iprint,
             char *csave, int *lsave, int *isave, double *dsave, size_t task_len, size_t csave_len);

enum { TASK_LEN = 60 };

static void set_task(char *task, const char *text)
{
    memset(task, ' ', TASK_LEN);
    memcpy(task, text, strlen(text));
}

static bool task_is(const char *task, const char *prefix)
{
    return strncmp(task, prefix, strlen(prefix)) == 0;
}

int basin_lbfgsb_minimize(size_t n, double *x, const double *lower, const double *upper, basin_lbfgsb_fn fn,
                          void *ctx, const basin_lbfgsb_opts *opts, basin_lbfgsb_result *result)
{
    BASIN_ASSERT(n > 0 && n < INT_MAX / 4 && opts->memory > 0 && opts->memory < 1000);
    int nn = (int)n, m = (int)opts->memory, iprint = -1, lsave[4], isave[44];
    size_t wa_len = 2 * opts->memory * n + 5 * n + 11 * opts->memory * opts->memory + 8 * opts->memory;
    double *wa = malloc(wa_len * sizeof *wa), *g = malloc(n * sizeof *g), dsave[29], f = NAN;
    int *iwa = malloc(3 * n * sizeof *iwa), *nbd = malloc(n * sizeof *nbd);
    char task[TASK_LEN], csave[TASK_LEN];
    int rc = -1;
    *result = (basin_lbfgsb_result){.f = NAN};
    if (!wa || !g || !iwa || !nbd) {
        basin_error_set("out of memory for L-BFGS-B over %zu variables", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        nbd[i] = 2; /* both bounds */
    set_task(task, "START");
    for (;;) {
        setulb_(&nn, &m, x, lower, upper, nbd, &f, g, &opts->factr, &opts->pgtol, wa, iwa, task, &iprint, csave,
                lsave, isave, dsave, TASK_LEN, TASK_LEN);
        if (task_is(task, "FG")) {
            f = fn(ctx, x, g);
            result->evaluations++;
            if (!isfinite(f)) {
                basin_error_set("L-BFGS-B: the function is not finite at an evaluated point");
                goto done;
            }
        } else if (task_is(task, "NEW_X")) {
            result->iterations = (size_t)isave[29];
            if (result->iterations >= opts->max_iterations)
                set_task(task, "STOP: iterations");
        } else {
            break;
        }
    }
    result->iterations = (size_t)isave[29];
    result->f = f;
    size_t len = TASK_LEN;
    while (len > 0 && task[len - 1] == ' ')
        len--;
    snprintf(result->message, sizeof result->message, "%.*s", (int)len, task);
    if (task_is(task, "ERROR")) {
        basin_error_set("L-BFGS-B: %s", result->message);
        goto done;
    }
    rc = 0;
done:
    free(wa), free(g), free(iwa), free(nbd);
    return rc;
}
