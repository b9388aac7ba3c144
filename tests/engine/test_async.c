/* test_async.c: asynchronous SGD as a delay rule. Round-robin with K workers is a fixed delay of K−1,
 * bit for bit; gradient descent with delay τ on f = λx²/2 converges just below ηλ = 2·sin(π/(2(2τ+1)))
 * and diverges just above (τ = 0, 1, 2, 4), the closed form being the root of z^(τ+1) − z^τ + ηλ = 0 on
 * the unit circle; a 1-D run's iterates equal the recurrence x_{t+1} = x_t − ηλ·x_{max(0,t−τ)}. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/error.h"
#include "engine/parallel/async.h"
#include "engine/parallel/async_training.h"
#include "engine/spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static basin_async *rule(const char *text)
{
    basin_spec spec;
    assert_int_equal(basin_spec_parse(&spec, BASIN_KIND_PARALLEL, text), 0);
    basin_async *a = basin_async_create(&spec.params, 1);
    basin_spec_clear(&spec);
    assert_non_null(a);
    return a;
}

static basin_problem *problem(const char *text)
{
    basin_spec spec;
    assert_int_equal(basin_spec_parse(&spec, BASIN_KIND_SURFACE, text), 0);
    basin_problem *p = basin_problem_create(spec.entry, &spec.params);
    basin_spec_clear(&spec);
    assert_non_null(p);
    return p;
}

static basin_run *async_run(const basin_problem *p, const char *opt, const char *parallel, const double *start,
                            long steps)
{
    basin_run *r = support_run(p, opt, NULL, start, 1, 0, steps);
    basin_run_set_async(r, rule(parallel));
    basin_run_steps(r, steps);
    return r;
}

static void test_round_robin_is_a_fixed_delay(void **state)
{
    (void)state;
    basin_problem *p = problem("rosenbrock");
    const double start[2] = {-1.5, 2};
    for (int k = 1; k <= 5; k++) {
        char rr[64], fixed[64];
        snprintf(rr, sizeof rr, "async:workers=%d", k);
        snprintf(fixed, sizeof fixed, "async:order=fixed,delay=%d", k - 1);
        basin_run *a = async_run(p, "sgd:lr=2e-4,momentum=0.5", rr, start, 300);
        basin_run *b = async_run(p, "sgd:lr=2e-4,momentum=0.5", fixed, start, 300);
        assert_int_equal(a->trace.len, 301);
        assert_int_equal(b->trace.len, 301);
        assert_memory_equal(a->trace.w, b->trace.w, 301 * 2 * sizeof(double));
        /* staleness K−1 once every worker has pushed: Σ τ = Σ_{t<K−1} t + (300 − (K−1))·(K−1) */
        double want = (k - 1) * (k - 2) / 2.0 + (300.0 - (k - 1)) * (k - 1);
        assert_true(a->staleness_sum == want);
        basin_run *fresh = async_run(p, "sgd:lr=2e-4,momentum=0.5", "async:workers=1", start, 300);
        if (k > 1) /* and the delay matters */
            assert_true(memcmp(a->trace.w + 600, fresh->trace.w + 600, 2 * sizeof(double)) != 0);
        basin_run_destroy(a), basin_run_destroy(b), basin_run_destroy(fresh);
    }
    basin_problem_destroy(p);
}

/* |x| after steps of delayed GD at ηλ = factor × the limit, from x0 = 1, as a run; the run's iterates are
 * checked against the recurrence on the way. */
static double final_size(long tau, double factor, long steps)
{
    basin_problem *p = problem("quadratic:eig=1");
    double lr = factor * basin_async_stability_limit(tau), x0 = 1;
    char opt[64], parallel[64];
    snprintf(opt, sizeof opt, "sgd:lr=%.17g", lr);
    snprintf(parallel, sizeof parallel, "async:order=fixed,delay=%ld", tau);
    basin_run *r = async_run(p, opt, parallel, &x0, steps);
    double *x = malloc((size_t)(steps + 1) * sizeof *x);
    assert_non_null(x);
    x[0] = x0;
    for (long t = 0; t < (long)r->trace.len - 1; t++) {
        x[t + 1] = x[t] - lr * x[t > tau ? t - tau : 0];
        assert_true(fabs(r->trace.w[t + 1] - x[t + 1]) <= 1e-12 * fmax(1, fabs(x[t + 1])));
    }
    double size = r->trace.len == (size_t)steps + 1 ? fabs(r->trace.w[steps]) : INFINITY;
    free(x);
    basin_run_destroy(r);
    basin_problem_destroy(p);
    return size;
}

static void test_delayed_gradient_descent_stability_law(void **state)
{
    (void)state;
    /* the limits themselves: 2, 1, 0.618, 0.445, 0.347 */
    static const double limits[] = {2, 1, 0.6180339887498949, 0.4450418679126288, 0.3472963553338607};
    for (long tau = 0; tau <= 4; tau++)
        assert_true(fabs(basin_async_stability_limit(tau) - limits[tau]) < 1e-15);
    static const long taus[] = {0, 1, 2, 4};
    for (size_t i = 0; i < sizeof taus / sizeof *taus; i++) {
        double below = final_size(taus[i], 0.98, 20000), above = final_size(taus[i], 1.02, 20000);
        print_message("tau %ld: |x| after 20000 steps: %.3g at 0.98 of the limit, %.3g at 1.02\n", taus[i], below,
                      above);
        assert_true(below < 1e-6);
        assert_true(above > 1e6);
    }
}

/* K = 4 workers in turn at ηλ = 1.2 on f = x²/2: τ = 3 allows only 0.445, so the run diverges; with
 * lr_staleness=inverse each step takes η/τ = 0.4 once every worker has pushed, and it converges; the
 * trace's learning rates are the divided ones. */
static void test_inverse_staleness_learning_rate(void **state)
{
    (void)state;
    basin_problem *p = problem("quadratic:eig=1");
    double x0 = 1;
    basin_run *plain = async_run(p, "sgd:lr=1.2", "async:workers=4", &x0, 20000);
    basin_run *inverse = async_run(p, "sgd:lr=1.2", "async:workers=4,lr_staleness=inverse", &x0, 20000);
    assert_true(plain->diverged_at >= 0 || fabs(plain->trace.w[plain->trace.len - 1]) > 1e6);
    assert_int_equal(inverse->trace.len, 20001);
    assert_true(fabs(inverse->trace.w[20000]) < 1e-6);
    /* staleness 0, 1, 2 for the first pushes, then 3 */
    static const double factors[] = {1, 1, 0.5, 1.0 / 3, 1.0 / 3};
    for (int t = 0; t < 5; t++)
        assert_true(fabs(inverse->trace.lr[t] - 1.2 * factors[t]) < 1e-15);
    basin_run_destroy(plain), basin_run_destroy(inverse);
    basin_problem_destroy(p);
}

/* order=events: with equal speeds and no jitter it is round-robin, bit for bit; seeded orders repeat bit
 * for bit and another seed gives another order. A worker's gradient is about (Σ other speeds)/its speed
 * updates old (the others' pushes while it computes): 3/0.25 = 12 for a straggler at a quarter speed
 * among three at 1, 2.25 for those; 4000 pushes take 4000/3.25 time units. */
static void test_events(void **state)
{
    (void)state;
    basin_problem *p = problem("rosenbrock");
    const double start[2] = {-1.5, 2};
    basin_run *rr = async_run(p, "sgd:lr=2e-4", "async:workers=3", start, 300);
    basin_run *ev = async_run(p, "sgd:lr=2e-4", "async:workers=3,order=events,jitter=0", start, 300);
    assert_memory_equal(rr->trace.w, ev->trace.w, 301 * 2 * sizeof(double));
    assert_true(ev->trace.sim_time[300] == 100); /* three pushes per time unit */
    basin_run_destroy(rr), basin_run_destroy(ev);

    const char *straggler = "async:workers=4,order=events,speeds=1/1/1/0.25";
    basin_run *a = async_run(p, "sgd:lr=2e-4", straggler, start, 4000);
    basin_run *b = async_run(p, "sgd:lr=2e-4", straggler, start, 4000);
    basin_run *c = support_run(p, "sgd:lr=2e-4", NULL, start, 2, 0, 4000);
    basin_spec spec;
    assert_int_equal(basin_spec_parse(&spec, BASIN_KIND_PARALLEL, straggler), 0);
    basin_run_set_async(c, basin_async_create(&spec.params, 2));
    basin_spec_clear(&spec);
    basin_run_steps(c, 4000);
    assert_memory_equal(a->trace.w, b->trace.w, 4001 * 2 * sizeof(double));
    assert_memory_equal(a->trace.staleness, b->trace.staleness, 4001 * sizeof(double));
    assert_true(memcmp(a->trace.staleness, c->trace.staleness, 4001 * sizeof(double)) != 0);
    /* the straggler's pushes are those with the largest staleness: 4000 steps take about 4000/3.25 time
     * units, in which it pushes about 4000/3.25/4 ≈ 308 times */
    double slow = 0, fast = 0;
    long n_slow = 0, n_fast = 0;
    for (size_t t = 100; t <= 4000; t++)
        if (a->trace.staleness[t] >= 8)
            slow += a->trace.staleness[t], n_slow++;
        else
            fast += a->trace.staleness[t], n_fast++;
    double horizon = a->trace.sim_time[4000];
    print_message("straggler: %ld pushes, mean staleness %.2f; others %.2f; clock %.1f\n", n_slow, slow / n_slow,
                  fast / n_fast, horizon);
    assert_true(fabs(horizon - 4000 / 3.25) < 0.02 * 4000 / 3.25);
    assert_true(fabs((double)n_slow - (horizon - a->trace.sim_time[100]) * 0.25) < 0.05 * horizon * 0.25);
    assert_true(fabs(slow / n_slow - 12) < 0.6);
    assert_true(fabs(fast / n_fast - 2.25) < 0.2);
    basin_run_destroy(a), basin_run_destroy(b), basin_run_destroy(c);
    basin_problem_destroy(p);
}

/* ssp=0: every worker of a round reads the same point, so after each round of K pushes plain SGD has
 * taken one synchronous step with the K gradients summed: gradient descent at K·η, whatever the speeds.
 * ssp=S keeps every worker within S + 1 pushes of the slowest (counted at the push). */
static void test_stale_synchronous_parallel(void **state)
{
    (void)state;
    basin_problem *p = problem("quadratic:eig=1/10,angle=30");
    const double start[2] = {1, 1};
    enum { K = 3, ROUNDS = 40 };
    basin_run *r = async_run(p, "sgd:lr=0.02", "async:workers=3,order=events,speeds=1/0.5/0.2,ssp=0", start, K * ROUNDS);
    basin_run *gd = support_run(p, "sgd:lr=0.06", NULL, start, 1, 0, ROUNDS);
    basin_run_steps(gd, ROUNDS);
    double worst = 0;
    for (long round = 0; round <= ROUNDS; round++)
        for (int j = 0; j < 2; j++)
            worst = fmax(worst, fabs(r->trace.w[(size_t)(round * K) * 2 + j] - gd->trace.w[(size_t)round * 2 + j]));
    print_message("ssp=0 against gradient descent at 3η every 3 steps: %.3g\n", worst);
    assert_true(worst < 1e-12);
    for (long t = 1; t <= K * ROUNDS; t++) /* within a round: τ = 0, 1, 2 */
        assert_true(r->trace.staleness[t] == (double)((t - 1) % K));
    basin_run_destroy(r), basin_run_destroy(gd);

    basin_spec spec;
    assert_int_equal(basin_spec_parse(&spec, BASIN_KIND_PARALLEL, "async:workers=2,order=events,speeds=1/0.1,ssp=2"), 0);
    basin_async *a = basin_async_create(&spec.params, 9);
    basin_spec_clear(&spec);
    long pushes[2] = {0, 0}, widest = 0;
    for (long t = 0; t < 1000; t++) {
        basin_async_read(a, t);
        pushes[basin_async_last_worker(a)]++;
        widest = labs(pushes[0] - pushes[1]) > widest ? labs(pushes[0] - pushes[1]) : widest;
    }
    print_message("ssp=2 with a worker 10 times slower: at most %ld pushes apart\n", widest);
    assert_int_equal(widest, 3);
    basin_async_destroy(a);
    basin_problem_destroy(p);
}

static void test_bad_keys(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"async:workers=3,order=events,speeds=1/2", "speeds= gives 2 speeds for workers=3"},
        {"async:speeds=1/1/1/1", "speeds= applies to order=events"},
        {"async:order=fixed,delay=2,ssp=1", "ssp= applies to workers that push"},
        {"async:order=fixed", "order=fixed needs delay=T"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        basin_spec spec;
        assert_int_equal(basin_spec_parse(&spec, BASIN_KIND_PARALLEL, cases[k][0]), 0);
        assert_null(basin_async_create(&spec.params, 1));
        basin_spec_clear(&spec);
        if (!strstr(basin_error_message(), cases[k][1]))
            fail_msg("%s: '%s' does not say '%s'", cases[k][0], basin_error_message(), cases[k][1]);
    }
}

/* A network trained by asynchronous SGD: with one worker it is the plain trainer, bit for bit;
 * round-robin with K workers is a fixed delay of K−1, bit for bit; a fixed delay T on the full batch is the
 * recurrence w_{t+1} = w_t − η·∇L(w_{max(0, t−T)}) computed here from the loss alone; lr_staleness=inverse
 * logs η/τ. */
typedef struct net_run {
    basin_net_problem *np;
    double *w;
    basin_optimizer *opt;
    basin_async_training *at;
    basin_trainer *trainer;
} net_run;

static net_run net_start(const basin_dataset *data, const char *parallel, const basin_train_config *cfg)
{
    net_run r = {0};
    r.np = support_net_problem("mlp:hidden=16", data, 3);
    r.w = malloc(r.np->base.dim * sizeof *r.w);
    assert_non_null(r.w);
    support_init("default", r.np->net.model, r.w, 1);
    r.opt = support_optimizer("sgd:lr=0.2", r.np->base.dim);
    basin_grad_source source = basin_grad_source_local(r.np);
    if (parallel) {
        basin_spec spec;
        assert_int_equal(basin_spec_parse(&spec, BASIN_KIND_PARALLEL, parallel), 0);
        r.at = basin_async_training_create(r.np, &spec.params, cfg->batch, cfg->seed);
        basin_spec_clear(&spec);
        assert_non_null(r.at);
        source = basin_async_training_source(r.at);
    }
    r.trainer = basin_trainer_create(r.np, r.w, r.opt, NULL, cfg, source);
    assert_non_null(r.trainer);
    return r;
}

static void net_steps(net_run *r, long steps, double *lrs)
{
    basin_train_row row;
    for (long s = 0; s <= steps; s++) {
        assert_int_equal(basin_trainer_step(r->trainer, &row), 1);
        if (lrs)
            lrs[s] = row.lr;
    }
}

static void net_finish(net_run *r)
{
    basin_trainer_destroy(r->trainer);
    basin_async_training_destroy(r->at);
    basin_optimizer_destroy(r->opt);
    basin_problem_destroy(&r->np->base);
    free(r->w);
}

static void test_asynchronous_training(void **state)
{
    (void)state;
    basin_dataset *data = support_dataset("digits", 0);
    basin_train_config cfg = {.epochs = -1, .steps = 30, .batch = 32, .seed = 5};
    net_run plain = net_start(data, NULL, &cfg), one = net_start(data, "async:workers=1", &cfg);
    net_run rr = net_start(data, "async:workers=3", &cfg), fixed = net_start(data, "async:order=fixed,delay=2", &cfg);
    net_steps(&plain, 30, NULL), net_steps(&one, 30, NULL), net_steps(&rr, 30, NULL), net_steps(&fixed, 30, NULL);
    size_t n = plain.np->base.dim;
    assert_memory_equal(plain.w, one.w, n * sizeof *plain.w);
    assert_memory_equal(rr.w, fixed.w, n * sizeof *rr.w);
    assert_true(support_max_rel_diff(rr.w, plain.w, n) > 1e-6);
    net_finish(&plain), net_finish(&one), net_finish(&rr), net_finish(&fixed);

    enum { T = 2, STEPS = 15 };
    basin_train_config full = {.epochs = -1, .steps = STEPS, .batch = 0, .seed = 5};
    net_run delayed = net_start(data, "async:order=fixed,delay=2", &full);
    net_steps(&delayed, STEPS, NULL);
    basin_net_problem *ref = support_net_problem("mlp:hidden=16", data, 3);
    double *history = malloc((STEPS + 1) * n * sizeof *history), *g = malloc(n * sizeof *g);
    assert_true(history && g);
    support_init("default", ref->net.model, history, 1);
    for (long t = 0; t < STEPS; t++) {
        long read = t > T ? t - T : 0;
        basin_net_eval(ref, history + (size_t)read * n, BASIN_FULL_BATCH, &BASIN_EVAL_TRAIN_FIXED, g);
        for (size_t i = 0; i < n; i++)
            history[(size_t)(t + 1) * n + i] = history[(size_t)t * n + i] - 0.2 * g[i];
    }
    double diff = support_max_rel_diff(delayed.w, history + (size_t)STEPS * n, n);
    print_message("delay 2 on the full batch against the recurrence: %.3g relative\n", diff);
    assert_true(diff < 1e-12);
    free(history), free(g);
    basin_problem_destroy(&ref->base);
    net_finish(&delayed);

    double lrs[11];
    net_run inverse = net_start(data, "async:workers=4,lr_staleness=inverse", &cfg);
    net_steps(&inverse, 10, lrs);
    static const double factors[] = {1, 1, 0.5, 1.0 / 3, 1.0 / 3};
    for (int t = 0; t < 5; t++) /* row t + 1 logs step t's rate */
        assert_true(fabs(lrs[t + 1] - 0.2 * factors[t]) < 1e-15);
    net_finish(&inverse);
    basin_dataset_destroy(data);
}

/* A run replayed: the pushes an events run recorded, given to order=replay, give its weights bit for bit
 * (the same staleness, learning rates and batches at every step); a replay that runs out stops with a
 * message; a push by a worker that does not exist is refused. */
static void test_replay(void **state)
{
    (void)state;
    basin_dataset *data = support_dataset("digits", 0);
    enum { STEPS = 40 };
    basin_train_config cfg = {.epochs = -1, .steps = STEPS, .batch = 16, .seed = 5};
    net_run events = net_start(data, "async:workers=3,order=events,speeds=1/2/0.5,jitter=0.5", &cfg);
    net_steps(&events, STEPS, NULL);
    size_t n;
    const int *pushes = basin_async_training_pushes(events.at, &n);
    assert_int_equal(n, STEPS);
    char spec[512] = "async:workers=3,order=replay,pushes=";
    int by[3] = {0};
    for (size_t i = 0; i < n; i++) {
        snprintf(spec + strlen(spec), sizeof spec - strlen(spec), "%s%d", i ? "/" : "", pushes[i]);
        by[pushes[i]]++;
    }
    print_message("pushes by worker at speeds 1, 2, 0.5: %d, %d, %d\n", by[0], by[1], by[2]);
    assert_true(by[1] > by[0] && by[0] > by[2]); /* the recorded order is not a trivial one */
    net_run replay = net_start(data, spec, &cfg);
    net_steps(&replay, STEPS, NULL);
    assert_memory_equal(events.w, replay.w, events.np->base.dim * sizeof *events.w);
    net_finish(&replay);

    net_run short_run = net_start(data, "async:workers=3,order=replay,pushes=0/1/2/0", &cfg);
    net_steps(&short_run, 4, NULL);
    basin_train_row row;
    assert_int_equal(basin_trainer_step(short_run.trainer, &row), -1);
    assert_non_null(strstr(basin_error_message(), "the replay holds 4 pushes and step 5 asks for one more"));
    net_finish(&short_run), net_finish(&events);
    basin_dataset_destroy(data);

    basin_spec bad;
    assert_int_equal(basin_spec_parse(&bad, BASIN_KIND_PARALLEL, "async:workers=2,order=replay,pushes=0/2"), 0);
    assert_null(basin_async_create(&bad.params, 1));
    assert_non_null(strstr(basin_error_message(), "push 2 of the replay is by worker 2, not one of workers=2"));
    basin_spec_clear(&bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_robin_is_a_fixed_delay),
        cmocka_unit_test(test_delayed_gradient_descent_stability_law),
        cmocka_unit_test(test_inverse_staleness_learning_rate),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_stale_synchronous_parallel),
        cmocka_unit_test(test_bad_keys),
        cmocka_unit_test(test_asynchronous_training),
        cmocka_unit_test(test_replay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
