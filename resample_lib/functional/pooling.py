r"""Max, average, adaptive pooling and max unpooling, built from elementary ops.

Every function mirrors its ``torch.nn.functional`` namesake (signature, output
shape, values, indices, errors) and is built from slicing, ``F.pad``,
comparisons, ``torch.where``, ``gather`` and ``scatter``; no pooling kernel of
torch is called.

**Windows.** Along one axis of length :math:`n`, with kernel :math:`k`, stride
:math:`s`, padding :math:`p` and dilation :math:`d`, output :math:`o` reads the
taps

.. math::
    i_{o,j} = o\,s - p + j\,d, \qquad j = 0, \dots, k-1,

and there are :math:`\lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1` outputs
(``ceil_mode`` rounds up instead, but drops a last window that would start in
the right padding; see :func:`resample_lib.functional.output_size.pool_output_size`).
torch requires :math:`0 \le p \le \lfloor k/2 \rfloor` (dilation does not
enlarge the allowance).

**How it is computed.** The input is padded (with :math:`-\infty` for max, with
zeros for average) and, for each of the :math:`k_h k_w` taps, one strided slice
of the padded input holds that tap for *all* windows at once. Pooling is then a
running reduction over :math:`k_h k_w` tensors of the output's shape, in the
same row-major tap order as torch's kernel, which is what makes ties and NaNs
come out the same.

**Adaptive bins.** Output :math:`i` of :math:`o` over an input of length
:math:`n` pools

.. math::
    \Big[\big\lfloor \tfrac{i\,n}{o} \big\rfloor,\;
         \big\lceil \tfrac{(i+1)\,n}{o} \big\rceil\Big),

so neighbouring bins overlap when :math:`o` does not divide :math:`n`, and
repeat input rows when :math:`o > n`.

**Gradients.** Everything is differentiable with autograd. A max pooling
reads its result back through the indices, so a window's whole gradient goes
to its (first) argmax, as in torch; an average pooling spreads it evenly over
the window's input taps.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Optional, Union

import torch
import torch.nn.functional as F
from torch import Tensor

from resample_lib.functional._validate import IntOrTuple, check_input_rank, ntuple
from resample_lib.functional.output_size import pool_output_size

__all__ = [
    "max_pool2d",
    "avg_pool2d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "max_unpool2d",
]

_LAYOUT = "(N, C, H, W) or (C, H, W)"


# --------------------------------------------------------------------------- #
# argument checks
# --------------------------------------------------------------------------- #
def _check_tensor(input: object, name: str, op: str) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: {name} must be a torch.Tensor, got {type(input).__name__}")


def _check_pool_input(input: Tensor, op: str) -> None:
    """Rank 3 or 4, and no empty dimension except the batch."""
    _check_tensor(input, "input", op)
    check_input_rank(input, (3, 4), op, _LAYOUT)
    if any(size == 0 for size in input.shape[-3:]):
        raise ValueError(
            f"{op}: expected non-empty C, H and W (only the batch may be empty), "
            f"got input of shape {tuple(input.shape)}"
        )


def _positive_pair(value: IntOrTuple, name: str, op: str) -> tuple[int, int]:
    pair = ntuple(value, 2, name)
    if min(pair) <= 0:
        raise ValueError(f"{op}: {name} must be positive, got {name}={value!r}")
    return pair  # type: ignore[return-value]


def _window_args(
    op: str,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple],
    padding: IntOrTuple,
    dilation: IntOrTuple,
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Normalise and validate the window arguments as torch does."""
    kernel = _positive_pair(kernel_size, "kernel_size", op)
    # torch treats stride=None and stride=[] alike: the stride defaults to the kernel size.
    if stride is None or (isinstance(stride, Sequence) and len(stride) == 0):
        strides = kernel
    else:
        strides = _positive_pair(stride, "stride", op)
    dil = _positive_pair(dilation, "dilation", op)
    pad = ntuple(padding, 2, "padding")
    for p, k in zip(pad, kernel):
        if p < 0 or p > k // 2:
            raise ValueError(
                f"{op}: padding must be between 0 and half the kernel size, "
                f"got padding={padding!r} with kernel_size={kernel_size!r}"
            )
    return kernel, strides, pad, dil  # type: ignore[return-value]


def _output_hw(
    op: str, input: Tensor, kernel, stride, pad, dil, ceil_mode: bool
) -> tuple[int, int]:
    H, W = input.shape[-2:]
    oh = pool_output_size(H, kernel[0], stride[0], pad[0], dil[0], ceil_mode)
    ow = pool_output_size(W, kernel[1], stride[1], pad[1], dil[1], ceil_mode)
    if oh < 1 or ow < 1:
        raise ValueError(
            f"{op}: input of spatial size {H}x{W} with kernel_size={kernel}, stride={stride}, "
            f"padding={pad}, dilation={dil} gives an output of {oh}x{ow}; expected at least 1x1"
        )
    return oh, ow


def _lowest(dtype: torch.dtype) -> float:
    """The value that never wins a max: -inf, or the smallest integer."""
    if dtype.is_floating_point:
        return float("-inf")
    return torch.iinfo(dtype).min


# --------------------------------------------------------------------------- #
# windows as strided slices
# --------------------------------------------------------------------------- #
def _padded(input: Tensor, out_hw, kernel, stride, pad, dil, value: float) -> Tensor:
    """Pad so that every tap of every window lies inside the tensor.

    The left pad is ``p``; the right one is whatever the last window needs
    (``p``, or more when ``ceil_mode`` lets the last window hang over it).
    """
    H, W = input.shape[-2:]
    need_h = (out_hw[0] - 1) * stride[0] + (kernel[0] - 1) * dil[0] + 1
    need_w = (out_hw[1] - 1) * stride[1] + (kernel[1] - 1) * dil[1] + 1
    right_h = max(need_h - H - pad[0], 0)
    right_w = max(need_w - W - pad[1], 0)
    if pad == (0, 0) and right_h == 0 and right_w == 0:
        return input
    return F.pad(input, (pad[1], right_w, pad[0], right_h), value=value)


def _taps(xp: Tensor, out_hw, kernel, stride, dil):
    """Yield ``(i, j, slice)``: tap ``(i, j)`` of every window, shape ``(..., oh, ow)``."""
    oh, ow = out_hw
    for i in range(kernel[0]):
        r0 = i * dil[0]
        rows = slice(r0, r0 + (oh - 1) * stride[0] + 1, stride[0])
        for j in range(kernel[1]):
            c0 = j * dil[1]
            yield i, j, xp[..., rows, c0: c0 + (ow - 1) * stride[1] + 1: stride[1]]


def _accumulate_dtype(dtype: torch.dtype) -> torch.dtype:
    """Half precision is summed in float32, as torch's CPU kernels do."""
    return torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype


# --------------------------------------------------------------------------- #
# max pooling
# --------------------------------------------------------------------------- #
def max_pool2d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple] = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Union[Tensor, tuple[Tensor, Tensor]]:
    r"""2-D max pooling, as :func:`torch.nn.functional.max_pool2d`.

    .. math::
        y[o_h, o_w] = \max_{0 \le i < k_h,\; 0 \le j < k_w}
            x[o_h s_h - p_h + i d_h,\; o_w s_w - p_w + j d_w],

    where taps in the padding count as :math:`-\infty`. The output size is
    :func:`~resample_lib.functional.output_size.pool_output_size` per axis.

    Ties go to the first maximum in row-major order of the window; a NaN
    always wins, and among several NaNs the *last* one does (torch's scan
    updates on ``val > max or isnan(val)``). A window whose valid taps are all
    :math:`-\infty` reports its first valid tap.

    Args:
        input: feature maps.
        kernel_size: window size, an int or ``(kH, kW)``.
        stride: window step; defaults to ``kernel_size``.
        padding: implicit :math:`-\infty` padding on both sides,
            at most ``kernel_size // 2`` (torch's rule, whatever the dilation).
        dilation: spacing between the taps of a window.
        ceil_mode: round the output size up (a last window that would start
            in the right padding is still dropped).
        return_indices: also return, for each output, the flat index
            ``h * W + w`` of the maximum inside its input plane.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})` or :math:`(C, H_{out}, W_{out})`;
          indices have the same shape and dtype ``int64``.

    Examples:
        >>> x = torch.arange(16.).reshape(1, 4, 4)
        >>> max_pool2d(x, 2)
        tensor([[[ 5.,  7.],
                 [13., 15.]]])
        >>> max_pool2d(x, 3, stride=2, padding=1, return_indices=True)[1]
        tensor([[[ 5,  7],
                 [13, 15]]])
    """
    op = "max_pool2d"
    _check_pool_input(input, op)
    kernel, strides, pad, dil = _window_args(op, kernel_size, stride, padding, dilation)
    out_hw = _output_hw(op, input, kernel, strides, pad, dil, ceil_mode)

    lowest = _lowest(input.dtype)
    needs_grad = torch.is_grad_enabled() and input.requires_grad

    if not return_indices and not needs_grad:
        # torch.maximum propagates NaN, so the values match without the index bookkeeping.
        xp = _padded(input, out_hw, kernel, strides, pad, dil, lowest)
        taps = _taps(xp, out_hw, kernel, strides, dil)
        _, _, first = next(taps)
        out = first.clone(memory_format=torch.contiguous_format)
        for _, _, tap in taps:
            torch.maximum(out, tap, out=out)
        return out

    xp = _padded(input.detach(), out_hw, kernel, strides, pad, dil, lowest)
    lead = input.shape[:-2]
    W = input.shape[-1]
    row0 = torch.arange(out_hw[0], device=input.device) * strides[0] - pad[0]
    col0 = torch.arange(out_hw[1], device=input.device) * strides[1] - pad[1]
    # torch starts each window's index at its first tap inside the input.
    first_i = torch.where(row0 < 0, (-row0 + dil[0] - 1) // dil[0], 0)
    first_j = torch.where(col0 < 0, (-col0 + dil[1] - 1) // dil[1], 0)
    first_tap = first_i[:, None] * kernel[1] + first_j[None, :]

    def scan(nan_wins: bool) -> tuple[Tensor, Tensor]:
        # For each window, the number t = i * kW + j of the tap holding its
        # maximum so far. A tap that wins is inside the input, so its number is
        # at least the first valid one and larger than any earlier winner's:
        # "t = k where the tap wins" is the cheap "t = max(t, wins * k)".
        tap_dtype = torch.int16 if kernel[0] * kernel[1] <= 2**15 - 1 else torch.int64
        best_tap = first_tap.to(tap_dtype).expand(*lead, *out_hw).clone()
        best = torch.full((*lead, *out_hw), _lowest(input.dtype), dtype=input.dtype, device=input.device)
        wins = torch.empty(best.shape, dtype=torch.bool, device=input.device)
        for i, j, tap in _taps(xp, out_hw, kernel, strides, dil):
            torch.gt(tap, best, out=wins)
            if nan_wins:  # torch's rule "val > max or isnan(val)": a later NaN replaces an earlier one
                wins |= tap.isnan()
                best = torch.where(wins, tap, best)
            else:
                torch.maximum(best, tap, out=best)
            torch.maximum(best_tap, wins.to(tap_dtype).mul_(i * kernel[1] + j), out=best_tap)
        return best, best_tap

    best, best_tap = scan(nan_wins=False)
    if input.dtype.is_floating_point and bool(best.isnan().any()):
        best, best_tap = scan(nan_wins=True)

    # Tap number -> flat input index h * W + w.
    ii, jj = torch.meshgrid(
        torch.arange(kernel[0], device=input.device), torch.arange(kernel[1], device=input.device), indexing="ij"
    )
    tap_offset = (ii * dil[0] * W + jj * dil[1]).flatten()
    window_origin = row0[:, None] * W + col0[None, :]
    index = window_origin + tap_offset.index_select(0, best_tap.flatten().long()).view(best_tap.shape)
    if needs_grad:
        # Read the maxima back through the indices, so that the whole gradient
        # of a window goes to its argmax, as in torch (torch.maximum would split
        # it between tied values).
        best = _gather_plane(input, index, lowest)
    return (best, index) if return_indices else best


def _gather_plane(input: Tensor, index: Tensor, fill: float) -> Tensor:
    """``input`` read at flat plane indices ``h * W + w``; ``fill`` where an index is off the plane."""
    plane = input.shape[-2] * input.shape[-1]
    values = input.flatten(-2).gather(-1, index.clamp(max=plane - 1).flatten(-2)).view(index.shape)
    return torch.where(index < plane, values, fill)


# --------------------------------------------------------------------------- #
# average pooling
# --------------------------------------------------------------------------- #
def _divisor_1d(n: int, out: int, kernel: int, stride: int, pad: int, include_pad: bool) -> Tensor:
    """Per-output window length along one axis, as torch's avg-pool kernel counts it.

    With padding counted, a window is cut at the end of the right padding
    (``min(start + k, n + p)``), not at the end of the input; without it, the
    window is clipped to the input.
    """
    start = torch.arange(out) * stride - pad
    end = torch.clamp(start + kernel, max=n + pad)
    if include_pad:
        return end - start
    return torch.clamp(end, max=n) - torch.clamp(start, min=0)


def avg_pool2d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple] = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: Optional[int] = None,
) -> Tensor:
    r"""2-D average pooling, as :func:`torch.nn.functional.avg_pool2d`.

    .. math::
        y[o_h, o_w] = \frac{1}{D[o_h, o_w]} \sum_{i < k_h,\; j < k_w}
            x[o_h s_h - p_h + i,\; o_w s_w - p_w + j],

    with taps in the padding counting as zero. Let a window start at
    :math:`a = o\,s - p` along an axis and end at :math:`b = \min(a + k, n + p)`
    (a ``ceil_mode`` window is cut at the end of the right padding). The
    divisor is the product over both axes of

    * :math:`b - a` if ``count_include_pad`` (padding counts, the overhang past
      it does not),
    * :math:`\min(b, n) - \max(a, 0)` otherwise (only input taps count),

    or ``divisor_override`` when given.

    Args:
        input: feature maps, floating point or ``int64`` (integer averages
            are truncated toward zero, as torch does).
        kernel_size: window size, an int or ``(kH, kW)``.
        stride: window step; defaults to ``kernel_size``.
        padding: implicit zero padding on both sides, at most ``kernel_size // 2``.
        ceil_mode: round the output size up (a last window that would start
            in the right padding is still dropped).
        count_include_pad: count the zero padding in the divisor.
        divisor_override: divide every sum by this nonzero int instead.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})` or :math:`(C, H_{out}, W_{out})`.

    Examples:
        >>> x = torch.ones(1, 3, 3)
        >>> avg_pool2d(x, 2, padding=1)
        tensor([[[0.2500, 0.5000],
                 [0.5000, 1.0000]]])
        >>> avg_pool2d(x, 2, padding=1, count_include_pad=False)
        tensor([[[1., 1.],
                 [1., 1.]]])
    """
    op = "avg_pool2d"
    _check_pool_input(input, op)
    kernel, strides, pad, dil = _window_args(op, kernel_size, stride, padding, 1)
    if divisor_override is not None:
        if isinstance(divisor_override, bool) or not isinstance(divisor_override, int):
            raise TypeError(f"{op}: divisor_override must be an int or None, got {divisor_override!r}")
        if divisor_override == 0:
            raise ValueError(f"{op}: divisor_override must be nonzero, got {divisor_override}")
    if not (input.dtype.is_floating_point or input.dtype == torch.int64):
        raise TypeError(f"{op}: expected a floating point or int64 input, got dtype {input.dtype}")
    out_hw = _output_hw(op, input, kernel, strides, pad, dil, ceil_mode)

    acc_dtype = _accumulate_dtype(input.dtype)
    xp = _padded(input.to(acc_dtype), out_hw, kernel, strides, pad, dil, 0.0)
    taps = _taps(xp, out_hw, kernel, strides, dil)
    _, _, first = next(taps)
    total = first.clone(memory_format=torch.contiguous_format)
    for _, _, tap in taps:  # row-major, like torch, so the sums round alike
        total += tap

    if divisor_override is not None:
        divisor: Union[int, Tensor] = divisor_override
    else:
        H, W = input.shape[-2:]
        dh = _divisor_1d(H, out_hw[0], kernel[0], strides[0], pad[0], count_include_pad)
        dw = _divisor_1d(W, out_hw[1], kernel[1], strides[1], pad[1], count_include_pad)
        divisor = (dh[:, None] * dw[None, :]).to(device=input.device)
    if input.dtype.is_floating_point:
        if isinstance(divisor, Tensor):
            divisor = divisor.to(acc_dtype)
        return (total / divisor).to(input.dtype)
    return torch.div(total, divisor, rounding_mode="trunc")


# --------------------------------------------------------------------------- #
# adaptive pooling
# --------------------------------------------------------------------------- #
def _adaptive_output_size(
    op: str, input: Tensor, output_size: Union[int, None, Sequence[Optional[int]]]
) -> tuple[int, int]:
    """An int, or a pair whose ``None`` entries keep the input's size."""
    if isinstance(output_size, bool):
        raise TypeError(f"{op}: output_size must be an int or a pair of ints/None, got {output_size!r}")
    if isinstance(output_size, int):
        sizes: tuple = (output_size, output_size)
    else:
        try:
            sizes = tuple(output_size)  # type: ignore[arg-type]
        except TypeError:
            raise TypeError(
                f"{op}: output_size must be an int or a pair of ints/None, got {output_size!r}"
            ) from None
        if len(sizes) != 2:
            raise ValueError(f"{op}: output_size must have 2 entries, got {output_size!r}")
    result = []
    for size, n in zip(sizes, input.shape[-2:]):
        if size is None:
            size = n
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"{op}: output_size entries must be ints or None, got {output_size!r}")
        if size < 0:
            raise ValueError(f"{op}: output_size must be non-negative, got {output_size!r}")
        result.append(size)
    return result[0], result[1]


def _bins(n: int, out: int, device) -> tuple[Tensor, Tensor, Tensor]:
    r"""Bins of adaptive pooling along one axis.

    Returns ``(start, taps, valid)``: bin ``i`` covers
    :math:`[\lfloor i n / o \rfloor, \lceil (i+1) n / o \rceil)`; ``taps[i, j]``
    is its ``j``-th input index (clamped to the bin's last one past its end)
    and ``valid[i, j]`` says whether ``j`` is inside the bin. All have ``out``
    rows; ``taps`` and ``valid`` have as many columns as the longest bin.
    """
    i = torch.arange(out, device=device)
    start = (i * n) // out
    end = ((i + 1) * n + out - 1) // out
    longest = int((end - start).max()) if out > 0 else 0
    j = torch.arange(longest, device=device)
    taps = start[:, None] + j[None, :]
    valid = taps < end[:, None]
    taps = torch.minimum(taps, end[:, None] - 1)
    return start, taps, valid


def adaptive_avg_pool2d(input: Tensor, output_size: Union[int, Sequence[Optional[int]]]) -> Tensor:
    r"""2-D adaptive average pooling, as :func:`torch.nn.functional.adaptive_avg_pool2d`.

    Output :math:`(i, j)` averages the bin
    :math:`[\lfloor iH/o_h \rfloor, \lceil (i+1)H/o_h \rceil) \times
    [\lfloor jW/o_w \rfloor, \lceil (j+1)W/o_w \rceil)`. When :math:`o` does
    not divide the input size the bins overlap; when :math:`o > n` some input
    rows are repeated.

    The bin sums are computed separably: rows of each bin are gathered and
    summed, then columns.

    Args:
        input: feature maps (floating point).
        output_size: ``o`` or ``(o_h, o_w)``; a ``None`` entry keeps that
            input size. ``0`` gives an empty output, as in torch.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, o_h, o_w)` or :math:`(C, o_h, o_w)`.

    Examples:
        >>> x = torch.arange(5.).reshape(1, 1, 5)
        >>> adaptive_avg_pool2d(x, (1, 3))   # bins [0, 2), [1, 4), [3, 5)
        tensor([[[0.5000, 2.0000, 3.5000]]])
    """
    op = "adaptive_avg_pool2d"
    _check_pool_input(input, op)
    if not input.dtype.is_floating_point:
        raise TypeError(f"{op}: expected a floating point input, got dtype {input.dtype}")
    oh, ow = _adaptive_output_size(op, input, output_size)
    H, W = input.shape[-2:]
    lead = input.shape[:-2]
    if oh == 0 or ow == 0:
        return input.new_zeros(*lead, oh, ow)

    x = input.to(_accumulate_dtype(input.dtype))
    _, taps_h, valid_h = _bins(H, oh, input.device)
    _, taps_w, valid_w = _bins(W, ow, input.device)
    # rows: (..., oh, Kh, W) -> (..., oh, W)
    rows = x.index_select(-2, taps_h.flatten()).unflatten(-2, taps_h.shape)
    rows = torch.where(valid_h[:, :, None], rows, 0).sum(-2)
    # columns: (..., oh, ow, Kw) -> (..., oh, ow)
    cols = rows.index_select(-1, taps_w.flatten()).unflatten(-1, taps_w.shape)
    total = torch.where(valid_w, cols, 0).sum(-1)
    count = valid_h.sum(1)[:, None] * valid_w.sum(1)[None, :]
    return (total / count.to(x.dtype)).to(input.dtype)


def adaptive_max_pool2d(
    input: Tensor, output_size: Union[int, Sequence[Optional[int]]], return_indices: bool = False
) -> Union[Tensor, tuple[Tensor, Tensor]]:
    r"""2-D adaptive max pooling, as :func:`torch.nn.functional.adaptive_max_pool2d`.

    Output :math:`(i, j)` is the maximum over the bin
    :math:`[\lfloor iH/o_h \rfloor, \lceil (i+1)H/o_h \rceil) \times
    [\lfloor jW/o_w \rfloor, \lceil (j+1)W/o_w \rceil)`, with torch's tie
    rules: first maximum in row-major order, the last NaN if there is one.

    It is computed separably (the maximum of each bin row, then the maximum
    of those), which keeps both rules: the first row holding the overall
    maximum, and in it the first column, is the first maximum in row-major
    order; the last row holding a NaN, and in it the last NaN, is the last NaN.

    Args:
        input: feature maps (floating point).
        output_size: ``o`` or ``(o_h, o_w)``; a ``None`` entry keeps that
            input size. ``0`` gives an empty output, as in torch.
        return_indices: also return the flat index ``h * W + w`` of each maximum.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, o_h, o_w)` or :math:`(C, o_h, o_w)`; indices alike, ``int64``.

    Examples:
        >>> x = torch.tensor([[[1., 3., 3., 2.]]])
        >>> adaptive_max_pool2d(x, (1, 2), return_indices=True)
        (tensor([[[3., 3.]]]), tensor([[[1, 2]]]))
    """
    op = "adaptive_max_pool2d"
    _check_pool_input(input, op)
    if not input.dtype.is_floating_point:
        raise TypeError(f"{op}: expected a floating point input, got dtype {input.dtype}")
    oh, ow = _adaptive_output_size(op, input, output_size)
    H, W = input.shape[-2:]
    lead = input.shape[:-2]
    if oh == 0 or ow == 0:
        empty = input.new_zeros(*lead, oh, ow)
        return (empty, empty.long()) if return_indices else empty

    start_h, taps_h, valid_h = _bins(H, oh, input.device)
    start_w, taps_w, valid_w = _bins(W, ow, input.device)
    lowest = _lowest(input.dtype)
    x = input.detach()

    # Stage 1: the maximum of every input row over each column bin, (..., H, ow).
    row_best = x.new_full((*lead, H, ow), lowest)
    row_arg = start_w.expand(*lead, H, ow).clone()
    for j in range(taps_w.shape[1]):
        tap = torch.where(valid_w[:, j], x[..., taps_w[:, j]], lowest)
        wins = (tap > row_best) | tap.isnan()
        row_best = torch.where(wins, tap, row_best)
        row_arg = torch.where(wins, taps_w[:, j], row_arg)

    # Stage 2: the maximum of those over each row bin, (..., oh, ow).
    best = x.new_full((*lead, oh, ow), lowest)
    index = (start_h[:, None] * W + start_w[None, :]).expand(*lead, oh, ow).clone()
    for i in range(taps_h.shape[1]):
        rows = taps_h[:, i]
        tap = torch.where(valid_h[:, i, None], row_best[..., rows, :], lowest)
        wins = (tap > best) | tap.isnan()
        best = torch.where(wins, tap, best)
        index = torch.where(wins, rows[:, None] * W + row_arg[..., rows, :], index)

    if torch.is_grad_enabled() and input.requires_grad:
        best = _gather_plane(input, index, lowest)  # the gradient goes to the argmax, as in torch
    return (best, index) if return_indices else best


# --------------------------------------------------------------------------- #
# max unpooling
# --------------------------------------------------------------------------- #
def _unpool_output_size(
    op: str, input: Tensor, kernel, stride, pad, output_size: Optional[Sequence[int]]
) -> tuple[int, int]:
    """torch's rule: the default size, or a given one within ``stride`` of it."""
    default = [(n - 1) * s + k - 2 * p for n, k, s, p in zip(input.shape[-2:], kernel, stride, pad)]
    if output_size is None:
        size = default
    else:
        try:
            size = [int(v) for v in output_size]
        except TypeError:
            raise TypeError(f"{op}: output_size must be a sequence of ints, got {output_size!r}") from None
        if len(size) == 4:
            size = size[2:]
        if len(size) != 2:
            raise ValueError(
                f"{op}: output_size must have 2 or 4 entries, got {output_size!r} ({len(size)} entries)"
            )
        for d in range(2):
            lo, hi = default[d] - stride[d], default[d] + stride[d]
            if not lo < size[d] < hi:
                raise ValueError(
                    f"{op}: invalid output_size {tuple(output_size)}: dim {d} must be strictly "
                    f"between {lo} and {hi}, got {size[d]}"
                )
    if min(size) < 1:
        raise ValueError(f"{op}: the output would be {size[0]}x{size[1]}; expected at least 1x1")
    return size[0], size[1]


def max_unpool2d(
    input: Tensor,
    indices: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple] = None,
    padding: IntOrTuple = 0,
    output_size: Optional[Sequence[int]] = None,
) -> Tensor:
    r"""Partial inverse of :func:`max_pool2d`, as :func:`torch.nn.functional.max_unpool2d`.

    Every value goes back to where its maximum came from; all other outputs
    are zero:

    .. math::
        y[\mathrm{idx}[o]] = x[o], \qquad y = 0 \text{ elsewhere},

    with ``idx`` the flat ``h * W_{out} + w`` indices from
    ``max_pool2d(..., return_indices=True)``. The output size defaults to

    .. math:: (n - 1)\,s + k - 2p

    per axis; ``output_size`` may pick any size strictly within ``s`` of it
    (several input sizes pool to the same output size).

    Overlapping pooling windows can share a maximum, so two inputs may carry
    the same index; they also carry the same value, and either may land.
    (With different values the result is unspecified, in torch as here; in
    the backward pass each input receives the gradient at its index.)

    Args:
        input: pooled values.
        indices: ``int64`` flat indices of the same shape as ``input``.
        kernel_size: the pooling's window size.
        stride: the pooling's stride; defaults to ``kernel_size``.
        padding: the pooling's padding.
        output_size: ``(H, W)`` or ``(N, C, H, W)`` of the result.

    Shape:
        - Input, indices: :math:`(N, C, H_{in}, W_{in})` or :math:`(C, H_{in}, W_{in})`.
        - Output: :math:`(N, C, H, W)` or :math:`(C, H, W)`.

    Examples:
        >>> x = torch.tensor([[[1., 5.], [3., 2.]]])
        >>> y, idx = max_pool2d(x, 2, return_indices=True)
        >>> max_unpool2d(y, idx, 2)
        tensor([[[0., 5.],
                 [0., 0.]]])
    """
    op = "max_unpool2d"
    _check_tensor(input, "input", op)
    _check_tensor(indices, "indices", op)
    check_input_rank(input, (3, 4), op, _LAYOUT)
    if indices.dtype != torch.int64:
        raise TypeError(f"{op}: indices must have dtype torch.int64, got {indices.dtype}")
    if indices.shape != input.shape:
        raise ValueError(
            f"{op}: indices must have the shape of input {tuple(input.shape)}, got {tuple(indices.shape)}"
        )
    kernel = _positive_pair(kernel_size, "kernel_size", op)
    if stride is None or (isinstance(stride, Sequence) and len(stride) == 0):
        strides = kernel
    else:
        strides = _positive_pair(stride, "stride", op)
    pad = ntuple(padding, 2, "padding")
    if min(pad) < 0:
        raise ValueError(f"{op}: padding must be non-negative, got padding={padding!r}")
    out_h, out_w = _unpool_output_size(op, input, kernel, strides, pad, output_size)

    lead = input.shape[:-2]
    size = out_h * out_w
    flat_x = input.reshape(*lead, -1)
    flat_i = indices.reshape(*lead, -1)
    bad = (flat_i < 0) | (flat_i >= size)
    if bool(bad.any()):
        first_bad = int(flat_i[bad][0])
        raise ValueError(
            f"{op}: index {first_bad} is out of range for an output plane of {out_h}x{out_w} "
            f"(expected 0 <= index < {size})"
        )
    # Scatter: its gradient with respect to the values is a gather of the
    # output's gradient at the indices, which is exactly torch's backward.
    out = torch.zeros((*lead, size), dtype=input.dtype, device=input.device).scatter(-1, flat_i, flat_x)
    return out.reshape(*lead, out_h, out_w)
