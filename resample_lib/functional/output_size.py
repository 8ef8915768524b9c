r"""Every output-length rule of the book's operations, written once.

The functional operations, the tests and the chapters all take their output sizes from here. For an input of
length :math:`n`, kernel :math:`k`, stride :math:`s`, padding :math:`p` and dilation :math:`d` (Dumoulin and
Visin, 2016):

* convolution: :math:`o = \lfloor (n + 2p - d(k-1) - 1) / s \rfloor + 1`
* transposed convolution: :math:`o = (n-1)s - 2p + d(k-1) + \mathrm{op} + 1`
* pooling with ``ceil_mode``: the floor becomes a ceiling, but a last window that would start inside the right
  padding is dropped
* ``interpolate`` with ``scale_factor``: :math:`o = \lfloor n \cdot \text{scale\_factor} \rfloor`, in float64
"""
from __future__ import annotations

import math
from typing import Optional, Sequence, Union


def conv_output_size(n: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Length of a convolution's output along one axis.

    Args:
        n: input length. kernel, stride, padding, dilation: as in ``conv2d``, for this axis.

    Examples:
        >>> conv_output_size(8, 3, stride=2, padding=1)
        4
    """
    return (n + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def conv_transpose_output_size(
    n: int, kernel: int, stride: int = 1, padding: int = 0, output_padding: int = 0, dilation: int = 1
) -> int:
    """Length of a transposed convolution's output along one axis.

    Args:
        n: input length. kernel, stride, padding, output_padding, dilation: as in ``conv_transpose2d``.

    Examples:
        >>> conv_transpose_output_size(4, 4, stride=2, padding=1)
        8
    """
    return (n - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def pool_output_size(
    n: int, kernel: int, stride: int, padding: int = 0, dilation: int = 1, ceil_mode: bool = False
) -> int:
    """Length of a max/avg pooling output along one axis (torch's rule).

    With ``ceil_mode`` the division rounds up, but the last window must start inside the input or the left
    padding; one that would start in the right padding is dropped.

    Args:
        n: input length. kernel, stride, padding, dilation, ceil_mode: as in ``max_pool2d``.

    Examples:
        >>> pool_output_size(5, 2, 2), pool_output_size(5, 2, 2, ceil_mode=True)
        (2, 3)
    """
    span = n + 2 * padding - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= n + padding:
        out -= 1
    return out


def interpolate_output_size(
    in_sizes: Sequence[int], size: Optional[Union[int, Sequence[int]]] = None,
    scale_factor: Optional[Union[float, Sequence[float]]] = None,
) -> list[int]:
    r"""Output spatial sizes of ``interpolate``: ``size``, or :math:`\lfloor n \cdot \text{scale\_factor} \rfloor`.

    The product is taken in float64 and truncated, so ``scale_factor=0.3`` on 10 samples gives 3, but ``0.29`` on
    100 gives 28 (100 * 0.29 = 28.999999999999996).

    Args:
        in_sizes: the input's spatial sizes.
        size: the requested size (one int for every axis, or one per axis).
        scale_factor: the multiplier (one float, or one per axis); used when ``size`` is None.

    Examples:
        >>> interpolate_output_size([10, 100], scale_factor=(0.3, 0.29))
        [3, 28]
    """
    dim = len(in_sizes)
    if size is not None:
        return list(size) if isinstance(size, (list, tuple)) else [size] * dim
    factors = list(scale_factor) if isinstance(scale_factor, (list, tuple)) else [scale_factor] * dim
    return [int(math.floor(float(n) * float(f))) for n, f in zip(in_sizes, factors)]


def output_padding_for(
    n_in: int, n_out: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """The ``output_padding`` that makes a transposed convolution produce ``n_out``.

    Several input lengths map to one output length under a strided convolution; ``output_padding`` picks which
    one the transposed convolution returns.

    Args:
        n_in: the transposed convolution's input length. n_out: the length wanted.
        kernel, stride, padding, dilation: as in ``conv_transpose2d``.

    Examples:
        >>> output_padding_for(4, 7, 3, stride=2, padding=1)
        0
        >>> output_padding_for(4, 8, 3, stride=2, padding=1)
        1
    """
    return n_out - conv_transpose_output_size(n_in, kernel, stride, padding, 0, dilation)


def tf_same_padding(n: int, kernel: int, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    r"""The ``(before, after)`` zero padding of TensorFlow's ``padding='SAME'`` along one axis.

    TensorFlow makes the output length :math:`\lceil n / s \rceil` and pads the smallest total that achieves it,
    putting the odd pixel *after* the input: ``total = max((ceil(n/s) - 1) s + d(k-1) + 1 - n, 0)``,
    ``before = total // 2``. On even sizes with ``k = 3, s = 2`` that is ``(0, 1)``: DDIM's hand-written pad.

    Args:
        n: input length. kernel, stride, dilation: of the convolution, for this axis.

    Examples:
        >>> tf_same_padding(8, 3, 2), tf_same_padding(7, 3, 2)
        ((0, 1), (1, 1))
    """
    out = -(-n // stride)
    total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def receptive_field(kernels: list[int], strides: list[int], dilations: Optional[list[int]] = None) -> int:
    r"""Receptive field (in input pixels) of one output of a stack of convolutions or pools.

    :math:`r_L = 1 + \sum_{l=1}^{L} d_l (k_l - 1) \prod_{j<l} s_j`.

    Args:
        kernels, strides: one entry per layer, input side first. dilations: one per layer (default all 1).

    Examples:
        >>> receptive_field([3, 3, 3], [2, 2, 2])
        15
    """
    dilations = dilations or [1] * len(kernels)
    r, jump = 1, 1
    for k, s, d in zip(kernels, strides, dilations):
        r += d * (k - 1) * jump
        jump *= s
    return r
