/* training.c: training with a recorder on the trainer's log. */
#include "training.h"

#include "engine/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Examples the per-layer variances are measured on. */
#define VARIANCE_BATCH 256

void basin_training_free(basin_training *t)
{
    if (!t)
        return;
    basin_problem_destroy(t->np ? &t->np->base : NULL);
    free(t->epoch), free(t->train_loss), free(t->test_loss), free(t->test_acc);
    free(t->w), free(t->state), free(t->act_var), free(t->grad_var);
    free(t);
}

static bool grow(double **p, size_t n)
{
    double *q = realloc(*p, (n ? n : 1) * sizeof *q);
    if (q)
        *p = q;
    return q != NULL;
}

static int record(void *ctx, const basin_train_row *row)
{
    basin_training *t = ctx;
    if (isnan(row->test_loss))
        return 0;
    if (t->len == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        if (!grow(&t->epoch, cap) || !grow(&t->train_loss, cap) || !grow(&t->test_loss, cap) ||
            !grow(&t->test_acc, cap) || !grow(&t->w, cap * t->dim) || !grow(&t->state, cap * t->n_state) ||
            !grow(&t->act_var, cap * t->n_layers) || !grow(&t->grad_var, cap * t->n_layers)) {
            basin_error_set("out of memory recording the training");
            return -1;
        }
        t->cap = cap;
    }
    size_t k = t->len;
    t->epoch[k] = row->epoch, t->train_loss[k] = row->train_loss, t->test_loss[k] = row->test_loss;
    t->test_acc[k] = row->test_acc;
    memcpy(t->w + k * t->dim, row->w, t->dim * sizeof *t->w);
    memcpy(t->state + k * t->n_state, t->np->net.model->state, t->n_state * sizeof *t->state);
    if (basin_net_layer_variances(t->np, row->w, VARIANCE_BATCH, t->act_var + k * t->n_layers,
                                  t->grad_var + k * t->n_layers) != 0)
        for (size_t i = 0; i < t->n_layers; i++)
            t->act_var[k * t->n_layers + i] = t->grad_var[k * t->n_layers + i] = NAN;
    t->len++;
    return 0;
}

basin_training *basin_training_run(basin_net_problem *np, const double *w0, basin_optimizer *opt,
                                   const basin_schedule *sched, const basin_train_config *cfg)
{
    basin_training *t = calloc(1, sizeof *t);
    double *w = malloc((np->base.dim + 1) * sizeof *w);
    if (!t || !w) {
        free(t), free(w);
        basin_problem_destroy(&np->base);
        basin_error_set("out of memory");
        return NULL;
    }
    t->np = np;
    t->dim = np->base.dim;
    t->n_state = np->net.model->n_state;
    t->n_layers = np->net.model->n_layers;
    memcpy(w, w0, t->dim * sizeof *w);
    int rc = basin_train(np, w, opt, sched, cfg, record, t, &t->result);
    free(w);
    if (rc != 0) {
        basin_training_free(t);
        return NULL;
    }
    return t;
}

size_t basin_training_frame(const basin_training *t, size_t shown)
{
    if (!t || t->len == 0)
        return 0;
    return shown == 0 ? 0 : (shown < t->len ? shown : t->len) - 1;
}

const double *basin_training_predict(basin_training *t, size_t k, const double *x, size_t n)
{
    basin_model *m = t->np->net.model;
    memcpy(m->state, t->state + k * t->n_state, t->n_state * sizeof *t->state);
    return basin_model_forward(m, t->w + k * t->dim, x, n, (basin_forward_opts){BASIN_MODE_EVAL, false, NULL, true});
}
