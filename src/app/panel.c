/* panel.c: the control column and the curvature overlay. */
#include "panel.h"

#include "engine/analysis/stationary.h"
#include "engine/optim/optimizer.h"
#include "engine/registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The range a slider gives each optimizer key. */
static const struct {
    const char *key;
    double lo, hi;
    bool log;
} ranges[] = {
    {"lr", 1e-5, 10, true},          {"momentum", 0, 0.999, false},      {"dampening", 0, 0.99, false},
    {"weight_decay", 0, 1, false},   {"alpha", 0.5, 0.9999, false},      {"eps", 1e-10, 1, true},
    {"beta1", 0, 0.999, false},      {"beta2", 0.5, 0.9999, false},      {"lr_decay", 0, 1, false},
    {"initial_accumulator_value", 0, 1, false}, {"rho", 0, 0.999, false}, {"momentum_decay", 0, 0.1, false},
};

/* The spec of an optimizer with its given keys, as text. */
static void spec_text(const basin_spec *spec, char *buf, size_t size)
{
    int used = snprintf(buf, size, "%s", spec->entry->name);
    char sep = ':';
    for (int i = 0; spec->entry->specs[i].key && used > 0 && (size_t)used < size; i++) {
        const basin_param_spec *p = &spec->entry->specs[i];
        const basin_param_value *v = &spec->params.values[i];
        if (!v->given)
            continue;
        if (p->type == BASIN_PARAM_BOOL)
            used += snprintf(buf + used, size - (size_t)used, "%c%s=%s", sep, p->key, v->num != 0 ? "true" : "false");
        else if (p->type == BASIN_PARAM_REAL || p->type == BASIN_PARAM_INT)
            used += snprintf(buf + used, size - (size_t)used, "%c%s=%.6g", sep, p->key, v->num);
        else if (p->type == BASIN_PARAM_STRING && v->str) /* SAM's base: quoted, so that its ':' and ',' stay */
            used += snprintf(buf + used, size - (size_t)used, "%c%s=\"%s\"", sep, p->key, v->str);
        sep = ',';
    }
}

static void set_opt(basin_app *app, const basin_lab *lab, const char *run, const basin_spec *spec)
{
    char text[384], assignment[512];
    spec_text(spec, text, sizeof text);
    snprintf(assignment, sizeof assignment, "%s.opt=%s", run, text);
    basin_app_set(app, assignment);
    basin_app_rebuild(app); /* a training lab retrains that run, the others going on */
    if (!lab->dataset) {
        app->playing = false;
        app->shown = 1e9; /* show the recomputed trajectory whole, at once */
    }
}

static void add_run(basin_app *app, const basin_lab *lab, const char *optimizer)
{
    char name[64], assignment[512];
    for (int k = 1;; k++) { /* the first free "adam 1", "adam 2", ... */
        snprintf(name, sizeof name, "%s %d", optimizer, k);
        bool taken = false;
        for (size_t i = 0; i < lab->n_runs && !taken; i++)
            taken = strcmp(lab->runs[i].label, name) == 0;
        if (!taken)
            break;
    }
    static const char *const defaults[][2] = {{"sgd", "sgd:lr=0.01"}, {"adagrad", "adagrad:lr=0.5"},
                                              {"rmsprop", "rmsprop:lr=0.01"}, {"adam", "adam:lr=0.05"},
                                              {"adamw", "adamw:lr=0.05"}, {"newton", "newton"},
                                              {"sam", "sam:base=\"sgd:lr=0.01\",rho=0.05"}};
    const char *spec = optimizer;
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++)
        if (strcmp(defaults[i][0], optimizer) == 0)
            spec = defaults[i][1];
    snprintf(assignment, sizeof assignment, "+%s.opt=%s", name, spec);
    basin_app_set(app, assignment);
    if (lab->problem) { /* a surface lab's new run starts where the selected one does */
        const double *start = lab->runs[app->selected].start;
        snprintf(assignment, sizeof assignment, "%s.start=%.17g,%.17g", name, start[0], start[1]);
        basin_app_set(app, assignment);
    }
    app->selected = (int)lab->n_runs;
    basin_app_rebuild(app);
}

/* Drops every override of run name; a run of the lab file is removed with "-NAME". */
static void remove_run(basin_app *app, const char *name)
{
    size_t len = strlen(name), kept = 0;
    bool created_here = false;
    for (size_t i = 0; i < app->n_sets; i++) {
        const char *s = app->sets[i];
        const char *section = s[0] == '+' ? s + 1 : s;
        if (strncmp(section, name, len) == 0 && section[len] == '.') {
            created_here = created_here || s[0] == '+';
            free(app->sets[i]);
        } else {
            app->sets[kept++] = app->sets[i];
        }
    }
    app->n_sets = kept;
    if (!created_here) {
        char assignment[128];
        snprintf(assignment, sizeof assignment, "-%s", name);
        basin_app_set(app, assignment);
    }
    app->selected = 0;
    basin_app_rebuild(app);
}

/* The classic 2-D surfaces the chooser cycles through, with a window and a start for each. */
static const struct {
    const char *name;
    const char *window[2];
    const char *start;
} surfaces[] = {
    {"quadratic:eig=1/50,angle=30", {"-3:3", "-2.5:2.5"}, "-2.5,1"},
    {"rosenbrock", {"-2:2", "-1:3"}, "-1.5,2"},
    {"himmelblau", {"-5:5", "-5:5"}, "-0.4,-1.1"},
    {"beale", {"-4.5:4.5", "-4.5:4.5"}, "1,1.5"},
    {"booth", {"-10:10", "-10:10"}, "-7,8"},
    {"rastrigin", {"-5.12:5.12", "-5.12:5.12"}, "2.1,-0.9"},
    {"ackley", {"-5:5", "-5:5"}, "2.5,2.2"},
    {"styblinski-tang", {"-5:5", "-5:5"}, "0.5,0.2"},
    {"six-hump-camel", {"-3:3", "-2:2"}, "-1.5,1.2"},
    {"saddle", {"-2:2", "-2:2"}, "1.5,0.05"},
    {"monkey-saddle", {"-2:2", "-2:2"}, "1.2,0.3"},
};
#define N_SURFACES (sizeof surfaces / sizeof *surfaces)

static void choose_surface(basin_app *app, const basin_lab *lab, int step)
{
    int at = -1;
    for (int i = 0; i < (int)N_SURFACES; i++)
        if (strcmp(surfaces[i].name, lab->surface.text) == 0)
            at = i;
    int next = ((at < 0 ? 0 : at + step) % (int)N_SURFACES + (int)N_SURFACES) % (int)N_SURFACES;
    char assignment[256];
    snprintf(assignment, sizeof assignment, "lab.surface=%s", surfaces[next].name);
    basin_app_set(app, assignment);
    basin_app_set(app, "lab.f="); /* a named surface: no formula keys */
    basin_app_set(app, "lab.domain=");
    basin_app_set(app, "lab.minimum=");
    snprintf(assignment, sizeof assignment, "lab.xrange=%s", surfaces[next].window[0]);
    basin_app_set(app, assignment);
    snprintf(assignment, sizeof assignment, "lab.yrange=%s", surfaces[next].window[1]);
    basin_app_set(app, assignment);
    for (size_t i = 0; i < lab->n_runs; i++) {
        snprintf(assignment, sizeof assignment, "%s.start=%s", lab->runs[i].label, surfaces[next].start);
        basin_app_set(app, assignment);
    }
    basin_app_rebuild(app);
}

/* What the training choosers cycle through: models for points and for images, initializers, data sets
 * (the 2-D classification sets first: a lab with decision regions takes only those). */
static const char *const point_models[] = {
    "mlp:hidden=16",         "mlp:hidden=16/16",          "mlp:hidden=16/16,act=tanh",
    "mlp:hidden=64/64",      "mlp:hidden=64/64,norm=batch", "mlp:hidden=64/64,norm=layer",
    "mlp:hidden=128/128",    "mlp:hidden=128/128,dropout=0.5",
};
static const char *const image_models[] = {"mlp:hidden=64", "mlp:hidden=128/128", "cnn", "cnn:norm=batch",
                                           "cnn:dropout=0.5"};
static const char *const inits[] = {"default",        "constant:val=0.1", "zeros",          "normal:std=1",
                                    "normal:std=0.01", "xavier_uniform",   "xavier_normal",  "kaiming_uniform",
                                    "kaiming_normal",  "orthogonal"};
static const char *const datasets[] = {"moons:n=200,noise=0.3,test=0.5", "moons", "circles", "spirals:noise=0.05",
                                       "xor", "blobs", "digits"};
#define COUNT(a) (sizeof a / sizeof *a)
#define PLANE_DATASETS 6 /* the first six are 2-D classification sets */

/* The choice after (step 1) or before (−1) current in choices[0..n), the first when current is not there. */
static const char *cycle(const char *const *choices, size_t n, const char *current, int step)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(choices[i], current) == 0)
            return choices[step > 0 ? (i + 1) % n : (i + n - 1) % n];
    return choices[0];
}

/* A row "◀ NAME" "NAME ▶" with the current value below; returns −1, 0 or 1. */
static int chooser(basin_ui *ui, const char *name, const char *current)
{
    char back[64], forth[64];
    snprintf(back, sizeof back, "◀ %s", name);
    snprintf(forth, sizeof forth, "%s ▶", name);
    int step = basin_ui_button(ui, back) ? -1 : 0;
    step = basin_ui_button(ui, forth) ? 1 : step;
    basin_ui_row_end(ui);
    basin_ui_label(ui, current, false);
    return step;
}

/* The model, init and data set choosers of a training lab; a choice goes into assignment (a run's model
 * or init retrains that run, a data set every run). Returns whether one was made. */
static bool training_choosers(basin_ui *ui, const basin_lab *lab, const basin_lab_run *r, char *assignment, size_t size)
{
    basin_ui_label(ui, "Training", true);
    bool image = lab->dataset->image;
    int model = chooser(ui, "model", r->model.text), init = chooser(ui, "init", r->init.text);
    int data = chooser(ui, "data", lab->data.text);
    if (model)
        snprintf(assignment, size, "%s.model=%s", r->label,
                 image ? cycle(image_models, COUNT(image_models), r->model.text, model)
                       : cycle(point_models, COUNT(point_models), r->model.text, model));
    else if (init)
        snprintf(assignment, size, "%s.init=%s", r->label, cycle(inits, COUNT(inits), r->init.text, init));
    else if (data)
        snprintf(assignment, size, "lab.data=%s",
                 cycle(datasets, basin_lab_has_view(lab, BASIN_VIEW_BOUNDARY) ? PLANE_DATASETS : COUNT(datasets),
                       lab->data.text, data));
    return model || init || data;
}

/* The surface becomes the formula typed (an error in it is told in the status strip, and the lab stays). */
static void type_formula(basin_app *app, const char *formula)
{
    char assignment[600];
    basin_app_set(app, "lab.surface=expr");
    snprintf(assignment, sizeof assignment, "lab.f=%s", formula);
    basin_app_set(app, assignment);
    basin_app_rebuild(app);
}

/* The row of the selected run that is on screen. */
static size_t current_row(const basin_app *app, const basin_run *run)
{
    size_t len = run->trace.len;
    size_t shown = app->shown < 1 ? 1 : (size_t)app->shown;
    return (shown < len ? shown : len) - 1;
}

/* Eigenvalues (ascending) and eigenvectors of the Hessian at the selected run's current point, and their
 * shape. */
static bool curvature(const basin_app *app, const basin_lab *lab, double eval[2], double evec[4], double w[2],
                      basin_point_shape *shape)
{
    const basin_run *run = lab->runs[app->selected].run;
    if (!lab->problem || lab->problem->dim != 2 || !run || run->trace.len == 0)
        return false;
    size_t row = current_row(app, run);
    w[0] = run->trace.w[2 * row];
    w[1] = run->trace.w[2 * row + 1];
    return basin_point_curvature(lab->problem, w, eval, evec, shape) == 0;
}

static void curvature_lines(basin_app *app, basin_ui *ui, const basin_lab *lab)
{
    double eval[2], evec[4], w[2];
    basin_point_shape shape;
    if (!curvature(app, lab, eval, evec, w, &shape))
        return;
    const basin_lab_run *r = &lab->runs[app->selected];
    char line[256];
    snprintf(line, sizeof line, "at (%.3g, %.3g)", w[0], w[1]);
    basin_ui_label(ui, line, false);
    snprintf(line, sizeof line, "λ = %.3g, %.3g", eval[0], eval[1]);
    basin_ui_label(ui, line, false);
    if (shape == BASIN_POINT_MINIMUM)
        snprintf(line, sizeof line, "κ = λmax/λmin = %.3g", eval[1] / eval[0]);
    else
        snprintf(line, sizeof line, "%s: %s's shape", shape == BASIN_POINT_FLAT      ? "semi-definite"
                                                     : shape == BASIN_POINT_SADDLE ? "indefinite"
                                                                                   : "negative definite",
                 shape == BASIN_POINT_FLAT ? "a valley floor" : basin_point_shape_name(shape));
    basin_ui_label(ui, line, false);
    double lr = r->run->trace.lr[current_row(app, r->run)];
    char formula[96];
    double limit = basin_optimizer_stability_limit(r->run->opt, lr, formula, sizeof formula);
    if (isnan(limit)) { /* "none: Adam rescales each coordinate" */
        basin_ui_label(ui, "no stability limit on λmax:", false);
        basin_ui_label(ui, formula + strlen("none: "), false);
        return;
    }
    /* an asynchronous run applies gradients τ updates old: gradient descent's limit shrinks to
     * 2·sin(π/(2(2τ+1)))/η (the delayed law); other optimizers have no closed form under delay */
    size_t row = current_row(app, r->run);
    long tau = r->run->async && row > 0 ? (long)r->run->trace.staleness[row] : 0;
    if (tau > 0 && strcmp(formula, "2/η") == 0) {
        limit = basin_async_stability_limit(tau) / lr;
        snprintf(line, sizeof line, "limit with delay τ = %ld:", tau);
        basin_ui_label(ui, line, false);
        snprintf(line, sizeof line, "2·sin(π/(4τ+2))/η");
    } else if (tau > 0) {
        snprintf(line, sizeof line, "limit %s without delay", formula);
        basin_ui_label(ui, line, false);
        snprintf(line, sizeof line, "(delay τ = %ld lowers it)", tau);
    } else {
        snprintf(line, sizeof line, "limit %s", formula);
    }
    basin_ui_label(ui, line, false);
    snprintf(line, sizeof line, "λmax %.3g %s %.3g", eval[1], eval[1] < limit ? "<" : ">", limit);
    basin_ui_label(ui, line, false);
    basin_ui_label(ui, eval[1] < limit ? "stable along every direction" : "unstable: the steep direction grows",
                   false);
}

void basin_panel_run(basin_app *app, cairo_t *cr, const basin_lab *lab, double x, double y, double w)
{
    basin_theme theme = basin_theme_make(false, app->presenter ? 2 : 1.35);
    basin_ui *ui = &app->ui;
    basin_ui_begin(ui, cr, &theme, app->ui_input, x, y, w);
    if ((size_t)app->selected >= lab->n_runs)
        app->selected = 0;
    basin_ui_label(ui, "Runs", true);
    for (size_t i = 0; i < lab->n_runs; i++)
        if (basin_ui_item(ui, lab->runs[i].color, lab->runs[i].label, (int)i == app->selected))
            app->selected = (int)i;
    basin_ui_label(ui, "add", false);
    size_t n_opts;
    const basin_entry *const *opts = basin_registry_list(BASIN_KIND_OPTIMIZER, &n_opts);
    const char *add = NULL;
    for (size_t i = 0; i < n_opts; i++) {
        char text[32];
        snprintf(text, sizeof text, "+ %s", opts[i]->name);
        if (basin_ui_button(ui, text))
            add = opts[i]->name;
    }
    basin_ui_row_end(ui);

    const basin_lab_run *r = &lab->runs[app->selected];
    char heading[96];
    snprintf(heading, sizeof heading, "%s (%s)", r->label, r->opt.entry->name);
    basin_ui_label(ui, heading, true);
    basin_spec edited = r->opt; /* values copied; lists are not edited here */
    bool changed = false;
    for (int i = 0; edited.entry->specs[i].key; i++) {
        const basin_param_spec *p = &edited.entry->specs[i];
        basin_param_value *v = &edited.params.values[i];
        if (p->type == BASIN_PARAM_BOOL) {
            bool on = v->num != 0;
            if (basin_ui_toggle(ui, p->key, &on)) {
                v->num = on;
                v->given = changed = true;
            }
            continue;
        }
        for (size_t k = 0; k < sizeof ranges / sizeof *ranges; k++) {
            if (strcmp(ranges[k].key, p->key) != 0)
                continue;
            /* A log range reaches two decades past the run's own value (lr = 8e-11 on raw features). */
            double lo = ranges[k].lo, hi = ranges[k].hi;
            if (ranges[k].log && v->num > 0) {
                lo = fmin(lo, v->num / 100);
                hi = fmax(hi, v->num * 100);
            }
            if (basin_ui_slider(ui, p->key, &v->num, lo, hi, ranges[k].log))
                v->given = changed = true;
        }
    }
    bool remove = lab->n_runs > 1 && basin_ui_button(ui, "remove this run");
    basin_ui_row_end(ui);
    curvature_lines(app, ui, lab);

    bool previous = false, next = false, typed = false;
    if (lab->problem) {
        basin_ui_label(ui, "Surface", true);
        previous = basin_ui_button(ui, "◀"), next = basin_ui_button(ui, "▶");
        basin_ui_row_end(ui);
        char name[512];
        basin_lab_surface_name(lab, name, sizeof name);
        basin_ui_label(ui, name, false);
        /* the field shows the lab's formula when it changes, and otherwise what was typed (a formula with an
         * error stays there to be mended) */
        const char *formula = basin_param_find(lab->surface.entry->specs, "f") >= 0
                                  ? basin_params_string(&lab->surface.params, "f")
                                  : "";
        if (strcmp(formula ? formula : "", app->formula_seen) != 0 && !basin_ui_typing(ui)) {
            snprintf(app->formula_seen, sizeof app->formula_seen, "%s", formula ? formula : "");
            snprintf(app->formula, sizeof app->formula, "%s", app->formula_seen);
        }
        typed = basin_ui_field(ui, "f(x, y) =", app->formula, sizeof app->formula);
    }
    char chosen[256];
    bool choice = !lab->problem && training_choosers(ui, lab, r, chosen, sizeof chosen);
    basin_ui_end(ui);

    /* Act after the frame is declared: each action rebuilds the lab. */
    if (changed)
        set_opt(app, lab, r->label, &edited);
    else if (remove)
        remove_run(app, r->label);
    else if (add)
        add_run(app, lab, add);
    else if (previous || next)
        choose_surface(app, lab, next ? 1 : -1);
    else if (typed)
        type_formula(app, app->formula);
    else if (choice) {
        basin_app_set(app, chosen);
        basin_app_rebuild(app);
    }
}

void basin_panel_draw_directions(basin_app *app, cairo_t *cr, const basin_lab *lab)
{
    if (!app->cache.has_view || (size_t)app->selected >= lab->n_runs)
        return;
    double eval[2], evec[4], w[2];
    basin_point_shape shape;
    if (!curvature(app, lab, eval, evec, w, &shape))
        return;
    const basin_plot *p = &app->cache.view.plot;
    double cx = basin_plot_x(p, w[0]), cy = basin_plot_y(p, w[1]);
    double largest = fmax(1 / sqrt(fmax(fabs(eval[0]), 1e-300)), 1 / sqrt(fmax(fabs(eval[1]), 1e-300)));
    const double *c = lab->runs[app->selected].color;
    cairo_save(cr);
    basin_plot_clip(cr, p);
    for (int k = 0; k < 2; k++) {
        /* The axes of the local quadratic's level set: length ∝ 1/√|λ|, the longer 8% of the plot. */
        double len = 0.08 * p->area.w * (1 / sqrt(fmax(fabs(eval[k]), 1e-300))) / largest;
        double dx = evec[0 * 2 + k], dy = evec[1 * 2 + k];
        double px = dx * p->area.w / (p->xmax - p->xmin), py = -dy * p->area.h / (p->ymax - p->ymin);
        double n = hypot(px, py);
        if (!(n > 0))
            continue;
        double ux = px / n, uy = py / n, gap = 8; /* the arms start outside the run's marker */
        if (len <= gap)
            continue;
        double dash[2] = {4, 3};
        cairo_set_dash(cr, dash, eval[k] < 0 ? 2 : 0, 0);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 3.5);
        for (int side = -1; side <= 1; side += 2) {
            cairo_move_to(cr, cx + side * gap * ux, cy + side * gap * uy);
            cairo_line_to(cr, cx + side * len * ux, cy + side * len * uy);
        }
        cairo_stroke_preserve(cr);
        cairo_set_source_rgb(cr, c[0], c[1], c[2]);
        cairo_set_line_width(cr, 1.8);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}
