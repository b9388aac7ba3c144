/* theme.h: the colours and type of a figure: light for slides, dark for projectors. Sizes in points. */
#ifndef BASIN_THEME_H
#define BASIN_THEME_H

#include <stdbool.h>

typedef struct basin_rgb {
    double r, g, b;
} basin_rgb;

typedef struct basin_theme {
    basin_rgb background, text, muted, grid, frame;
    const char *font;
    double font_size;  /* body text, points */
    double line_width; /* trajectories and curves, points */
} basin_theme;

/* A light or dark theme with text scaled by font_scale (1 = 10 pt). Can't fail. */
basin_theme basin_theme_make(bool dark, double font_scale);

#endif
