r"""A noise-conditioned U-Net denoiser for the controlled resampler experiment.

:class:`DenoisingUNet` is DDIM's network in miniature: at every resolution a
pre-activation residual block with GroupNorm and SiLU into which an embedding of
the noise level is added (DDIM adds its time embedding the same way, between the
two convolutions), a downsampler between resolutions, an upsampler on the way
back, and skip connections joined by concatenation. The resamplers are picked by
name from :data:`resample_lib.nn.blocks.UPSAMPLERS` and
:data:`resample_lib.nn.blocks.DOWNSAMPLERS`.

**Paired initialisation.** Every submodule draws its initial weights from its own
generator, seeded from ``(seed, name of the submodule)``. Two networks with the
same seed but different resamplers therefore start with *identical* weights in
every module they share (stem, residual blocks, embedding, head); only the
resamplers differ. (:class:`~resample_lib.nn.small_unet.SmallUNet` draws everything from
one generator, so a different upsampler there also changes the decoder's draw.)

The training and evaluation helpers below are used by
``experiments/unet_sweep.py`` and by the chapter on DDIM's U-Net.
"""
from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from resample_lib.nn.blocks import DOWNSAMPLERS, UPSAMPLERS, reset_parameters_
from resample_lib.helpers.denoising_experiment import add_noise, patch_bank, single_thread

__all__ = [
    "DenoisingUNet",
    "SweepData",
    "SweepConfig",
    "make_sweep_data",
    "train_sweep_run",
    "validation_psnr",
    "shift_consistency",
    "paired_interval",
    "classify_difference",
]


def _generator(seed: int, name: str) -> torch.Generator:
    """A generator seeded from ``seed`` and a module name, so a module's draw does not depend on its neighbours."""
    return torch.Generator().manual_seed(seed * 1_000_003 + zlib.crc32(name.encode()))


class NoiseEmbedding(nn.Module):
    r"""Sinusoidal features of :math:`\log\sigma`, then Linear-SiLU-Linear, as DDIM embeds its timestep."""

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
        up: name in :data:`~resample_lib.nn.blocks.UPSAMPLERS`.
        down: name in :data:`~resample_lib.nn.blocks.DOWNSAMPLERS`.
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
        if up not in UPSAMPLERS:
            raise ValueError(f"DenoisingUNet: unknown upsampler {up!r}; expected one of {list(UPSAMPLERS)}")
        if down not in DOWNSAMPLERS:
            raise ValueError(f"DenoisingUNet: unknown downsampler {down!r}; expected one of {list(DOWNSAMPLERS)}")
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
            DOWNSAMPLERS[down](channels[i], generator=_generator(seed, f"downs.{i}")) for i in range(L - 1)
        )
        self.ups = nn.ModuleList(
            UPSAMPLERS[up](channels[i + 1], generator=_generator(seed, f"ups.{i}")) for i in range(L - 1)
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


# --------------------------------------------------------------------------- #
# data, training, evaluation
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class SweepConfig:
    """One run of the sweep: the resampler pair, the seed, the network and the budget."""

    up: str = "nearest+conv (DDIM)"
    down: str = "pad+conv s2 (DDIM)"
    seed: int = 0
    channels: tuple[int, ...] = (8, 16, 16)
    steps: int = 1500
    batch: int = 16
    lr: float = 2e-3
    warmup: int = 50
    sigma_min: float = 0.02
    sigma_max: float = 0.3
    val_every: int = 250

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class SweepData:
    """Clean training patches, and validation patches with fixed noise at each evaluation level."""

    train: Tensor
    val_clean: Tensor
    val_noisy: dict[float, Tensor]
    shift_clean: Tensor
    shift_noisy: Tensor


TRAIN_PHOTOS = ("camera", "astronaut", "chelsea", "coffee", "grass")
VAL_PHOTOS = ("coins", "brick", "gravel")
VAL_SIGMAS = (0.05, 0.1, 0.2)


def make_sweep_data(train_per_image: int = 1024, val_per_image: int = 128, size: int = 32) -> SweepData:
    """Training patches from five photos; validation from three others, never seen in training (deterministic).

    Examples:
        >>> d = make_sweep_data(train_per_image=2, val_per_image=2, size=16)
        >>> d.train.shape, d.val_noisy[0.1].shape, d.shift_noisy.shape
        (torch.Size([10, 1, 16, 16]), torch.Size([6, 1, 16, 16]), torch.Size([6, 1, 16, 24]))
    """
    train = patch_bank(TRAIN_PHOTOS, train_per_image, size, seed=0)
    val = patch_bank(VAL_PHOTOS, val_per_image, size, seed=1)
    noisy = {s: add_noise(val, s, torch.Generator().manual_seed(int(1000 * s))) for s in VAL_SIGMAS}
    # for the shift test: wider patches (size x (size + 8)) of the validation photos, with noise 0.1
    wide = torch.cat([patch_bank([p], val_per_image, size + 8, seed=2)[..., :size, :] for p in VAL_PHOTOS])
    return SweepData(train, val, noisy, wide, add_noise(wide, 0.1, torch.Generator().manual_seed(3)))


@torch.no_grad()
def validation_psnr(net: nn.Module, data: SweepData, batch: int = 128,
                    per_patch: Optional[dict] = None) -> dict[float, tuple[float, float]]:
    r"""PSNR (dB, peak 1) of the clamped output at each validation :math:`\sigma`, with its standard error.

    The mean squared error is pooled over every pixel of every patch; the standard
    error of the PSNR comes from the patches' spread by the delta method,
    :math:`\mathrm{se} = \frac{10}{\ln 10}\,\mathrm{se}(\overline{m}) / \overline{m}`,
    with :math:`m` the per-patch MSE. Pass a dict as ``per_patch`` to receive the
    per-patch MSEs (a float64 tensor per level), for paired comparisons.
    """
    out = {}
    for s, noisy in data.val_noisy.items():
        sig = torch.full((batch,), s)
        den = torch.cat([net(noisy[i : i + batch], sig[: len(noisy[i : i + batch])]).clamp(0, 1)
                         for i in range(0, len(noisy), batch)])
        m = ((den - data.val_clean) ** 2).mean(dim=(1, 2, 3)).double()
        if per_patch is not None:
            per_patch[s] = m
        mean = float(m.mean())
        se = float(m.std() / math.sqrt(len(m)))
        out[s] = (10 * math.log10(1 / mean), 10 / math.log(10) * se / mean)
    return out


@torch.no_grad()
def shift_consistency(net: nn.Module, data: SweepData, shifts: Sequence[int] = (1, 2, 3, 4),
                      margin: int = 4) -> dict[int, float]:
    r"""How well shifting the input shifts the output: PSNR (dB) between the two, per horizontal shift.

    For a noisy validation patch :math:`X` of width :math:`W + 8`, compare
    :math:`f(X[:, d : d + W])` with :math:`f(X[:, 0 : W])` shifted left by :math:`d`,
    on the columns both cover, ``margin`` pixels away from every border. A
    shift-equivariant denoiser gives :math:`+\infty`.
    """
    x = data.shift_noisy
    w = x.shape[-1] - 8
    sig = torch.full((len(x),), 0.1)
    ref = net(x[..., :w], sig)
    out = {}
    for d in shifts:
        y = net(x[..., d : d + w], sig)
        a = ref[..., margin:-margin, d + margin : w - margin]
        b = y[..., margin:-margin, margin : w - d - margin]
        mse = float(((a - b) ** 2).mean())
        out[d] = 10 * math.log10(1 / mse) if mse > 0 else math.inf
    return out


def _lr_factor(step: int, warmup: int, steps: int) -> float:
    """Linear warm-up, then cosine decay to zero."""
    if step < warmup:
        return (step + 1) / warmup
    return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(steps - warmup, 1)))


def train_sweep_run(config: SweepConfig, data: SweepData, progress: bool = False,
                    stop_after: Optional[int] = None) -> dict:
    r"""Train one :class:`DenoisingUNet` and return its metrics and validation curve (single thread, seeded).

    Each step draws ``batch`` training patches and, per patch, a noise level
    :math:`\sigma` log-uniform in ``[sigma_min, sigma_max]``, and takes one Adam
    step on the MSE to the clean patch. The seed fixes the initial weights (see
    :class:`DenoisingUNet`), the batches and the noise; the batches and noise do
    not depend on the resamplers, so runs with one seed are paired.

    ``stop_after`` ends the run early, after that many steps of the same schedule,
    so a short rerun reproduces the first points of a stored curve.

    Returns:
        A dict with ``val_psnr_db`` (mean over :data:`VAL_SIGMAS`), the PSNR and its
        standard error per level, ``curve`` (steps and mean validation PSNR),
        ``shift_psnr_db`` per shift, the per-patch MSEs at the end (``patch_mse``),
        ``params``, ``steps`` and the trained network (``net``).
    """
    c = config
    with single_thread():
        torch.manual_seed(c.seed)
        # channels_last: oneDNN runs these small convolutions faster; it reorders additions, not the maths
        net = DenoisingUNet(c.channels, c.up, c.down, seed=c.seed).to(memory_format=torch.channels_last)
        opt = torch.optim.Adam(net.parameters(), lr=c.lr)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: _lr_factor(s, c.warmup, c.steps))
        g = torch.Generator().manual_seed(10_000 + c.seed)
        lo, hi = math.log(c.sigma_min), math.log(c.sigma_max)
        curve = []
        last = c.steps if stop_after is None else min(stop_after, c.steps)
        steps = range(last)
        if progress:
            from tqdm import tqdm
            steps = tqdm(steps, unit="step", ncols=80, mininterval=5)
        for step in steps:
            if step % c.val_every == 0:
                net.eval()
                v = validation_psnr(net, data)
                curve.append((step, sum(p for p, _ in v.values()) / len(v)))
                net.train()
            clean = data.train[torch.randint(0, len(data.train), (c.batch,), generator=g)]
            sigma = torch.exp(lo + (hi - lo) * torch.rand(c.batch, generator=g))
            noisy = clean + sigma[:, None, None, None] * torch.randn(clean.shape, generator=g)
            loss = F.mse_loss(net(noisy.contiguous(memory_format=torch.channels_last), sigma), clean)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        net.eval()
        patches: dict = {}
        v = validation_psnr(net, data, per_patch=patches)
        curve.append((last, sum(p for p, _ in v.values()) / len(v)))
        shift = shift_consistency(net, data)
    return {
        "up": c.up, "down": c.down, "seed": c.seed, "steps": last,
        "val_psnr_db": curve[-1][1],
        **{f"psnr_s{s:g}": p for s, (p, _) in v.items()},
        **{f"se_s{s:g}": e for s, (_, e) in v.items()},
        **{f"shift{d}_psnr_db": p for d, p in shift.items()},
        "params": sum(p.numel() for p in net.parameters()),
        "curve": curve,
        "patch_mse": patches,
        "net": net,
    }


def paired_interval(diffs: Sequence[float], level: float = 0.95) -> tuple[float, float, float]:
    r"""Mean of paired differences and its Student-t confidence interval.

    :math:`\bar d \pm t_{n-1,\,(1+\text{level})/2}\; s_d/\sqrt n`, with :math:`s_d` the sample standard
    deviation of the :math:`n` differences.

    Examples:
        >>> m, lo, hi = paired_interval([0.1, 0.2, 0.15, 0.12, 0.18])
        >>> round(m, 3), round(lo, 3), round(hi, 3)
        (0.15, 0.099, 0.201)
    """
    from scipy.stats import t

    d = torch.as_tensor(list(diffs), dtype=torch.float64)
    if d.dim() != 1 or len(d) < 2:
        raise ValueError(f"paired_interval: need at least two paired differences, got {len(d)}")
    if not 0 < level < 1:
        raise ValueError(f"paired_interval: level must lie in (0, 1), got {level!r}")
    n = len(d)
    half = float(t.ppf((1 + level) / 2, n - 1)) * float(d.std()) / math.sqrt(n)
    return float(d.mean()), float(d.mean()) - half, float(d.mean()) + half


def classify_difference(low: float, high: float, threshold: float) -> str:
    """Name what a confidence interval ``[low, high]`` for a difference says, against a pre-declared threshold.

    * ``"better"`` / ``"worse"``: the whole interval lies beyond ``+threshold`` / ``-threshold``;
    * ``"equivalent"``: the whole interval lies within ``±threshold``;
    * ``"higher, not resolved against the threshold"`` / ``"lower, ..."``: the interval excludes zero but
      neither lies beyond the threshold nor within it, so whether the difference exceeds the threshold is open;
    * ``"unresolved"``: the interval contains zero and reaches beyond the threshold.

    Examples:
        >>> classify_difference(0.12, 0.30, 0.1), classify_difference(-0.05, 0.04, 0.1)
        ('better', 'equivalent')
        >>> classify_difference(0.02, 0.15, 0.1), classify_difference(-0.2, 0.05, 0.1)
        ('higher, not resolved against the threshold', 'unresolved')
    """
    if not low <= high:
        raise ValueError(f"classify_difference: need low <= high, got [{low}, {high}]")
    if not threshold > 0:
        raise ValueError(f"classify_difference: threshold must be positive, got {threshold!r}")
    if low > threshold:
        return "better"
    if high < -threshold:
        return "worse"
    if -threshold < low and high < threshold:
        return "equivalent"
    if low > 0:
        return "higher, not resolved against the threshold"
    if high < 0:
        return "lower, not resolved against the threshold"
    return "unresolved"
