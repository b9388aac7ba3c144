/* expr.h: a formula of x, y (or x0 … x15) compiled once into a small program, then evaluated with its exact
 * gradient and Hessian by forward-mode automatic differentiation on second-order dual numbers: each value
 * carries its gradient and Hessian along, so one pass gives all three. A compiled program is read-only:
 * several threads may evaluate it at once. Kinks follow PyTorch: abs'(0) = 0, relu'(0) = 0, min and max
 * take the first argument on ties, softplus is x above 20. */
#ifndef BASIN_EXPR_H
#define BASIN_EXPR_H

#include <stddef.h>

#define BASIN_EXPR_VARS 16 /* x0 … x15 (x is x0, y is x1) */

typedef struct basin_expr basin_expr;

/* Compiles text. Returns the program (owned by the caller), or NULL with a one-line message naming the
 * column and what was expected ("column 12: expected ')' after 'x^2'"), or the unknown name and what is
 * valid. */
basin_expr *basin_expr_compile(const char *text);

/* The variables the formula uses: one more than the highest index (0 for a constant). */
size_t basin_expr_vars(const basin_expr *e);

/* The value at x (n ≥ basin_expr_vars(e) coordinates); with g the gradient (n), with h the Hessian (n × n,
 * row-major). NaN or ±∞ where the formula is (log of a negative number, division by zero). Can't fail. */
double basin_expr_eval(const basin_expr *e, const double *x, size_t n, double *g, double *h);

/* Frees e; NULL is a no-op. */
void basin_expr_free(basin_expr *e);

#endif
