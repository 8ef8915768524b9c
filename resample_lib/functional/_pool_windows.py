r"""Window arithmetic shared by the pooling operations (private to :mod:`resample_lib.functional.pooling`).

Along one axis of length :math:`n`, with kernel :math:`k`, stride :math:`s`, padding :math:`p` and dilation
:math:`d`, output :math:`o` reads the taps :math:`o\,s - p + j\,d` for :math:`j = 0, \dots, k-1`. The functions here
check the window arguments as torch does, give the output size (from
:func:`~resample_lib.functional.output_size.pool_output_size`), pad an input so that every tap lies inside it, and
cut one strided slice per tap that holds that tap for every window at once.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple, Optional

import torch
import torch.nn.functional as F
from torch import Tensor

from resample_lib.functional._validate import (
    IntOrTuple,
    check_int,
    check_non_empty,
    check_rank,
    check_tensor,
    ntuple,
    positive_ntuple,
)
from resample_lib.functional.output_size import conv_transpose_output_size, pool_output_size

LAYOUT = "(N, C, H, W) or (C, H, W)"
Pair = tuple[int, int]


class Windows(NamedTuple):
    """The pooling windows of one call: every field is an ``(h, w)`` pair."""

    kernel: Pair
    stride: Pair
    padding: Pair
    dilation: Pair
    out: Pair


def stride_or_kernel(stride: Optional[IntOrTuple], kernel: Pair, op: str) -> Pair:
    """The stride as a positive pair; torch treats ``None`` and ``[]`` alike: the stride is the kernel size."""
    if stride is None or (isinstance(stride, Sequence) and len(stride) == 0):
        return kernel
    return positive_ntuple(stride, 2, "stride", op)  # type: ignore[return-value]


def pool_windows(
    op: str,
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple],
    padding: IntOrTuple,
    dilation: IntOrTuple,
    ceil_mode: bool,
) -> Windows:
    """Check ``input`` and the window arguments of a max or average pooling as torch does; return the windows."""
    check_tensor(input, "input", op)
    check_rank(input, (3, 4), op, LAYOUT)
    check_non_empty(input, op, 3)
    kernel = positive_ntuple(kernel_size, 2, "kernel_size", op)
    strides = stride_or_kernel(stride, kernel, op)  # type: ignore[arg-type]
    dil = positive_ntuple(dilation, 2, "dilation", op)
    pad = ntuple(padding, 2, "padding", op)
    if any(p < 0 or p > k // 2 for p, k in zip(pad, kernel)):
        raise ValueError(
            f"{op}: padding must be between 0 and half the kernel size, "
            f"got padding={padding!r} with kernel_size={kernel_size!r}"
        )
    out = tuple(
        pool_output_size(n, k, s, p, d, ceil_mode)
        for n, k, s, p, d in zip(input.shape[-2:], kernel, strides, pad, dil)
    )
    if min(out) < 1:
        H, W = input.shape[-2:]
        raise ValueError(
            f"{op}: input of spatial size {H}x{W} with kernel_size={kernel}, stride={strides}, "
            f"padding={pad}, dilation={dil} gives an output of {out[0]}x{out[1]}; expected at least 1x1"
        )
    return Windows(kernel, strides, pad, dil, out)  # type: ignore[arg-type]


def avg_pool_windows(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple],
    padding: IntOrTuple,
    ceil_mode: bool,
    divisor_override: Optional[int],
) -> Windows:
    """The checks of ``avg_pool2d``: the windows, a nonzero int divisor, a floating or int64 input."""
    op = "avg_pool2d"
    windows = pool_windows(op, input, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None and check_int(divisor_override, "divisor_override", op) == 0:
        raise ValueError(f"{op}: divisor_override must be nonzero, got {divisor_override}")
    if not (input.is_floating_point() or input.dtype == torch.int64):
        raise TypeError(f"{op}: expected a floating point or int64 input, got dtype {input.dtype}")
    return windows


def lowest(dtype: torch.dtype) -> float:
    """The value that never wins a max: -inf, or the smallest integer."""
    return float("-inf") if dtype.is_floating_point else torch.iinfo(dtype).min


def accumulate_dtype(dtype: torch.dtype) -> torch.dtype:
    """Half precision is summed in float32, as torch's CPU kernels do."""
    return torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype


def pad_for_windows(input: Tensor, w: Windows, value: float) -> Tensor:
    """Pad so that every tap of every window lies inside the tensor.

    The left pad is ``p``; the right one is whatever the last window needs (``p``, or more when ``ceil_mode`` lets
    the last window hang over it). ``o`` windows span ``(o - 1) s + d (k - 1) + 1`` inputs, the length a transposed
    convolution maps ``o`` back to.
    """
    right = [
        max(conv_transpose_output_size(o, k, s, 0, 0, d) - n - p, 0)
        for o, k, s, p, d, n in zip(w.out, w.kernel, w.stride, w.padding, w.dilation, input.shape[-2:])
    ]
    if w.padding == (0, 0) and right == [0, 0]:
        return input
    return F.pad(input, (w.padding[1], right[1], w.padding[0], right[0]), value=value)


def taps(padded: Tensor, w: Windows) -> Iterator[tuple[int, Tensor]]:
    """Yield ``(t, slice)`` for ``t = i * kW + j``: tap ``(i, j)`` of every window, shape ``(..., oh, ow)``."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = w.kernel, w.stride, w.dilation, w.out
    for i in range(kh):
        rows = slice(i * dh, i * dh + (oh - 1) * sh + 1, sh)
        for j in range(kw):
            yield i * kw + j, padded[..., rows, j * dw: j * dw + (ow - 1) * sw + 1: sw]


def gather_plane(input: Tensor, index: Tensor, fill: float) -> Tensor:
    """``input`` read at flat plane indices ``h * W + w``; ``fill`` where an index is off the plane.

    A max pooling reads its maxima back this way when autograd is on, so that the whole gradient of a window goes
    to its argmax, as in torch (``torch.maximum`` would split it between tied values).
    """
    plane = input.shape[-2] * input.shape[-1]
    values = input.flatten(-2).gather(-1, index.clamp(max=plane - 1).flatten(-2)).view(index.shape)
    return torch.where(index < plane, values, fill)


def unpool_output_size(
    op: str, input: Tensor, kernel: Pair, stride: Pair, pad: Sequence[int], output_size: Optional[Sequence[int]]
) -> Pair:
    """torch's rule: the default size (a transposed convolution's), or a given one within ``stride`` of it."""
    default = [conv_transpose_output_size(n, k, s, p) for n, k, s, p in zip(input.shape[-2:], kernel, stride, pad)]
    size = default
    if output_size is not None:
        try:
            size = [int(v) for v in output_size]
        except TypeError:
            raise TypeError(f"{op}: output_size must be a sequence of ints, got {output_size!r}") from None
        size = size[2:] if len(size) == 4 else size
        if len(size) != 2:
            raise ValueError(f"{op}: output_size must have 2 or 4 entries, got {output_size!r} ({len(size)} entries)")
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


def unpool_args(
    op: str,
    input: Tensor,
    indices: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple],
    padding: IntOrTuple,
    output_size: Optional[Sequence[int]],
) -> Pair:
    """Check the arguments of a max unpooling as torch does (indices in range included); return the output size."""
    check_tensor(input, "input", op)
    check_tensor(indices, "indices", op)
    check_rank(input, (3, 4), op, LAYOUT)
    check_non_empty(input, op, input.dim() - 1)  # torch treats a 3-D input's first dim as the batch
    if indices.dtype != torch.int64:
        raise TypeError(f"{op}: indices must have dtype torch.int64, got {indices.dtype}")
    if indices.shape != input.shape:
        raise ValueError(
            f"{op}: indices must have the shape of input {tuple(input.shape)}, got {tuple(indices.shape)}"
        )
    kernel = positive_ntuple(kernel_size, 2, "kernel_size", op)
    strides = stride_or_kernel(stride, kernel, op)  # type: ignore[arg-type]
    pad = [check_int(p, "padding", op, minimum=0) for p in ntuple(padding, 2, "padding", op)]
    out_h, out_w = unpool_output_size(op, input, kernel, strides, pad, output_size)  # type: ignore[arg-type]
    bad = (indices < 0) | (indices >= out_h * out_w)
    if bool(bad.any()):
        raise ValueError(
            f"{op}: index {int(indices[bad][0])} is out of range for an output plane of {out_h}x{out_w} "
            f"(expected 0 <= index < {out_h * out_w})"
        )
    return out_h, out_w
