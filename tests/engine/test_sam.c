/* test_sam.c: sharpness-aware minimization against its definition: the step equals the base optimizer's
 * step with the gradient at w + ρ·g/‖g‖ computed directly (two evaluations, and ASAM's |w| scaling), on a
 * quadratic its closed form (I − ηH)w − ηρ·H²w/‖Hw‖, the same minibatch for both gradients, and bad
 * bases refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/error.h"
#include "engine/optim/optimizer.h"
#include "engine/spec.h"

#include <math.h>
#include <string.h>

/* One step of spec from w on p (full batch); w is updated. */
static void step_once(basin_optimizer *o, const basin_problem *p, double *w)
{
    double g[2];
    basin_problem_eval(p, w, g);
    assert_int_equal(basin_optimizer_step(o, w, g, o->lr, p, BASIN_FULL_BATCH), 0);
}

static void test_two_evaluations(void **state)
{
    (void)state;
    basin_problem *p = support_problem("himmelblau");
    for (int adaptive = 0; adaptive < 2; adaptive++) {
        basin_optimizer *o = support_optimizer(adaptive ? "sam:base=\"sgd:lr=0.01\",rho=0.1,adaptive=true"
                                                        : "sam:base=\"sgd:lr=0.01\",rho=0.1",
                                               2);
        double w[2] = {0.7, -1.3}, direct[2] = {0.7, -1.3}, g[2], g2[2], e[2];
        for (int t = 0; t < 5; t++) {
            basin_problem_eval(p, direct, g);
            double s0 = adaptive ? fabs(direct[0]) * g[0] : g[0], s1 = adaptive ? fabs(direct[1]) * g[1] : g[1];
            double scale = 0.1 / (sqrt(s0 * s0 + s1 * s1) + 1e-12);
            for (int i = 0; i < 2; i++)
                e[i] = direct[i] + (adaptive ? direct[i] * direct[i] : 1.0) * g[i] * scale;
            basin_problem_eval(p, e, g2);
            for (int i = 0; i < 2; i++)
                direct[i] = direct[i] - 0.01 * g2[i]; /* torch's SGD: w + (−lr)·g */
            step_once(o, p, w);
            assert_close(w[0], direct[0], 1e-15 * fabs(direct[0]));
            assert_close(w[1], direct[1], 1e-15 * fabs(direct[1]));
        }
        basin_optimizer_destroy(o);
    }
    basin_problem_destroy(p);
}

/* f = ½wᵀHw with H = diag(1, 10): SAM-SGD maps w to (I − ηH)w − ηρ·H²w/‖Hw‖. */
static void test_quadratic_closed_form(void **state)
{
    (void)state;
    basin_problem *p = support_problem("quadratic:eig=1/10");
    basin_optimizer *o = support_optimizer("sam:base=\"sgd:lr=0.05\",rho=0.2", 2);
    double w[2] = {2, -1}, want[2] = {2, -1}, lr = 0.05, rho = 0.2, h[2] = {1, 10};
    for (int t = 0; t < 20; t++) {
        double hw0 = h[0] * want[0], hw1 = h[1] * want[1], norm = sqrt(hw0 * hw0 + hw1 * hw1) + 1e-12; /* as SAM guards it */
        double next[2] = {(1 - lr * h[0]) * want[0] - lr * rho * h[0] * h[0] * want[0] / norm,
                          (1 - lr * h[1]) * want[1] - lr * rho * h[1] * h[1] * want[1] / norm};
        want[0] = next[0], want[1] = next[1];
        step_once(o, p, w);
        assert_close(w[0], want[0], 1e-13);
        assert_close(w[1], want[1], 1e-13);
    }
    /* the ascent keeps SGD from the minimum: it hovers where ηρ·H²w/‖Hw‖ balances (I − ηH)w */
    assert_true(hypot(w[0], w[1]) > 1e-3);
    basin_optimizer_destroy(o);
    basin_problem_destroy(p);
}

/* A base with state (momentum) keeps it across SAM steps; a base that is SAM, or unknown, is refused. */
static void test_bases(void **state)
{
    (void)state;
    basin_problem *p = support_problem("booth");
    basin_optimizer *o = support_optimizer("sam:base=\"sgd:lr=0.01,momentum=0.9\",rho=0.05", 2);
    assert_close(o->lr, 0.01, 0);
    double w[2] = {-3, 4};
    for (int t = 0; t < 200; t++)
        step_once(o, p, w);
    assert_close(w[0], 1, 0.05); /* booth's minimum (1, 3): SAM ends near it */
    assert_close(w[1], 3, 0.05);
    char formula[128];
    assert_true(isnan(basin_optimizer_stability_limit(o, 0.01, formula, sizeof formula)));
    assert_non_null(strstr(formula, "no scalar limit"));
    basin_optimizer_destroy(o);
    static const struct {
        const char *spec, *message;
    } bad[] = {{"sam:base=\"sam\"", "sam: base=sam: SAM cannot wrap itself"},
               {"sam:base=\"sgdd:lr=1\"", "sam: base=sgdd:lr=1: unknown optimizer 'sgdd'"},
               {"sam:base=\"sgd\"", "sam: base=sgd: sgd: lr is required"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        basin_spec spec;
        assert_int_equal(basin_spec_parse(&spec, BASIN_KIND_OPTIMIZER, bad[i].spec), 0);
        assert_null(basin_optimizer_create(spec.entry, &spec.params, 2));
        if (!strstr(basin_error_message(), bad[i].message))
            fail_msg("%s: '%s' (want '%s')", bad[i].spec, basin_error_message(), bad[i].message);
        basin_spec_clear(&spec);
    }
    basin_problem_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_evaluations),
        cmocka_unit_test(test_quadratic_closed_form),
        cmocka_unit_test(test_bases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
