/* contour.c: marching squares. Corners a (i, j), b (i+1, j), c (i+1, j+1), d (i, j+1); edges 0 = ab
 * (bottom), 1 = bc (right), 2 = dc (top), 3 = ad (left). A corner counts as inside when f > level. */
#include "contour.h"

#include <math.h>
#include <stdbool.h>

typedef struct cell {
    double v[4];  /* a, b, c, d */
    double i, j;  /* corner a */
    double level;
} cell;

/* The point where the level crosses edge e, in grid coordinates. */
static void crossing(const cell *c, int e, double *i, double *j)
{
    static const int from[4] = {0, 1, 3, 0}, to[4] = {1, 2, 2, 3};
    static const double di[4] = {0, 1, 1, 0}, dj[4] = {0, 0, 1, 1}; /* a, b, c, d offsets */
    int p = from[e], q = to[e];
    double t = (c->level - c->v[p]) / (c->v[q] - c->v[p]);
    *i = c->i + di[p] + t * (di[q] - di[p]);
    *j = c->j + dj[p] + t * (dj[q] - dj[p]);
}

static size_t segment(const cell *c, int e0, int e1, basin_segment_fn emit, void *user)
{
    double i0, j0, i1, j1;
    crossing(c, e0, &i0, &j0);
    crossing(c, e1, &i1, &j1);
    emit(i0, j0, i1, j1, user);
    return 1;
}

/* Edge pairs for each case (−1: none); the saddles 5 and 10 are handled apart. */
static const int edges[16][2] = {{-1, -1}, {3, 0}, {0, 1}, {3, 1}, {1, 2}, {-1, -1}, {0, 2}, {3, 2},
                                 {2, 3},   {0, 2}, {-1, -1}, {1, 2}, {1, 3}, {0, 1}, {3, 0}, {-1, -1}};

size_t basin_contour_segments(const double *f, size_t nx, size_t ny, double level, basin_segment_fn emit,
                              void *user)
{
    size_t count = 0;
    for (size_t j = 0; j + 1 < ny; j++)
        for (size_t i = 0; i + 1 < nx; i++) {
            cell c = {{f[j * nx + i], f[j * nx + i + 1], f[(j + 1) * nx + i + 1], f[(j + 1) * nx + i]},
                      (double)i, (double)j, level};
            if (!isfinite(c.v[0]) || !isfinite(c.v[1]) || !isfinite(c.v[2]) || !isfinite(c.v[3]))
                continue;
            int index = (c.v[0] > level) | (c.v[1] > level) << 1 | (c.v[2] > level) << 2 | (c.v[3] > level) << 3;
            if (index == 5 || index == 10) {
                bool centre_inside = (c.v[0] + c.v[1] + c.v[2] + c.v[3]) / 4 > level;
                /* Inside corners joined through the centre isolate the outside ones, and vice versa. */
                bool isolate_a_c = (index == 5) != centre_inside;
                if (isolate_a_c) {
                    count += segment(&c, 3, 0, emit, user);
                    count += segment(&c, 1, 2, emit, user);
                } else {
                    count += segment(&c, 0, 1, emit, user);
                    count += segment(&c, 2, 3, emit, user);
                }
            } else if (edges[index][0] >= 0) {
                count += segment(&c, edges[index][0], edges[index][1], emit, user);
            }
        }
    return count;
}
