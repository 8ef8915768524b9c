r"""A small, reproducible training experiment: which up/down pair should a U-Net use?

The chapter on DDIM's U-Net trains the same :class:`~resample_lib.nn.small_unet.SmallUNet`
with different resamplers on one task and compares them. This module holds the
pieces, so the chapter shows only the results:

* :func:`patch_bank` cuts random gray patches from scikit-image photographs
  (:func:`resample_lib.helpers.images.photo`);
* :func:`add_noise` adds seeded Gaussian noise, :math:`\tilde x = x + \sigma n`,
  :math:`n \sim \mathcal N(0, 1)`;
* :func:`make_denoising_data` builds the training patches and a fixed noisy
  validation set from a :class:`DataSpec`;
* :func:`train_denoiser` trains one network from one :class:`TrainConfig`,
  seeded and single-threaded, and :func:`evaluate` measures its PSNR;
* :func:`run_experiments` trains many configurations, in worker processes if
  asked, with a progress bar;
* :func:`training_memory` counts, deterministically, the bytes one training step
  keeps alive.

**Reproducibility.** A run is a pure function of its :class:`TrainConfig` and
:class:`DataSpec`: the initial weights come from ``SmallUNet(seed=...)``, the
choice of patches and the noise from a ``torch.Generator`` seeded from the same
seed, and the run executes with ``torch.set_num_threads(1)`` (restored
afterwards), because a multi-threaded convolution may add its terms in a
different order and so round differently. The same configuration therefore gives
bit-identical weights and PSNR whatever the machine's thread count and whichever
worker process runs it.
"""
from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
import multiprocessing
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from resample_lib.helpers.images import PHOTOS, photo
from resample_lib.helpers.metrics import psnr
from resample_lib.nn.small_unet import SmallUNet

__all__ = [
    "DataSpec",
    "DenoisingData",
    "TrainConfig",
    "RunResult",
    "MemoryReport",
    "single_thread",
    "patch_bank",
    "add_noise",
    "make_denoising_data",
    "train_denoiser",
    "evaluate",
    "run_experiments",
    "training_memory",
]


# --------------------------------------------------------------------------- #
# data
# --------------------------------------------------------------------------- #
def _check_generator(generator: object, op: str) -> None:
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"{op}: generator must be a torch.Generator, got {type(generator).__name__}")


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
    for value, label in ((per_image, "per_image"), (size, "size")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"patch_bank: {label} must be a positive int, got {value!r}")
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

    Examples:
        >>> x = torch.zeros(1, 1, 4, 4)
        >>> torch.equal(add_noise(x, 0.1, torch.Generator().manual_seed(0)),
        ...             add_noise(x, 0.1, torch.Generator().manual_seed(0)))
        True
    """
    _check_generator(generator, "add_noise")
    if not sigma >= 0:
        raise ValueError(f"add_noise: sigma must be non-negative, got {sigma!r}")
    return clean + sigma * torch.randn(clean.shape, generator=generator, dtype=clean.dtype)


@dataclass(frozen=True)
class DataSpec:
    """What to train and validate on: photos, patch counts, patch size, noise level and seeds.

    The default is the chapter's: 512 patches of 32x32 from each of four photos
    for training; 64 from each of two *other* photos (coins: round objects on a
    flat background; brick: texture) for validation, with fixed noise.
    """

    train_photos: tuple[str, ...] = ("camera", "astronaut", "chelsea", "coffee")
    val_photos: tuple[str, ...] = ("coins", "brick")
    train_per_image: int = 512
    val_per_image: int = 64
    size: int = 32
    sigma: float = 0.1
    train_seed: int = 0
    val_seed: int = 1
    val_noise_seed: int = 7


@dataclass
class DenoisingData:
    """Training patches (clean) and a fixed validation set (clean and noisy), built by :func:`make_denoising_data`."""

    spec: DataSpec
    train: Tensor
    val_clean: Tensor
    val_noisy: Tensor


def make_denoising_data(spec: DataSpec = DataSpec()) -> DenoisingData:
    """Cut the patches of ``spec`` and add the validation noise (deterministic).

    Examples:
        >>> d = make_denoising_data(DataSpec(train_per_image=2, val_per_image=1, size=8))
        >>> d.train.shape, d.val_noisy.shape
        (torch.Size([8, 1, 8, 8]), torch.Size([2, 1, 8, 8]))
    """
    train = patch_bank(spec.train_photos, spec.train_per_image, spec.size, spec.train_seed)
    val = patch_bank(spec.val_photos, spec.val_per_image, spec.size, spec.val_seed)
    noisy = add_noise(val, spec.sigma, torch.Generator().manual_seed(spec.val_noise_seed))
    return DenoisingData(spec, train, val, noisy)


# --------------------------------------------------------------------------- #
# training
# --------------------------------------------------------------------------- #
@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Run the block with ``torch.set_num_threads(1)``; restore the previous count afterwards."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@dataclass(frozen=True)
class TrainConfig:
    """One training run: the resampler pair, the seed and the budget.

    ``seed`` fixes the initial weights (``SmallUNet(seed=seed)``) and, through a
    second generator seeded with ``1000 + seed``, the order of the patches and the
    training noise. ``channels_last`` trains in torch's NHWC memory format, which
    oneDNN runs about a fifth faster on a CPU for these small channel counts; it
    changes the order of floating-point additions, not the mathematics.
    """

    up: str = "nearest+conv (DDIM)"
    down: str = "pad+conv s2 (DDIM)"
    seed: int = 0
    channels: tuple[int, ...] = (8, 16)
    steps: int = 150
    batch: int = 16
    lr: float = 2e-3
    channels_last: bool = True


@dataclass
class RunResult:
    """What :func:`train_denoiser` returns.

    Attributes:
        config: the run's configuration.
        psnr: validation PSNR in dB of the clamped output (:func:`evaluate`).
        losses: training loss (MSE) of every step.
        seconds_per_step: wall-clock seconds per training step (single thread; varies between runs).
        state_dict: the trained weights (CPU tensors), to rebuild the model with :meth:`model`.
    """

    config: TrainConfig
    psnr: float
    losses: list[float]
    seconds_per_step: float
    state_dict: dict[str, Tensor] = field(repr=False)

    def model(self) -> SmallUNet:
        """The trained network, rebuilt from :attr:`state_dict`."""
        c = self.config
        net = SmallUNet(channels=c.channels, up=c.up, down=c.down, seed=c.seed)
        net.load_state_dict(self.state_dict)
        return net.eval()


@torch.no_grad()
def evaluate(model: nn.Module, noisy: Tensor, clean: Tensor, batch: int = 64) -> float:
    r"""PSNR (dB, peak 1) of ``model(noisy).clamp(0, 1)`` against ``clean``, over the whole set.

    The mean squared error is taken over every pixel of every patch, then
    converted once: :math:`10 \log_{10}(1/\mathrm{MSE})`.
    """
    if noisy.shape != clean.shape:
        raise ValueError(f"evaluate: shapes differ: {tuple(noisy.shape)} vs {tuple(clean.shape)}")
    out = torch.cat([model(noisy[i : i + batch]) for i in range(0, len(noisy), batch)])
    return psnr(out.clamp(0, 1), clean)


def train_denoiser(config: TrainConfig, data: DenoisingData) -> RunResult:
    r"""Train a :class:`~resample_lib.nn.small_unet.SmallUNet` to remove the noise of ``data.spec``.

    Each step draws ``config.batch`` training patches uniformly (with
    replacement), adds fresh noise of level :math:`\sigma`, and takes one Adam step
    on the mean squared error between the network's output and the clean patches.
    Everything runs in one thread (see the module doc), so the result depends
    only on ``config`` and ``data``.

    Returns:
        A :class:`RunResult` with the validation PSNR, the losses, the time per
        step and the trained weights.
    """
    with single_thread():
        torch.manual_seed(config.seed)  # nothing should draw from it, but be safe
        net = SmallUNet(channels=config.channels, up=config.up, down=config.down, seed=config.seed)
        fmt = torch.channels_last if config.channels_last else torch.contiguous_format
        net = net.to(memory_format=fmt)
        opt = torch.optim.Adam(net.parameters(), lr=config.lr)
        g = torch.Generator().manual_seed(1000 + config.seed)
        losses = []
        start = time.perf_counter()
        for _ in range(config.steps):
            clean = data.train[torch.randint(0, len(data.train), (config.batch,), generator=g)]
            clean = clean.contiguous(memory_format=fmt)
            loss = F.mse_loss(net(add_noise(clean, data.spec.sigma, g)), clean)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        seconds = (time.perf_counter() - start) / max(config.steps, 1)
        net.eval()
        score = evaluate(net, data.val_noisy.contiguous(memory_format=fmt), data.val_clean)
    state = {k: v.detach().clone(memory_format=torch.contiguous_format) for k, v in net.state_dict().items()}
    return RunResult(config, score, losses, seconds, state)


_WORKER_DATA: Optional[DenoisingData] = None


def _init_worker(spec: DataSpec) -> None:
    global _WORKER_DATA
    torch.set_num_threads(1)
    _WORKER_DATA = make_denoising_data(spec)


def _train_in_worker(config: TrainConfig) -> RunResult:
    assert _WORKER_DATA is not None, "worker not initialised"
    return train_denoiser(config, _WORKER_DATA)


def run_experiments(
    configs: Sequence[TrainConfig],
    spec: DataSpec = DataSpec(),
    workers: int = 1,
    progress: bool = True,
) -> list[RunResult]:
    """Train every configuration; return the results in the order of ``configs``.

    With ``workers > 1`` the runs are spread over that many fresh worker
    processes (``spawn``), each single-threaded and building the data of ``spec``
    once; since every run is deterministic (see the module doc) the results are
    the same as with ``workers=1``, only sooner on a machine with that many cores.
    A ``tqdm`` progress bar counts finished runs.

    Args:
        configs: the runs.
        spec: the data, built with :func:`make_denoising_data`.
        workers: number of processes; 1 trains in this process.
        progress: show the progress bar.
    """
    from tqdm import tqdm

    configs = list(configs)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"run_experiments: workers must be a positive int, got {workers!r}")
    results: list[Optional[RunResult]] = [None] * len(configs)
    # mininterval: a few updates, not one per run, so the stored notebook and the HTML stay short
    bar = tqdm(total=len(configs), unit="run", disable=not progress, mininterval=10, ncols=80)
    try:
        if workers == 1:
            data = make_denoising_data(spec)
            for i, c in enumerate(configs):
                results[i] = train_denoiser(c, data)
                bar.update()
        else:
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(spec,)) as pool:
                futures = {pool.submit(_train_in_worker, c): i for i, c in enumerate(configs)}
                for fut in as_completed(futures):
                    results[futures[fut]] = fut.result()
                    bar.update()
    finally:
        bar.close()
    return results  # type: ignore[return-value]


# --------------------------------------------------------------------------- #
# memory
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class MemoryReport:
    """Bytes one training step keeps alive, counted from the tensors themselves (see :func:`training_memory`)."""

    saved_for_backward: int
    parameters: int
    gradients: int
    optimizer_state: int

    @property
    def total(self) -> int:
        """Sum of the four parts."""
        return self.saved_for_backward + self.parameters + self.gradients + self.optimizer_state


def _storage_key(t: Tensor) -> tuple[int, int]:
    s = t.untyped_storage()
    return s.data_ptr(), s.nbytes()


def training_memory(model: nn.Module, input_shape: Sequence[int], optimizer: str = "adam") -> MemoryReport:
    r"""A deterministic measure of the memory of one training step (MSE loss against a target of the output's shape).

    Counts, in bytes:

    * ``saved_for_backward``: every tensor autograd stores during the forward pass
      for use in the backward pass, seen through
      :func:`torch.autograd.graph.saved_tensors_hooks`. Each underlying storage is
      counted once, however many operations save it or views of it (a map saved
      by a convolution and by the activation after it counts once); storages of
      the model's parameters are left out (they are counted below). The input
      batch and the target are included when an operation saves them.
    * ``parameters`` and ``gradients``: the bytes of all parameters, twice;
    * ``optimizer_state``: Adam's two moment buffers (twice the parameters; 0 for plain SGD).

    Not counted: temporaries freed during the forward or backward pass,
    allocator overhead and fragmentation, the framework itself. Because the count
    is read from tensor shapes it is the same on every machine and every run,
    unlike the resident memory of the process.

    Args:
        model: the network (its parameters must require grad to be saved for).
        input_shape: the batch shape, e.g. ``(16, 1, 32, 32)``.
        optimizer: ``"adam"`` or ``"sgd"``.

    Examples:
        >>> conv = nn.Conv2d(1, 2, 3, padding=1, bias=False)        # 18 weights
        >>> m = training_memory(nn.Sequential(conv, nn.ReLU()), (1, 1, 4, 4))
        >>> m.saved_for_backward  # input 16 + ReLU output 32 + target 32 floats
        320
        >>> m.parameters, m.optimizer_state
        (72, 144)
    """
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f"training_memory: optimizer must be 'adam' or 'sgd', got {optimizer!r}")
    params = list(model.parameters())
    param_bytes = sum(p.numel() * p.element_size() for p in params)
    param_keys = {_storage_key(p) for p in params}
    dtype = params[0].dtype if params else torch.float32
    x = torch.zeros(tuple(input_shape), dtype=dtype)
    seen: set[tuple[int, int]] = set()
    saved = 0

    def pack(t: Tensor) -> Tensor:
        nonlocal saved
        key = _storage_key(t)
        if key not in seen and key not in param_keys:
            seen.add(key)
            saved += key[1]
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = model(x)
        target = torch.zeros_like(out)
        loss = F.mse_loss(out, target)
    del loss, out, target  # the graph is dropped without a backward pass
    state = 2 * param_bytes if optimizer == "adam" else 0
    return MemoryReport(saved, param_bytes, param_bytes, state)
