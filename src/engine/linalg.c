/* linalg.c: symmetric eigen-decomposition and the orthogonal factor of a QR factorisation. Eigen: GSL's Householder + implicit QL for small matrices, LAPACK's
 * divide and conquer (dsyevd, shipped inside OpenBLAS) from LAPACK_FROM on. Measured here with
 * eigenvectors: n = 10 both 0.1–0.2 ms; n = 50 0.9 against 0.6 ms; n = 200 20 against 5.5 ms; n = 1,000
 * 1.4 s against 0.15 s (GSL takes 26 s at n = 1,975, dsyevd 0.5 s). */
#include "linalg.h"

#include "error.h"
#include "parallel/thread_policy.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sort_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LAPACK_FROM 32

extern void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau, double *work,
                    const int *lwork, int *info);
extern void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda, const double *tau,
                    double *work, const int *lwork, int *info);
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
                    double *work, const int *lwork, int *iwork, const int *liwork, int *info);

/* dsyevd on a copy of a (symmetric, so its row-major and column-major layouts agree). */
static int lapack_eigen(size_t n, const double *a, double *eval, double *evec)
{
    int N = (int)n, lwork = -1, liwork = -1, info = 0, iwork_size;
    double work_size;
    const char *jobz = evec ? "V" : "N";
    double *copy = malloc(n * n * sizeof *copy), *work = NULL;
    int *iwork = NULL, status = -1;
    if (!copy)
        goto oom;
    memcpy(copy, a, n * n * sizeof *a);
    dsyevd_(jobz, "U", &N, copy, &N, eval, &work_size, &lwork, &iwork_size, &liwork, &info);
    lwork = (int)work_size, liwork = iwork_size;
    work = malloc((size_t)lwork * sizeof *work);
    iwork = malloc((size_t)liwork * sizeof *iwork);
    if (info != 0 || !work || !iwork)
        goto oom;
    dsyevd_(jobz, "U", &N, copy, &N, eval, work, &lwork, iwork, &liwork, &info);
    if (info != 0) {
        basin_error_set("the eigen-solver did not converge on a %zu×%zu matrix (LAPACK info %d)", n, n, info);
        goto done;
    }
    /* LAPACK leaves the vectors as the columns of a column-major matrix: transpose into row-major. */
    for (size_t i = 0; evec && i < n; i++)
        for (size_t j = 0; j < n; j++)
            evec[i * n + j] = copy[j * n + i];
    status = 0;
    goto done;
oom:
    basin_error_set("out of memory for a %zu×%zu eigen-decomposition", n, n);
done:
    free(copy), free(work), free(iwork);
    return status;
}

static int check_finite(size_t n, const double *a)
{
    for (size_t i = 0; i < n * n; i++)
        if (!isfinite(a[i])) {
            basin_error_set("the matrix has a non-finite entry (%g at row %zu, column %zu)", a[i], i / n,
                            i % n);
            return -1;
        }
    return 0;
}

int basin_symmetric_eigenvalues_inplace(size_t n, double *a, double *eval)
{
    if (check_finite(n, a) != 0)
        return -1;
    if (n < LAPACK_FROM)
        return basin_symmetric_eigen(n, a, eval, NULL);
    int N = (int)n, lwork = -1, liwork = -1, info = 0, iwork_size;
    double work_size;
    dsyevd_("N", "U", &N, a, &N, eval, &work_size, &lwork, &iwork_size, &liwork, &info);
    lwork = (int)work_size, liwork = iwork_size;
    double *work = malloc((size_t)lwork * sizeof *work);
    int *iwork = malloc((size_t)liwork * sizeof *iwork), status = -1;
    if (info != 0 || !work || !iwork)
        basin_error_set("out of memory for a %zu×%zu eigen-decomposition", n, n);
    else if (dsyevd_("N", "U", &N, a, &N, eval, work, &lwork, iwork, &liwork, &info), info != 0)
        basin_error_set("the eigen-solver did not converge on a %zu×%zu matrix (LAPACK info %d)", n, n, info);
    else
        status = 0;
    free(work), free(iwork);
    return status;
}

int basin_symmetric_eigen(size_t n, const double *a, double *eval, double *evec)
{
    if (check_finite(n, a) != 0)
        return -1;
    if (n >= LAPACK_FROM)
        return lapack_eigen(n, a, eval, evec);
    gsl_matrix *m = gsl_matrix_alloc(n, n);
    gsl_vector *values = gsl_vector_alloc(n);
    gsl_matrix *vectors = evec ? gsl_matrix_alloc(n, n) : NULL;
    gsl_eigen_symmv_workspace *wv = evec ? gsl_eigen_symmv_alloc(n) : NULL;
    gsl_eigen_symm_workspace *w = evec ? NULL : gsl_eigen_symm_alloc(n);
    int status = -1;
    if (!m || !values || (evec && (!vectors || !wv)) || (!evec && !w)) {
        basin_error_set("out of memory for a %zu×%zu eigen-decomposition", n, n);
        goto done;
    }
    memcpy(m->data, a, n * n * sizeof *a);
    if (evec) {
        gsl_eigen_symmv(m, values, vectors, wv);
        gsl_eigen_symmv_sort(values, vectors, GSL_EIGEN_SORT_VAL_ASC);
        memcpy(evec, vectors->data, n * n * sizeof *evec);
    } else {
        gsl_eigen_symm(m, values, w);
        gsl_sort_vector(values);
    }
    memcpy(eval, values->data, n * sizeof *eval);
    status = 0;
done:
    gsl_eigen_symm_free(w);
    gsl_eigen_symmv_free(wv);
    gsl_matrix_free(vectors);
    gsl_vector_free(values);
    gsl_matrix_free(m);
    return status;
}

/* GSL's unblocked Householder QR: 7 s at n = 1,024 where LAPACK's blocked one takes 0.1 s. */
static int gsl_signed_qr_q(size_t n, double *a, double *q)
{
    gsl_matrix_view av = gsl_matrix_view_array(a, n, n);
    gsl_matrix *qm = gsl_matrix_alloc(n, n), *rm = gsl_matrix_alloc(n, n);
    gsl_vector *tau = gsl_vector_alloc(n);
    int status = -1;
    if (!qm || !rm || !tau) {
        basin_error_set("out of memory for a %zu×%zu QR factorisation", n, n);
        goto done;
    }
    gsl_linalg_QR_decomp(&av.matrix, tau);
    gsl_linalg_QR_unpack(&av.matrix, tau, qm, rm);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            q[i * n + j] = gsl_matrix_get(qm, i, j) * (gsl_matrix_get(rm, j, j) < 0 ? -1 : 1);
    status = 0;
done:
    gsl_vector_free(tau);
    gsl_matrix_free(rm);
    gsl_matrix_free(qm);
    return status;
}

int basin_signed_qr_q(size_t n, double *a, double *q)
{
    if (n < LAPACK_FROM)
        return gsl_signed_qr_q(n, a, q);
    int N = (int)n, lwork = -1, info = 0;
    double work_size = 0, *col = malloc(n * n * sizeof *col), *tau = malloc(n * sizeof *tau), *work = NULL;
    double *sign = malloc(n * sizeof *sign);
    int status = -1;
    if (!col || !tau || !sign)
        goto oom;
    for (size_t i = 0; i < n; i++) /* LAPACK is column-major */
        for (size_t j = 0; j < n; j++)
            col[j * n + i] = a[i * n + j];
    dgeqrf_(&N, &N, col, &N, tau, &work_size, &lwork, &info);
    lwork = (int)work_size;
    if (!(work = malloc((size_t)lwork * sizeof *work)))
        goto oom;
    dgeqrf_(&N, &N, col, &N, tau, work, &lwork, &info);
    for (size_t j = 0; j < n; j++)
        sign[j] = col[j * n + j] < 0 ? -1 : 1;
    dorgqr_(&N, &N, &N, col, &N, tau, work, &lwork, &info);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            q[i * n + j] = col[j * n + i] * sign[j];
    status = 0;
    goto done;
oom:
    basin_error_set("out of memory for a %zu×%zu QR factorisation", n, n);
done:
    free(col), free(tau), free(work), free(sign);
    return status;
}

void basin_dgemm(enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, int m, int n, int k, double alpha, const double *a,
                 int lda, const double *b, int ldb, double beta, double *c, int ldc)
{
    basin_blas_threads_for((double)m * (double)n * (double)k);
    cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    basin_blas_threads_done();
}
