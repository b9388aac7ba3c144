/* test_train_cli.c: `basin train`, `basin data` and `basin inspect`: what the initialization lecture
 * claims and what is true beyond it, in inspect's numbers; byte-identical logs for a seed; weights that
 * save and load back bit for bit; one-line errors with exit status 2 for bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support_cli.h"

#include "lab/npy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEEP_TANH "mlp:hidden=256/256/256/256/256/256/256/256/256/256,act=tanh"

/* act_var and grad_var of the ten Tanh rows of inspect's CSV for an initializer, and the gradient variance
 * on the output layer's logits. */
static void inspect_tanh(const char *init, double act[10], double grad[10], double *out_grad)
{
    support_cli_result r = support_cli("inspect", "--model", DEEP_TANH, "--data", "digits", "--init", init,
                                       "--batch", "512", "--csv", "-", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "layer,kind,fan_in,fan_out,weight_mean,weight_var,act_var,grad_var\n"));
    int k = 0;
    for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "21,Linear,", 10) == 0) /* the output layer: 256 -> 10 */
            assert_int_equal(sscanf(strrchr(line, ',') + 1, "%lf", out_grad), 1);
        if (!strstr(line, ",Tanh,"))
            continue;
        /* layer,Tanh,,,,,act_var,grad_var: fans and weight columns empty */
        assert_int_equal(sscanf(strstr(line, ",,,,,") + 5, "%lf,%lf", &act[k], &grad[k]), 2);
        k++;
    }
    assert_int_equal(k, 10);
    support_cli_free(&r);
}

/* A 10-layer, 256-wide tanh MLP on a batch of 512 digits (the values agree with PyTorch on the same weights
 * and batch to 1e-10; tests/engine/test_nn_golden.c checks the function against PyTorch):
 * - the gradient of a mean cross-entropy on a logit is (p - y)/B, in [-1/B, 1/B]: its variance is at most
 *   1/B^2 whatever the initialization;
 * - Xavier with tanh's gain (5/3) keeps activation variance within a factor 2 from layer 2 to 10;
 * - Xavier with gain 1 decays at every layer (Glorot's observation), and so does the gradient going down;
 * - N(0, 1) saturates: variance near 1. The local derivative is small, but weights 16x Xavier's make the
 *   back-propagated gradient's variance grow 8-9x per layer going down: it explodes, it does not vanish;
 * - N(0, 0.01) collapses activations and gradients towards zero. */
static void test_inspect_initialization_claims(void **state)
{
    (void)state;
    double act[10], grad[10], out_grad, bound = 1.0 / (512.0 * 512.0);
    inspect_tanh("xavier_normal:nonlinearity=tanh", act, grad, &out_grad);
    assert_true(out_grad <= bound);
    double lo = INFINITY, hi = 0;
    for (int k = 1; k < 10; k++)
        lo = fmin(lo, act[k]), hi = fmax(hi, act[k]);
    print_message("    xavier gain 5/3: act_var %.3f .. %.3f over layers 2-10\n", lo, hi);
    assert_true(hi / lo < 2);

    inspect_tanh("xavier_normal", act, grad, &out_grad);
    assert_true(out_grad <= bound);
    for (int k = 1; k < 10; k++) {
        assert_true(act[k] < act[k - 1]);
        assert_true(grad[k - 1] < grad[k]);
    }
    print_message("    xavier gain 1: act_var %.3f at layer 1, %.4f at layer 10 (%.1f× smaller); grad_var %.3g at "
                  "layer 1 vs %.3g at layer 10\n", act[0], act[9], act[0] / act[9], grad[0], grad[9]);
    assert_true(act[0] / act[9] > 3);

    inspect_tanh("normal:std=1", act, grad, &out_grad);
    assert_true(out_grad <= bound);
    for (int k = 1; k < 10; k++) {
        assert_true(act[k] > 0.85 && act[k] < 1);
        assert_true(grad[k - 1] / grad[k] > 7.5 && grad[k - 1] / grad[k] < 10);
    }
    print_message("    N(0,1): act_var %.3f at layer 10; grad_var %.3g at layer 1 vs %.3g at layer 10 (%.2f× a layer)\n",
                  act[9], grad[0], grad[9], pow(grad[0] / grad[9], 1.0 / 9));

    inspect_tanh("normal:std=0.01", act, grad, &out_grad);
    assert_true(out_grad <= bound);
    print_message("    N(0,0.01): act_var %.3g at layer 10, grad_var %.3g at layer 1\n", act[9], grad[0]);
    assert_true(act[9] < 1e-12);
    assert_true(grad[0] < 1e-20);
}

/* The same seed writes the same log, byte for byte; the header and the last row are complete. */
static void test_log_is_reproducible(void **state)
{
    (void)state;
    const char *a = support_tmp("a.csv"), *b = support_tmp("b.csv");
    for (int i = 0; i < 2; i++) {
        support_cli_result r = support_cli("train", "--model", "mlp:hidden=16/16,dropout=0.1", "--data", "moons",
                                           "--opt", "sgd:lr=0.1,momentum=0.9", "--epochs", "3", "--batch", "32",
                                           "--augment", "jitter", "--seed", "5", "--log", i ? b : a, NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "test accuracy"));
        assert_null(strstr(r.out, "averaged iterate"));
        support_cli_free(&r);
    }
    support_cli_result r = support_cli("train", "--model", "mlp:hidden=8", "--data", "moons:n=120", "--opt",
                                       "asgd:lr=0.3,t0=10", "--epochs", "4", "--batch", "16", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\naverage   the optimizer's averaged iterate: test loss "));
    support_cli_free(&r);
    char *la = support_slurp(a), *lb = support_slurp(b);
    assert_non_null(la);
    assert_string_equal(la, lb);
    assert_memory_equal(la, "step,epoch,lr,batch_loss,train_loss,test_loss,test_acc,grad_norm\n", 65);
    assert_int_equal(support_count_lines(la), 1 + 1 + 3 * 13); /* header, step 0, 3 epochs of 13 */
    char *last = la + strlen(la) - 2;
    while (last > la && *last != '\n')
        last--;
    int fields = 1, empty = 0;
    for (char *c = last + 1; *c && *c != '\n'; c++) {
        fields += *c == ',';
        empty += *c == ',' && (c[1] == ',' || c[1] == '\n');
    }
    assert_int_equal(fields, 8);
    assert_int_equal(empty, 0);
    free(la), free(lb);
}

/* Weights that are not what a model can load are refused before use, naming the file (exit 2): NaN or ±inf
 * in any tensor (every command that loads weights), a negative running variance, a header that claims more
 * values than the file holds (refused before allocating: this one claims 10^9 × 10^9), a folder named like
 * a tensor file. */
static void test_weights_that_cannot_load(void **state)
{
    (void)state;
    const char *model = "mlp:hidden=8,norm=batch";
    char w[512], path[600];
    snprintf(w, sizeof w, "%s", support_tmp("bad-weights"));
    support_cli_result r = support_cli("train", "--model", model, "--data", "circles", "--opt", "adam", "--epochs", "1",
                                       "--save-weights", w, NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    double *v;
    size_t ndim, shape[BASIN_NPY_MAX_DIMS];
    snprintf(path, sizeof path, "%s/3.weight.npy", w);
    assert_int_equal(basin_npy_read(path, &v, &ndim, shape), 0);
    double saved = v[5];
    static const double bad[] = {NAN, INFINITY, -INFINITY};
    static const char *const named[] = {"3.weight.npy: value 5 is NaN", "3.weight.npy: value 5 is +inf",
                                        "3.weight.npy: value 5 is -inf"};
    for (int k = 0; k < 3; k++) {
        v[5] = bad[k];
        assert_int_equal(basin_npy_write(path, v, ndim, shape, false), 0);
        expect_usage_error(named[k], "inspect", "--model", model, "--data", "circles", "--load-weights", w);
        expect_usage_error(named[k], "train", "--model", model, "--data", "circles", "--opt", "adam", "--steps", "1",
                           "--load-weights", w);
        expect_usage_error(named[k], "analyze", "--model", model, "--data", "circles", "--load-weights", w);
        expect_usage_error(named[k], "landscape", "--model", model, "--data", "circles", "--load-weights", w,
                           "--grid", "3");
    }
    v[5] = saved;
    assert_int_equal(basin_npy_write(path, v, ndim, shape, false), 0);
    free(v);
    snprintf(path, sizeof path, "%s/1.running_var.npy", w);
    assert_int_equal(basin_npy_read(path, &v, &ndim, shape), 0);
    v[2] = -0.5;
    assert_int_equal(basin_npy_write(path, v, ndim, shape, false), 0);
    expect_usage_error("1.running_var.npy: value 2 is a negative variance", "inspect", "--model", model, "--data",
                       "circles", "--load-weights", w);
    v[2] = 1;
    assert_int_equal(basin_npy_write(path, v, ndim, shape, false), 0);
    free(v);
    /* a 128-byte file whose header claims 10^18 values */
    snprintf(path, sizeof path, "%s/3.bias.npy", w);
    FILE *f = fopen(path, "wb");
    static const char header[] = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000000000), }";
    unsigned char prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(sizeof header - 1), 0};
    fwrite(prefix, 1, 10, f);
    fwrite(header, 1, sizeof header - 1, f);
    fclose(f);
    expect_usage_error("3.bias.npy: holds fewer values than its shape says", "inspect", "--model", model, "--data",
                       "circles", "--load-weights", w);
    remove(path);
    assert_int_equal(mkdir(path, 0700), 0);
    expect_usage_error("3.bias.npy: not a regular file", "inspect", "--model", model, "--data", "circles",
                       "--load-weights", w);
    rmdir(path);
}

/* The last field of the log's last row (the stability limit with --track-sharpness). */
static char *last_field(const char *log)
{
    const char *end = log + strlen(log) - 1, *c = end;
    while (c > log && c[-1] != ',')
        c--;
    return strndup(c, (size_t)(end - c));
}

/* --track-sharpness logs each optimizer's own stability limit: Nesterov's (2+2β)/(η(1+2β)) = 13.571 at
 * η = 0.1, β = 0.9 (bisection on a quadratic agrees, test_gd_rate.c), not 2(1+β)/η = 38; none for Adam. */
static void test_log_stability_limit(void **state)
{
    (void)state;
    static const char *const opts[] = {"sgd:lr=0.1,momentum=0.9,nesterov=true", "sgd:lr=0.1,momentum=0.9",
                                       "adam:lr=0.01"};
    static const double want[] = {3.8 / 0.28, 38, NAN};
    for (int i = 0; i < 3; i++) {
        const char *log = support_tmp("sharp.csv");
        support_cli_result r = support_cli("train", "--model", "mlp:hidden=4", "--data", "moons:n=40", "--opt",
                                           opts[i], "--steps", "2", "--batch", "0", "--track-sharpness", "1",
                                           "--log", log, NULL);
        assert_int_equal(r.status, 0);
        support_cli_free(&r);
        char *text = support_slurp(log), *limit = last_field(text);
        assert_non_null(strstr(text, ",lambda_max,stability_limit\n"));
        if (isnan(want[i]))
            assert_string_equal(limit, "");
        else
            assert_close(strtod(limit, NULL), want[i], 1e-12);
        free(text), free(limit);
    }
}

/* Saved weights load back bit for bit (same file bytes), under PyTorch's state_dict names. */
static void test_weights_round_trip(void **state)
{
    (void)state;
    const char *model = "mlp:hidden=8,norm=batch";
    char d1[512], d2[512], grad[512];
    snprintf(d1, sizeof d1, "%s", support_tmp("w1"));
    snprintf(d2, sizeof d2, "%s", support_tmp("w2"));
    snprintf(grad, sizeof grad, "%s", support_tmp("g"));
    support_cli_result r = support_cli("train", "--model", model, "--data", "circles", "--opt", "adam", "--epochs", "2",
                                       "--save-weights", d1, NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    r = support_cli("train", "--model", model, "--data", "circles", "--opt", "adam", "--steps", "0", "--load-weights",
                    d1, "--save-weights", d2, "--save-grad", grad, NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    static const char *const names[] = {"0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                                        "1.running_var", "1.num_batches_tracked", "3.weight", "3.bias"};
    char p1[600], p2[600];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(p1, sizeof p1, "%s/%s.npy", d1, names[i]);
        snprintf(p2, sizeof p2, "%s/%s.npy", d2, names[i]);
        char *a = support_slurp(p1), *b = support_slurp(p2);
        assert_non_null(a);
        assert_non_null(b);
        assert_memory_equal(a, b, 128);
        free(a), free(b);
    }
    double *v;
    size_t ndim, shape[BASIN_NPY_MAX_DIMS];
    snprintf(p1, sizeof p1, "%s/0.weight.npy", grad);
    assert_int_equal(basin_npy_read(p1, &v, &ndim, shape), 0);
    assert_int_equal(ndim, 2);
    assert_int_equal(shape[0], 8);
    assert_int_equal(shape[1], 2);
    free(v);
    snprintf(p1, sizeof p1, "%s/loss.npy", grad);
    assert_int_equal(basin_npy_read(p1, &v, &ndim, shape), 0);
    assert_int_equal(ndim, 0);
    assert_true(isfinite(v[0]) && v[0] > 0);
    free(v);
    /* A model of another shape refuses these weights, naming the file. */
    expect_usage_error("0.weight.npy: shape (8, 2) but the model's 0.weight is (9, 2)", "train", "--model",
                       "mlp:hidden=9,norm=batch", "--data", "circles", "--opt", "adam", "--steps", "0",
                       "--load-weights", d1);
}

/* basin data writes the training split as the model sees it. */
static void test_data_csv(void **state)
{
    (void)state;
    support_cli_result r = support_cli("data", "--data", "spirals:n=100", "--csv", "-", NULL);
    assert_int_equal(r.status, 0);
    assert_memory_equal(r.out, "x0,x1,label\n", 12);
    assert_int_equal(support_count_lines(r.out), 1 + 80);
    support_cli_free(&r);
    r = support_cli("data", "--data", "digits", "--split", "test", "--csv", "-", NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(support_count_lines(r.out), 1 + 359);
    assert_non_null(strstr(r.out, "x63,label\n"));
    support_cli_free(&r);
    r = support_cli("data", "--data", "linreg", "--csv", "-", NULL);
    assert_memory_equal(r.out, "x0,x1,target\n", 13);
    support_cli_free(&r);
}

static void test_bad_input(void **state)
{
    (void)state;
    expect_usage_error("unknown model 'mpl'", "train", "--model", "mpl", "--data", "moons", "--opt", "sgd:lr=0.1");
    expect_usage_error("unknown data 'moon'", "train", "--model", "mlp", "--data", "moon", "--opt", "sgd:lr=0.1");
    expect_usage_error("cnn: spirals is not a set of images", "train", "--model", "cnn", "--data", "spirals", "--opt",
                       "sgd:lr=0.1");
    expect_usage_error("mlp: sizes=3/.../1 but spirals needs 2 inputs", "train", "--model", "mlp:sizes=3/8/1",
                       "--data", "spirals", "--opt", "sgd:lr=0.1");
    expect_usage_error("batch of one", "train", "--model", "mlp:norm=batch", "--data", "moons", "--opt", "sgd:lr=0.1",
                       "--batch", "1");
    expect_usage_error("augment image: moons is not a set of images", "train", "--model", "mlp", "--data", "moons",
                       "--opt", "sgd:lr=0.1", "--augment", "image");
    expect_usage_error("--epochs 'x'", "train", "--model", "mlp", "--data", "moons", "--opt", "sgd:lr=0.1", "--epochs", "x");
    expect_usage_error("--opt is required", "train", "--model", "mlp", "--data", "moons");
    expect_usage_error("--split 'val'", "data", "--data", "moons", "--split", "val", "--csv", "-");
    expect_usage_error("not-there", "train", "--model", "mlp", "--data", "moons", "--opt", "sgd:lr=0.1", "--load-weights",
                       "/not-there");
}

/* The digits file missing or corrupt: one line naming the file, exit status 2. */
static void test_digits_asset_errors(void **state)
{
    (void)state;
    setenv("BASIN_ASSETS", "/nonexistent", 1);
    expect_usage_error("digits/digits.csv.gz not found in BASIN_ASSETS=/nonexistent", "data", "--data", "digits",
                       "--csv", "-");
    char dir[600], cmd[1400];
    snprintf(dir, sizeof dir, "%s/assets", support_tmpdir());
    snprintf(cmd, sizeof cmd, "mkdir -p %s/digits && printf '0,1,2\\n' | gzip > %s/digits/digits.csv.gz", dir, dir);
    assert_int_equal(system(cmd), 0);
    setenv("BASIN_ASSETS", dir, 1);
    expect_usage_error("digits: shape=1/8/8 is 64 features, and", "data", "--data", "digits", "--csv", "-");
    unsetenv("BASIN_ASSETS");
}

/* basin analyze: Rosenbrock's exact spectrum at its minimum as JSON; a trained network's top eigenvalues
 * by Lanczos agree with its full spectrum; bad arguments are one-line errors. */
static void test_analyze(void **state)
{
    (void)state;
    support_cli_result r = support_cli("analyze", "--surface", "rosenbrock", "--at=1,1", "--trace", "--json", "-", NULL);
    assert_int_equal(r.status, 0);
    double lo, hi, trace, kappa;
    assert_int_equal(sscanf(strstr(r.out, "\"eigenvalues\": [") + 16, "%lf, %lf", &lo, &hi), 2);
    assert_int_equal(sscanf(strstr(r.out, "\"trace\": ") + 9, "%lf", &trace), 1);
    assert_int_equal(sscanf(strstr(r.out, "\"condition_number\": ") + 20, "%lf", &kappa), 1);
    assert_close(lo, 501 - sqrt(301.0 * 301 + 400 * 400), 1e-12);
    assert_close(hi, 501 + sqrt(301.0 * 301 + 400 * 400), 1e-9);
    assert_close(trace, 1002, 1e-9);
    assert_close(kappa, hi / lo, 1e-6);
    assert_non_null(strstr(r.out, "\"n_params\": 2,"));
    support_cli_free(&r);
    /* top:3 by Lanczos against all by the dense Hessian, on a small network */
    support_cli_result all = support_cli("analyze", "--model", "mlp:hidden=8", "--data", "moons", "--eigs", "all",
                                         "--json", "-", NULL),
                       top = support_cli("analyze", "--model", "mlp:hidden=8", "--data", "moons", "--eigs", "top:3",
                                         "--json", "-", NULL);
    assert_int_equal(all.status, 0);
    assert_int_equal(top.status, 0);
    double lmax_all, lmax_top;
    assert_int_equal(sscanf(strstr(all.out, "\"lambda_max\": ") + 14, "%lf", &lmax_all), 1);
    assert_int_equal(sscanf(strstr(top.out, "\"lambda_max\": ") + 14, "%lf", &lmax_top), 1);
    assert_close(lmax_top, lmax_all, 1e-10 * fabs(lmax_all));
    support_cli_free(&all), support_cli_free(&top);
    expect_usage_error("--eigs 'top:0'", "analyze", "--surface", "booth", "--at=1,1", "--eigs", "top:0");
    expect_usage_error("--at '1' is not 2 numbers", "analyze", "--surface", "booth", "--at=1");
    expect_usage_error("--sharpness 'eps=x'", "analyze", "--surface", "booth", "--at=1,1", "--sharpness", "eps=x");
    expect_usage_error("give --surface SPEC --at X or --model", "analyze", "--at=1,1");
}

/* basin landscape: a surface's slice is the surface (Booth is 0 at (1, 3)); a network's 11×11 filter-
 * normalized slice has 121 rows whose centre is the trained loss; a line is 1-D; directions save as .npy;
 * PCA of a saved trajectory. */
static void test_landscape(void **state)
{
    (void)state;
    support_cli_result r = support_cli("landscape", "--surface", "booth", "--at=1,3", "--grid", "3", NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(support_count_lines(r.out), 10);
    assert_non_null(strstr(r.out, "\n0,0,0,\n")); /* the centre: f(1, 3) = 0 */
    support_cli_free(&r);
    char w[600], traj[600], dirs[600], csv[600];
    snprintf(w, sizeof w, "%s", support_tmp("lw"));
    snprintf(traj, sizeof traj, "%s", support_tmp("traj"));
    snprintf(dirs, sizeof dirs, "%s", support_tmp("dirs"));
    snprintf(csv, sizeof csv, "%s", support_tmp("land.csv"));
    r = support_cli("train", "--model", "mlp:hidden=8", "--data", "moons", "--opt", "adam:lr=0.01", "--epochs", "5",
                    "--save-weights", w, "--save-trajectory", traj, "--every", "10", NULL);
    assert_int_equal(r.status, 0);
    double trained;
    assert_int_equal(sscanf(strstr(r.out, "train loss ") + 11, "%lf", &trained), 1);
    support_cli_free(&r);
    r = support_cli("landscape", "--model", "mlp:hidden=8", "--data", "moons", "--load-weights", w, "--grid", "11",
                    "--save-directions", dirs, "--csv", csv, NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    char *text = support_slurp(csv), *centre = strstr(text, "\n0,0,");
    assert_int_equal(support_count_lines(text), 1 + 121);
    double at_centre;
    assert_non_null(centre);
    assert_int_equal(sscanf(centre + 5, "%lf", &at_centre), 1);
    assert_close(at_centre, trained, 1e-5 * trained); /* the summary prints 6 digits */
    free(text);
    char path[700];
    snprintf(path, sizeof path, "%s/d2/0.weight.npy", dirs);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fclose(f);
    char line[700];
    snprintf(line, sizeof line, "line:%s/step_00000000", traj);
    r = support_cli("landscape", "--model", "mlp:hidden=8", "--data", "moons", "--load-weights", w, "--grid", "5",
                    "--directions", line, "--range", "0:1", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\n0,,")); /* 1-D: b empty */
    assert_int_equal(support_count_lines(r.out), 6);
    support_cli_free(&r);
    snprintf(line, sizeof line, "pca:%s", traj);
    r = support_cli("landscape", "--model", "mlp:hidden=8", "--data", "moons", "--load-weights", w, "--grid", "5",
                    "--directions", line, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "explaining"));
    support_cli_free(&r);
    expect_usage_error("--directions filter needs a network", "landscape", "--surface", "booth", "--at=1,3",
                       "--directions", "filter");
    expect_usage_error("--range '1:0' is not LO:HI with LO < HI", "landscape", "--surface", "booth", "--at=1,3",
                       "--range", "1:0");
}

/* The value of column `col` (0-based) of the CSV row that starts with "step," in text, or NAN. */
static double csv_value(const char *text, long step, int col)
{
    char key[32];
    snprintf(key, sizeof key, "\n%ld,", step);
    const char *row = strstr(text, key);
    if (!row)
        return NAN;
    row++;
    for (int c = 0; c < col; c++)
        row = strchr(row, ',') + 1;
    return strtod(row, NULL);
}

/* Trajectory snapshots of a BatchNorm network carry their running statistics: each loads as weights, and
 * each point's own loss in --trajectory-csv is the training loss the trainer logged at that step (its
 * evaluation with the statistics it had then, an independent path through the trainer's own state). */
static void test_trajectory_keeps_batchnorm_state(void **state)
{
    (void)state;
    char traj[600], w[600], log[600], tr[600], snapshot[700];
    snprintf(traj, sizeof traj, "%s", support_tmp("bn-traj"));
    snprintf(w, sizeof w, "%s", support_tmp("bn-w"));
    snprintf(log, sizeof log, "%s", support_tmp("bn-log.csv"));
    snprintf(tr, sizeof tr, "%s", support_tmp("bn-tr.csv"));
    const char *model = "mlp:hidden=16/16,norm=batch";
    support_cli_result r = support_cli("train", "--model", model, "--data", "spirals", "--opt",
                                       "sgd:lr=0.05,momentum=0.9", "--steps", "100", "--batch", "32",
                                       "--save-trajectory", traj, "--every", "10", "--eval-every", "10", "--log", log,
                                       "--save-weights", w, NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    snprintf(snapshot, sizeof snapshot, "%s/step_00000090", traj);
    r = support_cli("analyze", "--model", model, "--data", "spirals", "--load-weights", snapshot, "--eigs", "top:1",
                    NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    char directions[700];
    snprintf(directions, sizeof directions, "pca:%s", traj);
    r = support_cli("landscape", "--model", model, "--data", "spirals", "--load-weights", w, "--directions",
                    directions, "--grid", "3", "--trajectory-csv", tr, NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    char *logged = support_slurp(log), *points = support_slurp(tr);
    for (long step = 0; step <= 100; step += 10) {
        double own = csv_value(points, step, 3), train_loss = csv_value(logged, step, 4);
        assert_close(own, train_loss, 1e-12 * train_loss);
    }
    print_message("    step 90: own loss %.6f, logged train loss %.6f\n", csv_value(points, 90, 3),
                  csv_value(logged, 90, 4));
    free(logged), free(points);
}

/* Saved weights record the data set they were trained on (model.txt): analyze and landscape draw it with
 * that seed whatever else they are asked, so the centre of a slice is the trained loss of moons trained
 * with --seed 3, for any direction seed; --seed with saved weights is a usage error pointing at --direction-seed or --probe-seed. */
static void test_weights_remember_their_data(void **state)
{
    (void)state;
    char w[600];
    snprintf(w, sizeof w, "%s", support_tmp("seeded"));
    support_cli_result r = support_cli("train", "--model", "mlp:hidden=16", "--data", "moons:n=300", "--opt",
                                       "adam:lr=0.01", "--epochs", "5", "--seed", "3", "--save-weights", w, NULL);
    assert_int_equal(r.status, 0);
    double trained;
    assert_int_equal(sscanf(strstr(r.out, "train loss ") + 11, "%lf", &trained), 1);
    support_cli_free(&r);
    char path[700];
    snprintf(path, sizeof path, "%s/model.txt", w);
    char *info = support_slurp(path);
    assert_string_equal(info, "model = mlp:hidden=16\ndata = moons:n=300\nseed = 3\n");
    free(info);
    for (int k = 0; k < 2; k++) {
        r = support_cli("landscape", "--model", "mlp:hidden=16", "--data", "moons:n=300", "--load-weights", w,
                        "--grid", "3", "--direction-seed", k ? "9" : "0", NULL);
        assert_int_equal(r.status, 0);
        double at_centre;
        assert_int_equal(sscanf(strstr(r.out, "\n0,0,") + 5, "%lf", &at_centre), 1);
        assert_close(at_centre, trained, 1e-5 * trained); /* the summary prints 6 digits */
        support_cli_free(&r);
    }
    expect_usage_error("use --direction-seed", "landscape", "--model", "mlp:hidden=16", "--data", "moons:n=300",
                       "--load-weights", w, "--seed", "5");
    expect_usage_error("use --probe-seed", "analyze", "--model", "mlp:hidden=16", "--data", "moons:n=300",
                       "--load-weights", w, "--seed", "5");
}

/* Compares two CSV texts field by field: the same header and shape, the same empty fields, numbers within
 * 1e-12 relative (the logs were written by the closed training loop before the steppable trainer replaced
 * it; a machine with another BLAS kernel may differ in the last bits). */
static void assert_same_csv(const char *name, const char *got, const char *want)
{
    /* got may have more columns after want's (a parallel run's): they are skipped */
    size_t line = 1;
    const char *a = got, *b = want;
    size_t header = strcspn(want, "\n");
    if (strncmp(got, want, header) != 0 || (got[header] != '\n' && got[header] != ','))
        fail_msg("%s: the header differs", name);
    while (*a && *b) {
        char *ea, *eb;
        bool empty_a = *a == ',' || *a == '\n', empty_b = *b == ',' || *b == '\n';
        if (line > 1 && !empty_a && !empty_b) {
            double x = strtod(a, &ea), y = strtod(b, &eb);
            if (fabs(x - y) > 1e-12 * (1 + fabs(y)))
                fail_msg("%s:%zu: %.17g, the closed loop wrote %.17g", name, line, x, y);
            a = ea, b = eb;
        } else if (line > 1 && empty_a != empty_b) {
            fail_msg("%s:%zu: a field is %s here and not in the closed loop's log", name, line,
                     empty_a ? "empty" : "filled");
        } else {
            a += strcspn(a, ",\n"), b += strcspn(b, ",\n");
        }
        if (*b == '\n' && *a == ',')
            a += strcspn(a, "\n");
        if (*a != *b)
            fail_msg("%s:%zu: the rows are not the same shape", name, line);
        line += *a == '\n';
        if (*a)
            a++, b++;
    }
    if (*a || *b)
        fail_msg("%s: %s rows than the closed loop's log", name, *a ? "more" : "fewer");
}

/* The trainer writes the logs the closed training loop wrote (tests/reference/trainer/, made with the
 * commands below before the loop became a steppable trainer): dropout and augmentation, early stopping,
 * SWA, snapshots with evaluation every 7 steps, λmax tracking under a cosine schedule, Newton. */
static void test_logs_match_the_closed_loop(void **state)
{
    (void)state;
    static const char *const runs[][20] = {
        {"dropout-augment", "--model", "mlp:hidden=16/16,dropout=0.1", "--data", "moons:n=120", "--opt",
         "sgd:lr=0.1,momentum=0.9", "--epochs", "4", "--batch", "16", "--augment", "jitter", "--seed", "5", NULL},
        {"early-stop", "--model", "mlp:hidden=8,norm=batch", "--data", "moons:n=120", "--opt", "adam:lr=0.01",
         "--epochs", "30", "--batch", "20", "--early-stop", "3", "--seed", "2", NULL},
        {"swa", "--model", "mlp:hidden=8,norm=batch", "--data", "moons:n=120", "--opt", "sgd:lr=0.05,momentum=0.9",
         "--epochs", "6", "--batch", "32", "--swa", "3", "--seed", "1", NULL},
        {"snapshots", "--model", "mlp:hidden=8", "--data", "moons:n=120", "--opt", "sgd:lr=0.05", "--steps", "40",
         "--batch", "32", "--snapshots", "2", "--eval-every", "7", "--seed", "3", NULL},
        {"sharpness", "--model", "mlp:hidden=8,act=tanh,loss=mse", "--data", "moons:n=80", "--opt",
         "sgd:lr=0.2,momentum=0.5,nesterov=true", "--batch", "0", "--steps", "30", "--track-sharpness", "5",
         "--seed", "4", "--schedule", "cosine:T_max=20", NULL},
        {"newton", "--model", "mlp:hidden=4", "--data", "moons:n=60", "--opt", "newton:lr=0.5", "--batch", "0",
         "--steps", "5", "--seed", "6", NULL},
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        const char *argv[24] = {"train"};
        size_t n = 1;
        for (size_t k = 1; runs[i][k]; k++)
            argv[n++] = runs[i][k];
        const char *log = support_tmp("closed.csv");
        argv[n++] = "--log", argv[n++] = log;
        support_cli_result r = support_cli(argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7],
                                           argv[8], argv[9], argv[10], argv[11], argv[12], argv[13], argv[14],
                                           argv[15], argv[16], argv[17], argv[18], argv[19], argv[20], argv[21], NULL);
        assert_int_equal(r.status, 0);
        support_cli_free(&r);
        char reference[512];
        snprintf(reference, sizeof reference, "%s/%s.csv", BASIN_TRAINER_LOGS, runs[i][0]);
        char *got = support_slurp(log), *want = support_slurp(reference);
        assert_non_null(got);
        assert_non_null(want);
        assert_same_csv(runs[i][0], got, want);
        free(got), free(want);
    }
}

/* `--parallel sync:workers=K --batch B` logs what one worker logs with --batch K·B (to rounding: the ring
 * sums in another order), also when the last batch is short (1438 examples in batches of 60) and with
 * BatchNorm under bn=sync; bad specs are usage errors. */
static void test_parallel_sync_logs_the_big_batch(void **state)
{
    (void)state;
    /* workers, their batch, the global batch, the model, more keys: BatchNorm with bn=sync is the big batch too */
    static const char *const pairs[][5] = {{"4", "16", "64", "mlp:hidden=32", ""},
                                           {"3", "20", "60", "mlp:hidden=32", ""},
                                           {"4", "16", "64", "mlp:hidden=32,norm=batch", ",bn=sync"}};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        char spec[48], *logs[2];
        snprintf(spec, sizeof spec, "sync:workers=%s%s", pairs[i][0], pairs[i][4]);
        for (int k = 0; k < 2; k++) {
            const char *log = support_tmp(k ? "one.csv" : "many.csv");
            support_cli_result r = k ? support_cli("train", "--model", pairs[i][3], "--data", "digits", "--opt",
                                                   "sgd:lr=0.05,momentum=0.9", "--epochs", "2", "--batch",
                                                   pairs[i][2], "--log", log, NULL)
                                     : support_cli("train", "--model", pairs[i][3], "--data", "digits", "--opt",
                                                   "sgd:lr=0.05,momentum=0.9", "--epochs", "2", "--batch",
                                                   pairs[i][1], "--parallel", spec, "--log", log, NULL);
            assert_int_equal(r.status, 0);
            if (k == 0)
                assert_non_null(strstr(r.out, "parallel  sync:"));
            support_cli_free(&r);
            logs[k] = support_slurp(log);
            assert_non_null(logs[k]);
        }
        assert_same_csv(spec, logs[0], logs[1]);
        free(logs[0]), free(logs[1]);
    }
    const char *digits[] = {"--model", "mlp:hidden=4", "--data", "digits", "--opt", "sgd:lr=0.1"};
    expect_usage_error("workers='0' is out of range", "train", digits[0], digits[1], digits[2], digits[3], digits[4],
                       digits[5], "--parallel", "sync:workers=0");
    expect_usage_error("sync: speeds= gives 2 speeds for workers=3", "train", digits[0], digits[1], digits[2],
                       digits[3], digits[4], digits[5], "--parallel", "sync:workers=3,speeds=1/2");
    expect_usage_error("async: speeds= applies to order=events", "train", digits[0], digits[1], digits[2], digits[3],
                       digits[4], digits[5], "--parallel", "async:speeds=1/1/1/1");
}

/* `--parallel async:workers=1` logs what the plain trainer logs, bit for bit; with 4 workers the log's
 * staleness column holds 0, 1, 2 and then 3, and the simulated clock (a unit an example) advances by a
 * batch of 32 every four pushes. */
static void test_parallel_async_trains_networks(void **state)
{
    (void)state;
    char *logs[3];
    static const char *const specs[] = {NULL, "async:workers=1", "async:workers=4"};
    for (int k = 0; k < 3; k++) {
        const char *log = support_tmp(k == 0 ? "plain.csv" : k == 1 ? "one.csv" : "four.csv");
        support_cli_result r = support_cli("train", "--model", "mlp:hidden=16", "--data", "digits", "--opt",
                                           "sgd:lr=0.1", "--epochs", "1", "--batch", "32", "--log", log,
                                           specs[k] ? "--parallel" : NULL, specs[k], NULL);
        assert_int_equal(r.status, 0);
        /* 45 steps: τ = 0, 1, 2, then 3, on average (0 + 1 + 2 + 42·3)/45 = 2.87 */
        assert_true((k == 2) == (strstr(r.out, "parallel  async: 4 workers, gradients 2.87 updates old") != NULL));
        support_cli_free(&r);
        logs[k] = support_slurp(log);
        assert_non_null(logs[k]);
    }
    assert_same_csv("async:workers=1", logs[1], logs[0]);
    const char *row = logs[2];
    for (int line = 0; line < 7; line++) { /* the header, the start, then steps 1 to 5 */
        double fields[12];
        int count = 0;
        for (const char *f = row; count < 12 && f; f = strchr(f, ',') ? strchr(f, ',') + 1 : NULL)
            fields[count++] = strtod(f, NULL);
        if (line >= 2) {
            double staleness = fields[9], sim_time = fields[8];
            assert_true(staleness == (line - 2 < 3 ? line - 2 : 3));
            assert_true(fabs(sim_time - 32.0 * ((line - 2) / 4 + 1)) < 1e-9); /* four pushes each 32 units */
        }
        row = strchr(row, '\n') + 1;
    }
    free(logs[0]), free(logs[1]), free(logs[2]);
}

/* `--parallel tensor:workers=T` logs what the unsplit model logs (to rounding), says what it sent, and
 * refuses a width T does not divide as a usage error naming the layer. */
static void test_parallel_tensor_logs_the_whole_model(void **state)
{
    (void)state;
    char *logs[2];
    for (int k = 0; k < 2; k++) {
        const char *log = support_tmp(k ? "whole.csv" : "split.csv");
        support_cli_result r = support_cli("train", "--model", "mlp:hidden=64/32", "--data", "digits", "--opt",
                                           "sgd:lr=0.05,momentum=0.9", "--epochs", "2", "--batch", "64", "--log",
                                           log, k ? NULL : "--parallel", "tensor:workers=4", NULL);
        assert_int_equal(r.status, 0);
        assert_true(!k == (strstr(r.out, "parallel  tensor: 4 workers, 1 split pair") != NULL));
        support_cli_free(&r);
        logs[k] = support_slurp(log);
        assert_non_null(logs[k]);
    }
    assert_same_csv("tensor:workers=4", logs[0], logs[1]);
    free(logs[0]), free(logs[1]);
    expect_usage_error("tensor: layer 1's 30 features cannot be split among 4 workers", "train", "--model",
                       "mlp:hidden=30", "--data", "digits", "--opt", "sgd:lr=0.1", "--parallel", "tensor:workers=4");
}

/* `--parallel pipeline:...` logs what one process logs (to rounding), for each schedule, and says how it
 * split the model; configurations that cannot run are usage errors. */
static void test_parallel_pipeline_logs_the_minibatch(void **state)
{
    (void)state;
    static const char *const specs[][2] = {
        {"pipeline:stages=4,micro=8,schedule=1f1b", "pipeline: 4 stages, 8 micro-batches, 1f1b; layers 0 | 1 | 2-4 | 5-7"},
        {"pipeline:stages=2,micro=4,schedule=gpipe", "pipeline: 2 stages, 4 micro-batches, gpipe"},
        {"pipeline:stages=2,micro=4,schedule=interleaved,chunks=2,balance=2/2/2/2",
         "pipeline: 2 stages × 2 chunks, 4 micro-batches, interleaved; layers 0-1 | 2-3 | 4-5 | 6-7"},
    };
    const char *whole_log = support_tmp("whole.csv");
    support_cli_result r = support_cli("train", "--model", "mlp:hidden=32/32/32", "--data", "digits", "--opt",
                                       "sgd:lr=0.05,momentum=0.9", "--epochs", "1", "--batch", "64", "--log",
                                       whole_log, NULL);
    assert_int_equal(r.status, 0);
    support_cli_free(&r);
    char *whole = support_slurp(whole_log);
    assert_non_null(whole);
    for (size_t k = 0; k < sizeof specs / sizeof *specs; k++) {
        const char *log = support_tmp("staged.csv");
        r = support_cli("train", "--model", "mlp:hidden=32/32/32", "--data", "digits", "--opt",
                        "sgd:lr=0.05,momentum=0.9", "--epochs", "1", "--batch", "64", "--log", log, "--parallel",
                        specs[k][0], NULL);
        assert_int_equal(r.status, 0);
        if (!strstr(r.out, specs[k][1]))
            fail_msg("%s: the summary does not say '%s':\n%s", specs[k][0], specs[k][1], r.out);
        support_cli_free(&r);
        char *staged = support_slurp(log);
        assert_non_null(staged);
        assert_same_csv(specs[k][0], staged, whole);
        free(staged);
    }
    free(whole);
    const char *digits[] = {"--model", "mlp:hidden=32", "--data", "digits", "--opt", "sgd:lr=0.1"};
    expect_usage_error("the interleaved schedule needs micro= a multiple of stages=2, not 3", "train", digits[0],
                       digits[1], digits[2], digits[3], digits[4], digits[5], "--parallel",
                       "pipeline:schedule=interleaved,micro=3");
    expect_usage_error("pipeline: 8 pieces need at least 8 layers; the model has 4", "train", digits[0], digits[1],
                       digits[2], digits[3], digits[4], digits[5], "--parallel", "pipeline:stages=8");
    expect_usage_error("a batch of 2 examples cannot make micro=4 micro-batches", "train", digits[0], digits[1],
                       digits[2], digits[3], digits[4], digits[5], "--batch", "2", "--parallel", "pipeline");
}

/* The scaling rules of sync: linear multiplies the rate by K, reached from the unscaled rate linearly over
 * warmup epochs (Goyal et al. 2017: step t of W takes η(1 + (K−1)t/W)); sqrt by √K. The log's lr column
 * says so, step by step (1438 examples in global batches of 64: 23 steps an epoch). */
static void test_parallel_learning_rate_scaling(void **state)
{
    (void)state;
    static const char *const specs[] = {"sync:workers=4,scale=linear,warmup=1", "sync:workers=4,scale=sqrt"};
    for (int k = 0; k < 2; k++) {
        const char *log = support_tmp("scaled.csv");
        support_cli_result r = support_cli("train", "--model", "mlp:hidden=8", "--data", "digits", "--opt", "sgd:lr=0.01",
                                           "--epochs", "2", "--batch", "16", "--parallel", specs[k], "--log", log, NULL);
        assert_int_equal(r.status, 0);
        support_cli_free(&r);
        char *text = support_slurp(log);
        assert_non_null(text);
        const char *line = strchr(text, '\n') + 1; /* the header */
        line = strchr(line, '\n') + 1;           /* row 0: the start, no step */
        long rows = 0;
        for (; *line; line = strchr(line, '\n') + 1, rows++) {
            long step = strtol(line, NULL, 10);
            const char *lr_field = strchr(strchr(line, ',') + 1, ',') + 1;
            double lr = strtod(lr_field, NULL), t = (double)(step - 1);
            double want = k == 0 ? 0.01 * (1 + 3 * fmin(1, t / 23)) : 0.01 * 2;
            if (fabs(lr - want) > 1e-15 * want)
                fail_msg("%s, step %ld: lr %.17g, want %.17g", specs[k], step, lr, want);
        }
        assert_int_equal(rows, 46);
        free(text);
    }
}

static int setup(void **state)
{
    (void)state;
    return support_tmpdir_create("/tmp/basin-train-cli");
}

static int teardown(void **state)
{
    (void)state;
    return support_tmpdir_remove();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inspect_initialization_claims),
        cmocka_unit_test(test_log_stability_limit),
        cmocka_unit_test(test_log_is_reproducible),
        cmocka_unit_test(test_logs_match_the_closed_loop),
        cmocka_unit_test(test_weights_round_trip),
        cmocka_unit_test(test_weights_that_cannot_load),
        cmocka_unit_test(test_data_csv),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_digits_asset_errors),
        cmocka_unit_test(test_analyze),
        cmocka_unit_test(test_landscape),
        cmocka_unit_test(test_trajectory_keeps_batchnorm_state),
        cmocka_unit_test(test_weights_remember_their_data),
        cmocka_unit_test(test_parallel_sync_logs_the_big_batch),
        cmocka_unit_test(test_parallel_learning_rate_scaling),
        cmocka_unit_test(test_parallel_tensor_logs_the_whole_model),
        cmocka_unit_test(test_parallel_pipeline_logs_the_minibatch),
        cmocka_unit_test(test_parallel_async_trains_networks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
