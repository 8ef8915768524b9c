r"""Drawings of resampling grids: where the output pixels of ``interpolate`` and ``conv2d`` land on the input.

:func:`draw_pixel_map` draws a 1-D resize. Both rows are drawn in *input*
coordinates, where input pixel :math:`j` covers
:math:`[j - \tfrac12, j + \tfrac12]`. Output pixel :math:`i` is drawn as the
interval of width :math:`s` (input pixels per output pixel,
:func:`~resample_lib.functional.interpolation.pixel_scale`) centred on its source
coordinate :math:`u_i` (:func:`~resample_lib.functional.interpolation.source_coordinates`):

.. math:: [\,u_i - s/2,\; u_i + s/2\,].

With the half-pixel rule these intervals tile exactly the input's extent
:math:`[-\tfrac12, n_\text{in} - \tfrac12]`; with ``align_corners=True`` the
centres of the corner pixels coincide instead, and the output's extent is
wider than the input's.

:func:`draw_conv_windows` draws the windows of a 1-D strided convolution on
its (possibly asymmetrically) padded input, and which input positions no
window reads; :func:`draw_kernel_centres` draws, in 2-D, where the centres of a
3×3 stride-2 kernel land for a given padding, next to the centres of 2×2
average pooling.

Plotting only: the arithmetic is in :mod:`resample_lib.functional.interpolation` and
:mod:`resample_lib.functional.output_size`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

from resample_lib.functional.output_size import conv_output_size
from resample_lib.functional.sampling_coordinates import pixel_scale, source_coordinates

__all__ = ["draw_pixel_map", "draw_conv_windows", "draw_kernel_centres"]

#: Colours of the convolution drawings (colour-blind safe: blue / orange, with hatching for "never read").
READ, UNREAD, PAD, WINDOW = "#9ecae1", "#e6550d", "0.88", "#3182bd"


def _row(ax, left: Sequence[float], width: float, y: float, labels: Sequence[int], colour: str) -> None:
    """Draw a row of numbered boxes of one ``width`` at height ``y``, the k-th starting at ``left[k]``."""
    for x0, lab in zip(left, labels):
        ax.add_patch(Rectangle((x0, y - 0.3), width, 0.6, fc=colour, ec="0.25", lw=1))
        ax.text(x0 + width / 2, y, str(lab), ha="center", va="center", fontsize=8)


def draw_pixel_map(ax: plt.Axes, in_size: int, out_size: int, *, align_corners: bool = False,
                   scale_factor: Optional[float] = None, picks: Optional[Sequence[int]] = None,
                   title: Optional[str] = None) -> plt.Axes:
    """Draw input pixels (top row) and output pixels (bottom row) of a 1-D resize on one axis.

    A dashed line joins each output pixel's centre to its source coordinate
    :math:`u_i` on the input row (a dot). If ``picks`` (one input index per
    output, e.g. from ``nearest``) is given, an arrow joins each output to the
    centre of the input pixel it copies instead.

    Args:
        ax: the axes to draw on.
        in_size: number of input pixels.
        out_size: number of output pixels.
        align_corners: corner rule instead of the half-pixel rule.
        scale_factor: the factor given to ``interpolate`` (sets :math:`s = 1/\\text{scale\\_factor}`).
        picks: optional input index copied by each output pixel.
        title: panel title (default: sizes and rule).

    Returns:
        The axes.

    Examples:
        >>> fig, ax = plt.subplots()
        >>> draw_pixel_map(ax, 4, 2).get_title()
        '4 → 2, align_corners=False: s = 2.000'
        >>> plt.close(fig)
    """
    s = pixel_scale(in_size, out_size, align_corners, scale_factor)
    u = source_coordinates(in_size, out_size, align_corners, scale_factor).tolist()
    _row(ax, [j - 0.5 for j in range(in_size)], 1.0, 1.0, range(in_size), "#dfe8f5")
    _row(ax, [c - s / 2 for c in u], s, 0.0, range(out_size), "#fbe3c0")
    for i, c in enumerate(u):
        if picks is None:
            ax.plot([c, c], [0.3, 0.7], ls="--", color="C3", lw=1)
            ax.plot(c, 0.7, "o", color="C3", ms=4)
        else:
            ax.annotate("", xy=(picks[i], 0.7), xytext=(c, 0.3),
                        arrowprops=dict(arrowstyle="->", color="C3", lw=1.2))
    for edge in (-0.5, in_size - 0.5):
        ax.axvline(edge, color="0.5", lw=0.8, ls=":")
    lo, hi = min(-0.5, u[0] - s / 2), max(in_size - 0.5, u[-1] + s / 2)
    ax.set_xlim(lo - 0.2, hi + 0.2)
    ax.set_ylim(-0.45, 1.45)
    ax.set_yticks([0, 1], [f"output ({out_size})", f"input ({in_size})"])
    ax.set_xlabel("position in input pixels (input pixel j covers [j - 1/2, j + 1/2])")
    rule = "align_corners=True" if align_corners else "align_corners=False"
    ax.set_title(title or f"{in_size} → {out_size}, {rule}: s = {s:.3f}")
    return ax


def draw_conv_windows(ax: plt.Axes, n: int, kernel: int, stride: int,
                      padding: int | tuple[int, int] = 0, *, title: Optional[str] = None) -> plt.Axes:
    r"""Draw every window of a 1-D convolution on its padded input, and the input positions none reads.

    With ``padding = (before, after)`` (an int pads both sides equally) the
    padded input has :math:`n + b + a` positions and the output
    :math:`o = \lfloor (n + b + a - k)/s \rfloor + 1` samples
    (:func:`~resample_lib.functional.output_size.conv_output_size` with the total padding);
    window :math:`i` covers padded positions :math:`is, \dots, is + k - 1`,
    i.e. input positions :math:`is - b, \dots, is - b + k - 1`. Input
    positions covered by no window are drawn hatched and listed in the title.

    Args:
        ax: the axes to draw on.
        n: input length.
        kernel: kernel size :math:`k` (number of taps).
        stride: stride :math:`s`.
        padding: zeros before and after the input.
        title: panel title (default: the arguments, the output size and the unread positions).

    Returns:
        The axes.

    Examples:
        >>> fig, ax = plt.subplots()
        >>> draw_conv_windows(ax, 8, 3, 2).get_title()
        'n=8, k=3, s=2, p=0: 3 outputs; never read: [7]'
        >>> plt.close(fig)
    """
    before, after = (padding, padding) if isinstance(padding, int) else padding
    total = n + before + after
    o = conv_output_size(total, kernel, stride)
    read = [False] * total
    for i in range(o):
        read[i * stride : i * stride + kernel] = [True] * kernel
        x0 = i * stride - before
        ax.plot([x0 - 0.4, x0 + kernel - 1 + 0.4], [i, i], lw=6, solid_capstyle="butt", color=WINDOW)
    for j in range(total):
        pad = j < before or j >= n + before
        colour = PAD if pad else (READ if read[j] else UNREAD)
        ax.add_patch(Rectangle((j - before - 0.45, -1.45), 0.9, 0.9, fc=colour, ec="0.4" if pad else "none",
                               lw=0.6, ls=":" if pad else "-", hatch=None if pad or read[j] else "///"))
        if pad:
            ax.text(j - before, -1.0, "0", ha="center", va="center", fontsize=9, color="0.35")
    unread = [j - before for j in range(before, n + before) if not read[j]]
    pad_text = f"p={padding}" if isinstance(padding, int) else f"pad {padding}"
    ax.set_title(title or f"n={n}, k={kernel}, s={stride}, {pad_text}: {o} outputs; never read: {unread or 'none'}")
    ax.set_xlim(-before - 0.8, n + after - 0.2)
    ax.set_ylim(o - 0.4, -1.8)
    ax.set_yticks(range(-1, o), ["input"] + [f"output {i}" for i in range(o)])
    ax.set_xticks(range(-before, n + after))
    ax.set_xlabel("input position (blue: read by a window; orange, hatched: never read"
                  + ("; grey: zero padding)" if before or after else ")"))
    return ax


def draw_kernel_centres(ax: plt.Axes, n: int, pad_before: int, *, title: Optional[str] = None,
                        legend: bool = False) -> plt.Axes:
    r"""Draw, on an :math:`n \times n` input, the centres of a 3×3 stride-2 kernel and of 2×2 average pooling.

    With ``pad_before`` zeros before the input (and enough after it for
    :math:`n/2` outputs), output :math:`i` of the 3×3 kernel is centred on input
    pixel :math:`2i + 1 - \text{pad\_before}` along each axis: :math:`2i` for
    ``padding=1``, :math:`2i + 1` for DDIM's ``F.pad(x, (0, 1, 0, 1))``. Average
    pooling centres output :math:`i` at :math:`2i + \tfrac12`. The window of
    output (0, 0) is outlined; padding cells are dotted.

    Args:
        ax: the axes to draw on.
        n: even input side.
        pad_before: zeros before the input (0 or 1; the padding after makes up the rest).
        title: panel title.
        legend: add a legend for the two kinds of centre.

    Returns:
        The axes.

    Examples:
        >>> fig, ax = plt.subplots()
        >>> ax = draw_kernel_centres(ax, 4, 1, legend=True)
        >>> [t.get_text() for t in ax.get_legend().get_texts()]
        ['3×3 kernel centre', '2×2 avg-pool centre']
        >>> plt.close(fig)
    """
    o = n // 2
    for i in range(-pad_before, n + 1):
        for j in range(-pad_before, n + 1):
            inside = 0 <= i < n and 0 <= j < n
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fc="0.88" if inside else "w",
                                   ec="w" if inside else "0.6", lw=1.5 if inside else 0.8,
                                   ls="-" if inside else ":"))
    c = [2 * i + 1 - pad_before for i in range(o)]
    m = [2 * i + 0.5 for i in range(o)]
    ax.scatter([x for _ in c for x in c], [y for y in c for _ in c], s=36, color="C3", zorder=3,
               label="3×3 kernel centre")
    ax.scatter([x for _ in m for x in m], [y for y in m for _ in m], s=36, marker="x", color="C0", zorder=3,
               label="2×2 avg-pool centre")
    ax.add_patch(Rectangle((c[0] - 1.5, c[0] - 1.5), 3, 3, fill=False, ec="C3", lw=2))
    ax.set_xlim(-1.6, n + 0.6)
    ax.set_ylim(n + 0.6, -1.6)
    ax.set_aspect("equal")
    ax.set_xticks(range(0, n + 1, 2))
    ax.set_yticks(range(0, n + 1, 2))
    ax.set_xlabel("x (input pixels)")
    ax.set_ylabel("y")
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    return ax
