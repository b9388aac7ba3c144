/* simulate.c: running a lab: surface runs stepped, training runs trained (seeded as basin train is), and
 * what the views draw filled in afterwards on clones. */
#include "augment_samples.h"
#include "lab_internal.h"
#include "measures.h"
#include "subject.h"

#include "engine/error.h"
#include "engine/nn/train.h"
#include "engine/parallel/parallel_training.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What a training lab records beyond the losses: what its views need. */
static basin_net_trace_wants lab_wants(const basin_lab *lab)
{
    basin_net_trace_wants wants = {0};
    for (size_t v = 0; v < lab->n_views; v++) {
        const basin_net_trace_wants *needs = &basin_view_info_of(lab->views[v])->needs;
        wants.layers |= needs->layers, wants.spectrum |= needs->spectrum;
        wants.landscape |= needs->landscape, wants.boundary |= needs->boundary;
    }
    return wants;
}

/* Sets up one run of a training lab, seeded as `basin train --seed` is: its session and empty trace. */
static int start_training(basin_lab *lab, basin_lab_run *r)
{
    basin_net_problem *np;
    double *w;
    if (basin_subject_net(lab->dataset, &r->model, &r->init, NULL, r->train.seed, &np, &w) != BASIN_SUBJECT_OK)
        return basin_lab_fail(r->origin, "%s", basin_error_message());
    np->l1 = r->train.l1;
    np->augment = r->augment.entry, np->augment_params = &r->augment.params;
    basin_spec opt_spec = r->opt; /* a shallow copy: the parallel mode may change its numbers, not the lab's */
    if (r->parallel.entry && basin_parallel_training_adapt_optimizer(&r->parallel, &opt_spec) != 0) {
        basin_problem_destroy(&np->base);
        free(w);
        return basin_lab_fail(r->origin, "%s", basin_error_message());
    }
    basin_optimizer *opt = basin_optimizer_create(opt_spec.entry, &opt_spec.params, np->base.dim);
    basin_schedule *sched = r->schedule.entry ? basin_schedule_create(r->schedule.entry, &r->schedule.params) : NULL;
    basin_train_config cfg = basin_train_settings_config(&r->train);
    int rc = -1;
    if (!opt || (r->schedule.entry && !sched)) {
        basin_lab_fail(r->origin, "%s", basin_error_message()[0] ? basin_error_message() : "out of memory");
    } else if (basin_train_check(np, &cfg) != 0) {
        basin_lab_fail(r->origin, "%s", basin_error_message());
    } else if (r->augment.entry && basin_lab_has_view(lab, BASIN_VIEW_AUGMENT) &&
               !(r->augment_samples = basin_augment_samples(lab->dataset, &r->augment, r->train.seed))) {
        basin_lab_fail(r->origin, "%s", basin_error_message());
    } else {
        r->session = basin_net_training_start(np, w, opt, sched, &cfg, lab_wants(lab), &r->parallel, &r->training);
        rc = r->session ? 0 : basin_lab_fail(r->origin, "%s", basin_error_message());
        np = NULL, opt = NULL, sched = NULL; /* the session owns them, even when it failed */
    }
    if (np)
        basin_problem_destroy(&np->base);
    basin_schedule_destroy(sched);
    basin_optimizer_destroy(opt);
    free(w);
    for (int m = 0; m < BASIN_MEASURES; m++)
        r->measures[m] = NAN;
    return rc;
}

/* A run whose training has ended: its session goes, its sharpness measures come (with the view). */
static int end_training(basin_lab *lab, basin_lab_run *r, const basin_lab_sync *sync)
{
    basin_net_training_free(r->session);
    r->session = NULL;
    double measures[BASIN_MEASURES];
    if (!basin_lab_has_view(lab, BASIN_VIEW_MEASURES) || r->training->len == 0)
        return 0;
    if (basin_sharpness_measures(r->training, measures) != 0)
        return basin_lab_fail(r->origin, "sharpness measures: %s", basin_error_message());
    basin_lab_sync_lock(sync);
    memcpy(r->measures, measures, sizeof measures);
    basin_lab_sync_unlock(sync);
    return 0;
}

int basin_lab_advance(basin_lab *lab, const basin_lab_sync *sync, bool regions)
{
    for (size_t tried = 0; tried < lab->n_runs; tried++) {
        basin_lab_run *r = &lab->runs[lab->next_run];
        lab->next_run = (lab->next_run + 1) % lab->n_runs;
        if (!r->session)
            continue;
        int rc = basin_net_training_step(r->session, sync);
        if (rc < 0)
            return basin_lab_fail(r->origin, "%s", basin_error_message());
        if (rc == 1 && regions && basin_net_training_fill_latest(r->session, sync) != 0)
            return basin_lab_fail(r->origin, "%s", basin_error_message());
        if (rc == 0 && end_training(lab, r, sync) != 0)
            return -1;
        return 1;
    }
    return 0;
}

const basin_lab_run *basin_lab_landscape_run(const basin_lab *lab, size_t wanted)
{
    if (wanted < lab->n_runs && lab->runs[wanted].training && lab->runs[wanted].training->land_ready)
        return &lab->runs[wanted];
    for (size_t i = 0; i < lab->n_runs; i++)
        if (lab->runs[i].training && lab->runs[i].training->land_ready)
            return &lab->runs[i];
    return NULL;
}

bool basin_lab_training(const basin_lab *lab)
{
    for (size_t i = 0; i < lab->n_runs; i++)
        if (lab->runs[i].session)
            return true;
    return false;
}

/* Whether two splits hold the same examples, bit for bit. */
static bool same_split(const basin_split *a, const basin_split *b, const basin_dataset *d)
{
    size_t nx = a->n * d->n_features, nt = a->n * d->n_targets;
    return a->n == b->n && memcmp(a->x, b->x, nx * sizeof *a->x) == 0 &&
           (!a->label || (b->label && memcmp(a->label, b->label, a->n * sizeof *a->label) == 0)) &&
           (!a->target || (b->target && memcmp(a->target, b->target, nt * sizeof *a->target) == 0));
}

bool basin_lab_share_data(basin_lab *lab, basin_lab *old)
{
    const basin_dataset *a = lab->dataset, *b = old->dataset;
    if (!a || !b || a->n_features != b->n_features || a->n_classes != b->n_classes || a->n_targets != b->n_targets ||
        !same_split(&a->train, &b->train, a) || !same_split(&a->test, &b->test, a))
        return false;
    basin_dataset *mine = lab->dataset;
    lab->dataset = old->dataset;
    old->dataset = mine;
    return true;
}

size_t basin_lab_adopt(basin_lab *lab, basin_lab *old)
{
    size_t adopted = 0;
    if (!lab->dataset || !old->dataset)
        return 0;
    basin_net_trace_wants want = lab_wants(lab), had = lab_wants(old);
    if (memcmp(&want, &had, sizeof want) != 0 ||
        basin_lab_has_view(lab, BASIN_VIEW_AUGMENT) != basin_lab_has_view(old, BASIN_VIEW_AUGMENT) ||
        basin_lab_has_view(lab, BASIN_VIEW_MEASURES) != basin_lab_has_view(old, BASIN_VIEW_MEASURES))
        return 0;
    for (size_t i = 0; i < lab->n_runs; i++) {
        basin_lab_run *r = &lab->runs[i];
        for (size_t j = 0; j < old->n_runs; j++) {
            basin_lab_run *o = &old->runs[j];
            if (!o->training || o->training->np->data != lab->dataset || strcmp(o->label, r->label) != 0 ||
                strcmp(o->training_key, r->training_key) != 0)
                continue;
            basin_net_training_free(r->session); /* a fresh start, replaced by the training that went on */
            basin_net_trace_free(r->training);
            free(r->augment_samples);
            r->training = o->training, r->session = o->session, r->augment_samples = o->augment_samples;
            memcpy(r->measures, o->measures, sizeof r->measures);
            o->training = NULL, o->session = NULL, o->augment_samples = NULL;
            adopted++;
            break;
        }
    }
    return adopted;
}

int basin_lab_simulate(basin_lab *lab)
{
    return basin_lab_run_all(lab) == 0 && basin_lab_fill_views(lab, false, NULL) == 0 ? 0 : -1;
}

/* A clone of each training run's problem: a model of its own, whatever the window reads meanwhile. */
static basin_net_problem **clone_runs(const basin_lab *lab)
{
    basin_net_problem **replicas = calloc(lab->n_runs + 1, sizeof *replicas);
    for (size_t i = 0; replicas && i < lab->n_runs; i++) {
        const basin_lab_run *r = &lab->runs[i];
        if (r->training && !(replicas[i] = basin_net_problem_clone(r->training->np, 0))) {
            for (size_t j = 0; j < i; j++)
                basin_problem_destroy(replicas[j] ? &replicas[j]->base : NULL);
            free(replicas);
            return NULL;
        }
    }
    if (!replicas)
        basin_error_set("out of memory");
    return replicas;
}

/* In the order a viewer needs them: every run's last-frame regions (what a figure shows), the landscapes,
 * then (every_frame) the coarse regions of each frame across the runs, then the fine ones; what is there
 * already is kept, and it stops early (returning 0) when sync says the reader wants no more. */
int basin_lab_fill_views(basin_lab *lab, bool every_frame, const basin_lab_sync *sync)
{
    if (!lab->dataset)
        return 0;
    basin_net_problem **replicas = clone_runs(lab);
    const char *origin = lab->source ? lab->source : "lab";
    if (!replicas)
        return basin_lab_fail(origin, "%s", basin_error_message());
    size_t frames = 0;
    for (size_t i = 0; i < lab->n_runs; i++)
        if (lab->runs[i].training && lab->runs[i].training->len > frames)
            frames = lab->runs[i].training->len;
    int rc = 0;
    for (size_t i = 0; i < lab->n_runs && rc == 0; i++) {
        basin_net_trace *t = lab->runs[i].training;
        if (t && t->len)
            rc = basin_net_trace_fill_boundary(t, replicas[i], t->len - 1, false, sync);
    }
    for (size_t i = 0; i < lab->n_runs && rc == 0 && !basin_lab_sync_stopped(sync); i++)
        if (lab->runs[i].training && lab->runs[i].training->land_grid && !lab->runs[i].training->land_done)
            rc = basin_net_trace_landscape(lab->runs[i].training, replicas[i], sync);
    for (int pass = 0; every_frame && pass < 2 && rc == 0; pass++)
        for (size_t k = 0; k < frames && rc == 0 && !basin_lab_sync_stopped(sync); k++)
            for (size_t i = 0; i < lab->n_runs && rc == 0; i++)
                if (lab->runs[i].training)
                    rc = basin_net_trace_fill_boundary(lab->runs[i].training, replicas[i], k, pass == 0, sync);
    if (rc != 0)
        basin_lab_fail(origin, "%s", basin_error_message());
    for (size_t i = 0; i < lab->n_runs; i++)
        basin_problem_destroy(replicas[i] ? &replicas[i]->base : NULL);
    free(replicas);
    return rc;
}

int basin_lab_run_all(basin_lab *lab)
{
    if (basin_lab_start(lab) != 0)
        return -1;
    int rc;
    while ((rc = basin_lab_advance(lab, NULL, false)) == 1)
        continue;
    return rc;
}

int basin_lab_start(basin_lab *lab)
{
    for (size_t i = 0; i < lab->n_runs && lab->dataset; i++)
        if (!lab->runs[i].training && start_training(lab, &lab->runs[i]) != 0)
            return -1;
    for (size_t i = 0; i < lab->n_runs && !lab->dataset; i++) {
        basin_lab_run *r = &lab->runs[i];
        basin_run_destroy(r->run);
        basin_optimizer *opt = basin_optimizer_create(r->opt.entry, &r->opt.params, lab->problem->dim);
        basin_schedule *schedule = NULL;
        if (opt && r->schedule.entry)
            schedule = basin_schedule_create(r->schedule.entry, &r->schedule.params);
        if (!opt || (r->schedule.entry && !schedule)) {
            basin_optimizer_destroy(opt);
            return basin_lab_fail(r->origin, "%s", basin_error_message());
        }
        r->run = basin_run_create(lab->problem, opt, schedule, r->start, r->seed, r->batch, lab->steps);
        if (!r->run)
            return basin_lab_fail(r->origin, "%s", basin_error_message());
        if (r->parallel.entry) {
            basin_async *async = basin_async_create(&r->parallel.params, r->seed);
            if (!async)
                return basin_lab_fail(r->origin, "%s", basin_error_message());
            basin_run_set_async(r->run, async);
        }
        if (basin_lab_has_view(lab, BASIN_VIEW_STEPS) && basin_run_record_coordinate_steps(r->run) != 0)
            return basin_lab_fail(r->origin, "%s", basin_error_message());
        basin_run_steps(r->run, lab->steps);
        basin_modes_free(&r->modes);
        if (basin_lab_has_view(lab, BASIN_VIEW_MODES) && basin_modes_compute(lab->problem, r->run, &r->modes) != 0)
            r->modes = (basin_modes){0}; /* a run that does not end near a minimum has no modes to show */
    }
    return 0;
}


size_t basin_lab_frames(const basin_lab *lab)
{
    if (!lab->dataset)
        return (size_t)lab->steps + 1;
    size_t frames = 1;
    for (size_t i = 0; i < lab->n_runs; i++)
        if (lab->runs[i].training && lab->runs[i].training->len > frames)
            frames = lab->runs[i].training->len;
    return frames;
}

double basin_lab_frame_time(const basin_lab *lab, size_t shown)
{
    if (!lab->dataset)
        return shown ? (double)(shown - 1) : 0;
    double epoch = 0;
    for (size_t i = 0; i < lab->n_runs; i++) {
        const basin_net_trace *t = lab->runs[i].training;
        if (t && t->len) {
            double e = t->epoch[basin_net_trace_frame(t, shown)];
            epoch = e > epoch ? e : epoch;
        }
    }
    return epoch;
}
