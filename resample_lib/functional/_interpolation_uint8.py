r"""torch's ``uint8`` path of ``bilinear`` and ``bicubic``: separable passes in fixed point.

torch resizes ``uint8`` images with integer arithmetic, so rounding happens
after every pass and the result can differ by 1 from a float computation
(:func:`~resample_lib.functional.interpolation.interpolate_reference`, which
rounds after each axis in float32). This module reproduces it bit for bit: the
weights are those of :func:`~resample_lib.functional.interpolation.resample_matrix`
(in float64), scaled by :math:`2^p` and rounded to integers, with the largest
precision :math:`p < 22` that keeps them below :math:`2^{15}`; each pass, width
first, then height, computes :math:`\lfloor (\sum_k w_k x_k + 2^{p-1}) / 2^p \rfloor`,
clamped to [0, 255] and stored as ``uint8`` before the next pass. Axes whose
size does not change are skipped.

Tested by ``tests/test_interpolation.py``: exact equality with torch for both
modes, with and without ``antialias`` and ``align_corners``, up and down, and
within 1 of the reference.
"""
from __future__ import annotations

from typing import Optional

import torch
from torch import Tensor

from resample_lib.functional._interpolation_lattice import apply_taps, prepare_taps


def resize_uint8(x: Tensor, sizes: list[int], kind: str, align_corners: bool,
                 scales: Optional[list[float]], antialias: bool) -> Tensor:
    """``bilinear`` (``kind='linear'``) or ``bicubic`` (``'cubic'``) of a ``uint8`` tensor, as torch computes it."""
    from resample_lib.functional.interpolation import resample_matrix  # (it imports this module)

    for a in reversed(range(len(sizes))):
        n = x.shape[a + 2]
        if n == sizes[a]:
            continue
        # taps that clamp to the same edge sample are merged first, as torch does: read them off the matrix
        m = resample_matrix(n, sizes[a], kind, align_corners, None if scales is None else scales[a],
                            antialias, dtype=torch.float64, device=x.device)
        cols = torch.arange(n, device=x.device)
        nonzero = m != 0
        first = torch.where(nonzero, cols, n).amin(1).clamp_max(n - 1)
        last = torch.where(nonzero, cols, -1).amax(1)
        k = torch.arange(max(int((last - first).max()) + 1, 1), device=x.device)
        index = first[:, None] + k
        weight = torch.where(index < n, m.gather(1, index.clamp_max(n - 1)), 0.0)
        index = index.clamp_max(n - 1)
        wt_max = float(weight.max())
        p = 0
        while p < 22 and int(0.5 + wt_max * (1 << (p + 1))) < (1 << 15):
            p += 1
        v = weight * (1 << p)
        w_int = torch.where(v < 0, v - 0.5, v + 0.5).trunc().to(torch.int64)
        acc = apply_taps(x.to(torch.int64), a + 2, prepare_taps(index, w_int))
        x = ((acc + (1 << (p - 1))) >> p).clamp(0, 255).to(torch.uint8)
    return x
