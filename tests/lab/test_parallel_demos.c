/* test_parallel_demos.c: the parallelism demos prove their titles and notes, each against something
 * independent of the parallel code: a one-worker run, a closed form (the pipeline bubble, a straggler's
 * idle share, the delayed stability limit), or the timeline's own spans counted again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support_cli.h"

#include "engine/error.h"
#include "lab/lab.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void load(basin_lab *lab, const char *name)
{
    char file[512];
    snprintf(file, sizeof file, "%s/%s", BASIN_DEMOS_DIR, name);
    if (basin_lab_load(lab, file, NULL, 0) != 0 || basin_lab_simulate(lab) != 0)
        fail_msg("%s: %s", name, basin_error_message());
}

/* The largest relative difference of two runs' training losses over their common frames. */
static double loss_gap(const basin_net_trace *a, const basin_net_trace *b)
{
    assert_int_equal(a->len, b->len);
    double worst = 0;
    for (size_t k = 0; k < a->len; k++)
        worst = fmax(worst, fabs(a->train_loss[k] - b->train_loss[k]) / fabs(a->train_loss[k]));
    return worst;
}

static double final_loss(const basin_lab *lab, size_t run)
{
    const basin_net_trace *t = lab->runs[run].training;
    return t->train_loss[t->len - 1];
}

/* The idle share of a timeline's step: 1 − busy time / (rows × the step's span), busy being the union of
 * each row's compute spans, counted here from the spans themselves. */
static double step_idle(const basin_timeline *t, long step)
{
    double from = INFINITY, to = -INFINITY, busy = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->spans[i].step == step)
            from = fmin(from, t->spans[i].start), to = fmax(to, t->spans[i].end);
    for (int row = 0; row < t->rows; row++) {
        double covered = from; /* spans of a row do not overlap and come in time order */
        for (size_t i = 0; i < t->n; i++) {
            const basin_span *s = &t->spans[i];
            if (s->row != row || s->kind == BASIN_SPAN_COMM || s->end <= from || s->start >= to)
                continue;
            double a = fmax(s->start, covered), b = fmin(s->end, to);
            if (b > a)
                busy += b - a, covered = b;
        }
    }
    return 1 - busy / ((double)t->rows * (to - from));
}

/* Four workers with 16 examples each take one worker's steps with 64 (to rounding); BatchNorm on each
 * worker's 16 leaves that run, SyncBatchNorm brings it back. */
static void test_large_batch(void **state)
{
    (void)state;
    basin_lab lab;
    load(&lab, "parallel-1-large-batch.ini");
    double plain = loss_gap(lab.runs[0].training, lab.runs[1].training);
    double local = loss_gap(lab.runs[2].training, lab.runs[3].training);
    double sync = loss_gap(lab.runs[2].training, lab.runs[4].training);
    print_message("largest relative gap to one worker: plain %.1e, BatchNorm local %.2f, synced %.1e\n", plain, local,
                  sync);
    assert_true(plain < 1e-9);
    assert_true(sync < 1e-9);
    assert_true(local > 0.1);
    basin_lab_free(&lab);
}

/* Eight workers at the same rate learn less per epoch than one; both scaling rules learn more than the
 * unscaled run; 64 workers under the linear rule climb (the loss rises tenfold) with λmax far above the
 * stability limit 2(1 + β)/η. */
static void test_batch_size(void **state)
{
    (void)state;
    basin_lab lab;
    load(&lab, "parallel-2-batch-size.ini");
    for (size_t r = 0; r < 5; r++)
        print_message("%s: final train loss %.4f\n", lab.runs[r].label, final_loss(&lab, r));
    assert_true(final_loss(&lab, 1) > 2 * final_loss(&lab, 0));
    assert_true(final_loss(&lab, 2) < 0.75 * final_loss(&lab, 1));
    assert_true(final_loss(&lab, 3) < 0.75 * final_loss(&lab, 1));
    const basin_net_trace *big = lab.runs[4].training;
    double peak = 0, over = 0, limit = 2 * (1 + 0.9) / 3.2;
    for (size_t k = 0; k < big->len; k++)
        peak = fmax(peak, big->train_loss[k]);
    for (size_t k = 0; k < big->n_sharp; k++) {
        assert_true(fabs(big->sharp_limit[k] - limit) < 1e-12);
        over = fmax(over, big->sharp_lambda[k] / big->sharp_limit[k]);
    }
    print_message("64 workers: loss from %.2f up to %.1f; λmax up to %.0f× the limit %.3f\n", big->train_loss[0], peak,
                  over, limit);
    assert_true(peak > 10 * big->train_loss[0]);
    assert_true(over > 10);
    basin_lab_free(&lab);
}

/* On f = (x² + 10y²)/2 at η = 0.09 (ηλmax = 0.9), gradient descent delayed by τ is stable only for
 * ηλ < 2 sin(π/(2(2τ + 1))): τ = 0 and 1 converge, τ = 3 diverges, and η/τ (0.3 < 0.445) converges. Each
 * run's applied gradients are K − 1 updates old. */
static void test_async(void **state)
{
    (void)state;
    basin_lab lab;
    load(&lab, "parallel-3-async.ini");
    const int workers[] = {1, 2, 4, 4};
    const double rate[] = {0.9, 0.9, 0.9, 0.3};
    for (size_t r = 0; r < 4; r++) {
        const basin_trace *t = &lab.runs[r].run->trace;
        int tau = workers[r] - 1;
        bool stable = rate[r] < 2 * sin(M_PI / (2 * (2 * tau + 1)));
        size_t at_tau = 0;
        for (size_t k = 1; k < t->len; k++)
            at_tau += t->staleness[k] == tau;
        print_message("%s: f %.3g → %.3g; τ = %d in %zu of %zu steps (bound %.3f)\n", lab.runs[r].label, t->loss[0],
                      t->loss[t->len - 1], tau, at_tau, t->len - 1, 2 * sin(M_PI / (2 * (2 * tau + 1))));
        if (stable)
            assert_true(t->loss[t->len - 1] < 1e-3 * t->loss[0]);
        else
            assert_true(t->loss[t->len - 1] > 1e3 * t->loss[0]);
        assert_true(at_tau >= (t->len - 1) * 9 / 10);
    }
    basin_lab_free(&lab);
}

/* One worker of four at a quarter speed: synchronous steps take four times as long and three workers idle
 * three quarters of each (9/16 in all); asynchronous SGD idles nowhere and, against simulated time, has the
 * lowest training loss when each synchronous run ends. */
static void test_stragglers(void **state)
{
    (void)state;
    basin_lab lab;
    load(&lab, "parallel-4-stragglers.ini");
    const basin_net_trace *even = lab.runs[0].training, *slow = lab.runs[1].training, *async = lab.runs[2].training;
    double idle_even = step_idle(&even->timeline, 2), idle_slow = step_idle(&slow->timeline, 2);
    double ratio = slow->sim_time[slow->len - 1] / even->sim_time[even->len - 1];
    print_message("idle %.4f and %.4f; synchronous time ×%.3f with the straggler\n", idle_even, idle_slow, ratio);
    assert_true(idle_even < 0.01);
    assert_true(fabs(idle_slow - 9.0 / 16) < 0.01);
    assert_true(fabs(ratio - 4) < 0.1);
    for (int which = 0; which < 2; which++) { /* at the end of each synchronous run */
        const basin_net_trace *sync = which ? slow : even;
        double when = sync->sim_time[sync->len - 1], loss = NAN;
        for (size_t k = 0; k < async->len && async->sim_time[k] <= when; k++)
            loss = async->train_loss[k];
        print_message("at time %.0f: sync %.4f, async %.4f\n", when, sync->train_loss[sync->len - 1], loss);
        assert_true(loss < sync->train_loss[sync->len - 1]);
    }
    size_t old = 0; /* the slow worker's gradients: about 0.25/3.25 of them, each about 12 updates old */
    for (size_t i = 0; i < async->n_stale; i++)
        old += async->staleness[i] >= 9;
    print_message("%zu of %zu gradients 9 or more updates old\n", old, async->n_stale);
    assert_true(fabs((double)old / (double)async->n_stale - 0.25 / 3.25) < 0.02);
    basin_lab_free(&lab);
}

/* The most micro-batches stage 0 holds at once (forward begun, backward not ended), from its spans. */
static int peak_in_flight(const basin_timeline *t, long step)
{
    int peak = 0;
    for (size_t i = 0; i < t->n; i++) {
        const basin_span *s = &t->spans[i];
        if (s->step != step || s->row != 0 || s->kind != BASIN_SPAN_FORWARD)
            continue;
        int held = 0; /* at the moment this forward begins */
        for (size_t j = 0; j < t->n; j++) {
            const basin_span *f = &t->spans[j];
            if (f->step != step || f->row != 0 || f->kind != BASIN_SPAN_FORWARD || f->start > s->start)
                continue;
            bool released = false;
            for (size_t k = 0; k < t->n && !released; k++)
                released = t->spans[k].step == step && t->spans[k].row == 0 && t->spans[k].micro == f->micro &&
                           t->spans[k].kind == BASIN_SPAN_BACKWARD && t->spans[k].end <= s->start;
            held += !released;
        }
        peak = held > peak ? held : peak;
    }
    return peak;
}

/* With S = 4 equal stages the bubble is (S − 1)/(M + S − 1) under both schedules; GPipe holds all M
 * micro-batches, 1F1B at most S; every run trains alike. */
static void test_pipeline(void **state)
{
    (void)state;
    basin_lab lab;
    load(&lab, "parallel-5-pipeline.ini");
    const int micro[] = {1, 4, 16, 16}, held[] = {1, 4, 16, 4};
    for (size_t r = 0; r < 4; r++) {
        const basin_net_trace *t = lab.runs[r].training;
        double idle = step_idle(&t->timeline, 1), bubble = 3.0 / (micro[r] + 3);
        int peak = peak_in_flight(&t->timeline, 1);
        print_message("%s: idle %.4f (bubble %.4f), %d micro-batches held; loss gap %.1e\n", lab.runs[r].label, idle,
                      bubble, peak, loss_gap(lab.runs[0].training, t));
        assert_true(fabs(idle - bubble) < 1e-9);
        assert_int_equal(peak, held[r]);
        assert_true(loss_gap(lab.runs[0].training, t) < 1e-9);
    }
    basin_lab_free(&lab);
}

/* Megatron's split trains as one worker does (T = 2, 4, and data parallel alike), and a tensor-parallel
 * worker sends the activations, far fewer values than data parallel's gradient. */
static void test_tensor(void **state)
{
    (void)state;
    basin_lab lab;
    load(&lab, "parallel-6-tensor.ini");
    double sent[4] = {0};
    for (size_t r = 1; r < 4; r++) {
        const basin_net_trace *t = lab.runs[r].training;
        assert_int_equal(sscanf(t->timeline.note, "%lf values sent", &sent[r]), 1);
        print_message("%s: loss gap %.1e, %.0f values sent per worker a step\n", lab.runs[r].label,
                      loss_gap(lab.runs[0].training, t), sent[r]);
        assert_true(loss_gap(lab.runs[0].training, t) < 1e-9);
    }
    assert_true(sent[1] < sent[2] && 2 * sent[2] < sent[3]);
    basin_lab_free(&lab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_large_batch), cmocka_unit_test(test_batch_size), cmocka_unit_test(test_async),
        cmocka_unit_test(test_stragglers),  cmocka_unit_test(test_pipeline),   cmocka_unit_test(test_tensor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
