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

#: Colour map of signed maps (diverging, symmetric about zero) and of magnitudes.
SIGNED_CMAP = "PuOr"
MAGNITUDE_CMAP = "cividis"

#: Widest figure, in CSS pixels, that the book's text column shows without scaling it down.
MAX_WIDTH_PX = 720
#: Figure dots per inch: one figure pixel is one CSS pixel on the page (the PNG stores twice as many).
DPI = 100
_GAP, _CBAR, _TITLE_LINE = 14, 46, 15  # CSS pixels: gap between panels, colour bar with labels, one title line


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
    """A single image tensor as the array ``imshow`` draws: gray as ``(H, W)``, colour as ``(H, W, 3)``.

    Colour values are clipped to [0, 1]; gray values are kept as they are.

    Args:
        t: one image, with or without its batch and channel axes (1 or 3 channels).

    Shape:
        - Input: ``(1, C, H, W)``, ``(C, H, W)`` or ``(H, W)``, with ``C`` 1 or 3.
        - Output: ``(H, W)`` for one channel, ``(H, W, 3)`` for three.

    Examples:
        >>> to_image(torch.zeros(1, 3, 4, 5)).shape, to_image(torch.zeros(1, 1, 4, 5)).shape
        ((4, 5, 3), (4, 5))
    """
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

    The zoom is the largest integer for which the row of ``ncols`` panels (each
    with a gap, and a colour bar if asked) fits in ``max_width`` CSS pixels; when
    not even a zoom of 1 fits, the image is shrunk instead by the smallest integer
    factor that fits. Only the width limits the row: a figure grows as tall as it
    needs, so ``height`` does not change the result.

    Args:
        height: image height in pixels.
        width: image width in pixels.
        ncols: number of panels side by side.
        colorbar: each panel has its own colour bar.
        max_width: width of the row, in CSS pixels.

    Returns:
        ``(zoom, shrink)``: draw each image pixel as ``zoom x zoom`` screen pixels
        after shrinking the image by the integer factor ``shrink`` with an
        antialiased filter (``shrink == 1``: the image is shown whole, pixel for
        pixel or larger; ``zoom == 1`` whenever ``shrink > 1``).

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


def shrink_for_display(image: torch.Tensor, factor: int) -> torch.Tensor:
    """Shrink an image by an integer ``factor`` with an antialiased (area) filter, for display only.

    Args:
        image: the image; ``factor == 1`` returns it unchanged.
        factor: the integer shrink factor, e.g. the ``shrink`` of :func:`display_zoom`.

    Shape:
        - Input: ``(H, W)``, ``(C, H, W)`` or ``(N, C, H, W)``.
        - Output: ``(N, C, max(1, H // factor), max(1, W // factor))``, batch and channel axes added
          where missing (unless ``factor == 1``).

    Examples:
        >>> shrink_for_display(torch.arange(16.0).view(4, 4), 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
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
    integers and no image is resampled by the display.

    Args:
        shapes: ``(height, width)`` in pixels of the image each panel will show, in reading order.
        ncols: panels per row (at most ``len(shapes)``).
        zoom: screen pixels per image pixel for the largest image, e.g. from :func:`display_zoom`.
        titles_lines: lines of title text to leave room for above each panel.
        colorbar: add a colour-bar axis right of each panel.
        shared_colorbar: add one colour-bar axis, right of the grid, for all panels.
        suptitle: figure title, if any.

    Returns:
        ``(fig, axes, caxes)``: the figure, one axis per shape (axis lines off), and
        the colour-bar axes: one per panel (``None`` each without ``colorbar``), or,
        with ``shared_colorbar``, a list holding the single shared one.

    Examples:
        >>> fig, axes, caxes = pixel_axes([(8, 8), (4, 4)], ncols=2, zoom=10)
        >>> len(axes), caxes
        (2, [None, None])
        >>> round(axes[1].get_position().width * fig.get_figwidth() * DPI)  # 4 pixels at zoom 20
        80
        >>> plt.close(fig)
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
                zoom: int | None = None):
    """Images side by side, each pixel drawn as an integer number of screen pixels, with title and shape.

    The zoom is chosen by :func:`display_zoom` so that the row fits the page
    (``ncols`` panels, at most four by default); an image too large to fit whole
    is shrunk by an integer factor with an antialiased filter, and its title says
    so.

    Args:
        images: the images, each as accepted by :func:`to_image` (gray or colour).
        titles: one title per image (the shape is added below it); default: the shapes only.
        ncols: panels per row (default: all images, at most four).
        cmap: colour map of gray images.
        vmin: value at the low end of the colour map (``None``: the image's minimum).
        vmax: value at the high end of the colour map (``None``: the image's maximum).
        colorbar: a colour bar beside each gray image.
        suptitle: figure title, if any.
        zoom: force this zoom instead of the one :func:`display_zoom` picks.

    Returns:
        The matplotlib figure.

    Examples:
        >>> fig = show_images([torch.rand(1, 1, 16, 16), torch.rand(1, 3, 8, 8)], ["gray", "colour"])
        >>> [ax.get_title() for ax in fig.axes]
        ['gray\\n16×16', 'colour\\n8×8']
        >>> plt.close(fig)
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
                 ncols: int | None = None, suptitle: str | None = None,
                 signed: bool = True, label: str = "response", zoom: int | None = None):
    """Feature maps on one grid with colour bars, each pixel drawn at an integer zoom.

    With ``shared=True`` every map uses one colour scale and one colour bar, so
    magnitudes compare across maps; otherwise each map gets its own scale and bar.
    Signed maps use a diverging map centred on zero. Maps too large for the page
    are shrunk by an integer factor with an area filter, and their titles say so.

    Args:
        maps: the feature maps, one panel per channel.
        names: one title per channel (default: ``"channel i"``).
        shared: one colour scale and one colour bar for all maps.
        ncols: panels per row (default: all channels, at most four).
        suptitle: figure title, if any.
        signed: diverging colour map symmetric about zero (otherwise a magnitude map).
        label: label of the shared colour bar.
        zoom: force this zoom instead of the one :func:`display_zoom` picks.

    Shape:
        - Input: ``(C, H, W)`` or ``(1, C, H, W)``.

    Returns:
        The matplotlib figure.

    Examples:
        >>> fig = feature_grid(torch.randn(1, 3, 8, 8), ["a", "b", "c"])
        >>> [ax.get_title() for ax in fig.axes[:3]], fig.axes[3].get_ylabel()
        (['a', 'b', 'c'], 'response')
        >>> plt.close(fig)
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
