/* augment.c: the augmentations. An image is resampled once per example: flipped, then rotated about
 * its centre and shifted by whole pixels, with bilinear interpolation and zeros outside; noise last. */
#include "augment.h"

#include "../error.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

int basin_augment_check(const basin_entry *entry, const basin_params *params, const basin_dataset *data)
{
    (void)params;
    BASIN_ASSERT(entry->kind == BASIN_KIND_AUGMENT);
    if (entry == &basin_augment_image && !data->image) {
        basin_error_set("augment image: %s is not a set of images; use jitter", data->name);
        return -1;
    }
    return 0;
}

/* The value of plane (h×w) at (y, x) by bilinear interpolation, zero outside. */
static double sample(const double *plane, size_t h, size_t w, double y, double x)
{
    double y0 = floor(y), x0 = floor(x), fy = y - y0, fx = x - x0, v = 0;
    for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++) {
            double yy = y0 + dy, xx = x0 + dx;
            if (yy < 0 || xx < 0 || yy > (double)h - 1 || xx > (double)w - 1)
                continue;
            double weight = (dy ? fy : 1 - fy) * (dx ? fx : 1 - fx);
            v += weight * plane[(size_t)yy * w + (size_t)xx];
        }
    return v;
}

static void augment_image(const basin_params *p, const basin_dataset *d, double *img, double *tmp, gsl_rng *rng)
{
    long shift = (long)basin_params_real(p, "shift");
    double max_angle = basin_params_real(p, "rotate") * M_PI / 180.0, noise = basin_params_real(p, "noise");
    bool flip = basin_params_bool(p, "flip") && gsl_rng_uniform(rng) < 0.5;
    double angle = max_angle > 0 ? gsl_ran_flat(rng, -max_angle, max_angle) : 0;
    long sy = shift ? (long)gsl_rng_uniform_int(rng, (unsigned long)(2 * shift + 1)) - shift : 0;
    long sx = shift ? (long)gsl_rng_uniform_int(rng, (unsigned long)(2 * shift + 1)) - shift : 0;
    size_t h = d->height, w = d->width, f = d->n_features;
    double cy = ((double)h - 1) / 2, cx = ((double)w - 1) / 2, c = cos(angle), s = sin(angle);
    memcpy(tmp, img, f * sizeof *img);
    for (size_t ch = 0; ch < d->channels; ch++) {
        const double *src = tmp + ch * h * w;
        double *dst = img + ch * h * w;
        for (size_t y = 0; y < h; y++)
            for (size_t x = 0; x < w; x++) {
                /* the source point that lands on (y, x): undo the shift, then the rotation */
                double ty = (double)y - (double)sy - cy, tx = (double)x - (double)sx - cx;
                double srcy = c * ty - s * tx + cy, srcx = s * ty + c * tx + cx;
                if (flip)
                    srcx = (double)w - 1 - srcx;
                dst[y * w + x] = sample(src, h, w, srcy, srcx);
            }
    }
    if (noise > 0)
        for (size_t i = 0; i < f; i++)
            img[i] += gsl_ran_gaussian(rng, noise);
}

void basin_augment_apply(const basin_entry *entry, const basin_params *params, const basin_dataset *data,
                         double *x, size_t B, double *tmp, gsl_rng *rng)
{
    size_t f = data->n_features;
    for (size_t b = 0; b < B; b++) {
        if (entry == &basin_augment_image) {
            augment_image(params, data, x + b * f, tmp, rng);
        } else {
            double sd = basin_params_real(params, "std");
            for (size_t i = 0; i < f; i++)
                x[b * f + i] += gsl_ran_gaussian(rng, sd);
        }
    }
}

static const basin_param_spec image_specs[] = {
    BASIN_INT("shift", "1", 0, 64, "largest shift in whole pixels along each axis"),
    BASIN_REAL("rotate", "10", 0, 180, "largest rotation in degrees, either way"),
    BASIN_REAL("noise", "0", 0, BASIN_INF, "std. dev. of Gaussian noise added to each pixel (raw units)"),
    BASIN_BOOL("flip", "false", "mirror left-right with probability ½ (wrong for digits: try it)"),
    BASIN_PARAMS_END};
static const basin_param_spec jitter_specs[] = {
    BASIN_REAL("std", "0.05", 0, BASIN_INF, "std. dev. of Gaussian noise added to each coordinate (raw units)"),
    BASIN_PARAMS_END};

const basin_entry basin_augment_image = {BASIN_KIND_AUGMENT, "image", "random shifts, rotations, noise, flips",
                                         image_specs, NULL, {NULL}};
const basin_entry basin_augment_jitter = {BASIN_KIND_AUGMENT, "jitter", "Gaussian jitter of points",
                                          jitter_specs, NULL, {NULL}};
