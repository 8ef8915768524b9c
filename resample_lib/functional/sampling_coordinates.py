r"""Where each output sample sits on the input axis: the scale :math:`s` and the source coordinates :math:`u_i`.

Every mode of ``interpolate`` starts here (:mod:`resample_lib.functional.interpolation` turns the coordinates into
taps and matrices). Input sample :math:`j` sits at coordinate :math:`j`; output sample :math:`i` at

.. math::

    u_i = s\,(i + \tfrac12) - \tfrac12 \quad\text{(half-pixel rule, align\_corners=False)},\qquad
    u_i = s\, i \quad\text{(corner rule, align\_corners=True)}.
"""
from __future__ import annotations

from typing import Optional

import torch
from torch import Tensor

from resample_lib.functional._validate import check_int

__all__ = ["pixel_scale", "source_coordinates", "check_axis_sizes"]


def pixel_scale(
    in_size: int, out_size: int, align_corners: bool = False, scale_factor: Optional[float] = None,
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
        dtype (torch.dtype): the floating type the division is rounded to
            (torch's coordinate type, see the module docstring).

    Examples:
        >>> pixel_scale(4, 8), pixel_scale(4, 8, align_corners=True), pixel_scale(10, 17, scale_factor=1.7)
        (0.5, 0.42857142857142855, 0.5882352941176471)
    """
    if align_corners:
        if out_size <= 1:
            return 0.0
        return torch.tensor(float(in_size - 1), dtype=dtype).div(float(out_size - 1)).item()
    if scale_factor is not None and scale_factor > 0:
        return torch.tensor(1.0 / scale_factor, dtype=dtype).item()
    return torch.tensor(float(in_size), dtype=dtype).div(float(out_size)).item()


def source_coordinates(
    in_size: int, out_size: int, align_corners: bool = False, scale_factor: Optional[float] = None, *,
    dtype: torch.dtype = torch.float64, device: Optional[torch.device] = None,
) -> Tensor:
    r"""Position :math:`u_i` of each output sample on the input axis (input sample :math:`j` sits at :math:`j`).

    .. math::

        u_i = \begin{cases} s\, i & \text{align\_corners (corners of the grid coincide)} \\
                            s\,(i + \tfrac12) - \tfrac12 & \text{otherwise (half-pixel rule: pixel areas coincide)}
              \end{cases}

    with :math:`s` from :func:`pixel_scale`. Coordinates may fall outside
    :math:`[0, n_\text{in} - 1]`; each mode decides what to do there.

    Args:
        in_size, out_size, align_corners, scale_factor: as in :func:`pixel_scale`.
        dtype (torch.dtype): floating type of the computation.
        device (torch.device, optional): where the result lives.

    Shape:
        - Output: :math:`(n_\text{out},)`

    Examples:
        >>> source_coordinates(2, 4)
        tensor([-0.2500,  0.2500,  0.7500,  1.2500], dtype=torch.float64)
        >>> source_coordinates(2, 4, align_corners=True)
        tensor([0.0000, 0.3333, 0.6667, 1.0000], dtype=torch.float64)
    """
    check_axis_sizes(in_size, out_size, "source_coordinates")
    s = torch.tensor(pixel_scale(in_size, out_size, align_corners, scale_factor, dtype), dtype=dtype, device=device)
    i = torch.arange(out_size, dtype=dtype, device=device)
    return s * i if align_corners else s * (i + 0.5) - 0.5


def check_axis_sizes(in_size: int, out_size: int, fn: str) -> None:
    """A TypeError or ValueError unless both sizes are positive ints; ``fn`` names the caller."""
    for name, v in (("in_size", in_size), ("out_size", out_size)):
        check_int(v, name, fn)
        if v <= 0:
            raise ValueError(f"{fn}: {name} must be positive, got {v}")
