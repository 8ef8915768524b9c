r"""The fast engine behind :func:`~resample_lib.functional.interpolation.interpolate`.

:func:`~resample_lib.functional.interpolation.interpolate_reference` multiplies
each axis by a dense :math:`(n_\text{out} \times n_\text{in})` matrix. This module
applies the same taps and weights (:func:`~resample_lib.functional.interpolation.resample_taps`)
with fewer, cheaper tensor operations:

* the per-axis tables are built once per configuration and device and cached
  (:func:`_axis_plan`): building them takes a dozen small tensor operations,
  more time than a whole small resize;
* a table is applied as a few gathers and multiply-adds, never as a dense
  matrix, and where its taps repeat regularly, as they do for integer scale
  factors, a tap is a *strided view* of the input instead of a gather
  (:mod:`~resample_lib.functional._interpolation_lattice`);
* ``nearest`` with integer factors is slicing and broadcasting
  (:func:`_nearest_by_views`);
* integer downsampling whose taps cover only part of each step reads just
  those samples, through ``unfold`` windows (:func:`_downsample_by_windows`);
* otherwise the axes are resized one pass each, in the order that moves the
  fewest elements (:func:`_axis_order`).

``uint8`` bilinear and bicubic go to :mod:`~resample_lib.functional._interpolation_uint8`.

Tested by ``tests/test_interpolation.py``, always under ``forbid_torch_ops("resize")``:
``interpolate`` against torch on hundreds of small random configurations, and
against ``interpolate_reference`` on larger ones with integer and non-integer
factors; ``test_fast_path_is_taken_and_matches_reference`` reaches every path
here by a case built for it and checks that it was taken; gradients are checked
against torch's at sizes where these paths run (they write with ``out=`` only
when no gradient is recorded).
"""
from __future__ import annotations

import functools
import itertools
import math
from typing import NamedTuple, Optional

import torch
from torch import Tensor

from resample_lib.functional._interpolation_lattice import (
    Lattice, Taps, apply_lattice, apply_taps, find_lattice, pad_lattice, prepare_taps, strided, weighted_sum)
from resample_lib.functional._interpolation_uint8 import resize_uint8
from resample_lib.functional._validate import opmath_dtype


class _AxisPlan(NamedTuple):
    """One axis's taps and their lattices if they have one."""

    taps: Taps
    lattice: Optional[Lattice]  # edges gathered
    padded: Optional[Lattice]  # edges from a padded input, where that covers more rows


@functools.lru_cache(maxsize=256)
def _axis_plan(
    n_in: int, n_out: int, kind: str, align_corners: Optional[bool], scale: Optional[float], antialias: bool,
    weight_dtype: torch.dtype, coord_dtype: torch.dtype, legacy_2d: bool, device: torch.device,
) -> Optional[_AxisPlan]:
    """The taps of one axis of ``interpolate``, or None if the axis is left unchanged.

    Cached, with the device in the key: the tables depend only on these
    arguments, and their users never modify them.
    """
    from resample_lib.functional.interpolation import _nearest_index, resample_taps  # (it imports this module)

    if kind in ("nearest", "nearest-exact"):
        index = _nearest_index(n_in, n_out, kind == "nearest-exact", scale, coord_dtype, device, legacy_2d)[:, None]
        weight = torch.ones(index.shape, dtype=weight_dtype, device=device)
    else:
        index, weight = resample_taps(n_in, n_out, kind, align_corners, scale, antialias,
                                      dtype=weight_dtype, device=device)
    if n_in == n_out and index.shape[1] == 1 and bool((index[:, 0] == torch.arange(n_in, device=device)).all()):
        return None  # identity along this axis
    taps = prepare_taps(index, weight)
    lattice = find_lattice(taps.index, taps.weight)
    padded = None if lattice is None else pad_lattice(lattice, taps.index, taps.weight, n_in)
    return _AxisPlan(taps, lattice, padded)


def _apply_plan(x: Tensor, dim: int, plan: _AxisPlan, n_out: int) -> Tensor:
    """One pass: a lattice of strided views if the taps have one, else gathers (:func:`apply_taps`).

    Padding the input costs a copy of it, which only pays along the innermost
    axis, where gathering the edge samples is slow.
    """
    if plan.padded is not None and dim == x.dim() - 1:
        return apply_lattice(x, dim, plan.padded, n_out)
    if plan.lattice is not None:
        return apply_lattice(x, dim, plan.lattice, n_out)
    return apply_taps(x, dim, plan.taps)


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
        v = apply_taps(v, last + 2, plans[last].taps)
        del lattices[last]
    for a in sorted(lattices, reverse=True):  # last axis first, so earlier axes keep their positions
        lat, dim = lattices[a], a + 2
        ((offset, _),) = lat.taps[0]
        v = strided(v, dim, offset, lat.stride, lat.hi)
        if lat.period > 1:
            v = v.unsqueeze(dim + 1).expand(*v.shape[:dim + 1], lat.period, *v.shape[dim + 1:])
    return v.reshape(*x.shape[:2], *sizes)


def _downsample_by_windows(x: Tensor, plans: list[Optional[_AxisPlan]], sizes: list[int]) -> Optional[Tensor]:
    r"""Integer downsampling along every resized axis, reading only the samples the taps touch.

    Along an axis whose lattice has period 1 (output :math:`m` reads inputs
    :math:`Q m + o_k`) and no edge samples, the taps of output :math:`m` lie in a
    window of :math:`w = \max_k o_k - \min_k o_k + 1` samples. Where :math:`w < Q`
    on every resized axis, ``unfold`` views the windows of all axes at once (no
    copy), and each window axis is then summed with the lattice's weights, the
    innermost first. Separable passes would read the whole input in the first
    pass; this reads a fraction :math:`w/Q` of it per axis (trilinear by 1/4:
    1/8 of it). Returns None if some axis is not of this form.
    """
    windows = {}  # axis -> (lattice, first offset, window length)
    for a, plan in enumerate(plans):
        if plan is None:
            continue
        lat = plan.lattice
        if lat is None or lat.period != 1 or lat.edge_rows.numel():
            return None
        offsets = [o for o, _ in lat.taps[0]]
        if max(offsets) - min(offsets) + 1 >= lat.stride:
            return None  # windows that cover the whole input: separable passes are faster
        windows[a] = (lat, min(offsets), max(offsets) - min(offsets) + 1)
    v = x
    for a, (lat, first, span) in windows.items():  # each unfold appends its window axis at the end
        v = v.narrow(a + 2, first, v.shape[a + 2] - first).unfold(a + 2, span, lat.stride).narrow(a + 2, 0, sizes[a])
    for lat, first, _ in reversed(list(windows.values())):  # sum the last window axis first
        v = weighted_sum([(v.select(-1, o - first), w) for o, w in lat.taps[0]])
    return v


@functools.lru_cache(maxsize=256)
def _axis_order(n_in: tuple[int, ...], n_out: tuple[int, ...], taps: tuple[int, ...],
                gathered: tuple[bool, ...]) -> list[int]:
    """Order of the passes that moves the fewest elements (cached: trying every order costs a few microseconds).

    A pass over axis ``a`` writes ``taps[a]`` weighted copies of the current
    tensor with that axis resized; gathering along the innermost axis costs a
    few times more per element than copying whole rows along an outer axis
    (strided views, :class:`Lattice`, less so).
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


def resize(input: Tensor, sizes: list[int], kind: str, align_corners: bool,
           scales: Optional[list[float]], antialias: bool) -> Tensor:
    """``interpolate`` on validated arguments: the output sizes, the per-axis rule and the kernels' scales."""
    in_dtype = input.dtype
    if min(sizes) == 0:
        return input.new_empty((*input.shape[:2], *sizes))
    if in_dtype == torch.uint8 and kind in ("linear", "cubic"):
        out = resize_uint8(input, sizes, kind, align_corners, scales, antialias)
        return out.clone() if out is input else out
    nearest = kind in ("nearest", "nearest-exact")
    # nearest is pure gathers, in any dtype; the others compute in float32 unless the input is float64
    work_dtype = in_dtype if nearest or in_dtype in (torch.float32, torch.float64) else torch.float32
    weight_dtype = work_dtype if work_dtype.is_floating_point else torch.float32
    x = input.to(work_dtype)
    n_in = list(input.shape[2:])
    plans = [
        _axis_plan(n_in[a], sizes[a], kind, align_corners, None if scales is None else scales[a], antialias,
                   weight_dtype, opmath_dtype(in_dtype), nearest and input.dim() == 4, input.device)
        for a in range(len(sizes))]
    out = _nearest_by_views(x, plans, sizes) if nearest else _downsample_by_windows(x, plans, sizes)
    if out is None:
        out = x
        taps = tuple(0 if p is None else p.taps.index.shape[1] for p in plans)
        gathered = tuple(p is not None and p.lattice is None for p in plans)
        for a in _axis_order(tuple(n_in), tuple(sizes), taps, gathered):
            if plans[a] is not None:
                out = _apply_plan(out, a + 2, plans[a], sizes[a])
    if out.untyped_storage().data_ptr() == input.untyped_storage().data_ptr():
        out = out.clone(memory_format=torch.contiguous_format)  # a new tensor, never a view of the input
    return out.to(in_dtype)  # float16 / bfloat16 are computed in float32
