"""Benchmark resample_lib.conv2d against torch.nn.functional.conv2d on one CPU thread.

Runs ours and torch's alternately (so a busy machine slows both alike) and
reports the median of several repeats and the ratio ours/torch.

    OMP_NUM_THREADS=1 python benchmarks/bench_convolution.py
"""
from __future__ import annotations

import statistics
import time

import torch
import torch.nn.functional as F

from resample_lib.functional.convolution import conv2d

REPEATS = 15
WARMUP = 2


def bench_pair(ours, theirs, repeats: int = REPEATS) -> tuple[float, float]:
    """Median seconds of ``ours()`` and ``theirs()``, timed alternately."""
    for _ in range(WARMUP):
        ours(), theirs()
    t_ours, t_theirs = [], []
    for _ in range(repeats):
        for fn, acc in ((ours, t_ours), (theirs, t_theirs)):
            start = time.perf_counter()
            fn()
            acc.append(time.perf_counter() - start)
    return statistics.median(t_ours), statistics.median(t_theirs)


def main() -> None:
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(8, 64, 64, 64, generator=g)
    w = torch.randn(64, 64, 3, 3, generator=g)
    b = torch.randn(64, generator=g)
    print(f"torch {torch.__version__}, threads={torch.get_num_threads()}, {REPEATS} repeats, median")
    print(f"{'case':<44}{'ours ms':>10}{'torch ms':>10}{'ratio':>8}")
    with torch.inference_mode():
        for stride in (1, 2):
            ref = F.conv2d(x, w, b, stride=stride, padding=1)
            torch.testing.assert_close(conv2d(x, w, b, stride=stride, padding=1), ref, atol=2e-4, rtol=2e-4)
            ours, theirs = bench_pair(lambda: conv2d(x, w, b, stride=stride, padding=1),
                                      lambda: F.conv2d(x, w, b, stride=stride, padding=1))
            name = f"conv2d (8,64,64,64) 3x3 64->64 s={stride} p=1"
            print(f"{name:<44}{ours * 1e3:>10.1f}{theirs * 1e3:>10.1f}{ours / theirs:>8.2f}")


if __name__ == "__main__":
    main()
