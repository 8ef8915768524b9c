r"""Fast paths of max and average pooling (private; the readable versions are in :mod:`.pooling`).

The input is padded once and, for each of the :math:`k_h k_w` taps, one strided slice of it holds that tap for
*all* windows (:func:`~._pool_windows.taps`). Pooling is then a running reduction over :math:`k_h k_w` tensors of
the output's shape, in the same row-major tap order as torch's kernel, which is what makes ties, NaNs and rounding
come out the same. No window tensor of :math:`k_h k_w` times the output is ever built, which is why these beat the
``unfold`` versions of :mod:`.pooling` (and often torch's own CPU kernels).
"""
from __future__ import annotations

from typing import Optional, Union

import torch
from torch import Tensor

from resample_lib.functional._pool_windows import Windows, accumulate_dtype, lowest, pad_for_windows, taps


def max_values(input: Tensor, w: Windows) -> Tensor:
    """The maxima alone: ``torch.maximum`` over the taps (it propagates NaN, so no index bookkeeping is needed)."""
    slices = taps(pad_for_windows(input, w, lowest(input.dtype)), w)
    _, first = next(slices)
    out = first.clone(memory_format=torch.contiguous_format)
    for _, tap in slices:
        torch.maximum(out, tap, out=out)
    return out


def max_with_indices(input: Tensor, w: Windows) -> tuple[Tensor, Tensor]:
    """The maxima and their flat indices ``h * W + w``, with torch's rules for ties, NaN and -inf.

    For each window, the scan keeps the number ``t = i * kW + j`` of the tap holding its maximum so far. A tap that
    wins lies inside the input, so its number is at least the window's first valid one and larger than any earlier
    winner's: "``t = k`` where the tap wins" is the cheap "``t = max(t, wins * k)``". torch's rule for NaN
    ("``val > max or isnan(val)``": the last NaN wins) costs a second scan, run only when a NaN came out.
    """
    padded = pad_for_windows(input, w, lowest(input.dtype))
    (kh, kw), (sh, sw), (ph, pw), (dh, dw), (oh, ow) = w
    row0 = torch.arange(oh, device=input.device) * sh - ph
    col0 = torch.arange(ow, device=input.device) * sw - pw
    # torch starts each window's index at its first tap inside the input.
    first_i = torch.where(row0 < 0, (-row0 + dh - 1) // dh, 0)
    first_j = torch.where(col0 < 0, (-col0 + dw - 1) // dw, 0)
    tap_dtype = torch.int16 if kh * kw <= 2**15 - 1 else torch.int64
    first_tap = (first_i[:, None] * kw + first_j[None, :]).to(tap_dtype)

    def scan(nan_wins: bool) -> tuple[Tensor, Tensor]:
        shape = (*input.shape[:-2], oh, ow)
        best_tap = first_tap.expand(shape).clone()
        best = torch.full(shape, lowest(input.dtype), dtype=input.dtype, device=input.device)
        wins = torch.empty(shape, dtype=torch.bool, device=input.device)
        for t, tap in taps(padded, w):
            torch.gt(tap, best, out=wins)
            if nan_wins:
                wins |= tap.isnan()
                best = torch.where(wins, tap, best)
            else:
                torch.maximum(best, tap, out=best)
            torch.maximum(best_tap, wins.to(tap_dtype).mul_(t), out=best_tap)
        return best, best_tap

    best, best_tap = scan(nan_wins=False)
    if input.dtype.is_floating_point and bool(best.isnan().any()):
        best, best_tap = scan(nan_wins=True)

    # Tap number -> flat input index h * W + w.
    W = input.shape[-1]
    ii = torch.arange(kh, device=input.device)[:, None]
    jj = torch.arange(kw, device=input.device)[None, :]
    tap_offset = (ii * dh * W + jj * dw).flatten()
    window_origin = row0[:, None] * W + col0[None, :]
    return best, window_origin + tap_offset.index_select(0, best_tap.flatten().long()).view(best_tap.shape)


def _divisor_1d(n: int, out: int, kernel: int, stride: int, pad: int, include_pad: bool) -> Tensor:
    """Per-output window length along one axis, as torch's avg-pool kernel counts it.

    With padding counted, a window is cut at the end of the right padding (``min(start + k, n + p)``), not at the
    end of the input; without it, the window is clipped to the input.
    """
    start = torch.arange(out) * stride - pad
    end = torch.clamp(start + kernel, max=n + pad)
    if include_pad:
        return end - start
    return torch.clamp(end, max=n) - torch.clamp(start, min=0)


def avg_pool(input: Tensor, w: Windows, count_include_pad: bool, divisor_override: Optional[int]) -> Tensor:
    """The window sums, a running sum over the taps in torch's row-major order (so they round alike), divided."""
    acc_dtype = accumulate_dtype(input.dtype)
    slices = taps(pad_for_windows(input.to(acc_dtype), w, 0.0), w)
    _, first = next(slices)
    total = first.clone(memory_format=torch.contiguous_format)
    for _, tap in slices:
        total += tap

    divisor: Union[int, Tensor]
    if divisor_override is not None:
        divisor = divisor_override
    else:
        dh, dw = (
            _divisor_1d(n, o, k, s, p, count_include_pad)
            for n, o, k, s, p in zip(input.shape[-2:], w.out, w.kernel, w.stride, w.padding)
        )
        divisor = (dh[:, None] * dw[None, :]).to(device=input.device)
    if input.dtype.is_floating_point:
        if isinstance(divisor, Tensor):
            divisor = divisor.to(acc_dtype)
        return (total / divisor).to(input.dtype)
    return torch.div(total, divisor, rounding_mode="trunc")
