r"""The base class of the U-Net's up- and downsampling blocks, and their seeded initialisation.

Every block of :mod:`resample_lib.nn.upsampling_blocks` and :mod:`resample_lib.nn.downsampling_blocks` is a
:class:`ResamplingBlock`: it takes ``(in_channels, ..., generator=None)``, keeps the channel count, and doubles
or halves :math:`H` and :math:`W`. The blocks use torch's own ``nn`` / ``F`` operations (and
:class:`~resample_lib.nn.blur_pool.BlurPool2d`), for training speed; the from-scratch versions of each
operation live in :mod:`resample_lib.functional.interpolation`, :mod:`resample_lib.functional.conv_transpose`,
:mod:`resample_lib.functional.shuffle`, :mod:`resample_lib.functional.pooling` and
:mod:`resample_lib.functional.blur_pool`.

**Random initialisation.** With ``generator=None`` a block draws its weights
from torch's global generator exactly as ``nn.Conv2d`` does; with a
``torch.Generator`` it redraws them from the same distributions (torch's default
Kaiming-uniform, :math:`U(-1/\sqrt{\text{fan\_in}}, 1/\sqrt{\text{fan\_in}})`) using
that generator, so a seed fixes every weight.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Optional

import torch
from torch import Tensor, nn

from resample_lib.functional._validate import check_int

__all__ = ["ResamplingBlock", "OptionalConvBlock", "BlockFactory", "reset_parameters_", "check_generator", "lookup_block"]


def check_generator(generator: object, op: str, optional: bool = True) -> None:
    """A TypeError unless ``generator`` is a ``torch.Generator`` (or, if ``optional``, None)."""
    if not isinstance(generator, torch.Generator) and not (optional and generator is None):
        allowed = "a torch.Generator or None" if optional else "a torch.Generator"
        raise TypeError(f"{op}: generator must be {allowed}, got {type(generator).__name__}")


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
    check_generator(generator, "reset_parameters_")
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.kaiming_uniform_(m.weight, a=math.sqrt(5), generator=generator)
            if m.bias is not None:
                fan_in, _ = nn.init._calculate_fan_in_and_fan_out(m.weight)
                bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
                m.bias.uniform_(-bound, bound, generator=generator)
    return module


class ResamplingBlock(nn.Module):
    r"""What every up- and downsampling block shares: :math:`C` channels in and out, a seeded draw, the input check.

    A block checks ``in_channels`` and ``generator`` here, builds its :meth:`layers`, then
    calls :meth:`draw_weights`; its :meth:`resample` does the arithmetic, and
    ``forward`` checks the input's shape before calling it. The error messages
    name the block's class.

    Args:
        in_channels: :math:`C`, kept from input to output.
        generator: random source for the initial weights (see the module doc).

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, H', W')`, with :math:`H', W'` doubled or halved by the block.

    Examples:
        >>> class NearestUpsample(ResamplingBlock):   # a block without weights
        ...     def resample(self, x):
        ...         return x.repeat_interleave(2, -2).repeat_interleave(2, -1)
        >>> NearestUpsample(3)(torch.zeros(1, 3, 2, 5)).shape
        torch.Size([1, 3, 4, 10])
        >>> NearestUpsample(3)(torch.zeros(1, 2, 2, 5))
        Traceback (most recent call last):
        ...
        ValueError: NearestUpsample: expected an input of shape (N, 3, H, W), got (1, 2, 2, 5)
    """

    #: Whether the optional convolution is on, for the blocks that have one (DDIM's ``with_conv``); else None.
    with_conv: Optional[bool] = None

    def __init__(self, in_channels: int, generator: Optional[torch.Generator] = None) -> None:
        super().__init__()
        self.in_channels = check_int(in_channels, "in_channels", type(self).__name__, minimum=1)
        check_generator(generator, type(self).__name__)
        layers = self.layers(self.in_channels)
        for name, layer in layers.items():
            setattr(self, name, layer)
        self._chain = tuple(layers)
        self.draw_weights(generator)

    def layers(self, channels: int) -> dict[str, nn.Module]:
        """The block's layers by attribute name, built after the checks and before the seeded draw (none here)."""
        return {}

    def draw_weights(self, generator: Optional[torch.Generator]) -> None:
        """Redraw the layers from ``generator`` (:func:`reset_parameters_`); with None keep torch's own draw."""
        if generator is not None:
            reset_parameters_(self, generator)

    def resample(self, x: Tensor) -> Tensor:
        """The block's arithmetic on a checked input :math:`(N, C, H, W)`: by default its :meth:`layers` in order."""
        if not self._chain:
            raise NotImplementedError(f"{type(self).__name__} must implement resample or layers")
        for name in self._chain:
            x = getattr(self, name)(x)
        return x

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"{type(self).__name__}: expected an input of shape (N, {self.in_channels}, H, W), got {tuple(x.shape)}"
            )
        return self.resample(x)

    def extra_repr(self) -> str:
        return f"{self.in_channels}" + ("" if self.with_conv is None else f", with_conv={self.with_conv}")


class OptionalConvBlock(ResamplingBlock):
    """A block with one convolution that a flag switches on or off, as DDIM's ``Upsample`` and ``Downsample`` do.

    Args:
        in_channels: :math:`C`, kept from input to output.
        with_conv: build and apply the block's convolution (:meth:`conv_layer`).
        generator: random source for the conv's initial weights.
    """

    def __init__(self, in_channels: int, with_conv: bool, generator: Optional[torch.Generator] = None) -> None:
        self.with_conv = bool(with_conv)  # read by layers(), which ResamplingBlock.__init__ calls
        super().__init__(in_channels, generator)

    def conv_layer(self, channels: int) -> nn.Module:
        """The convolution that ``with_conv=True`` adds."""
        raise NotImplementedError(f"{type(self).__name__} must implement conv_layer")

    def layers(self, channels: int) -> dict[str, nn.Module]:
        return {"conv": self.conv_layer(channels)} if self.with_conv else {}


#: What a registry maps a name to: ``(in_channels, generator=None) -> ResamplingBlock``.
BlockFactory = Callable[..., ResamplingBlock]


def lookup_block(registry: Mapping[str, BlockFactory], name: str, kind: str, op: str) -> BlockFactory:
    """``registry[name]``, or a ValueError that names the ``kind`` of block and lists the names there are.

    Examples:
        >>> lookup_block({"max pool": ResamplingBlock}, "cubic", "downsampler", "SmallUNet")
        Traceback (most recent call last):
        ...
        ValueError: SmallUNet: unknown downsampler 'cubic'; expected one of ['max pool']
    """
    if name not in registry:
        raise ValueError(f"{op}: unknown {kind} {name!r}; expected one of {list(registry)}")
    return registry[name]
