/* palette.h: a palette of at most 256 colours made from a figure's own pixels (the most frequent exact
 * colours: background, lines and text stay exact, antialiased edges take the nearest), and the mapping of
 * pixels onto it, for GIF frames. */
#ifndef BASIN_PALETTE_H
#define BASIN_PALETTE_H

#include <stddef.h>
#include <stdint.h>

#define BASIN_PALETTE_COLOURS 255 /* a GIF's 256th entry is left free: the transparent "unchanged" */

typedef struct basin_palette {
    uint32_t rgb[256]; /* 0xRRGGBB */
    int n;
    uint8_t *index;    /* owned, 2²⁴: the entry nearest each colour, filled on first use */
    uint8_t *known;    /* owned, 2²⁴ bits: which entries of index are filled */
} basin_palette;

/* Makes the palette of the n frames given (w × h pixels of cairo's RGB24, rows stride bytes apart): at most
 * BASIN_PALETTE_COLOURS, the most frequent exactly (ties broken by colour), the rest by median cut. Returns 0, or -1 with a message when memory runs out. */
int basin_palette_make(basin_palette *p, const unsigned char *const *frames, size_t n, int w, int h, int stride);

/* The palette entry of colour 0xRRGGBB: the nearest by squared distance (the lowest index on a tie). */
uint8_t basin_palette_lookup(basin_palette *p, uint32_t rgb);

/* Frees what p owns. */
void basin_palette_free(basin_palette *p);

#endif
