"""A max pooling window walking its input, one output per frame (chapter 04).

The arithmetic comes from :func:`resample_lib.max_pool2d` (values and indices);
this module only draws it. Each frame outlines one window on the input, marks
the input that wins it, and writes the maximum into the output. Cells that a
window covers outside the input (padding, or the overhang that ``ceil_mode``
allows) are drawn hatched: they never win a max.
"""
from __future__ import annotations

from typing import Optional

import matplotlib.pyplot as plt
import torch
from matplotlib.animation import FuncAnimation
from matplotlib.patches import Rectangle
from torch import Tensor

from resample_lib.functional.output_size import pool_output_size
from resample_lib.functional.pooling import max_pool2d

__all__ = ["max_pool_animation"]

WINDOW, WINNER, OUTSIDE = "#0072B2", "#E69F00", "#d9d9d9"  # colour-blind safe blue and orange, light grey


def max_pool_animation(x: Tensor, kernel_size: int, stride: Optional[int] = None, padding: int = 0,
                       ceil_mode: bool = False, *, figsize: tuple[float, float] = (5.6, 3.2)):
    r"""Animate ``max_pool2d(x, kernel_size, stride, padding, ceil_mode=ceil_mode)`` on one ``(H, W)`` plane.

    Frame :math:`t` handles output :math:`(i, j) = \mathrm{divmod}(t, W_{out})`: its window
    covers input rows :math:`i s - p, \dots, i s - p + k - 1` (and the same for columns),
    the winning input is filled, and the output cell receives the maximum.

    Args:
        x: a 2-D tensor ``(H, W)``; small (up to about 8 x 8), so the numbers stay legible.
        kernel_size: side of the square window.
        stride: step between windows (default: ``kernel_size``).
        padding: implicit padding on every side (it never wins a max).
        ceil_mode: keep a last, partial window as :func:`resample_lib.max_pool2d` does.
        figsize: figure size in inches.

    Returns:
        ``(anim, frames)``: a ``FuncAnimation`` with one frame per output (its
        figure is made with interactive mode off, so a notebook does not also show
        it as a still; play it with :func:`resample_lib.helpers.viz.animation_html`), and the
        list of the output as it stands after each frame (``NaN`` where not yet
        computed), so ``frames[-1]`` is the whole result of ``max_pool2d``.

    Examples:
        >>> x = torch.arange(1.0, 26).view(5, 5)
        >>> anim, frames = max_pool_animation(x, 2, 2, ceil_mode=True)
        >>> frames[-1]
        tensor([[ 7.,  9., 10.],
                [17., 19., 20.],
                [22., 24., 25.]])
        >>> plt.close("all")
    """
    if x.dim() != 2:
        raise ValueError(f"max_pool_animation: expected a 2-D tensor (H, W), got shape {tuple(x.shape)}")
    k, s, p = kernel_size, stride or kernel_size, padding
    values, index = max_pool2d(x[None], k, s, p, ceil_mode=ceil_mode, return_indices=True)
    values, index = values[0], index[0]
    H, W = x.shape
    oh, ow = values.shape
    assert (oh, ow) == (pool_output_size(H, k, s, p, ceil_mode=ceil_mode),
                        pool_output_size(W, k, s, p, ceil_mode=ceil_mode))
    frames, current = [], torch.full((oh, ow), float("nan"), dtype=values.dtype)
    for t in range(oh * ow):
        current = current.clone()
        current[divmod(t, ow)] = values[divmod(t, ow)]
        frames.append(current)

    # Every cell any window touches, input or not: rows -p .. (oh - 1) s - p + k - 1.
    last_r, last_c = (oh - 1) * s - p + k - 1, (ow - 1) * s - p + k - 1
    rows, cols = range(-p, max(H, last_r + 1)), range(-p, max(W, last_c + 1))
    with plt.ioff():  # not shown as a still figure: viz.animation_html plays it
        fig, (ax_in, ax_out) = plt.subplots(1, 2, figsize=figsize, layout="constrained",
                                            gridspec_kw={"width_ratios": [len(cols), ow]})
    for r in rows:
        for c in cols:
            inside = 0 <= r < H and 0 <= c < W
            ax_in.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fc="white" if inside else OUTSIDE,
                                      ec="0.6", lw=0.8, hatch=None if inside else "///"))
            if inside:
                ax_in.text(c, r, f"{x[r, c].item():g}", ha="center", va="center", fontsize=9)
    ax_in.add_patch(Rectangle((-0.5, -0.5), W, H, fill=False, ec="k", lw=1.5))
    ax_in.set_title(f"input {H}×{W} (hatched: outside it)", fontsize=10)
    for ax, (nr, nc, r0, c0) in ((ax_in, (len(rows), len(cols), -p, -p)), (ax_out, (oh, ow, 0, 0))):
        ax.set_xlim(c0 - 0.5, c0 + nc - 0.5), ax.set_ylim(r0 + nr - 0.5, r0 - 0.5)
        ax.set_aspect("equal"), ax.set_xticks(range(c0, c0 + nc)), ax.set_yticks(range(r0, r0 + nr))
        ax.tick_params(length=0, labelsize=9)
        for side in ax.spines.values():
            side.set_visible(False)
    out_cells, out_text = {}, {}
    for i in range(oh):
        for j in range(ow):
            out_cells[i, j] = ax_out.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fc="white", ec="0.6", lw=0.8))
            out_text[i, j] = ax_out.text(j, i, "", ha="center", va="center", fontsize=9)
    ax_out.set_title(f"output {oh}×{ow}", fontsize=10)
    window = ax_in.add_patch(Rectangle((0, 0), k, k, fill=False, ec=WINDOW, lw=3, zorder=3))
    winner = ax_in.add_patch(Rectangle((0, 0), 1, 1, fc=WINNER, alpha=0.6, ec="none", zorder=2))
    focus = ax_out.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec=WINDOW, lw=3, zorder=3))
    title = fig.suptitle(" ", fontsize=10)

    def draw(t: int):
        i, j = divmod(t, ow)
        r0, c0 = i * s - p, j * s - p
        window.set_xy((c0 - 0.5, r0 - 0.5))
        wr, wc = divmod(int(index[i, j]), W)
        winner.set_xy((wc - 0.5, wr - 0.5))
        focus.set_xy((j - 0.5, i - 0.5))
        for (a, b), cell in out_cells.items():
            done = a * ow + b <= t
            cell.set_facecolor(WINNER if (a, b) == (i, j) else ("#fbe3b3" if done else "white"))
            out_text[a, b].set_text(f"{values[a, b].item():g}" if done else "")
        off = r0 < 0 or c0 < 0 or r0 + k > H or c0 + k > W
        title.set_text(f"output ({i}, {j}) = max of rows {r0}…{r0 + k - 1}, columns {c0}…{c0 + k - 1}"
                       f" = {values[i, j].item():g}" + ("\n(the window reaches outside the input)" if off else "\n"))
        return [window, winner, focus, title, *out_cells.values(), *out_text.values()]

    anim = FuncAnimation(fig, draw, frames=oh * ow, interval=700, blit=False)
    return anim, frames
