/* net_problem.c: gathering a batch, the loss of the model's outputs, back-propagation, the L1 penalty,
 * and evaluation over a split. */
#include "net_problem.h"

#include "../error.h"
#include "augment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool basin_net_has_flat_batchnorm(const basin_net *net)
{
    for (size_t i = 0; i < net->model->n_layers; i++) {
        const basin_layer *l = &net->model->layers[i];
        if (l->d.kind == BASIN_LAYER_BATCHNORM && l->in_h * l->in_w == 1)
            return true;
    }
    return false;
}

static int reserve(const basin_net_problem *np, size_t B)
{
    basin_net_work *wk = np->work;
    if (B <= wk->capacity)
        return 0;
    const basin_dataset *d = np->data;
    size_t outs = np->net.model->out_features;
    free(wk->x), free(wk->target), free(wk->label), free(wk->tmp), free(wk->dout);
    wk->x = malloc(B * d->n_features * sizeof *wk->x);
    wk->dout = malloc(B * outs * sizeof *wk->dout);
    wk->target = malloc(B * outs * sizeof *wk->target);
    wk->label = malloc(B * sizeof *wk->label);
    wk->tmp = malloc((d->n_features + 1) * sizeof *wk->tmp);
    wk->capacity = 0;
    if (!wk->x || !wk->target || !wk->label || !wk->tmp || !wk->dout) {
        basin_error_set("out of memory for batches of %zu examples", B);
        return -1;
    }
    if (basin_model_reserve(np->net.model, B) != 0)
        return -1; /* its message says what did not fit */
    wk->capacity = B;
    return 0;
}

/* Augments the B gathered raw examples: from the problem's stream, or each from its own generator seeded
 * by the draw keyed by its example when key is non-NULL. */
static void augment_batch(const basin_net_problem *np, double *x, size_t B, const basin_draw_key *key)
{
    basin_net_work *wk = np->work;
    if (!key) {
        basin_augment_apply(np->augment, np->augment_params, np->data, x, B, wk->tmp, np->rng);
        return;
    }
    size_t f = np->data->n_features;
    for (size_t k = 0; k < B; k++) {
        gsl_rng_set(np->rng, (unsigned long)basin_keyed_bits(key, BASIN_DRAW_AUGMENT, k));
        basin_augment_apply(np->augment, np->augment_params, np->data, x + k * f, 1, wk->tmp, np->rng);
    }
}

/* Copies the batch's inputs (augmented as augment_batch does, then standardized, when augment is true),
 * labels and targets. Returns the inputs the model sees. */
static const double *gather(const basin_net_problem *np, const basin_split *s, const size_t *idx, size_t B,
                            bool augment, const basin_draw_key *key)
{
    const basin_dataset *d = np->data;
    basin_net_work *wk = np->work;
    size_t f = d->n_features, outs = np->net.model->out_features;
    augment = augment && np->augment;
    for (size_t k = 0; k < B; k++) {
        size_t i = idx ? idx[k] : k;
        if (d->n_classes)
            wk->label[k] = s->label[i];
        else
            memcpy(wk->target + k * outs, s->target + i * outs, outs * sizeof *wk->target);
    }
    if (!idx && !augment)
        return s->x;
    for (size_t k = 0; k < B; k++)
        memcpy(wk->x + k * f, (augment ? s->raw : s->x) + (idx ? idx[k] : k) * f, f * sizeof *wk->x);
    if (augment) {
        augment_batch(np, wk->x, B, key);
        if (d->mean)
            for (size_t k = 0; k < B; k++)
                for (size_t j = 0; j < f; j++)
                    wk->x[k * f + j] = (wk->x[k * f + j] - d->mean[j]) / d->sd[j];
    }
    return wk->x;
}

/* The loss of outputs for rows [first, first + B) of the gathered labels or targets; dout (when non-NULL)
 * gets its gradient. MSE on classes compares with one-hot labels (or the label itself for one output). */
static double rows_loss(const basin_net_problem *np, const double *out, size_t first, size_t B, double *dout)
{
    basin_net_work *wk = np->work;
    size_t K = np->net.model->out_features;
    const int *label = wk->label + first;
    double *target = wk->target + first * K;
    switch (np->net.loss) {
    case BASIN_LOSS_CROSS_ENTROPY:
        return loss_cross_entropy(dout, out, label, B, K);
    case BASIN_LOSS_BCE:
        return loss_bce_logits(dout, out, label, B);
    case BASIN_LOSS_MSE:
        break;
    }
    if (np->data->n_classes)
        for (size_t b = 0; b < B; b++)
            for (size_t k = 0; k < K; k++)
                target[b * K + k] = K == 1 ? label[b] : (int)k == label[b];
    return loss_mse(dout, out, target, B, K);
}

static double batch_loss(const basin_net_problem *np, const double *out, size_t B, double *dout)
{
    return rows_loss(np, out, 0, B, dout);
}

const double *basin_net_batch_inputs(const basin_net_problem *np, basin_batch batch)
{
    const basin_split *s = &np->data->train;
    size_t B = batch.idx ? batch.m : s->n;
    if (reserve(np, B) != 0)
        return NULL;
    return gather(np, s, batch.idx, B, false, NULL);
}

double basin_net_batch_loss(const basin_net_problem *np, size_t first, size_t count, size_t total,
                            const double *out, double *dout)
{
    double share = (double)count / (double)total, loss = rows_loss(np, out, first, count, dout);
    size_t n = count * np->net.model->out_features;
    for (size_t i = 0; dout && share != 1.0 && i < n; i++)
        dout[i] *= share;
    return share * loss;
}

/* λ·Σ|w| over the weights, times share; share·λ·sign(w) added into g when non-NULL. */
static double l1_penalty(const basin_net_problem *np, const double *w, double *g, double share)
{
    const basin_model *m = np->net.model;
    double sum = 0;
    for (size_t i = 0; i < m->n_layers; i++) {
        const basin_layer *l = &m->layers[i];
        if (l->ops->role != BASIN_LAYER_ROLE_WEIGHTED)
            continue;
        for (size_t j = l->weight; j < l->weight + l->n_weight; j++) {
            sum += fabs(w[j]);
            if (g)
                g[j] += share * np->l1 * (w[j] > 0 ? 1.0 : w[j] < 0 ? -1.0 : 0.0);
        }
    }
    return share * np->l1 * sum;
}

/* A forward pass over batch as o says, leaving the outputs in work->out. Returns the batch size, or 0 with
 * a message. */
static size_t forward(const basin_net_problem *np, const double *w, basin_batch batch, const basin_eval_opts *o)
{
    const basin_split *s = &np->data->train;
    size_t B = batch.idx ? batch.m : s->n;
    if (reserve(np, B) != 0)
        return 0;
    bool train = o->mode == BASIN_MODE_TRAIN;
    const basin_shard *shard = train ? o->shard : NULL;
    basin_draw_key key = {0};
    if (shard && shard->key)
        key = (basin_draw_key){shard->key->seed, shard->key->step, batch.idx};
    const double *x = gather(np, s, batch.idx, B, train && o->augment, shard && shard->key ? &key : NULL);
    basin_forward_opts fo = {.mode = o->mode,
                             .update_stats = train && o->update_stats,
                             .rng = np->rng,
                             .no_dropout = !(train && o->dropout),
                             .key = shard && shard->key ? &key : NULL,
                             .bn_sync = shard ? shard->bn_sync : NULL};
    np->work->out = basin_model_forward(np->net.model, w, x, B, fo);
    return np->work->out ? B : 0;
}

#define EVAL_CACHE_BYTES (1u << 20) /* what a block of examples' activations may take: about an L2 cache */

/* Examples per block of a loss-only pass: as many as keep every layer's outputs (and a convolution's
 * unfolded input) within EVAL_CACHE_BYTES, at least 16; 0 when the pass is not one example at a time
 * (BatchNorm on batch statistics, dropout, augmentation, a shard's keyed draws). */
static size_t eval_block(const basin_net_problem *np, const basin_eval_opts *o)
{
    const basin_model *m = np->net.model;
    bool train = o->mode == BASIN_MODE_TRAIN;
    if (train && ((o->augment && np->augment) || o->shard))
        return 0;
    size_t per_example = np->data->n_features;
    for (size_t i = 0; i < m->n_layers; i++) {
        const basin_layer *l = &m->layers[i];
        if (train && (l->d.kind == BASIN_LAYER_BATCHNORM || (l->d.kind == BASIN_LAYER_DROPOUT && o->dropout)))
            return 0;
        per_example += basin_layer_outputs(l);
        if (l->d.kind == BASIN_LAYER_CONV2D)
            per_example += l->in_c * l->d.kernel * l->d.kernel * l->out_h * l->out_w;
    }
    size_t block = EVAL_CACHE_BYTES / (per_example * sizeof(double));
    return block < 16 ? 16 : block;
}

/* The loss over batch (idx, or the first n examples when NULL) by forward passes over blocks of examples
 * (the same outputs as one pass; the mean summed block by block). Returns NAN with a message on failure. */
static double blocked_loss(const basin_net_problem *np, const double *w, basin_batch batch, size_t B, size_t block,
                           const basin_eval_opts *opts)
{
    size_t *all = batch.idx ? NULL : malloc(B * sizeof *all);
    if (!batch.idx && !all) {
        basin_error_set("out of memory for an evaluation of %zu examples", B);
        return NAN;
    }
    for (size_t i = 0; all && i < B; i++)
        all[i] = i;
    double total = 0;
    for (size_t start = 0; start < B; start += block) {
        size_t count = B - start < block ? B - start : block;
        basin_batch part = {(batch.idx ? batch.idx : all) + start, count};
        if (!forward(np, w, part, opts)) {
            total = NAN;
            break;
        }
        total += batch_loss(np, np->work->out, count, NULL) * (double)count;
    }
    free(all);
    return total / (double)B;
}

double basin_net_eval(const basin_net_problem *np, const double *w, basin_batch batch, const basin_eval_opts *opts,
                      double *g)
{
    size_t whole = batch.idx ? batch.m : np->data->train.n, block = g ? 0 : eval_block(np, opts);
    if (block && whole > block) { /* the loss alone: blocks whose activations stay in cache */
        double loss = blocked_loss(np, w, batch, whole, block, opts);
        return np->l1 > 0 ? loss + l1_penalty(np, w, NULL, 1.0) : loss;
    }
    size_t B = forward(np, w, batch, opts);
    if (!B)
        return NAN;
    double *dout = g ? np->net.model->grad[0] : NULL;
    double loss = batch_loss(np, np->work->out, B, dout);
    /* a shard's share of the big batch's mean, in the gradient before BatchNorm sums it over shards */
    const basin_shard *shard = opts->mode == BASIN_MODE_TRAIN ? opts->shard : NULL;
    double share = shard && shard->global_batch ? (double)B / (double)shard->global_batch : 1.0;
    if (share != 1.0) {
        loss *= share;
        for (size_t i = 0; dout && i < B * np->net.model->out_features; i++)
            dout[i] *= share;
    }
    if (g) {
        memset(g, 0, np->base.dim * sizeof *g);
        basin_model_backward(np->net.model, w, dout, g, NULL, NULL);
    }
    if (np->l1 > 0)
        loss += l1_penalty(np, w, g, share);
    return loss;
}

/* The R{·} of the loss gradient on the outputs, from the outputs' tangent rout. */
static void loss_tangent(const basin_net_problem *np, const double *out, const double *rout, size_t B, double *rdout)
{
    size_t K = np->net.model->out_features;
    switch (np->net.loss) {
    case BASIN_LOSS_CROSS_ENTROPY: loss_cross_entropy_r(rdout, out, rout, B, K); break;
    case BASIN_LOSS_BCE: loss_bce_logits_r(rdout, out, rout, B); break;
    case BASIN_LOSS_MSE: loss_mse_r(rdout, rout, B, K); break;
    }
}

/* Whether the model still holds the forward pass of the last H·v and it was at w over all examples, with
 * the same options, drawing nothing at random: then products at fixed weights (Lanczos, power iteration,
 * Hutchinson, SLQ) share it, as a retained autograd graph does. */
static bool hvp_kept(const basin_net_problem *np, const double *w, basin_batch batch, const basin_eval_opts *o)
{
    const basin_net_work *wk = np->work;
    bool random = o->mode == BASIN_MODE_TRAIN && (o->dropout || (o->augment && np->augment));
    return !batch.idx && !random && !o->shard && wk->hvp_pass != 0 && wk->hvp_pass == np->net.model->passes &&
           wk->hvp_opts.mode == o->mode && wk->hvp_opts.dropout == o->dropout && wk->hvp_opts.augment == o->augment &&
           memcmp(wk->hvp_w, w, np->base.dim * sizeof *w) == 0;
}

/* The forward pass an H·v needs (running statistics stay put; dropout draws its masks as o says), leaving
 * the loss gradient on the outputs in work->dout, or the one kept from the last product (hvp_kept).
 * Returns the batch size, or 0 with a message. */
static size_t hvp_prepare(const basin_net_problem *np, const double *w, basin_batch batch, const basin_eval_opts *o,
                          bool *kept)
{
    basin_net_work *wk = np->work;
    if ((*kept = hvp_kept(np, w, batch, o) && wk->hvp_backward))
        return wk->hvp_batch;
    basin_eval_opts fixed = *o;
    fixed.update_stats = false;
    size_t B = forward(np, w, batch, &fixed);
    wk->hvp_pass = 0, wk->hvp_backward = false;
    if (!B)
        return 0;
    batch_loss(np, wk->out, B, wk->dout);
    if (!wk->hvp_w)
        wk->hvp_w = malloc(np->base.dim * sizeof *wk->hvp_w); /* without it nothing is kept */
    if (wk->hvp_w) {
        memcpy(wk->hvp_w, w, np->base.dim * sizeof *w);
        wk->hvp_opts = *o, wk->hvp_pass = np->net.model->passes, wk->hvp_batch = B;
    }
    return B;
}

/* H·v after hvp_prepare: the tangent forward along v, then one backward pass carrying the gradient and
 * its tangent, or (kept) only the tangent beside the gradients the last product kept. (The L1 term adds
 * nothing: |w| has no curvature away from 0.) */
static void hvp_apply(const basin_net_problem *np, const double *w, size_t B, const double *v, double *hv, bool kept)
{
    basin_model *m = np->net.model;
    const double *rout = basin_model_forward_r(m, w, v);
    if (!rout)
        return;
    double *rdout = m->rgrad[0];
    loss_tangent(np, np->work->out, rout, B, rdout);
    memset(hv, 0, np->base.dim * sizeof *hv);
    basin_model_hvp_backward(m, w, v, np->work->dout, rdout, hv, kept);
    np->work->hvp_backward = np->work->hvp_pass != 0; /* the plain gradients are kept beside the pass */
}

static void hvp_with(const basin_net_problem *np, const basin_eval_opts *o, const double *w, basin_batch batch,
                     const double *v, double *hv)
{
    for (size_t i = 0; i < np->base.dim; i++)
        hv[i] = NAN;
    bool kept;
    size_t B = hvp_prepare(np, w, batch, o, &kept);
    if (B)
        hvp_apply(np, w, B, v, hv, kept);
}

/* Columns first, first + step, ... of the dense Hessian, each an exact product with a unit vector, all
 * sharing one forward pass (and so one set of dropout masks) and, after the first, its plain gradients;
 * the other entries −0. */
static void columns_with(const basin_net_problem *np, const basin_eval_opts *o, const double *w, basin_batch batch,
                         size_t first, size_t step, double *h)
{
    bool kept;
    size_t n = np->base.dim, B = hvp_prepare(np, w, batch, o, &kept);
    double *e = calloc(n, sizeof *e), *col = malloc(n * sizeof *col);
    for (size_t i = 0; i < n * n; i++)
        h[i] = B && e && col ? -0.0 : NAN; /* −0: x + (−0) = x for every x, so parts sum to the whole */
    for (size_t j = first; B && e && col && j < n; j += step) {
        e[j] = 1;
        hvp_apply(np, w, B, e, col, kept);
        kept = true; /* this pass's plain gradients are kept now */
        e[j] = 0;
        for (size_t i = 0; i < n; i++)
            h[i * n + j] = col[i];
    }
    free(e), free(col);
}

/* The dense Hessian: every column, then symmetrized. */
static void hessian_with(const basin_net_problem *np, const basin_eval_opts *o, const double *w, basin_batch batch,
                         double *h)
{
    columns_with(np, o, w, batch, 0, 1, h);
    basin_hessian_symmetrize(np->base.dim, h);
}

/* The problem's own ops: training mode as an optimizer step sees it. */
static const basin_net_problem *net_of(const basin_problem *p)
{
    return (const basin_net_problem *)p; /* base is the first member */
}

static double net_eval(const basin_problem *p, const double *w, basin_batch batch, double *g)
{
    return basin_net_eval(net_of(p), w, batch, &BASIN_EVAL_TRAINING, g);
}

static void net_hvp(const basin_problem *p, const double *w, basin_batch batch, const double *v, double *hv)
{
    hvp_with(net_of(p), &BASIN_EVAL_TRAINING, w, batch, v, hv);
}

static void net_hessian(const basin_problem *p, const double *w, basin_batch batch, double *h)
{
    hessian_with(net_of(p), &BASIN_EVAL_TRAINING, w, batch, h);
}

static void net_columns(const basin_problem *p, const double *w, basin_batch batch, size_t first, size_t step,
                        double *h)
{
    columns_with(net_of(p), &BASIN_EVAL_TRAINING, w, batch, first, step, h);
}

static void free_work(basin_net_work *wk)
{
    if (wk)
        free(wk->x), free(wk->target), free(wk->label), free(wk->tmp), free(wk->dout), free(wk->hvp_w);
    free(wk);
}

static void net_destroy(basin_problem *p)
{
    basin_net_problem *np = (basin_net_problem *)p;
    basin_model_destroy(np->net.model);
    if (np->rng)
        gsl_rng_free(np->rng);
    free_work(np->work);
    free(np);
}

static const basin_problem_ops net_ops = {.eval = net_eval, .hessian = net_hessian, .hvp = net_hvp,
                                         .hessian_columns = net_columns, .destroy = net_destroy};

basin_net_problem *basin_net_problem_create(basin_net net, const basin_dataset *data, unsigned long seed)
{
    basin_net_problem *np = calloc(1, sizeof *np);
    if (!np || !(np->rng = gsl_rng_alloc(gsl_rng_mt19937)) || !(np->work = calloc(1, sizeof *np->work))) {
        if (np) {
            if (np->rng)
                gsl_rng_free(np->rng);
            free(np);
        }
        basin_model_destroy(net.model);
        basin_error_set("out of memory");
        return NULL;
    }
    gsl_rng_set(np->rng, seed);
    np->base.ops = &net_ops;
    np->base.dim = net.model->n_params;
    np->base.n_examples = data->train.n;
    np->base.f_min = NAN;
    np->net = net;
    np->data = data;
    return np;
}

basin_net_problem *basin_net_problem_clone(const basin_net_problem *np, unsigned long seed)
{
    basin_model *m = basin_model_clone(np->net.model);
    if (!m)
        return NULL;
    basin_net_problem *copy = basin_net_problem_create((basin_net){m, np->net.loss}, np->data, seed);
    if (copy) {
        copy->l1 = np->l1;
        copy->augment = np->augment, copy->augment_params = np->augment_params;
    }
    return copy;
}

/* A view's ops: the same network with the view's options. */
static const basin_net_view *view_of(const basin_problem *p)
{
    return (const basin_net_view *)p; /* base is the first member */
}

static double view_eval(const basin_problem *p, const double *w, basin_batch batch, double *g)
{
    return basin_net_eval(view_of(p)->np, w, batch, &view_of(p)->opts, g);
}

static void view_hvp(const basin_problem *p, const double *w, basin_batch batch, const double *v, double *hv)
{
    hvp_with(view_of(p)->np, &view_of(p)->opts, w, batch, v, hv);
}

static void view_hessian(const basin_problem *p, const double *w, basin_batch batch, double *h)
{
    hessian_with(view_of(p)->np, &view_of(p)->opts, w, batch, h);
}

static void view_columns(const basin_problem *p, const double *w, basin_batch batch, size_t first, size_t step,
                         double *h)
{
    columns_with(view_of(p)->np, &view_of(p)->opts, w, batch, first, step, h);
}

static void view_destroy(basin_problem *p)
{
    (void)p; /* a view owns nothing */
}

static const basin_problem_ops view_ops = {.eval = view_eval, .hessian = view_hessian, .hvp = view_hvp,
                                          .hessian_columns = view_columns, .destroy = view_destroy};

basin_problem *basin_net_view_init(basin_net_view *view, const basin_net_problem *np, basin_eval_opts opts)
{
    *view = (basin_net_view){.base = np->base, .np = np, .opts = opts};
    view->base.ops = &view_ops;
    return &view->base;
}

/* The summed loss of outputs (count × out_features) for examples start.. of split, and the number of them
 * classified right into *correct (count ≤ the capacity). */
static double outputs_loss_range(const basin_net_problem *np, const double *out, const basin_split *split,
                                 size_t start, size_t count, size_t *correct)
{
    basin_net_work *wk = np->work;
    size_t K = np->net.model->out_features;
    for (size_t k = 0; k < count; k++) {
        if (np->data->n_classes)
            wk->label[k] = split->label[start + k];
        else
            memcpy(wk->target + k * K, split->target + (start + k) * K, K * sizeof *wk->target);
    }
    double total = batch_loss(np, out, count, NULL) * (double)count;
    for (size_t k = 0; np->data->n_classes && k < count; k++) {
        const double *z = out + k * K;
        size_t best = 0;
        if (K == 1)
            best = z[0] > 0;
        else
            for (size_t c = 1; c < K; c++)
                best = z[c] > z[best] ? c : best;
        *correct += (int)best == wk->label[k];
    }
    return total;
}

double basin_net_outputs_loss(const basin_net_problem *np, const double *outputs, const basin_split *split,
                              double *accuracy)
{
    size_t K = np->net.model->out_features, chunk = np->work->capacity, correct = 0;
    double total = 0;
    for (size_t start = 0; start < split->n; start += chunk) {
        size_t B = split->n - start < chunk ? split->n - start : chunk;
        total += outputs_loss_range(np, outputs + start * K, split, start, B, &correct);
    }
    if (accuracy)
        *accuracy = np->data->n_classes ? (double)correct / (double)split->n : NAN;
    return total / (double)split->n;
}

int basin_net_evaluate(const basin_net_problem *np, const double *w, const basin_split *split, double *loss,
                       double *accuracy, double *outputs)
{
    size_t K = np->net.model->out_features, block = eval_block(np, &BASIN_EVAL_EVAL);
    size_t chunk = split->n < block ? split->n : block; /* blocks whose activations stay in cache */
    if (reserve(np, chunk) != 0)
        return -1;
    double *all = outputs ? outputs : malloc((split->n * K + 1) * sizeof *all);
    if (!all) {
        basin_error_set("out of memory evaluating %zu examples", split->n);
        return -1;
    }
    basin_forward_opts opts = {.mode = BASIN_MODE_EVAL, .update_stats = false, .rng = NULL, .no_dropout = true};
    for (size_t start = 0; start < split->n; start += chunk) {
        size_t B = split->n - start < chunk ? split->n - start : chunk;
        const double *out = basin_model_forward(np->net.model, w, split->x + start * np->data->n_features, B, opts);
        if (!out) {
            if (!outputs)
                free(all);
            return -1;
        }
        memcpy(all + start * K, out, B * K * sizeof *out);
    }
    *loss = basin_net_outputs_loss(np, all, split, accuracy);
    if (!outputs)
        free(all);
    return 0;
}

static double variance(const double *x, size_t n)
{
    double mean = 0, var = 0;
    for (size_t i = 0; i < n; i++)
        mean += x[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        var += (x[i] - mean) * (x[i] - mean);
    return var / (double)n;
}

static void record_grad(void *ctx, size_t layer, const double *dout, size_t n)
{
    ((double *)ctx)[layer] = variance(dout, n);
}

int basin_net_layer_variances(const basin_net_problem *np, const double *w, size_t B, double *act_var,
                              double *grad_var)
{
    basin_model *m = np->net.model;
    size_t n = np->data->train.n < B ? np->data->train.n : B;
    size_t *idx = malloc((n + 1) * sizeof *idx);
    double *g = malloc((np->base.dim + 1) * sizeof *g);
    int rc = -1;
    if (!idx || !g) {
        basin_error_set("out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    /* One forward pass in training mode (dropout off, running statistics untouched), then one backward
     * pass from the loss gradient on the outputs, recording the gradient on each layer's output. */
    if (reserve(np, n) != 0)
        goto done;
    const double *x = gather(np, &np->data->train, idx, n, false, NULL);
    const double *out = basin_model_forward(m, w, x, n, (basin_forward_opts){.mode = BASIN_MODE_TRAIN, .update_stats = false, .rng = NULL, .no_dropout = true});
    if (!out)
        goto done;
    double loss = batch_loss(np, out, n, np->work->dout);
    if (!isfinite(loss)) {
        basin_error_set("the loss is not finite");
        goto done;
    }
    for (size_t i = 0; i < m->n_layers; i++) {
        const basin_layer *l = &m->layers[i];
        act_var[i] = variance(l->y, n * basin_layer_outputs(l));
    }
    memset(g, 0, np->base.dim * sizeof *g);
    basin_model_backward(m, w, np->work->dout, g, record_grad, grad_var);
    rc = 0;
done:
    free(idx), free(g);
    return rc;
}

/* out (n × O) = x (n × I) · Wᵀ + b for the first layer's block of a parameter vector. */
static void first_layer(const basin_layer *l, const double *params, const double *x, size_t n, double *out)
{
    linear_forward(out, x, params + l->weight, params + l->bias, n, l->in_c, l->out_c);
}

/* Examples per block of a plane evaluation: the block's first-layer values stay in cache between their
 * combination and the next layer's product. */
#define PLANE_BLOCK 256

int basin_net_plane_init(basin_net_plane *plane, const basin_net_problem *np, const double *origin,
                         const double *d1, const double *d2)
{
    *plane = (basin_net_plane){.np = np};
    const basin_model *m = np->net.model;
    const basin_split *s = &np->data->train;
    size_t f = 0;
    while (f < m->n_layers && m->layers[f].d.kind == BASIN_LAYER_FLATTEN) /* flattening moves nothing */
        f++;
    plane->affine_first = f < m->n_layers && m->layers[f].d.kind == BASIN_LAYER_LINEAR;
    plane->first = f;
    if (!plane->affine_first)
        return 0;
    size_t H = m->layers[f].out_c, size = s->n * H;
    double *p0 = malloc(size * sizeof(double)), *p1 = malloc(size * sizeof(double)), *p2 = malloc(size * sizeof(double));
    plane->p0 = p0, plane->p1 = p1, plane->p2 = p2;
    plane->z = malloc(PLANE_BLOCK * H * sizeof(double));
    if (!p0 || !p1 || !p2 || !plane->z) {
        basin_net_plane_free(plane);
        basin_error_set("out of memory for a plane over %zu examples", s->n);
        return -1;
    }
    first_layer(&m->layers[f], origin, s->x, s->n, p0);
    first_layer(&m->layers[f], d1, s->x, s->n, p1);
    if (d2)
        first_layer(&m->layers[f], d2, s->x, s->n, p2);
    else
        memset(p2, 0, size * sizeof(double));
    return 0;
}

int basin_net_plane_share(basin_net_plane *plane, const basin_net_problem *np, const basin_net_plane *from)
{
    *plane = *from;
    plane->np = np, plane->shared = true, plane->z = NULL;
    if (!plane->affine_first)
        return 0;
    plane->z = malloc(PLANE_BLOCK * np->net.model->layers[plane->first].out_c * sizeof(double));
    if (!plane->z) {
        basin_error_set("out of memory for a plane");
        return -1;
    }
    return 0;
}

int basin_net_plane_eval(basin_net_plane *plane, const double *w, double a, double b, double *loss, double *accuracy)
{
    const basin_net_problem *np = plane->np;
    const basin_split *s = &np->data->train;
    if (!plane->affine_first)
        return basin_net_evaluate(np, w, s, loss, accuracy, NULL);
    basin_model *m = np->net.model;
    size_t H = m->layers[plane->first].out_c, next = plane->first + 1, correct = 0;
    bool relu = next < m->n_layers && m->layers[next].d.kind == BASIN_LAYER_ACTIVATION &&
                m->layers[next].d.act == BASIN_ACT_RELU;
    if (reserve(np, PLANE_BLOCK) != 0)
        return -1;
    double total = 0;
    for (size_t start = 0; start < s->n; start += PLANE_BLOCK) {
        size_t B = s->n - start < PLANE_BLOCK ? s->n - start : PLANE_BLOCK, size = B * H;
        const double *restrict p0 = plane->p0 + start * H, *restrict p1 = plane->p1 + start * H,
                               *restrict p2 = plane->p2 + start * H;
        double *restrict z = plane->z;
        if (relu) /* the ReLU that follows, in the same pass */
            for (size_t i = 0; i < size; i++) {
                double v = p0[i] + a * p1[i] + b * p2[i];
                z[i] = v > 0 ? v : 0.0;
            }
        else
            for (size_t i = 0; i < size; i++)
                z[i] = p0[i] + a * p1[i] + b * p2[i];
        const double *out = basin_model_forward_from(m, w, relu ? next + 1 : next, z, B,
                                                     (basin_forward_opts){.mode = BASIN_MODE_EVAL, .update_stats = false, .rng = NULL, .no_dropout = true});
        if (!out)
            return -1;
        total += outputs_loss_range(np, out, s, start, B, &correct);
    }
    *loss = total / (double)s->n;
    *accuracy = np->data->n_classes ? (double)correct / (double)s->n : NAN;
    return 0;
}

void basin_net_plane_free(basin_net_plane *plane)
{
    if (!plane->shared)
        free((double *)plane->p0), free((double *)plane->p1), free((double *)plane->p2);
    free(plane->z);
    *plane = (basin_net_plane){0};
}
