/* linalg.h: the dense linear algebra the engine shares (one place to change the solver behind it). */
#ifndef BASIN_LINALG_H
#define BASIN_LINALG_H

#include <stddef.h>

/* Eigen-decomposition of the symmetric n×n row-major matrix a (left unchanged): eigenvalues into eval in
 * increasing order and, when evec is non-NULL, the matching unit eigenvectors as evec's columns
 * (row-major n×n). Returns 0, or -1 with a message when a is not finite or memory runs out. */
int basin_symmetric_eigen(size_t n, const double *a, double *eval, double *evec);

#endif
