/* cmd_train.c: `basin train`: a model on a data set with any optimizer and schedule; a CSV log, saved
 * weights and gradients, a summary, and a progress bar on a terminal. */
#include "cli.h"
#include "commands.h"
#include "mpi_job.h"
#include "net_setup.h"

#include "engine/error.h"
#include "engine/nn/augment.h"
#include "engine/nn/train.h"
#include "engine/optim/optimizer.h"
#include "engine/parallel/parallel_training.h"
#include "engine/schedule.h"
#include "lab/output_file.h"
#include "lab/weights.h"
#include "render/figure.h"
#include "render/timeline_chart.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

const char basin_train_usage[] =
    "usage: basin train --model SPEC --data SPEC --opt SPEC [--init SPEC] [--schedule SPEC]\n"
    "                   [--epochs E | --steps N] [--batch B] [--seed S] [--l1 L] [--augment SPEC]\n"
    "                   [--early-stop PATIENCE] [--swa START_EPOCH] [--snapshots K] [--eval-every N]\n"
    "                   [--track-sharpness K] [--save-trajectory DIR --every K]\n"
    "                   [--log FILE|-] [--save-weights DIR] [--load-weights DIR] [--save-grad DIR]\n"
    "                   [--parallel SPEC] [--timeline FILE.(png|svg|pdf|json)] [--backend threads|mpi]\n"
    "                   [--pushes FILE]\n"
    "\n"
    "Trains a neural network on a built-in data set, as PyTorch's usual loop does: every epoch the\n"
    "training split is shuffled into minibatches (the last one partial) and the optimizer takes one step\n"
    "per minibatch in training mode (dropout on, BatchNorm on batch statistics). Prints a summary.\n"
    "\n"
    "options:\n"
    "  --model SPEC        mlp:hidden=64/64,act=tanh or cnn:channels=16/32 (basin list models)\n"
    "  --data SPEC         spirals, moons, circles, blobs, xor, linreg or digits (basin list data)\n"
    "  --opt SPEC          any optimizer, e.g. sgd:lr=0.1,momentum=0.9 or adam:lr=1e-3 (weight_decay is L2)\n"
    "  --init SPEC         initializer of the weights (default: default, PyTorch's own; basin list inits)\n"
    "  --schedule SPEC     learning-rate schedule over the steps (default constant)\n"
    "  --epochs E          passes over the training split (default 20)\n"
    "  --steps N           total optimizer steps instead of epochs (0: no training, e.g. for --save-grad)\n"
    "  --batch B           minibatch size (default 64; 0: the whole training split)\n"
    "  --seed S            seed of the data, initialization, shuffling, dropout and augmentation (default 0)\n"
    "  --l1 L              add L·Σ|w| over the Linear and Conv2d weights to the training loss\n"
    "  --augment SPEC      image:shift=1,rotate=10,noise=0,flip=false or jitter:std=0.05 (training only)\n"
    "  --parallel SPEC     train on several workers (basin list parallel documents every key):\n"
    "                      sync:workers=K  data parallel: K workers each with --batch examples, the\n"
    "                        gradient summed by a ring all-reduce: one worker on K × B examples, to\n"
    "                        rounding, also with dropout and augmentation (keyed by example) and with\n"
    "                        bn=sync; scale=linear|sqrt scales the learning rate, ramped over warmup=E\n"
    "                      async:workers=K  a parameter server applying stale gradients\n"
    "                        (order=round-robin|fixed|events|replay, speeds=, ssp=, lr_staleness=inverse)\n"
    "                      pipeline:stages=S,micro=M  consecutive layers on S stages\n"
    "                        (schedule=gpipe|1f1b|interleaved, chunks=V, balance=)\n"
    "                      tensor:workers=T  Megatron's split of pairs of Linear layers\n"
    "                      The log gains sim_time,staleness,noise_scale,bytes; every mode runs a\n"
    "                      simulated clock (speeds=, latency=, bandwidth=)\n"
    "  --backend B         threads (default): every worker a thread of this process; mpi: every worker\n"
    "                      or stage a rank of an MPI job (mpirun -n K basin train ... --parallel\n"
    "                      sync:workers=K --backend mpi): sync, pipeline and tensor give the same bits\n"
    "                      as threads; async:workers=K runs on K + 1 ranks, rank 0 serving the\n"
    "                      parameters and applying pushes as they come (record them with --pushes);\n"
    "                      rank 0 writes the summary, the log and the files\n"
    "  --pushes FILE       with --parallel async: the worker (0..K-1) of each step's push, one a line;\n"
    "                      --parallel async:workers=K,order=replay,pushes=@FILE replays that order on\n"
    "                      threads, to the same weights as the recorded run (also one on MPI ranks)\n"
    "  --timeline FILE     with --parallel: the run's first steps as a Gantt chart of the workers or\n"
    "                      stages on the simulated clock (.png, .svg, .pdf), or every step in Chrome's\n"
    "                      trace format (.json, for chrome://tracing or Perfetto)\n"
    "  --early-stop P      stop after P evaluations without a lower test loss; restore the best weights\n"
    "  --swa E             average the weights at the end of every epoch from epoch E on (stochastic\n"
    "                      weight averaging), then recompute BatchNorm statistics on the training split\n"
    "  --snapshots K       K cosine cycles with restarts (replacing the schedule); average the K\n"
    "                      snapshots' predicted probabilities on the test split\n"
    "  --eval-every N      evaluate train and test loss every N steps (default: every epoch)\n"
    "  --track-sharpness K every K steps, λmax of the full-batch Hessian (Lanczos, warm-started from the\n"
    "                      last top eigenvector) beside the optimizer's stability limit: SGD's 2/η,\n"
    "                      2(1+β)/η with momentum β, (2+2β)/(η(1+2β)) with Nesterov, 2(1+β)/(η(1−τ))\n"
    "                      with dampening τ, each less weight_decay; none (empty) for adaptive\n"
    "                      optimizers and Newton. The log gains the columns lambda_max,stability_limit\n"
    "  --log FILE|-        CSV, one row per step: step,epoch,lr,batch_loss,train_loss,test_loss,test_acc,\n"
    "                      grad_norm. Step 0 is the start. Columns not evaluated on a step are empty; the\n"
    "                      last row has them all. train_loss and test_loss are in eval mode (no dropout,\n"
    "                      running statistics) without the L1 term; grad_norm is the minibatch gradient's.\n"
    "  --save-weights DIR  write one .npy per tensor named by PyTorch's state_dict key (0.weight.npy, ...)\n"
    "                      and DIR/model.txt (the model, and the data spec and seed its examples were\n"
    "                      drawn with, which analyze, landscape and inspect use with --load-weights)\n"
    "  --load-weights DIR  start from saved weights (names and shapes are checked) instead of --init\n"
    "  --save-trajectory DIR  with --every K: the weights and BatchNorm statistics every K steps (and at the\n"
    "                      start and the end) in DIR/step_00000000/, ..., each loadable as --load-weights\n"
    "                      (for basin landscape --directions pca:DIR)\n"
    "  --save-grad DIR     write the final loss.npy and gradient (same naming) over the whole training\n"
    "                      split in training mode (BatchNorm on the split's statistics, dropout off)\n"
    "  -h, --help          show this help\n"
    "\n"
    "A diverging run stops there and is reported on standard error; the exit status stays 0.\n"
    "Exit status: 0 success, 1 a failure while running, 2 bad usage or bad input.\n";

typedef struct train_options {
    const char *model, *data, *opt, *init, *schedule, *augment, *log, *save, *load, *save_grad, *trajectory;
    const char *parallel, *timeline, *backend, *pushes;
    basin_train_settings set; /* --epochs ... --l1: the training schema's keys */
    long every;
} train_options;

/* The training schema's key of a long option (--early-stop: early_stop), or NULL. */
static const char *schema_key(const char *option, char *buf, size_t size)
{
    snprintf(buf, size, "%s", option);
    for (char *c = buf; *c; c++)
        *c = *c == '-' ? '_' : *c;
    return basin_param_find(basin_train_specs, buf) >= 0 ? buf : NULL;
}

#define usage_error(err, ...) basin_cli_usage_error((err), "train", __VA_ARGS__)

static bool timeline_is_json(const char *path)
{
    size_t n = strlen(path);
    return n >= 5 && strcasecmp(path + n - 5, ".json") == 0;
}

static int draw_timeline(cairo_t *cr, double w, double h, const void *ctx)
{
    const basin_timeline *t = ctx;
    basin_theme theme = basin_theme_make(false, 1.4);
    basin_set_color(cr, theme.background);
    cairo_paint(cr);
    double margin = 0.02 * w;
    basin_timeline_window window = {1, t->preview_steps, 0, false, 0};
    basin_chart_timeline(cr, (basin_rect){margin, margin, w - 2 * margin, h - 2 * margin}, &theme, t, &window,
                         t->title);
    return 0;
}

/* Writes the run's timeline to path: Chrome's trace format for .json, else the Gantt chart. Returns 0, or
 * -1 with a message. */
static int write_timeline(const char *path, const basin_timeline *t, FILE *out)
{
    if (!timeline_is_json(path)) {
        basin_figure_options o = basin_figure_defaults();
        o.height = 40 * t->rows + 420 < 900 ? 40 * t->rows + 420 : 900;
        return basin_drawing_export(t->title, &o, draw_timeline, t, path, out) == 0 ? 0 : -1;
    }
    basin_output_file f;
    if (basin_output_open(&f, path, out) != 0)
        return -1;
    if (basin_timeline_write_json(t, f.stream) != 0) {
        basin_output_abort(&f);
        return -1;
    }
    return basin_output_commit(&f);
}

/* Writes the worker of each push of an async run to path, one a line. Returns 0, or -1 with a message. */
static int write_pushes(const char *path, const basin_parallel_training *pt, FILE *out)
{
    basin_output_file f;
    if (basin_output_open(&f, path, out) != 0)
        return -1;
    size_t n;
    const int *pushes = basin_parallel_training_pushes(pt, &n);
    for (size_t i = 0; i < n; i++)
        fprintf(f.stream, "%d\n", pushes[i]);
    return basin_output_commit(&f);
}

static int parse_options(int argc, char **argv, void *options, FILE *out, FILE *err)
{
    train_options *o = options;
    static const struct option longs[] = {
        {"model", required_argument, NULL, 'm'},      {"data", required_argument, NULL, 'd'},
        {"opt", required_argument, NULL, 'o'},        {"init", required_argument, NULL, 'i'},
        {"schedule", required_argument, NULL, 'c'},   {"epochs", required_argument, NULL, 'E'},
        {"steps", required_argument, NULL, 'n'},      {"batch", required_argument, NULL, 'b'},
        {"seed", required_argument, NULL, 's'},       {"l1", required_argument, NULL, 'L'},
        {"augment", required_argument, NULL, 'a'},    {"early-stop", required_argument, NULL, 'p'},
        {"swa", required_argument, NULL, 'w'},        {"snapshots", required_argument, NULL, 'k'},
        {"eval-every", required_argument, NULL, 'v'}, {"log", required_argument, NULL, 'l'},
        {"track-sharpness", required_argument, NULL, 'K'}, {"save-trajectory", required_argument, NULL, 'P'},
        {"every", required_argument, NULL, 'Y'},
        {"save-weights", required_argument, NULL, 'W'}, {"load-weights", required_argument, NULL, 'R'},
        {"save-grad", required_argument, NULL, 'G'},  {"parallel", required_argument, NULL, 'Q'},
        {"timeline", required_argument, NULL, 'T'},   {"backend", required_argument, NULL, 'B'},
        {"pushes", required_argument, NULL, 'U'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    *o = (train_options){.set = basin_train_settings_defaults()};
    optind = 0;
    opterr = 0;
    int c, index;
    bool epochs_given = false;
    while ((c = getopt_long(argc, argv, ":h", longs, &index)) != -1) {
        const char *token = argv[optind - 1];
        int rc = 0;
        char key[32];
        if (c != '?' && c != ':' && c != 'h' && schema_key(longs[index].name, key, sizeof key)) {
            char option[40];
            snprintf(option, sizeof option, "--%s", longs[index].name);
            if (basin_train_settings_set(&o->set, key, option, optarg) != 0)
                return usage_error(err, "%s", basin_error_message());
            epochs_given = epochs_given || c == 'E';
            continue;
        }
        switch (c) {
        case 'm': o->model = optarg; break;
        case 'd': o->data = optarg; break;
        case 'o': o->opt = optarg; break;
        case 'i': o->init = optarg; break;
        case 'c': o->schedule = optarg; break;
        case 'a': o->augment = optarg; break;
        case 'l': o->log = optarg; break;
        case 'W': o->save = optarg; break;
        case 'R': o->load = optarg; break;
        case 'G': o->save_grad = optarg; break;
        case 'Q': o->parallel = optarg; break;
        case 'T': o->timeline = optarg; break;
        case 'B': o->backend = optarg; break;
        case 'U': o->pushes = optarg; break;
        case 'P': o->trajectory = optarg; break;
        case 'Y': rc = cli_parse_count("train", "--every", optarg, 1, 1e12, &o->every, err); break;
        case 'h':
            fputs(basin_train_usage, out);
            return 1;
        case ':':
            return usage_error(err, "option '%s' needs a value", token);
        default:
            return usage_error(err, "unknown option '%.*s' (see basin train --help)", (int)strcspn(token, "="), token);
        }
        if (rc != 0)
            return -1;
    }
    if (optind < argc)
        return usage_error(err, "unexpected argument '%s' (see basin train --help)", argv[optind]);
    if (!o->model)
        return usage_error(err, "--model is required (e.g. --model mlp:hidden=64/64,act=tanh; basin list models)");
    if (!o->data)
        return usage_error(err, "--data is required (e.g. --data spirals; basin list data)");
    if (!o->opt)
        return usage_error(err, "--opt is required (e.g. --opt sgd:lr=0.1,momentum=0.9; basin list optimizers)");
    if (epochs_given && o->set.steps >= 0)
        return usage_error(err, "give --epochs or --steps, not both");
    if (o->init && o->load)
        return usage_error(err, "give --init or --load-weights, not both");
    if (o->set.snapshots && o->schedule)
        return usage_error(err, "--snapshots sets its own cosine cycles; drop --schedule");
    if (o->set.swa && o->set.steps >= 0)
        return usage_error(err, "--swa counts epochs; use --epochs");
    if (!o->trajectory != !o->every)
        return usage_error(err, "--save-trajectory DIR and --every K go together");
    if (o->timeline && !o->parallel)
        return usage_error(err, "--timeline shows a parallel run; add --parallel SPEC");
    char hint[64];
    snprintf(hint, sizeof hint, " and --parallel sync:workers=%d", basin_mpi_launched_ranks());
    int mpi = cli_mpi_backend("train", o->backend, hint, err);
    if (mpi < 0)
        return -1;
    if (mpi && !o->parallel)
        return usage_error(err, "--backend mpi runs a parallel run: add --parallel sync:workers=K (or pipeline, tensor)");
    basin_format format;
    if (o->timeline && !timeline_is_json(o->timeline) && basin_format_from_path(o->timeline, &format) != 0)
        return usage_error(err, "--timeline '%s': give a .png, .svg, .pdf or .json file", o->timeline);
    if (cli_check_output("train", "--log", o->log, false, err) || cli_check_output("train", "--save-weights", o->save, true, err) ||
        cli_check_output("train", "--save-grad", o->save_grad, true, err) ||
        cli_check_output("train", "--save-trajectory", o->trajectory, true, err) ||
        cli_check_output("train", "--timeline", o->timeline, false, err) ||
        cli_check_output("train", "--pushes", o->pushes, false, err))
        return -1;
    return 0;
}

/* The log's and the progress bar's state. */
typedef struct logger {
    FILE *csv;      /* or NULL */
    bool sharpness; /* the two sharpness columns */
    bool parallel;  /* the four columns of a parallel run */
    const char *trajectory; /* save the weights and state every `every` steps here, or NULL */
    long every;
    const basin_model *model;
    const basin_weights_info *info; /* what the weights are of, for model.txt */
    FILE *tty;      /* progress goes here, or NULL */
    long total;
    double started, last_drawn;
    bool drawn;
} logger;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void field(FILE *f, double v, bool last)
{
    if (!isnan(v))
        fprintf(f, "%.17g", v);
    fputc(last ? '\n' : ',', f);
}

static int log_row(void *ctx, const basin_train_row *r)
{
    logger *lg = ctx;
    if (lg->csv) {
        fprintf(lg->csv, "%ld,", r->step);
        field(lg->csv, r->epoch, false);
        field(lg->csv, r->lr, false);
        field(lg->csv, r->batch_loss, false);
        field(lg->csv, r->train_loss, false);
        field(lg->csv, r->test_loss, false);
        field(lg->csv, r->test_acc, false);
        field(lg->csv, r->grad_norm, !lg->sharpness && !lg->parallel);
        if (lg->sharpness) {
            field(lg->csv, r->lambda_max, false);
            field(lg->csv, r->stability, !lg->parallel);
        }
        if (lg->parallel) {
            field(lg->csv, r->sim_time, false);
            field(lg->csv, r->staleness, false);
            field(lg->csv, r->noise_scale, false);
            field(lg->csv, r->values_sent * (double)sizeof(double), true);
        }
        if (ferror(lg->csv)) {
            basin_error_set("writing the log failed");
            return -1;
        }
    }
    if (lg->trajectory && (r->step % lg->every == 0 || r->step == lg->total)) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/step_%08ld", lg->trajectory, r->step);
        if (basin_weights_save(dir, lg->model, r->w, lg->info) != 0)
            return -1;
    }
    double t = now();
    if (lg->tty && lg->total > 0 && t - lg->started > 1.0 && t - lg->last_drawn > 0.1) {
        int width = 30, done = (int)((double)width * (double)r->step / (double)lg->total);
        fprintf(lg->tty, "\r[%.*s%*s] step %ld/%ld  epoch %.1f  batch loss %.4g ", done,
                "==============================", width - done, "", r->step, lg->total, r->epoch, r->batch_loss);
        fflush(lg->tty);
        lg->last_drawn = t;
        lg->drawn = true;
    }
    return 0;
}

static void print_summary(FILE *f, const train_options *o, const cli_net *c, const basin_train_result *res,
                          long per_epoch)
{
    const basin_net_problem *np = c->np;
    fprintf(f, "model     %s (%zu parameters, loss %s)\n", o->model, np->base.dim, basin_loss_name(np->net.loss));
    fprintf(f, "data      %s (%zu train, %zu test)\n", o->data, c->data->train.n, c->data->test.n);
    fprintf(f, "steps     %ld (%.4g epochs of %ld steps)\n", res->steps, (double)res->steps / (double)per_epoch, per_epoch);
    if (res->stopped_early_at >= 0)
        fprintf(f, "early     stopped at step %ld; restored the weights of step %ld\n", res->stopped_early_at,
                res->best_step);
    if (res->swa_models > 0)
        fprintf(f, "swa       averaged %ld epochs' weights; BatchNorm statistics recomputed\n", res->swa_models);
    fprintf(f, "final     train loss %.6g  test loss %.6g", res->train_loss, res->test_loss);
    if (!isnan(res->test_acc))
        fprintf(f, "  test accuracy %.2f%%", 100 * res->test_acc);
    fputc('\n', f);
    if (!isnan(res->average_test_loss)) {
        fprintf(f, "average   the optimizer's averaged iterate: test loss %.6g", res->average_test_loss);
        if (!isnan(res->average_test_acc))
            fprintf(f, "  test accuracy %.2f%%", 100 * res->average_test_acc);
        fputc('\n', f);
    }
    if (!isnan(res->ensemble_test_loss))
        fprintf(f, "ensemble  %ld snapshots: test loss %.6g  test accuracy %.2f%% (best single %.2f%%)\n",
                o->set.snapshots, res->ensemble_test_loss, 100 * res->ensemble_test_acc, 100 * res->best_single_test_acc);
}

/* The full-batch training-mode loss and gradient at w (BatchNorm on the split's statistics, dropout off,
 * running statistics untouched), written to dir. */
static int save_grad(const char *dir, cli_net *c)
{
    basin_net_problem *np = c->np;
    double *g = malloc(np->base.dim * sizeof *g);
    if (!g) {
        basin_error_set("out of memory");
        return -1;
    }
    basin_error_set("%s", ""); /* a failing evaluation leaves its own message */
    double loss = basin_net_eval(np, c->w, BASIN_FULL_BATCH, &BASIN_EVAL_TRAIN_FIXED, g);
    if (!isfinite(loss) && !basin_error_message()[0])
        basin_error_set("--save-grad %s: the loss at the final weights is not finite (%g)", dir, loss);
    int rc = isfinite(loss) ? basin_weights_save_grad(dir, np->net.model, g, loss) : -1;
    free(g);
    return rc;
}

/* Trains as o says, on the threads of this process or as one rank of job's world, whose common point is
 * the start of the training loop (when a rank could not get there every rank stops with status 2). */
static int train(void *options, FILE *out, FILE *err, cli_mpi_job *job)
{
    train_options o = *(const train_options *)options;
    if (job && job->world.rank != 0) /* every rank holds the same weights: rank 0 alone writes */
        o.log = o.save = o.save_grad = o.trajectory = o.timeline = o.pushes = NULL;
    basin_comm *world = job ? &job->world : NULL;
    basin_spec opt_spec = {0}, sched_spec = {0}, aug_spec = {0}, par_spec = {0};
    basin_parallel_training parallel = {0};
    basin_optimizer *opt = NULL;
    basin_schedule *sched = NULL;
    basin_output_file log_file = {0};
    bool log_open = false;
    cli_net c;
    int status = cli_net_open(&c, "train", o.model, o.data, o.init, o.load, o.set.seed, err);
    if (status != BASIN_EXIT_OK)
        return status;
    status = BASIN_EXIT_USAGE;
    if (basin_spec_parse(&opt_spec, BASIN_KIND_OPTIMIZER, o.opt) != 0 ||
        (o.schedule && basin_spec_parse(&sched_spec, BASIN_KIND_SCHEDULE, o.schedule) != 0) ||
        (o.augment && basin_spec_parse(&aug_spec, BASIN_KIND_AUGMENT, o.augment) != 0) ||
        (o.augment && basin_augment_check(aug_spec.entry, &aug_spec.params, c.data) != 0) ||
        (o.parallel && basin_spec_parse(&par_spec, BASIN_KIND_PARALLEL, o.parallel) != 0) ||
        (o.parallel && basin_parallel_training_adapt_optimizer(&par_spec, &opt_spec) != 0) ||
        !(opt = basin_optimizer_create(opt_spec.entry, &opt_spec.params, c.np->base.dim)) ||
        (o.schedule && !(sched = basin_schedule_create(sched_spec.entry, &sched_spec.params)))) {
        fprintf(err, "basin train: %s\n", basin_error_message());
        goto done;
    }
    if (o.augment)
        c.np->augment = aug_spec.entry, c.np->augment_params = &aug_spec.params;
    c.np->l1 = o.set.l1;
    status = BASIN_EXIT_FAILURE;
    if (o.log && basin_output_open(&log_file, o.log, out) != 0) {
        fprintf(err, "basin train: %s\n", basin_error_message());
        goto done;
    }
    log_open = o.log != NULL;
    basin_train_config cfg = basin_train_settings_config(&o.set);
    int set_up = o.parallel ? basin_parallel_training_init(&parallel, c.np, &par_spec, &cfg, world) : 0;
    if (set_up == 0 && o.pushes && (par_spec.entry != &basin_parallel_async ||
                                     basin_params_choice(&par_spec.params, "order") == BASIN_ASYNC_FIXED)) {
        basin_error_set("--pushes records which worker pushed each step of an async run (not order=fixed): "
                        "--parallel async:workers=K");
        set_up = -1;
    }
    if (set_up != 0) {
        fprintf(err, "basin train: %s\n", basin_error_message());
        status = set_up == -1 ? BASIN_EXIT_USAGE : BASIN_EXIT_FAILURE;
        goto done;
    }
    long per_epoch = basin_train_steps_per_epoch(c.data->train.n, cfg.batch);
    if (basin_train_check(c.np, &cfg) != 0) {
        fprintf(err, "basin train: %s\n", basin_error_message());
        status = BASIN_EXIT_USAGE;
        goto done;
    }
    basin_weights_info info = {.seed = c.data_seed};
    snprintf(info.model, sizeof info.model, "%s", o.model);
    snprintf(info.data, sizeof info.data, "%s", o.data);
    logger lg = {.csv = log_open ? log_file.stream : NULL, .sharpness = o.set.track_sharpness > 0,
                 .parallel = o.parallel != NULL,
                 .trajectory = o.trajectory,
                 .every = o.every, .model = c.np->net.model, .info = &info, .tty = isatty(fileno(err)) ? err : NULL,
                 .total = o.set.steps >= 0 ? o.set.steps : o.set.epochs * per_epoch, .started = now()};
    if (log_open)
        fprintf(log_file.stream, "step,epoch,lr,batch_loss,train_loss,test_loss,test_acc,grad_norm%s%s\n",
                o.set.track_sharpness ? ",lambda_max,stability_limit" : "",
                o.parallel ? ",sim_time,staleness,noise_scale,bytes" : "");
    basin_train_result res;
    basin_grad_source source = basin_grad_source_local(c.np);
    if (o.parallel)
        source = basin_parallel_training_source(&parallel);
    char verdict[256] = "";
    if (cfg.lr_scale > 0 && cfg.lr_scale != 1 && basin_parallel_training_verdict(c.np, c.w, opt, opt->lr * cfg.lr_scale, verdict,
                                                             sizeof verdict) != 0) {
        fprintf(err, "basin train: %s\n", basin_error_message());
        goto done;
    }
    basin_trainer *trainer = basin_trainer_create(c.np, c.w, opt, sched, &cfg, source);
    if (job && trainer) { /* every rank has set up, or every rank learns which could not */
        if (cli_mpi_job_ready(job) != 0) {
            basin_trainer_destroy(trainer);
            status = BASIN_EXIT_USAGE;
            goto done;
        }
    }
    if (trainer && basin_parallel_training_serves(&parallel)) { /* an async worker: it serves, rank 0 trains */
        basin_trainer_destroy(trainer);
        if (basin_parallel_training_serve(&parallel) != 0) {
            fprintf(err, "basin train: %s\n", basin_error_message());
            status = BASIN_EXIT_FAILURE;
        } else {
            status = BASIN_EXIT_OK;
        }
        goto done;
    }
    basin_train_row row;
    int trained = trainer ? 1 : -1;
    while (trained == 1 && (trained = basin_trainer_step(trainer, &row)) == 1)
        if (log_row(&lg, &row) != 0)
            trained = -1;
    if (trained == 0)
        trained = basin_trainer_finish(trainer, &res);
    basin_trainer_destroy(trainer);
    if (trainer && o.parallel && basin_parallel_training_end(&parallel) != 0 && trained == 0)
        trained = -1;
    if (lg.drawn)
        fprintf(err, "\r%*s\r", 90, "");
    if (trained != 0) {
        fprintf(err, "basin train: %s\n", basin_error_message());
        goto done;
    }
    if (log_open) {
        log_open = false;
        if (basin_output_commit(&log_file) != 0) {
            fprintf(err, "basin train: %s\n", basin_error_message());
            goto done;
        }
    }
    if (res.diverged) {
        fprintf(err, "basin train: diverged at step %ld (a non-finite loss or gradient)\n", res.steps);
    } else {
        FILE *summary = o.log && strcmp(o.log, "-") == 0 ? err : out;
        print_summary(summary, &o, &c, &res, per_epoch);
        if (o.parallel) {
            char text[512];
            basin_parallel_training_describe(&parallel, res.steps, text, sizeof text);
            fprintf(summary, "parallel  %s\n", text);
            if (*verdict)
                fprintf(summary, "scaling   %s\n", verdict);
        }
        if (o.pushes && write_pushes(o.pushes, &parallel, out) != 0) {
            fprintf(err, "basin train: %s\n", basin_error_message());
            goto done;
        }
        if (o.timeline && write_timeline(o.timeline, basin_parallel_training_timeline(&parallel), out) != 0) {
            fprintf(err, "basin train: %s\n", basin_error_message());
            goto done;
        }
        if ((o.save && basin_weights_save(o.save, c.np->net.model, c.w, &info) != 0) ||
            (o.save_grad && save_grad(o.save_grad, &c) != 0)) {
            fprintf(err, "basin train: %s\n", basin_error_message());
            goto done;
        }
    }
    status = BASIN_EXIT_OK;
done:
    if (log_open)
        basin_output_abort(&log_file);
    basin_schedule_destroy(sched);
    basin_optimizer_destroy(opt);
    basin_spec_clear(&opt_spec);
    basin_spec_clear(&sched_spec);
    basin_spec_clear(&aug_spec);
    basin_spec_clear(&par_spec);
    basin_parallel_training_release(&parallel);
    cli_net_close(&c);
    return status;
}

int basin_cmd_train(int argc, char **argv, FILE *out, FILE *err)
{
    train_options o = {0};
    return cli_mpi_main("train", argc, argv, parse_options, train, &o, &o.backend, out, err);
}
