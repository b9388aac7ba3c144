#!/usr/bin/python3
"""PyTorch's side of tests/bench/bench_train.c: the same two training loops in float64 on one thread
(PyTorch's fastest setting on these 2-core machines; multi-tensor optimizer updates), timed the same
way: the best of ROUNDS rounds (the optional fourth argument; bench_train.c asks for one a call and
alternates the calls with its own rounds). Reads the exact examples
Basin trains on from the CSV files given (written by `basin data`) and prints one line per case:
    torch CASE steps_per_second
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
ROUNDS = int(sys.argv[4]) if len(sys.argv) > 4 else 3


def load(path):
    rows = [line.split(',') for line in open(path).read().split('\n')[1:] if line]
    x = torch.tensor([[float(v) for v in r[:-1]] for r in rows])
    y = torch.tensor([int(r[-1]) for r in rows])
    return x, y


def run(name, model, opt, loss_fn, x, y, batch, steps):
    gen = torch.Generator().manual_seed(0)
    order = torch.randperm(len(x), generator=gen)
    per_epoch = (len(x) + batch - 1) // batch

    def step(k):
        i = k % per_epoch
        idx = order[i * batch:(i + 1) * batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()

    for k in range(50):  # warm up
        step(k)
    best = 0
    for _ in range(ROUNDS):  # the best of a few rounds, as the C side does: this machine is shared
        start = time.perf_counter()
        for k in range(steps):
            step(k)
        best = max(best, steps / (time.perf_counter() - start))
    print('torch %s %.1f' % (name, best), flush=True)


def main():
    spirals, digits, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    x, y = load(spirals)
    mlp = nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))
    run('spirals', mlp, torch.optim.SGD(mlp.parameters(), lr=0.1, momentum=0.9, foreach=True),
        lambda out, t: F.binary_cross_entropy_with_logits(out.reshape(-1), t.to(torch.float64)), x, y, 128, steps)
    x, y = load(digits)
    mlp = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    run('digits', mlp, torch.optim.Adam(mlp.parameters(), lr=1e-3, foreach=True), F.cross_entropy, x, y, 64, steps)


if __name__ == '__main__':
    main()
