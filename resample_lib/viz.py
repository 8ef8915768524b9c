"""One look for every figure in the book.

* pixels are shown as pixels (``interpolation='nearest'``), never smoothed;
* colour maps are colour-blind safe: ``gray`` for images, ``cividis`` for
  magnitudes, ``PuOr`` (diverging, symmetric about zero) for signed maps;
* every panel has a title; a colour bar appears whenever values matter.

Plotting lives here, arithmetic elsewhere: these functions only draw tensors
they are given.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Rectangle

SIGNED_CMAP = "PuOr"
MAGNITUDE_CMAP = "cividis"


def use_style() -> None:
    """Apply the book's matplotlib defaults (call once at the top of a notebook)."""
    plt.rcParams.update({
        "figure.dpi": 90,
        "savefig.dpi": 90,
        "font.size": 9,
        "axes.titlesize": 9,
        "figure.titlesize": 11,
        "image.interpolation": "nearest",
        "image.cmap": MAGNITUDE_CMAP,
        "axes.prop_cycle": plt.cycler(color=plt.get_cmap("tab10").colors),
    })


def to_image(t: torch.Tensor) -> np.ndarray:
    """``(1, C, H, W)``, ``(C, H, W)`` or ``(H, W)`` tensor -> ``(H, W)`` or ``(H, W, 3)`` array."""
    t = t.detach().to("cpu", torch.float32)
    while t.dim() > 3:
        if t.shape[0] != 1:
            raise ValueError(f"expected a single image, got a batch of shape {tuple(t.shape)}")
        t = t[0]
    if t.dim() == 3:
        if t.shape[0] == 1:
            t = t[0]
        elif t.shape[0] == 3:
            return t.permute(1, 2, 0).clamp(0, 1).numpy()
        else:
            raise ValueError(f"expected 1 or 3 channels, got {t.shape[0]} (shape {tuple(t.shape)})")
    return t.numpy()


def _grid(n: int, ncols: int | None, size: float, rows_extra: int = 0):
    ncols = min(n, ncols or n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows + rows_extra, ncols, figsize=(size * ncols, size * (nrows + rows_extra)),
                             squeeze=False, layout="constrained")
    for ax in axes.flat:
        ax.set_axis_off()
    return fig, axes


def show_images(images: Sequence[torch.Tensor], titles: Sequence[str] | None = None, *,
                ncols: int | None = None, cmap: str = "gray", vmin: float | None = 0.0,
                vmax: float | None = 1.0, colorbar: bool = False, suptitle: str | None = None,
                size: float = 2.4):
    """Images side by side, pixel-exact, each with its title and shape.

    Returns the matplotlib figure.
    """
    titles = list(titles) if titles is not None else [""] * len(images)
    if len(titles) != len(images):
        raise ValueError(f"got {len(images)} images but {len(titles)} titles")
    fig, axes = _grid(len(images), ncols, size)
    for ax, img, title in zip(axes.flat, images, titles):
        arr = to_image(img)
        im = ax.imshow(arr, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        ax.set_title(f"{title}\n{arr.shape[0]}×{arr.shape[1]}" if title else f"{arr.shape[0]}×{arr.shape[1]}")
        if colorbar and arr.ndim == 2:
            fig.colorbar(im, ax=ax, shrink=0.8)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def feature_grid(maps: torch.Tensor, names: Sequence[str] | None = None, *, shared: bool = True,
                 ncols: int | None = None, suptitle: str | None = None, size: float = 2.2,
                 signed: bool = True):
    """Feature maps ``(C, H, W)`` (or ``(1, C, H, W)``) on one grid with colour bars.

    With ``shared=True`` every map uses one colour scale and one colour bar, so
    magnitudes compare across maps; otherwise each map gets its own scale and bar.
    Signed maps use a diverging map centred on zero.
    """
    m = maps.detach().to("cpu", torch.float32)
    if m.dim() == 4 and m.shape[0] == 1:
        m = m[0]
    if m.dim() != 3:
        raise ValueError(f"expected feature maps of shape (C, H, W), got {tuple(maps.shape)}")
    names = list(names) if names is not None else [f"channel {i}" for i in range(m.shape[0])]
    cmap = SIGNED_CMAP if signed else MAGNITUDE_CMAP
    fig, axes = _grid(m.shape[0], ncols, size)
    lim = float(m.abs().max()) or 1.0
    ims = []
    for ax, fmap, name in zip(axes.flat, m, names):
        if not shared:
            lim = float(fmap.abs().max()) or 1.0
        lo = -lim if signed else (0.0 if shared else float(fmap.min()))
        im = ax.imshow(fmap.numpy(), cmap=cmap, vmin=lo, vmax=lim, interpolation="nearest")
        ax.set_title(name)
        ims.append(im)
        if not shared:
            fig.colorbar(im, ax=ax, shrink=0.8)
    if shared:
        fig.colorbar(ims[0], ax=axes.ravel().tolist(), shrink=0.8, label="response")
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def compare_crops(images: Sequence[torch.Tensor], titles: Sequence[str], box: tuple[float, float, float, float],
                  *, cmap: str = "gray", vmin: float | None = 0.0, vmax: float | None = 1.0,
                  suptitle: str | None = None, size: float = 2.2):
    """Full images on top, the same zoomed crop of each below.

    ``box = (top, left, height, width)`` is given as *fractions* of the image, so
    one box picks the same region in images of different sizes.
    """
    n = len(images)
    fig, axes = plt.subplots(2, n, figsize=(size * n, size * 2), squeeze=False, layout="constrained")
    for col, (img, title) in enumerate(zip(images, titles)):
        arr = to_image(img)
        h, w = arr.shape[:2]
        top, left = int(round(box[0] * h)), int(round(box[1] * w))
        ch, cw = max(1, int(round(box[2] * h))), max(1, int(round(box[3] * w)))
        full, zoom = axes[0, col], axes[1, col]
        full.imshow(arr, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        full.add_patch(Rectangle((left - 0.5, top - 0.5), cw, ch, fill=False, ec="#ffb000", lw=1.5))
        full.set_title(f"{title}\n{h}×{w}")
        zoom.imshow(arr[top : top + ch, left : left + cw], cmap=cmap, vmin=vmin, vmax=vmax,
                    interpolation="nearest")
        zoom.set_title(f"crop {ch}×{cw}")
        for ax in (full, zoom):
            ax.set_xticks([]), ax.set_yticks([])
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def heatmap(matrix: torch.Tensor, title: str, *, xlabel: str = "", ylabel: str = "", signed: bool = False,
            ax=None, colorbar: bool = True, annotate: bool = False, fmt: str = "{:.2f}"):
    """A matrix as an image with a colour bar (e.g. a resampling weight matrix or a kernel)."""
    m = matrix.detach().to("cpu", torch.float32).numpy()
    if ax is None:
        _, ax = plt.subplots(figsize=(3.2, 3.0), layout="constrained")
    if signed:
        lim = float(np.abs(m).max()) or 1.0
        im = ax.imshow(m, cmap=SIGNED_CMAP, vmin=-lim, vmax=lim, interpolation="nearest")
    else:
        im = ax.imshow(m, cmap=MAGNITUDE_CMAP, interpolation="nearest")
    if annotate:
        for (i, j), v in np.ndenumerate(m):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=7, color="k",
                    bbox=dict(boxstyle="round,pad=0.1", fc="w", ec="none", alpha=0.6))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, shrink=0.8)
    return ax
