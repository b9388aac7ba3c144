/* vector_clones.h: one attribute for elementwise loops worth building twice: GCC builds an AVX2 and a plain
 * x86-64 version and the loader picks the one the machine runs (the same IEEE operations in the same
 * order either way, so the same bits); clang, which builds only the fuzz targets (tests/fuzz/run), the
 * plain one. */
#ifndef BASIN_VECTOR_CLONES_H
#define BASIN_VECTOR_CLONES_H

#if defined(__clang__)
#define BASIN_AVX2_CLONES
#else
#define BASIN_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#endif

#endif
