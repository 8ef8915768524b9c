r"""Fast paths of adaptive pooling (private; the readable versions are in :mod:`.pooling`).

Output :math:`i` of :math:`o` over an input of length :math:`n` pools the bin

.. math::
    \Big[\big\lfloor \tfrac{i\,n}{o} \big\rfloor,\; \big\lceil \tfrac{(i+1)\,n}{o} \big\rceil\Big),

so neighbouring bins overlap when :math:`o` does not divide :math:`n`, and repeat input rows when :math:`o > n`.
Both functions work separably, one axis after the other, with one gathered slice per tap of the longest bin.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Optional, Union

import torch
from torch import Tensor

from resample_lib.functional._pool_windows import LAYOUT, accumulate_dtype, lowest
from resample_lib.functional._validate import (
    check_floating,
    check_non_empty,
    check_non_empty_spatial,
    check_rank,
    check_tensor,
    is_int,
)


def adaptive_output_size(
    op: str, input: Tensor, output_size: Union[int, None, Sequence[Optional[int]]]
) -> tuple[int, int]:
    """An int, or a pair whose ``None`` entries keep the input's size, checked as torch does."""
    if is_int(output_size):
        sizes: tuple = (output_size, output_size)
    elif isinstance(output_size, Sequence) and not isinstance(output_size, str):
        sizes = tuple(output_size)
    else:
        raise TypeError(f"{op}: output_size must be an int or a pair of ints/None, got {output_size!r}")
    if len(sizes) != 2:
        raise ValueError(f"{op}: output_size must have 2 entries, got {output_size!r}")
    result = [n if size is None else size for size, n in zip(sizes, input.shape[-2:])]
    if not all(is_int(size) for size in result):
        raise TypeError(f"{op}: output_size entries must be ints or None, got {output_size!r}")
    if min(result) < 0:
        raise ValueError(f"{op}: output_size must be non-negative, got {output_size!r}")
    return result[0], result[1]


def adaptive_args(op: str, input: Tensor, output_size, channels_may_be_empty: bool) -> tuple[int, int]:
    """torch's checks: a floating 3-D or 4-D input; H and W non-empty, and the channels of a 4-D one unless allowed."""
    check_tensor(input, "input", op)
    check_rank(input, (3, 4), op, LAYOUT)
    if channels_may_be_empty:
        check_non_empty_spatial(input, op)
    else:
        check_non_empty(input, op, input.dim() - 1)  # torch treats a 3-D input's first dim as the batch
    check_floating(input, op)
    return adaptive_output_size(op, input, output_size)


def bin_edges(n: int, out: int) -> list[tuple[int, int]]:
    r"""The ``out`` bins ``[floor(i n / out), ceil((i + 1) n / out))`` of an axis of length ``n``."""
    return [(i * n // out, -(-(i + 1) * n // out)) for i in range(out)]


def _bins(n: int, out: int, device) -> tuple[Tensor, Tensor, Tensor]:
    """Bins as tensors: ``(start, taps, valid)``.

    ``taps[i, j]`` is bin ``i``'s ``j``-th input index (clamped to its last one past its end) and ``valid[i, j]``
    says whether ``j`` is inside the bin; both have as many columns as the longest bin.
    """
    start, end = torch.tensor(bin_edges(n, out), dtype=torch.int64, device=device).reshape(out, 2).unbind(1)
    longest = int((end - start).max()) if out > 0 else 0
    taps = start[:, None] + torch.arange(longest, device=device)[None, :]
    valid = taps < end[:, None]
    return start, torch.minimum(taps, end[:, None] - 1), valid


def adaptive_avg(input: Tensor, oh: int, ow: int) -> Tensor:
    """Sums of rows over each row bin, then of columns over each column bin, divided by the bin areas."""
    x = input.to(accumulate_dtype(input.dtype))
    _, taps_h, valid_h = _bins(input.shape[-2], oh, input.device)
    _, taps_w, valid_w = _bins(input.shape[-1], ow, input.device)
    # rows: (..., oh, Kh, W) -> (..., oh, W)
    rows = x.index_select(-2, taps_h.flatten()).unflatten(-2, taps_h.shape)
    rows = torch.where(valid_h[:, :, None], rows, 0).sum(-2)
    # columns: (..., oh, ow, Kw) -> (..., oh, ow)
    cols = rows.index_select(-1, taps_w.flatten()).unflatten(-1, taps_w.shape)
    total = torch.where(valid_w, cols, 0).sum(-1)
    count = valid_h.sum(1)[:, None] * valid_w.sum(1)[None, :]
    return (total / count.to(x.dtype)).to(input.dtype)


def adaptive_max(input: Tensor, oh: int, ow: int) -> tuple[Tensor, Tensor]:
    """The maximum of each bin row, then the maximum of those, with their flat indices ``h * W + w``.

    This keeps torch's rules: the first row holding the overall maximum, and in it the first column, is the first
    maximum in row-major order; the last row holding a NaN, and in it the last NaN, is the last NaN.
    """
    H, W = input.shape[-2:]
    lead = input.shape[:-2]
    start_h, taps_h, valid_h = _bins(H, oh, input.device)
    start_w, taps_w, valid_w = _bins(W, ow, input.device)
    low = lowest(input.dtype)

    # Stage 1: the maximum of every input row over each column bin, (..., H, ow).
    row_best = input.new_full((*lead, H, ow), low)
    row_arg = start_w.expand(*lead, H, ow).clone()
    for j in range(taps_w.shape[1]):
        tap = torch.where(valid_w[:, j], input[..., taps_w[:, j]], low)
        wins = (tap > row_best) | tap.isnan()
        row_best = torch.where(wins, tap, row_best)
        row_arg = torch.where(wins, taps_w[:, j], row_arg)

    # Stage 2: the maximum of those over each row bin, (..., oh, ow).
    best = input.new_full((*lead, oh, ow), low)
    index = (start_h[:, None] * W + start_w[None, :]).expand(*lead, oh, ow).clone()
    for i in range(taps_h.shape[1]):
        rows = taps_h[:, i]
        tap = torch.where(valid_h[:, i, None], row_best[..., rows, :], low)
        wins = (tap > best) | tap.isnan()
        best = torch.where(wins, tap, best)
        index = torch.where(wins, rows[:, None] * W + row_arg[..., rows, :], index)
    return best, index
