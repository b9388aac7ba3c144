/* loss.c: the training losses, each a mean over the examples, with their gradients on the logits. */
#include "layers.h"

#include <math.h>

double loss_cross_entropy(double *dlogits, const double *logits, const int *labels, size_t B, size_t K)
{
    double total = 0, inv_b = 1.0 / (double)B;
    for (size_t b = 0; b < B; b++) {
        const double *z = logits + b * K;
        double zmax = z[0];
        for (size_t k = 1; k < K; k++)
            zmax = z[k] > zmax ? z[k] : zmax;
        double sum = 0;
        for (size_t k = 0; k < K; k++)
            sum += exp(z[k] - zmax);
        double lse = zmax + log(sum);
        total += lse - z[labels[b]];
        if (dlogits) {
            double *dz = dlogits + b * K;
            for (size_t k = 0; k < K; k++)
                dz[k] = exp(z[k] - lse) * inv_b;
            dz[labels[b]] -= inv_b;
        }
    }
    return total * inv_b;
}

double loss_bce_logits(double *dlogits, const double *logits, const int *labels, size_t B)
{
    double total = 0, inv_b = 1.0 / (double)B;
    for (size_t b = 0; b < B; b++) {
        double z = logits[b], y = labels[b];
        /* log(1 + e^z) − y·z, written so neither term overflows */
        total += fmax(z, 0.0) - y * z + log1p(exp(-fabs(z)));
        if (dlogits) {
            double sig = z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
            dlogits[b] = (sig - y) * inv_b;
        }
    }
    return total * inv_b;
}

double loss_mse(double *dpred, const double *pred, const double *target, size_t B, size_t K)
{
    double total = 0, inv_n = 1.0 / (double)(B * K);
    for (size_t i = 0; i < B * K; i++) {
        double r = pred[i] - target[i];
        total += r * r;
        if (dpred)
            dpred[i] = 2.0 * r * inv_n;
    }
    return total * inv_n;
}

/* d = (softmax(z) − onehot)/B, so R{d} = p ⊙ (R{z} − pᵀR{z})/B. */
void loss_cross_entropy_r(double *rdlogits, const double *logits, const double *rlogits, size_t B, size_t K)
{
    for (size_t b = 0; b < B; b++) {
        const double *z = logits + b * K, *rz = rlogits + b * K;
        double zmax = z[0], sum = 0, dot = 0, *p = rdlogits + b * K; /* p: the softmax, then R{d} over it */
        for (size_t k = 1; k < K; k++)
            zmax = fmax(zmax, z[k]);
        for (size_t k = 0; k < K; k++)
            sum += p[k] = exp(z[k] - zmax);
        for (size_t k = 0; k < K; k++)
            dot += (p[k] /= sum) * rz[k];
        for (size_t k = 0; k < K; k++)
            p[k] = p[k] * (rz[k] - dot) / (double)B;
    }
}

/* d = (σ(z) − y)/B, so R{d} = σ(z)(1 − σ(z))·R{z}/B. */
void loss_bce_logits_r(double *rdlogits, const double *logits, const double *rlogits, size_t B)
{
    for (size_t b = 0; b < B; b++) {
        double z = logits[b], s = z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
        rdlogits[b] = s * (1 - s) * rlogits[b] / (double)B;
    }
}

/* d = 2(pred − target)/(B·K), so R{d} = 2·R{pred}/(B·K). */
void loss_mse_r(double *rdpred, const double *rpred, size_t B, size_t K)
{
    for (size_t i = 0; i < B * K; i++)
        rdpred[i] = 2 * rpred[i] / (double)(B * K);
}
