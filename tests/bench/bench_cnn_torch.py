#!/usr/bin/python3
"""PyTorch's side of tests/bench/bench_cnn.c: the same CNN on the same digits (the CSV file `basin data`
wrote, given) in float64 on one thread, at each batch size: a training step's gradient (forward,
cross-entropy, backward) and an evaluation (forward and loss under no_grad), each one round of about
WORK examples (the second argument; bench_cnn.c calls the script once a round and keeps the best). Prints one line per case:
    torch step|eval BATCH SECONDS_PER_CALL
"""
import math
import os
import sys
import time

# One OpenBLAS thread, as Basin's side (torch.set_num_threads does not bound Debian's OpenBLAS).
os.environ['OPENBLAS_NUM_THREADS'] = '1'
import torch  # noqa: E402 (after the variable: OpenBLAS reads it when torch loads it)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
torch.manual_seed(0)
BATCHES = [1, 8, 32, 128, 512, 1797]


def load(path):
    rows = [line.split(',') for line in open(path).read().split('\n')[1:] if line]
    x = torch.tensor([[float(v) for v in r[:-1]] for r in rows]).reshape(-1, 1, 8, 8)
    return x, torch.tensor([int(r[-1]) for r in rows])


def main():
    x, y = load(sys.argv[1])
    work = float(sys.argv[2])
    model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    order = torch.randperm(len(x))
    for batch in BATCHES:
        idx = order[:batch]
        reps = math.ceil(work / batch / (4 if batch == 1 else 1))

        def step():
            model.zero_grad(set_to_none=True)
            F.cross_entropy(model(x[idx]), y[idx]).backward()

        def evaluate():
            with torch.no_grad():
                F.cross_entropy(model(x[idx]), y[idx])

        for name, f in (('step', step), ('eval', evaluate)):
            f()
            start = time.perf_counter()
            for _ in range(reps):
                f()
            print('torch %s %d %.9f' % (name, batch, (time.perf_counter() - start) / reps), flush=True)


if __name__ == '__main__':
    main()
