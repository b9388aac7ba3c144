/* parallel_training.c: from a parsed `parallel` spec to a gradient source and a summary. */
#include "parallel_training.h"

#include "../analysis/curvature.h"
#include "../error.h"

#include <math.h>
#include <stdio.h>

int basin_parallel_training_init(basin_parallel_training *pt, basin_net_problem *np, const basin_spec *spec,
                                 basin_train_config *cfg, basin_comm *world)
{
    *pt = (basin_parallel_training){.entry = spec->entry, .dim = np->base.dim};
    const basin_params *p = &spec->params;
    if (world && spec->entry == &basin_parallel_async) {
        pt->workers = world->size - 1;
        pt->ar = basin_async_ranks_create(np, p, cfg->batch, cfg->seed, world);
        return pt->ar ? 0 : -1; /* its refusals are about the keys, the ranks and the model */
    }
    const char *count = spec->entry == &basin_parallel_pipeline ? "stages" : "workers";
    if (world && (int)basin_params_real(p, count) != world->size) {
        basin_error_set("%s:%s=%g but the launcher started %d rank%s; give %s=%d", spec->entry->name, count,
                        basin_params_real(p, count), world->size, world->size == 1 ? "" : "s", count, world->size);
        return -1;
    }
    if (spec->entry == &basin_parallel_sync) {
        int k = pt->workers = (int)basin_params_real(p, "workers");
        pt->worker_batch = cfg->batch;
        cfg->batch *= (size_t)k; /* --batch is each worker's, as in DDP */
        int rule = basin_params_choice(p, "scale");
        cfg->lr_scale = rule == 1 ? k : rule == 2 ? sqrt(k) : 1;
        long per_epoch = basin_train_steps_per_epoch(np->data->train.n, cfg->batch);
        cfg->lr_scale_warmup = (long)ceil(basin_params_real(p, "warmup") * (double)per_epoch);
        basin_data_parallel_config dc;
        if (basin_data_parallel_config_from(p, cfg->seed, &dc) != 0)
            return -1;
        dc.world = world;
        pt->dp = basin_data_parallel_create(np, &dc);
        return pt->dp ? 0 : -2;
    }
    if (spec->entry == &basin_parallel_tensor) {
        pt->workers = (int)basin_params_real(p, "workers");
        pt->tp = basin_tensor_parallel_create(np, pt->workers, basin_cost_model_from(p), world);
        return pt->tp ? 0 : -1; /* its refusals are about the model */
    }
    if (spec->entry == &basin_parallel_pipeline) {
        basin_pipeline_config pc = basin_pipeline_config_from(p, cfg->seed);
        pc.world = world;
        pt->workers = pc.stages;
        size_t smallest = cfg->batch ? cfg->batch : np->data->train.n;
        if (smallest < (size_t)pc.micro) {
            basin_error_set("pipeline: a batch of %zu examples cannot make micro=%d micro-batches", smallest, pc.micro);
            return -1;
        }
        pt->pp = basin_pipeline_create(np, &pc);
        return pt->pp ? 0 : -1;
    }
    pt->workers = (int)basin_params_real(p, "workers");
    size_t recorded = 0;
    if (basin_params_given(p, "pushes"))
        basin_params_list(p, "pushes", &recorded);
    long steps = cfg->steps >= 0 ? cfg->steps
                                 : cfg->epochs * basin_train_steps_per_epoch(np->data->train.n, cfg->batch);
    if (recorded && (long)recorded < steps) {
        basin_error_set("async: the replay holds %zu pushes and the run takes %ld steps", recorded, steps);
        return -1;
    }
    pt->at = basin_async_training_create(np, p, cfg->batch, cfg->seed);
    return pt->at ? 0 : -1; /* its refusals are about the keys */
}

int basin_parallel_training_adapt_optimizer(const basin_spec *parallel, basin_spec *optimizer)
{
    if (parallel->entry != &basin_parallel_sync || basin_params_choice(&parallel->params, "scale") != 2 ||
        basin_param_find(optimizer->entry->specs, "beta2") < 0)
        return 0;
    double k = basin_params_real(&parallel->params, "workers");
    basin_params *p = &optimizer->params;
    static const char *const betas[] = {"beta1", "beta2"};
    for (int i = 0; i < 2; i++) {
        double beta = basin_params_real(p, betas[i]), scaled = 1 - k * (1 - beta);
        if (scaled <= 0) {
            basin_error_set("scale=sqrt: %s=%g cannot be scaled for %g workers (1 − K(1 − β) = %g ≤ 0)", betas[i],
                            beta, k, scaled);
            return -1;
        }
        basin_params_set_real(p, betas[i], scaled);
    }
    basin_params_set_real(p, "eps", basin_params_real(p, "eps") / sqrt(k));
    return 0;
}

int basin_parallel_training_verdict(const basin_net_problem *np, const double *w, const basin_optimizer *opt,
                                    double lr, char *text, size_t n)
{
    basin_net_view view;
    const basin_problem *p = basin_net_view_init(&view, np, BASIN_EVAL_TRAIN_FIXED);
    basin_lanczos_opts o = {.k = 1, .tol = 1e-10, .seed = 1, .max_iter = 200};
    double lambda;
    if (basin_lanczos(p, w, BASIN_FULL_BATCH, &o, &lambda, NULL, NULL) != 0)
        return -1;
    char formula[96];
    double limit = basin_optimizer_stability_limit(opt, lr, formula, sizeof formula);
    if (isnan(limit))
        snprintf(text, n, "λmax %.4g at the start; %s at the scaled rate %.4g has no scalar limit (%s)", lambda,
                 opt->entry->name, lr, formula);
    else
        snprintf(text, n, "λmax %.4g at the start; at the scaled rate %.4g %s is stable up to %.4g (%s): %s", lambda,
                 lr, opt->entry->name, limit, formula,
                 lambda < limit ? "stable" : "unstable, the scaling rule breaks here");
    return 0;
}

basin_grad_source basin_parallel_training_source(basin_parallel_training *pt)
{
    return pt->dp   ? basin_data_parallel_source(pt->dp)
           : pt->pp ? basin_pipeline_source(pt->pp)
           : pt->tp ? basin_tensor_parallel_source(pt->tp)
           : pt->ar ? basin_async_ranks_source(pt->ar)
                    : basin_async_training_source(pt->at);
}

bool basin_parallel_training_serves(const basin_parallel_training *pt)
{
    return pt->ar && basin_async_ranks_is_worker(pt->ar);
}

int basin_parallel_training_serve(basin_parallel_training *pt)
{
    return basin_async_ranks_serve(pt->ar);
}

int basin_parallel_training_end(basin_parallel_training *pt)
{
    return pt->dp   ? basin_data_parallel_gather_timeline(pt->dp)
           : pt->pp ? basin_pipeline_gather_timeline(pt->pp)
           : pt->tp ? basin_tensor_parallel_gather_timeline(pt->tp)
           : pt->ar ? (basin_async_ranks_is_worker(pt->ar) ? 0 : basin_async_ranks_end(pt->ar))
                    : 0;
}

const int *basin_parallel_training_pushes(const basin_parallel_training *pt, size_t *n)
{
    *n = 0;
    return pt->ar ? basin_async_ranks_pushes(pt->ar, n) : pt->at ? basin_async_training_pushes(pt->at, n) : NULL;
}

void basin_parallel_training_describe(const basin_parallel_training *pt, long steps, char *text, size_t n)
{
    double per_step = 1.0 / (double)(steps > 0 ? steps : 1);
    if (pt->dp) {
        char batch[64] = "the full batch dealt among them";
        if (pt->worker_batch)
            snprintf(batch, sizeof batch, "%zu examples (global batch %zu)", pt->worker_batch,
                     pt->worker_batch * (size_t)pt->workers);
        snprintf(text, n, "sync: %d workers × %s, %.0f values sent per worker per step", pt->workers, batch,
                 (double)basin_data_parallel_values_sent(pt->dp) * per_step);
    } else if (pt->tp) {
        /* against a ring all-reduce of the gradient (and the loss) among as many data-parallel workers */
        size_t pairs = basin_tensor_parallel_pairs(pt->tp), dim = pt->dim;
        snprintf(text, n, "tensor: %d workers, %zu split pair%s, %.0f values sent per worker per step (sync data "
                          "parallel with %d workers: %.0f)",
                 pt->workers, pairs, pairs == 1 ? "" : "s",
                 (double)basin_tensor_parallel_values_sent(pt->tp) * per_step, pt->workers,
                 2.0 * (pt->workers - 1) / pt->workers * (double)(dim + 1));
    } else if (pt->pp) {
        basin_pipeline_describe(pt->pp, steps, text, n);
    } else {
        double sum = pt->ar ? basin_async_ranks_staleness_sum(pt->ar) : basin_async_training_staleness_sum(pt->at);
        snprintf(text, n, "async: %d workers%s, gradients %.2f updates old on average", pt->workers,
                 pt->ar ? " on MPI ranks (rank 0 serving)" : "", sum * per_step);
    }
}

const basin_timeline *basin_parallel_training_timeline(const basin_parallel_training *pt)
{
    return pt->dp   ? basin_data_parallel_timeline(pt->dp)
           : pt->pp ? basin_pipeline_timeline(pt->pp)
           : pt->tp ? basin_tensor_parallel_timeline(pt->tp)
           : pt->ar ? basin_async_ranks_timeline(pt->ar)
                    : basin_async_training_timeline(pt->at);
}

void basin_parallel_training_release(basin_parallel_training *pt)
{
    basin_data_parallel_destroy(pt->dp);
    basin_pipeline_destroy(pt->pp);
    basin_tensor_parallel_destroy(pt->tp);
    basin_async_training_destroy(pt->at);
    basin_async_ranks_destroy(pt->ar);
    *pt = (basin_parallel_training){0};
}
