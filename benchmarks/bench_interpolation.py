"""Speed of ``resample_lib.interpolate`` against ``torch.nn.functional.interpolate`` on CPU.

One thread, float32. For every mode: a (1, 3, 512, 512) image upsampled x2 and
downsampled /4, and a (8, 64, 64, 64) feature map upsampled x2. ``linear`` and
``trilinear`` get tensors with the same number of elements in their own rank
(3-D: (N, C*H, W); 5-D: a cube). Ours and torch's runs are interleaved and each
time is the median of several repeats. Prints a table, the geometric mean of
the ratios ours / torch, and whether the target (geomean <= 2, no case above 4) is met.
The last column times ``interpolate_reference`` (one dense matrix product per
axis, the version the book shows), as a ratio to torch too: what the fast paths buy.

Run: ``OMP_NUM_THREADS=1 python benchmarks/bench_interpolation.py [--repeats 7]``
"""
from __future__ import annotations

import argparse
import math
import statistics
import time

import torch
import torch.nn.functional as F

from resample_lib.functional.interpolation import interpolate, interpolate_reference

# The target: geometric mean of ours / torch at most MAX_GEOMEAN, and no case above MAX_RATIO.
MAX_GEOMEAN, MAX_RATIO = 2.0, 4.0

# (label, mode, antialias)
MODES = [
    ("nearest", "nearest", False),
    ("nearest-exact", "nearest-exact", False),
    ("area", "area", False),
    ("linear", "linear", False),
    ("bilinear", "bilinear", False),
    ("bilinear-aa", "bilinear", True),
    ("bicubic", "bicubic", False),
    ("bicubic-aa", "bicubic", True),
    ("trilinear", "trilinear", False),
    ("lanczos", "lanczos", True),
]


def shaped(shape4: tuple[int, int, int, int], mode: str) -> tuple[int, ...]:
    """The 4-D benchmark shape, or one with as many elements in the rank ``mode`` needs."""
    n, c, h, w = shape4
    if mode == "linear":
        return (n, c * h, w)
    if mode == "trilinear":
        side = round((h * w) ** (1 / 3))
        if side ** 3 == h * w:
            return (n, c, side, side, side)
        return (n, c, 16, 16, h * w // 256)
    return shape4


def cases() -> list[tuple[str, tuple[int, ...], float, str, bool]]:
    out = []
    for label, mode, aa in MODES:
        for shape4, factor in (((1, 3, 512, 512), 2.0), ((1, 3, 512, 512), 0.25), ((8, 64, 64, 64), 2.0)):
            out.append((label, shaped(shape4, mode), factor, mode, aa))
    return out


def time_once(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(0)
    rows = []
    for label, shape, factor, mode, aa in cases():
        x = torch.randn(shape, generator=gen)
        kw = dict(scale_factor=factor, mode=mode, antialias=aa)
        ours = lambda: interpolate(x, **kw)  # noqa: E731
        ref = lambda: F.interpolate(x, **kw)  # noqa: E731
        reference = lambda: interpolate_reference(x, **kw)  # noqa: E731
        ours(), ref(), reference()  # warm up
        t_ours, t_ref = [], []
        for _ in range(args.repeats):  # ours and torch's interleaved, so load slows both alike
            t_ours.append(time_once(ours))
            t_ref.append(time_once(ref))
        # The reference apart: its large temporaries would otherwise change which of the two others gets
        # freshly mapped (page-faulting) memory for its output.
        t_reference = [time_once(reference) for _ in range(args.repeats)]
        m_ours, m_ref, m_reference = map(statistics.median, (t_ours, t_ref, t_reference))
        rows.append((label, shape, factor, m_ours, m_ref, m_reference / m_ref, m_ours / m_ref))

    print(f"{'mode':<14} {'shape':<22} {'factor':>6} {'ours ms':>9} {'torch ms':>9} {'ratio':>6}"
          f" {'reference ratio':>16}")
    for label, shape, factor, m_ours, m_ref, reference_ratio, ratio in rows:
        print(f"{label:<14} {str(shape):<22} {factor:>6g} {1e3 * m_ours:>9.2f} {1e3 * m_ref:>9.2f} {ratio:>6.2f}"
              f" {reference_ratio:>16.2f}")
    ratios = [r[-1] for r in rows]
    geomean = math.exp(sum(map(math.log, ratios)) / len(ratios))
    worst = rows[ratios.index(max(ratios))]
    print(f"geometric mean ratio ours/torch: {geomean:.2f}; max: {max(ratios):.2f} ({worst[0]} {worst[1]} x{worst[2]:g})")
    over = sum(r > MAX_RATIO for r in ratios)
    ok = geomean <= MAX_GEOMEAN and over == 0
    print(f"target (geomean <= {MAX_GEOMEAN:g}, no case above {MAX_RATIO:g}): {'met' if ok else 'NOT met'}"
          f" ({over} of {len(ratios)} cases above {MAX_RATIO:g})")


if __name__ == "__main__":
    main()
