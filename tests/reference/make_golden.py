#!/usr/bin/python3
"""Writes the golden data of Basin's optimizer and schedule tests from PyTorch (float64).

Run by hand after changing a case (needs Debian's python3-torch; the build and the tests never do):
    /usr/bin/python3 tests/reference/make_golden.py
It writes golden_optim.inc, golden_optim_net.inc and golden_schedule.inc beside itself: C initializers
with exact hex-float literals, read by tests/engine/test_golden.c. Every case is written once, as the Basin specs the CLI
takes; this script turns them into torch.optim and torch.optim.lr_scheduler calls.
"""
import math
import os
import sys
import warnings

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
# SequentialLR calls step(0) on its children itself; its deprecation warning is torch's own business.
warnings.filterwarnings('ignore', message='The epoch parameter')
HERE = os.path.dirname(os.path.abspath(__file__))


def parse_spec(spec):
    """'sgd:lr=0.1,nesterov=true' -> ('sgd', {'lr': 0.1, 'nesterov': True})"""
    name, _, rest = spec.partition(':')
    keys = {}
    for item in filter(None, rest.split(',')):
        key, value = item.split('=')
        if value in ('true', 'false'):
            keys[key] = value == 'true'
        elif value in ('none', 'strong_wolfe'):  # L-BFGS's line search
            keys[key] = value
        elif '/' in value:
            keys[key] = [float(v) for v in value.split('/')]
        else:
            keys[key] = float(value)
    return name, keys


# --- surfaces, written from their formulas (autograd gives the gradient) ---
def surface(spec):
    name, k = parse_spec(spec)
    if name == 'rosenbrock':
        a, b = k.get('a', 1.0), k.get('b', 100.0)
        return lambda w: (a - w[0]) ** 2 + b * (w[1] - w[0] ** 2) ** 2
    if name == 'beale':
        return lambda w: ((1.5 - w[0] + w[0] * w[1]) ** 2 + (2.25 - w[0] + w[0] * w[1] ** 2) ** 2
                          + (2.625 - w[0] + w[0] * w[1] ** 3) ** 2)
    if name == 'quadratic':
        eig = torch.tensor(k['eig'])
        theta = math.radians(k.get('angle', 0.0))
        rot = torch.tensor([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
        h = rot @ torch.diag(eig) @ rot.T
        center = torch.tensor(k.get('center', [0.0, 0.0]))
        return lambda w: 0.5 * (w - center) @ h @ (w - center)
    raise SystemExit('no torch form for surface ' + spec)


def optimizer(spec, params):
    name, k = parse_spec(spec)
    if name in ('adam', 'adamw', 'adamax', 'nadam', 'radam'):
        k['betas'] = (k.pop('beta1', 0.9), k.pop('beta2', 0.999))
    cls = {'sgd': torch.optim.SGD, 'adagrad': torch.optim.Adagrad, 'rmsprop': torch.optim.RMSprop,
           'adam': torch.optim.Adam, 'adamw': torch.optim.AdamW, 'adadelta': torch.optim.Adadelta,
           'adamax': torch.optim.Adamax, 'nadam': torch.optim.NAdam, 'radam': torch.optim.RAdam,
           'rprop': torch.optim.Rprop, 'asgd': torch.optim.ASGD, 'lbfgs': torch.optim.LBFGS}[name]
    if name == 'lbfgs':
        for key in ('max_iter', 'max_eval', 'history_size'):
            if key in k:
                k[key] = int(k[key])
        if 'line_search_fn' in k:
            k['line_search_fn'] = None if k['line_search_fn'] == 'none' else k['line_search_fn']
        return cls(params, **k)
    if name == 'rprop':
        k['etas'] = (k.pop('etaminus', 0.5), k.pop('etaplus', 1.2))
        k['step_sizes'] = (k.pop('step_size_min', 1e-6), k.pop('step_size_max', 50.0))
    return cls(params, foreach=False, **k)


def scheduler(spec, opt):
    """torch's own schedulers for Basin's schedule specs (None for constant)."""
    name, k = parse_spec(spec)
    S = torch.optim.lr_scheduler
    if name == 'constant':
        return None
    if name == 'step':
        return S.StepLR(opt, step_size=int(k['step_size']), gamma=k.get('gamma', 0.1))
    if name == 'exp':
        return S.ExponentialLR(opt, gamma=k['gamma'])
    if name == 'warmup':
        w = int(k.get('steps', 5))
        return S.LinearLR(opt, start_factor=1 / w, end_factor=1.0, total_iters=w - 1)
    if name == 'cosine':
        w, t_max, eta_min = int(k.get('warmup', 0)), int(k['T_max']), k.get('eta_min', 0.0)
        cosine = S.CosineAnnealingLR(opt, T_max=t_max - w, eta_min=eta_min)
        if w == 0:
            return cosine
        warm = S.LinearLR(opt, start_factor=1 / w, end_factor=1.0, total_iters=w - 1)
        return S.SequentialLR(opt, [warm, cosine], milestones=[w])
    raise SystemExit('no torch scheduler for ' + spec)


def closed_form(spec, t, lr):
    """Basin's documented factor, to check the torch mapping above before anything is written."""
    name, k = parse_spec(spec)
    if name == 'constant':
        return 1.0
    if name == 'step':
        return k.get('gamma', 0.1) ** math.floor(t / k['step_size'])
    if name == 'exp':
        return k['gamma'] ** t
    if name == 'warmup':
        w = k.get('steps', 5)
        return (t + 1) / w if t < w else 1.0
    w, T, e = k.get('warmup', 0), k['T_max'], k.get('eta_min', 0.0)
    if t < w:
        return (t + 1) / w
    return e / lr + (1 - e / lr) * (1 + math.cos(math.pi * (t - w) / (T - w))) / 2


def trajectory(surface_spec, opt_spec, schedule_spec, start, steps):
    f = surface(surface_spec)
    w = torch.tensor(start, requires_grad=True)
    opt = optimizer(opt_spec, [w])
    sched = scheduler(schedule_spec, opt)
    base_lr = opt.defaults['lr']
    rows, lrs, averages = [], [], []
    for t in range(steps + 1):
        loss = f(w)
        rows.append([float(loss)] + w.detach().tolist())
        lr = opt.param_groups[0]['lr']
        lrs.append(lr)
        factor = closed_form(schedule_spec, t, base_lr)
        assert abs(lr - base_lr * factor) <= 1e-13 * max(1.0, abs(lr)), (schedule_spec, t, lr, base_lr * factor)
        if t == steps:
            break
        opt.zero_grad()
        loss.backward()
        if isinstance(opt, torch.optim.LBFGS):  # it evaluates the loss again, as often as it needs

            def closure():
                opt.zero_grad()
                value = f(w)
                value.backward()
                return value

            opt.step(closure)
        else:
            opt.step()
        if isinstance(opt, torch.optim.ASGD):  # its averaged iterate after the step
            averages.append(opt.state[w]['ax'].tolist())
        if sched:
            sched.step()
    return rows, lrs, averages


ROSEN = 'rosenbrock'
QUAD = 'quadratic:eig=1/50,angle=30,center=1/-0.5'
# (surface, optimizer, schedule, start, steps): every key of every optimizer appears in some case.
CASES = [
    (QUAD, 'sgd:lr=0.03', 'constant', [2.5, 1.5], 40),
    (QUAD, 'sgd:lr=0.03,momentum=0.9', 'constant', [2.5, 1.5], 40),
    (QUAD, 'sgd:lr=0.03,momentum=0.9,dampening=0.3', 'constant', [2.5, 1.5], 40),
    (QUAD, 'sgd:lr=0.02,momentum=0.8,nesterov=true', 'constant', [2.5, 1.5], 40),
    (QUAD, 'sgd:lr=0.02,momentum=0.5,weight_decay=0.1', 'constant', [2.5, 1.5], 40),
    (ROSEN, 'sgd:lr=0.0005,momentum=0.9,nesterov=true,weight_decay=0.01', 'constant', [-1.5, 2.0], 60),
    (ROSEN, 'adagrad', 'constant', [-1.5, 2.0], 60),
    (ROSEN, 'adagrad:lr=0.5,lr_decay=0.05', 'constant', [-1.5, 2.0], 60),
    (QUAD, 'adagrad:lr=0.8,initial_accumulator_value=0.5,eps=0.001', 'constant', [2.5, 1.5], 40),
    (QUAD, 'adagrad:lr=0.8,weight_decay=0.2', 'constant', [2.5, 1.5], 40),
    (ROSEN, 'rmsprop', 'constant', [-1.5, 2.0], 60),
    (ROSEN, 'rmsprop:lr=0.005,alpha=0.9,eps=0.001', 'constant', [-1.5, 2.0], 60),
    (QUAD, 'rmsprop:lr=0.01,centered=true', 'constant', [2.5, 1.5], 40),
    (QUAD, 'rmsprop:lr=0.005,momentum=0.8', 'constant', [2.5, 1.5], 40),
    (QUAD, 'rmsprop:lr=0.005,centered=true,momentum=0.8,weight_decay=0.1', 'constant', [2.5, 1.5], 40),
    (ROSEN, 'adam', 'constant', [-1.5, 2.0], 60),
    (ROSEN, 'adam:lr=0.05,beta1=0.8,beta2=0.99,eps=0.0001', 'constant', [-1.5, 2.0], 60),
    (QUAD, 'adam:lr=0.1,weight_decay=0.3', 'constant', [2.5, 1.5], 40),
    (QUAD, 'adam:lr=0.1,amsgrad=true', 'constant', [2.5, 1.5], 40),
    (QUAD, 'adamw:lr=0.1', 'constant', [2.5, 1.5], 40),
    (QUAD, 'adamw:lr=0.1,weight_decay=0.5,amsgrad=true', 'constant', [2.5, 1.5], 40),
    (ROSEN, 'adamw:lr=0.02,beta1=0.5,beta2=0.9,eps=0.01,weight_decay=0.1', 'constant', [-1.5, 2.0], 60),
    (ROSEN, 'adadelta', 'constant', [-1.5, 2.0], 60),
    (QUAD, 'adadelta:lr=0.5,rho=0.8,eps=0.0001', 'constant', [2.5, 1.5], 40),
    (QUAD, 'adadelta:lr=2,weight_decay=0.2', 'constant', [2.5, 1.5], 40),
    (ROSEN, 'adamax', 'constant', [-1.5, 2.0], 60),
    (ROSEN, 'adamax:lr=0.05,beta1=0.8,beta2=0.99,eps=0.0001', 'constant', [-1.5, 2.0], 60),
    (QUAD, 'adamax:lr=0.1,weight_decay=0.3', 'constant', [2.5, 1.5], 40),
    (ROSEN, 'nadam', 'constant', [-1.5, 2.0], 60),
    (ROSEN, 'nadam:lr=0.05,beta1=0.8,beta2=0.99,eps=0.0001,momentum_decay=0.01', 'constant', [-1.5, 2.0], 60),
    (QUAD, 'nadam:lr=0.1,weight_decay=0.3', 'constant', [2.5, 1.5], 40),
    (ROSEN, 'radam', 'constant', [-1.5, 2.0], 60),
    (ROSEN, 'radam:lr=0.01,beta1=0.8,beta2=0.99,eps=0.0001', 'constant', [-1.5, 2.0], 60),
    (QUAD, 'radam:lr=0.1,weight_decay=0.3', 'constant', [2.5, 1.5], 40),
    (QUAD, 'radam:lr=0.1,beta2=0.9', 'constant', [2.5, 1.5], 40),
    (ROSEN, 'rprop', 'constant', [-1.5, 2.0], 60),
    (ROSEN, 'rprop:lr=0.05,etaminus=0.3,etaplus=1.5,step_size_min=0.001,step_size_max=0.2', 'constant', [-1.5, 2.0], 60),
    (QUAD, 'asgd', 'constant', [2.5, 1.5], 40),
    (QUAD, 'asgd:lr=0.03,lambd=0.01,alpha=0.5,t0=10', 'constant', [2.5, 1.5], 40),
    (QUAD, 'asgd:lr=0.03,weight_decay=0.2,t0=0', 'constant', [2.5, 1.5], 40),
    (QUAD, 'adam:lr=0.2', 'step:step_size=7,gamma=0.5', [2.5, 1.5], 40),
    # L-BFGS: each step is several iterations, and on Rosenbrock rounding differences grow about tenfold
    # a step (1e-16 to 1e-9 over 10 steps, the first steps bit for bit): its cases there stop at 4–5 steps
    (ROSEN, 'lbfgs:max_iter=5', 'constant', [-1.5, 2.0], 5),
    (ROSEN, 'lbfgs:lr=0.5,max_iter=4,max_eval=6,history_size=3,tolerance_grad=0.00001,tolerance_change=0.0000001',
     'constant', [-1.5, 2.0], 4),
    (ROSEN, 'lbfgs:max_iter=4,line_search_fn=strong_wolfe', 'constant', [-1.5, 2.0], 4),
    ('beale', 'lbfgs:lr=0.3,max_iter=3,history_size=2,line_search_fn=strong_wolfe', 'constant', [1.0, 1.5], 12),
    (QUAD, 'lbfgs:lr=0.2,max_iter=3', 'constant', [2.5, 1.5], 8),
    (QUAD, 'lbfgs:max_iter=2,history_size=1,line_search_fn=strong_wolfe', 'constant', [2.5, 1.5], 6),
    # schedules driving optimizers
    (QUAD, 'sgd:lr=0.035', 'step:step_size=7,gamma=0.5', [2.5, 1.5], 40),
    (QUAD, 'sgd:lr=0.035,momentum=0.7', 'exp:gamma=0.95', [2.5, 1.5], 40),
    (QUAD, 'adam:lr=0.2', 'cosine:T_max=40,eta_min=0.01', [2.5, 1.5], 40),
    (QUAD, 'adam:lr=0.2', 'cosine:T_max=40,eta_min=0.01,warmup=8', [2.5, 1.5], 40),
    (QUAD, 'rmsprop:lr=0.02', 'warmup:steps=10', [2.5, 1.5], 40),
]

# Schedules alone: the learning rate torch's schedulers give at each step index, base lr 0.1.
SCHEDULES = [
    ('step:step_size=3', 20), ('step:step_size=5,gamma=0.5', 20), ('exp:gamma=0.9', 20),
    ('cosine:T_max=25', 25), ('cosine:T_max=30,eta_min=0.002', 30),
    ('cosine:T_max=30,eta_min=0.002,warmup=6', 30), ('cosine:T_max=12,warmup=1', 12),
    ('cosine:T_max=50,eta_min=0.001', 160), ('cosine:T_max=20,eta_min=0.01,warmup=5', 70),
    ('warmup:steps=8', 20), ('warmup:steps=1', 5),
]


def hexs(values):
    return ', '.join(float(v).hex() for v in values)


def write(path, text):
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.replace(path + '.tmp', path)


# --- a small network: the same optimizers on a 2-4-3 tanh MLP's full-batch cross-entropy ---
NET_LAYERS = [('linear', 4), ('tanh', None), ('linear', 3)]
NET_EXAMPLES = 12
NET_BASES = ('adadelta', 'adamax', 'nadam', 'radam', 'rprop', 'asgd', 'lbfgs')
# SAM is no torch.optim class: its step is written out here from Foret et al.'s definition (and ASAM's)
NET_SAM = ['sam:base="sgd:lr=0.1,momentum=0.9",rho=0.05',
           'sam:base="adam:lr=0.05",rho=0.1,adaptive=true',
           'sam:base="lbfgs:max_iter=3",rho=0.02']


def net_specs():
    """Every case of the surfaces for the optimizers torch.optim added to the lecture's (every key), one
    case each of two of the lecture's, and SAM around three bases; L-BFGS with few steps (see CASES)."""
    specs = [opt for _, opt, sched, _, _ in CASES if sched == 'constant' and opt.partition(':')[0] in NET_BASES]
    return ['sgd:lr=0.1,momentum=0.9', 'adam:lr=0.05'] + specs + NET_SAM


def net_problem(gen):
    """The network's weights (torch's parameters() order, flattened), its inputs and labels, and its loss."""
    sizes, fan_in = [], 2
    for kind, out in NET_LAYERS:
        if kind == 'linear':
            sizes += [(out, fan_in), (out,)]
            fan_in = out
    w = torch.cat([0.8 * torch.randn(s, generator=gen).reshape(-1) for s in sizes])
    x = torch.randn(NET_EXAMPLES, 2, generator=gen)
    labels = torch.randint(0, 3, (NET_EXAMPLES,), generator=gen)

    def loss(v):
        h, at = x, 0
        for kind, out in NET_LAYERS:
            if kind == 'tanh':
                h = torch.tanh(h)
                continue
            k = out * h.shape[1]
            weight, bias = v[at:at + k].reshape(out, h.shape[1]), v[at + k:at + k + out]
            h = h @ weight.T + bias
            at += k + out
        return F.cross_entropy(h, labels)

    return w, x, labels, loss


def sam_parts(spec):
    """'sam:base="...",rho=...,adaptive=...' -> (base spec, rho, adaptive)"""
    base = spec.split('"')[1]
    rest = dict(item.split('=') for item in spec.split('"')[2].strip(',').split(',') if item)
    return base, float(rest['rho']), rest.get('adaptive') == 'true'


def net_trajectory(spec, w0, loss, steps):
    """Rows (loss, w) for steps 0..steps, and ASGD's averaged iterate after the last step (or None)."""
    sam = spec.startswith('sam:')
    base, rho, adaptive = sam_parts(spec) if sam else (spec, 0.0, False)
    w = w0.clone().requires_grad_(True)
    opt = optimizer(base, [w])
    rows = []

    def gradient():
        """The gradient SAM's base steps with: at w + e, e = rho*g/|g| (ASAM: rho*w^2*g/||w|*g|)."""
        g, = torch.autograd.grad(loss(w), w)
        if not sam:
            return g
        with torch.no_grad():
            s = w.abs() * g if adaptive else g
            e = (w * w if adaptive else 1.0) * g * (rho / (s.norm() + 1e-12))
            ascended = (w + e).requires_grad_(True)
        g_sam, = torch.autograd.grad(loss(ascended), ascended)
        return g_sam

    for t in range(steps + 1):
        with torch.no_grad():
            rows.append([float(loss(w))] + w.tolist())
        if t == steps:
            break

        def closure():
            opt.zero_grad()
            w.grad = gradient()
            with torch.no_grad():
                return loss(w)

        if isinstance(opt, torch.optim.LBFGS):
            opt.step(closure)
        else:
            closure()
            opt.step()
    average = opt.state[w]['ax'].tolist() if isinstance(opt, torch.optim.ASGD) else None
    return rows, average


def write_net(head):
    gen = torch.Generator().manual_seed(20261130)
    w0, x, labels, loss = net_problem(gen)
    descs = []
    for kind, out in NET_LAYERS:
        descs.append('{.kind = BASIN_LAYER_LINEAR, .out = %d}' % out if kind == 'linear'
                     else '{.kind = BASIN_LAYER_ACTIVATION, .act = BASIN_ACT_TANH}')
    out = [head, '/* A 2-4-3 tanh MLP, full-batch cross-entropy over %d examples */\n' % NET_EXAMPLES,
           'static const basin_layer_desc golden_net_layers[] = {%s};\n' % ', '.join(descs),
           'static const double golden_net_x[] = {%s};\n' % hexs(x.reshape(-1).tolist()),
           'static const int golden_net_labels[] = {%s};\n' % ', '.join(str(v) for v in labels.tolist()),
           '#define GOLDEN_NET_EXAMPLES %d\n#define GOLDEN_NET_PARAMS %d\n' % (NET_EXAMPLES, w0.numel())]
    table = []
    for i, spec in enumerate(net_specs()):
        steps = 3 if 'lbfgs' in spec else 12  # L-BFGS: many iterations a step (see CASES)
        rows, average = net_trajectory(spec, w0, loss, steps)
        out.append('static const double golden_net_rows_%d[] = { /* loss, w for steps 0..%d */\n' % (i, steps))
        out.extend('    %s,\n' % hexs(r) for r in rows)
        out.append('};\n')
        name = 'NULL'
        if average:
            out.append('static const double golden_net_average_%d[] = {%s};\n' % (i, hexs(average)))
            name = 'golden_net_average_%d' % i
        table.append('    {"%s", %d, golden_net_rows_%d, %s},\n' % (spec.replace('"', '\\"'), steps, i, name))
    out.append('static const golden_net_trajectory golden_net_trajectories[] = {\n')
    out.extend(table)
    out.append('};\n')
    write(os.path.join(HERE, 'golden_optim_net.inc'), ''.join(out))
    return len(table)


def main():
    head = '/* Generated by tests/reference/make_golden.py with torch %s (float64). Do not edit. */\n' % torch.__version__
    out = [head]
    table = []
    for i, (surf, opt, sched, start, steps) in enumerate(CASES):
        rows, _, averages = trajectory(surf, opt, sched, start, steps)
        out.append('static const double golden_rows_%d[] = { /* loss, x0, x1 for steps 0..%d */\n' % (i, steps))
        out.extend('    %s,\n' % hexs(r) for r in rows)
        out.append('};\n')
        average = 'NULL'
        if averages:
            out.append('static const double golden_average_%d[] = { /* ASGD\'s ax after steps 1..%d */\n' % (i, steps))
            out.extend('    %s,\n' % hexs(a) for a in averages)
            out.append('};\n')
            average = 'golden_average_%d' % i
        table.append('    {"%s", "%s", "%s", %d, golden_rows_%d, %s},\n' % (surf, opt, sched, steps, i, average))
    out.append('static const golden_trajectory golden_trajectories[] = {\n')
    out.extend(table)
    out.append('};\n')
    write(os.path.join(HERE, 'golden_optim.inc'), ''.join(out))
    n_net = write_net(head)

    out = [head]
    table = []
    for i, (spec, steps) in enumerate(SCHEDULES):
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        sched = scheduler(spec, opt)
        lrs = []
        for t in range(steps):
            lrs.append(opt.param_groups[0]['lr'])
            assert abs(lrs[-1] - 0.1 * closed_form(spec, t, 0.1)) <= 1e-14, (spec, t)
            opt.step()
            sched.step()
        out.append('static const double golden_lr_%d[] = {%s};\n' % (i, hexs(lrs)))
        table.append('    {"%s", 0.1, %d, golden_lr_%d},\n' % (spec, steps, i))
    out.append('static const golden_schedule golden_schedules[] = {\n')
    out.extend(table)
    out.append('};\n')
    write(os.path.join(HERE, 'golden_schedule.inc'), ''.join(out))
    print('wrote %d trajectories, %d on a network, and %d schedules' % (len(CASES), n_net, len(SCHEDULES)),
          file=sys.stderr)


if __name__ == '__main__':
    main()
