/* train.c: the training loop and what wraps it (evaluation, early stopping, SWA, snapshots). */
#include "train.h"

#include "../analysis/curvature.h"
#include "../budget.h"
#include "../error.h"
#include "batch_stream.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const basin_param_spec basin_train_specs[] = {
    BASIN_INT("epochs", "20", 0, 1e9, "passes over the training split (unless steps is given)"),
    BASIN_INT("steps", "", 0, 1e12, "optimizer steps in all, instead of epochs"),
    BASIN_INT("batch", "64", 0, 1e9, "examples per minibatch (0: the whole training split)"),
    BASIN_INT("seed", "0", 0, 4294967295.0, "seed of the initialization, shuffling, dropout and augmentation"),
    BASIN_INT("eval_every", "0", 0, 1e12, "evaluate every this many steps (0: at each epoch's end)"),
    BASIN_INT("early_stop", "0", 0, 1e9, "stop after this many evaluations without a lower test loss (0: off)"),
    BASIN_INT("swa", "0", 0, 1e9, "average the weights at each epoch's end from this epoch on (0: off)"),
    BASIN_INT("snapshots", "0", 0, 1e6, "cosine cycles with restarts, the snapshots' predictions averaged (0: off)"),
    BASIN_INT("track_sharpness", "0", 0, 1e12, "λmax of the full-batch Hessian every this many steps (0: off)"),
    BASIN_REAL("l1", "0", 0, BASIN_INF, "λ of the penalty λ·Σ|w| over Linear and Conv2d weights"),
    BASIN_PARAMS_END};

basin_train_settings basin_train_settings_defaults(void)
{
    return (basin_train_settings){.epochs = 20, .steps = -1, .batch = 64};
}

int basin_train_settings_set(basin_train_settings *s, const char *key, const char *name, const char *text)
{
    int i = basin_param_find(basin_train_specs, key);
    BASIN_ASSERT(i >= 0);
    const basin_param_spec *spec = &basin_train_specs[i];
    bool whole = spec->type == BASIN_PARAM_INT;
    char *end;
    double x = strtod(text, &end);
    if (end == text || *end || !isfinite(x) || x < spec->min || x > spec->max || (whole && x != floor(x))) {
        basin_error_set("%s%s'%s' is not a %s from %.10g to %.10g", name, *name ? " " : "", text,
                        whole ? "whole number" : "number", spec->min, spec->max);
        return -1;
    }
    long n = (long)x;
    if (strcmp(key, "l1") == 0)
        s->l1 = x;
    else if (strcmp(key, "epochs") == 0)
        s->epochs = n;
    else if (strcmp(key, "steps") == 0)
        s->steps = n;
    else if (strcmp(key, "batch") == 0)
        s->batch = n;
    else if (strcmp(key, "seed") == 0)
        s->seed = (unsigned long)x;
    else if (strcmp(key, "eval_every") == 0)
        s->eval_every = n;
    else if (strcmp(key, "early_stop") == 0)
        s->early_stop = n;
    else if (strcmp(key, "swa") == 0)
        s->swa = n;
    else if (strcmp(key, "snapshots") == 0)
        s->snapshots = n;
    else
        s->track_sharpness = n;
    return 0;
}

basin_train_config basin_train_settings_config(const basin_train_settings *s)
{
    return (basin_train_config){.epochs = s->epochs, .steps = s->steps, .batch = (size_t)s->batch,
                                .seed = basin_train_seed(s->seed, BASIN_STREAM_SHUFFLE), .eval_every = s->eval_every,
                                .early_stop = s->early_stop, .swa_start = s->swa, .snapshots = s->snapshots,
                                .track_sharpness = s->track_sharpness};
}

unsigned long basin_train_seed(unsigned long seed, basin_stream stream)
{
    return seed * 4 + (unsigned long)stream;
}

long basin_train_steps_per_epoch(size_t n, size_t B)
{
    return B == 0 || B >= n ? 1 : (long)((n + B - 1) / B);
}

int basin_train_check(const basin_net_problem *np, const basin_train_config *cfg)
{
    size_t n = np->data->train.n, B = cfg->batch == 0 || cfg->batch > n ? n : cfg->batch;
    if (basin_net_has_flat_batchnorm(&np->net) && (B == 1 || n % B == 1)) {
        basin_error_set("batchnorm cannot train on a batch of one example (%s); choose another batch size",
                        B == 1 ? "batch 1" : "the last batch of each epoch holds 1");
        return -1;
    }
    /* the first evaluation takes a split in chunks of up to 4,096 examples (basin_net_eval) */
    size_t split = n > np->data->test.n ? n : np->data->test.n;
    size_t widest = split < 4096 ? split : 4096;
    widest = B > widest ? B : widest;
    if (basin_budget_check(basin_model_batch_bytes(np->net.model, widest), "batches of %zu examples through the model",
                           widest) != 0)
        return -1;
    return 0;
}

/* What PyTorch's training step (and update_bn) runs: training mode, the running statistics moved, dropout
 * and augmentation on. */
#define TRAINING_STEP ((basin_eval_opts){.mode = BASIN_MODE_TRAIN, .update_stats = true, .dropout = true, .augment = true})

typedef struct basin_trainer {
    basin_net_problem *np;
    double *w;
    basin_optimizer *opt;
    const basin_schedule *sched;
    basin_train_config config;
    const basin_train_config *cfg; /* &config */
    basin_grad_source source;
    basin_train_result result;
    basin_train_result *res;       /* &result */
    long step;                     /* steps taken */
    bool started, ended;
    /* early stopping looks at an evaluated row once its caller has seen it (it may restore the weights) */
    bool check_pending;
    basin_train_row last;
    size_t n, B;
    long per_epoch, total;
    basin_batch_stream stream; /* the minibatches */
    double *g;
    /* early stopping */
    double best_loss;
    long since_best;
    double *best_w, *best_state;
    /* SWA */
    double *swa_w;
    size_t *bn_order;  /* scratch for recomputing BatchNorm statistics in order */
    double *swa_state; /* the trained model's statistics, kept while the average's are computed */
    /* snapshots: averaged probabilities on the test split */
    double *outputs, *ensemble;
    long n_snapshots;
    /* sharpness tracking: the last top eigenvector, to warm-start the next Lanczos run */
    double *top;
} trainer;

static double local_gradient(void *ctx, const double *w, basin_batch batch, double *g)
{
    return basin_net_eval(ctx, w, batch, &TRAINING_STEP, g);
}

basin_grad_source basin_grad_source_local(basin_net_problem *np)
{
    return (basin_grad_source){.gradient = local_gradient, .ctx = np};
}

/* λmax of the full-batch training-mode Hessian (running statistics untouched, dropout off). */
static double lambda_max(trainer *t)
{
    basin_net_view view;
    const basin_problem *p = basin_net_view_init(&view, t->np, BASIN_EVAL_TRAIN_FIXED);
    basin_lanczos_opts o = {.k = 1, .tol = 1e-8, .seed = 1, .start = t->top, .max_iter = 100};
    double lambda = NAN;
    if (basin_lanczos(p, t->w, BASIN_FULL_BATCH, &o, &lambda, t->top, NULL) != 0)
        lambda = NAN;
    return lambda;
}

/* Loss and accuracy of the current weights on both splits. */
static int evaluate(trainer *t, basin_train_row *row)
{
    double ignored;
    if (basin_net_evaluate(t->np, t->w, &t->np->data->train, &row->train_loss, &ignored, NULL) != 0 ||
        basin_net_evaluate(t->np, t->w, &t->np->data->test, &row->test_loss, &row->test_acc, NULL) != 0)
        return -1;
    return 0;
}

/* The scaling rule's factor at step: lr_scale, reached linearly from 1 over the warm-up. */
static double scale_at(const basin_train_config *cfg, long step)
{
    double scale = cfg->lr_scale > 0 ? cfg->lr_scale : 1;
    if (cfg->lr_scale_warmup > 0 && step < cfg->lr_scale_warmup)
        return 1 + (scale - 1) * (double)step / (double)cfg->lr_scale_warmup;
    return scale;
}

static double lr_at(const trainer *t, long step)
{
    double base = t->opt->lr;
    if (t->cfg->snapshots > 0) {
        long cycle = (t->total + t->cfg->snapshots - 1) / t->cfg->snapshots;
        return scale_at(t->cfg, step) * base * 0.5 * (1 + cos(M_PI * (double)(step % cycle) / (double)cycle));
    }
    return scale_at(t->cfg, step) * base * basin_schedule_factor(t->sched, step, base, t->total);
}

/* Early stopping after an evaluation: returns true when patience has run out (best weights restored). */
static bool early_stop(trainer *t, const basin_train_row *row)
{
    if (t->cfg->early_stop <= 0)
        return false;
    const basin_model *m = t->np->net.model;
    if (row->test_loss < t->best_loss) {
        t->best_loss = row->test_loss;
        t->since_best = 0;
        t->res->best_step = row->step;
        memcpy(t->best_w, t->w, t->np->base.dim * sizeof *t->w);
        memcpy(t->best_state, m->state, m->n_state * sizeof *m->state);
        return false;
    }
    if (++t->since_best < t->cfg->early_stop)
        return false;
    memcpy(t->w, t->best_w, t->np->base.dim * sizeof *t->w);
    memcpy(m->state, t->best_state, m->n_state * sizeof *m->state);
    t->res->stopped_early_at = row->step;
    return true;
}

/* Probabilities (or regression outputs) of a model's outputs, for averaging. */
static void to_probabilities(const basin_net_problem *np, double *out, size_t n)
{
    size_t K = np->net.model->out_features;
    if (np->net.loss == BASIN_LOSS_BCE) {
        for (size_t i = 0; i < n; i++)
            out[i] = 1.0 / (1.0 + exp(-out[i]));
    } else if (np->net.loss == BASIN_LOSS_CROSS_ENTROPY) {
        for (size_t i = 0; i < n; i++) {
            double *z = out + i * K, zmax = z[0], sum = 0;
            for (size_t k = 1; k < K; k++)
                zmax = fmax(zmax, z[k]);
            for (size_t k = 0; k < K; k++)
                sum += (z[k] = exp(z[k] - zmax));
            for (size_t k = 0; k < K; k++)
                z[k] /= sum;
        }
    }
}

/* Back to logits, so the ensemble's loss is the loss of its averaged probabilities. */
static void to_logits(const basin_net_problem *np, double *p, size_t n)
{
    size_t K = np->net.model->out_features;
    for (size_t i = 0; i < n * K; i++) {
        if (np->net.loss == BASIN_LOSS_BCE)
            p[i] = log(p[i]) - log1p(-p[i]);
        else if (np->net.loss == BASIN_LOSS_CROSS_ENTROPY)
            p[i] = log(p[i]);
    }
}

static int snapshot(trainer *t)
{
    const basin_split *test = &t->np->data->test;
    size_t K = t->np->net.model->out_features;
    double loss, acc;
    if (basin_net_evaluate(t->np, t->w, test, &loss, &acc, t->outputs) != 0)
        return -1;
    if (!(acc <= t->res->best_single_test_acc))
        t->res->best_single_test_acc = acc;
    to_probabilities(t->np, t->outputs, test->n);
    t->n_snapshots++;
    for (size_t i = 0; i < test->n * K; i++)
        t->ensemble[i] += (t->outputs[i] - t->ensemble[i]) / (double)t->n_snapshots;
    return 0;
}

/* torch.optim.swa_utils.update_bn: running statistics recomputed as the cumulative average over one
 * pass of the training set in minibatches. */
static int recompute_batchnorm(trainer *t, const double *w)
{
    basin_model *m = t->np->net.model;
    if (m->n_state == 0)
        return 0;
    basin_model_reset_state(m);
    double momentum = m->bn_momentum;
    int rc = 0;
    for (long k = 0; k < t->per_epoch && rc == 0; k++) {
        size_t start = (size_t)k * t->B, B = t->n - start < t->B ? t->n - start : t->B;
        for (size_t i = 0; i < B; i++)
            t->bn_order[i] = start + i;
        m->bn_momentum = 1.0 / (double)(k + 1);
        if (!isfinite(basin_net_eval(t->np, w, (basin_batch){t->bn_order, B}, &TRAINING_STEP, NULL)))
            rc = -1;
    }
    m->bn_momentum = momentum;
    return rc;
}

/* The averaged weights so far: SWA's when it has a model, else (without SWA) the optimizer's own averaged
 * iterate (ASGD's), or NULL. */
static const double *averaged_weights(const trainer *t)
{
    if (t->swa_w)
        return t->res->swa_models > 0 ? t->swa_w : NULL;
    return basin_optimizer_average(t->opt);
}

/* Averaged weights avg on the test split into *loss and *acc, as finish would make them (BatchNorm
 * statistics recomputed for them), the trained model's own statistics kept. */
static int evaluate_average(trainer *t, const double *avg, double *loss, double *acc)
{
    basin_model *m = t->np->net.model;
    memcpy(t->swa_state, m->state, m->n_state * sizeof *m->state);
    int rc = recompute_batchnorm(t, avg) == 0 && basin_net_evaluate(t->np, avg, &t->np->data->test, loss, acc, NULL) == 0
                 ? 0
                 : -1;
    memcpy(m->state, t->swa_state, m->n_state * sizeof *m->state);
    return rc;
}

/* The snapshots' ensemble so far on the test split into row (its averaged probabilities' loss and accuracy),
 * using the outputs buffer as scratch. */
static void evaluate_ensemble(trainer *t, basin_train_row *row)
{
    const basin_split *test = &t->np->data->test;
    size_t K = t->np->net.model->out_features;
    memcpy(t->outputs, t->ensemble, test->n * K * sizeof *t->outputs);
    to_logits(t->np, t->outputs, test->n);
    row->ensemble_test_loss = basin_net_outputs_loss(t->np, t->outputs, test, &row->ensemble_test_acc);
}

static int finish(trainer *t)
{
    basin_train_result *res = t->res;
    if (t->swa_w && res->swa_models > 0) {
        memcpy(t->w, t->swa_w, t->np->base.dim * sizeof *t->w);
        if (recompute_batchnorm(t, t->w) != 0)
            return -1;
    }
    basin_train_row row = {0};
    if (evaluate(t, &row) != 0)
        return -1;
    res->train_loss = row.train_loss, res->test_loss = row.test_loss, res->test_acc = row.test_acc;
    if (t->swa_w && res->swa_models > 0)
        res->swa_test_loss = row.test_loss, res->swa_test_acc = row.test_acc;
    const double *average = t->swa_w ? NULL : averaged_weights(t); /* the optimizer's, beside the weights */
    if (average && evaluate_average(t, average, &res->average_test_loss, &res->average_test_acc) != 0)
        return -1;
    if (t->n_snapshots > 0) {
        const basin_split *test = &t->np->data->test;
        to_logits(t->np, t->ensemble, test->n);
        res->ensemble_test_loss = basin_net_outputs_loss(t->np, t->ensemble, test, &res->ensemble_test_acc);
    }
    return 0;
}

static int setup(trainer *t)
{
    size_t dim = t->np->base.dim, n_state = t->np->net.model->n_state, outs = t->np->net.model->out_features;
    const basin_train_config *cfg = t->cfg;
    t->n = t->np->data->train.n;
    t->B = cfg->batch == 0 || cfg->batch > t->n ? t->n : cfg->batch;
    t->per_epoch = basin_train_steps_per_epoch(t->n, t->B);
    t->total = cfg->steps >= 0 ? cfg->steps : cfg->epochs * t->per_epoch;
    if (basin_train_check(t->np, cfg) != 0)
        return -1;
    if (basin_batch_stream_init(&t->stream, t->n, t->B, cfg->seed) != 0)
        return -1;
    t->g = malloc(dim * sizeof *t->g);
    bool ok = t->g != NULL;
    if (cfg->early_stop > 0)
        ok = ok && (t->best_w = malloc(dim * sizeof *t->w)) && (t->best_state = malloc((n_state + 1) * sizeof(double)));
    if (cfg->swa_start > 0)
        ok = ok && (t->swa_w = calloc(dim, sizeof *t->w));
    if (cfg->swa_start > 0 || basin_optimizer_average(t->opt)) /* an averaged model is evaluated */
        ok = ok && (t->bn_order = malloc((t->n + 1) * sizeof *t->bn_order)) &&
             (t->swa_state = malloc((n_state + 1) * sizeof *t->swa_state));
    if (cfg->track_sharpness > 0)
        ok = ok && (t->top = calloc(dim, sizeof *t->top));
    if (cfg->snapshots > 0)
        ok = ok && (t->outputs = malloc((t->np->data->test.n * outs + 1) * sizeof(double))) &&
             (t->ensemble = calloc(t->np->data->test.n * outs + 1, sizeof(double)));
    if (!ok) {
        basin_error_set("out of memory for training %zu parameters", dim);
        return -1;
    }
    t->best_loss = INFINITY;
    return 0;
}

static void teardown(trainer *t)
{
    basin_batch_stream_release(&t->stream);
    free(t->g), free(t->best_w), free(t->best_state), free(t->swa_w), free(t->bn_order), free(t->swa_state), free(t->outputs),
        free(t->ensemble), free(t->top);
}

basin_trainer *basin_trainer_create(basin_net_problem *np, double *w, basin_optimizer *opt,
                                    const basin_schedule *sched, const basin_train_config *cfg,
                                    basin_grad_source source)
{
    trainer *t = calloc(1, sizeof *t);
    if (!t) {
        basin_error_set("out of memory");
        return NULL;
    }
    *t = (trainer){.np = np, .w = w, .opt = opt, .sched = sched, .config = *cfg, .source = source};
    t->cfg = &t->config, t->res = &t->result;
    t->result = (basin_train_result){.stopped_early_at = -1, .best_step = -1, .swa_test_loss = NAN,
                                     .swa_test_acc = NAN, .average_test_loss = NAN, .average_test_acc = NAN,
                                     .ensemble_test_loss = NAN, .ensemble_test_acc = NAN,
                                     .best_single_test_acc = NAN};
    if (setup(t) != 0) {
        basin_trainer_destroy(t);
        return NULL;
    }
    return t;
}

void basin_trainer_destroy(basin_trainer *t)
{
    if (!t)
        return;
    teardown(t);
    free(t);
}

/* Step 0: the start, evaluated. */
static int start(trainer *t, basin_train_row *row)
{
    *row = (basin_train_row){.step = 0, .epoch = 0, .lr = NAN, .batch_loss = NAN, .grad_norm = NAN,
                             .lambda_max = NAN, .stability = NAN, .staleness = NAN, .sim_time = 0,
                             .swa_test_loss = NAN, .swa_test_acc = NAN,
                             .ensemble_test_loss = NAN, .ensemble_test_acc = NAN,
                             .noise_scale = NAN, .values_sent = NAN, .w = t->w};
    if (evaluate(t, row) != 0)
        return -1;
    t->last = *row, t->check_pending = true;
    return 1;
}

int basin_trainer_step(basin_trainer *t, basin_train_row *row)
{
    if (!t->started) {
        t->started = true;
        return start(t, row);
    }
    if (t->check_pending) {
        t->check_pending = false;
        t->ended = t->ended || early_stop(t, &t->last);
    }
    if (t->ended || t->step >= t->total)
        return 0;
    const basin_train_config *cfg = t->cfg;
    basin_train_result *res = t->res;
    long step = t->step;
    basin_batch batch = basin_batch_stream_next(&t->stream);
    double lr = lr_at(t, step);
    *row = (basin_train_row){.step = step + 1, .epoch = (double)(step + 1) / (double)t->per_epoch, .lr = lr,
                             .train_loss = NAN, .test_loss = NAN, .test_acc = NAN, .lambda_max = NAN,
                             .swa_test_loss = NAN, .swa_test_acc = NAN,
                             .ensemble_test_loss = NAN, .ensemble_test_acc = NAN,
                             .stability = NAN, .w = t->w};
    row->batch_loss = t->source.gradient(t->source.ctx, t->w, batch, t->g);
    basin_grad_step info = {1, NAN, NAN, NAN, NAN, false};
    if (t->source.step_info)
        t->source.step_info(t->source.ctx, &info);
    if (info.failed)
        return -1;
    row->lr = lr *= info.lr_factor;
    row->staleness = info.staleness, row->sim_time = info.sim_time;
    row->noise_scale = info.noise_scale, row->values_sent = info.values_sent;
    double norm = 0;
    for (size_t i = 0; i < t->np->base.dim; i++)
        norm += t->g[i] * t->g[i];
    row->grad_norm = sqrt(norm);
    res->steps = t->step = step + 1;
    if (!isfinite(row->batch_loss) || !isfinite(row->grad_norm)) {
        res->diverged = true;
        t->ended = true;
        return 1;
    }
    if (basin_optimizer_step(t->opt, t->w, t->g, lr, &t->np->base, batch) != 0)
        return -1;
    bool epoch_end = (step + 1) % t->per_epoch == 0, last = step + 1 == t->total;
    long epoch = (step + 1) / t->per_epoch;
    if (t->swa_w && epoch_end && epoch >= cfg->swa_start) {
        res->swa_models++;
        for (size_t i = 0; i < t->np->base.dim; i++)
            t->swa_w[i] += (t->w[i] - t->swa_w[i]) / (double)res->swa_models;
    }
    if (cfg->snapshots > 0) {
        long cycle = (t->total + cfg->snapshots - 1) / cfg->snapshots;
        if (((step + 1) % cycle == 0 || last) && snapshot(t) != 0)
            return -1;
    }
    if (cfg->track_sharpness > 0 && ((step + 1) % cfg->track_sharpness == 0 || last)) {
        row->lambda_max = lambda_max(t);
        row->stability = basin_optimizer_stability_limit(t->opt, lr, NULL, 0);
    }
    bool due = cfg->eval_every > 0 ? (step + 1) % cfg->eval_every == 0 : epoch_end;
    if ((due || last) && evaluate(t, row) != 0)
        return -1;
    const double *average = averaged_weights(t);
    if ((due || last) && average && evaluate_average(t, average, &row->swa_test_loss, &row->swa_test_acc) != 0)
        return -1;
    if ((due || last) && t->n_snapshots > 0)
        evaluate_ensemble(t, row);
    if (due || last)
        t->last = *row, t->check_pending = true;
    return 1;
}

int basin_trainer_finish(basin_trainer *t, basin_train_result *result)
{
    int rc = t->res->diverged ? 0 : finish(t);
    *result = *t->res;
    return rc;
}
