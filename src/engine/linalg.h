/* linalg.h: the dense linear algebra the engine shares (one place to change the solver behind it). */
#ifndef BASIN_LINALG_H
#define BASIN_LINALG_H

#include <stddef.h>

/* Eigen-decomposition of the symmetric n×n row-major matrix a (left unchanged): eigenvalues into eval in
 * increasing order and, when evec is non-NULL, the matching unit eigenvectors as evec's columns
 * (row-major n×n). Returns 0, or -1 with a message when a is not finite or memory runs out. */
int basin_symmetric_eigen(size_t n, const double *a, double *eval, double *evec);

/* The eigenvalues of the symmetric n×n matrix a in increasing order into eval, overwriting a: beside a,
 * only O(n) workspace (LAPACK's dsyevd without vectors, from 32 rows; GSL below). Returns 0, or -1 with a
 * message when a is not finite or memory runs out. */
int basin_symmetric_eigenvalues_inplace(size_t n, double *a, double *eval);

#include <gsl/gsl_cblas.h>

/* cblas_dgemm on row-major matrices under Basin's thread policy (parallel/thread_policy.h): C = α·op(A)·op(B)
 * + β·C with op(A) m×k and op(B) k×n. Can't fail. */
void basin_dgemm(enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, int m, int n, int k, double alpha, const double *a,
                 int lda, const double *b, int ldb, double beta, double *c, int ldc);

/* The orthogonal factor Q of the QR factorisation of the n×n row-major matrix a (overwritten), each
 * column j multiplied by the sign of R's diagonal entry j (so Q of a Gaussian a is Haar-distributed),
 * into q (row-major n×n). GSL below 32 rows, LAPACK's blocked dgeqrf/dorgqr from there on. Returns 0, or
 * -1 with a message when memory runs out. */
int basin_signed_qr_q(size_t n, double *a, double *q);

#endif
