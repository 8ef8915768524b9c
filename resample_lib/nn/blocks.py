r"""Up- and downsampling blocks for a U-Net, DDIM's own and drop-in alternatives.

DDIM (Song, Meng & Ermon, 2021, ``models/diffusion.py``) keeps the resampling
blocks of DDPM (Ho, Jain & Abbeel, 2020) unchanged. For a feature map of
:math:`C` channels they are

* ``Upsample(C, with_conv)``: nearest-neighbour interpolation by 2, then (if
  ``with_conv``) a 3x3 convolution, stride 1, padding 1, :math:`C \to C`;
* ``Downsample(C, with_conv)``: with a convolution, zero-pad *one* column on the
  right and *one* row at the bottom, then a 3x3 convolution with stride 2 and no
  padding; without, a 2x2 average pool with stride 2.

**Output sizes.** For an input of height :math:`H` (widths alike):

.. math::
    H_\text{up} = 2H, \qquad
    H_\text{pad+conv} = \left\lfloor \frac{(H + 1) - 3}{2} \right\rfloor + 1
                      = \left\lfloor \frac{H}{2} \right\rfloor, \qquad
    H_\text{avg} = \left\lfloor \frac{H}{2} \right\rfloor .

On an even :math:`H` the extra zero row is what makes the strided conv give
:math:`H/2` rather than :math:`H/2 - 1`; on an odd :math:`H` the last 3-row window
starts at row :math:`H - 3` and ends at row :math:`H - 1`, so the padded row is
never read. Both of DDIM's downsamplers therefore round *down*, and on an odd
:math:`H` upsampling gives :math:`2\lfloor H/2\rfloor = H - 1 \ne H`: the skip
connection's concatenation fails, which is why DDIM's images have sides divisible
by :math:`2^{\text{levels}-1}`. (A symmetric padding of 1, as in
:class:`StridedConvDownsample`, rounds up instead and gives :math:`H + 1`; no
downsampler by 2 can make ``up(down(H)) == H`` for odd :math:`H`.)

**Alternatives.** Every block below takes ``(in_channels, ..., generator=None)``,
keeps the channel count, and doubles or halves :math:`H` and :math:`W`; the
registries :data:`UPSAMPLERS` and :data:`DOWNSAMPLERS` name them for experiments.
They use torch's own ``nn`` / ``F`` operations, for training speed; the
from-scratch versions of each operation live in :mod:`resample_lib.functional.interpolation`,
:mod:`resample_lib.functional.conv_transpose`, :mod:`resample_lib.functional.shuffle`,
:mod:`resample_lib.functional.pooling` and :mod:`resample_lib.functional.blur_pool`.

**Random initialisation.** With ``generator=None`` a block draws its weights
from torch's global generator exactly as ``nn.Conv2d`` does; with a
``torch.Generator`` it redraws them from the same distributions (torch's default
Kaiming-uniform, :math:`U(-1/\sqrt{\text{fan\_in}}, 1/\sqrt{\text{fan\_in}})`) using
that generator, so a seed fixes every weight.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from resample_lib.functional.shuffle import icnr_

__all__ = [
    "Upsample",
    "Downsample",
    "TransposedUpsample",
    "PixelShuffleUpsample",
    "BilinearUpsample",
    "StridedConvDownsample",
    "MaxPoolDownsample",
    "BlurPoolDownsample",
    "PixelUnshuffleDownsample",
    "reset_parameters_",
    "UPSAMPLERS",
    "DOWNSAMPLERS",
]


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #
def _check_channels(in_channels: object, block: str) -> int:
    if isinstance(in_channels, bool) or not isinstance(in_channels, int):
        raise TypeError(f"{block}: in_channels must be an int, got {in_channels!r}")
    if in_channels < 1:
        raise ValueError(f"{block}: in_channels must be at least 1, got in_channels={in_channels}")
    return in_channels


def _check_generator(generator: object, block: str) -> None:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"{block}: generator must be a torch.Generator or None, got {type(generator).__name__}")


def _check_input(x: Tensor, channels: int, block: str) -> None:
    if x.dim() != 4 or x.shape[1] != channels:
        raise ValueError(
            f"{block}: expected an input of shape (N, {channels}, H, W), got {tuple(x.shape)}"
        )


@torch.no_grad()
def reset_parameters_(module: nn.Module, generator: Optional[torch.Generator] = None) -> nn.Module:
    r"""Redraw every conv / transposed-conv / linear layer of ``module`` in place, as torch does.

    The distributions are those of ``nn.Conv2d.reset_parameters``: weights from
    ``kaiming_uniform_(a=sqrt(5))``, i.e. :math:`U(-b, b)` with
    :math:`b = 1/\sqrt{\text{fan\_in}}`, and biases from :math:`U(-b, b)` with the same
    :math:`b`. Layers are visited in ``module.modules()`` order, so one generator
    and one architecture always give the same weights.

    Args:
        module: the module to re-initialise (itself and all its submodules).
        generator: the random source; ``None`` uses torch's global generator.

    Returns:
        ``module``, for chaining.

    Examples:
        >>> a = reset_parameters_(nn.Conv2d(2, 2, 3), torch.Generator().manual_seed(0))
        >>> b = reset_parameters_(nn.Conv2d(2, 2, 3), torch.Generator().manual_seed(0))
        >>> torch.equal(a.weight, b.weight)
        True
    """
    _check_generator(generator, "reset_parameters_")
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.kaiming_uniform_(m.weight, a=math.sqrt(5), generator=generator)
            if m.bias is not None:
                fan_in, _ = nn.init._calculate_fan_in_and_fan_out(m.weight)
                bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
                m.bias.uniform_(-bound, bound, generator=generator)
    return module


def _init(module: nn.Module, generator: Optional[torch.Generator]) -> None:
    """Redraw ``module``'s layers from ``generator``; keep torch's own draw when it is None."""
    if generator is not None:
        reset_parameters_(module, generator)


# --------------------------------------------------------------------------- #
# DDIM's blocks
# --------------------------------------------------------------------------- #
class Upsample(nn.Module):
    r"""DDIM's / DDPM's upsampling block: nearest-neighbour x2, then an optional 3x3 conv.

    .. math::
        y = \mathrm{conv}_{3\times3,\,s=1,\,p=1}\big(\mathrm{nearest}_{\times 2}(x)\big)

    The state dict holds ``conv.weight`` :math:`(C, C, 3, 3)` and ``conv.bias``
    :math:`(C)` when ``with_conv`` is true (nothing otherwise), the names and
    shapes of DDIM's checkpoints, so their tensors load with ``load_state_dict``.

    Args:
        in_channels: :math:`C`, kept from input to output.
        with_conv: apply the 3x3 convolution after the interpolation.
        generator: random source for the conv's initial weights (see the module doc).

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, 2H, 2W)`

    Examples:
        >>> Upsample(4, with_conv=True)(torch.randn(1, 4, 5, 6)).shape
        torch.Size([1, 4, 10, 12])
    """

    def __init__(self, in_channels: int, with_conv: bool, generator: Optional[torch.Generator] = None) -> None:
        super().__init__()
        self.in_channels = _check_channels(in_channels, "Upsample")
        _check_generator(generator, "Upsample")
        self.with_conv = bool(with_conv)
        if self.with_conv:
            self.conv = nn.Conv2d(in_channels, in_channels, kernel_size=3, stride=1, padding=1)
            _init(self, generator)

    def forward(self, x: Tensor) -> Tensor:
        _check_input(x, self.in_channels, "Upsample")
        x = F.interpolate(x, scale_factor=2.0, mode="nearest")
        return self.conv(x) if self.with_conv else x

    def extra_repr(self) -> str:
        return f"{self.in_channels}, with_conv={self.with_conv}"


class Downsample(nn.Module):
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
        generator: random source for the conv's initial weights (see the module doc).

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, \lfloor H/2 \rfloor, \lfloor W/2 \rfloor)`, with or without the conv.

    Examples:
        >>> Downsample(4, with_conv=True)(torch.randn(1, 4, 7, 8)).shape
        torch.Size([1, 4, 3, 4])
        >>> Downsample(4, with_conv=False)(torch.randn(1, 4, 7, 8)).shape
        torch.Size([1, 4, 3, 4])
    """

    def __init__(self, in_channels: int, with_conv: bool, generator: Optional[torch.Generator] = None) -> None:
        super().__init__()
        self.in_channels = _check_channels(in_channels, "Downsample")
        _check_generator(generator, "Downsample")
        self.with_conv = bool(with_conv)
        if self.with_conv:
            self.conv = nn.Conv2d(in_channels, in_channels, kernel_size=3, stride=2, padding=0)
            _init(self, generator)

    def forward(self, x: Tensor) -> Tensor:
        _check_input(x, self.in_channels, "Downsample")
        if self.with_conv:
            return self.conv(F.pad(x, (0, 1, 0, 1), mode="constant", value=0.0))
        return F.avg_pool2d(x, kernel_size=2, stride=2)

    def extra_repr(self) -> str:
        return f"{self.in_channels}, with_conv={self.with_conv}"


# --------------------------------------------------------------------------- #
# alternative upsamplers
# --------------------------------------------------------------------------- #
class TransposedUpsample(nn.Module):
    r"""Learned upsampling by a transposed convolution, kernel 4, stride 2, padding 1.

    :math:`H_\text{out} = (H - 1)\cdot 2 - 2\cdot 1 + 4 = 2H`. Kernel 4 is divisible
    by the stride, so every output pixel receives the same number (4) of kernel
    taps; the weights can still differ between the four sub-pixel positions, and
    checkerboard patterns appear when they do (Odena et al., 2016).

    Args:
        in_channels: :math:`C`, kept from input to output.
        generator: random source for the initial weights.

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, 2H, 2W)`

    Examples:
        >>> TransposedUpsample(4)(torch.randn(1, 4, 5, 6)).shape
        torch.Size([1, 4, 10, 12])
    """

    def __init__(self, in_channels: int, generator: Optional[torch.Generator] = None) -> None:
        super().__init__()
        self.in_channels = _check_channels(in_channels, "TransposedUpsample")
        _check_generator(generator, "TransposedUpsample")
        self.conv = nn.ConvTranspose2d(in_channels, in_channels, kernel_size=4, stride=2, padding=1)
        _init(self, generator)

    def forward(self, x: Tensor) -> Tensor:
        _check_input(x, self.in_channels, "TransposedUpsample")
        return self.conv(x)


class PixelShuffleUpsample(nn.Module):
    r"""Sub-pixel convolution: a 3x3 conv to :math:`4C` channels, then ``pixel_shuffle(2)`` (Shi et al., 2016).

    The conv is initialised with :func:`resample_lib.functional.shuffle.icnr_`, so at initialisation the block
    equals nearest-neighbour upsampling of a 3x3 convolution, with no
    checkerboard; training may then make the four sub-pixel kernels differ.

    Args:
        in_channels: :math:`C`, kept from input to output.
        generator: random source for the initial weights.

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, 2H, 2W)`

    Examples:
        >>> PixelShuffleUpsample(4)(torch.randn(1, 4, 5, 6)).shape
        torch.Size([1, 4, 10, 12])
    """

    def __init__(self, in_channels: int, generator: Optional[torch.Generator] = None) -> None:
        super().__init__()
        self.in_channels = _check_channels(in_channels, "PixelShuffleUpsample")
        _check_generator(generator, "PixelShuffleUpsample")
        self.conv = nn.Conv2d(in_channels, 4 * in_channels, kernel_size=3, stride=1, padding=1)
        self.shuffle = nn.PixelShuffle(2)
        # ICNR with torch's default conv distributions (Kaiming-uniform, a = sqrt(5)), like every other block here
        icnr_(self.conv.weight, 2, init=partial(nn.init.kaiming_uniform_, a=math.sqrt(5)), generator=generator,
              bias=self.conv.bias)

    def forward(self, x: Tensor) -> Tensor:
        _check_input(x, self.in_channels, "PixelShuffleUpsample")
        return self.shuffle(self.conv(x))


class BilinearUpsample(nn.Module):
    r"""Bilinear interpolation by 2 (``align_corners=False``), then a 3x3 stride-1 padding-1 conv.

    DDIM's block with the nearest-neighbour kernel replaced by the tent (linear)
    kernel: the interpolation already smooths, so the conv starts from an image
    without the blocky 2x2 copies.

    Args:
        in_channels: :math:`C`, kept from input to output.
        generator: random source for the conv's initial weights.

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, 2H, 2W)`

    Examples:
        >>> BilinearUpsample(4)(torch.randn(1, 4, 5, 6)).shape
        torch.Size([1, 4, 10, 12])
    """

    def __init__(self, in_channels: int, generator: Optional[torch.Generator] = None) -> None:
        super().__init__()
        self.in_channels = _check_channels(in_channels, "BilinearUpsample")
        _check_generator(generator, "BilinearUpsample")
        self.conv = nn.Conv2d(in_channels, in_channels, kernel_size=3, stride=1, padding=1)
        _init(self, generator)

    def forward(self, x: Tensor) -> Tensor:
        _check_input(x, self.in_channels, "BilinearUpsample")
        x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
        return self.conv(x)


# --------------------------------------------------------------------------- #
# alternative downsamplers
# --------------------------------------------------------------------------- #
class StridedConvDownsample(nn.Module):
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
        - Output: :math:`(N, C, \lceil H/2 \rceil, \lceil W/2 \rceil)`

    Examples:
        >>> StridedConvDownsample(4)(torch.randn(1, 4, 8, 7)).shape
        torch.Size([1, 4, 4, 4])
    """

    def __init__(self, in_channels: int, generator: Optional[torch.Generator] = None) -> None:
        super().__init__()
        self.in_channels = _check_channels(in_channels, "StridedConvDownsample")
        _check_generator(generator, "StridedConvDownsample")
        self.conv = nn.Conv2d(in_channels, in_channels, kernel_size=3, stride=2, padding=1)
        _init(self, generator)

    def forward(self, x: Tensor) -> Tensor:
        _check_input(x, self.in_channels, "StridedConvDownsample")
        return self.conv(x)


class MaxPoolDownsample(nn.Module):
    r"""A plain 2x2 max pool with stride 2, no parameters (no 1x1 conv after it).

    Kept plain on purpose, the sibling of DDIM's parameter-free average pool.

    Args:
        in_channels: :math:`C`, kept from input to output (checked, not used).
        generator: accepted for a uniform interface; nothing is random.

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, \lfloor H/2 \rfloor, \lfloor W/2 \rfloor)`

    Examples:
        >>> MaxPoolDownsample(4)(torch.randn(1, 4, 8, 7)).shape
        torch.Size([1, 4, 4, 3])
    """

    def __init__(self, in_channels: int, generator: Optional[torch.Generator] = None) -> None:
        super().__init__()
        self.in_channels = _check_channels(in_channels, "MaxPoolDownsample")
        _check_generator(generator, "MaxPoolDownsample")

    def forward(self, x: Tensor) -> Tensor:
        _check_input(x, self.in_channels, "MaxPoolDownsample")
        return F.max_pool2d(x, kernel_size=2, stride=2)

    def extra_repr(self) -> str:
        return f"{self.in_channels}"


class BlurPoolDownsample(nn.Module):
    r"""Blur pooling (Zhang, 2019): a fixed binomial 3x3 low-pass filter, then keep every second pixel.

    The filter is :math:`\tfrac{1}{16}[1, 2, 1]^\top [1, 2, 1]`, applied to each
    channel separately (depthwise) after reflect-padding one pixel on every side,
    with stride 2:

    .. math::
        y[c, o_h, o_w] = \sum_{i,j=0}^{2} \tfrac{1}{16} b[i]\,b[j]\;
            \tilde x[c,\, 2o_h + i,\, 2o_w + j],
        \qquad H_\text{out} = \lceil H/2 \rceil .

    By default the block is parameter-free, like DDIM's average pool (of which it
    is a smoother version). With ``with_conv=True`` a 3x3 stride-1 convolution runs
    *before* the blur, Zhang's replacement for a strided convolution
    (``Conv(stride 2)`` becomes ``Conv(stride 1)`` then ``BlurPool(stride 2)``; the
    ReLU he puts between them is left to the network). The filter is a
    non-persistent buffer, so the state dict holds only the conv, if any.

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

    filt: Tensor

    def __init__(
        self, in_channels: int, with_conv: bool = False, generator: Optional[torch.Generator] = None
    ) -> None:
        super().__init__()
        self.in_channels = _check_channels(in_channels, "BlurPoolDownsample")
        _check_generator(generator, "BlurPoolDownsample")
        self.with_conv = bool(with_conv)
        if self.with_conv:
            self.conv = nn.Conv2d(in_channels, in_channels, kernel_size=3, stride=1, padding=1)
            _init(self, generator)
        b = torch.tensor([1.0, 2.0, 1.0])
        filt = torch.outer(b, b) / 16.0
        self.register_buffer("filt", filt.expand(in_channels, 1, 3, 3).contiguous(), persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        _check_input(x, self.in_channels, "BlurPoolDownsample")
        if self.with_conv:
            x = self.conv(x)
        x = F.pad(x, (1, 1, 1, 1), mode="reflect")
        return F.conv2d(x, self.filt.to(x.dtype), stride=2, groups=self.in_channels)

    def extra_repr(self) -> str:
        return f"{self.in_channels}, with_conv={self.with_conv}"


class PixelUnshuffleDownsample(nn.Module):
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

    def __init__(self, in_channels: int, generator: Optional[torch.Generator] = None) -> None:
        super().__init__()
        self.in_channels = _check_channels(in_channels, "PixelUnshuffleDownsample")
        _check_generator(generator, "PixelUnshuffleDownsample")
        self.unshuffle = nn.PixelUnshuffle(2)
        self.conv = nn.Conv2d(4 * in_channels, in_channels, kernel_size=1)
        _init(self, generator)

    def forward(self, x: Tensor) -> Tensor:
        _check_input(x, self.in_channels, "PixelUnshuffleDownsample")
        if x.shape[-2] % 2 or x.shape[-1] % 2:
            raise ValueError(
                f"PixelUnshuffleDownsample: pixel_unshuffle(2) needs even H and W, got {tuple(x.shape[-2:])}"
            )
        return self.conv(self.unshuffle(x))


# --------------------------------------------------------------------------- #
# registries
# --------------------------------------------------------------------------- #
BlockFactory = Callable[..., nn.Module]

#: Named upsamplers, each ``(channels, generator=None) -> nn.Module`` mapping
#: :math:`(N, C, H, W) \to (N, C, 2H, 2W)`.
UPSAMPLERS: dict[str, BlockFactory] = {
    "nearest+conv (DDIM)": partial(Upsample, with_conv=True),
    "transposed k4s2": TransposedUpsample,
    "pixel shuffle (ICNR)": PixelShuffleUpsample,
    "bilinear+conv": BilinearUpsample,
}

#: Named downsamplers, each ``(channels, generator=None) -> nn.Module`` mapping
#: :math:`(N, C, H, W) \to (N, C, H/2, W/2)` for even :math:`H, W`.
DOWNSAMPLERS: dict[str, BlockFactory] = {
    "pad+conv s2 (DDIM)": partial(Downsample, with_conv=True),
    "avg pool (DDIM)": partial(Downsample, with_conv=False),
    "conv s2 p1": StridedConvDownsample,
    "max pool": MaxPoolDownsample,
    "blur pool": BlurPoolDownsample,
    "pixel unshuffle+1x1": PixelUnshuffleDownsample,
}
