r"""Interpolation from scratch: ``torch.nn.functional.interpolate``, one axis at a time.

Every mode of ``interpolate`` is *linear* in the input and *separable*: along
each spatial axis, output sample :math:`i` is a weighted sum of a few input
samples (its *taps*),

.. math::

    y_i = \sum_k w_{ik}\, x_{j_{ik}},

and a 2-D or 3-D resize applies the 1-D rule to each axis in turn. So a mode is
fully described by two small tables per axis, the tap indices :math:`j_{ik}` and
weights :math:`w_{ik}` (:func:`resample_taps`), or equivalently by the sparse
:math:`(n_\text{out} \times n_\text{in})` matrix :math:`M` with
:math:`M_{i, j_{ik}} \mathrel{+}= w_{ik}` (:func:`resample_matrix`); along one
axis, interpolation is ``x @ M.T`` (:func:`interpolate_reference`).

The taps come from a *source coordinate* (:func:`source_coordinates`): where
output sample :math:`i` falls on the input's axis. With scale :math:`s`
(:func:`pixel_scale`),

.. math::

    \text{half-pixel rule (align\_corners=False):}\quad u_i = s\,(i + \tfrac12) - \tfrac12,
    \qquad s = n_\text{in} / n_\text{out} \text{ or } 1/\text{scale\_factor}

.. math::

    \text{corner rule (align\_corners=True):}\quad u_i = s\, i,
    \qquad s = (n_\text{in} - 1) / (n_\text{out} - 1)

* ``nearest``: :math:`j = \min(\lfloor s\,i \rfloor, n_\text{in} - 1)` (OpenCV's
  rule; it is *not* the nearest sample to :math:`u_i`);
* ``nearest-exact``: :math:`j = \min(\lfloor \max(u_i, 0) + \tfrac12 \rfloor, n_\text{in} - 1)`;
* ``linear``/``bilinear``/``trilinear``: the triangle kernel at
  :math:`u = \max(u_i, 0)`: taps :math:`\lfloor u \rfloor` and the next one
  (clamped to the edge), weights :math:`1 - \lambda, \lambda` with
  :math:`\lambda = u - \lfloor u \rfloor`;
* ``bicubic``: Keys' cubic (:math:`a = -0.75`) at the unclamped :math:`u_i`, taps
  :math:`\lfloor u \rfloor - 1, \dots, \lfloor u \rfloor + 2` clamped to the edge
  (edge replication);
* ``area``: adaptive average pooling, the mean over the bin
  :math:`[\lfloor i\, n_\text{in}/n_\text{out} \rfloor, \lceil (i+1)\, n_\text{in}/n_\text{out} \rceil)`;
* ``antialias=True`` (``bilinear``, ``bicubic``, ``lanczos``): the kernel
  :math:`k` (triangle, Keys :math:`a = -0.5`, Lanczos-3) is stretched by
  :math:`\sigma = \max(s, 1)` and centred at :math:`c_i = s\,(i + \tfrac12)`;
  taps are the samples :math:`j` whose centre :math:`j + \tfrac12` lies within
  :math:`r\sigma` of :math:`c_i` (:math:`r` the kernel's support), weights
  :math:`k((j + \tfrac12 - c_i)/\sigma)` normalized to sum to 1.

The arithmetic follows torch's CPU kernels step by step, including the
floating-point type of the coordinate computation, so results agree to
rounding. That type is the input's *opmath* type (``float64`` for ``float64``,
``float32`` for every other dtype), with one exception: ``nearest`` and
``nearest-exact`` on 4-D input run torch's legacy 2-D kernel, which computes the
scale and the source coordinates in ``float32`` even for ``float64`` input,
while 1-D and 3-D ``nearest`` use the opmath type. :func:`interpolate` computes
the same numbers as :func:`interpolate_reference`, faster, in private modules
(``_interpolation_plan`` and the modules it uses).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Optional, Union

import torch
from torch import Tensor

from resample_lib.functional._interpolation_checks import check_interpolate_args
from resample_lib.functional._interpolation_plan import resize
from resample_lib.functional._validate import opmath_dtype
from resample_lib.functional.interpolation_kernels import keys_cubic, lanczos, triangle
from resample_lib.functional.sampling_coordinates import check_axis_sizes, pixel_scale, source_coordinates

__all__ = ["MODES", "interpolate", "interpolate_reference", "pixel_scale",
           "resample_matrix", "resample_taps", "source_coordinates"]

#: Every mode of ``interpolate`` and the input ranks (3 = (N, C, W), 4 = (N, C, H, W),
#: 5 = (N, C, D, H, W)) it accepts.
MODES: dict[str, tuple[int, ...]] = {
    "nearest": (3, 4, 5),
    "nearest-exact": (3, 4, 5),
    "area": (3, 4, 5),
    "linear": (3,),
    "bilinear": (4,),
    "bicubic": (4,),
    "trilinear": (5,),
    "lanczos": (4,),
}
# The per-axis rule of each mode: the names resample_taps accepts, and what they stand for.
_AXIS_KIND = {
    "nearest": "nearest", "nearest-exact": "nearest-exact", "linear": "linear", "cubic": "cubic",
    "area": "area", "lanczos": "lanczos", "bilinear": "linear", "trilinear": "linear", "bicubic": "cubic",
}
# Antialiased kernels: (function of the distance, number of taps at scale 1).
_AA_KERNELS = {"linear": (triangle, 2), "cubic": (lambda t: keys_cubic(t, a=-0.5), 4), "lanczos": (lanczos, 6)}


def _floorf(t: Tensor) -> Tensor:
    """``floorf`` of a float or double, as C's implicit conversion to float does it, as int64."""
    return t.to(torch.float32).floor().to(torch.int64)


def resample_taps(
    in_size: int, out_size: int, mode: str = "linear", align_corners: Optional[bool] = None,
    scale_factor: Optional[float] = None, antialias: bool = False, *,
    dtype: torch.dtype = torch.float64, device: Optional[torch.device] = None,
) -> tuple[Tensor, Tensor]:
    r"""Tap indices and weights of 1-D interpolation from ``in_size`` to ``out_size`` samples.

    Output sample :math:`i` is :math:`y_i = \sum_k w_{ik}\, x_{j_{ik}}`. Padding taps
    (rows need different numbers of taps) have weight 0 and a valid index.

    Args:
        in_size (int): number of input samples.
        out_size (int): number of output samples.
        mode (str): per-axis rule: ``'nearest'`` | ``'nearest-exact'`` | ``'linear'``
            (also ``'bilinear'``, ``'trilinear'``) | ``'cubic'`` (also ``'bicubic'``) |
            ``'area'`` | ``'lanczos'``.
        align_corners (bool, optional): corner rule instead of the half-pixel rule
            (interpolating modes only; ``None`` means ``False``).
        scale_factor (float, optional): the factor given to ``interpolate`` without
            ``recompute_scale_factor``; it sets the scale :math:`s = 1/\text{scale\_factor}`.
        antialias (bool): widen the kernel by :math:`\max(s, 1)` when downsampling
            (``linear``, ``cubic``, ``lanczos``; ``lanczos`` is always antialiased).
        dtype (torch.dtype): type of the weights; coordinates are computed in its
            opmath type (float64 for float64, float32 otherwise), as torch does.
        device (torch.device, optional): where the tables live.

    Shape:
        - Output: ``index`` :math:`(n_\text{out}, K)` int64, ``weight`` :math:`(n_\text{out}, K)`

    Examples:
        >>> index, weight = resample_taps(4, 2, "linear")
        >>> index, weight
        (tensor([[0, 1],
                [2, 3]]), tensor([[0.5000, 0.5000],
                [0.5000, 0.5000]], dtype=torch.float64))
    """
    check_axis_sizes(in_size, out_size, "resample_taps")
    if mode not in _AXIS_KIND:
        raise ValueError(f"resample_taps: unknown mode {mode!r}; allowed: {', '.join(map(repr, _AXIS_KIND))}")
    kind = _AXIS_KIND[mode]
    if align_corners and kind in ("nearest", "nearest-exact", "area", "lanczos"):
        raise ValueError(f"resample_taps: align_corners=True is not defined for mode {mode!r}")
    align_corners, antialias = bool(align_corners), antialias or kind == "lanczos"
    if antialias and kind not in _AA_KERNELS:
        raise ValueError(f"resample_taps: antialias=True is only defined for 'linear', 'cubic' and 'lanczos', got {mode!r}")
    op, kw = opmath_dtype(dtype), dict(device=device)
    i = torch.arange(out_size, dtype=torch.int64, **kw)

    def one_tap(index: Tensor) -> tuple[Tensor, Tensor]:
        return index[:, None], torch.ones(out_size, 1, dtype=dtype, **kw)

    if kind == "area":
        start, end = (i * in_size) // out_size, -((-(i + 1) * in_size) // out_size)
        width = end - start
        k = torch.arange(int(width.max()), **kw)
        index = (start[:, None] + k).clamp_max(in_size - 1)
        return index, torch.where(k < width[:, None], 1.0 / width[:, None].to(op), 0.0).to(dtype)
    if antialias:
        if in_size == out_size:  # torch skips an axis whose size does not change
            return one_tap(i)
        return _antialias_taps(in_size, out_size, kind, align_corners, scale_factor, dtype, device)
    if kind in ("nearest", "nearest-exact"):
        return one_tap(_nearest_index(in_size, out_size, kind == "nearest-exact", scale_factor, op, device))
    u = source_coordinates(in_size, out_size, align_corners, scale_factor, dtype=op, device=device)
    if kind == "linear":
        if in_size == out_size:  # torch copies instead of interpolating, whatever the scale
            return one_tap(i)
        u = u.clamp_min(0)
        j0 = _floorf(u).clamp_max(in_size - 1)
        lam = (u - j0).clamp(0, 1)
        j1 = j0 + (j0 < in_size - 1).to(torch.int64)
        return torch.stack([j0, j1], 1), torch.stack([1 - lam, lam], 1).to(dtype)
    # cubic: Keys a = -0.75 at the unclamped coordinate, edge replication
    j0 = _floorf(u).clamp_max(in_size - 1)
    lam = (u - j0).clamp(0, 1)
    offsets = torch.arange(-1, 3, **kw)
    index = (j0[:, None] + offsets).clamp(0, in_size - 1)
    return index, keys_cubic(lam[:, None] - offsets.to(op), a=-0.75).to(dtype)


def _nearest_index(
    in_size: int, out_size: int, exact: bool, scale_factor: Optional[float],
    dtype: torch.dtype, device: Optional[torch.device], legacy_2d: bool = False,
) -> Tensor:
    r"""Source index of each output sample for ``nearest`` (:math:`\lfloor s\,i \rfloor`) or
    ``nearest-exact`` (:math:`\lfloor s\,(i + \frac12) \rfloor`, the same as rounding :math:`u_i`).

    ``legacy_2d`` reproduces torch's dedicated 4-D kernel: it computes in float32
    whatever the dtype, and for ``nearest`` copies when :math:`n_\text{out} = n_\text{in}`
    and takes :math:`\lfloor i/2 \rfloor` when :math:`n_\text{out} = 2 n_\text{in}`,
    whatever the scale factor. The 3-D and 5-D kernels compute in the input's
    coordinate type, with no shortcut.
    """
    i = torch.arange(out_size, device=device)
    if legacy_2d:
        if not exact and out_size in (in_size, 2 * in_size):
            return i if out_size == in_size else i // 2
        dtype = torch.float32
    s = torch.tensor(pixel_scale(in_size, out_size, False, scale_factor, dtype), dtype=dtype, device=device)
    if not exact:
        index = _floorf(s * i.to(dtype))
    elif legacy_2d:  # (i + 0.5) * scale in double, then floorf
        index = _floorf((i.double() + 0.5) * s.double())
    else:  # round the half-pixel coordinate, clamped at 0
        index = _floorf((s * (i.to(dtype) + 0.5) - 0.5).clamp_min(0).double() + 0.5)
    return index.clamp_max(in_size - 1)


def _antialias_taps(
    in_size: int, out_size: int, kind: str, align_corners: bool,
    scale_factor: Optional[float], dtype: torch.dtype, device: Optional[torch.device],
) -> tuple[Tensor, Tensor]:
    """Taps of the stretched, normalized kernel (PIL's resampling rule, as in torch's ``_aa`` kernels)."""
    kernel, taps = _AA_KERNELS[kind]
    op = opmath_dtype(dtype)
    s = pixel_scale(in_size, out_size, align_corners, scale_factor, op)
    rnd = lambda v: torch.tensor(v, dtype=op).item()  # noqa: E731 - rounding to the kernel's type
    support = rnd(taps * 0.5 * s if s >= 1.0 else taps * 0.5)
    inv = rnd(1.0 / s) if s >= 1.0 else 1.0
    width = int(math.ceil(support)) * 2 + 1
    center = (s * (torch.arange(out_size, dtype=torch.float64, device=device) + 0.5)).to(op)
    # C++ truncates toward zero; the max/min with the bounds make that a floor here
    xmin = (center - support).double().add(0.5).trunc().clamp_min(0).to(torch.int64)
    xmax = (center + support).double().add(0.5).trunc().clamp_max(in_size).to(torch.int64)
    k = torch.arange(width, device=device)
    index = xmin[:, None] + k
    dist = ((index.to(op) - center[:, None]).double() + 0.5) * inv
    weight = torch.where(k < (xmax - xmin).clamp(0, width)[:, None], kernel(dist.to(op)), 0.0)
    total = weight.sum(1, keepdim=True)
    weight = torch.where(total != 0, weight / torch.where(total != 0, total, 1.0), weight)
    return index.clamp_max(in_size - 1), weight.to(dtype)


def resample_matrix(
    in_size: int, out_size: int, mode: str = "linear", align_corners: Optional[bool] = None,
    scale: Optional[float] = None, antialias: bool = False, *,
    dtype: torch.dtype = torch.float64, device: Optional[torch.device] = None,
) -> Tensor:
    r"""The :math:`(n_\text{out} \times n_\text{in})` matrix of 1-D interpolation: along one axis, ``y = x @ M.T``.

    :math:`M_{ij} = \sum_k w_{ik} [j_{ik} = j]` from :func:`resample_taps`. Rows of
    the interpolating modes sum to 1 (constants are preserved); ``nearest`` rows
    are one-hot; ``area`` rows are a normalized box. Its transpose :math:`M^\top`
    is the adjoint of the resize: what the backward pass and a transposed
    convolution apply. :func:`interpolate_reference` resizes with it.

    Args:
        in_size, out_size, mode, align_corners, antialias: as in :func:`resample_taps`.
        scale (float, optional): :func:`resample_taps`' ``scale_factor``, which sets :math:`s = 1/\text{scale}`.
        dtype (torch.dtype): dtype of the matrix.
        device (torch.device, optional): where it lives.

    Shape:
        - Output: :math:`(n_\text{out}, n_\text{in})`

    Examples:
        >>> resample_matrix(2, 4)
        tensor([[1.0000, 0.0000],
                [0.7500, 0.2500],
                [0.2500, 0.7500],
                [0.0000, 1.0000]], dtype=torch.float64)
    """
    index, weight = resample_taps(in_size, out_size, mode, align_corners, scale, antialias, dtype=dtype, device=device)
    return torch.zeros(out_size, in_size, dtype=dtype, device=device).scatter_add_(1, index, weight)


def interpolate_reference(
    input: Tensor, size: Optional[Union[int, Sequence[int]]] = None,
    scale_factor: Optional[Union[float, Sequence[float]]] = None, mode: str = "nearest",
    align_corners: Optional[bool] = None, recompute_scale_factor: Optional[bool] = None, antialias: bool = False,
) -> Tensor:
    r""":func:`interpolate`, written to be read: one resampling matrix per spatial axis, applied in turn.

    Along each axis the copying modes gather the input sample that each output
    copies; the others multiply by the axis's :func:`resample_matrix`,
    ``x @ M.T``, in the opmath type (a NaN or inf therefore spreads along the
    whole row, since 0 times infinity is NaN). ``uint8`` is rounded back
    after each axis, as torch does (which rounds in fixed point, so a pixel may
    differ by 1).

    Args:
        input, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias: as in
            :func:`interpolate`, with the same checks and errors.

    Shape:
        - Input: :math:`(N, C, *S_\text{in})`; output: :math:`(N, C, *S_\text{out})`, of the input's dtype

    Examples:
        >>> x = torch.rand(1, 3, 5, 7, dtype=torch.float64)
        >>> y = interpolate_reference(x, size=(4, 9), mode="bicubic")
        >>> torch.allclose(y, resample_matrix(5, 4, "cubic") @ x @ resample_matrix(7, 9, "cubic").T)
        True
    """
    sizes, scales, align_corners = check_interpolate_args(
        input, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias)
    if min(sizes) == 0:  # only area (adaptive average pooling) allows an empty output
        return input.new_empty((*input.shape[:2], *sizes))
    kind, op = _AXIS_KIND[mode], opmath_dtype(input.dtype)  # the per-axis rule; torch's computing type
    x = input
    for a in reversed(range(len(sizes))):  # one spatial axis at a time (the last first, as torch's uint8 kernel)
        dim, n_in, n_out = a + 2, x.shape[a + 2], sizes[a]
        scale = None if scales is None else scales[a]
        if kind in ("nearest", "nearest-exact"):  # each output copies one input sample: gather it
            legacy = input.dim() == 4  # torch's 4-D nearest kernels compute in float32, with shortcuts
            x = x.index_select(dim, _nearest_index(n_in, n_out, kind == "nearest-exact", scale, op, x.device, legacy))
        elif n_in != n_out or input.dtype != torch.uint8:  # (torch leaves an unchanged uint8 axis alone)
            m = resample_matrix(n_in, n_out, kind, align_corners, scale, antialias, dtype=op, device=x.device)
            x = (x.to(op).movedim(dim, -1) @ m.T).movedim(-1, dim)  # each output: a weighted sum of inputs
            if input.dtype == torch.uint8:  # torch rounds back to uint8 after each axis
                x = (x + 0.5).floor().clamp(0, 255)
    return x.to(input.dtype)


def interpolate(
    input: Tensor, size: Optional[Union[int, Sequence[int]]] = None,
    scale_factor: Optional[Union[float, Sequence[float]]] = None, mode: str = "nearest",
    align_corners: Optional[bool] = None, recompute_scale_factor: Optional[bool] = None, antialias: bool = False,
) -> Tensor:
    r"""Resize ``input`` to ``size`` or by ``scale_factor``, like ``torch.nn.functional.interpolate``.

    Each spatial axis is resampled in turn by :func:`resample_taps`' indices and
    weights; the module docstring gives the rule of every mode.
    :func:`interpolate_reference` is the same computation in a few lines, one
    matrix product per axis; this function returns the same values faster
    (cached tap tables, strided views where the taps repeat). Output size per axis:
    :math:`n_\text{out} = \text{size}` or :math:`\lfloor n_\text{in} \cdot \text{scale\_factor} \rfloor`.

    Args:
        input (Tensor): a 3-D :math:`(N, C, W)`, 4-D :math:`(N, C, H, W)` or 5-D
            :math:`(N, C, D, H, W)` tensor, floating point or (``nearest``,
            ``nearest-exact``, ``bilinear``, ``bicubic``) ``uint8``.
        size (int or tuple of int, optional): output spatial size.
        scale_factor (float or tuple of float, optional): multiplier for the spatial size.
        mode (str): ``'nearest'`` | ``'nearest-exact'`` | ``'linear'`` (3-D) |
            ``'bilinear'`` (4-D) | ``'bicubic'`` (4-D) | ``'trilinear'`` (5-D) |
            ``'area'`` | ``'lanczos'`` (4-D, needs ``antialias=True``).
        align_corners (bool, optional): corner rule :math:`u_i = s\,i` instead of the
            half-pixel rule; only for linear, bilinear, bicubic, trilinear.
        recompute_scale_factor (bool, optional): if True, the kernels use the
            realized ratio :math:`n_\text{in}/n_\text{out}` instead of
            :math:`1/\text{scale\_factor}`.
        antialias (bool): widen the kernel when downsampling (bilinear, bicubic,
            lanczos; 4-D input).

    Shape:
        - Input: :math:`(N, C, *S_\text{in})`
        - Output: :math:`(N, C, *S_\text{out})`, a new tensor of the input's dtype, on its device

    Examples:
        >>> x = torch.tensor([[[0.0, 1.0, 2.0, 3.0]]])
        >>> interpolate(x, scale_factor=2, mode="linear")
        tensor([[[0.0000, 0.2500, 0.7500, 1.2500, 1.7500, 2.2500, 2.7500, 3.0000]]])
        >>> interpolate(x, size=2, mode="area")
        tensor([[[0.5000, 2.5000]]])
    """
    sizes, scales, align_corners = check_interpolate_args(
        input, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias)
    return resize(input, sizes, _AXIS_KIND[mode], align_corners, scales, antialias)
