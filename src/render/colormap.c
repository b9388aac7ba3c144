/* colormap.c: lookup into the generated tables (assets/colormaps/make_colormaps.py). */
#include "colormap.h"

#include "colormap_tables.inc"

#include <string.h>

basin_colormap basin_colormap_find(const char *name)
{
    if (strcmp(name, "viridis") == 0)
        return colormap_viridis;
    if (strcmp(name, "magma") == 0)
        return colormap_magma;
    if (strcmp(name, "cividis") == 0)
        return colormap_cividis;
    if (strcmp(name, "diverging") == 0)
        return colormap_diverging;
    return NULL;
}

void basin_colormap_rgb(basin_colormap map, double t, unsigned char rgb[3])
{
    int i = t > 0 ? (t < 1 ? (int)(t * 255 + 0.5) : 255) : 0;
    memcpy(rgb, map[i], 3);
}
