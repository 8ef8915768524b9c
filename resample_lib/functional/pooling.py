r"""Max, average, adaptive pooling and max unpooling, built from elementary ops.

Every public function mirrors its ``torch.nn.functional`` namesake (signature, output shape, values, indices,
errors) and is built from padding, slicing, comparisons, ``gather`` and ``scatter``; no pooling kernel of torch is
called.

**Windows.** Along one axis of length :math:`n`, with kernel :math:`k`, stride :math:`s`, padding :math:`p` and
dilation :math:`d`, output :math:`o` reads the taps

.. math::
    i_{o,j} = o\,s - p + j\,d, \qquad j = 0, \dots, k-1,

and there are :func:`~resample_lib.functional.output_size.pool_output_size` outputs:
:math:`\lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1`, or the ceiling with ``ceil_mode`` (minus a last window that
would start in the right padding). torch requires :math:`0 \le p \le \lfloor k/2 \rfloor`.

**Reference versions.** :func:`max_pool2d_reference`, :func:`avg_pool2d_reference` and the two adaptive ones say
what is computed in a few lines: pad, cut the windows (``Tensor.unfold``, or one slice per adaptive bin), reduce each.
The public functions compute the same numbers faster, in the private modules ``_pool_fast`` (a running reduction
over one strided slice per tap, in torch's tap order) and ``_pool_adaptive`` (separable bins); ``tests/`` checks
both against torch and against each other.

**Gradients.** Everything is differentiable with autograd. A max pooling's whole gradient goes to the window's
(first) argmax, as in torch; an average pooling spreads it evenly over the window's input taps.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Optional, Union

import torch
import torch.nn.functional as F
from torch import Tensor

from resample_lib.functional import _pool_adaptive, _pool_fast
from resample_lib.functional._pool_adaptive import adaptive_args, bin_edges
from resample_lib.functional._pool_windows import (
    accumulate_dtype,
    avg_pool_windows,
    gather_plane,
    lowest,
    pool_windows,
    unpool_args,
)
from resample_lib.functional._validate import IntOrTuple

__all__ = [
    "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d", "max_unpool2d",
    "max_pool2d_reference", "avg_pool2d_reference", "adaptive_avg_pool2d_reference", "adaptive_max_pool2d_reference",
]

MaybeIndices = Union[Tensor, tuple[Tensor, Tensor]]


# --------------------------------------------------------------------------- #
# reference versions: what is computed, in a few lines
# --------------------------------------------------------------------------- #
def max_pool2d_reference(
    input: Tensor, kernel_size: IntOrTuple, stride: Optional[IntOrTuple] = None, padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1, ceil_mode: bool = False, return_indices: bool = False,
) -> MaybeIndices:
    r"""2-D max pooling in a few lines: pad with :math:`-\infty`, cut the windows with ``unfold``, take each maximum.

    Arguments, shapes and values are those of :func:`max_pool2d`, and so are the indices, except in two corner
    cases where torch has its own rules: among several NaNs in a window torch reports the last, and for a window
    whose input taps are all :math:`-\infty` it reports the first input tap; here ``max`` picks the first NaN, or
    the first tap even if it lies in the padding.

    Examples:
        >>> x = torch.arange(16.).reshape(1, 4, 4)
        >>> max_pool2d_reference(x, 3, stride=2, padding=1, return_indices=True)
        (tensor([[[ 5.,  7.],
                 [13., 15.]]]), tensor([[[ 5,  7],
                 [13, 15]]]))
    """
    (kh, kw), (sh, sw), (ph, pw), (dh, dw), (oh, ow) = pool_windows(
        "max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode)
    H, W = input.shape[-2:]
    eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1  # the extent of a dilated window

    def windows(t: Tensor) -> Tensor:  # (..., oh, ow, kh * kw): the taps of every window, row-major
        return t.unfold(-2, eh, sh).unfold(-2, ew, sw)[..., :oh, :ow, ::dh, ::dw].flatten(-2)

    # Padding p on each side, and a window's extent more on the right, where a ceil_mode window may hang over.
    padded = F.pad(input, (pw, pw + ew, ph, ph + eh), value=lowest(input.dtype))
    values, arg = windows(padded).max(-1)
    if not return_indices:
        return values
    rows = torch.arange(-ph, H + ph + eh, device=input.device)
    cols = torch.arange(-pw, W + pw + ew, device=input.device)
    flat = rows[:, None] * W + cols[None, :]  # the flat index h * W + w of every padded position
    return values, windows(flat).expand(*arg.shape, -1).gather(-1, arg[..., None])[..., 0]


def avg_pool2d_reference(
    input: Tensor, kernel_size: IntOrTuple, stride: Optional[IntOrTuple] = None, padding: IntOrTuple = 0,
    ceil_mode: bool = False, count_include_pad: bool = True, divisor_override: Optional[int] = None,
) -> Tensor:
    r"""2-D average pooling in a few lines: sum each window of the zero-padded input, divide by what it counts.

    The divisor is the same window sum over a map of ones (on the input, and on the padding if
    ``count_include_pad``; zeros beyond, where a ``ceil_mode`` window hangs over). Arguments, shapes and values
    are those of :func:`avg_pool2d`.

    Examples:
        >>> avg_pool2d_reference(torch.ones(1, 3, 3), 2, padding=1)
        tensor([[[0.2500, 0.5000],
                 [0.5000, 1.0000]]])
    """
    (kh, kw), (sh, sw), (ph, pw), _, (oh, ow) = avg_pool_windows(
        input, kernel_size, stride, padding, ceil_mode, divisor_override)
    x = input.to(accumulate_dtype(input.dtype))
    counted = torch.ones(input.shape[-2:], dtype=x.dtype, device=x.device)
    counted = F.pad(counted, (pw, pw, ph, ph), value=int(count_include_pad))

    def window_sums(t: Tensor) -> Tensor:  # zeros on the right for ceil_mode's overhang, then (..., oh, ow)
        t = F.pad(t, (0, kw, 0, kh))
        return t.unfold(-2, kh, sh).unfold(-2, kw, sw)[..., :oh, :ow, :, :].sum((-2, -1))

    total = window_sums(F.pad(x, (pw, pw, ph, ph)))
    divisor = window_sums(counted) if divisor_override is None else divisor_override
    if input.is_floating_point():
        return (total / divisor).to(input.dtype)
    return torch.div(total, divisor, rounding_mode="trunc")  # integers: truncated toward zero, as torch does


def adaptive_avg_pool2d_reference(input: Tensor, output_size: Union[int, Sequence[Optional[int]]]) -> Tensor:
    r"""2-D adaptive average pooling in a few lines: the mean of every bin, one bin at a time.

    Arguments, shapes and values are those of :func:`adaptive_avg_pool2d`.

    Examples:
        >>> adaptive_avg_pool2d_reference(torch.arange(5.).reshape(1, 1, 5), (1, 3))
        tensor([[[0.5000, 2.0000, 3.5000]]])
    """
    oh, ow = adaptive_args("adaptive_avg_pool2d", input, output_size, True)
    x = input.to(accumulate_dtype(input.dtype))
    out = x.new_zeros(*x.shape[:-2], oh, ow)
    for i, (h0, h1) in enumerate(bin_edges(x.shape[-2], oh)):
        for j, (w0, w1) in enumerate(bin_edges(x.shape[-1], ow)):
            out[..., i, j] = x[..., h0:h1, w0:w1].mean((-2, -1))
    return out.to(input.dtype)


def adaptive_max_pool2d_reference(
    input: Tensor, output_size: Union[int, Sequence[Optional[int]]], return_indices: bool = False
) -> MaybeIndices:
    r"""2-D adaptive max pooling in a few lines: the maximum of every bin and where it is, one bin at a time.

    Arguments, shapes and values are those of :func:`adaptive_max_pool2d`, and so are the indices, except that
    among several NaNs in a bin ``max`` reports the first and torch the last.

    Examples:
        >>> adaptive_max_pool2d_reference(torch.tensor([[[1., 3., 3., 2.]]]), (1, 2), return_indices=True)
        (tensor([[[3., 3.]]]), tensor([[[1, 2]]]))
    """
    oh, ow = adaptive_args("adaptive_max_pool2d", input, output_size, False)
    W = input.shape[-1]
    values = input.new_zeros(*input.shape[:-2], oh, ow)
    index = torch.zeros(values.shape, dtype=torch.int64, device=input.device)
    for i, (h0, h1) in enumerate(bin_edges(input.shape[-2], oh)):
        for j, (w0, w1) in enumerate(bin_edges(W, ow)):
            values[..., i, j], arg = input[..., h0:h1, w0:w1].flatten(-2).max(-1)
            index[..., i, j] = (h0 + arg // (w1 - w0)) * W + w0 + arg % (w1 - w0)
    return (values, index) if return_indices else values


# --------------------------------------------------------------------------- #
# the public operations: checks, then the fast paths
# --------------------------------------------------------------------------- #
def _needs_grad(input: Tensor) -> bool:
    return torch.is_grad_enabled() and input.requires_grad


def _maxima(input: Tensor, values: Tensor, index: Tensor, return_indices: bool) -> MaybeIndices:
    """With autograd on, read the maxima back through the indices: each window's gradient goes to its argmax."""
    if _needs_grad(input):
        values = gather_plane(input, index, lowest(input.dtype))
    return (values, index) if return_indices else values


def max_pool2d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple] = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> MaybeIndices:
    r"""2-D max pooling, as :func:`torch.nn.functional.max_pool2d`.

    .. math::
        y[o_h, o_w] = \max_{0 \le i < k_h,\; 0 \le j < k_w} x[o_h s_h - p_h + i d_h,\; o_w s_w - p_w + j d_w],

    where taps in the padding count as :math:`-\infty`. Ties go to the first maximum in row-major order of the
    window; a NaN always wins, and among several NaNs the *last* one does (torch's scan updates on
    ``val > max or isnan(val)``). A window whose valid taps are all :math:`-\infty` reports its first valid tap.
    :func:`max_pool2d_reference` computes the same in a few lines.

    Args:
        input: feature maps.
        kernel_size: window size, an int or ``(kH, kW)``.
        stride: window step; defaults to ``kernel_size``.
        padding: implicit :math:`-\infty` padding on both sides, at most ``kernel_size // 2`` (torch's rule,
            whatever the dilation).
        dilation: spacing between the taps of a window.
        ceil_mode: round the output size up (a last window that would start in the right padding is still
            dropped).
        return_indices: also return, for each output, the flat index ``h * W + w`` of the maximum inside its
            input plane.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`; only :math:`N` may be 0.
        - Output: :math:`(N, C, H_{out}, W_{out})` or :math:`(C, H_{out}, W_{out})`, with
          :func:`~resample_lib.functional.output_size.pool_output_size` per axis; indices alike, ``int64``.

    Examples:
        >>> x = torch.arange(16.).reshape(1, 4, 4)
        >>> max_pool2d(x, 2)
        tensor([[[ 5.,  7.],
                 [13., 15.]]])
        >>> max_pool2d(x, 3, stride=2, padding=1, return_indices=True)[1]
        tensor([[[ 5,  7],
                 [13, 15]]])
    """
    windows = pool_windows("max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode)
    if not return_indices and not _needs_grad(input):
        return _pool_fast.max_values(input, windows)
    return _maxima(input, *_pool_fast.max_with_indices(input.detach(), windows), return_indices)


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
        y[o_h, o_w] = \frac{1}{D[o_h, o_w]} \sum_{i < k_h,\; j < k_w} x[o_h s_h - p_h + i,\; o_w s_w - p_w + j],

    with taps in the padding counting as zero. Let a window start at :math:`a = o\,s - p` along an axis and end at
    :math:`b = \min(a + k, n + p)` (a ``ceil_mode`` window is cut at the end of the right padding). The divisor is
    the product over both axes of :math:`b - a` if ``count_include_pad`` (padding counts, the overhang past it
    does not), :math:`\min(b, n) - \max(a, 0)` otherwise (only input taps count), or ``divisor_override`` when
    given. :func:`avg_pool2d_reference` computes the same in a few lines.

    Args:
        input: feature maps, floating point or ``int64`` (integer averages are truncated toward zero, as torch
            does).
        kernel_size: window size, an int or ``(kH, kW)``.
        stride: window step; defaults to ``kernel_size``.
        padding: implicit zero padding on both sides, at most ``kernel_size // 2``.
        ceil_mode: round the output size up (a last window that would start in the right padding is still
            dropped).
        count_include_pad: count the zero padding in the divisor.
        divisor_override: divide every sum by this nonzero int instead.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`; only :math:`N` may be 0.
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
    windows = avg_pool_windows(input, kernel_size, stride, padding, ceil_mode, divisor_override)
    return _pool_fast.avg_pool(input, windows, count_include_pad, divisor_override)


def adaptive_avg_pool2d(input: Tensor, output_size: Union[int, Sequence[Optional[int]]]) -> Tensor:
    r"""2-D adaptive average pooling, as :func:`torch.nn.functional.adaptive_avg_pool2d`.

    Output :math:`(i, j)` averages the bin :math:`[\lfloor iH/o_h \rfloor, \lceil (i+1)H/o_h \rceil) \times
    [\lfloor jW/o_w \rfloor, \lceil (j+1)W/o_w \rceil)`. When :math:`o` does not divide the input size the bins
    overlap; when :math:`o > n` some input rows are repeated. :func:`adaptive_avg_pool2d_reference` computes the
    same one bin at a time.

    Args:
        input: feature maps (floating point).
        output_size: ``o`` or ``(o_h, o_w)``; a ``None`` entry keeps that input size. ``0`` gives an empty output,
            as in torch.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`; :math:`N` and :math:`C` may be 0.
        - Output: :math:`(N, C, o_h, o_w)` or :math:`(C, o_h, o_w)`.

    Examples:
        >>> x = torch.arange(5.).reshape(1, 1, 5)
        >>> adaptive_avg_pool2d(x, (1, 3))   # bins [0, 2), [1, 4), [3, 5)
        tensor([[[0.5000, 2.0000, 3.5000]]])
    """
    oh, ow = adaptive_args("adaptive_avg_pool2d", input, output_size, True)
    if oh == 0 or ow == 0:
        return input.new_zeros(*input.shape[:-2], oh, ow)
    return _pool_adaptive.adaptive_avg(input, oh, ow)


def adaptive_max_pool2d(
    input: Tensor, output_size: Union[int, Sequence[Optional[int]]], return_indices: bool = False
) -> MaybeIndices:
    r"""2-D adaptive max pooling, as :func:`torch.nn.functional.adaptive_max_pool2d`.

    Output :math:`(i, j)` is the maximum over the bin :math:`[\lfloor iH/o_h \rfloor, \lceil (i+1)H/o_h \rceil)
    \times [\lfloor jW/o_w \rfloor, \lceil (j+1)W/o_w \rceil)`, with torch's tie rules: first maximum in row-major
    order, the last NaN if there is one. :func:`adaptive_max_pool2d_reference` computes the same one bin at a time.

    Args:
        input: feature maps (floating point).
        output_size: ``o`` or ``(o_h, o_w)``; a ``None`` entry keeps that input size. ``0`` gives an empty output,
            as in torch.
        return_indices: also return the flat index ``h * W + w`` of each maximum.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`; only the first dimension may be 0.
        - Output: :math:`(N, C, o_h, o_w)` or :math:`(C, o_h, o_w)`; indices alike, ``int64``.

    Examples:
        >>> x = torch.tensor([[[1., 3., 3., 2.]]])
        >>> adaptive_max_pool2d(x, (1, 2), return_indices=True)
        (tensor([[[3., 3.]]]), tensor([[[1, 2]]]))
    """
    oh, ow = adaptive_args("adaptive_max_pool2d", input, output_size, False)
    if oh == 0 or ow == 0:
        empty = input.new_zeros(*input.shape[:-2], oh, ow)
        return (empty, empty.long()) if return_indices else empty
    return _maxima(input, *_pool_adaptive.adaptive_max(input.detach(), oh, ow), return_indices)


def max_unpool2d(
    input: Tensor,
    indices: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple] = None,
    padding: IntOrTuple = 0,
    output_size: Optional[Sequence[int]] = None,
) -> Tensor:
    r"""Partial inverse of :func:`max_pool2d`, as :func:`torch.nn.functional.max_unpool2d`.

    Every value goes back to where its maximum came from; all other outputs are zero:
    :math:`y[\mathrm{idx}[o]] = x[o]`, with ``idx`` the flat ``h * W_{out} + w`` indices from
    ``max_pool2d(..., return_indices=True)``. The output size defaults to :math:`(n - 1)\,s + k - 2p` per axis (a
    transposed convolution's); ``output_size`` may pick any size strictly within ``s`` of it.

    Overlapping pooling windows can share a maximum, so two inputs may carry the same index; they also carry the
    same value, and either may land. (With different values the result is unspecified, in torch as here; in the
    backward pass each input receives the gradient at its index.)

    Args:
        input: pooled values.
        indices: ``int64`` flat indices of the same shape as ``input``.
        kernel_size: the pooling's window size.
        stride: the pooling's stride; defaults to ``kernel_size``.
        padding: the pooling's padding.
        output_size: ``(H, W)`` or ``(N, C, H, W)`` of the result.

    Shape:
        - Input, indices: :math:`(N, C, H_{in}, W_{in})` or :math:`(C, H_{in}, W_{in})`; only the first
          dimension may be 0.
        - Output: :math:`(N, C, H, W)` or :math:`(C, H, W)`.

    Examples:
        >>> x = torch.tensor([[[1., 5.], [3., 2.]]])
        >>> y, idx = max_pool2d(x, 2, return_indices=True)
        >>> max_unpool2d(y, idx, 2)
        tensor([[[0., 5.],
                 [0., 0.]]])
        >>> max_unpool2d(y[:0], idx[:0], 2).shape   # an empty batch gives an empty result
        torch.Size([0, 2, 2])
    """
    out_h, out_w = unpool_args("max_unpool2d", input, indices, kernel_size, stride, padding, output_size)
    # Scatter: its gradient with respect to the values is a gather of the output's gradient at the indices,
    # which is exactly torch's backward.
    out = input.new_zeros(*input.shape[:-2], out_h * out_w).scatter(-1, indices.flatten(-2), input.flatten(-2))
    return out.unflatten(-1, (out_h, out_w))
