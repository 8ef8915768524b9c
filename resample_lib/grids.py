r"""Drawings of 1-D resampling grids: where each output pixel of ``interpolate`` lands on the input.

Both rows are drawn in *input* coordinates, where input pixel :math:`j` covers
:math:`[j - \tfrac12, j + \tfrac12]`. Output pixel :math:`i` is drawn as the
interval of width :math:`s` (input pixels per output pixel,
:func:`~resample_lib.interpolation.pixel_scale`) centred on its source
coordinate :math:`u_i` (:func:`~resample_lib.interpolation.source_coordinates`):

.. math:: [\,u_i - s/2,\; u_i + s/2\,].

With the half-pixel rule these intervals tile exactly the input's extent
:math:`[-\tfrac12, n_\text{in} - \tfrac12]`; with ``align_corners=True`` the
centres of the corner pixels coincide instead, and the output's extent is
wider than the input's.

Plotting only: the arithmetic is in :mod:`resample_lib.interpolation`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

from .interpolation import pixel_scale, source_coordinates

__all__ = ["draw_pixel_map"]


def _row(ax, left: Sequence[float], width: float, y: float, labels: Sequence[int], colour: str) -> None:
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
        in_size, out_size: number of input and output pixels.
        align_corners: corner rule instead of the half-pixel rule.
        scale_factor: the factor given to ``interpolate`` (sets :math:`s = 1/\\text{scale\\_factor}`).
        picks: optional input index copied by each output pixel.
        title: panel title (default: sizes and rule).

    Returns:
        The axes.
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
