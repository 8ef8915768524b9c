"""Benchmark resample_lib.conv_transpose2d against torch's on one CPU thread.

Runs ours and torch's alternately and reports the median of several repeats
and the ratio ours/torch. The slower views (zero insertion, matrix) are not
timed here: zero insertion multiplies s^2 times more, mostly by zeros.

    OMP_NUM_THREADS=1 python benchmarks/bench_transposed.py
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from bench_convolution import REPEATS, bench_pair
from resample_lib.functional.conv_transpose import conv_transpose2d

CASES = [  # (kernel, stride, padding, output_padding)
    (4, 2, 1, 0),
    (3, 2, 1, 1),
]


def main() -> None:
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(8, 64, 32, 32, generator=g)
    print(f"torch {torch.__version__}, threads={torch.get_num_threads()}, {REPEATS} repeats, median")
    print(f"{'case':<52}{'ours ms':>10}{'torch ms':>10}{'ratio':>8}")
    with torch.inference_mode():
        for k, s, p, op in CASES:
            w = torch.randn(64, 64, k, k, generator=g)
            b = torch.randn(64, generator=g)
            args = (b, s, p, op)
            torch.testing.assert_close(conv_transpose2d(x, w, *args), F.conv_transpose2d(x, w, *args),
                                       atol=2e-4, rtol=2e-4)
            ours, theirs = bench_pair(lambda: conv_transpose2d(x, w, *args), lambda: F.conv_transpose2d(x, w, *args))
            name = f"conv_transpose2d (8,64,32,32) k={k} s={s} p={p} op={op}"
            print(f"{name:<52}{ours * 1e3:>10.1f}{theirs * 1e3:>10.1f}{ours / theirs:>8.2f}")


if __name__ == "__main__":
    main()
