/* surfaces.h: the classic analytic test functions (Rosenbrock, Himmelblau, ...) as problems. */
#ifndef BASIN_SURFACES_H
#define BASIN_SURFACES_H

#include "../registry.h"

extern const basin_entry basin_surface_rosenbrock;     /* (a−x)² + b(y−x²)² */
extern const basin_entry basin_surface_himmelblau;     /* (x²+y−11)² + (x+y²−7)² */
extern const basin_entry basin_surface_beale;          /* Σᵢ (cᵢ − x + x yⁱ)², c = 1.5, 2.25, 2.625 */
extern const basin_entry basin_surface_booth;          /* (x+2y−7)² + (2x+y−5)² */
extern const basin_entry basin_surface_rastrigin;      /* A·n + Σ (xᵢ² − A cos 2πxᵢ) */
extern const basin_entry basin_surface_ackley;         /* −20 e^(−0.2 √(½(x²+y²))) − e^(½(cos 2πx + cos 2πy)) + e + 20 */
extern const basin_entry basin_surface_styblinski_tang; /* ½ Σ (xᵢ⁴ − 16xᵢ² + 5xᵢ) */
extern const basin_entry basin_surface_six_hump_camel; /* (4 − 2.1x² + x⁴/3)x² + xy + (4y² − 4)y² */
extern const basin_entry basin_surface_saddle;         /* x² − y² */
extern const basin_entry basin_surface_monkey_saddle;  /* x³ − 3xy² */

#endif
