r"""A noise-conditioned U-Net denoiser for the controlled resampler experiment.

:class:`DenoisingUNet` is DDIM's network in miniature: at every resolution a
pre-activation residual block with GroupNorm and SiLU into which an embedding of
the noise level is added (DDIM adds its time embedding the same way, between the
two convolutions), a downsampler between resolutions, an upsampler on the way
back, and skip connections joined by concatenation. The resamplers are picked by
name from :data:`resample_lib.nn.upsampling_blocks.UPSAMPLERS` and
:data:`resample_lib.nn.downsampling_blocks.DOWNSAMPLERS`.

**Paired initialisation.** Every submodule draws its initial weights from its own
generator, seeded from ``(seed, name of the submodule)``. Two networks with the
same seed but different resamplers therefore start with *identical* weights in
every module they share (stem, residual blocks, embedding, head); only the
resamplers differ. (:class:`~resample_lib.nn.small_unet.SmallUNet` draws everything from
one generator, so a different upsampler there also changes the decoder's draw.)

The data, training and evaluation of the experiment that compares the resamplers
are in :mod:`resample_lib.helpers.unet_sweep`, used by ``experiments/unet_sweep.py``
and by the chapter on DDIM's U-Net.
"""
from __future__ import annotations

import math
import zlib
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from resample_lib.nn.downsampling_blocks import DOWNSAMPLERS
from resample_lib.nn.resampling_block import lookup_block, reset_parameters_
from resample_lib.nn.upsampling_blocks import UPSAMPLERS

__all__ = ["NoiseEmbedding", "CondResBlock", "DenoisingUNet"]


def _generator(seed: int, name: str) -> torch.Generator:
    """A generator seeded from ``seed`` and a module name, so a module's draw does not depend on its neighbours."""
    return torch.Generator().manual_seed(seed * 1_000_003 + zlib.crc32(name.encode()))


class NoiseEmbedding(nn.Module):
    r"""Sinusoidal features of :math:`\log\sigma`, then Linear-SiLU-Linear, as DDIM embeds its timestep.

    With :math:`h = \lfloor d/2 \rfloor` frequencies :math:`f_k = 100^{-k/\max(h-1,\,1)}`, :math:`k = 0, \dots, h-1`,
    the features of :math:`a = 10 \log\sigma` are :math:`(\sin(a f_k))_k` followed by :math:`(\cos(a f_k))_k`.

    Args:
        dim: :math:`d`, the width of the embedding (even).

    Shape:
        - Input: :math:`\sigma` of shape :math:`(N,)`, positive
        - Output: :math:`(N, d)`

    Examples:
        >>> NoiseEmbedding(8)(torch.tensor([0.05, 0.1, 0.2])).shape
        torch.Size([3, 8])
    """

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim
        self.mlp = nn.Sequential(nn.Linear(dim, dim), nn.SiLU(), nn.Linear(dim, dim))

    def forward(self, sigma: Tensor) -> Tensor:
        half = self.dim // 2
        freqs = torch.exp(torch.arange(half, dtype=sigma.dtype) * (-math.log(100.0) / max(half - 1, 1)))
        arg = torch.log(sigma)[:, None] * 10.0 * freqs[None]
        return self.mlp(torch.cat([arg.sin(), arg.cos()], dim=1))


class CondResBlock(nn.Module):
    r"""DDIM's ``ResnetBlock`` without dropout: GroupNorm, SiLU, conv, add the embedding, GroupNorm, SiLU, conv.

    .. math::
        h = \mathrm{conv}_1(\sigma(\mathrm{GN}_1(x))) + W e, \qquad
        y = s(x) + \mathrm{conv}_2(\sigma(\mathrm{GN}_2(h))),

    with :math:`s` the identity or a 1x1 conv when the channel count changes.

    Args:
        in_channels: :math:`C_\text{in}`.
        out_channels: :math:`C_\text{out}`.
        emb_dim: width of the embedding :math:`e`.
        groups: groups of both GroupNorms; must divide both channel counts.

    Shape:
        - Input: :math:`x` of shape :math:`(N, C_\text{in}, H, W)` and :math:`e` of shape :math:`(N, \text{emb\_dim})`
        - Output: :math:`(N, C_\text{out}, H, W)`

    Examples:
        >>> CondResBlock(4, 8, emb_dim=16, groups=4)(torch.zeros(2, 4, 5, 5), torch.zeros(2, 16)).shape
        torch.Size([2, 8, 5, 5])
    """

    def __init__(self, in_channels: int, out_channels: int, emb_dim: int, groups: int) -> None:
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.emb = nn.Linear(emb_dim, out_channels)
        self.norm2 = nn.GroupNorm(groups, out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.shortcut = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else nn.Identity()

    def forward(self, x: Tensor, e: Tensor) -> Tensor:
        h = self.conv1(F.silu(self.norm1(x))) + self.emb(F.silu(e))[:, :, None, None]
        return self.shortcut(x) + self.conv2(F.silu(self.norm2(h)))


class DenoisingUNet(nn.Module):
    r"""A noise-conditioned U-Net with swappable resamplers and paired initialisation.

    Level :math:`i` works at :math:`H/2^i` with ``channels[i]`` channels and one
    :class:`CondResBlock` on each side; the downsampler after level :math:`i` and
    the upsampler back to it keep the channel count ``channels[i]`` and
    ``channels[i+1]``. The output is added to the input (the network predicts the
    negative noise, as DDIM's predicts the noise).

    Args:
        channels: channels per resolution, at least two levels.
        up: name in :data:`~resample_lib.nn.upsampling_blocks.UPSAMPLERS`.
        down: name in :data:`~resample_lib.nn.downsampling_blocks.DOWNSAMPLERS`.
        emb_dim: width of the noise-level embedding.
        groups: GroupNorm groups; must divide every channel count.
        seed: seeds every submodule's own generator (see the module doc).

    Shape:
        - Input: :math:`(N, 1, H, W)` and :math:`\sigma` of shape :math:`(N,)`;
          :math:`H, W` divisible by :math:`2^{L-1}`
        - Output: :math:`(N, 1, H, W)`

    Examples:
        >>> net = DenoisingUNet((8, 8, 8), seed=0)
        >>> net(torch.zeros(2, 1, 16, 16), torch.full((2,), 0.1)).shape
        torch.Size([2, 1, 16, 16])
    """

    def __init__(
        self,
        channels: Sequence[int] = (8, 16, 16),
        up: str = "nearest+conv (DDIM)",
        down: str = "pad+conv s2 (DDIM)",
        emb_dim: int = 32,
        groups: int = 4,
        seed: int = 0,
    ) -> None:
        super().__init__()
        channels = tuple(channels)
        if len(channels) < 2 or any(isinstance(c, bool) or not isinstance(c, int) or c < 1 for c in channels):
            raise ValueError(f"DenoisingUNet: channels must hold at least two positive ints, got {channels!r}")
        if any(c % groups for c in channels):
            raise ValueError(f"DenoisingUNet: groups={groups} must divide every channel count, got {channels!r}")
        make_up = lookup_block(UPSAMPLERS, up, "upsampler", "DenoisingUNet")
        make_down = lookup_block(DOWNSAMPLERS, down, "downsampler", "DenoisingUNet")
        self.channels, self.up_name, self.down_name, self.seed = channels, up, down, seed
        L = len(channels)
        self.embed = NoiseEmbedding(emb_dim)
        self.stem = nn.Conv2d(1, channels[0], 3, padding=1)
        self.encoders = nn.ModuleList(
            CondResBlock(channels[max(i - 1, 0)], channels[i], emb_dim, groups) for i in range(L)
        )
        self.mid = CondResBlock(channels[-1], channels[-1], emb_dim, groups)
        self.decoders = nn.ModuleList(
            CondResBlock(channels[i + 1] + channels[i], channels[i], emb_dim, groups) for i in range(L - 1)
        )
        self.out_norm = nn.GroupNorm(groups, channels[0])
        self.head = nn.Conv2d(channels[0], 1, 3, padding=1)
        for name in ("embed", "stem", "encoders", "mid", "decoders", "head"):
            for sub_name, sub in getattr(self, name).named_children() if name in ("encoders", "decoders") \
                    else [("", getattr(self, name))]:
                reset_parameters_(sub, _generator(seed, f"{name}.{sub_name}"))
        self.downs = nn.ModuleList(
            make_down(channels[i], generator=_generator(seed, f"downs.{i}")) for i in range(L - 1)
        )
        self.ups = nn.ModuleList(
            make_up(channels[i + 1], generator=_generator(seed, f"ups.{i}")) for i in range(L - 1)
        )

    def forward(self, x: Tensor, sigma: Tensor) -> Tensor:
        if x.dim() != 4 or x.shape[1] != 1:
            raise ValueError(f"DenoisingUNet: expected an input of shape (N, 1, H, W), got {tuple(x.shape)}")
        k = 2 ** (len(self.channels) - 1)
        if x.shape[-2] % k or x.shape[-1] % k:
            raise ValueError(f"DenoisingUNet: H and W must be divisible by {k}, got {tuple(x.shape[-2:])}")
        e = self.embed(sigma)
        h = self.stem(x)
        skips = []
        for i, enc in enumerate(self.encoders):
            h = enc(h if i == 0 else self.downs[i - 1](h), e)
            skips.append(h)
        h = self.mid(h, e)
        for i in reversed(range(len(self.channels) - 1)):
            h = self.decoders[i](torch.cat([self.ups[i](h), skips[i]], dim=1), e)
        return x + self.head(F.silu(self.out_norm(h)))
