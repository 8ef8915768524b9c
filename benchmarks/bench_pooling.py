"""Benchmark resample_lib.functional.pooling against torch's own kernels (CPU, one thread).

Run:  OMP_NUM_THREADS=1 python benchmarks/bench_pooling.py

Ours and torch's runs are interleaved (so a busy neighbour slows both alike)
and the median of several repeats is reported, with ours / torch as a ratio.
The last column times the short reference version (pad, ``unfold``, reduce)
that the fast paths replace, as a ratio to torch too.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F

from resample_lib.functional import pooling

SHAPE = (8, 64, 64, 64)
REPEATS = 15
INNER = 5  # calls per timed sample


def _sample(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(INNER):
        fn()
    return (time.perf_counter() - start) / INNER


def compare(ours: Callable[[], object], theirs: Callable[[], object]) -> tuple[float, float]:
    """Median seconds per call of ``ours`` and ``theirs``, timed alternately."""
    ours(), theirs()  # warm up
    t_ours, t_theirs = [], []
    for _ in range(REPEATS):
        t_ours.append(_sample(ours))
        t_theirs.append(_sample(theirs))
    return statistics.median(t_ours), statistics.median(t_theirs)


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    x = torch.randn(*SHAPE)
    ours_fns = pooling.max_pool2d, pooling.avg_pool2d
    reference_fns = pooling.max_pool2d_reference, pooling.avg_pool2d_reference
    torch_fns = F.max_pool2d, F.avg_pool2d
    cases = [
        ("max_pool2d 2x2/2", lambda max_pool, avg_pool: max_pool(x, 2, 2)),
        ("max_pool2d 3x3/2 p1", lambda max_pool, avg_pool: max_pool(x, 3, 2, 1)),
        ("max_pool2d 2x2/2 +indices", lambda max_pool, avg_pool: max_pool(x, 2, 2, return_indices=True)),
        ("max_pool2d 3x3/2 p1 +indices", lambda max_pool, avg_pool: max_pool(x, 3, 2, 1, return_indices=True)),
        ("avg_pool2d 2x2/2", lambda max_pool, avg_pool: avg_pool(x, 2, 2)),
        ("avg_pool2d 3x3/2 p1", lambda max_pool, avg_pool: avg_pool(x, 3, 2, 1)),
    ]
    print(f"input {SHAPE} float32, 1 thread, median of {REPEATS} x {INNER} calls")
    print(f"{'case':<30} {'ours ms':>9} {'torch ms':>9} {'ratio':>6} {'reference ratio':>16}")
    for name, call in cases:
        ours, theirs = compare(lambda: call(*ours_fns), lambda: call(*torch_fns))
        reference, theirs_again = compare(lambda: call(*reference_fns), lambda: call(*torch_fns))
        print(f"{name:<30} {ours * 1e3:9.2f} {theirs * 1e3:9.2f} {ours / theirs:6.2f} {reference / theirs_again:16.2f}")


if __name__ == "__main__":
    main()
