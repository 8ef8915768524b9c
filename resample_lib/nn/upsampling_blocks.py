r"""Upsampling blocks for a U-Net: DDIM's own and drop-in alternatives, named in :data:`UPSAMPLERS`.

DDIM (Song, Meng & Ermon, 2021, ``models/diffusion.py``) keeps the resampling
blocks of DDPM (Ho, Jain & Abbeel, 2020) unchanged. Its upsampler, for a feature
map of :math:`C` channels, is ``Upsample(C, with_conv)``: nearest-neighbour
interpolation by 2, then (if ``with_conv``) a 3x3 convolution, stride 1, padding 1,
:math:`C \to C`, so :math:`H_\text{up} = 2H`. The alternatives change the
interpolation kernel (:class:`BilinearUpsample`) or learn the interpolation
(:class:`TransposedUpsample`, :class:`PixelShuffleUpsample`). Each is a
:class:`~resample_lib.nn.resampling_block.ResamplingBlock` (see there for the
seeded initialisation); :mod:`resample_lib.nn.downsampling_blocks` holds the
other direction, and why odd sizes cannot come back.
"""
from __future__ import annotations

import math
from functools import partial
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from resample_lib.functional.shuffle import icnr_
from resample_lib.nn.resampling_block import BlockFactory, OptionalConvBlock, ResamplingBlock

__all__ = ["Upsample", "TransposedUpsample", "PixelShuffleUpsample", "BilinearUpsample", "UPSAMPLERS"]


class Upsample(OptionalConvBlock):
    r"""DDIM's / DDPM's upsampling block: nearest-neighbour x2, then an optional 3x3 conv.

    .. math::
        y = \mathrm{conv}_{3\times3,\,s=1,\,p=1}\big(\mathrm{nearest}_{\times 2}(x)\big)

    The state dict holds ``conv.weight`` :math:`(C, C, 3, 3)` and ``conv.bias``
    :math:`(C)` when ``with_conv`` is true (nothing otherwise), the names and
    shapes of DDIM's checkpoints, so their tensors load with ``load_state_dict``.

    Args:
        in_channels: :math:`C`, kept from input to output.
        with_conv: apply the 3x3 convolution after the interpolation.
        generator: random source for the conv's initial weights (see :mod:`~resample_lib.nn.resampling_block`).

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, 2H, 2W)`

    Examples:
        >>> Upsample(4, with_conv=True)(torch.randn(1, 4, 5, 6)).shape
        torch.Size([1, 4, 10, 12])
    """

    def conv_layer(self, channels: int) -> nn.Module:
        return nn.Conv2d(channels, channels, kernel_size=3, stride=1, padding=1)

    def resample(self, x: Tensor) -> Tensor:
        x = F.interpolate(x, scale_factor=2.0, mode="nearest")
        return self.conv(x) if self.with_conv else x


class TransposedUpsample(ResamplingBlock):
    r"""Learned upsampling by a transposed convolution, kernel 4, stride 2, padding 1.

    :math:`H_\text{out} = (H - 1)\cdot 2 - 2\cdot 1 + 4 = 2H`. Kernel 4 is divisible
    by the stride, so every output pixel receives the same number (4) of kernel
    taps; the weights can still differ between the four sub-pixel positions, and
    checkerboard patterns appear when they do (Odena et al., 2016).

    Args:
        in_channels: :math:`C`, kept from input to output.
        generator: random source for the transposed convolution's initial weights.

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, 2H, 2W)`, every output pixel from a 2x2 window of inputs

    Examples:
        >>> TransposedUpsample(4)(torch.randn(1, 4, 5, 6)).shape
        torch.Size([1, 4, 10, 12])
    """

    def layers(self, channels: int) -> dict[str, nn.Module]:
        return {"conv": nn.ConvTranspose2d(channels, channels, kernel_size=4, stride=2, padding=1)}


class PixelShuffleUpsample(ResamplingBlock):
    r"""Sub-pixel convolution: a 3x3 conv to :math:`4C` channels, then ``pixel_shuffle(2)`` (Shi et al., 2016).

    The conv is initialised with :func:`resample_lib.functional.shuffle.icnr_`, so at initialisation the block
    equals nearest-neighbour upsampling of a 3x3 convolution, with no
    checkerboard; training may then make the four sub-pixel kernels differ.

    Args:
        in_channels: :math:`C`, kept from input to output.
        generator: random source for the ICNR draw of the conv's weight and bias.

    Shape:
        - Input: :math:`(N, C, H, W)`, then :math:`(N, 4C, H, W)` after the conv
        - Output: :math:`(N, C, 2H, 2W)`

    Examples:
        >>> PixelShuffleUpsample(4)(torch.randn(1, 4, 5, 6)).shape
        torch.Size([1, 4, 10, 12])
    """

    def layers(self, channels: int) -> dict[str, nn.Module]:
        return {"conv": nn.Conv2d(channels, 4 * channels, kernel_size=3, stride=1, padding=1),
                "shuffle": nn.PixelShuffle(2)}

    def draw_weights(self, generator: Optional[torch.Generator]) -> None:
        """ICNR with torch's default conv distributions (Kaiming-uniform, a = sqrt(5)), also when ``generator`` is None."""
        icnr_(self.conv.weight, 2, init=partial(nn.init.kaiming_uniform_, a=math.sqrt(5)), generator=generator,
              bias=self.conv.bias)


class BilinearUpsample(ResamplingBlock):
    r"""Bilinear interpolation by 2 (``align_corners=False``), then a 3x3 stride-1 padding-1 conv.

    DDIM's block with the nearest-neighbour kernel replaced by the tent (linear)
    kernel: the interpolation already smooths, so the conv starts from an image
    without the blocky 2x2 copies.

    Args:
        in_channels: :math:`C`, kept from input to output.
        generator: random source for the conv's initial weights.

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, 2H, 2W)`, convolved at the output resolution

    Examples:
        >>> BilinearUpsample(4)(torch.randn(1, 4, 5, 6)).shape
        torch.Size([1, 4, 10, 12])
    """

    def layers(self, channels: int) -> dict[str, nn.Module]:
        return {"conv": nn.Conv2d(channels, channels, kernel_size=3, stride=1, padding=1)}

    def resample(self, x: Tensor) -> Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False))


#: Named upsamplers, each ``(channels, generator=None) -> ResamplingBlock`` mapping
#: :math:`(N, C, H, W) \to (N, C, 2H, 2W)`.
UPSAMPLERS: dict[str, BlockFactory] = {
    "nearest+conv (DDIM)": partial(Upsample, with_conv=True),
    "transposed k4s2": TransposedUpsample,
    "pixel shuffle (ICNR)": PixelShuffleUpsample,
    "bilinear+conv": BilinearUpsample,
}
