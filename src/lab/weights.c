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

/* Writes every tensor of m (state ones only when state is non-NULL) into the folder being written. */
static int save_tensors(basin_output_dir *d, const basin_model *m, const double *params, const double *state)
{
    char path[4400], name[64];
    for (size_t i = 0; i < m->n_tensors; i++) {
        const basin_tensor *t = &m->tensors[i];
        if (t->is_state && !state)
            continue;
        snprintf(name, sizeof name, "%s.npy", t->name);
        basin_output_dir_file(d, name, path, sizeof path);
        if (basin_npy_write(path, (t->is_state ? state : params) + t->offset, t->ndim, t->shape, t->is_integer) != 0)
            return -1;
    }
    return 0;
}

/* Ends a folder: committed when everything before succeeded (rc 0), else removed. */
static int finish_dir(basin_output_dir *d, int rc)
{
    if (rc != 0) {
        basin_output_dir_abort(d);
        return -1;
    }
    return basin_output_dir_commit(d);
}

int basin_weights_save(const char *dir, const basin_model *m, const double *w, const basin_weights_info *info)
{
    basin_output_dir d;
    if (basin_output_dir_open(&d, dir) != 0)
        return -1;
    int rc = save_tensors(&d, m, w, m->state);
    char path[4400];
    basin_output_file f;
    if (rc == 0 && (rc = basin_output_open(&f, basin_output_dir_file(&d, "model.txt", path, sizeof path), stdout)) == 0) {
        fprintf(f.stream, "model = %s\ndata = %s\nseed = %lu\n", info->model, info->data, info->seed);
        rc = basin_output_commit(&f);
    }
    return finish_dir(&d, rc);
}

int basin_weights_save_params(const char *dir, const basin_model *m, const double *params)
{
    basin_output_dir d;
    if (basin_output_dir_open(&d, dir) != 0)
        return -1;
    return finish_dir(&d, save_tensors(&d, m, params, NULL));
}

int basin_weights_save_grad(const char *dir, const basin_model *m, const double *g, double loss)
{
    basin_output_dir d;
    if (basin_output_dir_open(&d, dir) != 0)
        return -1;
    char path[4400];
    int rc = save_tensors(&d, m, g, NULL);
    if (rc == 0)
        rc = basin_npy_write(basin_output_dir_file(&d, "loss.npy", path, sizeof path), &loss, 0, NULL, false);
    return finish_dir(&d, rc);
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
