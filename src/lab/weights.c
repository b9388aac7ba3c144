/* weights.c: saving and loading a model's named tensors. */
#include "weights.h"

#include "engine/error.h"
#include "npy.h"
#include "output_file.h"

#include <dirent.h>
#include <ini.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* mkdir -p. */
static int make_dir(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        basin_error_set("%s: path too long", dir);
        return -1;
    }
    for (char *p = path + 1;; p++) {
        bool end = *p == '\0';
        if (*p == '/' || end) {
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                basin_error_set("%s: cannot create: %s", path, strerror(errno));
                return -1;
            }
            if (end)
                break;
            *p = '/';
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        basin_error_set("%s: not a folder", dir);
        return -1;
    }
    return 0;
}

static int save_tensors(const char *dir, const basin_model *m, const double *params, const double *state)
{
    char path[4200];
    for (size_t i = 0; i < m->n_tensors; i++) {
        const basin_tensor *t = &m->tensors[i];
        if (t->is_state && !state)
            continue;
        snprintf(path, sizeof path, "%s/%s.npy", dir, t->name);
        if (basin_npy_write(path, (t->is_state ? state : params) + t->offset, t->ndim, t->shape, t->is_integer) != 0)
            return -1;
    }
    return 0;
}

int basin_weights_save(const char *dir, const basin_model *m, const double *w, const basin_weights_info *info)
{
    if (make_dir(dir) != 0 || save_tensors(dir, m, w, m->state) != 0)
        return -1;
    char path[4200];
    snprintf(path, sizeof path, "%s/model.txt", dir);
    basin_output_file f;
    if (basin_output_open(&f, path, stdout) != 0)
        return -1;
    fprintf(f.stream, "model = %s\ndata = %s\nseed = %lu\n", info->model, info->data, info->seed);
    return basin_output_commit(&f);
}

typedef struct info_reader {
    basin_weights_info *info;
    bool data, seed, bad_seed;
} info_reader;

static int read_info_key(void *ctx, const char *section, const char *key, const char *value)
{
    info_reader *r = ctx;
    (void)section;
    char *end;
    if (strcmp(key, "model") == 0) {
        snprintf(r->info->model, sizeof r->info->model, "%s", value);
    } else if (strcmp(key, "data") == 0) {
        snprintf(r->info->data, sizeof r->info->data, "%s", value);
        r->data = true;
    } else if (strcmp(key, "seed") == 0) {
        r->info->seed = strtoul(value, &end, 10);
        r->seed = true;
        r->bad_seed = end == value || *end;
    }
    return 1;
}

int basin_weights_read_info(const char *dir, basin_weights_info *info)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/model.txt", dir);
    memset(info, 0, sizeof *info);
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? 1 : (basin_error_set("%s: %s", path, strerror(errno)), -1);
    info_reader r = {info, false, false, false};
    int rc = ini_parse_file(f, read_info_key, &r);
    fclose(f);
    if (rc != 0 || r.bad_seed) {
        if (rc != 0)
            basin_error_set("%s:%d: not a line of a Basin model.txt", path, rc);
        else
            basin_error_set("%s: seed is not a whole number", path);
        return -1;
    }
    return r.data && r.seed ? 0 : 1;
}

int basin_weights_save_params(const char *dir, const basin_model *m, const double *params)
{
    return make_dir(dir) != 0 || save_tensors(dir, m, params, NULL) != 0 ? -1 : 0;
}

int basin_weights_save_grad(const char *dir, const basin_model *m, const double *g, double loss)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/loss.npy", dir);
    if (basin_weights_save_params(dir, m, g) != 0 || basin_npy_write(path, &loss, 0, NULL, false) != 0)
        return -1;
    return 0;
}

static bool model_has(const basin_model *m, const char *file)
{
    for (size_t i = 0; i < m->n_tensors; i++) {
        size_t len = strlen(m->tensors[i].name);
        if (strncmp(file, m->tensors[i].name, len) == 0 && strcmp(file + len, ".npy") == 0)
            return true;
    }
    return false;
}

/* Reads one tensor file of m into dest, checking its shape and values (finite; a running variance not
 * negative). */
static int load_tensor(const char *dir, const basin_tensor *t, double *dest)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.npy", dir, t->name);
    if (basin_npy_read_shaped(path, t->name, t->ndim, t->shape, dest + t->offset) != 0)
        return -1;
    size_t len = strlen(t->name);
    bool variance = len > 12 && strcmp(t->name + len - 12, ".running_var") == 0;
    for (size_t i = 0; variance && i < t->size; i++)
        if (dest[t->offset + i] < 0) {
            basin_error_set("%s: value %zu is a negative variance (%g)", path, i, dest[t->offset + i]);
            return -1;
        }
    return 0;
}

/* Fails naming the first .npy file in dir that m has no tensor for. */
static int check_names(const char *dir, const basin_model *m)
{
    DIR *d = opendir(dir);
    if (!d) {
        basin_error_set("%s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".npy") == 0 && strcmp(e->d_name, "loss.npy") != 0 &&
            !model_has(m, e->d_name)) {
            basin_error_set("%s/%s: the model has no tensor %.*s", dir, e->d_name, (int)(len - 4), e->d_name);
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

int basin_weights_load(const char *dir, basin_model *m, double *w)
{
    if (check_names(dir, m) != 0)
        return -1;
    for (size_t i = 0; i < m->n_tensors; i++)
        if (load_tensor(dir, &m->tensors[i], m->tensors[i].is_state ? m->state : w) != 0)
            return -1;
    return 0;
}

int basin_weights_load_params(const char *dir, const basin_model *m, double *params)
{
    if (check_names(dir, m) != 0)
        return -1;
    for (size_t i = 0; i < m->n_tensors; i++)
        if (!m->tensors[i].is_state && load_tensor(dir, &m->tensors[i], params) != 0)
            return -1;
    return 0;
}
