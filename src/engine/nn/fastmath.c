/* fastmath.c: exp and expm1 on [−700, 0] by the classic reduction z = k·ln2 + r, |r| ≤ ln2/2, with
 * expm1(r) from its Taylor series to degree 13 (truncation below 1e-17 relative) and 2^k built from
 * the bits of the rounding constant. Written with GCC vector extensions, eight lanes at a time, built
 * for AVX-512, AVX2 and plain x86-64 (the loader picks), so the loops carry no branches; every lane does
 * the same operations whatever the width, so the bits are the same. */
#include "fastmath.h"

#include "../vector_clones.h"

#include <stdint.h>
#include <string.h>

#define LANES 8 /* one AVX-512 register; two AVX2 ones, four SSE2 ones where the machine has less */
typedef double vd __attribute__((vector_size(8 * LANES)));
typedef int64_t vi __attribute__((vector_size(8 * LANES)));

#define ROUND_SHIFT 6755399441055744.0 /* 1.5·2^52: adding it rounds to an integer in the low bits */
#define LOG2E 1.4426950408889634
#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10
#define SIGN_BIT INT64_MIN



static inline __attribute__((always_inline)) vd splat(double x)
{
    vd zero = {0};
    return zero + x;
}

/* Lanes of a where mask is set, of b elsewhere. */
static inline __attribute__((always_inline)) vd select(vi mask, vd a, vd b)
{
    return (vd)(((vi)a & mask) | ((vi)b & ~mask));
}

/* For z in [−700, 0] (NaN passes): *em1 = expm1(z) and returns exp(z). */
static inline __attribute__((always_inline)) vd exp_parts(vd z, vd *em1)
{
    vd y = z * LOG2E + ROUND_SHIFT;
    vd k = y - ROUND_SHIFT;
    vd r = (z - k * LN2_HI) - k * LN2_LO;
    vd p = splat(1.0 / 6227020800.0);
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = (p * r) * r + r; /* expm1(r) */
    vi pow2 = (((vi)y - (vi)splat(ROUND_SHIFT)) + 1023) << 52; /* 2^k */
    vd scale = (vd)pow2;
    *em1 = scale * p + (scale - 1.0);
    return scale * p + scale;
}

/* |v| with its sign bit apart. */
static inline __attribute__((always_inline)) vd magnitude(vd v, vi *sign)
{
    *sign = (vi)v & SIGN_BIT;
    return (vd)((vi)v & ~SIGN_BIT);
}

static inline __attribute__((always_inline)) void tanh_lanes(vd *inout)
{
    vd v = *inout;
    vi sign;
    vd a = magnitude(v, &sign);
    a = select(a > 22.0, splat(22.0), a); /* tanh(22) rounds to 1; NaN fails the test and passes */
    vd t;
    exp_parts(-2.0 * a, &t);
    *inout = (vd)((vi)(-t / (t + 2.0)) ^ sign);
}

static inline __attribute__((always_inline)) void sigmoid_lanes(vd *inout)
{
    vd v = *inout;
    vi sign;
    vd a = magnitude(v, &sign);
    a = select(a > 700.0, splat(700.0), a);
    vd em1;
    vd e = exp_parts(-a, &em1);
    vd s = 1.0 / (1.0 + e);
    *inout = select(sign != 0, e * s, s);
}

/* Applies f to n values LANES at a time; the tail goes through a zero-padded block. */
#define MAP_LANES(f, out, x, n)                                     \
    do {                                                            \
        size_t i_ = 0;                                              \
        for (; i_ + LANES <= (n); i_ += LANES) {                    \
            vd v_;                                                  \
            memcpy(&v_, (x) + i_, sizeof v_);                       \
            f(&v_);                                                 \
            memcpy((out) + i_, &v_, sizeof v_);                     \
        }                                                           \
        if (i_ < (n)) {                                             \
            vd v_ = {0};                                            \
            memcpy(&v_, (x) + i_, ((n) - i_) * sizeof(double));     \
            f(&v_);                                                 \
            memcpy((out) + i_, &v_, ((n) - i_) * sizeof(double));   \
        }                                                           \
    } while (0)

BASIN_AVX512_CLONES
void basin_tanh_array(double *out, const double *x, size_t n)
{
    MAP_LANES(tanh_lanes, out, x, n);
}

BASIN_AVX512_CLONES
void basin_sigmoid_array(double *out, const double *x, size_t n)
{
    MAP_LANES(sigmoid_lanes, out, x, n);
}
