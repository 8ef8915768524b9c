"""Diagrams for the transposed-convolution chapter: annotated pixel grids.

Two pictures recur in that chapter: a small grid of numbers whose cells are
coloured by their role (an input pixel, an inserted zero, a padding zero), with
a kernel window outlined on it; and the same grid for each *stamp* of the
scatter view. Both are drawn by :func:`draw_cells`. :func:`zero_inserted`
builds the grid that the zero-insertion view convolves, together with the role
of every cell, from a real input tensor. Nothing here computes a convolution:
the chapter computes with :mod:`resample_lib.transposed` and only draws here.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from matplotlib.patches import Rectangle

__all__ = ["ROLE_COLOURS", "ROLE_NAMES", "zero_inserted", "draw_cells", "role_legend"]

#: Cell roles: 0 an input pixel (or any value), 1 an inserted zero, 2 a padding zero, 3 an empty cell.
ROLE_NAMES = ("input pixel", "inserted zero", "padding zero", "")
ROLE_COLOURS = ("#fde9a9", "#cfe3f3", "#f2f2f2", "#ffffff")


def zero_inserted(x: torch.Tensor, stride: int, pad: int, extra: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The ``(H, W)`` image ``x`` with ``stride - 1`` zeros between pixels and ``pad`` zeros around it.

    ``extra`` more zeros go at the bottom and right (the output padding). A negative
    ``pad`` is not drawn by this helper. Returns ``(grid, role)``: the values, and the
    role of every cell as in :data:`ROLE_NAMES`.
    """
    if x.dim() != 2 or pad < 0 or extra < 0:
        raise ValueError(f"expected a 2-D x and pad, extra >= 0; got shape {tuple(x.shape)}, pad={pad}, extra={extra}")
    h, w = ((n - 1) * stride + 1 for n in x.shape)
    grid = x.new_zeros(h + 2 * pad + extra, w + 2 * pad + extra)
    role = torch.full(grid.shape, 2, dtype=torch.long)
    role[pad:pad + h, pad:pad + w] = 1
    grid[pad:pad + h:stride, pad:pad + w:stride] = x
    role[pad:pad + h:stride, pad:pad + w:stride] = 0
    return grid, role


def draw_cells(ax, values: torch.Tensor, title: str, *, role: torch.Tensor | None = None,
               windows: Sequence[tuple[int, int, int, str]] = (), fmt: str = "{:.0f}",
               hide_zeros: bool = False, fontsize: float = 7) -> None:
    """Draw a 2-D tensor as a grid of annotated cells.

    Args:
        ax: the matplotlib axes.
        values: ``(H, W)`` numbers to write in the cells.
        title: the panel title.
        role: ``(H, W)`` ints indexing :data:`ROLE_COLOURS` (default: all input pixels).
        windows: rectangles ``(top, left, size, colour)`` to outline, e.g. a kernel window.
        fmt: how to write each number.
        hide_zeros: leave cells whose value is zero blank (for sparse stamps).
        fontsize: size of the numbers.
    """
    v = values.detach().cpu().float()
    role = torch.zeros(v.shape, dtype=torch.long) if role is None else role
    for (i, j), r in zip(torch.cartesian_prod(torch.arange(v.shape[0]), torch.arange(v.shape[1])).tolist(),
                         role.flatten().tolist()):
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fc=ROLE_COLOURS[r], ec="0.55", lw=0.6,
                               ls=":" if r == 2 else "-"))
        if not (hide_zeros and v[i, j] == 0):
            ax.text(j, i, fmt.format(v[i, j].item()), ha="center", va="center", fontsize=fontsize)
    for top, left, size, colour in windows:
        ax.add_patch(Rectangle((left - 0.5, top - 0.5), size, size, fill=False, ec=colour, lw=2.2))
    ax.set_xlim(-0.6, v.shape[1] - 0.4), ax.set_ylim(v.shape[0] - 0.4, -0.6), ax.set_aspect("equal")
    ax.set_xticks(range(v.shape[1])), ax.set_yticks(range(v.shape[0]))
    ax.tick_params(length=0, labelsize=6)
    ax.set_title(title)


def role_legend(fig, roles: Sequence[int] = (0, 1, 2), **kwargs) -> None:
    """A figure legend naming the cell colours used by :func:`draw_cells`."""
    handles = [Rectangle((0, 0), 1, 1, fc=ROLE_COLOURS[r], ec="0.55") for r in roles]
    fig.legend(handles, [ROLE_NAMES[r] for r in roles], **{"loc": "outside lower center", "ncols": len(roles),
                                                          "fontsize": 8, **kwargs})

