/* checkpoint.c: a grid's finished points as lines "POINT LOSS ACCURACY" after a header naming the grid. */
#include "checkpoint.h"

#include "engine/error.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "basin-landscape-checkpoint 1 key=%016" PRIx64 " points=%zu\n"

/* FNV-1a over bytes, continued from h. */
static uint64_t fnv(uint64_t h, const void *data, size_t size)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < size; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

uint64_t basin_grid_key(const double *origin, const double *d1, const double *d2, size_t n, size_t grid,
                        const double range[2])
{
    uint64_t h = fnv(0xcbf29ce484222325ULL, &grid, sizeof grid);
    h = fnv(h, range, 2 * sizeof *range);
    h = fnv(h, origin, n * sizeof *origin);
    h = fnv(h, d1, n * sizeof *d1);
    return d2 ? fnv(h, d2, n * sizeof *d2) : h;
}

/* Reads the points of an existing checkpoint; 0, or -1 with a message. */
static int read_points(FILE *f, const char *path, uint64_t key, size_t total, double *loss, double *accuracy,
                       bool *done, size_t *loaded)
{
    char line[256], want[128];
    snprintf(want, sizeof want, HEADER, key, total);
    if (!fgets(line, sizeof line, f) || strcmp(line, want) != 0) {
        basin_error_set("%s is the checkpoint of another landscape (remove it, or drop --resume)", path);
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        char *end;
        size_t len = strlen(line);
        if (len == 0 || line[len - 1] != '\n')
            break; /* cut short by a kill */
        unsigned long long point = strtoull(line, &end, 10);
        double l = strtod(end, &end), a = strtod(end, &end);
        if (*end != '\n' || point >= total)
            break;
        if (!done[point])
            (*loaded)++;
        loss[point] = l, accuracy[point] = a, done[point] = true;
    }
    return 0;
}

int basin_checkpoint_open(basin_checkpoint *c, const char *path, uint64_t key, size_t total, bool resume,
                          double *loss, double *accuracy, bool *done, size_t *loaded)
{
    *c = (basin_checkpoint){0};
    *loaded = 0;
    for (size_t i = 0; i < total; i++)
        done[i] = false;
    if (!(c->path = strdup(path))) {
        basin_error_set("out of memory");
        return -1;
    }
    FILE *old = resume ? fopen(path, "r") : NULL;
    if (old) {
        int rc = read_points(old, path, key, total, loss, accuracy, done, loaded);
        fclose(old);
        if (rc != 0) {
            basin_checkpoint_close(c, false);
            return -1;
        }
    }
    /* rewritten whole (a line cut short is dropped) into a temporary file that then takes the checkpoint's
     * place, so that a kill meanwhile leaves the old one; the points to come are added to it */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (!(c->f = fopen(tmp, "w"))) {
        basin_error_set("cannot write the checkpoint %s: %s", tmp, strerror(errno));
        basin_checkpoint_close(c, false);
        return -1;
    }
    fprintf(c->f, HEADER, key, total);
    for (size_t i = 0; i < total; i++)
        if (done[i])
            fprintf(c->f, "%zu %.17g %.17g\n", i, loss[i], accuracy[i]);
    if (fflush(c->f) != 0 || rename(tmp, path) != 0) {
        basin_error_set("cannot write the checkpoint %s: %s", path, strerror(errno));
        remove(tmp);
        basin_checkpoint_close(c, false);
        return -1;
    }
    return 0;
}

void basin_checkpoint_add(basin_checkpoint *c, size_t point, double loss, double accuracy)
{
    if (fprintf(c->f, "%zu %.17g %.17g\n", point, loss, accuracy) < 0 || fflush(c->f) != 0)
        c->failed = true;
}

void basin_checkpoint_close(basin_checkpoint *c, bool remove_it)
{
    if (c->f)
        fclose(c->f);
    if (remove_it && c->path)
        remove(c->path);
    free(c->path);
    *c = (basin_checkpoint){0};
}
