/* vector_clones.h: attributes for elementwise loops worth building more than once: GCC builds an AVX2 (and
 * for loops written eight lanes wide an AVX-512) version beside plain x86-64 and the loader picks the one
 * the machine runs (the same IEEE operations in the same order in every lane, so the same bits); clang,
 * which builds only the fuzz targets (tests/fuzz/run), the plain one. */
#ifndef BASIN_VECTOR_CLONES_H
#define BASIN_VECTOR_CLONES_H

#if defined(__clang__)
#define BASIN_AVX2_CLONES
#define BASIN_AVX512_CLONES
#else
#define BASIN_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#define BASIN_AVX512_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif

#endif
