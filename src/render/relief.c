/* relief.c: the height map of the 3-D view. */
#include "relief.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int compare_floats(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

void basin_relief_heights(const basin_field *field, float *heights)
{
    size_t nx = field->nx, ny = field->ny, n = nx * ny;
    for (size_t k = 0; k < n; k++) {
        double t = basin_field_fraction(field, field->f[k]);
        heights[k] = (float)(isnan(t) ? 1 : fmin(fmax(t, 0), 1));
    }
    float *sorted = malloc(n * sizeof *sorted);
    if (sorted) { /* the lowest samples lie flat: a log scale's funnel at a minimum or a trench's floor */
        memcpy(sorted, heights, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, compare_floats);
        float bottom = sorted[(size_t)(BASIN_RELIEF_FLAT * (double)(n - 1))];
        for (size_t k = 0; k < n; k++)
            heights[k] = fmaxf(heights[k], bottom);
        free(sorted);
    }
    for (size_t j = 0; j < ny; j++) /* in place: a raised sample only raises its neighbours' floors */
        for (size_t i = 0; i < nx; i++) {
            float lowest = INFINITY;
            for (size_t jj = j ? j - 1 : j; jj <= j + 1 && jj < ny; jj++)
                for (size_t ii = i ? i - 1 : i; ii <= i + 1 && ii < nx; ii++)
                    if (ii != i || jj != j)
                        lowest = fminf(lowest, heights[jj * nx + ii]);
            if (isfinite(lowest) && heights[j * nx + i] < lowest - (float)BASIN_RELIEF_DIP)
                heights[j * nx + i] = lowest - (float)BASIN_RELIEF_DIP;
        }
}

double basin_relief_height_at(const float *heights, size_t nx, size_t ny, double gx, double gy)
{
    if (nx < 2 || ny < 2)
        return heights[0];
    gx = fmin(fmax(gx, 0), (double)(nx - 1));
    gy = fmin(fmax(gy, 0), (double)(ny - 1));
    size_t i = (size_t)gx < nx - 1 ? (size_t)gx : nx - 2, j = (size_t)gy < ny - 1 ? (size_t)gy : ny - 2;
    double u = gx - (double)i, v = gy - (double)j;
    return (1 - u) * (1 - v) * heights[j * nx + i] + u * (1 - v) * heights[j * nx + i + 1] +
           (1 - u) * v * heights[(j + 1) * nx + i] + u * v * heights[(j + 1) * nx + i + 1];
}
