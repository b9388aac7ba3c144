/* linear.c: the fully connected layer, out = inp·Wᵀ + b, through OpenBLAS dgemm. */
#include "layers.h"

#include <gsl/gsl_cblas.h>
#include <string.h>

void linear_forward(double *out, const double *inp, const double *weight, const double *bias, size_t B,
                    size_t I, size_t O)
{
    for (size_t b = 0; b < B; b++)
        memcpy(out + b * O, bias, O * sizeof *out);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)O, (int)I, 1.0, inp, (int)I, weight,
                (int)I, 1.0, out, (int)O);
}

void linear_backward(double *dinp, double *dweight, double *dbias, const double *dout, const double *inp,
                     const double *weight, size_t B, size_t I, size_t O)
{
    /* dW (O,I) += doutᵀ (O,B) · inp (B,I) */
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)O, (int)I, (int)B, 1.0, dout, (int)O, inp,
                (int)I, 1.0, dweight, (int)I);
    for (size_t b = 0; b < B; b++) {
        const double *row = dout + b * O;
        for (size_t o = 0; o < O; o++)
            dbias[o] += row[o];
    }
    /* dinp (B,I) = dout (B,O) · W (O,I) */
    if (dinp)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)I, (int)O, 1.0, dout, (int)O,
                    weight, (int)I, 0.0, dinp, (int)I);
}
