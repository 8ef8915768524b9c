r"""A small U-Net whose up- and downsamplers are swappable, and tools to measure it.

:class:`SmallUNet` keeps DDIM's layout in miniature: at every resolution a
residual block, a downsampler between resolutions, an upsampler on the way back,
and skip connections joined by *concatenation*. The resamplers are picked by
name from :data:`resample_lib.nn.upsampling_blocks.UPSAMPLERS` and
:data:`resample_lib.nn.downsampling_blocks.DOWNSAMPLERS`, so an experiment can
change nothing else.

With ``len(channels) = L`` resolutions the input is downsampled :math:`L-1`
times, so :math:`H` and :math:`W` must be divisible by :math:`2^{L-1}`: every
map that is downsampled must have even sides for ``up(down(n)) == n`` to hold and
the concatenation to work (see :mod:`resample_lib.nn.downsampling_blocks` for why odd sides fail
with every downsampler, DDIM's included). :func:`trace_shapes` shows the sizes
level by level and names the level where they stop matching.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Optional, Union

import torch
from torch import Tensor, nn

from resample_lib.nn.downsampling_blocks import DOWNSAMPLERS
from resample_lib.nn.resampling_block import check_generator, lookup_block, reset_parameters_
from resample_lib.nn.upsampling_blocks import UPSAMPLERS

__all__ = ["ResBlock", "SmallUNet", "count_parameters", "count_macs", "trace_shapes"]

Shape = tuple[int, ...]


class ResBlock(nn.Module):
    r"""Pre-activation residual block, DDIM's ``ResnetBlock`` without the time embedding and dropout.

    .. math::
        h = \mathrm{conv}_2\big(\sigma(\mathrm{norm}_2(\mathrm{conv}_1(\sigma(\mathrm{norm}_1(x)))))\big),
        \qquad y = s(x) + h,

    with :math:`\sigma` the SiLU ("swish"), 3x3 convolutions with padding 1, norms
    ``GroupNorm(norm_groups, ...)`` (or none when ``norm_groups=0``), and :math:`s` the
    identity, or a 1x1 conv when the channel count changes.

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output.
        norm_groups: groups of each GroupNorm; 0 for no normalisation. Must divide both channel counts.
        generator: random source for the initial weights.

    Shape:
        - Input: :math:`(N, C_\text{in}, H, W)`
        - Output: :math:`(N, C_\text{out}, H, W)`

    Examples:
        >>> ResBlock(3, 8)(torch.randn(2, 3, 5, 5)).shape
        torch.Size([2, 8, 5, 5])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        norm_groups: int = 0,
        generator: Optional[torch.Generator] = None,
    ) -> None:
        super().__init__()
        for c in (in_channels, out_channels):
            if norm_groups and c % norm_groups:
                raise ValueError(f"ResBlock: norm_groups={norm_groups} does not divide the channel count {c}")
        self.norm1 = nn.GroupNorm(norm_groups, in_channels) if norm_groups else nn.Identity()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.norm2 = nn.GroupNorm(norm_groups, out_channels) if norm_groups else nn.Identity()
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.shortcut = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else nn.Identity()
        self.act = nn.SiLU()
        if generator is not None:
            reset_parameters_(self, generator)

    def forward(self, x: Tensor) -> Tensor:
        h = self.conv1(self.act(self.norm1(x)))
        h = self.conv2(self.act(self.norm2(h)))
        return self.shortcut(x) + h


class SmallUNet(nn.Module):
    r"""A tiny U-Net with swappable resamplers, for experiments on a CPU.

    Layout for ``channels = (c_0, ..., c_{L-1})``::

        x -> conv3x3 -> [ResBlock c_0] ----------------------- concat -> [ResBlock c_0] -> conv3x3 -> (+ x)
                              | down                            ^ up
                        [ResBlock c_1] ------ concat -> [ResBlock c_1]
                              | down                 ^ up
                             ...       [ResBlock c_{L-1}]

    Level :math:`i` works at :math:`H/2^i \times W/2^i` with :math:`c_i` channels.
    The downsampler after level :math:`i` and the upsampler back to it act on
    :math:`c_i` and :math:`c_{i+1}` channels and keep that count; the ResBlock after
    the concatenation maps :math:`c_{i+1} + c_i \to c_i`.

    Args:
        in_channels: channels of the input image.
        out_channels: channels of the output image.
        channels: channels per resolution; its length is the number of levels :math:`L \ge 1`.
        up: name of an upsampler in :data:`~resample_lib.nn.upsampling_blocks.UPSAMPLERS`.
        down: name of a downsampler in :data:`~resample_lib.nn.downsampling_blocks.DOWNSAMPLERS`.
        residual: add the input to the output, so the network predicts the residual
            (needs ``in_channels == out_channels``).
        norm_groups: GroupNorm groups in the ResBlocks; 0 (default) for none, the fastest on a CPU.
        seed: seed for all initial weights; alternative to ``generator``.
        generator: random source for all initial weights; ``None`` (and no seed) uses torch's global one.

    Shape:
        - Input: :math:`(N, C_\text{in}, H, W)`, :math:`H` and :math:`W` divisible by :math:`2^{L-1}`
        - Output: :math:`(N, C_\text{out}, H, W)`

    Examples:
        >>> net = SmallUNet(channels=(8, 16), up="bilinear+conv", down="blur pool", seed=0)
        >>> net(torch.randn(2, 1, 32, 32)).shape
        torch.Size([2, 1, 32, 32])
    """

    def __init__(
        self,
        in_channels: int = 1,
        out_channels: int = 1,
        channels: Sequence[int] = (16, 32, 64),
        up: str = "nearest+conv (DDIM)",
        down: str = "pad+conv s2 (DDIM)",
        residual: bool = True,
        norm_groups: int = 0,
        seed: Optional[int] = None,
        generator: Optional[torch.Generator] = None,
    ) -> None:
        super().__init__()
        channels = tuple(channels)
        if not channels or not all(isinstance(c, int) and not isinstance(c, bool) and c > 0 for c in channels):
            raise ValueError(f"SmallUNet: channels must be a non-empty sequence of positive ints, got {channels!r}")
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"SmallUNet: {name} must be a positive int, got {value!r}")
        make_up = lookup_block(UPSAMPLERS, up, "upsampler", "SmallUNet")
        make_down = lookup_block(DOWNSAMPLERS, down, "downsampler", "SmallUNet")
        if residual and in_channels != out_channels:
            raise ValueError(
                f"SmallUNet: residual=True needs in_channels == out_channels, got {in_channels} and {out_channels}"
            )
        if seed is not None and generator is not None:
            raise ValueError("SmallUNet: give seed or generator, not both")
        check_generator(generator, "SmallUNet")
        if seed is not None:
            generator = torch.Generator().manual_seed(seed)

        self.channels, self.up_name, self.down_name = channels, up, down
        self.residual = bool(residual)
        g = generator

        def conv3(cin: int, cout: int) -> nn.Conv2d:
            conv = nn.Conv2d(cin, cout, 3, padding=1)
            return reset_parameters_(conv, g) if g is not None else conv

        L = len(channels)
        self.stem = conv3(in_channels, channels[0])
        self.encoders = nn.ModuleList(
            ResBlock(channels[max(i - 1, 0)], channels[i], norm_groups, g) for i in range(L)
        )
        self.downs = nn.ModuleList(make_down(channels[i], generator=g) for i in range(L - 1))
        self.ups = nn.ModuleList(make_up(channels[i + 1], generator=g) for i in range(L - 1))
        self.decoders = nn.ModuleList(
            ResBlock(channels[i + 1] + channels[i], channels[i], norm_groups, g) for i in range(L - 1)
        )
        self.head = conv3(channels[0], out_channels)

    @property
    def levels(self) -> int:
        """Number of resolutions, ``len(channels)``."""
        return len(self.channels)

    def forward(self, x: Tensor) -> Tensor:
        return self._run(x, None)

    def _run(self, x: Tensor, record: Optional[dict[str, Shape]]) -> Tensor:
        if x.dim() != 4 or x.shape[1] != self.stem.in_channels:
            raise ValueError(
                f"SmallUNet: expected an input of shape (N, {self.stem.in_channels}, H, W), got {tuple(x.shape)}"
            )

        def rec(name: str, t: Tensor) -> None:
            if record is not None:
                record[name] = tuple(t.shape)

        rec("input", x)
        h = self.stem(x)
        skips = []
        for i, enc in enumerate(self.encoders):
            h = enc(h if i == 0 else self.downs[i - 1](h))
            rec(f"enc{i}", h)
            skips.append(h)
        for i in reversed(range(self.levels - 1)):
            u = self.ups[i](h)
            rec(f"up{i}", u)
            skip = skips[i]
            if u.shape[-2:] != skip.shape[-2:]:
                k = 2 ** (self.levels - 1)
                d = skips[i + 1].shape[-2:]  # the encoder keeps the downsampler's size
                raise ValueError(
                    f"SmallUNet: at level {i} the skip connection is {skip.shape[-2]}x{skip.shape[-1]}, but "
                    f"{self.down_name!r} took it to {d[0]}x{d[1]} and {self.up_name!r} brought that back to "
                    f"{u.shape[-2]}x{u.shape[-1]}, so the two cannot be concatenated. Every map that is "
                    f"downsampled needs even sides: use H and W divisible by 2**(levels-1) = {k}, "
                    f"got {x.shape[-2]}x{x.shape[-1]}."
                )
            h = self.decoders[i](torch.cat([u, skip], dim=1))
            rec(f"dec{i}", h)
        out = self.head(h)
        if self.residual:
            out = out + x
        rec("output", out)
        return out

    def extra_repr(self) -> str:
        return f"channels={self.channels}, up={self.up_name!r}, down={self.down_name!r}, residual={self.residual}"


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of scalar parameters of ``model`` (only those with ``requires_grad`` if ``trainable_only``).

    Examples:
        >>> count_parameters(nn.Conv2d(2, 3, 3))
        57
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


@torch.no_grad()
def count_macs(model: nn.Module, input_shape: Sequence[int]) -> int:
    r"""Multiply-accumulates of one forward pass on an input of ``input_shape``, from the layer shapes.

    Forward hooks on every ``nn.Conv2d``, ``nn.ConvTranspose2d`` and ``nn.Linear``
    read the shapes of a forward pass on zeros and add

    * ``Conv2d``: :math:`N \cdot C_\text{out} \cdot H_\text{out} W_\text{out} \cdot (C_\text{in}/g) \cdot k_H k_W`
      (each output value is a dot product of :math:`(C_\text{in}/g) k_H k_W` terms);
    * ``ConvTranspose2d``: :math:`N \cdot C_\text{in} \cdot H_\text{in} W_\text{in} \cdot (C_\text{out}/g) \cdot k_H k_W`
      (each input value is scattered through the kernel; products that padding
      later crops away are counted too);
    * ``Linear``: (number of output values) :math:`\times` ``in_features``.

    Not counted: bias additions, normalisations, activations, additions and
    concatenations, interpolation, pooling, pixel (un)shuffle and fixed filters
    applied with ``torch.nn.functional`` (such as the blur of
    :class:`~resample_lib.nn.downsampling_blocks.BlurPoolDownsample`). Zero-padding is counted as
    if the padded zeros were real inputs, as a convolution kernel computes it.

    Args:
        model: any module.
        input_shape: the full input shape, batch included, e.g. ``(1, 1, 32, 32)``.

    Returns:
        The total for the whole batch of ``input_shape``.

    Examples:
        >>> count_macs(nn.Conv2d(2, 3, 3, padding=1), (1, 2, 8, 8))  # 3 * 2 * 9 * 8 * 8
        3456
    """
    input_shape = tuple(input_shape)
    if not input_shape or not all(isinstance(s, int) and s > 0 for s in input_shape):
        raise ValueError(f"count_macs: input_shape must be a tuple of positive ints, got {input_shape!r}")
    total = 0

    def hook(module: nn.Module, inputs: tuple[Tensor, ...], output: Tensor) -> None:
        nonlocal total
        if isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            total += output.numel() * (module.in_channels // module.groups) * kh * kw
        elif isinstance(module, nn.ConvTranspose2d):
            kh, kw = module.kernel_size
            total += inputs[0].numel() * (module.out_channels // module.groups) * kh * kw
        elif isinstance(module, nn.Linear):
            total += output.numel() * module.in_features

    handles = [
        m.register_forward_hook(hook)
        for m in model.modules()
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))
    ]
    try:
        p = next(model.parameters(), None)
        model(torch.zeros(input_shape, dtype=p.dtype if p is not None else torch.float32,
                          device=p.device if p is not None else None))
    finally:
        for h in handles:
            h.remove()
    return total


@torch.no_grad()
def trace_shapes(
    model: SmallUNet, input_shape: Sequence[int], strict: bool = True
) -> dict[str, Union[Shape, str]]:
    r"""Shapes of a :class:`SmallUNet`'s feature maps, level by level, for an input of ``input_shape``.

    Keys, in the order computed: ``"input"``, ``"enc0"`` ... ``"enc{L-1}"`` (after
    each level's ResBlock; ``enc{i}`` for :math:`i \ge 1` is after the downsampler),
    then for :math:`i = L-2, \dots, 0` ``"up{i}"`` (the upsampler's output, to be
    concatenated with ``enc{i}``) and ``"dec{i}"``, and ``"output"``.

    Args:
        model: the network.
        input_shape: ``(N, C, H, W)``.
        strict: raise when the sizes stop matching; with ``False``, return the shapes
            computed so far plus an ``"error"`` entry holding the message.

    Raises:
        ValueError: (with ``strict``) when an upsampled map and its skip connection
            differ in size, which happens when :math:`H` or :math:`W` is not divisible by
            :math:`2^{L-1}`; the message names the level and the sizes. E.g. DDIM's
            pad+conv takes 33 to :math:`\lfloor 33/2 \rfloor = 16` and nearest x2 takes 16 to
            32, not 33.

    Examples:
        >>> net = SmallUNet(channels=(4, 8), seed=0)
        >>> trace_shapes(net, (1, 1, 8, 8))["up0"]
        (1, 8, 8, 8)
        >>> trace_shapes(net, (1, 1, 9, 9), strict=False)["up0"]  # 9 -> 4 -> 8, not 9
        (1, 8, 8, 8)
    """
    if not isinstance(model, SmallUNet):
        raise TypeError(f"trace_shapes: expected a SmallUNet, got {type(model).__name__}")
    input_shape = tuple(input_shape)
    if len(input_shape) != 4 or not all(isinstance(s, int) and s > 0 for s in input_shape):
        raise ValueError(f"trace_shapes: input_shape must be (N, C, H, W) of positive ints, got {input_shape!r}")
    record: dict[str, Union[Shape, str]] = {}
    p = next(model.parameters())
    try:
        model._run(torch.zeros(input_shape, dtype=p.dtype, device=p.device), record)  # type: ignore[arg-type]
    except ValueError as err:
        if strict:
            raise
        record["error"] = str(err)
    return record
