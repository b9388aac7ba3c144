/* test_spec.c: the spec parser and the registry tables it reads: values, defaults, and a one-line
 * error naming the offending token for every kind of bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "engine/error.h"
#include "engine/spec.h"

#include <string.h>

static void test_values_and_defaults(void **state)
{
    (void)state;
    basin_spec s;
    assert_int_equal(basin_spec_parse(&s, BASIN_KIND_OPTIMIZER, "adam:lr=0.05, beta2 = 0.99,amsgrad=true"), 0);
    assert_string_equal(s.entry->name, "adam");
    assert_close(basin_params_real(&s.params, "lr"), 0.05, 0);
    assert_close(basin_params_real(&s.params, "beta2"), 0.99, 0);
    assert_close(basin_params_real(&s.params, "beta1"), 0.9, 0); /* torch's default */
    assert_close(basin_params_real(&s.params, "eps"), 1e-8, 0);
    assert_true(basin_params_bool(&s.params, "amsgrad"));
    assert_true(basin_params_given(&s.params, "beta2"));
    assert_false(basin_params_given(&s.params, "beta1"));
    basin_spec_clear(&s);

    assert_int_equal(basin_spec_parse(&s, BASIN_KIND_SURFACE, "quadratic:eig=1/50/2.5e3,spectrum=log"), 0);
    size_t len;
    const double *eig = basin_params_list(&s.params, "eig", &len);
    assert_int_equal(len, 3);
    assert_close(eig[2], 2500, 0);
    assert_int_equal(basin_params_choice(&s.params, "spectrum"), 1);
    assert_false(basin_params_present(&s.params, "center"));
    basin_spec_clear(&s);

    assert_int_equal(basin_spec_parse(&s, BASIN_KIND_OPTIMIZER, "adamw"), 0);
    assert_close(basin_params_real(&s.params, "weight_decay"), 0.01, 0); /* AdamW's own default */
    basin_spec_clear(&s);
}

static void expect_error(basin_kind kind, const char *text, const char *fragment)
{
    basin_spec s;
    if (basin_spec_parse(&s, kind, text) == 0)
        fail_msg("'%s' was accepted", text);
    const char *msg = basin_error_message();
    if (!strstr(msg, fragment))
        fail_msg("'%s': message '%s' lacks '%s'", text, msg, fragment);
    assert_null(strchr(msg, '\n'));
    assert_null(s.entry); /* nothing left to free */
}

static void test_errors_name_the_token(void **state)
{
    (void)state;
    expect_error(BASIN_KIND_OPTIMIZER, "sgdd:lr=1",
                 "unknown optimizer 'sgdd' (valid: sgd, adagrad, rmsprop, adam, adamw, newton, adadelta, adamax, nadam, "
                 "radam, rprop, asgd, sam, lbfgs)");
    expect_error(BASIN_KIND_SURFACE, "rosenbrok", "unknown surface 'rosenbrok'");
    expect_error(BASIN_KIND_SCHEDULE, "cosin", "unknown schedule 'cosin' (valid: constant, step, exp, cosine, warmup)");
    expect_error(BASIN_KIND_OPTIMIZER, "sgd:lr=0.1,mom=0.9", "sgd has no key 'mom' (keys: lr, momentum, dampening, weight_decay, nesterov)");
    expect_error(BASIN_KIND_OPTIMIZER, "sgd:lr=0.1,momentum", "key 'momentum' has no value");
    expect_error(BASIN_KIND_OPTIMIZER, "sgd:lr=", "key 'lr' has no value");
    expect_error(BASIN_KIND_OPTIMIZER, "sgd:lr=fast", "lr='fast' is not a number");
    expect_error(BASIN_KIND_OPTIMIZER, "sgd:lr=0.1x", "lr='0.1x' is not a number");
    expect_error(BASIN_KIND_OPTIMIZER, "sgd:lr=nan", "lr='nan' is not a number");
    expect_error(BASIN_KIND_OPTIMIZER, "sgd:lr=-1", "lr='-1' is out of range");
    expect_error(BASIN_KIND_OPTIMIZER, "adam:beta1=1", "beta1='1' is out of range (beta1 must be in [0, 1))");
    expect_error(BASIN_KIND_OPTIMIZER, "sgd:lr=1,lr=2", "key 'lr' is given twice");
    expect_error(BASIN_KIND_OPTIMIZER, "sgd", "sgd: lr is required");
    expect_error(BASIN_KIND_OPTIMIZER, "sgd:momentum=0.9", "sgd: lr is required");
    expect_error(BASIN_KIND_OPTIMIZER, "sgd:lr=1,nesterov=yes", "nesterov='yes' is not a boolean");
    expect_error(BASIN_KIND_OPTIMIZER, "sgd:lr=1,", "empty key");
    expect_error(BASIN_KIND_OPTIMIZER, ":lr=1", "empty optimizer name");
    expect_error(BASIN_KIND_SURFACE, "quadratic:spectrum=cubic", "spectrum='cubic' is not one of linear|log|two-cluster");
    expect_error(BASIN_KIND_SURFACE, "quadratic:eig=1/x", "item 'x' is not a number");
    expect_error(BASIN_KIND_SURFACE, "rastrigin:dim=2.5", "dim='2.5' is not a whole number");
    expect_error(BASIN_KIND_SCHEDULE, "step:gamma=0.5", "step: step_size is required");
}

/* A list from a file (KEY=@FILE): its numbers separated by white space or '/'; a missing file, an empty
 * one or a word in it is named. */
static void test_list_from_a_file(void **state)
{
    (void)state;
    assert_int_equal(support_tmpdir_create("basin-spec"), 0);
    FILE *f = fopen(support_tmp("eig.txt"), "w");
    assert_non_null(f);
    fputs("  1\n2.5 /4\n\n  8\n", f);
    fclose(f);
    char text[512];
    snprintf(text, sizeof text, "quadratic:eig=@%s", support_tmp("eig.txt"));
    basin_spec spec;
    assert_int_equal(basin_spec_parse(&spec, BASIN_KIND_SURFACE, text), 0);
    size_t n;
    const double *eig = basin_params_list(&spec.params, "eig", &n);
    assert_int_equal(n, 4);
    assert_true(eig[0] == 1 && eig[1] == 2.5 && eig[2] == 4 && eig[3] == 8);
    basin_spec_clear(&spec);
    f = fopen(support_tmp("eig.txt"), "w");
    assert_non_null(f);
    fputs("1 two 3\n", f);
    fclose(f);
    expect_error(BASIN_KIND_SURFACE, text, "item 'two' is not a number");
    f = fopen(support_tmp("eig.txt"), "w");
    assert_non_null(f);
    fclose(f);
    expect_error(BASIN_KIND_SURFACE, text, "the file holds no numbers");
    snprintf(text, sizeof text, "quadratic:eig=@%s", support_tmp("none.txt"));
    expect_error(BASIN_KIND_SURFACE, text, "none.txt: No such file or directory");
    assert_int_equal(support_tmpdir_remove(), 0);
}

static void test_torch_cross_key_checks(void **state)
{
    (void)state;
    basin_spec s;
    assert_int_equal(basin_spec_parse(&s, BASIN_KIND_OPTIMIZER, "sgd:lr=0.1,nesterov=true"), 0);
    assert_null(basin_optimizer_create(s.entry, &s.params, 2));
    assert_non_null(strstr(basin_error_message(), "Nesterov momentum requires a momentum and zero dampening"));
    basin_spec_clear(&s);
    assert_int_equal(basin_spec_parse(&s, BASIN_KIND_SCHEDULE, "cosine:T_max=5,warmup=5"), 0);
    assert_null(basin_schedule_create(s.entry, &s.params));
    assert_non_null(strstr(basin_error_message(), "T_max=5 must exceed warmup=5"));
    basin_spec_clear(&s);
}

/* Every table is sound: defaults parse, keys are unique and documented, names are unique. */
static void test_registry_tables(void **state)
{
    (void)state;
    for (int kind = 0; kind < BASIN_KIND_COUNT; kind++) {
        size_t count;
        const basin_entry *const *entries = basin_registry_list((basin_kind)kind, &count);
        assert_true(count > 0);
        for (size_t i = 0; i < count; i++) {
            const basin_entry *e = entries[i];
            assert_int_equal(e->kind, kind);
            assert_ptr_equal(basin_registry_find((basin_kind)kind, e->name), e);
            assert_true(strlen(e->doc) > 10);
            basin_params p;
            if (basin_params_init(&p, e->specs) != 0)
                fail_msg("%s: a default does not parse: %s", e->name, basin_error_message());
            basin_params_clear(&p);
            for (int k = 0; e->specs[k].key; k++) {
                assert_true(k < BASIN_PARAMS_MAX);
                assert_true(strlen(e->specs[k].doc) > 5);
                assert_int_equal(basin_param_find(e->specs, e->specs[k].key), k);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_and_defaults),
        cmocka_unit_test(test_errors_name_the_token),
        cmocka_unit_test(test_list_from_a_file),
        cmocka_unit_test(test_torch_cross_key_checks),
        cmocka_unit_test(test_registry_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
