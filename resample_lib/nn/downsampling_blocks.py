r"""Downsampling blocks for a U-Net: DDIM's own and drop-in alternatives, named in :data:`DOWNSAMPLERS`.

DDIM (Song, Meng & Ermon, 2021, ``models/diffusion.py``) keeps the resampling
blocks of DDPM (Ho, Jain & Abbeel, 2020) unchanged. Its downsampler, for a feature
map of :math:`C` channels, is ``Downsample(C, with_conv)``: with a convolution,
zero-pad *one* column on the right and *one* row at the bottom, then a 3x3
convolution with stride 2 and no padding; without, a 2x2 average pool with stride 2.

**Output sizes.** For an input of height :math:`H` (widths alike):

.. math::
    H_\text{pad+conv} = \left\lfloor \frac{(H + 1) - 3}{2} \right\rfloor + 1
                      = \left\lfloor \frac{H}{2} \right\rfloor, \qquad
    H_\text{avg} = \left\lfloor \frac{H}{2} \right\rfloor .

On an even :math:`H` the extra zero row is what makes the strided conv give
:math:`H/2` rather than :math:`H/2 - 1`; on an odd :math:`H` the last 3-row window
starts at row :math:`H - 3` and ends at row :math:`H - 1`, so the padded row is
never read. Both of DDIM's downsamplers therefore round *down*, and on an odd
:math:`H` DDIM's upsampling gives :math:`2\lfloor H/2\rfloor = H - 1 \ne H`: the skip
connection's concatenation fails, which is why DDIM's images have sides divisible
by :math:`2^{\text{levels}-1}`. (A symmetric padding of 1, as in
:class:`StridedConvDownsample`, rounds up instead and gives :math:`H + 1`; no
downsampler by 2 can make ``up(down(H)) == H`` for odd :math:`H`.)

The alternatives move the sampling grid (:class:`StridedConvDownsample`), pool
differently (:class:`MaxPoolDownsample`, :class:`BlurPoolDownsample`) or keep
every input value (:class:`PixelUnshuffleDownsample`). Each is a
:class:`~resample_lib.nn.resampling_block.ResamplingBlock` (see there for the
seeded initialisation).
"""
from __future__ import annotations

from functools import partial
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from resample_lib.nn.blur_pool import BlurPool2d
from resample_lib.nn.resampling_block import BlockFactory, OptionalConvBlock, ResamplingBlock

__all__ = [
    "Downsample",
    "StridedConvDownsample",
    "MaxPoolDownsample",
    "BlurPoolDownsample",
    "PixelUnshuffleDownsample",
    "DOWNSAMPLERS",
]


class Downsample(OptionalConvBlock):
    r"""DDIM's / DDPM's downsampling block: asymmetric pad + 3x3 stride-2 conv, or a 2x2 average pool.

    With ``with_conv`` the input gets one zero column on the right and one zero
    row at the bottom, then a 3x3 convolution with stride 2 and no padding:

    .. math::
        y = \mathrm{conv}_{3\times3,\,s=2,\,p=0}\big(\mathrm{pad}_{(0,1,0,1)}(x)\big),
        \qquad H_\text{out} = \lfloor (H+1-3)/2 \rfloor + 1 = \lfloor H/2 \rfloor .

    Without, :math:`y = \mathrm{avg\_pool}_{2\times2,\,s=2}(x)`, also
    :math:`H_\text{out} = \lfloor H/2 \rfloor`. On odd sizes both round down and the
    padded zero row and column are never read (see the module doc).

    Args:
        in_channels: :math:`C`, kept from input to output.
        with_conv: use the padded strided convolution instead of the average pool.
        generator: random source for the conv's initial weights (see :mod:`~resample_lib.nn.resampling_block`).

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, \lfloor H/2 \rfloor, \lfloor W/2 \rfloor)`, with or without the conv.

    Examples:
        >>> Downsample(4, with_conv=True)(torch.randn(1, 4, 7, 8)).shape
        torch.Size([1, 4, 3, 4])
        >>> Downsample(4, with_conv=False)(torch.randn(1, 4, 7, 8)).shape
        torch.Size([1, 4, 3, 4])
    """

    def conv_layer(self, channels: int) -> nn.Module:
        return nn.Conv2d(channels, channels, kernel_size=3, stride=2, padding=0)

    def resample(self, x: Tensor) -> Tensor:
        if self.with_conv:
            return self.conv(F.pad(x, (0, 1, 0, 1), mode="constant", value=0.0))
        return F.avg_pool2d(x, kernel_size=2, stride=2)


class StridedConvDownsample(ResamplingBlock):
    r"""A 3x3 convolution with stride 2 and *symmetric* zero padding 1.

    :math:`H_\text{out} = \lfloor (H + 2 - 3)/2 \rfloor + 1 = \lceil H/2 \rceil`: the
    same as DDIM's pad+conv for even :math:`H`, one more for odd :math:`H`. The
    sampling grid is centred: output pixel :math:`o` sees input rows
    :math:`2o-1, 2o, 2o+1` instead of DDIM's :math:`2o, 2o+1, 2o+2`.

    Args:
        in_channels: :math:`C`, kept from input to output.
        generator: random source for the conv's initial weights.

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, \lceil H/2 \rceil, \lceil W/2 \rceil)`: on an odd side one more row or
          column than DDIM's ``Downsample`` gives

    Examples:
        >>> StridedConvDownsample(4)(torch.randn(1, 4, 8, 7)).shape  # 7 columns give ceil(7/2) = 4
        torch.Size([1, 4, 4, 4])
        >>> Downsample(4, with_conv=True)(torch.randn(1, 4, 8, 7)).shape  # DDIM's: floor(7/2) = 3
        torch.Size([1, 4, 4, 3])
    """

    def layers(self, channels: int) -> dict[str, nn.Module]:
        return {"conv": nn.Conv2d(channels, channels, kernel_size=3, stride=2, padding=1)}


class MaxPoolDownsample(ResamplingBlock):
    r"""A plain 2x2 max pool with stride 2, no parameters (no 1x1 conv after it).

    Kept plain on purpose, the sibling of DDIM's parameter-free average pool.

    Args:
        in_channels: :math:`C`, kept from input to output (checked, not used).
        generator: accepted for a uniform interface; nothing is random.

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, \lfloor H/2 \rfloor, \lfloor W/2 \rfloor)`, like DDIM's average pool

    Examples:
        >>> MaxPoolDownsample(4)(torch.randn(1, 4, 8, 7)).shape
        torch.Size([1, 4, 4, 3])
    """

    def resample(self, x: Tensor) -> Tensor:
        return F.max_pool2d(x, kernel_size=2, stride=2)


class BlurPoolDownsample(ResamplingBlock):
    r"""Blur pooling (Zhang, 2019): a fixed binomial 3x3 low-pass filter, then keep every second pixel.

    The filter is :math:`\tfrac{1}{16}[1, 2, 1]^\top [1, 2, 1]`, applied to each
    channel separately (depthwise) after reflect-padding one pixel on every side,
    with stride 2: a :class:`~resample_lib.nn.blur_pool.BlurPool2d` with its defaults,

    .. math::
        y[c, o_h, o_w] = \sum_{i,j=0}^{2} \tfrac{1}{16} b[i]\,b[j]\;
            \tilde x[c,\, 2o_h + i,\, 2o_w + j],
        \qquad H_\text{out} = \lceil H/2 \rceil .

    By default the block is parameter-free, like DDIM's average pool (of which it
    is a smoother version). With ``with_conv=True`` a 3x3 stride-1 convolution runs
    *before* the blur, Zhang's replacement for a strided convolution
    (``Conv(stride 2)`` becomes ``Conv(stride 1)`` then ``BlurPool(stride 2)``; the
    ReLU he puts between them is left to the network). The filter is not stored,
    so the state dict holds only the conv, if any.

    Args:
        in_channels: :math:`C`, kept from input to output.
        with_conv: apply a 3x3 stride-1 conv before the blur. Default: ``False``.
        generator: random source for the conv's initial weights.

    Shape:
        - Input: :math:`(N, C, H, W)`, :math:`H, W \ge 2` (reflect padding needs it)
        - Output: :math:`(N, C, \lceil H/2 \rceil, \lceil W/2 \rceil)`

    Examples:
        >>> BlurPoolDownsample(4)(torch.randn(1, 4, 8, 7)).shape
        torch.Size([1, 4, 4, 4])
    """

    def __init__(
        self, in_channels: int, with_conv: bool = False, generator: Optional[torch.Generator] = None
    ) -> None:
        super().__init__(in_channels, generator)
        self.with_conv = bool(with_conv)
        if self.with_conv:
            self.conv = nn.Conv2d(in_channels, in_channels, kernel_size=3, stride=1, padding=1)
        self.pool = BlurPool2d(in_channels, filt_size=3, stride=2, pad_mode="reflect")
        self.draw_weights(generator)

    def resample(self, x: Tensor) -> Tensor:
        return self.pool(self.conv(x) if self.with_conv else x)


class PixelUnshuffleDownsample(ResamplingBlock):
    r"""Space-to-depth then a 1x1 conv: ``pixel_unshuffle(2)`` to :math:`4C` channels, conv :math:`4C \to C`.

    Nothing is discarded before the conv: each output pixel is a learned linear
    combination of the :math:`4C` values of its 2x2 input block (a 2x2 stride-2
    convolution, written differently). ``pixel_unshuffle`` needs even sizes.

    Args:
        in_channels: :math:`C`, kept from input to output.
        generator: random source for the conv's initial weights.

    Shape:
        - Input: :math:`(N, C, H, W)`, :math:`H` and :math:`W` even
        - Output: :math:`(N, C, H/2, W/2)`

    Examples:
        >>> PixelUnshuffleDownsample(4)(torch.randn(1, 4, 8, 6)).shape
        torch.Size([1, 4, 4, 3])
    """

    def layers(self, channels: int) -> dict[str, nn.Module]:
        return {"unshuffle": nn.PixelUnshuffle(2), "conv": nn.Conv2d(4 * channels, channels, kernel_size=1)}

    def resample(self, x: Tensor) -> Tensor:
        if x.shape[-2] % 2 or x.shape[-1] % 2:
            raise ValueError(
                f"PixelUnshuffleDownsample: pixel_unshuffle(2) needs even H and W, got {tuple(x.shape[-2:])}"
            )
        return self.conv(self.unshuffle(x))


#: Named downsamplers, each ``(channels, generator=None) -> ResamplingBlock`` mapping
#: :math:`(N, C, H, W) \to (N, C, H/2, W/2)` for even :math:`H, W`.
DOWNSAMPLERS: dict[str, BlockFactory] = {
    "pad+conv s2 (DDIM)": partial(Downsample, with_conv=True),
    "avg pool (DDIM)": partial(Downsample, with_conv=False),
    "conv s2 p1": StridedConvDownsample,
    "max pool": MaxPoolDownsample,
    "blur pool": BlurPoolDownsample,
    "pixel unshuffle+1x1": PixelUnshuffleDownsample,
}
