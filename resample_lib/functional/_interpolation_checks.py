"""Argument checks of ``interpolate``, built from :mod:`resample_lib.functional._validate`.

:func:`check_interpolate_args` is shared by
:func:`~resample_lib.functional.interpolation.interpolate` and
:func:`~resample_lib.functional.interpolation.interpolate_reference`. It raises
what torch raises for the same mistake (``NotImplementedError`` for a mode, rank
or dtype torch has no kernel for, ``ValueError`` for a bad value, ``TypeError``
for a bad type), with a message that names the argument, the value it got and
the rule it broke, and it turns ``size`` / ``scale_factor`` into what the
kernels need: the output size and, unless recomputed, the scale factors.

Tested by ``tests/test_interpolation.py`` (``test_bad_input_is_rejected_like_torch`` and its
neighbours: every rule once, each checked to be one torch enforces too).
"""
from __future__ import annotations

import math
from typing import Optional

import torch
from torch import Tensor

from resample_lib.functional._validate import check_tensor, is_int
from resample_lib.functional.output_size import interpolate_output_size

_UINT8_MODES = ("nearest", "nearest-exact", "bilinear", "bicubic")  # torch's only integer type, and its modes


def check_interpolate_args(
    input: Tensor, size, scale_factor, mode: str, align_corners, recompute_scale_factor, antialias: bool,
) -> tuple[list[int], Optional[list[float]], Optional[bool]]:
    """Check the arguments like torch does; return the output size, the scales for the kernels (None where they
    use the sizes' ratio) and ``align_corners`` (a bool for the interpolating modes, else None)."""
    from resample_lib.functional.interpolation import MODES  # (it imports this module)

    fn, shape = "interpolate", tuple(check_tensor(input, "input", "interpolate").shape)
    if mode not in MODES:  # torch raises NotImplementedError for an unknown mode or rank
        raise NotImplementedError(f"{fn}: unknown mode {mode!r}; allowed: {', '.join(map(repr, MODES))}")
    if mode in ("nearest", "nearest-exact", "area") and align_corners is not None:
        raise ValueError(f"{fn}: align_corners={align_corners!r} was given with mode={mode!r}; align_corners "
                         "can only be set with the interpolating modes linear | bilinear | bicubic | trilinear")
    if size is not None and scale_factor is not None:
        raise ValueError(
            f"{fn}: give only one of size and scale_factor, got size={size!r} and scale_factor={scale_factor!r}")
    if size is None and scale_factor is None:
        raise ValueError(f"{fn}: either size or scale_factor must be given, got neither")
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
        raise ValueError(f"{fn}: antialias=True was given with mode={mode!r} and a {input.dim()}-D input; it is "
                         "only supported by the bilinear, bicubic and lanczos modes, with a 4-D input")
    if input.dim() not in MODES[mode]:
        ranks = " or ".join(f"{r}-D" for r in MODES[mode])
        raise NotImplementedError(f"{fn}: mode={mode!r} needs a {ranks} input (N, C, *spatial), got a "
                                  f"{input.dim()}-D tensor of shape {shape}")
    if mode == "lanczos" and (align_corners or not antialias):
        raise ValueError(f"{fn}: mode='lanczos' needs antialias=True and align_corners=False or None, "
                         f"got antialias={antialias} and align_corners={align_corners}")
    dim, spatial = input.dim() - 2, list(shape[2:])
    given, what, kind = (size, "size", "int") if size is not None else (scale_factor, "scale_factor", "float")
    values = list(given) if isinstance(given, (list, tuple)) else [given] * dim
    if len(values) != dim:
        raise ValueError(f"{fn}: {what}={given!r} has {len(values)} entries but the input has {dim} spatial "
                         f"dimensions {spatial}; give an {kind} or a tuple of {dim} {kind}s")
    if not all(is_int(v) or (kind == "float" and isinstance(v, float)) for v in values):
        raise TypeError(f"{fn}: {what} must be an {kind} or a tuple of {dim} {kind}s, got {given!r}")
    if size is not None and recompute_scale_factor:
        raise ValueError(f"{fn}: recompute_scale_factor=True is not meaningful with an explicit size (size={size!r})")
    if size is None and not all(0 < f < math.inf for f in values):
        raise ValueError(f"{fn}: scale_factor must be positive and finite, got {scale_factor!r}")
    sizes = values if size is not None else interpolate_output_size(spatial, scale_factor=values)
    # the kernels use 1/scale_factor, unless it is recomputed (area, adaptive pooling, always recomputes)
    scales = None if size is not None or recompute_scale_factor or mode == "area" else [float(f) for f in values]
    if min(spatial) <= 0 or min(sizes) < (0 if mode == "area" else 1):  # area allows an empty output
        origin = "" if size is not None else f" (from scale_factor={scale_factor!r})"
        raise ValueError(f"{fn}: input and output sizes must be positive, got input spatial size {spatial} and "
                         f"output size {sizes}{origin}")
    if not input.is_floating_point() and not (input.dtype == torch.uint8 and mode in _UINT8_MODES):
        raise NotImplementedError(f"{fn}: mode={mode!r} is not implemented for dtype {input.dtype}; besides floating "
                                  "types, torch supports only uint8, with the nearest, nearest-exact, bilinear and "
                                  "bicubic modes")
    return sizes, scales, bool(align_corners) if mode not in ("nearest", "nearest-exact", "area") else None
