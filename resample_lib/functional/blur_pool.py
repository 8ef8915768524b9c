r"""Blur pooling: low-pass filter, then subsample (Zhang, 2019).

Subsampling a feature map by :math:`s` keeps every :math:`s`-th sample and so
aliases every frequency above the new Nyquist limit; a one-pixel shift of the
input can change the output completely. Zhang's *"Making Convolutional Networks
Shift-Invariant Again"* (ICML 2019) blurs first, with a binomial filter, and
then subsamples: ``MaxPool(stride=2)`` becomes ``MaxPool(stride=1)`` followed by
``BlurPool(stride=2)``, and a strided convolution becomes convolution, ReLU,
``BlurPool``.

**The filter.** Row :math:`n = f - 1` of Pascal's triangle, normalised,

.. math::
    b_f[j] = \binom{f-1}{j} \Big/ 2^{\,f-1}, \qquad j = 0, \dots, f-1,

is the :math:`(f-1)`-fold convolution of the box ``[1/2, 1/2]`` with itself, a
discrete Gaussian of variance :math:`(f-1)/4`. The 2-D filter is the outer
product :math:`b_f b_f^\top`, so it sums to 1 and filtering factors into a
horizontal and a vertical pass.

**The output.** With Zhang's padding (below) the padded length is
:math:`n + f - 1` and the output length is
:math:`\lfloor (n-1)/s \rfloor + 1 = \lceil n/s \rceil`, the same as plain
subsampling ``x[..., ::s, ::s]``:

.. math::
    y[o_h, o_w] = \sum_{i, j} b_f[i]\, b_f[j]\;
        \tilde x[o_h s + i,\; o_w s + j],

where :math:`\tilde x` is the input padded by :math:`\lfloor (f-1)/2 \rfloor`
on the left/top and :math:`\lceil (f-1)/2 \rceil` on the right/bottom (the
convention of Zhang's reference ``antialiased_cnns.BlurPool`` with
``pad_off=0``): for even :math:`f` the extra sample goes to the right.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

from resample_lib.functional._validate import (
    check_choice, check_floating, check_int, check_non_empty, check_rank, check_tensor,
)

__all__ = ["binomial_filter", "binomial_filter2d", "blur_pool2d"]

# Our name -> F.pad's mode.
PAD_MODES = {"reflect": "reflect", "replicate": "replicate", "circular": "circular", "zeros": "constant"}


def binomial_filter(size: int, dtype: torch.dtype = torch.float32, device=None) -> Tensor:
    r"""The normalised binomial filter :math:`\binom{f-1}{j} / 2^{f-1}`, 1-D.

    Args:
        size: number of taps :math:`f \ge 1`.
        dtype: dtype of the result.
        device: device of the result.

    Shape:
        - Output: :math:`(f,)`, summing to 1.

    Examples:
        >>> binomial_filter(3)
        tensor([0.2500, 0.5000, 0.2500])
        >>> binomial_filter(5) * 16
        tensor([1., 4., 6., 4., 1.])
    """
    check_int(size, "size", "binomial_filter", minimum=1)
    n = size - 1
    # Dyadic rationals: exact in floating point for any practical size.
    return torch.tensor([math.comb(n, j) / 2**n for j in range(size)], dtype=dtype, device=device)


def binomial_filter2d(size: int, dtype: torch.dtype = torch.float32, device=None) -> Tensor:
    r"""The 2-D binomial filter, the outer product :math:`b_f b_f^\top`.

    Args:
        size: number of taps :math:`f \ge 1` per axis.
        dtype: dtype of the result.
        device: device of the result.

    Shape:
        - Output: :math:`(f, f)`, summing to 1.

    Examples:
        >>> binomial_filter2d(3) * 16
        tensor([[1., 2., 1.],
                [2., 4., 2.],
                [1., 2., 1.]])
    """
    b = binomial_filter(size, dtype, device)
    return b[:, None] * b[None, :]


def _blur_subsample(input: Tensor, taps: Tensor, stride: int, pad_mode: str) -> Tensor:
    """Separable depthwise filtering by ``taps`` on both axes, evaluated only at every ``stride``-th sample."""
    f = taps.numel()
    left, right = (f - 1) // 2, f // 2  # floor and ceil of (f - 1) / 2
    x = input
    if f > 1:
        mode = PAD_MODES[pad_mode]
        x = F.pad(x, (left, right, left, right), mode=mode, **({"value": 0.0} if mode == "constant" else {}))
    H, W = input.shape[-2:]
    oh, ow = (H - 1) // stride + 1, (W - 1) // stride + 1
    w = taps.to(dtype=input.dtype, device=input.device)

    # Horizontal pass, only at the kept columns: (..., H + f - 1, ow).
    rows = w[0] * x[..., :, 0: (ow - 1) * stride + 1: stride]
    for j in range(1, f):
        rows += w[j] * x[..., :, j: j + (ow - 1) * stride + 1: stride]
    # Vertical pass, only at the kept rows: (..., oh, ow).
    out = w[0] * rows[..., 0: (oh - 1) * stride + 1: stride, :]
    for i in range(1, f):
        out += w[i] * rows[..., i: i + (oh - 1) * stride + 1: stride, :]
    return out


def _check_blur_args(input: Tensor, filt_size: int, stride: int, pad_mode: str, op: str) -> None:
    check_tensor(input, "input", op)
    check_rank(input, (3, 4), op, "(N, C, H, W) or (C, H, W)")
    check_floating(input, op)
    check_non_empty(input, op, 3)
    check_int(filt_size, "filt_size", op, minimum=1)
    check_int(stride, "stride", op, minimum=1)
    check_choice(pad_mode, "pad_mode", op, sorted(PAD_MODES))
    right = filt_size // 2
    H, W = input.shape[-2:]
    if pad_mode == "reflect" and right >= min(H, W):
        raise ValueError(
            f"{op}: reflect padding by {right} needs H and W larger than {right}, "
            f"got {H}x{W} with filt_size={filt_size}"
        )
    if pad_mode == "circular" and right > min(H, W):
        raise ValueError(
            f"{op}: circular padding by {right} needs H and W of at least {right}, "
            f"got {H}x{W} with filt_size={filt_size}"
        )


def blur_pool2d(input: Tensor, filt_size: int = 3, stride: int = 2, pad_mode: str = "reflect") -> Tensor:
    r"""Blur with a binomial filter, then subsample by ``stride`` (Zhang, 2019).

    .. math::
        y[o_h, o_w] = \sum_{i, j=0}^{f-1} b_f[i]\, b_f[j]\;
            \tilde x[o_h s + i,\; o_w s + j],
        \qquad b_f[j] = \binom{f-1}{j} / 2^{f-1},

    with :math:`\tilde x` the input padded by :math:`\lfloor (f-1)/2 \rfloor`
    before and :math:`\lceil (f-1)/2 \rceil` after each axis (Zhang's
    convention). Each channel is filtered on its own (a depthwise filter). The
    filter is separable, so it is applied as a horizontal then a vertical
    weighted sum of shifted slices, each evaluated only where the output keeps
    a sample: :math:`2f` multiply-adds per output instead of :math:`f^2`.

    ``filt_size=1`` is plain subsampling ``x[..., ::s, ::s]``; ``stride=1`` is
    blurring alone.

    Args:
        input: feature maps (floating point).
        filt_size: number of binomial taps per axis (1 = no blur). The default
            here is 3; Zhang's package ``antialiased_cnns`` defaults to 4 (its
            ``BlurPool`` and its models' ``filter_size``), while the paper's
            original code defaulted to 3 and reported 2, 3 and 5.
        stride: subsampling factor.
        pad_mode: ``'reflect'`` (Zhang's default), ``'replicate'``,
            ``'circular'`` or ``'zeros'``.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, \lceil H/s \rceil, \lceil W/s \rceil)` or
          :math:`(C, \lceil H/s \rceil, \lceil W/s \rceil)`.

    Examples:
        >>> x = torch.tensor([[[0., 0., 1., 1.]] * 4])   # a vertical edge
        >>> blur_pool2d(x, filt_size=3, stride=2)
        tensor([[[0.0000, 0.7500],
                 [0.0000, 0.7500]]])
        >>> x[..., ::2, ::2]
        tensor([[[0., 1.],
                 [0., 1.]]])
    """
    op = "blur_pool2d"
    _check_blur_args(input, filt_size, stride, pad_mode, op)
    return _blur_subsample(input, binomial_filter(filt_size, torch.float64), stride, pad_mode)
