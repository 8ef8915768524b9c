r"""Output-size arithmetic of convolution, transposed convolution and pooling.

These are the formulas of Dumoulin and Visin (2016), written once so that the
functional ops, the tests and the chapters all use the same lines.

For an input of length :math:`n`, kernel :math:`k`, stride :math:`s`, padding
:math:`p` and dilation :math:`d`:

* convolution: :math:`o = \lfloor (n + 2p - d(k-1) - 1) / s \rfloor + 1`
* transposed convolution: :math:`o = (n-1)s - 2p + d(k-1) + \mathrm{op} + 1`
* pooling with ``ceil_mode``: the floor becomes a ceiling, but a last window
  that would start inside the right padding is dropped.
"""
from __future__ import annotations


def conv_output_size(n: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Length of a convolution's output along one axis.

    >>> conv_output_size(8, 3, stride=2, padding=1)
    4
    """
    return (n + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def conv_transpose_output_size(
    n: int, kernel: int, stride: int = 1, padding: int = 0, output_padding: int = 0, dilation: int = 1
) -> int:
    """Length of a transposed convolution's output along one axis.

    >>> conv_transpose_output_size(4, 4, stride=2, padding=1)
    8
    """
    return (n - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def pool_output_size(
    n: int, kernel: int, stride: int, padding: int = 0, dilation: int = 1, ceil_mode: bool = False
) -> int:
    """Length of a max/avg pooling output along one axis (torch's rule).

    With ``ceil_mode`` the division rounds up, but the last window must start
    inside the input or the left padding; one that would start in the right
    padding is dropped.

    >>> pool_output_size(5, 2, 2), pool_output_size(5, 2, 2, ceil_mode=True)
    (2, 3)
    """
    span = n + 2 * padding - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= n + padding:
        out -= 1
    return out


def output_padding_for(
    n_in: int, n_out: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """The ``output_padding`` that makes a transposed convolution produce ``n_out``.

    Several input lengths map to one output length under a strided convolution;
    ``output_padding`` picks which one the transposed convolution returns.
    """
    return n_out - conv_transpose_output_size(n_in, kernel, stride, padding, 0, dilation)


def tf_same_padding(n: int, kernel: int, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    r"""The ``(before, after)`` zero padding of TensorFlow's ``padding='SAME'`` along one axis.

    TensorFlow makes the output length :math:`\lceil n / s \rceil` and pads the
    smallest total that achieves it, putting the odd pixel *after* the input:
    ``total = max((ceil(n/s) - 1) s + d(k-1) + 1 - n, 0)``, ``before = total // 2``.
    On even sizes with ``k = 3, s = 2`` that is ``(0, 1)``: DDIM's hand-written pad.

    >>> tf_same_padding(8, 3, 2), tf_same_padding(7, 3, 2)
    ((0, 1), (1, 1))
    """
    out = -(-n // stride)
    total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def receptive_field(kernels: list[int], strides: list[int], dilations: list[int] | None = None) -> int:
    r"""Receptive field (in input pixels) of one output of a stack of convolutions or pools.

    :math:`r_L = 1 + \sum_{l=1}^{L} d_l (k_l - 1) \prod_{j<l} s_j`.

    >>> receptive_field([3, 3, 3], [2, 2, 2])
    15
    """
    dilations = dilations or [1] * len(kernels)
    r, jump = 1, 1
    for k, s, d in zip(kernels, strides, dilations):
        r += d * (k - 1) * jump
        jump *= s
    return r
