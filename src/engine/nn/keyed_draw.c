/* keyed_draw.c: a counter-based generator: each field of the key is folded into a 64-bit state through
 * SplitMix64's finalizer (Steele, Lea & Flood 2014), whose output passes BigCrush as a counter mode. */
#include "keyed_draw.h"

/* SplitMix64's output function: a bijection of 64-bit words with full avalanche. */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Folds one more field into the state (the golden-ratio increment keeps a zero field from vanishing). */
static uint64_t fold(uint64_t state, uint64_t field)
{
    return mix(state + 0x9e3779b97f4a7c15ULL + mix(field));
}

uint64_t basin_keyed_bits(const basin_draw_key *key, uint64_t stream, size_t row)
{
    uint64_t example = key->examples ? key->examples[row] : row;
    return fold(fold(fold(mix(key->seed), key->step), stream), example);
}

double basin_keyed_uniform(uint64_t example_bits, uint64_t unit)
{
    return (double)(fold(example_bits, unit) >> 11) * 0x1.0p-53;
}
