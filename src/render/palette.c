/* palette.c: the colours of a few frames counted in an open-addressing table; the most frequent kept
 * exactly, the rest (gradients: heatmaps, antialiased edges) shared out by a weighted median cut. */
#include "palette.h"

#include "engine/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_BITS 21 /* 2M slots: far more than the distinct colours of a figure */
#define TABLE_SIZE ((size_t)1 << TABLE_BITS)
#define EXACT 96 /* entries given to the most frequent colours as they are */

typedef struct colour_count {
    uint32_t key;   /* colour + 1; 0: empty */
    uint32_t count;
    uint32_t order; /* what median_cut sorts a box by: the colour with its widest channel first */
} colour_count;

static size_t slot_of(uint32_t rgb)
{
    return (size_t)((rgb * 2654435761u) >> (32 - TABLE_BITS));
}

static int by_count(const void *a, const void *b)
{
    const colour_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return (x->key > y->key) - (x->key < y->key);
}

static int by_order(const void *a, const void *b)
{
    uint32_t x = ((const colour_count *)a)->order, y = ((const colour_count *)b)->order;
    return (x > y) - (x < y);
}

/* The widest channel of colours c[0 … n) and its range. */
static int widest_channel(const colour_count *c, size_t n, int *range)
{
    int best = 16;
    *range = -1;
    for (int shift = 16; shift >= 0; shift -= 8) {
        int lo = 255, hi = 0;
        for (size_t i = 0; i < n; i++) {
            int v = (int)((c[i].key - 1) >> shift & 0xff);
            lo = v < lo ? v : lo, hi = v > hi ? v : hi;
        }
        if (hi - lo > *range)
            *range = hi - lo, best = shift;
    }
    return best;
}

/* Adds up to entries colours for c[0 … n) to p: boxes split at the count-weighted median of their widest
 * channel, the box with the most pixels times range first; each box gives its weighted mean. */
static void median_cut(colour_count *c, size_t n, int entries, basin_palette *p)
{
    size_t from[256], to[256];
    int boxes = 1;
    from[0] = 0, to[0] = n;
    while (boxes < entries) {
        int pick = -1;
        double best = 0;
        for (int b = 0; b < boxes; b++) {
            if (to[b] - from[b] < 2)
                continue;
            int range;
            widest_channel(c + from[b], to[b] - from[b], &range);
            double pixels = 0;
            for (size_t i = from[b]; i < to[b]; i++)
                pixels += c[i].count;
            if (pixels * range > best)
                best = pixels * range, pick = b;
        }
        if (pick < 0)
            break;
        int range;
        int channel = widest_channel(c + from[pick], to[pick] - from[pick], &range);
        for (size_t i = from[pick]; i < to[pick]; i++) { /* the widest channel's byte on top, then the colour */
            uint32_t rgb = c[i].key - 1;
            c[i].order = (rgb >> channel & 0xff) << 24 | rgb;
        }
        qsort(c + from[pick], to[pick] - from[pick], sizeof *c, by_order);
        double total = 0, half = 0;
        for (size_t i = from[pick]; i < to[pick]; i++)
            total += c[i].count;
        size_t cut = from[pick] + 1;
        for (size_t i = from[pick]; i + 1 < to[pick] && half + c[i].count <= total / 2; i++)
            half += c[i].count, cut = i + 2;
        if (cut >= to[pick])
            cut = to[pick] - 1;
        from[boxes] = cut, to[boxes] = to[pick];
        to[pick] = cut;
        boxes++;
    }
    for (int b = 0; b < boxes && p->n < BASIN_PALETTE_COLOURS; b++) {
        double r = 0, g = 0, bl = 0, w = 0;
        for (size_t i = from[b]; i < to[b]; i++) {
            uint32_t rgb = c[i].key - 1;
            r += c[i].count * (double)(rgb >> 16), g += c[i].count * (double)(rgb >> 8 & 0xff);
            bl += c[i].count * (double)(rgb & 0xff), w += c[i].count;
        }
        if (w > 0)
            p->rgb[p->n++] = (uint32_t)lround(r / w) << 16 | (uint32_t)lround(g / w) << 8 | (uint32_t)lround(bl / w);
    }
}

int basin_palette_make(basin_palette *p, const unsigned char *const *frames, size_t n, int w, int h, int stride)
{
    memset(p, 0, sizeof *p);
    colour_count *table = calloc(TABLE_SIZE, sizeof *table);
    p->index = malloc((size_t)1 << 24);
    p->known = calloc((size_t)1 << 21, 1);
    if (!table || !p->index || !p->known) {
        free(table);
        basin_palette_free(p);
        basin_error_set("out of memory for a GIF palette");
        return -1;
    }
    size_t used = 0;
    for (size_t f = 0; f < n; f++)
        for (int y = 0; y < h; y++) {
            const uint32_t *row = (const uint32_t *)(frames[f] + (size_t)y * (size_t)stride);
            for (int x = 0; x < w; x++) {
                uint32_t rgb = row[x] & 0xffffff;
                size_t s = slot_of(rgb);
                while (table[s].key && table[s].key != rgb + 1)
                    s = (s + 1) & (TABLE_SIZE - 1);
                if (!table[s].key) {
                    if (used >= TABLE_SIZE * 3 / 4) /* full: a colour this rare takes the nearest */
                        continue;
                    table[s].key = rgb + 1;
                    used++;
                }
                table[s].count++;
            }
        }
    size_t k = 0; /* the counted colours, packed to the front */
    for (size_t s = 0; s < TABLE_SIZE; s++)
        if (table[s].key)
            table[k++] = table[s];
    qsort(table, k, sizeof *table, by_count);
    if (k <= BASIN_PALETTE_COLOURS) {
        for (size_t i = 0; i < k; i++)
            p->rgb[p->n++] = table[i].key - 1;
    } else {
        for (size_t i = 0; i < EXACT; i++)
            p->rgb[p->n++] = table[i].key - 1;
        median_cut(table + EXACT, k - EXACT, BASIN_PALETTE_COLOURS - EXACT, p);
    }
    if (p->n == 0)
        p->rgb[p->n++] = 0;
    free(table);
    return 0;
}

uint8_t basin_palette_lookup(basin_palette *p, uint32_t rgb)
{
    rgb &= 0xffffff;
    if (p->known[rgb >> 3] & (1u << (rgb & 7)))
        return p->index[rgb];
    int r = (int)(rgb >> 16), g = (int)(rgb >> 8 & 0xff), b = (int)(rgb & 0xff), best = 0;
    long best_d = -1;
    for (int i = 0; i < p->n; i++) {
        int dr = r - (int)(p->rgb[i] >> 16), dg = g - (int)(p->rgb[i] >> 8 & 0xff), db = b - (int)(p->rgb[i] & 0xff);
        long d = (long)dr * dr + (long)dg * dg + (long)db * db;
        if (best_d < 0 || d < best_d)
            best_d = d, best = i;
    }
    p->index[rgb] = (uint8_t)best;
    p->known[rgb >> 3] |= (uint8_t)(1u << (rgb & 7));
    return (uint8_t)best;
}

void basin_palette_free(basin_palette *p)
{
    free(p->index);
    free(p->known);
    p->index = p->known = NULL;
}
