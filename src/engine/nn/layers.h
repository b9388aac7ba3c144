/* layers.h: the forward and backward passes of every layer, as free functions over flat row-major
 * buffers (llm.c style). Activations are NCHW: example b, channel c, row y, column x at
 * ((b·C + c)·H + y)·W + x; a dense layer's features are channels with H = W = 1.
 * Backward passes accumulate (+=) into parameter gradients, which the caller zeroes once per pass, and
 * overwrite input gradients. An input-gradient pointer may be NULL when nobody needs it (the first
 * layer). None of these allocate; the caller owns every buffer. */
#ifndef BASIN_NN_LAYERS_H
#define BASIN_NN_LAYERS_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

/* ---- linear: inp (B,I), weight (O,I), bias (O), out (B,O) ---- */
void linear_forward(double *out, const double *inp, const double *weight, const double *bias, size_t B,
                    size_t I, size_t O);
void linear_backward(double *dinp, double *dweight, double *dbias, const double *dout, const double *inp,
                     const double *weight, size_t B, size_t I, size_t O);

/* ---- conv2d: inp (B,C,H,W), weight (O,C,k,k), bias (O), out (B,O,Ho,Wo) with
 * Ho = (H + 2·pad − k)/stride + 1. cols (C·k·k, B·Ho·Wo) keeps the unfolded input for backward;
 * tmp (O, B·Ho·Wo) is scratch. ---- */
typedef struct conv_shape {
    size_t B, C, H, W, O, k, stride, pad, Ho, Wo;
} conv_shape;
void conv2d_forward(double *out, double *cols, double *tmp, const double *inp, const double *weight,
                    const double *bias, const conv_shape *s);
void conv2d_backward(double *dinp, double *dweight, double *dbias, double *dcols, double *tmp,
                     const double *dout, const double *cols, const double *weight, const conv_shape *s);
/* Unfolds inp (B,C,H,W) into cols (C·k·k, B·P), zero where a window reaches into the padding; and its
 * adjoint, summing dcols back into dinp (overwritten). */
void conv2d_im2col(double *cols, const double *inp, const conv_shape *s);
void conv2d_col2im(double *dinp, const double *dcols, const conv_shape *s);

/* ---- pooling over k×k windows moved by stride (no padding): inp (B,C,H,W), out (B,C,Ho,Wo).
 * maxpool keeps the flat input index of each maximum in argmax (first maximum on ties, as PyTorch). ---- */
void maxpool2d_forward(double *out, size_t *argmax, const double *inp, size_t B, size_t C, size_t H,
                       size_t W, size_t k, size_t stride);
void maxpool2d_backward(double *dinp, const double *dout, const size_t *argmax, size_t B, size_t C,
                        size_t H, size_t W, size_t k, size_t stride);
void avgpool2d_forward(double *out, const double *inp, size_t B, size_t C, size_t H, size_t W, size_t k,
                       size_t stride);
void avgpool2d_backward(double *dinp, const double *dout, size_t B, size_t C, size_t H, size_t W, size_t k,
                        size_t stride);

/* ---- elementwise activations over n values; slope is leaky_relu's negative slope.
 * At a kink the derivative is PyTorch's: relu'(0) = 0, leaky_relu'(0) = slope. ---- */
typedef enum {
    BASIN_ACT_IDENTITY,
    BASIN_ACT_RELU,
    BASIN_ACT_LEAKY_RELU,
    BASIN_ACT_TANH,
    BASIN_ACT_SIGMOID,
    BASIN_ACT_GELU,
} basin_activation;
#define BASIN_ACTIVATION_CHOICES "identity|relu|leaky_relu|tanh|sigmoid|gelu"
void activation_forward(double *out, const double *inp, size_t n, basin_activation act, double slope);
/* dinp may alias dout. */
void activation_backward(double *dinp, const double *dout, const double *inp, const double *out, size_t n,
                         basin_activation act, double slope);

/* A sum over every worker holding a shard of the batch (an all-reduce): replaces values[0..n) by their
 * sums over the workers, the same bits on each. Returns 0, or -1 with a message. */
typedef struct basin_reducer {
    int (*sum)(void *ctx, double *values, size_t n);
    void *ctx;
} basin_reducer;

/* ---- batch normalization over channels of (B,C,S) with S = H·W values per channel and example.
 * Training: normalizes with the batch's biased variance, keeps xhat (B,C,S) and rstd (C), and moves
 * running_mean/running_var by momentum (unbiased variance) unless they are NULL; sums is scratch for
 * 2C + 1 values, and sums[2C] keeps the count of values per channel for the backward pass. With sync
 * non-NULL the batch is one shard of a bigger one and the statistics are the whole batch's
 * (SyncBatchNorm: the shards' sums of x, then of (x − mean)², are summed over the workers), in the
 * backward pass too (the sums of dy and dy·x̂). Eval: uses the running statistics.
 * Returns 0, or -1 with a message when training sees one value per channel (PyTorch refuses too) or the
 * reduction fails. The backward pass can't fail: a failed reduction is the reducer's to report. ---- */
int batchnorm_forward_train(double *out, double *xhat, double *rstd, double *sums, double *running_mean,
                            double *running_var, const double *inp, const double *gamma, const double *beta,
                            size_t B, size_t C, size_t S, double eps, double momentum, const basin_reducer *sync);
void batchnorm_forward_eval(double *out, const double *inp, const double *gamma, const double *beta,
                            const double *running_mean, const double *running_var, size_t B, size_t C,
                            size_t S, double eps);
void batchnorm_backward_train(double *dinp, double *dgamma, double *dbeta, const double *dout,
                              const double *xhat, const double *rstd, const double *gamma, double *sums, size_t B,
                              size_t C, size_t S, const basin_reducer *sync);
void batchnorm_backward_eval(double *dinp, double *dgamma, double *dbeta, const double *dout,
                             const double *inp, const double *gamma, const double *running_mean,
                             const double *running_var, size_t B, size_t C, size_t S, double eps);

/* ---- layer normalization over the F features of each example: inp (B,F), gamma and beta (F);
 * keeps xhat (B,F) and rstd (B). ---- */
void layernorm_forward(double *out, double *xhat, double *rstd, const double *inp, const double *gamma,
                       const double *beta, size_t B, size_t F, double eps);
void layernorm_backward(double *dinp, double *dgamma, double *dbeta, const double *dout, const double *xhat,
                        const double *rstd, const double *gamma, size_t B, size_t F);

/* ---- inverted dropout over n values: mask[i] = 0 with probability p, else 1/(1−p), drawn from rng ---- */
void dropout_forward(double *out, double *mask, const double *inp, size_t n, double p, gsl_rng *rng);
void dropout_backward(double *dinp, const double *dout, const double *mask, size_t n);

/* ---- losses: means over the B examples. Each returns the loss and writes dlogits (same shape as
 * logits) when non-NULL. ---- */
/* logits (B,K), labels in [0,K): softmax cross-entropy through a stable log-sum-exp. */
double loss_cross_entropy(double *dlogits, const double *logits, const int *labels, size_t B, size_t K);
/* logits (B), labels 0/1: binary cross-entropy on logits, stable for any magnitude. */
double loss_bce_logits(double *dlogits, const double *logits, const int *labels, size_t B);
/* pred and target (B,K): mean over all B·K squared errors, as torch.nn.MSELoss. */
double loss_mse(double *dpred, const double *pred, const double *target, size_t B, size_t K);
/* Their tangents: R{dlogits} for a tangent rlogits of the logits (Hessian-vector products). */
void loss_cross_entropy_r(double *rdlogits, const double *logits, const double *rlogits, size_t B, size_t K);
void loss_bce_logits_r(double *rdlogits, const double *logits, const double *rlogits, size_t B);
void loss_mse_r(double *rdpred, const double *rpred, size_t B, size_t K);

#endif
