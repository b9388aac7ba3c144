/* fastmath.c: exp and expm1 on [−700, 0] by the classic reduction z = k·ln2 + r, |r| ≤ ln2/2, with
 * expm1(r) from its Taylor series to degree 13 (truncation below 1e-17 relative) and 2^k built from
 * the bits of the rounding constant. Written with GCC vector extensions, four lanes at a time, built
 * for AVX2 and for plain x86-64 (the loader picks), so the loops carry no branches. */
#include "fastmath.h"

#include "../vector_clones.h"

#include <stdint.h>
#include <string.h>

typedef double v4d __attribute__((vector_size(32)));
typedef int64_t v4i __attribute__((vector_size(32)));

#define ROUND_SHIFT 6755399441055744.0 /* 1.5·2^52: adding it rounds to an integer in the low bits */
#define LOG2E 1.4426950408889634
#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10
#define SIGN_BIT INT64_MIN

#define AVX2_CLONES BASIN_AVX2_CLONES

static inline __attribute__((always_inline)) v4d splat(double x)
{
    return (v4d){x, x, x, x};
}

/* Lanes of a where mask is set, of b elsewhere. */
static inline __attribute__((always_inline)) v4d select(v4i mask, v4d a, v4d b)
{
    return (v4d)(((v4i)a & mask) | ((v4i)b & ~mask));
}

/* For z in [−700, 0] (NaN passes): *em1 = expm1(z) and returns exp(z). */
static inline __attribute__((always_inline)) v4d exp_parts(v4d z, v4d *em1)
{
    v4d y = z * LOG2E + ROUND_SHIFT;
    v4d k = y - ROUND_SHIFT;
    v4d r = (z - k * LN2_HI) - k * LN2_LO;
    v4d p = splat(1.0 / 6227020800.0);
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
    v4i pow2 = (((v4i)y - (v4i)splat(ROUND_SHIFT)) + 1023) << 52; /* 2^k */
    v4d scale = (v4d)pow2;
    *em1 = scale * p + (scale - 1.0);
    return scale * p + scale;
}

/* |v| with its sign bit apart. */
static inline __attribute__((always_inline)) v4d magnitude(v4d v, v4i *sign)
{
    *sign = (v4i)v & SIGN_BIT;
    return (v4d)((v4i)v & ~SIGN_BIT);
}

static inline __attribute__((always_inline)) void tanh4(v4d *inout)
{
    v4d v = *inout;
    v4i sign;
    v4d a = magnitude(v, &sign);
    a = select(a > 22.0, splat(22.0), a); /* tanh(22) rounds to 1; NaN fails the test and passes */
    v4d t;
    exp_parts(-2.0 * a, &t);
    *inout = (v4d)((v4i)(-t / (t + 2.0)) ^ sign);
}

static inline __attribute__((always_inline)) void sigmoid4(v4d *inout)
{
    v4d v = *inout;
    v4i sign;
    v4d a = magnitude(v, &sign);
    a = select(a > 700.0, splat(700.0), a);
    v4d em1;
    v4d e = exp_parts(-a, &em1);
    v4d s = 1.0 / (1.0 + e);
    *inout = select(sign != 0, e * s, s);
}

/* Applies f to n values four at a time; the tail goes through a zero-padded block. */
#define MAP4(f, out, x, n)                              \
    do {                                                \
        size_t i_ = 0;                                  \
        for (; i_ + 4 <= (n); i_ += 4) {                \
            v4d v_;                                     \
            memcpy(&v_, (x) + i_, sizeof v_);           \
            f(&v_);                                 \
            memcpy((out) + i_, &v_, sizeof v_);         \
        }                                               \
        if (i_ < (n)) {                                 \
            v4d v_ = {0, 0, 0, 0};                      \
            memcpy(&v_, (x) + i_, ((n) - i_) * sizeof(double)); \
            f(&v_);                                 \
            memcpy((out) + i_, &v_, ((n) - i_) * sizeof(double)); \
        }                                               \
    } while (0)

AVX2_CLONES
void basin_tanh_array(double *out, const double *x, size_t n)
{
    MAP4(tanh4, out, x, n);
}

AVX2_CLONES
void basin_sigmoid_array(double *out, const double *x, size_t n)
{
    MAP4(sigmoid4, out, x, n);
}
