r"""The matrices of other libraries' resize rules: one :math:`(n_\text{out} \times n_\text{in})` matrix per axis.

Output :math:`i` of a resize along one axis is :math:`y_i = \sum_j M_{ij} x_j`; a 2-D resize is
:math:`M_h X M_w^\top` (:func:`resize_with_matrices`). With :math:`s = n_\text{in} / n_\text{out}`, the rules
are the stretched kernel (:func:`stretched_kernel_matrix`), the area overlap (:func:`area_matrix`, and
OpenCV's rounding of it, :func:`opencv_area_matrix`), OpenCV's Lanczos-4 (:func:`opencv_lanczos4_matrix`)
and three flavours of ``nearest`` (:func:`nearest_matrix`); torch's own rules are
:func:`resample_lib.resample_matrix`.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from resample_lib.functional._validate import check_choice, check_int, check_tensor, positive_ntuple
from resample_lib.functional.interpolation_kernels import keys_cubic, lanczos, triangle

__all__ = [
    "KERNELS",
    "NEAREST_RULES",
    "area_matrix",
    "nearest_matrix",
    "opencv_area_matrix",
    "opencv_lanczos4_matrix",
    "resize_with_matrices",
    "stretched_kernel_matrix",
]

#: Kernels of the stretched-kernel rule: name -> (function of the distance, support radius).
KERNELS: dict[str, tuple[Callable[[Tensor], Tensor], float]] = {
    "box": (lambda t: ((t > -0.5) & (t <= 0.5)).to(t.dtype), 0.5),  # PIL's box: 1 on (-1/2, 1/2]
    "triangle": (triangle, 1.0),
    "cubic": (lambda t: keys_cubic(t, a=-0.5), 2.0),
    "lanczos3": (lambda t: lanczos(t, a=3), 3.0),
    "lanczos5": (lambda t: lanczos(t, a=5), 5.0),
}


#: The ``rule`` values of :func:`nearest_matrix`.
NEAREST_RULES = ("floor", "opencv", "half-up", "pil")


def _check_sizes(n_in: int, n_out: int, op: str) -> None:
    check_int(n_in, "n_in", op, minimum=1)
    check_int(n_out, "n_out", op, minimum=1)


def stretched_kernel_matrix(n_in: int, n_out: int, kernel: str = "triangle", antialias: bool = True,
                            dtype: torch.dtype = torch.float64) -> Tensor:
    r"""The stretched-kernel rule of PIL, torch's ``antialias=True``, JAX and TensorFlow's ``antialias=True``.

    :math:`M_{ij} \propto k\big((j + \tfrac12 - c_i)/\sigma\big)`, :math:`c_i = s\,(i+\tfrac12)`,
    :math:`\sigma = \max(s, 1)` if ``antialias`` else 1, each row normalised over the
    samples inside the image (so near the edges the kernel is cut and renormalised,
    not extended by repeating edge samples).

    Args:
        n_in: input samples along the axis.
        n_out: output samples.
        kernel: one of :data:`KERNELS` (``'box'``, ``'triangle'``, ``'cubic'`` (Keys
            :math:`a=-0.5`), ``'lanczos3'``, ``'lanczos5'``).
        antialias: stretch the kernel by :math:`s` when downsampling.
        dtype: dtype of the matrix.

    Shape:
        - Output: :math:`(n_\text{out}, n_\text{in})`

    Examples:
        >>> stretched_kernel_matrix(4, 2, "triangle")
        tensor([[0.4286, 0.4286, 0.1429, 0.0000],
                [0.0000, 0.1429, 0.4286, 0.4286]], dtype=torch.float64)
    """
    _check_sizes(n_in, n_out, "stretched_kernel_matrix")
    check_choice(kernel, "kernel", "stretched_kernel_matrix", tuple(KERNELS))
    k, support = KERNELS[kernel]
    s = n_in / n_out
    sigma = max(s, 1.0) if antialias else 1.0
    # PIL's arithmetic, in its order (it decides ties of the box kernel): the taps are the
    # samples j with int(c - r*sigma + 1/2) <= j < int(c + r*sigma + 1/2), inside the image
    centre = (torch.arange(n_out, dtype=torch.float64) + 0.5) * s
    j = torch.arange(n_in, dtype=torch.float64)
    lo = (centre - support * sigma + 0.5).trunc().clamp_min(0)
    hi = (centre + support * sigma + 0.5).trunc().clamp_max(n_in)
    inside = (j[None, :] >= lo[:, None]) & (j[None, :] < hi[:, None])
    w = torch.where(inside, k(((j[None, :] - centre[:, None]) + 0.5) * (1.0 / sigma)), 0.0)
    total = w.sum(1, keepdim=True)
    return (w / torch.where(total != 0, total, 1.0)).to(dtype)


def area_matrix(n_in: int, n_out: int, dtype: torch.dtype = torch.float64) -> Tensor:
    r"""OpenCV's ``INTER_AREA`` and JAX's ``area``: the fraction of each output pixel that each input pixel covers.

    :math:`M_{ij} = |[j, j+1] \cap [i s, (i+1) s]| / s`. Rows sum to 1. When
    :math:`s` is an integer this averages :math:`s` whole pixels, like torch's
    ``area``; when upsampling, an output pixel inside one input pixel copies it and
    one that straddles a border blends the two by area.

    Args:
        n_in: input samples.
        n_out: output samples.
        dtype: dtype of the matrix.

    Shape:
        - Output: :math:`(n_\text{out}, n_\text{in})`

    Examples:
        >>> area_matrix(3, 2)
        tensor([[0.6667, 0.3333, 0.0000],
                [0.0000, 0.3333, 0.6667]], dtype=torch.float64)
    """
    _check_sizes(n_in, n_out, "area_matrix")
    # in units of 1/n_out of an input pixel, every border is an integer: exact overlaps
    lo = torch.arange(n_out, dtype=torch.float64)[:, None] * n_in
    j = torch.arange(n_in, dtype=torch.float64)[None, :] * n_out
    overlap = (torch.minimum(lo + n_in, j + n_out) - torch.maximum(lo, j)).clamp_min(0)
    return (overlap / n_in).to(dtype)


def opencv_area_matrix(n_in: int, n_out: int, dtype: torch.dtype = torch.float64) -> Tensor:
    r"""OpenCV's ``INTER_AREA`` as ``cv::resize`` computes it: :func:`area_matrix`, with its rounding when upsampling.

    Downsampling is the exact overlap of :func:`area_matrix`. Upsampling uses OpenCV's
    two-tap form of the same overlap: with :math:`r = n_\text{out}/n_\text{in}`,
    :math:`j = \lfloor i / r \rfloor` and :math:`f = (i + 1) - (j + 1)\, r` (in float32),
    weight :math:`1 - f'` on :math:`j` and :math:`f'` on :math:`j + 1`, where
    :math:`f' = f - \lfloor f \rfloor` if :math:`f > 0`, else 0. Where an output
    pixel ends exactly on an input border, rounding can move it to the previous pixel.

    Args:
        n_in, n_out, dtype: as for :func:`area_matrix`; the matrix is :math:`(n_\text{out}, n_\text{in})`.

    Examples:
        >>> opencv_area_matrix(54, 60)[30].argmax().item(), area_matrix(54, 60)[30].argmax().item()
        (26, 27)
    """
    _check_sizes(n_in, n_out, "opencv_area_matrix")
    if n_out <= n_in:
        return area_matrix(n_in, n_out, dtype)
    inv = n_out / n_in
    scale = 1.0 / inv
    m = torch.zeros(n_out, n_in, dtype=torch.float64)
    for i in range(n_out):
        j = math.floor(i * scale)
        f = float(torch.tensor((i + 1) - (j + 1) * inv, dtype=torch.float32))
        f = 0.0 if f <= 0 else f - math.floor(f)
        if j >= n_in - 1:
            j, f = n_in - 1, 0.0
        m[i, j] += 1 - f
        if f:
            m[i, j + 1] += f
    return m.to(dtype)


def opencv_lanczos4_matrix(n_in: int, n_out: int, dtype: torch.dtype = torch.float64) -> Tensor:
    r"""OpenCV's ``INTER_LANCZOS4``: 8 taps of Lanczos-4 at the half-pixel coordinate, normalised, never stretched.

    With :math:`u_i = s\,(i + \tfrac12) - \tfrac12` and :math:`j_0 = \lfloor u_i \rfloor`,
    taps :math:`j_0 - 3, \dots, j_0 + 4` get weights
    :math:`\mathrm{sinc}(u_i - j)\,\mathrm{sinc}((u_i - j)/4)` divided by their sum;
    taps outside the image read the nearest edge sample.

    Args:
        n_in: input samples; the taps beyond either end read the sample at that end.
        n_out: output samples, fewer or more than ``n_in``: the kernel is never stretched.
        dtype: dtype of the matrix, computed in float64.

    Shape:
        - Output: :math:`(n_\text{out}, n_\text{in})`

    Examples:
        >>> opencv_lanczos4_matrix(4, 8).sum(1)
        tensor([1., 1., 1., 1., 1., 1., 1., 1.], dtype=torch.float64)
    """
    _check_sizes(n_in, n_out, "opencv_lanczos4_matrix")
    s = n_in / n_out
    u = (torch.arange(n_out, dtype=torch.float64) + 0.5) * s - 0.5
    taps = u.floor()[:, None] + torch.arange(-3, 5, dtype=torch.float64)
    w = lanczos(u[:, None] - taps, a=4)
    w = w / w.sum(1, keepdim=True)
    m = torch.zeros(n_out, n_in, dtype=torch.float64)
    m.scatter_add_(1, taps.long().clamp(0, n_in - 1), w)
    return m.to(dtype)


def nearest_matrix(n_in: int, n_out: int, rule: str = "half-up", dtype: torch.dtype = torch.float64) -> Tensor:
    r"""One-hot rows of the three ``nearest`` rules.

    * ``'floor'``: :math:`j = \lfloor i\, n_\text{in} / n_\text{out} \rfloor` (torch's ``nearest``,
      OpenCV's ``INTER_NEAREST``), in exact integer arithmetic (``'opencv'``: OpenCV's
      floating-point version of it);
    * ``'half-up'``: :math:`j = \lfloor (2i + 1)\, n_\text{in} / (2 n_\text{out}) \rfloor`
      (torch's ``nearest-exact``, JAX's ``nearest``), exact: the input pixel under the
      output pixel's centre, the right one when the centre lies on a border;
    * ``'pil'``: PIL's ``NEAREST`` (and OpenCV 5's ``INTER_NEAREST_EXACT``, which gives
      the same indices): the same idea, but the centre is a running sum in double precision,
      :math:`x_0 = s/2`, :math:`x_{i+1} = x_i + s`, truncated to an int; on a border the
      accumulated rounding error decides, so a tie may go either way.

    torch and OpenCV compute ``'floor'`` in floating point, torch with a float32 scale,
    OpenCV as :math:`\lfloor i \cdot (1 / (n_\text{out}/n_\text{in})) \rfloor` in double
    (rule ``'opencv'``); on a few size pairs the rounding moves an index by one pixel.

    Args:
        n_in: input samples.
        n_out: output samples.
        rule: one of :data:`NEAREST_RULES`: ``'floor'``, ``'opencv'``, ``'half-up'``, ``'pil'``.
        dtype: dtype of the matrix.

    Shape:
        - Output: :math:`(n_\text{out}, n_\text{in})`, one 1 per row

    Examples:
        >>> nearest_matrix(64, 40, "half-up").argmax(1)[6:9], nearest_matrix(64, 40, "pil").argmax(1)[6:9]
        (tensor([10, 12, 13]), tensor([10, 11, 13]))
    """
    _check_sizes(n_in, n_out, "nearest_matrix")
    check_choice(rule, "rule", "nearest_matrix", NEAREST_RULES)
    i = torch.arange(n_out, dtype=torch.int64)
    if rule == "floor":
        j = (i * n_in) // n_out
    elif rule == "opencv":  # floor(i * (1 / (n_out / n_in))) in double, as cv::resize computes it
        inv = 1.0 / (n_out / n_in)
        j = torch.tensor([math.floor(k * inv) for k in range(n_out)], dtype=torch.int64)
    elif rule == "half-up":
        j = ((2 * i + 1) * n_in) // (2 * n_out)
    else:  # "pil"
        step, x, idx = n_in / n_out, n_in / n_out * 0.5, []
        for _ in range(n_out):
            idx.append(int(x))
            x += step
        j = torch.tensor(idx, dtype=torch.int64)
    return F.one_hot(j.clamp_max(n_in - 1), n_in).to(dtype)


def resize_with_matrices(x: Tensor, size: Sequence[int], matrix: Callable[[int, int], Tensor]) -> Tensor:
    r"""Resize the last two axes of ``x`` with one matrix per axis: :math:`M_h X M_w^\top`, in float64.

    Args:
        x: the tensor to resize, ``(..., H, W)``.
        size: ``(h_out, w_out)``, positive.
        matrix: ``(n_in, n_out) -> M`` of shape ``(n_out, n_in)``, e.g. :func:`area_matrix` or a
            function of :data:`~resample_lib.analysis.library_rules.table.RULES`.

    Shape:
        - Input: :math:`(*, H, W)`
        - Output: :math:`(*, h_\text{out}, w_\text{out})`, float64

    Examples:
        >>> resize_with_matrices(torch.ones(1, 1, 4, 6), (2, 3), area_matrix).shape
        torch.Size([1, 1, 2, 3])
    """
    check_tensor(x, "x", "resize_with_matrices")
    h_out, w_out = positive_ntuple(size, 2, "size", "resize_with_matrices")
    h, w = x.shape[-2:]
    mh, mw = matrix(h, h_out), matrix(w, w_out)
    return mh @ x.double() @ mw.T
