r"""Animations for the interpolation chapter: output samples finding their source coordinates.

:func:`linear_walk` computes, with :func:`~resample_lib.functional.interpolation.source_coordinates`
and :func:`~resample_lib.functional.interpolation.resample_taps`, what ``linear`` resampling does
for each output sample :math:`i` of a 1-D signal: its source coordinate :math:`u_i`,
its two taps :math:`j_0, j_1`, their weights :math:`1 - \lambda, \lambda` and the value
:math:`y_i = (1 - \lambda)\, x_{j_0} + \lambda\, x_{j_1}`.
:func:`source_coordinate_animation` draws it one output sample per frame, one row per
``align_corners`` setting.

Plotting only: the arithmetic is in :mod:`resample_lib.functional.interpolation`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation
from matplotlib.patches import Rectangle
from torch import Tensor

from resample_lib.functional.interpolation import resample_taps
from resample_lib.functional.sampling_coordinates import source_coordinates

__all__ = ["LinearWalk", "linear_walk", "source_coordinate_animation"]


@dataclass(frozen=True)
class LinearWalk:
    r"""What ``linear`` resampling of a 1-D signal does, one row per output sample.

    Attributes:
        u: source coordinate of each output sample, :math:`(n_\text{out},)`.
        index: its two taps, :math:`(n_\text{out}, 2)` int64 (equal at a clamped edge).
        weight: their weights, :math:`(n_\text{out}, 2)`.
        value: the output, :math:`(n_\text{out},)`.
    """

    u: Tensor
    index: Tensor
    weight: Tensor
    value: Tensor


def linear_walk(signal: Tensor, out_size: int, align_corners: bool = False) -> LinearWalk:
    r"""Source coordinates, taps, weights and values of ``linear`` resampling of a 1-D signal.

    The coordinates are computed in the signal's floating type as torch computes
    them (float32 unless the signal is float64), so ``value`` equals
    ``F.interpolate(signal.view(1, 1, -1), size=out_size, mode="linear",
    align_corners=align_corners)`` to rounding.

    Args:
        signal: the input samples, shape :math:`(n_\text{in},)`.
        out_size: number of output samples.
        align_corners: corner rule instead of the half-pixel rule.

    Returns:
        A :class:`LinearWalk` holding :math:`u_i`, the taps, their weights and the values.

    Examples:
        >>> walk = linear_walk(torch.tensor([0.0, 1.0]), 4)
        >>> walk.u.tolist(), walk.value.tolist()
        ([-0.25, 0.25, 0.75, 1.25], [0.0, 0.25, 0.75, 1.0])
    """
    if signal.dim() != 1:
        raise ValueError(f"linear_walk: expected a 1-D signal, got shape {tuple(signal.shape)}")
    n = signal.shape[0]
    index, weight = resample_taps(n, out_size, "linear", align_corners, dtype=signal.dtype)
    u = source_coordinates(n, out_size, align_corners, dtype=signal.dtype)
    value = (weight * signal[index]).sum(1)
    return LinearWalk(u, index, weight, value)


_IN_Y, _HALF = 1.35, 0.32  # height of the input row (the output row is at 0), half a box's height


def _box(ax, x0: float, y: float, width: float, value: float | None, label: str = "") -> list:
    """Draw one sample as a box (grey shade and number for its value, if any) and a label outside the row.

    Returns the artists drawn, so that an animation frame can remove them.
    """
    shade = "white" if value is None else plt.get_cmap("gray")(0.25 + 0.75 * value)
    artists = [ax.add_patch(Rectangle((x0, y - _HALF), width, 2 * _HALF, fc=shade, ec="0.3", lw=1))]
    if value is not None:
        artists.append(ax.text(x0 + width / 2, y, f"{value:.2f}", ha="center", va="center", fontsize=9,
                               color="white" if value < 0.4 else "black"))
    if label:
        artists.append(ax.text(x0 + width / 2, y + (0.47 if y > 0.5 else -0.47), label, ha="center",
                               va="center", fontsize=9, color="0.35"))
    return artists


def source_coordinate_animation(signal: Tensor, out_size: int,
                                settings: Sequence[bool] = (False, True), *,
                                figsize: tuple[float, float] = (6.0, 3.5)):
    r"""Animate ``linear`` resampling of a short 1-D signal, one output sample per frame.

    One row per ``align_corners`` setting. Each row draws the input samples
    (top, input sample :math:`j` at position :math:`j`) and the output samples
    (bottom) as two images over the same width, values written in the boxes.
    Frame :math:`k` fills output sample :math:`k - 1`, draws an arrow from it to
    its source coordinate :math:`u` on the input row (earlier arrows stay, in
    grey), outlines its taps and writes their weights; frame 0 shows the empty
    output. Values in
    :math:`[0, 1]` are shaded in grey.

    Args:
        signal: input samples, shape :math:`(n_\text{in},)`, values in :math:`[0, 1]`.
        out_size: number of output samples.
        settings: the ``align_corners`` values, one row each.
        figsize: figure size in inches.

    Returns:
        ``(anim, walks)``: the ``FuncAnimation`` and a dict ``align_corners ->``
        :class:`LinearWalk`, whose ``value`` holds exactly the numbers the last
        frame shows.
    """
    n, m = signal.shape[0], out_size
    walks = {ac: linear_walk(signal, m, ac) for ac in settings}
    fig, axes = plt.subplots(len(settings), 1, figsize=figsize, squeeze=False)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.02, hspace=0.45)
    axes = axes[:, 0]
    out_w = n / m  # output boxes span the input's width [-1/2, n - 1/2]
    dynamic: list = []
    for ax, ac in zip(axes, settings):
        ax.set_xlim(-0.6, n - 0.4), ax.set_ylim(-0.85, _IN_Y + 1.0)
        ax.set_axis_off()
        for j in range(n):
            _box(ax, j - 0.5, _IN_Y, 1.0, float(signal[j]), f"x{j}")
        for i in range(m):
            _box(ax, -0.5 + i * out_w, 0.0, out_w, None, f"y{i}")
        ax.set_title(f"align_corners={ac}", fontsize=10, loc="left")

    def draw(frame: int):
        for artist in dynamic:
            artist.remove()
        dynamic.clear()
        for ax, ac in zip(axes, settings):
            walk = walks[ac]
            for i in range(frame):
                dynamic.extend(_box(ax, -0.5 + i * out_w, 0.0, out_w, float(walk.value[i])))
            if frame == 0:
                continue
            i = frame - 1
            u = float(walk.u[i])
            (j0, j1), (w0, w1) = walk.index[i].tolist(), walk.weight[i].tolist()
            uc = min(max(u, 0.0), n - 1.0)  # where linear reads: u clamped to the input's centres
            top = _IN_Y - _HALF
            for k in range(i + 1):  # earlier outputs' arrows stay, in grey
                dynamic.append(ax.annotate("", xy=(float(walk.u[k]), top), xytext=(-0.5 + (k + 0.5) * out_w, _HALF),
                                           arrowprops=dict(arrowstyle="->", color="C3" if k == i else "0.6",
                                                           lw=1.6 if k == i else 1.0)))
            dynamic.append(ax.plot([u], [top], "o", color="C3", ms=4)[0])
            read = [(j, w) for j, w in ((j0, w0), (j1, w1)) if w != 0]
            for j in sorted({j for j, _ in read}):
                dynamic.append(ax.add_patch(Rectangle((j - 0.5, top), 1.0, 2 * _HALF, fill=False,
                                                           ec="C1", lw=2.5)))
            if len({j for j, _ in read}) == 2:
                formula = f"{w0:.2f}·x{j0} + {w1:.2f}·x{j1}"
            else:  # one input sample: u on a sample, or clamped at an edge
                formula = f"x{read[0][0]}" + (f" (u clamped to {uc:g})" if uc != u else "")
            line = f"y{i}: u = {u:.2f}, y = {formula} = {float(walk.value[i]):.2f}"
            dynamic.append(ax.text(n - 0.45, _IN_Y + 0.85, line, ha="right", fontsize=9, color="C3"))
        return dynamic

    anim = FuncAnimation(fig, draw, frames=m + 1, blit=False)
    return anim, walks
