/* directions.c: landscape directions and saved trajectories, for `basin landscape` and labs alike. */
#include "directions.h"

#include "weights.h"

#include "engine/analysis/curvature.h"
#include "engine/analysis/landscape.h"
#include "engine/error.h"

#include <dirent.h>
#include <errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The weights saved in every step_* folder of dir, in order, as rows of a new T × n array, and their
 * state (BatchNorm's running statistics) as rows of a new T × n_state array in *states; m's own state is
 * left as it was. */
static double *read_trajectory(const char *dir, basin_model *m, size_t *T, long **steps, double **states)
{
    DIR *d = opendir(dir);
    if (!d) {
        basin_error_set("pca:%s: %s", dir, strerror(errno));
        return NULL;
    }
    char **names = NULL;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "step_", 5) == 0) {
            char **more = realloc(names, (count + 1) * sizeof *names);
            if (!more)
                break;
            names = more;
            names[count++] = strdup(e->d_name);
        }
    closedir(d);
    for (size_t i = 1; i < count; i++) /* zero-padded step numbers sort as text */
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1], names[j - 1] = t;
        }
    double *traj = count ? malloc(count * m->n_params * sizeof *traj) : NULL;
    double *own = malloc((m->n_state + 1) * sizeof *own);
    *steps = malloc((count + 1) * sizeof **steps);
    *states = malloc((count * m->n_state + 1) * sizeof **states);
    int rc = traj && own && *steps && *states ? 0 : -1;
    if (!count)
        basin_error_set("pca:%s: no step_* folders (write them with basin train --save-trajectory)", dir);
    if (own)
        memcpy(own, m->state, m->n_state * sizeof *own);
    for (size_t i = 0; rc == 0 && i < count; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        rc = basin_weights_load(path, m, traj + i * m->n_params);
        if (rc == 0)
            memcpy(*states + i * m->n_state, m->state, m->n_state * sizeof **states);
        (*steps)[i] = strtol(names[i] + 5, NULL, 10);
    }
    if (own)
        memcpy(m->state, own, m->n_state * sizeof *own);
    free(own);
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    if (rc != 0 || !count) {
        free(traj), free(*steps), free(*states);
        *steps = NULL, *states = NULL;
        return NULL;
    }
    *T = count;
    return traj;
}

void basin_directions_free(basin_directions *d)
{
    free(d->origin), free(d->d1), free(d->d2), free(d->traj), free(d->traj_state), free(d->steps);
    *d = (basin_directions){0};
}

int basin_directions_make(basin_directions *d, const char *spec, const basin_problem *p, basin_model *m,
                          const double *w, unsigned long seed)
{
    size_t n = p->dim;
    *d = (basin_directions){.n = n, .explained = {NAN, NAN}, .eigenvalues = {NAN, NAN}};
    d->origin = malloc(n * sizeof *d->origin), d->d1 = malloc(n * sizeof *d->d1), d->d2 = malloc(n * sizeof *d->d2);
    if (!d->origin || !d->d1 || !d->d2) {
        basin_directions_free(d);
        basin_error_set("out of memory for directions of %zu parameters", n);
        return -1;
    }
    memcpy(d->origin, w, n * sizeof *w);
    const char *kind = spec ? spec : m ? "filter" : "random";
    bool filter = strcmp(kind, "filter") == 0 || strcmp(kind, "filter-all") == 0;
    int rc = -2;
    if (strcmp(kind, "random") == 0 || (filter && m)) {
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(rng, seed);
        double *dirs[2] = {d->d1, d->d2};
        for (int k = 0; k < 2; k++) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                dirs[k][i] = gsl_ran_gaussian(rng, 1.0), s += dirs[k][i] * dirs[k][i];
            if (filter)
                basin_filter_normalize(m, d->origin, dirs[k], strcmp(kind, "filter-all") == 0);
            else if (!m)
                for (size_t i = 0; i < n; i++)
                    dirs[k][i] /= sqrt(s);
        }
        gsl_rng_free(rng);
        rc = 0;
    } else if (filter) {
        basin_error_set("--directions filter needs a network (a surface has no filters)");
    } else if (strcmp(kind, "hessian") == 0) {
        double *evec = malloc(2 * n * sizeof *evec);
        basin_lanczos_opts lo = {.k = 2, .seed = seed};
        rc = evec ? basin_lanczos(p, d->origin, BASIN_FULL_BATCH, &lo, d->eigenvalues, evec, NULL) : -1;
        if (rc == 0) {
            memcpy(d->d1, evec + n, n * sizeof *d->d1); /* ascending: the largest is second */
            memcpy(d->d2, evec, n * sizeof *d->d2);
            double largest = d->eigenvalues[1];
            d->eigenvalues[1] = d->eigenvalues[0], d->eigenvalues[0] = largest;
        }
        free(evec);
    } else if (strncmp(kind, "line:", 5) == 0 && m) {
        rc = basin_weights_load_params(kind + 5, m, d->d1);
        for (size_t i = 0; rc == 0 && i < n; i++)
            d->d1[i] -= d->origin[i];
        free(d->d2);
        d->d2 = NULL;
    } else if (strncmp(kind, "pca:", 4) == 0 && m) {
        rc = (d->traj = read_trajectory(kind + 4, m, &d->T, &d->steps, &d->traj_state)) &&
                     basin_trajectory_pca(d->traj, d->T, n, d->d1, d->d2, d->explained) == 0
                 ? 0
                 : -1;
        if (rc == 0) {
            memcpy(d->origin, d->traj + (d->T - 1) * n, n * sizeof *d->origin);
            memcpy(m->state, d->traj_state + (d->T - 1) * m->n_state, m->n_state * sizeof *m->state);
        }
    } else {
        basin_error_set("--directions '%s' is not random, filter, filter-all, pca:DIR, hessian or line:DIR2%s", kind,
                        m ? "" : " (pca and line need a network)");
    }
    if (rc != 0)
        basin_directions_free(d);
    return rc;
}

int basin_directions_trajectory(const basin_directions *d, const basin_net_problem *np, double *a, double *b,
                                double *loss, double *slice_loss)
{
    basin_model *m = np->net.model;
    size_t n = d->n;
    double *x = malloc(n * sizeof *x), *origin_state = malloc((m->n_state + 1) * sizeof *origin_state);
    int rc = x && origin_state ? 0 : -1;
    if (rc != 0)
        basin_error_set("out of memory");
    else
        memcpy(origin_state, m->state, m->n_state * sizeof *m->state);
    for (size_t t = 0; rc == 0 && t < d->T; t++) {
        double accuracy;
        basin_project(d->origin, d->d1, d->d2, n, d->traj + t * n, &a[t], &b[t]);
        for (size_t i = 0; i < n; i++)
            x[i] = d->origin[i] + a[t] * d->d1[i] + (d->d2 ? b[t] * d->d2[i] : 0);
        memcpy(m->state, d->traj_state + t * m->n_state, m->n_state * sizeof *m->state);
        rc = basin_net_evaluate(np, d->traj + t * n, &np->data->train, &loss[t], &accuracy, NULL);
        memcpy(m->state, origin_state, m->n_state * sizeof *m->state);
        if (rc == 0)
            rc = basin_net_evaluate(np, x, &np->data->train, &slice_loss[t], &accuracy, NULL);
    }
    free(x), free(origin_state);
    return rc;
}
