r"""Blur pooling (Zhang, 2019) as a ``torch.nn`` module: :class:`BlurPool2d`.

The operation is :func:`resample_lib.functional.blur_pool.blur_pool2d`: blur every channel with the binomial
filter :math:`b_f b_f^\top`, :math:`b_f[j] = \binom{f-1}{j} / 2^{f-1}`, after padding by
:math:`\lfloor (f-1)/2 \rfloor` before and :math:`\lceil (f-1)/2 \rceil` after each axis, and keep every
:math:`s`-th sample:

.. math::
    y[o_h, o_w] = \sum_{i, j=0}^{f-1} b_f[i]\, b_f[j]\; \tilde x[o_h s + i,\; o_w s + j],
    \qquad H_\text{out} = \lceil H/s \rceil .

Like every module of :mod:`resample_lib.nn`, the module computes with torch's own operations, for training
speed: one depthwise ``F.conv2d`` whose kernel, the 2-D filter once per channel, is a buffer. The function
computes the same sum from slices, in two 1-D passes; the two agree to rounding (``tests/test_blur_pool.py``),
not bit for bit, because they add the :math:`f^2` products in a different order.
"""
from __future__ import annotations

from typing import Optional

import torch.nn.functional as F
from torch import Tensor, nn

from resample_lib.functional._validate import check_choice, check_int
from resample_lib.functional.blur_pool import PAD_MODES, _check_blur_args, binomial_filter, binomial_filter2d

__all__ = ["BlurPool2d"]


class BlurPool2d(nn.Module):
    r"""Blur with a binomial filter, then subsample by ``stride``: the module form of :func:`blur_pool2d`.

    The depthwise kernel, the 2-D filter :math:`b_f b_f^\top` once per channel, is a buffer, ``weight`` of
    shape :math:`(C, 1, f, f)` (:math:`(1, 1, f, f)` when ``channels`` is None), so it follows the module
    across ``.to(device)``, ``.double()`` and ``.to(memory_format=...)``; it is not trained and, being a
    constant of ``filt_size``, not stored in the ``state_dict``. ``filt`` is the 1-D filter :math:`b_f` and
    ``filt2d`` the 2-D one.

    Args:
        channels: expected number of input channels, checked in ``forward``; ``None`` accepts any (the
            filter is the same for every channel).
        filt_size: number of binomial taps per axis (default 3, as in :func:`blur_pool2d`;
            ``antialiased_cnns.BlurPool`` defaults to 4).
        stride: subsampling factor.
        pad_mode: ``'reflect'`` (Zhang's default), ``'replicate'``, ``'circular'`` or ``'zeros'``.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, \lceil H/s \rceil, \lceil W/s \rceil)` or
          :math:`(C, \lceil H/s \rceil, \lceil W/s \rceil)`.

    Examples:
        >>> pool = nn.Sequential(nn.MaxPool2d(2, stride=1), BlurPool2d(16))   # Zhang's MaxBlurPool
        >>> pool(torch.randn(1, 16, 32, 32)).shape
        torch.Size([1, 16, 16, 16])
        >>> BlurPool2d(1)(torch.tensor([[[0., 0., 1., 1.]] * 4]))   # a vertical edge, as blur_pool2d shows
        tensor([[[0.0000, 0.7500],
                 [0.0000, 0.7500]]])
    """

    weight: Tensor

    def __init__(
        self, channels: Optional[int] = None, filt_size: int = 3, stride: int = 2, pad_mode: str = "reflect"
    ) -> None:
        super().__init__()
        op = "BlurPool2d"
        self.channels = None if channels is None else check_int(channels, "channels", op, minimum=1)
        self.filt_size = check_int(filt_size, "filt_size", op, minimum=1)
        self.stride = check_int(stride, "stride", op, minimum=1)
        self.pad_mode = check_choice(pad_mode, "pad_mode", op, sorted(PAD_MODES))
        kernel = binomial_filter2d(filt_size).expand(channels or 1, 1, filt_size, filt_size).contiguous()
        self.register_buffer("weight", kernel, persistent=False)

    @property
    def filt(self) -> Tensor:
        """The 1-D filter :math:`b_f`, in the buffer's dtype and on its device."""
        return binomial_filter(self.filt_size, self.weight.dtype, self.weight.device)

    @property
    def filt2d(self) -> Tensor:
        """The 2-D filter :math:`b_f b_f^\top`, the outer product of ``filt`` with itself."""
        return self.weight[0, 0]

    def forward(self, input: Tensor) -> Tensor:
        _check_blur_args(input, self.filt_size, self.stride, self.pad_mode, "BlurPool2d")
        c = input.shape[-3]
        if self.channels is not None and c != self.channels:
            raise ValueError(f"BlurPool2d: expected {self.channels} channels, got input of shape {tuple(input.shape)}")
        f = self.filt_size
        left, right = (f - 1) // 2, f // 2  # floor and ceil of (f - 1) / 2
        x = F.pad(input, (left, right, left, right), mode=PAD_MODES[self.pad_mode]) if f > 1 else input
        weight = self.weight if self.channels is not None else self.weight.expand(c, 1, f, f).contiguous()
        return F.conv2d(x, weight.to(input.dtype), stride=self.stride, groups=c)

    def extra_repr(self) -> str:
        return f"channels={self.channels}, filt_size={self.filt_size}, stride={self.stride}, pad_mode={self.pad_mode!r}"
