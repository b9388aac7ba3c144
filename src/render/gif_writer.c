/* gif_writer.c: giflib's encoder writing through a callback into the caller's stream. */
#include "gif_writer.h"

#include "engine/error.h"

#include <gif_lib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct basin_gif {
    GifFileType *file;
    FILE *stream;
    basin_palette palette;
    uint8_t *indices, *previous; /* w × h palette entries of this frame and the last */
    GifPixelType *line;          /* w: a row as written */
    int w, h;
    bool first;
};

static int write_to_stream(GifFileType *file, const GifByteType *data, int length)
{
    FILE *stream = file->UserData;
    return (int)fwrite(data, 1, (size_t)length, stream);
}

static int fail(int code)
{
    basin_error_set("GIF: %s", GifErrorString(code) ? GifErrorString(code) : "cannot write");
    return -1;
}

basin_gif *basin_gif_open(FILE *stream, int w, int h, basin_palette *p)
{
    basin_gif *g = calloc(1, sizeof *g);
    size_t n = (size_t)w * (size_t)h;
    if (g) {
        g->indices = malloc(n);
        g->previous = malloc(n);
        g->line = malloc((size_t)w);
    }
    if (!g || !g->indices || !g->previous || !g->line) {
        basin_palette_free(p);
        if (g)
            free(g->indices), free(g->previous), free(g->line), free(g);
        basin_error_set("out of memory for a %d×%d GIF", w, h);
        return NULL;
    }
    g->palette = *p;
    g->stream = stream, g->w = w, g->h = h, g->first = true;
    int size = 2; /* a colour table's size is a power of two, with room for the transparent entry */
    while (size < g->palette.n + 1)
        size *= 2;
    GifColorType colours[256] = {{0, 0, 0}};
    for (int i = 0; i < g->palette.n; i++)
        colours[i] = (GifColorType){(GifByteType)(g->palette.rgb[i] >> 16), (GifByteType)(g->palette.rgb[i] >> 8),
                                    (GifByteType)g->palette.rgb[i]};
    int error = 0;
    g->file = EGifOpen(stream, write_to_stream, &error);
    ColorMapObject *map = g->file ? GifMakeMapObject(size, colours) : NULL;
    static const GifByteType loop[3] = {1, 0, 0}; /* the NETSCAPE2.0 block: loop forever */
    bool ok = map;
    if (ok) {
        EGifSetGifVersion(g->file, true);
        ok = EGifPutScreenDesc(g->file, w, h, 8, 0, map) == GIF_OK &&
             EGifPutExtensionLeader(g->file, APPLICATION_EXT_FUNC_CODE) == GIF_OK &&
             EGifPutExtensionBlock(g->file, 11, "NETSCAPE2.0") == GIF_OK &&
             EGifPutExtensionBlock(g->file, 3, loop) == GIF_OK && EGifPutExtensionTrailer(g->file) == GIF_OK;
    }
    GifFreeMapObject(map);
    if (!ok) {
        fail(g->file ? g->file->Error : error);
        basin_gif_close(g);
        return NULL;
    }
    return g;
}

int basin_gif_frame(basin_gif *g, const unsigned char *pixels, int stride, int delay_cs)
{
    for (int y = 0; y < g->h; y++) {
        const uint32_t *row = (const uint32_t *)(pixels + (size_t)y * (size_t)stride);
        for (int x = 0; x < g->w; x++)
            g->indices[(size_t)y * (size_t)g->w + (size_t)x] = basin_palette_lookup(&g->palette, row[x]);
    }
    int x0 = 0, y0 = 0, x1 = g->w - 1, y1 = g->h - 1; /* the rectangle written */
    if (!g->first) {
        x0 = g->w, y0 = g->h, x1 = -1, y1 = -1;
        for (int y = 0; y < g->h; y++)
            for (int x = 0; x < g->w; x++) {
                size_t i = (size_t)y * (size_t)g->w + (size_t)x;
                if (g->indices[i] != g->previous[i]) {
                    x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
                    y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
                }
            }
        if (x1 < 0) /* nothing changed: one pixel carries the delay */
            x0 = y0 = x1 = y1 = 0;
    }
    int clear = g->palette.n; /* the free entry after the colours: "unchanged" */
    GraphicsControlBlock control = {DISPOSE_DO_NOT, false, delay_cs < 2 ? 2 : delay_cs,
                                    g->first ? NO_TRANSPARENT_COLOR : clear};
    GifByteType extension[4];
    size_t length = EGifGCBToExtension(&control, extension);
    if (EGifPutExtension(g->file, GRAPHICS_EXT_FUNC_CODE, (int)length, extension) != GIF_OK ||
        EGifPutImageDesc(g->file, x0, y0, x1 - x0 + 1, y1 - y0 + 1, false, NULL) != GIF_OK)
        return fail(g->file->Error);
    for (int y = y0; y <= y1; y++) {
        for (int x = x0; x <= x1; x++) {
            size_t i = (size_t)y * (size_t)g->w + (size_t)x;
            g->line[x - x0] = g->first || g->indices[i] != g->previous[i] ? g->indices[i] : (GifPixelType)clear;
        }
        if (EGifPutLine(g->file, g->line, x1 - x0 + 1) != GIF_OK)
            return fail(g->file->Error);
    }
    uint8_t *swap = g->previous;
    g->previous = g->indices, g->indices = swap;
    g->first = false;
    return 0;
}

int basin_gif_close(basin_gif *g)
{
    int rc = 0, error = 0;
    if (g->file && EGifCloseFile(g->file, &error) != GIF_OK)
        rc = fail(error);
    basin_palette_free(&g->palette);
    free(g->indices);
    free(g->previous);
    free(g->line);
    free(g);
    return rc;
}
