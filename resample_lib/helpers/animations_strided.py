r"""A strided convolution sliding over its padded input, one output sample per frame.

The input is zero padded by ``pad = (left, right, top, bottom)`` (the order of
:func:`torch.nn.functional.pad`; DDIM's ``Downsample`` uses ``(0, 1, 0, 1)``),
then a single-channel kernel :math:`w` of :math:`k_H \times k_W` taps visits
every window with stride :math:`s`:

.. math:: y[i, j] = \sum_{a, b} w[a, b]\; x_p[s i + a,\; s j + b].

Frame 0 shows the padded input, the kernel and an empty output; frame
:math:`1 + i W_\text{out} + j` outlines window :math:`(i, j)` and fills output
cell :math:`(i, j)` with its value, computed by :func:`resample_lib.conv2d` on
that window alone. The last frame therefore shows the whole output, which
:func:`strided_conv_steps` also returns so that a page can compare it with torch.

Plotting only uses matplotlib; the arithmetic is :func:`resample_lib.conv2d`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from matplotlib.animation import FuncAnimation
from matplotlib.patches import Rectangle

from resample_lib.functional.output_size import conv_output_size
from resample_lib.functional.convolution import conv2d

__all__ = ["strided_conv_steps", "animate_strided_conv"]

_PAD, _IN, _KERNEL, _DONE, _NOW = "0.86", "w", "#fdd0a2", "#c6dbef", "#e6550d"


def _check_2d(t: torch.Tensor, name: str) -> None:
    """Raise ``ValueError`` unless ``t`` is a 2-D floating point tensor."""
    if not isinstance(t, torch.Tensor) or t.dim() != 2 or not t.is_floating_point():
        got = tuple(t.shape) if isinstance(t, torch.Tensor) else type(t).__name__
        raise ValueError(f"animate_strided_conv: {name} must be a 2-D floating point tensor, got {got}")


def strided_conv_steps(x: torch.Tensor, weight: torch.Tensor, stride: int = 2,
                       pad: tuple[int, int, int, int] = (0, 1, 0, 1)):
    """The frames' arithmetic: the padded input, the windows in order, and the output they fill.

    Every output sample is :func:`resample_lib.conv2d` of its window alone, so the
    output equals ``F.conv2d(F.pad(x, pad), weight, stride=stride)``.

    Args:
        x: input image ``(H, W)``.
        weight: kernel ``(kH, kW)``.
        stride: the stride :math:`s` (both axes).
        pad: zeros ``(left, right, top, bottom)`` added around ``x``.

    Returns:
        ``(padded, steps, output)``: the ``(H + top + bottom, W + left + right)``
        padded input; a list of ``(i, j, value)``, one per output sample in
        row-major order; and the ``(H_out, W_out)`` output assembled from them.

    Examples:
        >>> _, steps, y = strided_conv_steps(torch.ones(4, 4), torch.ones(3, 3))
        >>> len(steps), y.tolist()
        (4, [[9.0, 6.0], [6.0, 4.0]])
    """
    _check_2d(x, "x")
    _check_2d(weight, "weight")
    left, right, top, bottom = pad
    if min(pad) < 0 or stride < 1:
        raise ValueError(f"animate_strided_conv: need pad >= 0 and stride >= 1, got pad={pad}, stride={stride}")
    h, w = x.shape
    padded = x.new_zeros(h + top + bottom, w + left + right)
    padded[top : top + h, left : left + w] = x
    kh, kw = weight.shape
    ho = conv_output_size(padded.shape[0], kh, stride)
    wo = conv_output_size(padded.shape[1], kw, stride)
    if ho < 1 or wo < 1:
        raise ValueError(f"animate_strided_conv: the kernel {kh}x{kw} is larger than the padded input "
                         f"{tuple(padded.shape)}")
    steps, out = [], x.new_zeros(ho, wo)
    for i in range(ho):
        for j in range(wo):
            window = padded[i * stride : i * stride + kh, j * stride : j * stride + kw]
            out[i, j] = conv2d(window[None, None], weight[None, None])[0, 0, 0, 0]
            steps.append((i, j, float(out[i, j])))
    return padded, steps, out


def _fmt(v: float) -> str:
    """A value as the grids write it: whole numbers without decimals, others with two."""
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}"


def _grid(ax, values, colours, x0: float, title: str, fontsize: float = 9):
    """Draw a matrix of numbered cells with its top-left cell centred at ``(x0, 0)``; return its text artists."""
    texts = []
    for (i, j), v in zip(((i, j) for i in range(values.shape[0]) for j in range(values.shape[1])),
                         values.flatten().tolist()):
        ax.add_patch(Rectangle((x0 + j - 0.5, i - 0.5), 1, 1, fc=colours[i][j], ec="0.55", lw=0.8))
        texts.append(ax.text(x0 + j, i, _fmt(v), ha="center", va="center", fontsize=fontsize))
    ax.text(x0 + (values.shape[1] - 1) / 2, -0.85, title, ha="center", va="bottom", fontsize=9)
    return texts


def animate_strided_conv(x: torch.Tensor, weight: torch.Tensor, stride: int = 2,
                         pad: tuple[int, int, int, int] = (0, 1, 0, 1), *, width: float = 6.0):
    """Animate ``conv2d(F.pad(x, pad), weight, stride=stride)`` one window at a time.

    Three grids side by side: the padded input (padding grey), the kernel, and
    the output, which fills one cell per frame (the current window and cell
    outlined in orange); the title gives the current sum. The arithmetic is
    :func:`strided_conv_steps`, which computes the same output without drawing.

    Args:
        x: input image ``(H, W)``; small integers make the sums easy to follow.
        weight: kernel ``(kH, kW)``.
        stride: the stride (both axes).
        pad: zeros ``(left, right, top, bottom)``, as in :func:`torch.nn.functional.pad`.
        width: figure width in inches (the height follows from the grids).

    Returns:
        ``(anim, output)``: a ``matplotlib.animation.FuncAnimation`` with one
        frame more than the output has samples, and the ``(H_out, W_out)`` output
        shown on its last frame. Display the animation with
        :func:`resample_lib.helpers.viz.animation_html`.
    """
    padded, steps, out = strided_conv_steps(x, weight, stride, pad)
    left, _, top, _ = pad
    hp, wp = padded.shape
    kh, kw = weight.shape
    ho, wo = out.shape
    gap = 1.6
    xk = wp + gap  # left edge offsets of the kernel and output grids, in cells
    xo = xk + kw + gap
    x_lo, x_hi, y_lo, y_hi = -0.6, xo + wo - 0.4, -1.15, max(hp, kh, ho) - 0.4  # grids plus their labels
    fig = plt.figure(figsize=(width, 0.98 * width * (y_hi - y_lo) / (x_hi - x_lo) + 0.6))
    ax = fig.add_axes([0.01, 0.0, 0.98, 1 - 0.6 / fig.get_figheight()])
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_hi, y_lo)
    ax.set_aspect("equal")
    ax.set_axis_off()
    h, w = x.shape
    inside = [[top <= i < top + h and left <= j < left + w for j in range(wp)] for i in range(hp)]
    _grid(ax, padded, [[_IN if c else _PAD for c in row] for row in inside], 0,
          f"input {h}×{w}, padded {tuple(pad)} → {hp}×{wp}")
    _grid(ax, weight, [[_KERNEL] * kw for _ in range(kh)], xk, f"kernel {kh}×{kw}")
    out_texts = _grid(ax, out, [[_IN] * wo for _ in range(ho)], xo, f"output {ho}×{wo}")
    cells = [p for p in ax.patches[-ho * wo:]]
    window = Rectangle((-0.5, -0.5), kw, kh, fill=False, ec=_NOW, lw=2.5, zorder=4)
    current = Rectangle((xo - 0.5, -0.5), 1, 1, fill=False, ec=_NOW, lw=2.5, zorder=4)
    ax.add_patch(window)
    ax.add_patch(current)
    title = fig.suptitle("", y=0.99, va="top", fontsize=10)

    def draw(frame: int):
        done = steps[:frame]
        for k, (text, cell) in enumerate(zip(out_texts, cells)):
            text.set_visible(k < frame)
            cell.set_facecolor(_DONE if k < frame else _IN)
        if frame == 0:
            window.set_visible(False), current.set_visible(False)
            title.set_text(f"pad {tuple(pad)} (left, right, top, bottom),\n"
                           f"then a {kh}×{kw} kernel with stride {stride}")
        else:
            i, j, v = done[-1]
            window.set_visible(True), current.set_visible(True)
            window.set_xy((j * stride - 0.5, i * stride - 0.5))
            current.set_xy((xo + j - 0.5, i - 0.5))
            title.set_text(f"output[{i}, {j}] = sum(window × kernel) = {_fmt(v)}\n"
                           f"window: rows {i * stride}–{i * stride + kh - 1}, "
                           f"columns {j * stride}–{j * stride + kw - 1} of the padded input")
        return [*out_texts, *cells, window, current, title]

    anim = FuncAnimation(fig, draw, frames=len(steps) + 1, init_func=lambda: draw(0), blit=False)
    return anim, out
