r"""The controlled resampler sweep of chapter 05: its data, the training of one run, and its measurements.

``experiments/unet_sweep.py`` trains a :class:`~resample_lib.nn.denoising_unet.DenoisingUNet` for every
configuration and seed with :func:`train_sweep_run`; the chapter reruns a slice of one run and reads the stored
results. The pieces:

* :func:`patch_bank` cuts random gray patches from scikit-image photographs
  (:func:`resample_lib.helpers.images.photo`), and :func:`add_noise` adds seeded Gaussian noise,
  :math:`\tilde x = x + \sigma n`, :math:`n \sim \mathcal N(0, 1)`; :func:`make_sweep_data` builds the
  training patches and the fixed noisy validation sets (:class:`SweepData`) from them;
* :func:`validation_psnr` and :func:`shift_consistency` measure a network;
* :func:`train_sweep_run` trains one :class:`SweepConfig`, seeded and in one thread (:func:`single_thread`).

**Reproducibility.** A run is a pure function of its :class:`SweepConfig` and its data: the initial weights come
from the seed (paired across configurations, see :class:`~resample_lib.nn.denoising_unet.DenoisingUNet`), the
batches and the noise from a ``torch.Generator`` seeded from the same seed, and the run executes with
``torch.set_num_threads(1)`` (restored afterwards), because a multi-threaded convolution may add its terms in a
different order and so round differently.
"""
from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from resample_lib.functional._validate import check_int
from resample_lib.helpers.images import PHOTOS, photo
from resample_lib.nn.denoising_unet import DenoisingUNet
from resample_lib.nn.resampling_block import check_generator

__all__ = [
    "patch_bank",
    "add_noise",
    "single_thread",
    "SweepConfig",
    "SweepData",
    "make_sweep_data",
    "validation_psnr",
    "shift_consistency",
    "train_sweep_run",
    # offered here for the chapter, defined elsewhere
]


# --------------------------------------------------------------------------- #
# data
# --------------------------------------------------------------------------- #
def patch_bank(names: Sequence[str], per_image: int, size: int = 32, seed: int = 0) -> Tensor:
    r"""Random square gray patches from scikit-image photographs, in ``[0, 1]``.

    For each photo in ``names`` (converted to gray with ITU-R 601 luma weights)
    ``per_image`` top-left corners are drawn uniformly from a generator seeded
    with ``seed``, photo after photo, and the ``size x size`` patches stacked.

    Args:
        names: photos of :data:`resample_lib.helpers.images.PHOTOS`.
        per_image: patches per photo.
        size: side of each patch in pixels.
        seed: seed of the corner positions.

    Shape:
        - Output: :math:`(\text{len(names)} \cdot \text{per\_image}, 1, \text{size}, \text{size})`

    Examples:
        >>> patch_bank(["camera", "coins"], per_image=3, size=16).shape
        torch.Size([6, 1, 16, 16])
    """
    names = list(names)
    if not names or any(n not in PHOTOS for n in names):
        raise ValueError(f"patch_bank: names must be a non-empty list of {PHOTOS}, got {names!r}")
    check_int(per_image, "per_image", "patch_bank", minimum=1)
    check_int(size, "size", "patch_bank", minimum=1)
    g = torch.Generator().manual_seed(seed)
    patches = []
    for name in names:
        image = photo(name, gray=True)[0]  # (1, H, W)
        h, w = image.shape[-2:]
        if size > min(h, w):
            raise ValueError(f"patch_bank: size {size} does not fit in the {h}x{w} photo {name!r}")
        top = torch.randint(0, h - size + 1, (per_image,), generator=g).tolist()
        left = torch.randint(0, w - size + 1, (per_image,), generator=g).tolist()
        patches += [image[:, i : i + size, j : j + size] for i, j in zip(top, left)]
    return torch.stack(patches).contiguous()


def add_noise(clean: Tensor, sigma: float, generator: torch.Generator) -> Tensor:
    r"""Additive white Gaussian noise: :math:`\tilde x = x + \sigma n`, :math:`n \sim \mathcal N(0, 1)`, not clipped.

    Args:
        clean: the images.
        sigma: the noise level :math:`\sigma \ge 0`.
        generator: the source of :math:`n`.

    Shape:
        - Input: any; the output has the shape and dtype of ``clean``.

    Examples:
        >>> x = torch.zeros(1, 1, 4, 4)
        >>> torch.equal(add_noise(x, 0.1, torch.Generator().manual_seed(0)),
        ...             add_noise(x, 0.1, torch.Generator().manual_seed(0)))
        True
    """
    check_generator(generator, "add_noise", optional=False)
    if not sigma >= 0:
        raise ValueError(f"add_noise: sigma must be non-negative, got {sigma!r}")
    return clean + sigma * torch.randn(clean.shape, generator=generator, dtype=clean.dtype)


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Run the block with ``torch.set_num_threads(1)``; restore the previous count afterwards."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


# --------------------------------------------------------------------------- #
# the sweep: configuration, data, measurements, training
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class SweepConfig:
    """One run of the sweep: the resampler pair, the seed, the network and the budget.

    Attributes:
        up, down: names in :data:`~resample_lib.nn.upsampling_blocks.UPSAMPLERS` and
            :data:`~resample_lib.nn.downsampling_blocks.DOWNSAMPLERS`.
        seed: fixes the initial weights, the batches and the noise.
        channels: the network's channels per resolution.
        steps, batch, lr, warmup: the Adam schedule: linear warm-up for ``warmup`` steps, then cosine decay.
        sigma_min, sigma_max: the range of the log-uniform training noise levels.
        val_every: steps between two points of the validation curve.
    """

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
    """Clean training patches, and validation patches with fixed noise at each evaluation level.

    Attributes:
        train: clean training patches :math:`(N, 1, S, S)`.
        val_clean: clean validation patches :math:`(M, 1, S, S)`.
        val_noisy: ``val_clean`` plus fixed noise, for each level of :data:`VAL_SIGMAS`.
        shift_clean, shift_noisy: wider validation patches :math:`(M, 1, S, S + 8)`, clean and with noise 0.1,
            for :func:`shift_consistency`.
    """

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

    Args:
        train_per_image: training patches per photo of :data:`TRAIN_PHOTOS`.
        val_per_image: validation patches per photo of :data:`VAL_PHOTOS`.
        size: side :math:`S` of a patch.

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
    with :math:`m` the per-patch MSE.

    Args:
        net: the denoiser, called as ``net(noisy, sigma)``.
        data: the validation patches.
        batch: patches per forward pass.
        per_patch: a dict to receive the per-patch MSEs (a float64 tensor per level), for paired comparisons.

    Returns:
        ``{sigma: (psnr_db, standard_error_db)}`` for each validation level.

    Examples:
        >>> data = make_sweep_data(train_per_image=1, val_per_image=2, size=16)
        >>> noisy_input = lambda x, sigma: x          # no denoising: the PSNR of the noisy input
        >>> {s: round(p) for s, (p, se) in validation_psnr(noisy_input, data).items()}
        {0.05: 27, 0.1: 20, 0.2: 14}
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

    Args:
        net: the denoiser, called as ``net(noisy, sigma)``.
        data: its ``shift_noisy`` patches are used, at :math:`\sigma = 0.1`.
        shifts: the horizontal shifts :math:`d`, at most 8.
        margin: pixels left out at every border.

    Returns:
        ``{d: psnr_db}``.

    Examples:
        >>> data = make_sweep_data(train_per_image=1, val_per_image=2, size=16)
        >>> shift_consistency(lambda x, sigma: x, data)       # the identity is shift-equivariant
        {1: inf, 2: inf, 3: inf, 4: inf}
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

    Args:
        config: the run.
        data: training and validation patches, from :func:`make_sweep_data`.
        progress: show a ``tqdm`` progress bar over the steps.
        stop_after: end the run early, after that many steps of the same schedule,
            so a short rerun reproduces the first points of a stored curve.

    Returns:
        A dict with ``val_psnr_db`` (mean over :data:`VAL_SIGMAS`), the PSNR and its
        standard error per level, ``curve`` (steps and mean validation PSNR),
        ``shift_psnr_db`` per shift, the per-patch MSEs at the end (``patch_mse``),
        ``params``, ``steps`` and the trained network (``net``).

    Examples:
        >>> data = make_sweep_data(train_per_image=2, val_per_image=2, size=16)
        >>> tiny = SweepConfig(channels=(4, 4, 4), steps=4, batch=2, val_every=2)
        >>> run = train_sweep_run(tiny, data)
        >>> [step for step, _ in run["curve"]], run["params"]
        ([0, 2, 4], ...)
        >>> train_sweep_run(tiny, data, stop_after=2)["curve"] == run["curve"][:2]
        True
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


