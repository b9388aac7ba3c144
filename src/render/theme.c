/* theme.c: the light and dark themes. */
#include "theme.h"

basin_theme basin_theme_make(bool dark, double font_scale)
{
    basin_theme t = {
        .background = {1, 1, 1},
        .text = {0.13, 0.13, 0.13},
        .muted = {0.35, 0.35, 0.35},
        .grid = {0.88, 0.88, 0.88},
        .frame = {0.25, 0.25, 0.25},
        .font = "DejaVu Sans",
        .font_size = 10 * font_scale,
        .line_width = 1.6 * font_scale,
    };
    if (dark) {
        t.background = (basin_rgb){0.07, 0.08, 0.10};
        t.text = (basin_rgb){0.93, 0.93, 0.93};
        t.muted = (basin_rgb){0.70, 0.70, 0.72};
        t.grid = (basin_rgb){0.22, 0.23, 0.26};
        t.frame = (basin_rgb){0.75, 0.75, 0.78};
    }
    return t;
}
