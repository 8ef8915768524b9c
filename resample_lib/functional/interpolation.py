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
axis, interpolation is ``x @ M.T``.

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
floating-point type of the coordinate computation (``float32`` for every input
dtype but ``float64``), so results agree to rounding.
"""
from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from typing import NamedTuple, Optional, Union

import torch
from torch import Tensor

from resample_lib.functional.interpolation_kernels import keys_cubic, lanczos, triangle

__all__ = [
    "MODES",
    "interpolate",
    "interpolate_output_size",
    "pixel_scale",
    "resample_matrix",
    "resample_taps",
    "source_coordinates",
]

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
_NON_INTERPOLATING = ("nearest", "nearest-exact", "area")
_ANTIALIAS_MODES = ("bilinear", "bicubic", "lanczos")
# The per-axis rule each mode applies.
_AXIS_KIND = {
    "nearest": "nearest", "nearest-exact": "nearest-exact", "area": "area",
    "linear": "linear", "bilinear": "linear", "trilinear": "linear",
    "bicubic": "cubic", "lanczos": "lanczos",
}
_AXIS_KINDS = ("nearest", "nearest-exact", "linear", "cubic", "area", "lanczos")
_AXIS_ALIASES = {"bilinear": "linear", "trilinear": "linear", "bicubic": "cubic"}
# Antialiased kernels: (function of the distance, number of taps at scale 1).
_AA_KERNELS = {
    "linear": (triangle, 2),
    "cubic": (lambda t: keys_cubic(t, a=-0.5), 4),
    "lanczos": (lanczos, 6),
}

Number = Union[int, float]


def _opmath(dtype: torch.dtype) -> torch.dtype:
    """The type torch computes coordinates in: float64 for float64, float32 otherwise."""
    return torch.float64 if dtype == torch.float64 else torch.float32


def pixel_scale(
    in_size: int,
    out_size: int,
    align_corners: bool = False,
    scale_factor: Optional[float] = None,
    dtype: torch.dtype = torch.float64,
) -> float:
    r"""Input pixels per output pixel, :math:`s`, as torch computes it.

    .. math::

        s = \begin{cases}
            (n_\text{in} - 1) / (n_\text{out} - 1) & \text{align\_corners, } n_\text{out} > 1 \\
            0 & \text{align\_corners, } n_\text{out} = 1 \\
            1 / \text{scale\_factor} & \text{scale\_factor given (and not recomputed)} \\
            n_\text{in} / n_\text{out} & \text{otherwise}
        \end{cases}

    With a ``scale_factor`` that is not recomputed, :math:`s` is the user's
    factor, not the realized ratio: ``scale_factor=1.7`` on 10 samples gives 17
    samples and :math:`s = 1/1.7`, while 10/17 would be used with
    ``recompute_scale_factor=True``. ``align_corners`` ignores ``scale_factor``.

    Args:
        in_size (int): number of input samples along the axis.
        out_size (int): number of output samples.
        align_corners (bool): use the corner rule.
        scale_factor (float, optional): the factor passed to ``interpolate``.
        dtype (torch.dtype): the floating type the division is rounded to;
            torch uses float32 for every input but float64.

    Examples::

        >>> pixel_scale(4, 8), pixel_scale(4, 8, align_corners=True), pixel_scale(10, 17, scale_factor=1.7)
        (0.5, 0.42857142857142855, 0.5882352941176471)
    """
    if align_corners:
        if out_size <= 1:
            return 0.0
        num, den = float(in_size - 1), float(out_size - 1)
        return torch.tensor(num, dtype=dtype).div(den).item()
    if scale_factor is not None and scale_factor > 0:
        return torch.tensor(1.0 / scale_factor, dtype=dtype).item()
    return torch.tensor(float(in_size), dtype=dtype).div(float(out_size)).item()


def source_coordinates(
    in_size: int,
    out_size: int,
    align_corners: bool = False,
    scale_factor: Optional[float] = None,
    *,
    dtype: torch.dtype = torch.float64,
    device: Optional[torch.device] = None,
) -> Tensor:
    r"""Position :math:`u_i` of each output sample on the input axis (input sample :math:`j` sits at :math:`j`).

    .. math::

        u_i = \begin{cases} s\, i & \text{align\_corners (corners of the grid coincide)} \\
                            s\,(i + \tfrac12) - \tfrac12 & \text{otherwise (half-pixel rule: pixel areas coincide)}
              \end{cases}

    with :math:`s` from :func:`pixel_scale`. Coordinates may fall outside
    :math:`[0, n_\text{in} - 1]`; each mode decides what to do there.

    Args:
        in_size (int): number of input samples.
        out_size (int): number of output samples.
        align_corners (bool): use the corner rule.
        scale_factor (float, optional): the factor passed to ``interpolate``
            (used unless ``align_corners``).
        dtype (torch.dtype): floating type of the computation.
        device (torch.device, optional): where the result lives.

    Shape:
        - Output: :math:`(n_\text{out},)`

    Examples::

        >>> source_coordinates(2, 4)
        tensor([-0.2500,  0.2500,  0.7500,  1.2500], dtype=torch.float64)
        >>> source_coordinates(2, 4, align_corners=True)
        tensor([0.0000, 0.3333, 0.6667, 1.0000], dtype=torch.float64)
    """
    _check_sizes(in_size, out_size, "source_coordinates")
    s = torch.tensor(pixel_scale(in_size, out_size, align_corners, scale_factor, dtype), dtype=dtype, device=device)
    i = torch.arange(out_size, dtype=dtype, device=device)
    if align_corners:
        return s * i
    return s * (i + 0.5) - 0.5


def _check_sizes(in_size: int, out_size: int, fn: str) -> None:
    for name, v in (("in_size", in_size), ("out_size", out_size)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"{fn}: {name} must be an int, got {v!r}")
        if v <= 0:
            raise ValueError(f"{fn}: {name} must be positive, got {v}")


def _axis_kind(mode: str) -> str:
    kind = _AXIS_ALIASES.get(mode, mode)
    if kind not in _AXIS_KINDS:
        allowed = ", ".join(repr(m) for m in _AXIS_KINDS + tuple(_AXIS_ALIASES))
        raise ValueError(f"unknown mode {mode!r}; allowed: {allowed}")
    return kind


def _floorf(t: Tensor) -> Tensor:
    """``floorf`` of a float or double, as C's implicit conversion to float does it, as int64."""
    return t.to(torch.float32).floor().to(torch.int64)


def resample_taps(
    in_size: int,
    out_size: int,
    mode: str = "linear",
    align_corners: Optional[bool] = None,
    scale_factor: Optional[float] = None,
    antialias: bool = False,
    *,
    dtype: torch.dtype = torch.float64,
    device: Optional[torch.device] = None,
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
        dtype (torch.dtype): type of the weights; coordinates are computed in
            float64 for float64 and in float32 otherwise, as torch does.
        device (torch.device, optional): where the tables live.

    Shape:
        - Output: ``index`` :math:`(n_\text{out}, K)` int64, ``weight`` :math:`(n_\text{out}, K)`

    Examples::

        >>> index, weight = resample_taps(4, 2, "linear")
        >>> index, weight
        (tensor([[0, 1],
                [2, 3]]), tensor([[0.5000, 0.5000],
                [0.5000, 0.5000]], dtype=torch.float64))
    """
    _check_sizes(in_size, out_size, "resample_taps")
    kind = _axis_kind(mode)
    if align_corners and kind in ("nearest", "nearest-exact", "area", "lanczos"):
        raise ValueError(f"resample_taps: align_corners=True is not defined for mode {mode!r}")
    align_corners = bool(align_corners)
    if kind == "lanczos":
        antialias = True
    if antialias and kind not in _AA_KERNELS:
        raise ValueError(f"resample_taps: antialias=True is only defined for 'linear', 'cubic' and 'lanczos', got {mode!r}")
    op = _opmath(dtype)
    kw = dict(device=device)
    i = torch.arange(out_size, dtype=torch.int64, **kw)

    def one_tap(index: Tensor) -> tuple[Tensor, Tensor]:
        return index[:, None], torch.ones(out_size, 1, dtype=dtype, **kw)

    if kind == "area":
        start = (i * in_size) // out_size
        end = -((-(i + 1) * in_size) // out_size)
        width = end - start
        k = torch.arange(int(width.max()), **kw)
        index = (start[:, None] + k).clamp_max(in_size - 1)
        weight = torch.where(k < width[:, None], 1.0 / width[:, None].to(op), 0.0).to(dtype)
        return index, weight

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
    weight = keys_cubic(lam[:, None] - offsets.to(op), a=-0.75)
    return index, weight.to(dtype)


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
        if not exact and out_size == in_size:
            return i
        if not exact and out_size == 2 * in_size:
            return i // 2
        dtype = torch.float32
    s = torch.tensor(pixel_scale(in_size, out_size, False, scale_factor, dtype), dtype=dtype, device=device)
    if not exact:
        index = _floorf(s * i.to(dtype))
    elif legacy_2d:  # (i + 0.5) * scale in double, then floorf
        index = _floorf((i.double() + 0.5) * s.double())
    else:  # round the half-pixel coordinate, clamped at 0
        u = (s * (i.to(dtype) + 0.5) - 0.5).clamp_min(0)
        index = _floorf(u.double() + 0.5)
    return index.clamp_max(in_size - 1)


def _antialias_taps(
    in_size: int, out_size: int, kind: str, align_corners: bool,
    scale_factor: Optional[float], dtype: torch.dtype, device: Optional[torch.device],
) -> tuple[Tensor, Tensor]:
    """Taps of the stretched, normalized kernel (PIL's resampling rule, as in torch's ``_aa`` kernels)."""
    kernel, taps = _AA_KERNELS[kind]
    op = _opmath(dtype)
    s = pixel_scale(in_size, out_size, align_corners, scale_factor, op)
    rnd = lambda v: torch.tensor(v, dtype=op).item()  # noqa: E731 - rounding to the kernel's type
    support = rnd(taps * 0.5 * s if s >= 1.0 else taps * 0.5)
    inv = rnd(1.0 / s) if s >= 1.0 else 1.0
    width = int(math.ceil(support)) * 2 + 1
    i = torch.arange(out_size, dtype=torch.float64, device=device)
    center = (s * (i + 0.5)).to(op)
    # C++ truncates toward zero; the max/min with the bounds make that a floor here
    xmin = (center - support).double().add(0.5).trunc().clamp_min(0).to(torch.int64)
    xmax = (center + support).double().add(0.5).trunc().clamp_max(in_size).to(torch.int64)
    xsize = (xmax - xmin).clamp(0, width)
    k = torch.arange(width, device=device)
    index = xmin[:, None] + k
    dist = ((index.to(op) - center[:, None]).double() + 0.5) * inv
    weight = torch.where(k < xsize[:, None], kernel(dist.to(op)), 0.0)
    total = weight.sum(1, keepdim=True)
    weight = torch.where(total != 0, weight / torch.where(total != 0, total, 1.0), weight)
    return index.clamp_max(in_size - 1), weight.to(dtype)


def resample_matrix(
    in_size: int,
    out_size: int,
    mode: str = "linear",
    align_corners: Optional[bool] = None,
    scale: Optional[float] = None,
    antialias: bool = False,
    *,
    dtype: torch.dtype = torch.float64,
    device: Optional[torch.device] = None,
) -> Tensor:
    r"""The :math:`(n_\text{out} \times n_\text{in})` matrix of 1-D interpolation: along one axis, ``y = x @ M.T``.

    :math:`M_{ij} = \sum_k w_{ik} [j_{ik} = j]` from :func:`resample_taps`. Rows of
    the interpolating modes sum to 1 (constants are preserved); ``nearest`` rows
    are one-hot; ``area`` rows are a normalized box. Its transpose :math:`M^\top`
    is the adjoint of the resize: what the backward pass and a transposed
    convolution apply.

    This is a dense matrix for study and plots; :func:`interpolate` applies the
    taps directly.

    Args:
        in_size (int): number of input samples.
        out_size (int): number of output samples.
        mode (str): ``'nearest'`` | ``'nearest-exact'`` | ``'linear'`` (or ``'bilinear'``,
            ``'trilinear'``) | ``'cubic'`` (or ``'bicubic'``) | ``'area'`` | ``'lanczos'``.
        align_corners (bool, optional): corner rule (interpolating modes).
        scale (float, optional): the ``scale_factor`` passed to ``interpolate``
            without ``recompute_scale_factor``, which sets :math:`s = 1/\text{scale}`.
        antialias (bool): stretch the kernel when downsampling.
        dtype (torch.dtype): dtype of the matrix.
        device (torch.device, optional): where it lives.

    Shape:
        - Output: :math:`(n_\text{out}, n_\text{in})`

    Examples::

        >>> resample_matrix(2, 4)
        tensor([[1.0000, 0.0000],
                [0.7500, 0.2500],
                [0.2500, 0.7500],
                [0.0000, 1.0000]], dtype=torch.float64)
    """
    index, weight = resample_taps(
        in_size, out_size, mode, align_corners, scale, antialias, dtype=dtype, device=device)
    m = torch.zeros(out_size, in_size, dtype=dtype, device=device)
    return m.scatter_add_(1, index, weight)


def interpolate_output_size(
    in_sizes: Sequence[int],
    size: Optional[Union[int, Sequence[int]]] = None,
    scale_factor: Optional[Union[float, Sequence[float]]] = None,
) -> list[int]:
    r"""Output spatial size of ``interpolate``: ``size``, or :math:`\lfloor n_\text{in} \cdot \text{scale\_factor} \rfloor`.

    The product is taken in float64 and truncated, so ``scale_factor=0.3`` on 10
    samples gives 3, but ``0.29`` on 100 gives 28 (100 * 0.29 = 28.999999999999996).

    Args:
        in_sizes (sequence of int): the input's spatial sizes.
        size (int or sequence of int, optional): the requested size.
        scale_factor (float or sequence of float, optional): the multiplier.

    Examples::

        >>> interpolate_output_size([10, 100], scale_factor=(0.3, 0.29))
        [3, 28]
    """
    dim = len(in_sizes)
    if size is not None:
        return list(size) if isinstance(size, (list, tuple)) else [size] * dim
    factors = list(scale_factor) if isinstance(scale_factor, (list, tuple)) else [scale_factor] * dim
    return [int(math.floor(float(n) * float(f))) for n, f in zip(in_sizes, factors)]


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _validate(
    input: Tensor,
    size, scale_factor, mode: str, align_corners, recompute_scale_factor, antialias: bool,
) -> tuple[list[int], Optional[list[float]], bool]:
    """Check the arguments like torch does; return (output size, scales for the kernels, align_corners)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate: input must be a Tensor, got {type(input).__name__}")
    if mode not in MODES:
        raise NotImplementedError(
            f"interpolate: unknown mode {mode!r}; allowed: {', '.join(repr(m) for m in MODES)}")
    if mode in _NON_INTERPOLATING:
        if align_corners is not None:
            raise ValueError(
                f"interpolate: align_corners={align_corners!r} was given with mode={mode!r}; align_corners "
                "can only be set with the interpolating modes linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError(
            f"interpolate: give only one of size and scale_factor, got size={size!r} and scale_factor={scale_factor!r}")
    if size is None and scale_factor is None:
        raise ValueError("interpolate: either size or scale_factor must be given, got neither")
    if input.dim() not in (3, 4, 5):
        raise NotImplementedError(
            f"interpolate: only 3-D, 4-D and 5-D inputs (N, C, *spatial) are supported, got a "
            f"{input.dim()}-D tensor of shape {tuple(input.shape)} (mode={mode!r})")
    scales: Optional[list[float]] = None
    if size is not None:
        sizes = list(size) if isinstance(size, (list, tuple)) else [size] * dim
        if len(sizes) != dim:
            raise ValueError(
                f"interpolate: size={size!r} has {len(sizes)} entries but the input has {dim} spatial "
                f"dimensions {spatial}; give an int or a tuple of {dim} ints")
        if not all(_is_int(v) for v in sizes):
            raise TypeError(f"interpolate: size must be an int or a tuple of {dim} ints, got {size!r}")
        if recompute_scale_factor:
            raise ValueError(
                f"interpolate: recompute_scale_factor=True is not meaningful with an explicit size (size={size!r})")
    else:
        factors = list(scale_factor) if isinstance(scale_factor, (list, tuple)) else [scale_factor] * dim
        if len(factors) != dim:
            raise ValueError(
                f"interpolate: scale_factor={scale_factor!r} has {len(factors)} entries but the input has "
                f"{dim} spatial dimensions {spatial}; give a float or a tuple of {dim} floats")
        if not all(isinstance(f, (int, float)) and not isinstance(f, bool) for f in factors):
            raise TypeError(f"interpolate: scale_factor must be a float or a tuple of {dim} floats, got {scale_factor!r}")
        bad = [f for f in factors if not f > 0 or math.isinf(f)]
        if bad:
            raise ValueError(f"interpolate: scale_factor must be positive and finite, got {scale_factor!r}")
        sizes = interpolate_output_size(spatial, scale_factor=factors)
        if not (recompute_scale_factor or mode == "area"):  # area always recomputes
            scales = [float(f) for f in factors]
    if antialias and not (mode in _ANTIALIAS_MODES and input.dim() == 4):
        raise ValueError(
            f"interpolate: antialias=True was given with mode={mode!r} and a {input.dim()}-D input; it is "
            "only supported by the bilinear, bicubic and lanczos modes, with a 4-D input")
    if input.dim() not in MODES[mode]:
        ranks = " or ".join(f"{r}-D" for r in MODES[mode])
        raise NotImplementedError(
            f"interpolate: mode={mode!r} needs a {ranks} input, got a {input.dim()}-D tensor of shape {tuple(input.shape)}")
    if mode == "lanczos":
        if align_corners:
            raise ValueError("interpolate: mode='lanczos' does not support align_corners=True")
        if not antialias:
            raise ValueError("interpolate: mode='lanczos' requires antialias=True, got antialias=False")
    # area (adaptive average pooling) alone accepts an empty output
    if min(spatial) <= 0 or min(sizes) < (0 if mode == "area" else 1):
        raise ValueError(
            f"interpolate: input and output sizes must be positive, got input spatial size {spatial} "
            f"and output size {sizes}" + ("" if size is not None else f" (from scale_factor={scale_factor!r})"))
    if not input.is_floating_point() and not (
        input.dtype == torch.uint8 and mode in ("nearest", "nearest-exact", "bilinear", "bicubic")
    ):
        raise NotImplementedError(
            f"interpolate: mode={mode!r} is not implemented for dtype {input.dtype}; besides floating types, "
            "torch supports only uint8, with the nearest, nearest-exact, bilinear and bicubic modes")
    return sizes, scales, align_corners


def _apply_axis(x: Tensor, dim: int, index: Tensor, weight: Tensor) -> Tensor:
    """Resample ``x`` along ``dim``: ``out[..., i, ...] = sum_k weight[i, k] * x[..., index[i, k], ...]``.

    One gather per tap and a fused multiply-add; taps whose weight is zero for
    every output sample (padding) are skipped.
    """
    last = dim == x.dim() - 1
    keep = (weight != 0).any(0)
    if not bool(keep.all()) and bool(keep.any()):
        index, weight = index[:, keep], weight[:, keep]
    shape = [1] * x.dim()
    shape[dim] = -1
    out_shape = list(x.shape)
    out_shape[dim] = index.shape[0]

    def take(idx: Tensor) -> Tensor:
        if last:  # gather is much faster than index_select along the innermost axis
            return torch.gather(x, dim, idx.expand(out_shape))
        return x.index_select(dim, idx)

    if index.shape[1] == 1 and bool((weight == 1).all()):
        return take(index[:, 0].reshape(shape) if last else index[:, 0])
    out = None
    for k in range(index.shape[1]):
        w = weight[:, k].reshape(shape)
        g = take(index[:, k].reshape(shape) if last else index[:, k])
        out = g.mul_(w) if out is None else out.addcmul_(g, w)
    return out


# ---------------------------------------------------------------------------
# Making it fast. Everything above is the arithmetic; what follows applies the
# same taps and weights with fewer, cheaper tensor operations:
#
# * the per-axis tables are built once per configuration and cached
#   (:func:`_axis_plan`): building them takes a dozen small tensor operations,
#   more time than a whole small resize;
# * where the taps repeat regularly, as they do for integer scale factors, a tap
#   is a *strided view* of the input instead of a gather (:class:`_Lattice`);
# * ``nearest`` with integer factors is slicing and broadcasting
#   (:func:`_nearest_by_views`).
# ---------------------------------------------------------------------------


class _Lattice(NamedTuple):
    r"""Taps that repeat with period :math:`P` along the output and stride :math:`Q` along the input.

    Write output sample :math:`i = P m + p` (block :math:`m`, phase :math:`p`). For the
    blocks :math:`lo \le m < hi`, tap :math:`k` of phase :math:`p` reads input sample
    :math:`Q m + o_{pk}` with weight :math:`w_{pk}`, both independent of :math:`m`. So
    one phase of the output is :math:`\sum_k w_{pk}\, x[o_{pk} + Q m]`: a weighted sum
    of strided *views* of the input, with scalar weights and no index tensor.
    Upsampling by an integer :math:`r` has :math:`P = r, Q = 1`; downsampling by
    :math:`r` has :math:`P = 1, Q = r`.

    Near the edges the taps change (indices are clamped, kernels cut and
    renormalized). Those output samples (``edge_rows``) are gathered as usual,
    unless ``pad`` is set: then the input is first extended by ``pad[0]`` and
    ``pad[1]`` copies of its edge samples, which turns clamped indices into
    ordinary ones, and the lattice covers the blocks whose taps differ from the
    regular ones only by that clamping.
    """

    period: int
    stride: int
    lo: int
    hi: int
    taps: tuple[tuple[tuple[int, float], ...], ...]  # per phase: (offset o, weight w) of each nonzero tap
    pad: tuple[int, int]
    edge_rows: Tensor  # output samples outside blocks [lo, hi), and their taps
    edge_index: Tensor
    edge_weight: Tensor


class _AxisPlan(NamedTuple):
    """One axis's taps, without the taps that are zero in every row, and their lattices if they have one."""

    index: Tensor
    weight: Tensor
    lattice: Optional[_Lattice]  # edges gathered
    padded: Optional[_Lattice]  # edges from a padded input, where that covers more rows


def _find_lattice(index: Tensor, weight: Tensor, max_period: int = 8, min_blocks: int = 4) -> Optional[_Lattice]:
    r"""The :class:`_Lattice` of a tap table, if it has one covering at least half of its blocks.

    Tries periods :math:`P = 1, 2, \dots`; takes the stride and the taps of the
    middle block and grows the run of blocks that repeat them *exactly* (same
    indices shifted by :math:`Q m`, bitwise equal weights), so the lattice holds
    the table's own numbers.
    """
    n_out, k = index.shape
    for period in range(1, max_period + 1):
        blocks = n_out // period
        if blocks < min_blocks:
            break
        if n_out % period:
            continue
        idx, w = index.reshape(blocks, period, k), weight.reshape(blocks, period, k)
        mid = blocks // 2
        stride = int(idx[mid, 0, 0] - idx[mid - 1, 0, 0])
        if stride < 1:
            continue
        offset = idx[mid] - stride * mid  # (period, k)
        m = torch.arange(blocks, device=index.device)[:, None, None]
        regular = ((idx == offset + stride * m) & (w == w[mid])).flatten(1).all(1).tolist()
        if not regular[mid]:
            continue
        lo, hi = mid, mid + 1
        while lo > 0 and regular[lo - 1]:
            lo -= 1
        while hi < blocks and regular[hi]:
            hi += 1
        if 2 * (hi - lo) < blocks:
            continue
        taps = tuple(
            tuple((o, v) for o, v in zip(offset[p].tolist(), w[mid, p].tolist()) if v != 0)
            for p in range(period))
        if not all(taps):
            continue  # a phase of zeros: leave that to the gather
        return _with_blocks(period, stride, lo, hi, taps, (0, 0), index, weight)
    return None


def _with_blocks(period: int, stride: int, lo: int, hi: int, taps, pad: tuple[int, int],
                 index: Tensor, weight: Tensor) -> _Lattice:
    n_out = index.shape[0]
    edge_rows = torch.cat([torch.arange(0, lo * period), torch.arange(hi * period, n_out)]).to(index.device)
    return _Lattice(period, stride, lo, hi, taps, pad, edge_rows, index[edge_rows], weight[edge_rows])


def _pad_lattice(lat: _Lattice, index: Tensor, weight: Tensor, n_in: int) -> Optional[_Lattice]:
    """Extend ``lat`` over the edge blocks whose taps are its own with indices clamped to ``[0, n_in)``.

    A row matches if, summing the weights that land on each input sample, it is
    the lattice's row with clamped indices (to a few units in the last place:
    ``linear`` puts weight 1 on sample 0 where the lattice puts 0.25 and 0.75 on
    samples -1 and 0). Returns None if no edge block matches.
    """
    tol = 4 * torch.finfo(weight.dtype).eps

    def matches(m: int) -> bool:
        for p, taps in enumerate(lat.taps):
            want: dict[int, float] = {}
            for o, v in taps:
                j = min(max(lat.stride * m + o, 0), n_in - 1)
                want[j] = want.get(j, 0.0) + v
            have: dict[int, float] = {}
            for j, v in zip(index[lat.period * m + p].tolist(), weight[lat.period * m + p].tolist()):
                have[j] = have.get(j, 0.0) + v
            if any(abs(want.get(j, 0.0) - have.get(j, 0.0)) > tol for j in want.keys() | have.keys()):
                return False
        return True

    lo, hi = lat.lo, lat.hi
    while lo > 0 and matches(lo - 1):
        lo -= 1
    while hi < index.shape[0] // lat.period and matches(hi):
        hi += 1
    if (lo, hi) == (lat.lo, lat.hi):
        return None
    offsets = [o for taps in lat.taps for o, _ in taps]
    pad = (max(0, -(lat.stride * lo + min(offsets))), max(0, lat.stride * (hi - 1) + max(offsets) - (n_in - 1)))
    return _with_blocks(lat.period, lat.stride, lo, hi, lat.taps, pad, index, weight)


@functools.lru_cache(maxsize=256)
def _axis_plan(
    n_in: int, n_out: int, kind: str, align_corners: Optional[bool], scale: Optional[float], antialias: bool,
    weight_dtype: torch.dtype, coord_dtype: torch.dtype, legacy_2d: bool, device: torch.device,
) -> Optional[_AxisPlan]:
    """The taps of one axis of :func:`interpolate`, or None if the axis is left unchanged.

    Cached: the tables depend only on these arguments, and their users never
    modify them.
    """
    if kind in ("nearest", "nearest-exact"):
        index = _nearest_index(n_in, n_out, kind == "nearest-exact", scale, coord_dtype, device, legacy_2d)[:, None]
        weight = torch.ones(index.shape, dtype=weight_dtype, device=device)
    else:
        index, weight = resample_taps(n_in, n_out, kind, align_corners, scale, antialias,
                                      dtype=weight_dtype, device=device)
    if n_in == n_out and index.shape[1] == 1 and bool((index[:, 0] == torch.arange(n_in, device=device)).all()):
        return None  # identity along this axis
    keep = (weight != 0).any(0)
    if bool(keep.any()) and not bool(keep.all()):
        index, weight = index[:, keep], weight[:, keep]
    lattice = _find_lattice(index, weight)
    padded = None if lattice is None else _pad_lattice(lattice, index, weight, n_in)
    return _AxisPlan(index, weight, lattice, padded)


def _strided(x: Tensor, dim: int, start: int, stride: int, count: int) -> Tensor:
    """The view ``x[..., start + stride * m, ...]`` for ``m = 0, ..., count - 1`` along ``dim``."""
    return x[(slice(None),) * dim + (slice(start, start + stride * (count - 1) + 1, stride),)]


def _apply_lattice(x: Tensor, dim: int, lat: _Lattice, n_out: int) -> Tensor:
    """:func:`_apply_axis` for taps on a :class:`_Lattice`: weighted sums of strided views, phase by phase.

    May return a view of ``x`` (period 1, one tap of weight 1: plain subsampling).
    """
    source = x
    if any(lat.pad):  # replicate the edge samples: clamped indices become ordinary ones
        left, right = (x.narrow(dim, i, 1).expand(*x.shape[:dim], n, *x.shape[dim + 1:])
                       for i, n in ((0, lat.pad[0]), (-1, lat.pad[1])))
        source = torch.cat([left, x, right], dim)
    start, count = lat.pad[0] + lat.stride * lat.lo, lat.hi - lat.lo
    # out= cannot record a gradient; where none is needed it saves a copy into the (strided) output
    use_out = not (torch.is_grad_enabled() and x.requires_grad)

    def phase(taps: tuple[tuple[int, float], ...], dst: Optional[Tensor]) -> Tensor:
        """sum_k w_k * x[start + o_k + stride * m], written into ``dst`` when given."""
        views = [(_strided(source, dim, start + o, lat.stride, count), w) for o, w in taps]
        if len(views) == 1 and views[0][1] == 1:
            return views[0][0] if dst is None else dst.copy_(views[0][0])
        if dst is not None and use_out and dim != x.dim() - 1:
            # dst's rows are contiguous: accumulate in place, without a temporary as large as dst
            torch.mul(views[0][0], views[0][1], out=dst)
            for view, w in views[1:]:
                dst.add_(view, alpha=w)
            return dst
        acc = views[0][0] * views[0][1]
        for view, w in views[1:-1]:
            acc.add_(view, alpha=w)
        if len(views) > 1 and dst is not None and use_out:
            return torch.add(acc, views[-1][0], alpha=views[-1][1], out=dst)
        if len(views) > 1:
            acc.add_(views[-1][0], alpha=views[-1][1])
        return acc if dst is None else dst.copy_(acc)

    if lat.period == 1 and lat.edge_rows.numel() == 0:
        return phase(lat.taps[0], None)
    shape = list(x.shape)
    shape[dim] = n_out
    out = x.new_empty(shape)
    blocks = out.unflatten(dim, (n_out // lat.period, lat.period)).narrow(dim, lat.lo, count)
    for p, taps in enumerate(lat.taps):
        phase(taps, blocks.select(dim + 1, p))
    if lat.edge_rows.numel():
        # gathering along the innermost axis is slow when the gathered rows are short: gather the
        # edge samples along the first axis of a transposed view instead
        edges = _apply_axis(x.movedim(dim, 0), 0, lat.edge_index, lat.edge_weight).movedim(0, dim)
        out.index_copy_(dim, lat.edge_rows, edges)
    return out


def _nearest_by_views(x: Tensor, plans: list[Optional[_AxisPlan]], sizes: list[int]) -> Optional[Tensor]:
    """``nearest`` when every axis repeats or subsamples by an integer factor: views and one copy.

    Along an axis whose lattice has one offset :math:`o` for all its :math:`P` phases
    and no edge samples, output :math:`P m + p` is input :math:`o + Q m`: slice with
    step :math:`Q`, then repeat each sample :math:`P` times by broadcasting a new axis
    of length :math:`P`, merged with the sliced one by the final ``reshape``. The
    innermost axis is repeated by a gather first: copying a broadcast innermost
    axis is slow. Returns None if some axis is not of this form.
    """
    lattices = {}
    for a, plan in enumerate(plans):
        if plan is None:
            continue
        lat = plan.lattice
        if lat is None or lat.edge_rows.numel() or len(set(lat.taps)) != 1:
            return None
        lattices[a] = lat
    v, last = x, len(plans) - 1
    if last in lattices and lattices[last].period > 1:
        v = _apply_axis(v, last + 2, plans[last].index, plans[last].weight)
        del lattices[last]
    for a in sorted(lattices, reverse=True):  # last axis first, so earlier axes keep their positions
        lat, dim = lattices[a], a + 2
        ((offset, _),) = lat.taps[0]
        v = _strided(v, dim, offset, lat.stride, lat.hi)
        if lat.period > 1:
            v = v.unsqueeze(dim + 1).expand(*v.shape[:dim + 1], lat.period, *v.shape[dim + 1:])
    return v.reshape(*x.shape[:2], *sizes)


def _apply_plan(x: Tensor, dim: int, plan: _AxisPlan, n_out: int) -> Tensor:
    """One pass: a lattice of strided views if the taps have one, else :func:`_apply_axis`.

    Padding the input costs a copy of it, which only pays along the innermost
    axis, where gathering the edge samples is slow.
    """
    if plan.padded is not None and dim == x.dim() - 1:
        return _apply_lattice(x, dim, plan.padded, n_out)
    if plan.lattice is not None:
        return _apply_lattice(x, dim, plan.lattice, n_out)
    return _apply_axis(x, dim, plan.index, plan.weight)


def _axis_order(n_in: list[int], n_out: list[int], taps: list[int], gathered: list[bool]) -> list[int]:
    """Order of the passes that moves the fewest elements.

    A pass over axis ``a`` writes ``taps[a]`` weighted copies of the current
    tensor with that axis resized; gathering along the innermost axis costs a
    few times more per element than copying whole rows along an outer axis
    (strided views, :class:`_Lattice`, less so).
    """
    best, best_cost = None, math.inf
    last = len(n_in) - 1
    for perm in itertools.permutations(range(len(n_in))):
        sizes, cost = list(n_in), 0.0
        for a in perm:
            sizes[a] = n_out[a]
            cost += math.prod(sizes) * taps[a] * ((4.0 if gathered[a] else 2.0) if a == last else 1.0)
        if cost < best_cost:
            best, best_cost = list(perm), cost
    return best


def _interpolate_uint8(x: Tensor, sizes: list[int], kind: str, align_corners: bool,
                       scales: Optional[list[float]], antialias: bool) -> Tensor:
    r"""torch's uint8 path for bilinear/bicubic: separable passes (width, then height) in fixed point.

    Weights are computed in float64, scaled by :math:`2^p` and rounded to integers,
    with the largest precision :math:`p < 22` that keeps them below :math:`2^{15}`;
    each pass computes :math:`\lfloor (\sum_k w_k x_k + 2^{p-1}) / 2^p \rfloor`, clamped
    to [0, 255] and stored as uint8 before the next pass. Axes whose size does
    not change are skipped.
    """
    for a in reversed(range(len(sizes))):
        n = x.shape[a + 2]
        if n == sizes[a]:
            continue
        # taps that clamp to the same edge sample are merged first, as torch does
        m = resample_matrix(n, sizes[a], kind, align_corners, None if scales is None else scales[a],
                            antialias, dtype=torch.float64, device=x.device)
        cols = torch.arange(n, device=x.device)
        nonzero = m != 0
        first = torch.where(nonzero, cols, n).amin(1).clamp_max(n - 1)
        last = torch.where(nonzero, cols, -1).amax(1)
        k = torch.arange(max(int((last - first).max()) + 1, 1), device=x.device)
        index = first[:, None] + k
        weight = torch.where(index < n, m.gather(1, index.clamp_max(n - 1)), 0.0)
        index = index.clamp_max(n - 1)
        wt_max = float(weight.max())
        p = 0
        while p < 22 and int(0.5 + wt_max * (1 << (p + 1))) < (1 << 15):
            p += 1
        v = weight * (1 << p)
        w_int = torch.where(v < 0, v - 0.5, v + 0.5).trunc().to(torch.int64)
        acc = _apply_axis(x.to(torch.int64), a + 2, index, w_int)
        x = ((acc + (1 << (p - 1))) >> p).clamp(0, 255).to(torch.uint8)
    return x


def interpolate(
    input: Tensor,
    size: Optional[Union[int, Sequence[int]]] = None,
    scale_factor: Optional[Union[float, Sequence[float]]] = None,
    mode: str = "nearest",
    align_corners: Optional[bool] = None,
    recompute_scale_factor: Optional[bool] = None,
    antialias: bool = False,
) -> Tensor:
    r"""Resize ``input`` to ``size`` or by ``scale_factor``, like ``torch.nn.functional.interpolate``.

    Each spatial axis is resampled in turn by :func:`resample_taps`' indices and
    weights (gather a few taps, weighted sum); see the module docstring for the
    rule of every mode. (For speed, the tables are cached, and where they repeat
    regularly, as for integer scale factors, the taps are read as strided views
    instead of gathered: see ``_Lattice``.) Output size per axis:
    :math:`n_\text{out} = \text{size}` or :math:`\lfloor n_\text{in} \cdot \text{scale\_factor} \rfloor`.

    Args:
        input (Tensor): a 3-D :math:`(N, C, W)`, 4-D :math:`(N, C, H, W)` or 5-D
            :math:`(N, C, D, H, W)` tensor.
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
        - Output: :math:`(N, C, *S_\text{out})`, same dtype and device

    Examples::

        >>> x = torch.tensor([[[0.0, 1.0, 2.0, 3.0]]])
        >>> interpolate(x, scale_factor=2, mode="linear")
        tensor([[[0.0000, 0.2500, 0.7500, 1.2500, 1.7500, 2.2500, 2.7500, 3.0000]]])
        >>> interpolate(x, size=2, mode="area")
        tensor([[[0.5000, 2.5000]]])
    """
    sizes, scales, align_corners = _validate(
        input, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias)
    kind = _AXIS_KIND[mode]
    in_dtype = input.dtype
    if min(sizes) == 0:
        return input.new_empty((*input.shape[:2], *sizes))
    if kind in ("nearest", "nearest-exact"):
        work_dtype = in_dtype  # pure gathers: any dtype
    else:
        work_dtype = in_dtype if in_dtype in (torch.float32, torch.float64) else torch.float32
    weight_dtype = work_dtype if work_dtype.is_floating_point else torch.float32
    if in_dtype == torch.uint8 and kind in ("linear", "cubic"):
        out = _interpolate_uint8(input, sizes, kind, align_corners, scales, antialias)
        return out.clone() if out is input else out
    x = input.to(work_dtype)
    n_in = list(input.shape[2:])
    nearest = kind in ("nearest", "nearest-exact")
    plans = [
        _axis_plan(n_in[a], sizes[a], kind, align_corners, None if scales is None else scales[a], antialias,
                   weight_dtype, _opmath(in_dtype), nearest and input.dim() == 4, input.device)
        for a in range(len(sizes))]
    out = _nearest_by_views(x, plans, sizes) if nearest else None
    if out is None:
        out = x
        taps = [0 if p is None else p.index.shape[1] for p in plans]
        gathered = [p is not None and p.lattice is None for p in plans]
        for a in _axis_order(n_in, sizes, taps, gathered):
            if plans[a] is not None:
                out = _apply_plan(out, a + 2, plans[a], sizes[a])
    if out.untyped_storage().data_ptr() == input.untyped_storage().data_ptr():
        out = out.clone(memory_format=torch.contiguous_format)  # a new tensor, never a view of the input
    return out.to(in_dtype)  # float16 / bfloat16 are computed in float32
