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
import re
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Rectangle

SIGNED_CMAP = "PuOr"
MAGNITUDE_CMAP = "cividis"


#: Widest figure, in CSS pixels, that the book's text column shows without scaling it down.
MAX_WIDTH_PX = 720
#: Figure dots per inch: one figure pixel is one CSS pixel on the page (the PNG stores twice as many).
DPI = 100


def use_style() -> None:
    """Apply the book's matplotlib defaults (call once at the top of a notebook).

    Figures are drawn at :data:`DPI` and, in a notebook, stored in the inline
    backend's ``retina`` format: the PNG has twice the pixels of its displayed
    size, so text and pixel grids stay sharp on high-density screens and
    projectors. No text is smaller than 9 pt.
    """
    try:  # only inside IPython / Jupyter
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")
    except ImportError:  # pragma: no cover - plain Python has no inline backend
        pass
    plt.rcParams.update({
        "figure.dpi": DPI,
        "savefig.dpi": 2 * DPI,
        "font.size": 10,
        "axes.titlesize": 10,
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.fontsize": 9,
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


def display_zoom(height: int, width: int, ncols: int = 1, *, colorbar: bool = False,
                 max_width: int = MAX_WIDTH_PX) -> tuple[int, int]:
    """How to draw ``ncols`` images of ``height x width`` pixels side by side without display aliasing.

    Returns ``(zoom, shrink)``: draw each image pixel as ``zoom x zoom`` screen
    pixels after shrinking the image by the integer factor ``shrink`` with an
    antialiased filter (``shrink == 1``: the image is shown whole, pixel for
    pixel or larger). The zoom is the largest integer for which the row fits in
    ``max_width`` CSS pixels.

    Examples:
        >>> display_zoom(32, 32, ncols=4)
        (5, 1)
        >>> display_zoom(512, 512, ncols=2)
        (1, 2)
    """
    slot = _GAP + (_CBAR if colorbar else 0)
    room = (max_width - _GAP) / ncols - slot
    if room >= width:
        return int(room // width), 1
    return 1, math.ceil(width / room)


_GAP, _CBAR, _TITLE_LINE = 14, 46, 15  # CSS pixels: gap between panels, colour bar with labels, one title line


def shrink_for_display(image: torch.Tensor, factor: int) -> torch.Tensor:
    """Shrink ``(..., H, W)`` by an integer ``factor`` with an antialiased (area) filter, for display only."""
    if factor == 1:
        return image
    from resample_lib.functional.interpolation import interpolate  # from scratch, like everything the book draws

    t = image.detach().to("cpu", torch.float32)
    while t.dim() < 4:
        t = t[None]
    h, w = t.shape[-2:]
    return interpolate(t, size=(max(1, h // factor), max(1, w // factor)), mode="area")


def pixel_axes(shapes: Sequence[tuple[int, int]], ncols: int, zoom: int, *, titles_lines: int = 1,
               colorbar: bool = False, shared_colorbar: bool = False, suptitle: str | None = None):
    """A figure whose axes draw each image pixel as exactly ``zoom x zoom`` CSS pixels (or a multiple).

    Every panel gets a slot as large as the largest image at ``zoom``; a smaller
    image is drawn at the largest integer zoom that fits its slot, so all zooms are
    integers and no image is resampled by the display. Returns ``(fig, axes, caxes)``,
    ``caxes`` holding a colour-bar axis per panel (or ``None``s); with
    ``shared_colorbar`` it holds one axis, right of the grid, for all panels.
    """
    n = len(shapes)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    slot_h = max(h for h, _ in shapes) * zoom
    slot_w = max(w for _, w in shapes) * zoom
    title_px = _TITLE_LINE * titles_lines + 6
    cbar = _CBAR if colorbar else 0
    sup_px = 30 if suptitle else 0
    width = ncols * (slot_w + cbar) + (ncols + 1) * _GAP + (_CBAR + 20 if shared_colorbar else 0)
    height = nrows * (slot_h + title_px) + (nrows + 1) * _GAP + sup_px
    fig = plt.figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    axes, caxes = [], []
    for k, (h, w) in enumerate(shapes):
        r, c = divmod(k, ncols)
        z = max(1, min(slot_h // h, slot_w // w))
        x0 = _GAP + c * (slot_w + cbar + _GAP)
        y0 = height - sup_px - (r + 1) * (slot_h + title_px + _GAP)
        ax = fig.add_axes([x0 / width, y0 / height, w * z / width, h * z / height])
        ax.set_axis_off()
        axes.append(ax)
        caxes.append(fig.add_axes([(x0 + w * z + 6) / width, y0 / height, 8 / width, h * z / height])
                     if colorbar else None)
    if shared_colorbar:
        x0 = ncols * (slot_w + cbar + _GAP) + _GAP
        grid_h = nrows * (slot_h + title_px + _GAP) - title_px - _GAP
        caxes = [fig.add_axes([x0 / width, (_GAP) / height, 10 / width, grid_h / height])]
    if suptitle:
        fig.suptitle(suptitle, y=1 - 8 / height, va="top")
    return fig, axes, caxes


def show_images(images: Sequence[torch.Tensor], titles: Sequence[str] | None = None, *,
                ncols: int | None = None, cmap: str = "gray", vmin: float | None = 0.0,
                vmax: float | None = 1.0, colorbar: bool = False, suptitle: str | None = None,
                size: float | None = None, zoom: int | None = None):
    """Images side by side, each pixel drawn as an integer number of screen pixels, with title and shape.

    The zoom is chosen by :func:`display_zoom` so that the row fits the page
    (``ncols`` panels, at most four by default); an image too large to fit whole
    is shrunk by an integer factor with an antialiased filter, and its title says
    so. ``zoom`` forces a zoom; ``size`` is accepted for compatibility and ignored.

    Returns the matplotlib figure.
    """
    titles = list(titles) if titles is not None else [""] * len(images)
    if len(titles) != len(images):
        raise ValueError(f"got {len(images)} images but {len(titles)} titles")
    ncols = min(len(images), ncols or 4)
    arrays = [to_image(img) for img in images]
    h = max(a.shape[0] for a in arrays)
    w = max(a.shape[1] for a in arrays)
    auto_zoom, shrink = display_zoom(h, w, ncols, colorbar=colorbar)
    zoom = zoom or auto_zoom
    labels = []
    for i, (img, title) in enumerate(zip(images, titles)):
        shape = f"{arrays[i].shape[0]}×{arrays[i].shape[1]}"
        if shrink > 1 and arrays[i].shape[1] * zoom > (MAX_WIDTH_PX - _GAP) / ncols - _GAP:
            arrays[i] = to_image(shrink_for_display(torch.as_tensor(img), shrink))
            shape += f"\n(shown ↓{shrink}, area filter)"
        labels.append(f"{title}\n{shape}" if title else shape)
    lines = max(label.count("\n") + 1 for label in labels)
    fig, axes, caxes = pixel_axes([a.shape[:2] for a in arrays], ncols, zoom, titles_lines=lines,
                                  colorbar=colorbar, suptitle=suptitle)
    for ax, cax, arr, label in zip(axes, caxes, arrays, labels):
        im = ax.imshow(arr, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        ax.set_title(label)
        if cax is not None and arr.ndim == 2:
            fig.colorbar(im, cax=cax)
    return fig


def feature_grid(maps: torch.Tensor, names: Sequence[str] | None = None, *, shared: bool = True,
                 ncols: int | None = None, suptitle: str | None = None, size: float | None = None,
                 signed: bool = True, label: str = "response", zoom: int | None = None):
    """Feature maps ``(C, H, W)`` (or ``(1, C, H, W)``) on one grid with colour bars, at an integer zoom.

    With ``shared=True`` every map uses one colour scale and one colour bar, so
    magnitudes compare across maps; otherwise each map gets its own scale and bar.
    Signed maps use a diverging map centred on zero. Maps too large for the page
    are shrunk by an integer factor with an area filter, and their titles say so.
    ``size`` is accepted for compatibility and ignored.
    """
    m = maps.detach().to("cpu", torch.float32)
    if m.dim() == 4 and m.shape[0] == 1:
        m = m[0]
    if m.dim() != 3:
        raise ValueError(f"expected feature maps of shape (C, H, W), got {tuple(maps.shape)}")
    names = list(names) if names is not None else [f"channel {i}" for i in range(m.shape[0])]
    cmap = SIGNED_CMAP if signed else MAGNITUDE_CMAP
    ncols = min(m.shape[0], ncols or 4)
    h, w = m.shape[-2:]
    auto_zoom, shrink = display_zoom(h, w, ncols, colorbar=not shared,
                                     max_width=MAX_WIDTH_PX - (_CBAR + 20 if shared else 0))
    lim = float(m.abs().max()) or 1.0
    shown = shrink_for_display(m[None], shrink)[0] if shrink > 1 else m
    if shrink > 1:
        names = [f"{n}\n(shown ↓{shrink}, area filter)" for n in names]
    lines = max(n.count("\n") + 1 for n in names)
    fig, axes, caxes = pixel_axes([tuple(shown.shape[-2:])] * len(shown), ncols, zoom or auto_zoom,
                                  titles_lines=lines, colorbar=not shared, shared_colorbar=shared,
                                  suptitle=suptitle)
    for k, (ax, fmap, name) in enumerate(zip(axes, shown, names)):
        if not shared:
            lim = float(m[k].abs().max()) or 1.0
        lo = -lim if signed else (0.0 if shared else float(m[k].min()))
        im = ax.imshow(fmap.numpy(), cmap=cmap, vmin=lo, vmax=lim, interpolation="nearest")
        ax.set_title(name)
        if not shared:
            fig.colorbar(im, cax=caxes[k])
    if shared:
        fig.colorbar(im, cax=caxes[0], label=label)
    return fig


def compare_crops(images: Sequence[torch.Tensor], titles: Sequence[str], box: tuple[float, float, float, float],
                  *, cmap: str = "gray", vmin: float | None = 0.0, vmax: float | None = 1.0,
                  suptitle: str | None = None, size: float | None = None):
    """Full images on top, the same crop of each below, every pixel drawn at an integer zoom.

    ``box = (top, left, height, width)`` is given as *fractions* of the image, so
    one box picks the same region in images of different sizes. A full image too
    large for the page is shrunk by an integer factor with an area filter (its
    title says so); the crops are never shrunk. ``size`` is accepted for
    compatibility and ignored.
    """
    arrays = [to_image(img) for img in images]
    n = len(arrays)
    h = max(a.shape[0] for a in arrays)
    w = max(a.shape[1] for a in arrays)
    _, shrink = display_zoom(h, w, n)
    fulls, crops, labels, boxes = [], [], [], []
    for img, arr, title in zip(images, arrays, titles):
        ih, iw = arr.shape[:2]
        top, left = int(round(box[0] * ih)), int(round(box[1] * iw))
        ch, cw = max(1, int(round(box[2] * ih))), max(1, int(round(box[3] * iw)))
        crops.append(arr[top : top + ch, left : left + cw])
        full = to_image(shrink_for_display(torch.as_tensor(img), shrink)) if shrink > 1 else arr
        fulls.append(full)
        labels.append(f"{title}\n{ih}×{iw}" + (f" (shown ↓{shrink})" if shrink > 1 else ""))
        boxes.append((top / shrink, left / shrink, ch / shrink, cw / shrink))
    shapes = [f.shape[:2] for f in fulls] + [c.shape[:2] for c in crops]
    zoom, _ = display_zoom(max(s[0] for s in shapes), max(s[1] for s in shapes), n)
    fig, axes, _ = pixel_axes(shapes, n, zoom, titles_lines=2, suptitle=suptitle)
    for k, (full, crop, label, (top, left, ch, cw)) in enumerate(zip(fulls, crops, labels, boxes)):
        axes[k].imshow(full, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        axes[k].add_patch(Rectangle((left - 0.5, top - 0.5), cw, ch, fill=False, ec="#ffb000", lw=1.5))
        axes[k].set_title(label)
        axes[n + k].imshow(crop, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        axes[n + k].set_title(f"crop {crop.shape[0]}×{crop.shape[1]}")
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


_PLAYER_ICONS = {
    "fa-minus": "−", "fa-plus": "+", "fa-fast-backward": "⏮", "fa-fast-forward": "⏭", "fa-step-backward": "⏴",
    "fa-step-forward": "⏵", "fa-play fa-flip-horizontal": "◀", "fa-play": "▶", "fa-pause": "⏸",
}


def animation_html(anim, alt: str, *, fps: float = 2.0):
    """An animation as self-contained HTML (frames embedded as PNGs, no other host), sharp and with alt text.

    The frames are rendered at twice the figure's resolution and displayed at its
    size, like the book's retina figures; ``alt`` describes the animation for
    screen readers and is required. The figure is closed, so it is not shown twice.

    Args:
        anim: a ``matplotlib.animation.Animation`` (for example a ``FuncAnimation``).
        alt: a short description of what the animation shows.
        fps: frames per second when playing.

    Returns:
        An ``IPython.display.HTML`` object; a notebook cell displays it.
    """
    from IPython.display import HTML

    if not alt or not alt.strip():
        raise ValueError("animation_html: give a non-empty alt text describing the animation")
    fig = anim._fig
    width_px = round(fig.get_figwidth() * DPI)
    fig.set_dpi(2 * DPI)
    html = anim.to_jshtml(fps=fps, embed_frames=True, default_mode="once")
    plt.close(fig)
    # matplotlib's player loads Font Awesome from a CDN for its button icons: drop it, use plain symbols
    html = re.sub(r'<link rel="stylesheet"\s*href="https?://[^"]*font-awesome[^"]*">', "", html)
    for icon, symbol in _PLAYER_ICONS.items():
        html = html.replace(f'<i class="fa {icon}"></i>', f'<span aria-hidden="true">{symbol}</span>')
    if re.search(r'(src|href)="(https?:)?//', html):
        raise RuntimeError("animation_html: the player still loads something from another host")
    safe = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    html = html.replace('<img id="', f'<img alt="{safe}" style="width: {width_px}px; max-width: 100%" id="', 1)
    return HTML(html)
