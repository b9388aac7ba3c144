/* test_clone.c: a network problem's clones are independent: two threads evaluating two clones give the same
 * loss and gradient bits as one thread evaluating them in turn, and a clone answers as the original does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH = 40, ROUNDS = 20 };

typedef struct job {
    basin_net_problem *np; /* owned */
    const double *w;
    size_t idx[BATCH];
    double loss[ROUNDS], *grad; /* ROUNDS × dim */
} job;

/* ROUNDS training-mode evaluations (dropout masks drawn, running statistics moved) of one clone. */
static void *run(void *arg)
{
    job *j = arg;
    basin_eval_opts step = {.mode = BASIN_MODE_TRAIN, .update_stats = true, .dropout = true, .augment = true};
    for (int r = 0; r < ROUNDS; r++)
        j->loss[r] = basin_net_eval(j->np, j->w, (basin_batch){j->idx, BATCH}, &step, j->grad + r * j->np->base.dim);
    return NULL;
}

static void test_two_threads_same_bits(void **state)
{
    (void)state;
    basin_dataset *d = support_dataset("moons:n=300", 0);
    basin_net_problem *np = support_net_problem("mlp:hidden=32/32,norm=batch,dropout=0.2", d, 1);
    size_t n = np->base.dim;
    double *w = malloc(n * sizeof *w);
    support_init("default", np->net.model, w, 2);
    job jobs[2][2]; /* [threaded, sequential][clone] */
    for (int mode = 0; mode < 2; mode++)
        for (int c = 0; c < 2; c++) {
            job *j = &jobs[mode][c];
            j->np = basin_net_problem_clone(np, 10 + (unsigned long)c);
            assert_non_null(j->np);
            j->w = w;
            j->grad = malloc(ROUNDS * n * sizeof *j->grad);
            for (size_t k = 0; k < BATCH; k++)
                j->idx[k] = (k * 7 + (size_t)c * 3) % d->train.n;
        }
    pthread_t threads[2];
    for (int c = 0; c < 2; c++)
        assert_int_equal(pthread_create(&threads[c], NULL, run, &jobs[0][c]), 0);
    for (int c = 0; c < 2; c++)
        pthread_join(threads[c], NULL);
    for (int c = 0; c < 2; c++)
        run(&jobs[1][c]);
    for (int c = 0; c < 2; c++) {
        assert_memory_equal(jobs[0][c].loss, jobs[1][c].loss, sizeof jobs[0][c].loss);
        assert_memory_equal(jobs[0][c].grad, jobs[1][c].grad, ROUNDS * n * sizeof(double));
        const basin_model *a = jobs[0][c].np->net.model, *b = jobs[1][c].np->net.model;
        assert_memory_equal(a->state, b->state, a->n_state * sizeof *a->state);
    }
    /* the two clones drew different dropout masks, and the original's state did not move */
    assert_true(memcmp(jobs[0][0].loss, jobs[0][1].loss, sizeof jobs[0][0].loss) != 0);
    basin_net_problem *fresh = basin_net_problem_clone(np, 0);
    assert_memory_equal(fresh->net.model->state, np->net.model->state, np->net.model->n_state * sizeof(double));
    /* a clone answers as the original does (eval mode: no randomness) */
    double *g0 = malloc(n * sizeof *g0), *g1 = malloc(n * sizeof *g1);
    double l0 = basin_net_eval(np, w, BASIN_FULL_BATCH, &BASIN_EVAL_EVAL, g0);
    double l1 = basin_net_eval(fresh, w, BASIN_FULL_BATCH, &BASIN_EVAL_EVAL, g1);
    assert_memory_equal(&l0, &l1, sizeof l0);
    assert_memory_equal(g0, g1, n * sizeof *g0);
    print_message("    2 clones × %d training steps on 2 threads: the same bits as on one\n", ROUNDS);
    for (int mode = 0; mode < 2; mode++)
        for (int c = 0; c < 2; c++) {
            basin_problem_destroy(&jobs[mode][c].np->base);
            free(jobs[mode][c].grad);
        }
    basin_problem_destroy(&fresh->base);
    basin_problem_destroy(&np->base);
    basin_dataset_destroy(d);
    free(w), free(g0), free(g1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_threads_same_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
