/* colormap.h: perceptual colormaps (viridis, magma, cividis) and a diverging one, as 256-entry tables. */
#ifndef BASIN_COLORMAP_H
#define BASIN_COLORMAP_H

typedef const unsigned char (*basin_colormap)[3];

/* The table named name (viridis, magma, cividis, diverging), or NULL. */
basin_colormap basin_colormap_find(const char *name);

/* The colour at t ∈ [0, 1] (clamped; NaN gives the lowest), as 0..255 sRGB. */
void basin_colormap_rgb(basin_colormap map, double t, unsigned char rgb[3]);

#endif
