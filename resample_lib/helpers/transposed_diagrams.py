"""Diagrams for the transposed-convolution chapter: annotated pixel grids and the stamping animation.

Two pictures recur in that chapter: a small grid of numbers whose cells are
coloured by their role (an input pixel, an inserted zero, a padding zero), with
a kernel window outlined on it; and the same grid for each *stamp* of the
scatter view. Both are drawn by :func:`draw_cells`. :func:`zero_inserted`
builds the grid that the zero-insertion view convolves, together with the role
of every cell, from a real input tensor. :func:`scatter_stamps` and
:func:`stamp_animation` show the scatter view at work, one stamp per frame.
Every number drawn here is computed by :mod:`resample_lib.functional.conv_transpose`
(the stamps by its scatter view); this module only arranges and draws them.
"""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.animation import FuncAnimation
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle

from resample_lib.functional.conv_transpose import conv_transpose2d_scatter

__all__ = ["ROLE_COLOURS", "ROLE_NAMES", "zero_inserted", "draw_cells", "role_legend", "scatter_stamps",
           "stamp_animation"]

#: Cell roles: 0 an input pixel (or any value), 1 an inserted zero, 2 a padding zero, 3 an empty cell.
ROLE_NAMES = ("input pixel", "inserted zero", "padding zero", "")
ROLE_COLOURS = ("#fde9a9", "#cfe3f3", "#f2f2f2", "#ffffff")


def zero_inserted(x: torch.Tensor, stride: int, pad: int, extra: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The image ``x`` with ``stride - 1`` zeros between pixels and ``pad`` zeros around it.

    This is the grid that the zero-insertion view convolves. A negative ``pad`` is
    not drawn by this helper.

    Args:
        x: the input image.
        stride: the transposed convolution's stride: ``stride - 1`` zeros go between pixels.
        pad: zeros around the grid (``kernel - 1 - padding`` for the zero-insertion view).
        extra: more zeros at the bottom and right (the output padding).

    Returns:
        ``(grid, role)``: the values, and the role of every cell as in :data:`ROLE_NAMES`.

    Shape:
        - Input: ``x`` is ``(H, W)``.
        - Output: both are ``((H - 1) stride + 1 + 2 pad + extra, (W - 1) stride + 1 + 2 pad + extra)``.

    Examples:
        >>> grid, role = zero_inserted(torch.tensor([[1.0, 2.0]]), stride=2, pad=1)
        >>> grid
        tensor([[0., 0., 0., 0., 0.],
                [0., 1., 0., 2., 0.],
                [0., 0., 0., 0., 0.]])
        >>> role
        tensor([[2, 2, 2, 2, 2],
                [2, 0, 1, 0, 2],
                [2, 2, 2, 2, 2]])
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

    Examples:
        >>> fig, ax = plt.subplots()
        >>> draw_cells(ax, torch.tensor([[1.0, 0.0]]), "x", hide_zeros=True)
        >>> [t.get_text() for t in ax.texts], ax.get_title()
        (['1'], 'x')
        >>> plt.close(fig)
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
    """Add a figure legend naming the cell colours used by :func:`draw_cells`.

    Args:
        fig: the matplotlib figure.
        roles: the roles to name, as indices into :data:`ROLE_NAMES`.
        **kwargs: passed to ``fig.legend`` (default: one row below the panels, 8 pt).

    Examples:
        >>> fig = plt.figure(layout="constrained")
        >>> role_legend(fig, (0, 1))
        >>> [t.get_text() for t in fig.legends[0].get_texts()]
        ['input pixel', 'inserted zero']
        >>> plt.close(fig)
    """
    handles = [Rectangle((0, 0), 1, 1, fc=ROLE_COLOURS[r], ec="0.55") for r in roles]
    fig.legend(handles, [ROLE_NAMES[r] for r in roles], **{"loc": "outside lower center", "ncols": len(roles),
                                                          "fontsize": 8, **kwargs})


def scatter_stamps(x: torch.Tensor, weight: torch.Tensor, stride: int,
                   padding: int = 0) -> list[tuple[int, int, torch.Tensor, torch.Tensor]]:
    r"""The stamps of a one-channel transposed convolution, one per input pixel, in row-major order.

    Input pixel :math:`(i, j)` stamps :math:`x_{ij}\, w` with its top-left tap at
    :math:`(s i - p, s j - p)`. Each stamp is computed by the scatter view,
    :func:`~resample_lib.functional.conv_transpose.conv_transpose2d_scatter`, applied to an input
    that keeps only pixel :math:`(i, j)`; its *footprint* is the same with the pixel
    set to 1 and a kernel of ones (1 where the stamp lands, 0 elsewhere). The
    stamps add up to ``conv_transpose2d(x, weight, stride=stride, padding=padding)``
    and the footprints to the overlap count.

    Args:
        x: input of shape ``(H, W)``.
        weight: kernel of shape ``(kH, kW)``.
        stride: the stride, an int, as in :func:`~resample_lib.functional.conv_transpose.conv_transpose2d`.
        padding: the padding, an int, as in :func:`~resample_lib.functional.conv_transpose.conv_transpose2d`.

    Returns:
        A list of ``(i, j, stamp, footprint)``; ``stamp`` and ``footprint`` have the output's shape.

    Examples:
        >>> stamps = scatter_stamps(torch.ones(2, 2), torch.ones(3, 3), stride=2)
        >>> len(stamps), tuple(stamps[0][2].shape), sum(f for *_, f in stamps)[2, 2].item()
        (4, (5, 5), 4.0)
    """
    if x.dim() != 2 or weight.dim() != 2:
        raise ValueError(f"scatter_stamps: expected a 2-D x and a 2-D weight, got shapes {tuple(x.shape)} "
                         f"and {tuple(weight.shape)}")
    w4, ones = weight[None, None], torch.ones_like(weight)[None, None]
    stamps = []
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            only = torch.zeros_like(x)
            only[i, j] = x[i, j]
            stamp = conv_transpose2d_scatter(only[None, None], w4, stride=stride, padding=padding)[0, 0]
            only[i, j] = 1
            footprint = conv_transpose2d_scatter(only[None, None], ones, stride=stride, padding=padding)[0, 0]
            stamps.append((i, j, stamp, footprint))
    return stamps


#: Fill colours of the overlap-count panel for counts 0, 1, 2, 3, 4 or more (light to dark, cividis hues).
COUNT_COLOURS = ("#ffffff", "#f3e3a0", "#c9b870", "#7c7b78", "#2f4a7a")


def stamp_animation(x: torch.Tensor, weight: torch.Tensor, stride: int, padding: int = 0,
                    *, figsize: tuple[float, float] = (6.0, 2.9)):
    """Animate the scatter view: each frame adds one input pixel's weighted kernel to the output.

    Three panels: the input with the current pixel outlined; the running output
    (the sum of the stamps so far, empty cells not yet reached); and the running
    overlap count, how many stamps have landed on each output pixel. Frame 0 is
    the empty output, frame ``t`` holds the first ``t`` stamps of
    :func:`scatter_stamps`, and the last frame is the whole transposed convolution.
    The frame's caption says which stamp was added: ``y[rows, cols] += x[i, j]·w``,
    with the rows and columns cropped to the output when ``padding`` cuts a stamp.

    Args:
        x: input of shape ``(H, W)``, small (every value is written in its cell).
        weight: kernel of shape ``(kH, kW)``.
        stride: the stride, an int, as in :func:`~resample_lib.functional.conv_transpose.conv_transpose2d`.
        padding: the padding, an int, as in :func:`~resample_lib.functional.conv_transpose.conv_transpose2d`.
        figsize: figure size in inches.

    Returns:
        ``(anim, outputs)``: the ``FuncAnimation`` (show it with
        :func:`resample_lib.helpers.viz.animation_html`) and the list of running outputs,
        one per frame, so a page can check the last one against torch.
    """
    stamps = scatter_stamps(x, weight, stride, padding)
    outputs, counts = [torch.zeros_like(stamps[0][2])], [torch.zeros_like(stamps[0][3])]
    for _, _, stamp, footprint in stamps:
        outputs.append(outputs[-1] + stamp)
        counts.append(counts[-1] + footprint)
    (H, W), (Ho, Wo) = x.shape, outputs[0].shape
    kh, kw = weight.shape
    fig = plt.figure(figsize=figsize)
    fw, fh = (v * fig.dpi for v in figsize)
    top, bottom, gap = 30, 26, 16  # CSS pixels: titles above, caption below, gap between panels
    cell = min((fw - 4 * gap) / (W + 2 * Wo), (fh - top - bottom) / max(H, Ho))  # CSS pixels per grid cell
    axes, fills, texts, boxes, left = [], [], [], [], gap
    for w_cells, h_cells, title in ((W, H, "input x"), (Wo, Ho, ""), (Wo, Ho, "overlap count")):
        ax = fig.add_axes([left / fw, (fh - top - h_cells * cell) / fh, w_cells * cell / fw, h_cells * cell / fh])
        left += w_cells * cell + gap
        # Artists are made once and updated per frame (cheaper than redrawing the grid).
        fills.append(ax.imshow(torch.ones(h_cells, w_cells, 3).numpy(), interpolation="nearest", aspect="auto",
                               extent=(-0.5, w_cells - 0.5, h_cells - 0.5, -0.5)))
        ax.hlines([r - 0.5 for r in range(h_cells + 1)], -0.5, w_cells - 0.5, colors="0.6", lw=0.6)
        ax.vlines([c - 0.5 for c in range(w_cells + 1)], -0.5, h_cells - 0.5, colors="0.6", lw=0.6)
        texts.append([ax.text(c, r, "", ha="center", va="center", fontsize=8)
                      for r in range(h_cells) for c in range(w_cells)])
        boxes.append(ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec="#d55e00", lw=2.2, visible=False,
                                            zorder=3, clip_on=False)))
        ax.set_xlim(-0.5, w_cells - 0.5), ax.set_ylim(h_cells - 0.5, -0.5)
        ax.set_axis_off()
        ax.set_title(title, fontsize=9)
        axes.append(ax)
    caption = fig.text(0.5, 6 / fh, "", ha="center", va="bottom", fontsize=9)

    def rgb(colours: list[str], shape):
        return torch.tensor([to_rgb(c) for c in colours]).view(*shape, 3).numpy()

    def draw(t):
        out, cnt = outputs[t], counts[t]
        touched = (cnt > 0).flatten().tolist()
        panels = [
            ([ROLE_COLOURS[0]] * x.numel(), [f"{v:g}" for v in x.flatten().tolist()], x.shape),
            (["#fde9a9" if c else "#ffffff" for c in touched],
             [f"{v:g}" if c else "" for v, c in zip(out.flatten().tolist(), touched)], out.shape),
            ([COUNT_COLOURS[min(int(c), 4)] for c in cnt.flatten().tolist()],
             [f"{int(c)}" if c else "" for c in cnt.flatten().tolist()], cnt.shape),
        ]
        for fill, cell_texts, (colours, strings, shape) in zip(fills, texts, panels):
            fill.set_data(rgb(colours, shape))
            for artist, string, colour in zip(cell_texts, strings, colours):
                artist.set_text(string)
                artist.set_color("w" if colour == COUNT_COLOURS[-1] else "k")
        axes[1].set_title(f"running output y ({t} of {len(stamps)})", fontsize=9)
        if t == 0:
            caption.set_text(f"stride {stride}, padding {padding}: every input pixel adds x[i, j]·w to y")
            for box in boxes:
                box.set_visible(False)
            return []
        i, j = stamps[t - 1][:2]
        r0, c0 = stride * i - padding, stride * j - padding
        caption.set_text(f"stamp {t}: y[{max(r0, 0)}:{min(r0 + kh, Ho)}, {max(c0, 0)}:{min(c0 + kw, Wo)}] "
                         f"+= x[{i}, {j}]·w = {x[i, j].item():g}·w")
        boxes[0].set_bounds(j - 0.5, i - 0.5, 1, 1)
        for box in boxes[1:]:
            box.set_bounds(c0 - 0.5, r0 - 0.5, kw, kh)
        for box in boxes:
            box.set_visible(True)
        return []

    anim = FuncAnimation(fig, draw, frames=len(outputs), blit=False)
    return anim, outputs
