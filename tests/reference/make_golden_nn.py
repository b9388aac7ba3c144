#!/usr/bin/python3
"""Writes the golden data of Basin's neural-network tests from PyTorch (float64).

Run by hand after changing a case (needs Debian's python3-torch; the build and the tests never do):
    /usr/bin/python3 tests/reference/make_golden_nn.py
It writes golden_nn.inc beside itself, read by tests/engine/test_nn_golden.c: for each case the layer
list (as Basin's basin_layer_desc initializers, so the model is described once, here), the
state_dict's names and shapes, fixed weights, buffers and inputs, and PyTorch's outputs, loss and
gradient of every parameter, a Hessian-vector product by double backward; and BatchNorm's running statistics after three SGD steps. Hex-float
literals keep every bit.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 6


def layer(kind, **keys):
    return (kind, keys)


def build(layers, in_shape):
    """The nn.Sequential of a layer list, and the C initializers that describe it to Basin."""
    mods, descs = [], []
    shape = list(in_shape)  # (C, H, W) or (F,)
    for kind, k in layers:
        if kind == 'linear':
            mods.append(nn.Linear(shape[0], k['out']))
            shape = [k['out']]
            descs.append('{.kind = BASIN_LAYER_LINEAR, .out = %d}' % k['out'])
        elif kind == 'conv':
            s, p = k.get('stride', 1), k.get('padding', 0)
            mods.append(nn.Conv2d(shape[0], k['out'], k['kernel'], stride=s, padding=p))
            h = (shape[1] + 2 * p - k['kernel']) // s + 1
            w = (shape[2] + 2 * p - k['kernel']) // s + 1
            shape = [k['out'], h, w]
            descs.append('{.kind = BASIN_LAYER_CONV2D, .out = %d, .kernel = %d, .stride = %d, .padding = %d}'
                         % (k['out'], k['kernel'], s, p))
        elif kind in ('maxpool', 'avgpool'):
            ks, st = k['kernel'], k.get('stride', k['kernel'])
            mods.append((nn.MaxPool2d if kind == 'maxpool' else nn.AvgPool2d)(ks, stride=st))
            shape = [shape[0], (shape[1] - ks) // st + 1, (shape[2] - ks) // st + 1]
            descs.append('{.kind = BASIN_LAYER_%s, .kernel = %d, .stride = %d}'
                         % ('MAXPOOL2D' if kind == 'maxpool' else 'AVGPOOL2D', ks, st))
        elif kind == 'flatten':
            mods.append(nn.Flatten())
            n = 1
            for d in shape:
                n *= d
            shape = [n]
            descs.append('{.kind = BASIN_LAYER_FLATTEN}')
        elif kind == 'batchnorm':
            mods.append(nn.BatchNorm1d(shape[0]) if len(shape) == 1 else nn.BatchNorm2d(shape[0]))
            descs.append('{.kind = BASIN_LAYER_BATCHNORM}')
        elif kind == 'layernorm':
            mods.append(nn.LayerNorm(shape[0]))
            descs.append('{.kind = BASIN_LAYER_LAYERNORM}')
        elif kind == 'dropout':
            mods.append(nn.Dropout(k['p']))
            descs.append('{.kind = BASIN_LAYER_DROPOUT, .p = %r}' % k['p'])
        else:
            act = {'relu': nn.ReLU(), 'tanh': nn.Tanh(), 'sigmoid': nn.Sigmoid(), 'gelu': nn.GELU(),
                   'leaky_relu': nn.LeakyReLU(0.01), 'identity': nn.Identity()}[kind]
            mods.append(act)
            descs.append('{.kind = BASIN_LAYER_ACTIVATION, .act = BASIN_ACT_%s, .slope = 0.01}' % kind.upper())
    return nn.Sequential(*mods), descs


def hexes(t):
    return ', '.join(float(v).hex() for v in t.reshape(-1).tolist())


def array(name, values):
    return 'static const double %s[] = {%s};\n' % (name, values if values else '0')


def fill(model, gen):
    """Fixed weights, and running statistics away from their fresh values."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(0.6 * torch.randn(p.shape, generator=gen))
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.copy_(0.3 * torch.randn(m.running_mean.shape, generator=gen))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=gen))


def flat_state(model):
    vals = []
    for name, b in model.named_buffers():
        vals.append(b.detach().to(torch.float64).reshape(-1))
    return torch.cat(vals) if vals else torch.zeros(0)


def loss_of(kind, out, labels, targets):
    if kind == 'cross_entropy':
        return F.cross_entropy(out, labels)
    if kind == 'bce':
        return F.binary_cross_entropy_with_logits(out.reshape(-1), labels.to(torch.float64))
    return F.mse_loss(out, targets)


CASES = [
    # name, layers, input shape, mode, loss
    ('mlp_batchnorm_tanh', [layer('linear', out=5), layer('batchnorm'), layer('tanh'),
                            layer('linear', out=4), layer('batchnorm'), layer('tanh'), layer('linear', out=1)],
     (3,), 'train', 'bce'),
    ('mlp_layernorm_gelu', [layer('linear', out=6), layer('layernorm'), layer('gelu'), layer('dropout', p=0.5),
                            layer('linear', out=5), layer('leaky_relu'), layer('linear', out=3), layer('sigmoid'),
                            layer('linear', out=3)],
     (4,), 'eval', 'cross_entropy'),
    ('mlp_relu_mse', [layer('linear', out=8), layer('relu'), layer('linear', out=2), layer('identity')],
     (2,), 'train', 'mse'),
    ('cnn_train', [layer('conv', out=3, kernel=3, padding=1), layer('batchnorm'), layer('relu'),
                   layer('maxpool', kernel=2), layer('conv', out=4, kernel=3, stride=2, padding=1), layer('tanh'),
                   layer('avgpool', kernel=2), layer('flatten'), layer('linear', out=3)],
     (1, 8, 8), 'train', 'cross_entropy'),
    ('cnn_eval', [layer('conv', out=3, kernel=3, padding=1), layer('batchnorm'), layer('relu'),
                  layer('maxpool', kernel=2), layer('conv', out=4, kernel=3, stride=2, padding=1), layer('tanh'),
                  layer('avgpool', kernel=2), layer('flatten'), layer('linear', out=3)],
     (1, 8, 8), 'eval', 'cross_entropy'),
]


def write_case(out, index, name, layers, in_shape, mode, loss_kind, gen):
    model, descs = build(layers, in_shape)
    fill(model, gen)
    model.train(mode == 'train')
    x = torch.randn((BATCH,) + tuple(in_shape), generator=gen)
    classes = 3 if loss_kind == 'cross_entropy' else 2
    labels = torch.randint(0, classes, (BATCH,), generator=gen)
    targets = torch.randn(BATCH, 2, generator=gen)
    w = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    state = flat_state(model)
    y = model(x)
    loss = loss_of(loss_kind, y, labels, targets)
    params = list(model.parameters())
    grads = torch.autograd.grad(loss, params, create_graph=True)
    g = torch.cat([q.detach().reshape(-1) for q in grads])
    # H·v by double backward, along a fixed random direction
    v = torch.randn(g.numel(), generator=gen)
    hv = torch.autograd.grad(torch.dot(torch.cat([q.reshape(-1) for q in grads]), v), params)
    hv = torch.cat([q.reshape(-1) for q in hv])
    p = 'case%d_' % index
    out.write('/* %s: %s mode, %s loss */\n' % (name, mode, loss_kind))
    out.write('static const basin_layer_desc %slayers[] = {\n    %s};\n' % (p, ',\n    '.join(descs)))
    names = [(k, list(v.shape)) for k, v in model.state_dict().items()]
    out.write('static const golden_tensor %snames[] = {\n' % p)
    for k, shape in names:
        out.write('    {"%s", %d, {%s}},\n' % (k, len(shape), ', '.join(str(d) for d in shape) or '0'))
    out.write('};\n')
    out.write(array(p + 'w', hexes(w)))
    out.write(array(p + 'state', hexes(state)))
    out.write(array(p + 'x', hexes(x)))
    out.write('static const int %slabels[] = {%s};\n' % (p, ', '.join(str(v) for v in labels.tolist())))
    out.write(array(p + 'targets', hexes(targets)))
    out.write(array(p + 'out', hexes(y.detach())))
    out.write(array(p + 'grad', hexes(g)))
    out.write(array(p + 'v', hexes(v)))
    out.write(array(p + 'hv', hexes(hv)))
    c, h, wd = (in_shape + (1, 1))[:3] if len(in_shape) == 1 else in_shape
    return ('{"%s", %slayers, %d, %d, %d, %d, %s, GOLDEN_LOSS_%s, %snames, %d, %sw, %d, %sstate, %d, %sx, '
            '%slabels, %stargets, %sout, %d, %s, %sgrad, %sv, %shv}'
            % (name, p, len(descs), c, h, wd, 'BASIN_MODE_TRAIN' if mode == 'train' else 'BASIN_MODE_EVAL',
               loss_kind.upper(), p, len(names), p, w.numel(), p, state.numel(), p, p, p, p, y.numel(),
               float(loss.item()).hex(), p, p, p))


def write_top_eigenvalues(out, gen):
    """The dense Hessian (torch.autograd.functional.hessian) of case 2's model and loss in its parameters,
    and its five largest eigenvalues by eigvalsh."""
    name, layers, in_shape, mode, loss_kind = CASES[2]
    model, _ = build(layers, in_shape)
    fill(model, gen)
    model.train(mode == 'train')
    x = torch.randn((BATCH,) + tuple(in_shape), generator=gen)
    targets = torch.randn(BATCH, 2, generator=gen)
    names = [n for n, _ in model.named_parameters()]
    shapes = [p.shape for _, p in model.named_parameters()]
    w0 = torch.cat([p.detach().reshape(-1) for p in model.parameters()])

    def loss_at(w):
        params, at = {}, 0
        for n, shp in zip(names, shapes):
            k = 1
            for d in shp:
                k *= d
            params[n] = w[at:at + k].reshape(shp)
            at += k
        return loss_of(loss_kind, torch.func.functional_call(model, params, (x,)) if hasattr(torch, 'func')
                       else torch.nn.utils.stateless.functional_call(model, params, (x,)), None, targets)

    h = torch.autograd.functional.hessian(loss_at, w0)
    top = torch.linalg.eigvalsh(h)[-5:]
    out.write('/* %s: the five largest eigenvalues of the dense Hessian (autograd.functional.hessian, eigvalsh) */\n' % name)
    out.write(array('eig_w', hexes(w0)))
    out.write(array('eig_x', hexes(x)))
    out.write(array('eig_targets', hexes(targets)))
    out.write(array('eig_top5', hexes(top)))


def write_running_stats(out, gen):
    """Three SGD steps (lr 0.1) in training mode, a new batch each: BatchNorm's running statistics and
    the weights after them."""
    layers = CASES[0][1]
    model, _ = build(layers, (3,))
    fill(model, gen)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm1d):
                m.reset_running_stats()
    w0 = torch.cat([p.detach().reshape(-1) for p in model.parameters()]).clone()
    xs = torch.randn(3, BATCH, 3, generator=gen)
    labels = torch.randint(0, 2, (3, BATCH), generator=gen)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    model.train()
    for step in range(3):
        opt.zero_grad()
        loss_of('bce', model(xs[step]), labels[step], None).backward()
        opt.step()
    w = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    out.write('/* BatchNorm running statistics after three SGD steps (lr 0.1) on case 0\'s model */\n')
    out.write(array('steps_w0', hexes(w0)))
    out.write(array('steps_x', hexes(xs)))
    out.write('static const int steps_labels[] = {%s};\n' % ', '.join(str(v) for v in labels.reshape(-1).tolist()))
    out.write(array('steps_w', hexes(w)))
    out.write(array('steps_state', hexes(flat_state(model))))


VARIANCE_BATCH = 32
VARIANCE_CASES = [
    # name, layers, input shape, loss, weight scale (None: torch's default initialization)
    ('tanh_deep_normal1', [layer('linear', out=24), layer('tanh'), layer('linear', out=24), layer('tanh'),
                           layer('linear', out=24), layer('tanh'), layer('linear', out=24), layer('tanh'),
                           layer('linear', out=3)], (8,), 'cross_entropy', 1.0),
    ('relu_mse', [layer('linear', out=20), layer('relu'), layer('linear', out=20), layer('relu'),
                  layer('linear', out=2)], (5,), 'mse', None),
    ('batchnorm_tanh_bce', [layer('linear', out=12), layer('batchnorm'), layer('tanh'), layer('linear', out=12),
                            layer('batchnorm'), layer('tanh'), layer('linear', out=1)], (6,), 'bce', 0.8),
    ('cnn_batchnorm', [layer('conv', out=4, kernel=3, padding=1), layer('batchnorm'), layer('relu'),
                       layer('maxpool', kernel=2), layer('flatten'), layer('linear', out=10)],
     (1, 8, 8), 'cross_entropy', None),
]


def write_layer_variances(out, gen):
    """Per layer, the variance of its output and of the mean loss's gradient with respect to that output,
    over one batch in training mode (what basin inspect prints): hooks on every module's output."""
    rows = []
    for index, (name, layers, in_shape, loss_kind, scale) in enumerate(VARIANCE_CASES):
        torch.manual_seed(20261130 + index)
        model, descs = build(layers, in_shape)
        if scale is not None:
            with torch.no_grad():
                for q in model.parameters():
                    q.copy_(scale * torch.randn(q.shape, generator=gen))
        model.train()
        x = torch.randn((VARIANCE_BATCH,) + tuple(in_shape), generator=gen)
        classes = {'cross_entropy': 3 if len(in_shape) == 1 else 10, 'bce': 2, 'mse': 2}[loss_kind]
        labels = torch.randint(0, classes, (VARIANCE_BATCH,), generator=gen)
        targets = torch.randn(VARIANCE_BATCH, 2, generator=gen)
        outputs, h = [], x
        for mod in model:
            h = mod(h)
            if h is outputs[-1] if outputs else h is x:
                h = h.view_as(h)  # Identity passes its input on: give it a tensor of its own
            h.retain_grad()
            outputs.append(h)
        loss_of(loss_kind, h, labels, targets if loss_kind == 'mse' else None).backward()
        act = torch.stack([o.detach().var(unbiased=False) for o in outputs])
        grad = torch.stack([o.grad.var(unbiased=False) for o in outputs])
        w = torch.cat([q.detach().reshape(-1) for q in model.parameters()])
        p = 'var%d_' % index
        out.write('/* %s: per-layer output and gradient variances, training mode, %s loss */\n' % (name, loss_kind))
        out.write('static const basin_layer_desc %slayers[] = {\n    %s};\n' % (p, ',\n    '.join(descs)))
        out.write(array(p + 'w', hexes(w)))
        out.write(array(p + 'x', hexes(x)))
        out.write('static const int %slabels[] = {%s};\n' % (p, ', '.join(str(v) for v in labels.tolist())))
        out.write(array(p + 'targets', hexes(targets)))
        out.write(array(p + 'act', hexes(act)))
        out.write(array(p + 'grad', hexes(grad)))
        c, hh, ww = (in_shape + (1, 1))[:3] if len(in_shape) == 1 else in_shape
        rows.append('{"%s", %slayers, %d, %d, %d, %d, GOLDEN_LOSS_%s, %d, %sw, %d, %sx, %slabels, %stargets, '
                    '%sact, %sgrad}' % (name, p, len(descs), c, hh, ww, loss_kind.upper(), classes, p, w.numel(),
                                        p, p, p, p, p))
    out.write('#define GOLDEN_VARIANCE_BATCH %d\n' % VARIANCE_BATCH)
    out.write('static const golden_variance_case golden_variance_cases[] = {\n    %s,\n};\n' % ',\n    '.join(rows))


SHARPNESS_EPSILONS = [1e-2, 5e-2]


def write_sharpness(out, gen):
    """Keskar et al.'s epsilon-sharpness of a trained 2-16-16-1 tanh MLP (337 parameters, BCE) on 200 points,
    maximized by scipy's L-BFGS-B from the point itself (y = 0) with scipy's default settings."""
    import numpy as np
    from scipy.optimize import minimize
    torch.manual_seed(20261201)
    model, descs = build([layer('linear', out=16), layer('tanh'), layer('linear', out=16), layer('tanh'),
                          layer('linear', out=1)], (2,))
    x = torch.randn(200, 2, generator=gen)
    labels = ((x[:, 0] * x[:, 1] + 0.3 * torch.randn(200, generator=gen)) > 0).long()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(300):
        opt.zero_grad()
        loss_of('bce', model(x), labels, None).backward()
        opt.step()
    w = torch.cat([q.detach().reshape(-1) for q in model.parameters()])
    names = [n for n, _ in model.named_parameters()]
    shapes = [q.shape for _, q in model.named_parameters()]

    def loss_at(v):
        params, at = {}, 0
        for n, shp in zip(names, shapes):
            k = int(np.prod(shp))
            params[n] = v[at:at + k].reshape(shp)
            at += k
        return loss_of('bce', torch.func.functional_call(model, params, (x,)) if hasattr(torch, 'func')
                       else torch.nn.utils.stateless.functional_call(model, params, (x,)), labels, None)

    def negative(y):
        v = (w + torch.tensor(y)).requires_grad_(True)
        f = loss_at(v)
        g, = torch.autograd.grad(f, v)
        return -f.item(), -g.numpy()

    f0 = loss_at(w).item()
    values, iterations = [], []
    for eps in SHARPNESS_EPSILONS:
        box = eps * (np.abs(w.numpy()) + 1)
        res = minimize(negative, np.zeros(w.numel()), jac=True, method='L-BFGS-B', bounds=list(zip(-box, box)))
        values.append(100 * (-res.fun - f0) / (1 + f0))
        iterations.append(res.nit)
    out.write('/* epsilon-sharpness of a trained 2-16-16-1 tanh MLP: scipy %s L-BFGS-B from y = 0, %s iterations */\n'
              % (__import__('scipy').__version__, '/'.join(str(i) for i in iterations)))
    out.write('static const basin_layer_desc sharp_layers[] = {\n    %s};\n' % ',\n    '.join(descs))
    out.write(array('sharp_w', hexes(w)))
    out.write(array('sharp_x', hexes(x)))
    out.write('static const int sharp_labels[] = {%s};\n' % ', '.join(str(v) for v in labels.tolist()))
    out.write(array('sharp_epsilon', hexes(torch.tensor(SHARPNESS_EPSILONS))))
    out.write(array('sharp_value', hexes(torch.tensor(values))))
    out.write('#define GOLDEN_SHARPNESS_POINTS 200\n#define GOLDEN_SHARPNESS_CASES %d\n' % len(SHARPNESS_EPSILONS))


def main():
    gen = torch.Generator().manual_seed(20261124)
    path = os.path.join(HERE, 'golden_nn.inc')
    with open(path, 'w') as out:
        out.write('/* Generated by tests/reference/make_golden_nn.py from PyTorch %s (float64); do not edit. */\n'
                  % torch.__version__)
        rows = [write_case(out, i, *case, gen) for i, case in enumerate(CASES)]
        out.write('static const golden_case golden_cases[] = {\n    %s,\n};\n' % ',\n    '.join(rows))
        write_running_stats(out, gen)
        write_top_eigenvalues(out, gen)
        write_layer_variances(out, torch.Generator().manual_seed(20261130))
        write_sharpness(out, torch.Generator().manual_seed(20261201))
    print('wrote', path)


if __name__ == '__main__':
    main()
