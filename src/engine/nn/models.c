/* models.c: the mlp and cnn families as layer lists, each matching an nn.Sequential built the same way
 * (a block's layers in order; a dropout of 0 adds no layer). */
#include "models.h"

#include "../budget.h"
#include "../error.h"

#include <string.h>

#define MAX_LAYERS 128
#define LOSS_CHOICES "auto|mse|cross_entropy|bce"

const char *basin_loss_name(basin_loss loss)
{
    static const char *const names[] = {"mse", "cross_entropy", "bce"};
    return names[loss];
}

/* The outputs a data set needs and the loss that goes with them: one logit for two classes, K for K
 * classes, the targets for regression. choice is the loss= key (0 auto). */
static int choose_loss(const char *model, int choice, const basin_dataset *d, size_t *outputs, basin_loss *loss)
{
    bool classes = d->n_classes > 0;
    switch (choice) {
    case 0:
        *loss = !classes ? BASIN_LOSS_MSE : d->n_classes == 2 ? BASIN_LOSS_BCE : BASIN_LOSS_CROSS_ENTROPY;
        break;
    case 1:
        *loss = BASIN_LOSS_MSE;
        break;
    case 2:
        *loss = BASIN_LOSS_CROSS_ENTROPY;
        break;
    default:
        *loss = BASIN_LOSS_BCE;
        break;
    }
    if (!classes && *loss != BASIN_LOSS_MSE) {
        basin_error_set("%s: loss=%s needs classes but %s is a regression", model, basin_loss_name(*loss), d->name);
        return -1;
    }
    if (*loss == BASIN_LOSS_BCE && d->n_classes != 2) {
        basin_error_set("%s: loss=bce needs 2 classes but %s has %zu", model, d->name, d->n_classes);
        return -1;
    }
    *outputs = !classes ? d->n_targets : *loss == BASIN_LOSS_BCE ? 1 : d->n_classes;
    return 0;
}

static void push(basin_layer_desc *descs, size_t *n, basin_layer_desc d)
{
    if (*n < MAX_LAYERS)
        descs[*n] = d;
    (*n)++;
}

static basin_layer_desc activation(const basin_params *p)
{
    return (basin_layer_desc){.kind = BASIN_LAYER_ACTIVATION,
                              .act = (basin_activation)basin_params_choice(p, "act"),
                              .slope = basin_params_real(p, "slope")};
}

static int finish(const char *name, const basin_layer_desc *descs, size_t n, const basin_dataset *d,
                  basin_loss loss, basin_net *net)
{
    if (n > MAX_LAYERS) {
        basin_error_set("%s: more than %d layers", name, MAX_LAYERS);
        return -1;
    }
    net->model = basin_model_create(descs, n, d->channels, d->height, d->width);
    if (!net->model) {
        basin_error_set("%s: %s", name, basin_error_message());
        return -1;
    }
    net->loss = loss;
    return 0;
}

static int mlp_create(const basin_entry *e, const basin_params *p, const basin_dataset *d, basin_net *net)
{
    size_t outputs;
    basin_loss loss;
    if (choose_loss(e->name, basin_params_choice(p, "loss"), d, &outputs, &loss) != 0)
        return -1;
    double sizes[MAX_LAYERS];
    size_t n_sizes = 0, len;
    if (basin_params_given(p, "sizes") && basin_params_given(p, "hidden")) {
        basin_error_set("mlp: give sizes= or hidden=, not both");
        return -1;
    }
    if (basin_params_given(p, "sizes")) {
        const double *s = basin_params_list(p, "sizes", &len);
        if (len < 2 || len > MAX_LAYERS / 4) {
            basin_error_set("mlp: sizes= lists the input, the hidden widths and the output (2 to %d numbers)",
                            MAX_LAYERS / 4);
            return -1;
        }
        if ((size_t)s[0] != d->n_features || (size_t)s[len - 1] != outputs) {
            basin_error_set("mlp: sizes=%g/.../%g but %s needs %zu inputs and %zu output%s (loss %s)", s[0],
                            s[len - 1], d->name, d->n_features, outputs, outputs == 1 ? "" : "s",
                            basin_loss_name(loss));
            return -1;
        }
        memcpy(sizes, s, len * sizeof *s);
        n_sizes = len;
    } else {
        const double *h = basin_params_list(p, "hidden", &len);
        if (len + 2 > MAX_LAYERS / 4) {
            basin_error_set("mlp: at most %d hidden layers", MAX_LAYERS / 4 - 2);
            return -1;
        }
        sizes[n_sizes++] = (double)d->n_features;
        for (size_t i = 0; i < len; i++)
            sizes[n_sizes++] = h[i];
        sizes[n_sizes++] = (double)outputs;
    }
    int norm = basin_params_choice(p, "norm");
    double drop = basin_params_real(p, "dropout");
    basin_layer_desc descs[MAX_LAYERS];
    size_t n = 0;
    if (d->image)
        push(descs, &n, (basin_layer_desc){.kind = BASIN_LAYER_FLATTEN});
    for (size_t i = 1; i < n_sizes; i++) {
        push(descs, &n, (basin_layer_desc){.kind = BASIN_LAYER_LINEAR, .out = (size_t)sizes[i]});
        if (i == n_sizes - 1)
            break;
        if (norm == 1)
            push(descs, &n, (basin_layer_desc){.kind = BASIN_LAYER_BATCHNORM});
        else if (norm == 2)
            push(descs, &n, (basin_layer_desc){.kind = BASIN_LAYER_LAYERNORM});
        push(descs, &n, activation(p));
        if (drop > 0)
            push(descs, &n, (basin_layer_desc){.kind = BASIN_LAYER_DROPOUT, .p = drop});
    }
    return finish(e->name, descs, n, d, loss, net);
}

static int cnn_create(const basin_entry *e, const basin_params *p, const basin_dataset *d, basin_net *net)
{
    if (!d->image) {
        basin_error_set("cnn: %s is not a set of images (its examples are %zu numbers); use mlp", d->name,
                        d->n_features);
        return -1;
    }
    size_t outputs;
    basin_loss loss;
    if (choose_loss(e->name, basin_params_choice(p, "loss"), d, &outputs, &loss) != 0)
        return -1;
    size_t n_channels, k = (size_t)basin_params_real(p, "kernel"), hidden = (size_t)basin_params_real(p, "hidden");
    const double *channels = basin_params_list(p, "channels", &n_channels);
    int pool = basin_params_choice(p, "pool");
    double drop = basin_params_real(p, "dropout");
    if (k % 2 == 0) {
        basin_error_set("cnn: kernel=%zu must be odd (the padding keeps the size)", k);
        return -1;
    }
    if (n_channels > MAX_LAYERS / 5) {
        basin_error_set("cnn: at most %d convolution blocks", MAX_LAYERS / 5);
        return -1;
    }
    basin_layer_desc descs[MAX_LAYERS];
    size_t n = 0, h = d->height, w = d->width;
    for (size_t i = 0; i < n_channels; i++) {
        push(descs, &n, (basin_layer_desc){.kind = BASIN_LAYER_CONV2D, .out = (size_t)channels[i], .kernel = k,
                                           .stride = 1, .padding = k / 2});
        if (basin_params_choice(p, "norm") == 1)
            push(descs, &n, (basin_layer_desc){.kind = BASIN_LAYER_BATCHNORM});
        push(descs, &n, activation(p));
        if (pool != 0 && h >= 2 && w >= 2) {
            push(descs, &n, (basin_layer_desc){.kind = pool == 1 ? BASIN_LAYER_MAXPOOL2D : BASIN_LAYER_AVGPOOL2D,
                                               .kernel = 2, .stride = 2});
            h /= 2, w /= 2;
        }
    }
    push(descs, &n, (basin_layer_desc){.kind = BASIN_LAYER_FLATTEN});
    if (hidden > 0) {
        push(descs, &n, (basin_layer_desc){.kind = BASIN_LAYER_LINEAR, .out = hidden});
        push(descs, &n, activation(p));
        if (drop > 0)
            push(descs, &n, (basin_layer_desc){.kind = BASIN_LAYER_DROPOUT, .p = drop});
    }
    push(descs, &n, (basin_layer_desc){.kind = BASIN_LAYER_LINEAR, .out = outputs});
    return finish(e->name, descs, n, d, loss, net);
}

int basin_net_create(const basin_entry *entry, const basin_params *params, const basin_dataset *data,
                     basin_net *net)
{
    BASIN_ASSERT(entry->kind == BASIN_KIND_MODEL);
    memset(net, 0, sizeof *net);
    if (entry->create.model(entry, params, data, net) != 0)
        return -1;
    /* training holds the weights, the gradient, the full gradient, the optimizer's state (up to four
     * vectors for Adam with amsgrad) and the snapshot of a trajectory: about eight copies */
    size_t n = net->model->n_params;
    if (basin_budget_check(8.0 * sizeof(double) * (double)n, "%s: %zu parameters × 8 copies", entry->name, n) != 0) {
        basin_model_destroy(net->model);
        memset(net, 0, sizeof *net);
        return -1;
    }
    return 0;
}

#define SHARED_KEYS                                                                                     \
    BASIN_CHOICE("act", "relu", BASIN_ACTIVATION_CHOICES, "activation of the hidden layers"),         \
        BASIN_REAL("slope", "0.01", 0, BASIN_INF, "negative slope of leaky_relu"),                  \
        BASIN_REAL_BELOW("dropout", "0", 0, 1, "dropout probability after each hidden activation (0: no layer)"), \
        BASIN_CHOICE("loss", "auto", LOSS_CHOICES,                                                    \
                     "auto: bce for 2 classes and 1 output, cross_entropy for K classes, mse for regression")

static const basin_param_spec mlp_specs[] = {
    BASIN_LIST("sizes", "", 1, 1e6, "every width: inputs/hidden.../outputs (checked against the data)"),
    BASIN_LIST("hidden", "64/64", 1, 1e6, "hidden widths (inputs and outputs from the data)"),
    BASIN_CHOICE("norm", "none", "none|batch|layer", "normalization after each hidden Linear"),
    SHARED_KEYS,
    BASIN_PARAMS_END};

static const basin_param_spec cnn_specs[] = {
    BASIN_LIST("channels", "16/32", 1, 4096, "output channels of each conv block"),
    BASIN_INT("kernel", "3", 1, 15, "odd kernel size; padding keeps the image size"),
    BASIN_CHOICE("norm", "none", "none|batch", "BatchNorm2d after each convolution"),
    BASIN_CHOICE("pool", "max", "none|max|avg", "2×2 pooling after each block while the image is ≥ 2×2"),
    BASIN_INT("hidden", "64", 0, 1e6, "width of the dense hidden layer (0: none)"),
    SHARED_KEYS,
    BASIN_PARAMS_END};

const basin_entry basin_model_mlp = {
    BASIN_KIND_MODEL, "mlp", "dense blocks Linear → norm → activation → dropout, then a Linear",
    mlp_specs, NULL, {.model = mlp_create}};
const basin_entry basin_model_cnn = {
    BASIN_KIND_MODEL, "cnn", "conv blocks Conv2d → BatchNorm2d → activation → pool, a dense head",
    cnn_specs, NULL, {.model = cnn_create}};
