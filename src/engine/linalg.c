/* linalg.c: symmetric eigen-decomposition through GSL's Householder + implicit QL solver. */
#include "linalg.h"

#include "error.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_sort_vector.h>
#include <math.h>
#include <string.h>

int basin_symmetric_eigen(size_t n, const double *a, double *eval, double *evec)
{
    for (size_t i = 0; i < n * n; i++)
        if (!isfinite(a[i])) {
            basin_error_set("the matrix has a non-finite entry (%g at row %zu, column %zu)", a[i], i / n,
                            i % n);
            return -1;
        }
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
