r"""One resampling pass along one axis, fast: gathered taps, or a lattice of strided views.

:func:`~resample_lib.functional.interpolation.interpolate_reference` resizes an
axis with a dense matrix product. Here a tap table (``index``, ``weight``, one
row per output sample) is applied without one:

* :func:`apply_taps` gathers each tap column and accumulates ``weight * tap``
  (:func:`prepare_taps` analyses the table once, for the cache);
* where the table repeats regularly along the output, as it does for integer
  scale factors, :func:`find_lattice` finds the period and stride of the
  repetition (:class:`Lattice`) and :func:`apply_lattice` reads every tap as a
  *strided view* of the input with a scalar weight: no index tensor, no
  gather, whole rows copied at a time.

Two taps whose weights sum to 1 are one ``torch.lerp``, in both, so an output
row gets the same bits whether it is gathered (an edge row) or read from the
lattice (an inner row): upsampling a crop then equals cropping the upsampled
image exactly, as chapter 01 prints.

Tested by ``tests/test_interpolation.py`` through ``interpolate``, against the
reference and torch (integer and non-integer factors, up and down, edges that
are gathered or read from a padded input), and directly on tables built to have
or not have a lattice.
"""
from __future__ import annotations

from typing import NamedTuple, Optional

import torch
from torch import Tensor


class Taps(NamedTuple):
    """A tap table ready to apply: columns that are zero in every row dropped, and the rule that combines the rest.

    ``rule`` is ``"copy"`` (one tap of weight 1: a plain gather), ``"lerp"`` (two taps whose weights sum to 1
    in every row) or ``"sum"`` (anything else). Built once per table by :func:`prepare_taps`, since finding the
    rule takes a few small tensor operations, as long as a small resize.
    """

    index: Tensor  # (n_out, K) int64
    weight: Tensor  # (n_out, K)
    rule: str


def prepare_taps(index: Tensor, weight: Tensor) -> Taps:
    """The :class:`Taps` of a table ``index``, ``weight``, as
    :func:`~resample_lib.functional.interpolation.resample_taps` returns it."""
    keep = (weight != 0).any(0)
    if bool(keep.any()) and not bool(keep.all()):
        index, weight = index[:, keep], weight[:, keep]
    if index.shape[1] == 1 and bool((weight == 1).all()):
        return Taps(index, weight, "copy")
    if index.shape[1] == 2 and weight.is_floating_point() and _sum_to_one(weight[:, 0], weight[:, 1], weight.dtype):
        return Taps(index, weight, "lerp")
    return Taps(index, weight, "sum")


def apply_taps(x: Tensor, dim: int, taps: Taps) -> Tensor:
    """Resample ``x`` along ``dim``: ``out[..., i, ...] = sum_k weight[i, k] * x[..., index[i, k], ...]``.

    One gather per tap, then a fused multiply-add per tap, or one ``lerp`` for two taps whose weights sum to 1:
    the arithmetic :func:`weighted_sum` applies to the same taps on a lattice, so a row gets the same bits.
    """
    shape = [1] * x.dim()
    shape[dim] = -1
    out_shape = list(x.shape)
    out_shape[dim] = taps.index.shape[0]

    def take(k: int) -> Tensor:
        if dim == x.dim() - 1:  # gather is much faster than index_select along the innermost axis
            return torch.gather(x, dim, taps.index[:, k].reshape(shape).expand(out_shape))
        return x.index_select(dim, taps.index[:, k])

    if taps.rule == "copy":
        return take(0)
    if taps.rule == "lerp":
        return torch.lerp(take(0), take(1), taps.weight[:, 1].reshape(shape))
    out = None
    for k in range(taps.index.shape[1]):
        w = taps.weight[:, k].reshape(shape)
        out = take(k).mul_(w) if out is None else out.addcmul_(take(k), w)
    return out


class Lattice(NamedTuple):
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
    edge_rows: Tensor  # output samples outside blocks [lo, hi)
    edges: Taps  # and their taps


def find_lattice(index: Tensor, weight: Tensor, max_period: int = 8, min_blocks: int = 4) -> Optional[Lattice]:
    r"""The :class:`Lattice` of a tap table, if it has one covering at least half of its blocks.

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
                 index: Tensor, weight: Tensor) -> Lattice:
    n_out = index.shape[0]
    edge_rows = torch.cat([torch.arange(0, lo * period), torch.arange(hi * period, n_out)]).to(index.device)
    return Lattice(period, stride, lo, hi, taps, pad, edge_rows, prepare_taps(index[edge_rows], weight[edge_rows]))


def pad_lattice(lat: Lattice, index: Tensor, weight: Tensor, n_in: int) -> Optional[Lattice]:
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


def strided(x: Tensor, dim: int, start: int, stride: int, count: int) -> Tensor:
    """The view ``x[..., start + stride * m, ...]`` for ``m = 0, ..., count - 1`` along ``dim``."""
    return x[(slice(None),) * dim + (slice(start, start + stride * (count - 1) + 1, stride),)]


def _sum_to_one(w0, w1, dtype: torch.dtype) -> bool:
    """Whether two weights (numbers, or tensors of one weight per row) of ``dtype`` sum to 1 to rounding."""
    off = abs(w0 + w1 - 1) <= 4 * torch.finfo(dtype).eps
    return bool(off.all()) if isinstance(off, Tensor) else off


def weighted_sum(views: list[tuple[Tensor, float]], dst: Optional[Tensor] = None, *,
                 inner: bool = False, use_out: bool = False) -> Tensor:
    r""":math:`\sum_k w_k v_k` of same-shaped views, written into ``dst`` when given.

    Two weights that sum to 1 are one ``lerp``, :math:`v_0 + w_1 (v_1 - v_0)`: a
    single pass over memory instead of a product and a sum (equal to the sum to
    rounding). ``out=`` saves a temporary as large as the result, but records no
    gradient (``use_out``).
    """
    if len(views) == 1 and views[0][1] == 1:
        return views[0][0] if dst is None else dst.copy_(views[0][0])
    out = dst if use_out else None
    (v0, w0), rest = views[0], views[1:]
    if len(views) == 2 and _sum_to_one(w0, rest[0][1], v0.dtype):
        acc = torch.lerp(v0, rest[0][0], rest[0][1], out=out)
    elif out is not None and not inner:  # dst's rows are contiguous: accumulate in place
        acc = torch.mul(v0, w0, out=out)
        for view, w in rest:
            acc.add_(view, alpha=w)
    else:  # accumulate in a temporary; the last tap's sum is written into dst's strided rows directly
        acc = v0 * w0
        for view, w in rest[:-1]:
            acc.add_(view, alpha=w)
        if rest:
            view, w = rest[-1]
            acc = acc.add_(view, alpha=w) if out is None else torch.add(acc, view, alpha=w, out=out)
    return acc if dst is None or acc is dst else dst.copy_(acc)


def apply_lattice(x: Tensor, dim: int, lat: Lattice, n_out: int) -> Tensor:
    """:func:`apply_taps` for taps on a :class:`Lattice`: weighted sums of strided views, phase by phase.

    May return a view of ``x`` (period 1, one tap of weight 1: plain subsampling).
    """
    source = x
    if any(lat.pad):  # replicate the edge samples: clamped indices become ordinary ones
        left, right = (x.narrow(dim, i, 1).expand(*x.shape[:dim], n, *x.shape[dim + 1:])
                       for i, n in ((0, lat.pad[0]), (-1, lat.pad[1])))
        source = torch.cat([left, x, right], dim)
    start, count = lat.pad[0] + lat.stride * lat.lo, lat.hi - lat.lo
    use_out = not (torch.is_grad_enabled() and x.requires_grad)
    inner = dim == x.dim() - 1

    def views(taps: tuple[tuple[int, float], ...]) -> list[tuple[Tensor, float]]:
        return [(strided(source, dim, start + o, lat.stride, count), w) for o, w in taps]

    if lat.period == 1 and lat.edge_rows.numel() == 0:
        return weighted_sum(views(lat.taps[0]))
    shape = list(x.shape)
    shape[dim] = n_out
    out = x.new_empty(shape)
    blocks = out.unflatten(dim, (n_out // lat.period, lat.period)).narrow(dim, lat.lo, count)
    for p, taps in enumerate(lat.taps):
        weighted_sum(views(taps), blocks.select(dim + 1, p), inner=inner, use_out=use_out)
    if lat.edge_rows.numel():
        # gathering along the innermost axis is slow when the gathered rows are short: gather the
        # edge samples along the first axis of a transposed view instead
        edges = apply_taps(x.movedim(dim, 0), 0, lat.edges).movedim(0, dim)
        out.index_copy_(dim, lat.edge_rows, edges)
    return out
