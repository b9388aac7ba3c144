#!/usr/bin/python3
"""PyTorch's side of tests/bench/bench_curvature.c, done as the reference tools do it, in float64 on one
thread, on the examples `basin data` wrote (paths given):
  (a) landscape: Li et al.'s loop: for each of 51x51 grid points, set the weights to w + a*d1 + b*d2
      (filter-normalized random directions, biases zeroed) and evaluate the loss over all digits;
  (b) top_eigenvalue: PyHessian's power iteration (Hessian-vector products by double backward) until the
      eigenvalue moves by less than 1e-7 relative (so it is right to about 1e-6);
  (c) dense: torch.autograd.functional.hessian of the loss in the flat parameters, then eigvalsh;
  (d) hvp: one Hessian-vector product of (b)'s model with a retained graph, averaged over 50.
Prints one line per case: torch CASE SECONDS
"""
import os
import sys
import time

# One OpenBLAS thread, as Basin's side: Debian's torch (BLAS_INFO=generic) hands float64 products to
# OpenBLAS, which torch.set_num_threads does not bound; unset, its products ran on both cores (a
# Hessian-vector product in 6.3 ms instead of 9.1).
os.environ['OPENBLAS_NUM_THREADS'] = '1'
import torch  # noqa: E402 (after the variable: OpenBLAS reads it when torch loads it)
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
torch.manual_seed(0)


def load(path):
    rows = [line.split(',') for line in open(path).read().split('\n')[1:] if line]
    return (torch.tensor([[float(v) for v in r[:-1]] for r in rows]), torch.tensor([int(r[-1]) for r in rows]))


def digits_mlp():
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


@torch.no_grad()
def filter_normalized(model):
    d = []
    for p in model.parameters():
        r = torch.randn_like(p)
        if p.dim() <= 1:
            r.zero_()  # biases zeroed, as Li et al.'s ignore='biasbn'
        else:
            for rr, pp in zip(r, p):
                rr.mul_(pp.norm() / (rr.norm() + 1e-10))
        d.append(r)
    return d


def landscape(x, y, grid=51):
    model = digits_mlp().eval()
    w = [p.detach().clone() for p in model.parameters()]
    d1, d2 = filter_normalized(model), filter_normalized(model)
    coords = torch.linspace(-1, 1, grid)
    start = time.perf_counter()
    with torch.no_grad():
        for a in coords:
            for b in coords:
                for p, w0, u, v in zip(model.parameters(), w, d1, d2):
                    p.copy_(w0 + a * u + b * v)
                out = model(x)
                F.cross_entropy(out, y).item()
                (out.argmax(1) == y).double().mean().item()
    return time.perf_counter() - start


def top_eigenvalue(x, y):
    model = digits_mlp().eval()
    params = list(model.parameters())
    start = time.perf_counter()
    loss = F.cross_entropy(model(x), y)
    grads = torch.autograd.grad(loss, params, create_graph=True)
    v = [torch.randn_like(p) for p in params]
    eig = None
    for _ in range(1000):
        norm = torch.sqrt(sum((u * u).sum() for u in v))
        v = [u / norm for u in v]
        hv = torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=True)
        new = sum((a * b).sum() for a, b in zip(hv, v)).item()
        v = [h.detach() for h in hv]
        if eig is not None and abs(new - eig) / (abs(eig) + 1e-6) < 1e-7:
            eig = new
            break
        eig = new
    return time.perf_counter() - start


PRODUCTS = 50


def hvp(x, y):
    """Seconds per Hessian-vector product at fixed weights with a retained graph (double backward), the
    graph built before the clock starts: the cheapest product autograd offers."""
    model = digits_mlp().eval()
    params = list(model.parameters())
    grads = torch.autograd.grad(F.cross_entropy(model(x), y), params, create_graph=True)
    v = [torch.randn_like(p) for p in params]
    start = time.perf_counter()
    for _ in range(PRODUCTS):
        v = [h.detach() for h in torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=True)]
    return (time.perf_counter() - start) / PRODUCTS


def dense(x, y):
    model = nn.Sequential(nn.Linear(2, 42), nn.Tanh(), nn.Linear(42, 42), nn.Tanh(), nn.Linear(42, 1))
    names = [n for n, _ in model.named_parameters()]
    shapes = [p.shape for p in model.parameters()]
    w0 = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    call = torch.func.functional_call if hasattr(torch, 'func') else torch.nn.utils.stateless.functional_call

    def loss_at(w):
        params, at = {}, 0
        for n, s in zip(names, shapes):
            k = s.numel()
            params[n] = w[at:at + k].reshape(s)
            at += k
        return F.binary_cross_entropy_with_logits(call(model, params, (x,)).reshape(-1), y.double())

    start = time.perf_counter()
    h = torch.autograd.functional.hessian(loss_at, w0)
    torch.linalg.eigvalsh(h)
    return time.perf_counter() - start


def main():
    digits, spirals = load(sys.argv[1]), load(sys.argv[2])
    print('torch landscape %.3f' % landscape(*digits), flush=True)
    print('torch top_eigenvalue %.3f' % top_eigenvalue(*digits), flush=True)
    print('torch dense %.3f' % dense(*spirals), flush=True)
    print('torch hvp %.6f' % hvp(*digits), flush=True)


if __name__ == '__main__':
    main()
