/* lab.c: building a lab from its checked keys (keys.c says which exist, entries.c reads them):
 * typed values, the scene, the runs of a surface lab or a training lab, in one builder. */
#include "lab_internal.h"
#include "keys.h"
#include "subject.h"

#include "engine/budget.h"
#include "engine/error.h"
#include "engine/nn/augment.h"
#include "engine/parallel/parallel_training.h"
#include "engine/nn/train.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- building ---- */

#define COLORMAPS "auto|viridis|magma|cividis|diverging"

static const struct {
    const char *name;
    unsigned rgb;
} palette[] = {{"blue", 0x1f77b4},  {"orange", 0xff7f0e}, {"green", 0x2ca02c}, {"red", 0xd62728},
               {"purple", 0x9467bd}, {"brown", 0x8c564b}, {"pink", 0xe377c2},  {"gray", 0x7f7f7f},
               {"olive", 0xbcbd22},  {"cyan", 0x17becf}};
#define PALETTE_SIZE (sizeof palette / sizeof *palette)

int basin_lab_fail(const char *origin, const char *fmt, ...)
{
    char message[448];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    basin_error_set("%s: %s", origin, message);
    return -1;
}

static bool in_list(const char *const *list, const char *word)
{
    for (; *list; list++)
        if (strcmp(*list, word) == 0)
            return true;
    return false;
}

static int read_number(const basin_lab_entry *it, double min, double max, bool whole, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(it->value, &end);
    if (end == it->value || *end != '\0' || errno || !isfinite(x) || x < min || x > max || (whole && x != floor(x)))
        return basin_lab_fail(it->origin, "'%s' is not a %s from %.10g to %.10g", it->value, whole ? "whole number" : "number",
                    min, max);
    *out = x;
    return 0;
}

static int read_range(const basin_lab_entry *it, double out[2])
{
    char *end;
    errno = 0;
    out[0] = strtod(it->value, &end);
    if (end == it->value || *end != ':')
        return basin_lab_fail(it->origin, "'%s' is not a range LOW:HIGH", it->value);
    char *second = end + 1;
    out[1] = strtod(second, &end);
    if (end == second || *end != '\0' || errno || !isfinite(out[0]) || !isfinite(out[1]) || !(out[0] < out[1]))
        return basin_lab_fail(it->origin, "'%s' is not a range LOW:HIGH with LOW < HIGH", it->value);
    return 0;
}

/* "x0,x1,..." with exactly dim finite numbers into a new array. */
static int read_point(const basin_lab_entry *it, const basin_lab *lab, double **out)
{
    size_t dim = lab->problem->dim, count = 1;
    for (const char *c = it->value; *c; c++)
        count += *c == ',';
    if (count != dim)
        return basin_lab_fail(it->origin, "'%s' has %zu value%s but surface '%s' has %zu parameters", it->value, count,
                    count == 1 ? "" : "s", lab->surface.entry->name, dim);
    double *point = malloc(dim * sizeof *point);
    if (!point)
        return basin_lab_fail(it->origin, "out of memory");
    const char *c = it->value;
    for (size_t i = 0; i < dim; i++) {
        char *end;
        errno = 0;
        point[i] = strtod(c, &end);
        while (isspace((unsigned char)*end))
            end++;
        if (end == c || (*end != ',' && *end != '\0') || errno || !isfinite(point[i])) {
            size_t len = strcspn(c, ",");
            free(point);
            return basin_lab_fail(it->origin, "'%s': '%.*s' is not a number", it->value, (int)len, c);
        }
        c = end + 1;
    }
    *out = point;
    return 0;
}

static int read_spec(const basin_lab_entry *it, basin_kind kind, basin_spec *out)
{
    if (basin_spec_parse(out, kind, it->value) != 0)
        return basin_lab_fail(it->origin, "%s", basin_error_message());
    return 0;
}

static int read_color(const basin_lab_entry *it, double rgb[3])
{
    unsigned value = 0;
    bool found = false;
    for (size_t i = 0; i < PALETTE_SIZE && !found; i++)
        if (strcmp(palette[i].name, it->value) == 0) {
            value = palette[i].rgb;
            found = true;
        }
    if (!found && it->value[0] == '#' && strlen(it->value) == 7 && strspn(it->value + 1, "0123456789abcdefABCDEF") == 6) {
        value = (unsigned)strtoul(it->value + 1, NULL, 16);
        found = true;
    }
    if (!found)
        return basin_lab_fail(it->origin, "'%s' is not a colour (#rrggbb, or blue, orange, green, red, purple, brown, pink, "
                                "gray, olive, cyan)", it->value);
    rgb[0] = (value >> 16 & 0xff) / 255.0;
    rgb[1] = (value >> 8 & 0xff) / 255.0;
    rgb[2] = (value & 0xff) / 255.0;
    return 0;
}

/* The views a lab may show, for messages. */
static const char *valid_views(const basin_lab *lab)
{
    static char names[2][512];
    basin_lab_kinds kind = lab->dataset ? BASIN_LABS_TRAINING : BASIN_LABS_SURFACE;
    basin_view_names(kind, names[kind - 1], sizeof names[0]);
    return names[kind - 1];
}

/* Whether view suits lab, or -1 with a message. */
static int check_view(const basin_lab_entry *it, const basin_lab *lab, basin_view view, const char *word)
{
    bool training = lab->dataset != NULL;
    if (!(basin_view_info_of(view)->labs & (training ? BASIN_LABS_TRAINING : BASIN_LABS_SURFACE)))
        return basin_lab_fail(it->origin, "view '%s' is not for a %s lab (views: %s)", word, training ? "training" : "surface",
                    valid_views(lab));
    if (!training && (view == BASIN_VIEW_CONTOUR || view == BASIN_VIEW_SURFACE) && lab->problem->dim != 2)
        return basin_lab_fail(it->origin, "the %s view needs a 2-D surface ('%s' has %zu parameters)", word,
                    lab->surface.text, lab->problem->dim);
    if (view == BASIN_VIEW_BOUNDARY && (lab->dataset->n_features != 2 || lab->dataset->n_classes == 0))
        return basin_lab_fail(it->origin, "the boundary view needs 2-D classification data ('%s' has %zu features%s)", lab->data.text,
                    lab->dataset->n_features, lab->dataset->n_classes ? "" : ", no classes");
    return 0;
}

static int read_views(const basin_lab_entry *it, basin_lab *lab)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", it->value);
    lab->n_views = 0;
    for (char *word = strtok(copy, ", \t"); word; word = strtok(NULL, ", \t")) {
        int view = basin_view_find(word);
        if (view < 0)
            return basin_lab_fail(it->origin, "unknown view '%s' (views: %s)", word, valid_views(lab));
        for (size_t i = 0; i < lab->n_views; i++)
            if (lab->views[i] == (basin_view)view)
                return basin_lab_fail(it->origin, "view '%s' is listed twice", word);
        if (check_view(it, lab, (basin_view)view, word) != 0)
            return -1;
        lab->views[lab->n_views++] = (basin_view)view;
    }
    if (lab->n_views == 0)
        return basin_lab_fail(it->origin, "no views listed (views: %s)", valid_views(lab));
    return 0;
}

static int check_keys(const basin_lab_entries *e)
{
    char keys[512];
    basin_lab_kinds kind = basin_lab_find_entry(e, "lab", "data") ? BASIN_LABS_TRAINING : BASIN_LABS_SURFACE;
    for (size_t i = 0; i < e->len; i++) {
        const basin_lab_entry *it = &e->items[i];
        bool is_lab = strcmp(it->section, "lab") == 0;
        if (!*it->key)
            continue; /* a [run NAME] header */
        if (!basin_lab_key_allowed(it->key, is_lab, kind)) {
            basin_lab_key_names(is_lab, kind, keys, sizeof keys);
            return basin_lab_fail(it->origin, "unknown key in [%s%s] (keys: %s)", is_lab ? "" : "run ", it->section, keys);
        }
    }
    return 0;
}

bool basin_lab_run_is_plain_gd(const basin_lab *lab, const basin_lab_run *r, double *lr)
{
    if (!lab->problem || !r->opt.entry || strcmp(r->opt.entry->name, "sgd") != 0 || r->schedule.entry || r->parallel.entry ||
        r->batch != 0 || lab->problem->grad_noise > 0)
        return false;
    *lr = basin_params_real(&r->opt.params, "lr");
    return basin_params_real(&r->opt.params, "momentum") == 0 && basin_params_real(&r->opt.params, "weight_decay") == 0;
}

bool basin_lab_has_view(const basin_lab *lab, basin_view view)
{
    for (size_t i = 0; i < lab->n_views; i++)
        if (lab->views[i] == view)
            return true;
    return false;
}

/* The lab's title (default: the problem's spec), its note (NULL: none) and the default colormap. */
void basin_lab_surface_name(const basin_lab *lab, char *buf, size_t size)
{
    const char *formula = lab->surface.entry && basin_param_find(lab->surface.entry->specs, "f") >= 0
                              ? basin_params_string(&lab->surface.params, "f")
                              : NULL;
    if (formula && lab->problem)
        snprintf(buf, size, "%s = %s", lab->problem->dim == 2 ? "f(x, y)" : "f", formula);
    else
        snprintf(buf, size, "%s", lab->surface.text ? lab->surface.text : "");
}

static int read_words(basin_lab *lab, const basin_lab_entries *e, const char *default_title)
{
    const basin_lab_entry *title = basin_lab_find_entry(e, "lab", "title");
    const basin_lab_entry *note = basin_lab_find_entry(e, "lab", "note");
    lab->title = strdup(title ? title->value : default_title);
    lab->note = note && *note->value ? strdup(note->value) : NULL;
    lab->colormap = strdup("auto");
    if (!lab->title || !lab->colormap || (note && *note->value && !lab->note))
        return basin_lab_fail(lab->source, "out of memory");
    return 0;
}

/* The [lab] keys that need no problem, and the problem itself. */
static const char *const formula_keys[] = {"f", "domain", "minimum"};

/* The surface's spec; with surface = expr, the formula keys f, domain and minimum of [lab] join it (quoted,
 * so that they may hold ':' and ','); given receives those entries (NULL where absent). */
static int read_surface(basin_lab *lab, const basin_lab_entries *e, const basin_lab_entry *it,
                        const basin_lab_entry *given[3])
{
    const char *const *keys = formula_keys;
    const basin_lab_entry *first = NULL;
    for (int k = 0; k < 3; k++) {
        given[k] = basin_lab_find_entry(e, "lab", keys[k]);
        if (given[k] && !*given[k]->value) /* emptied by an override: as if absent */
            given[k] = NULL;
        if (given[k] && !first)
            first = given[k];
    }
    if (!first)
        return read_spec(it, BASIN_KIND_SURFACE, &lab->surface);
    if (strcmp(it->value, "expr") != 0)
        return basin_lab_fail(first->origin, "%s = ... goes with surface = expr (this lab's is '%s')", first->key, it->value);
    size_t size = 16;
    for (int k = 0; k < 3; k++)
        size += given[k] ? strlen(keys[k]) + 2 * strlen(given[k]->value) + 4 : 0;
    char *text = malloc(size);
    if (!text)
        return basin_lab_fail(it->origin, "out of memory");
    size_t used = (size_t)snprintf(text, size, "expr");
    for (int k = 0; k < 3; k++) {
        if (!given[k])
            continue;
        used += (size_t)snprintf(text + used, size - used, "%c%s=\"", used == 4 ? ':' : ',', keys[k]);
        for (const char *c = given[k]->value; *c; c++) { /* quotes and backslashes escaped */
            if (*c == '"' || *c == '\\')
                text[used++] = '\\';
            text[used++] = *c;
        }
        text[used++] = '"', text[used] = '\0';
    }
    int rc = basin_spec_parse(&lab->surface, BASIN_KIND_SURFACE, text);
    free(text);
    return rc == 0 ? 0 : basin_lab_fail(first->origin, "%s", basin_error_message());
}

/* Says why the surface could not be made, at the formula key the message is about ("expr: f: column 3: ..."
 * at f's line as "FILE:LINE: f: column 3: ...") or else at surface's. Returns -1. */
static int surface_failed(const basin_lab_entry *it, const basin_lab_entry *const given[3])
{
    const char *message = basin_error_message();
    if (strncmp(message, "expr: ", 6) == 0)
        for (int k = 0; k < 3; k++) {
            size_t len = strlen(formula_keys[k]);
            const char *rest = message + 6;
            if (given[k] && strncmp(rest, formula_keys[k], len) == 0 && (rest[len] == ':' || rest[len] == '='))
                return basin_lab_fail(given[k]->origin, "%s", rest[len] == ':' ? rest + len + 2 : rest);
        }
    return basin_lab_fail(it->origin, "%s", message);
}


static int build_scene(basin_lab *lab, const basin_lab_entries *e)
{
    const basin_lab_entry *it = basin_lab_find_entry(e, "lab", "surface"), *given[3];
    if (!it)
        return basin_lab_fail(lab->source, "the lab needs surface = SPEC in [lab] (basin list surfaces)");
    if (read_surface(lab, e, it, given) != 0)
        return -1;
    lab->problem = basin_problem_create(lab->surface.entry, &lab->surface.params);
    if (!lab->problem)
        return surface_failed(it, given);
    char name[512];
    basin_lab_surface_name(lab, name, sizeof name);
    if (read_words(lab, e, name) != 0)
        return -1;
    double x;
    lab->steps = 100;
    if ((it = basin_lab_find_entry(e, "lab", "steps"))) {
        if (read_number(it, 0, 1e9, true, &x) != 0)
            return -1;
        lab->steps = (long)x;
    }
    lab->levels = 20;
    if ((it = basin_lab_find_entry(e, "lab", "levels"))) {
        if (read_number(it, 2, 200, true, &x) != 0)
            return -1;
        lab->levels = (int)x;
    }
    if ((it = basin_lab_find_entry(e, "lab", "level_scale"))) {
        static const char *const scales[] = {"auto", "linear", "log", NULL};
        int k = 0;
        while (scales[k] && strcmp(scales[k], it->value) != 0)
            k++;
        if (!scales[k])
            return basin_lab_fail(it->origin, "'%s' is not one of auto|linear|log", it->value);
        lab->level_scale = (basin_level_scale)k;
    }
    if ((it = basin_lab_find_entry(e, "lab", "colormap"))) {
        static const char *const maps[] = {"auto", "viridis", "magma", "cividis", "diverging", NULL};
        if (!in_list(maps, it->value))
            return basin_lab_fail(it->origin, "'%s' is not one of " COLORMAPS, it->value);
        free(lab->colormap);
        lab->colormap = strdup(it->value);
    }
    const basin_lab_entry *xr = basin_lab_find_entry(e, "lab", "xrange"), *yr = basin_lab_find_entry(e, "lab", "yrange");
    if (xr || yr) {
        if (!xr || !yr)
            return basin_lab_fail((xr ? xr : yr)->origin, "give both xrange and yrange");
        if (read_range(xr, lab->window) != 0 || read_range(yr, lab->window + 2) != 0)
            return -1;
        lab->has_window = true;
    }
    if ((it = basin_lab_find_entry(e, "lab", "views")))
        return read_views(it, lab);
    lab->views[0] = lab->problem->dim == 2 ? BASIN_VIEW_CONTOUR : BASIN_VIEW_LOSS;
    lab->views[1] = BASIN_VIEW_LOSS;
    lab->n_views = lab->problem->dim == 2 ? 2 : 1;
    return 0;
}

/* A run's key, else the [lab] default of the same name. */
static const basin_lab_entry *run_key(const basin_lab_entries *e, const char *label, const char *key)
{
    const basin_lab_entry *it = basin_lab_find_entry(e, label, key);
    return it ? it : basin_lab_find_entry(e, "lab", key);
}

/* The value of an optimizer key as text ("0.05", "true", "log"), or NULL when opt has no such key. */
static const char *param_text(const basin_spec *opt, const char *key, char *buf, size_t size)
{
    int i = basin_param_find(opt->entry->specs, key);
    if (i < 0)
        return NULL;
    const basin_param_spec *spec = &opt->entry->specs[i];
    const basin_param_value *v = &opt->params.values[i];
    if (!v->present)
        snprintf(buf, size, "–");
    else if (spec->type == BASIN_PARAM_BOOL)
        snprintf(buf, size, "%s", v->num ? "true" : "false");
    else if (spec->type == BASIN_PARAM_CHOICE) {
        const char *c = spec->choices;
        for (int k = 0; k < (int)v->num && strchr(c, '|'); k++)
            c = strchr(c, '|') + 1;
        snprintf(buf, size, "%.*s", (int)strcspn(c, "|"), c);
    } else if (spec->type == BASIN_PARAM_LIST)
        snprintf(buf, size, "%zu values", v->len);
    else
        snprintf(buf, size, "%.4g", v->num);
    return buf;
}

void basin_lab_run_legend(const basin_lab_run *r, char *text, size_t size)
{
    const char *c = r->name ? r->name : r->label;
    size_t used = 0;
    text[0] = '\0';
    while (*c && used + 1 < size) {
        const char *close = *c == '{' ? strchr(c, '}') : NULL;
        char key[64], value[64];
        const char *shown = NULL;
        if (close && (size_t)(close - c - 1) < sizeof key) {
            snprintf(key, sizeof key, "%.*s", (int)(close - c - 1), c + 1);
            shown = r->opt.entry ? param_text(&r->opt, key, value, sizeof value) : NULL;
        }
        if (shown) {
            used += (size_t)snprintf(text + used, size - used, "%s", shown);
            c = close + 1;
        } else {
            text[used++] = *c++;
            text[used] = '\0';
        }
    }
    if (used >= size)
        text[size - 1] = '\0';
}

/* The run's name = key: every {KEY} in it must be a key of the run's optimizer. */
static int run_name(basin_lab_run *r, const basin_lab_entries *e, const char *label)
{
    const basin_lab_entry *it = basin_lab_find_entry(e, label, "name");
    if (!it)
        return 0;
    char buf[64];
    for (const char *c = strchr(it->value, '{'); c; c = strchr(c + 1, '{')) {
        const char *close = strchr(c, '}');
        char key[64] = "";
        if (close && (size_t)(close - c - 1) < sizeof key)
            snprintf(key, sizeof key, "%.*s", (int)(close - c - 1), c + 1);
        if (!close || !param_text(&r->opt, key, buf, sizeof buf)) {
            char keys[256];
            basin_spec_keys(r->opt.entry->specs, keys, sizeof keys);
            return basin_lab_fail(it->origin, "'{%.*s' is not {KEY} for a key of %s (keys: %s)",
                                  close ? (int)(close - c) : (int)strlen(c + 1), c + 1, r->opt.entry->name, keys);
        }
    }
    if (!(r->name = strdup(it->value)))
        return basin_lab_fail(it->origin, "out of memory");
    return 0;
}

/* The run's color = key, else the palette's next colour. */
static int run_color(const basin_lab *lab, basin_lab_run *r, const basin_lab_entries *e, const char *label)
{
    unsigned rgb = palette[(lab->n_runs - 1) % PALETTE_SIZE].rgb;
    r->color[0] = (rgb >> 16 & 0xff) / 255.0;
    r->color[1] = (rgb >> 8 & 0xff) / 255.0;
    r->color[2] = (rgb & 0xff) / 255.0;
    const basin_lab_entry *it = basin_lab_find_entry(e, label, "color");
    return it ? read_color(it, r->color) : 0;
}

static int build_run(basin_lab *lab, const basin_lab_entries *e, const char *label, const char *origin)
{
    basin_lab_run *r = &lab->runs[lab->n_runs];
    r->label = strdup(label);
    r->origin = strdup(origin);
    if (!r->label || !r->origin)
        return basin_lab_fail(origin, "out of memory");
    lab->n_runs++; /* from here basin_lab_free frees it */
    const basin_lab_entry *it = basin_lab_find_entry(e, label, "opt");
    if (!it)
        return basin_lab_fail(origin, "[run %s] needs opt = SPEC (basin list optimizers)", label);
    if (read_spec(it, BASIN_KIND_OPTIMIZER, &r->opt) != 0)
        return -1;
    basin_optimizer *probe = basin_optimizer_create(r->opt.entry, &r->opt.params, lab->problem->dim);
    if (!probe)
        return basin_lab_fail(it->origin, "%s", basin_error_message());
    basin_optimizer_destroy(probe);
    if ((it = run_key(e, label, "schedule"))) {
        if (read_spec(it, BASIN_KIND_SCHEDULE, &r->schedule) != 0)
            return -1;
        basin_schedule *probe_schedule = basin_schedule_create(r->schedule.entry, &r->schedule.params);
        if (!probe_schedule)
            return basin_lab_fail(it->origin, "%s", basin_error_message());
        basin_schedule_destroy(probe_schedule);
    }
    if ((it = run_key(e, label, "parallel"))) {
        if (read_spec(it, BASIN_KIND_PARALLEL, &r->parallel) != 0)
            return -1;
        if (r->parallel.entry != &basin_parallel_async)
            return basin_lab_fail(it->origin, "%s applies to networks (basin train --parallel); a surface run takes "
                                  "async", r->parallel.entry->name);
        basin_async *probe_async = basin_async_create(&r->parallel.params, 0);
        if (!probe_async)
            return basin_lab_fail(it->origin, "%s", basin_error_message());
        basin_async_destroy(probe_async);
    }
    if (!(it = run_key(e, label, "start")))
        return basin_lab_fail(origin, "[run %s] needs start = X0,X1,... (or a start in [lab])", label);
    if (read_point(it, lab, &r->start) != 0)
        return -1;
    double x;
    if ((it = run_key(e, label, "batch"))) {
        if (read_number(it, 0, 1e9, true, &x) != 0)
            return -1;
        size_t n = lab->problem->n_examples;
        if (x > 0 && n == 0)
            return basin_lab_fail(it->origin, "surface '%s' is not a sum over examples (linreg is)", lab->surface.entry->name);
        if (x > (double)n && n > 0)
            return basin_lab_fail(it->origin, "%g exceeds the %zu examples of '%s'", x, n, lab->surface.text);
        r->batch = (size_t)x;
    }
    if ((it = run_key(e, label, "seed"))) {
        if (read_number(it, 0, 4294967295.0, true, &x) != 0)
            return -1;
        r->seed = (unsigned long)x;
    }
    return run_color(lab, r, e, label) != 0 ? -1 : run_name(r, e, label);
}

/* ---- training labs ---- */

/* A training schema key of a run (or its [lab] default) into set, checked as basin train checks it. */
static int read_setting(const basin_lab_entries *e, const char *label, const char *key, basin_train_settings *set)
{
    const basin_lab_entry *it = run_key(e, label, key);
    if (it && basin_train_settings_set(set, key, "", it->value) != 0)
        return basin_lab_fail(it->origin, "%s", basin_error_message());
    return 0;
}

/* The [lab] keys of a training lab and its data set. */
/* A data spec's path= written in a lab file names a file relative to the lab file (one given on the
 * command line, relative to the working folder). Returns 0, or -1 with a message. */
static int resolve_data_path(basin_spec *spec, const basin_lab_entry *it, const char *source)
{
    int k = basin_param_find(spec->entry->specs, "path");
    basin_param_value *v = k >= 0 ? &spec->params.values[k] : NULL;
    const char *slash = source ? strrchr(source, '/') : NULL;
    if (!v || !v->str || v->str[0] == '/' || it->line == 0 || !slash)
        return 0;
    size_t dir = (size_t)(slash - source) + 1, len = strlen(v->str);
    char *joined = malloc(dir + len + 1);
    if (!joined)
        return basin_lab_fail(it->origin, "out of memory");
    memcpy(joined, source, dir);
    memcpy(joined + dir, v->str, len + 1);
    free(v->str);
    v->str = joined;
    return 0;
}

static int build_training_scene(basin_lab *lab, const basin_lab_entries *e)
{
    const basin_lab_entry *it = basin_lab_find_entry(e, "lab", "data");
    if (read_spec(it, BASIN_KIND_DATA, &lab->data) != 0 || resolve_data_path(&lab->data, it, e->source) != 0)
        return -1;
    basin_train_settings set = basin_train_settings_defaults();
    if (read_setting(e, "lab", "seed", &set) != 0 || read_setting(e, "lab", "epochs", &set) != 0)
        return -1;
    lab->steps = set.epochs;
    lab->dataset = basin_dataset_create(lab->data.entry, &lab->data.params, set.seed);
    if (!lab->dataset)
        return basin_lab_fail(it->origin, "%s", basin_error_message());
    if (read_words(lab, e, lab->data.text) != 0)
        return -1;
    if ((it = basin_lab_find_entry(e, "lab", "views")))
        return read_views(it, lab);
    bool plane = lab->dataset->n_features == 2 && lab->dataset->n_classes > 0;
    lab->n_views = 0;
    if (plane)
        lab->views[lab->n_views++] = BASIN_VIEW_BOUNDARY;
    lab->views[lab->n_views++] = BASIN_VIEW_LOSS;
    if (lab->dataset->n_classes > 0)
        lab->views[lab->n_views++] = BASIN_VIEW_ACCURACY;
    return 0;
}

/* Where the length of the runs was set: "[lab] steps" (or epochs), a command-line option, or the lab. */
static const char *length_origin(const basin_lab *lab, const basin_lab_entries *e, const char *key)
{
    const basin_lab_entry *it = basin_lab_find_entry(e, "lab", key);
    return it ? it->origin : lab->source;
}

/* A training run keeps, at each evaluation, the weights and running statistics, and for 2-D data the
 * decision regions on two grids (floats): refused here when they cannot fit, before training starts. */
static int check_training_memory(const basin_lab *lab, const basin_lab_entries *e, const basin_lab_run *r, size_t dim)
{
    double per_epoch = (double)basin_train_steps_per_epoch(lab->dataset->train.n, (size_t)r->train.batch);
    double steps = r->train.steps >= 0 ? (double)r->train.steps : (double)r->train.epochs * per_epoch;
    double frames = (r->train.eval_every > 0 ? steps / (double)r->train.eval_every : steps / per_epoch) + 1;
    double per_frame = 2.0 * sizeof(double) * (double)dim;
    if (lab->dataset->n_features == 2 && lab->dataset->n_classes > 0)
        per_frame += sizeof(float) * (double)lab->dataset->n_classes *
                     (BASIN_BOUNDARY_GRID * BASIN_BOUNDARY_GRID + BASIN_BOUNDARY_COARSE * BASIN_BOUNDARY_COARSE);
    if (basin_budget_check(frames * per_frame, "[run %s]: %.0f evaluations × %zu parameters", r->label, frames, dim) == 0)
        return 0;
    const char *key = r->train.steps >= 0 ? "steps" : r->train.eval_every > 0 ? "eval_every" : "epochs";
    const basin_lab_entry *it = run_key(e, r->label, key);
    return basin_lab_fail(it ? it->origin : length_origin(lab, e, "epochs"), "%s", basin_error_message());
}

/* Refuses here, as basin train does before training, a batch the run's model cannot train on (BatchNorm on
 * a batch of one): bad input, not a failure while running. */
static int check_training_batch(const basin_lab *lab, const basin_lab_entries *e, const basin_lab_run *r)
{
    basin_net net;
    if (basin_net_create(r->model.entry, &r->model.params, lab->dataset, &net) != 0)
        return basin_lab_fail(r->origin, "%s", basin_error_message());
    basin_net_problem *np = basin_net_problem_create(net, lab->dataset, 0);
    if (!np)
        return basin_lab_fail(r->origin, "%s", basin_error_message());
    basin_train_config cfg = basin_train_settings_config(&r->train);
    int rc = basin_train_check(np, &cfg);
    basin_problem_destroy(&np->base);
    if (rc == 0)
        return 0;
    const basin_lab_entry *it = run_key(e, r->label, "batch");
    return basin_lab_fail(it ? it->origin : r->origin, "%s", basin_error_message());
}

/* Reads a training run's parallel spec and tries it on a throwaway problem of the run's model, so that a
 * mode that cannot train it (a width T does not divide, too few layers for the stages, ...) is refused
 * here, naming the key. */
static int check_training_parallel(const basin_lab *lab, basin_lab_run *r, const basin_lab_entry *it)
{
    if (read_spec(it, BASIN_KIND_PARALLEL, &r->parallel) != 0)
        return -1;
    basin_spec opt = r->opt; /* a shallow copy, as training makes */
    if (basin_parallel_training_adapt_optimizer(&r->parallel, &opt) != 0)
        return basin_lab_fail(it->origin, "%s", basin_error_message());
    basin_net net;
    if (basin_net_create(r->model.entry, &r->model.params, lab->dataset, &net) != 0)
        return basin_lab_fail(it->origin, "%s", basin_error_message());
    basin_net_problem *np = basin_net_problem_create(net, lab->dataset, 0);
    if (!np)
        return basin_lab_fail(it->origin, "%s", basin_error_message());
    basin_train_config cfg = basin_train_settings_config(&r->train);
    basin_parallel_training pt;
    int rc = basin_parallel_training_init(&pt, np, &r->parallel, &cfg, NULL);
    basin_parallel_training_release(&pt);
    basin_problem_destroy(&np->base);
    return rc == 0 ? 0 : basin_lab_fail(it->origin, "%s", basin_error_message());
}

/* r->training_key: the data set and every key the run's training reads, as given or defaulted. */
static int training_key(const basin_lab *lab, const basin_lab_entries *e, basin_lab_run *r, const char *label)
{
    static const char *const keys[] = {"model", "init", "opt", "schedule", "augment", "parallel", "epochs"};
    size_t n_keys = sizeof keys / sizeof *keys, size = 64 + strlen(lab->data.text);
    for (size_t i = 0; i < e->len; i++)
        size += strlen(e->items[i].key) + strlen(e->items[i].value) + 2;
    char *text = malloc(size);
    if (!text)
        return basin_lab_fail(r->origin, "out of memory");
    size_t used = (size_t)snprintf(text, size, "data=%s\n", lab->data.text);
    for (size_t k = 0; k < n_keys; k++) {
        const basin_lab_entry *it = run_key(e, label, keys[k]);
        if (it)
            used += (size_t)snprintf(text + used, size - used, "%s=%s\n", it->key, it->value);
    }
    for (const basin_param_spec *s = basin_train_specs; s->key; s++) {
        const basin_lab_entry *it = strcmp(s->key, "epochs") != 0 ? run_key(e, label, s->key) : NULL;
        if (it)
            used += (size_t)snprintf(text + used, size - used, "%s=%s\n", it->key, it->value);
    }
    r->training_key = text;
    return 0;
}

static int build_training_run(basin_lab *lab, const basin_lab_entries *e, const char *label, const char *origin)
{
    basin_lab_run *r = &lab->runs[lab->n_runs];
    r->label = strdup(label);
    r->origin = strdup(origin);
    if (!r->label || !r->origin)
        return basin_lab_fail(origin, "out of memory");
    lab->n_runs++;
    const basin_lab_entry *it = run_key(e, label, "model");
    if (!it)
        return basin_lab_fail(origin, "[run %s] needs model = SPEC (or a model in [lab]; basin list models)", label);
    if (read_spec(it, BASIN_KIND_MODEL, &r->model) != 0)
        return -1;
    basin_net net;
    if (basin_net_create(r->model.entry, &r->model.params, lab->dataset, &net) != 0)
        return basin_lab_fail(it->origin, "%s", basin_error_message());
    size_t dim = net.model->n_params;
    basin_model_destroy(net.model);
    it = run_key(e, label, "init");
    if (basin_spec_parse(&r->init, BASIN_KIND_INIT, it ? it->value : "default") != 0)
        return basin_lab_fail(it ? it->origin : origin, "%s", basin_error_message());
    if (!(it = run_key(e, label, "opt")))
        return basin_lab_fail(origin, "[run %s] needs opt = SPEC (or an opt in [lab]; basin list optimizers)", label);
    if (read_spec(it, BASIN_KIND_OPTIMIZER, &r->opt) != 0)
        return -1;
    basin_optimizer *probe = basin_optimizer_create(r->opt.entry, &r->opt.params, dim);
    if (!probe)
        return basin_lab_fail(it->origin, "%s", basin_error_message());
    basin_optimizer_destroy(probe);
    if ((it = run_key(e, label, "schedule")) && read_spec(it, BASIN_KIND_SCHEDULE, &r->schedule) != 0)
        return -1;
    if ((it = run_key(e, label, "augment"))) {
        if (read_spec(it, BASIN_KIND_AUGMENT, &r->augment) != 0)
            return -1;
        if (basin_augment_check(r->augment.entry, &r->augment.params, lab->dataset) != 0)
            return basin_lab_fail(it->origin, "%s", basin_error_message());
    }
    r->train = basin_train_settings_defaults();
    r->train.epochs = lab->steps;
    for (const basin_param_spec *s = basin_train_specs; s->key; s++)
        if (strcmp(s->key, "steps") != 0 && strcmp(s->key, "epochs") != 0 && read_setting(e, label, s->key, &r->train) != 0)
            return -1;
    if (r->train.snapshots && r->schedule.entry)
        return basin_lab_fail(origin, "[run %s]: snapshots sets its own cosine cycles; drop schedule", label);
    r->seed = r->train.seed, r->batch = (size_t)r->train.batch;
    if ((it = run_key(e, label, "parallel")) && check_training_parallel(lab, r, it) != 0)
        return -1;
    if (check_training_memory(lab, e, r, dim) != 0 || check_training_batch(lab, e, r) != 0)
        return -1;
    if (training_key(lab, e, r, label) != 0)
        return -1;
    return run_color(lab, r, e, label) != 0 ? -1 : run_name(r, e, label);
}

int basin_lab_build(basin_lab *lab, const basin_lab_entries *e)
{
    *lab = (basin_lab){.source = strdup(e->source ? e->source : "command line")};
    if (!lab->source)
        return basin_lab_fail("lab", "out of memory");
    bool training = basin_lab_find_entry(e, "lab", "data") != NULL;
    if (check_keys(e) != 0 || (training ? build_training_scene(lab, e) : build_scene(lab, e)) != 0)
        goto fail;
    size_t sections = 0;
    for (size_t i = 0; i < e->len; i++)
        sections += strcmp(e->items[i].section, "lab") != 0 && !basin_lab_section_seen_before(e, i);
    if (sections == 0) {
        basin_lab_fail(lab->source, "the lab has no runs (add a [run NAME] section with opt = SPEC)");
        goto fail;
    }
    lab->runs = calloc(sections, sizeof *lab->runs);
    if (!lab->runs) {
        basin_lab_fail(lab->source, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < e->len; i++) {
        const basin_lab_entry *it = &e->items[i];
        if (strcmp(it->section, "lab") == 0 || basin_lab_section_seen_before(e, i))
            continue;
        if ((training ? build_training_run(lab, e, it->section, it->origin) : build_run(lab, e, it->section, it->origin)) != 0)
            goto fail;
    }
    /* a surface run's trace: per step the loss, gradient norm, learning rate and the point */
    double rows = (double)lab->steps + 1, row = sizeof(double) * (double)(lab->problem ? lab->problem->dim + 3 : 0);
    if (!training && basin_budget_check((double)lab->n_runs * rows * row, "%zu run%s × %.0f rows × %zu numbers",
                                        lab->n_runs, lab->n_runs == 1 ? "" : "s", rows, lab->problem->dim + 3) != 0) {
        basin_lab_fail(length_origin(lab, e, "steps"), "%s", basin_error_message());
        goto fail;
    }
    return 0;
fail:
    basin_lab_free(lab);
    return -1;
}

int basin_lab_load(basin_lab *lab, const char *path, char *const *overrides, size_t n_overrides)
{
    basin_lab_entries e;
    *lab = (basin_lab){0};
    if (basin_lab_read(&e, path) != 0)
        return -1;
    int status = 0;
    for (size_t i = 0; i < n_overrides && status == 0; i++)
        status = basin_lab_override(&e, overrides[i]);
    if (status == 0)
        status = basin_lab_build(lab, &e);
    basin_lab_entries_free(&e);
    return status;
}

void basin_lab_free(basin_lab *lab)
{
    for (size_t i = 0; i < lab->n_runs; i++) {
        basin_lab_run *r = &lab->runs[i];
        basin_run_destroy(r->run);
        basin_modes_free(&r->modes);
        basin_net_training_free(r->session);
        basin_net_trace_free(r->training);
        free(r->training_key);
        free(r->augment_samples);
        basin_spec_clear(&r->model);
        basin_spec_clear(&r->init);
        basin_spec_clear(&r->augment);
        basin_spec_clear(&r->opt);
        basin_spec_clear(&r->schedule);
        basin_spec_clear(&r->parallel);
        free(r->start);
        free(r->label), free(r->name);
        free(r->origin);
    }
    free(lab->runs);
    basin_problem_destroy(lab->problem);
    basin_spec_clear(&lab->surface);
    basin_dataset_destroy(lab->dataset);
    basin_spec_clear(&lab->data);
    free(lab->title);
    free(lab->note);
    free(lab->colormap);
    free(lab->source);
    *lab = (basin_lab){0};
}
