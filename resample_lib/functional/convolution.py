r"""Strided 2-D convolution: a reference version to read, and the public :func:`conv2d`.

A convolution (in deep learning: a cross-correlation) with stride :math:`s`, padding :math:`p` and dilation
:math:`d` computes, for output pixel :math:`(i, j)` of output channel :math:`o` in group :math:`g`,

.. math::

    y[o, i, j] = b[o] + \sum_{c \in g} \sum_{k_h, k_w}
        w[o, c, k_h, k_w] \; x_p[c,\; s_h i + d_h k_h,\; s_w j + d_w k_w]

where :math:`x_p` is the input zero padded by :math:`p`. Along each axis the output has
:math:`o = \lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1` pixels
(:func:`resample_lib.functional.output_size.conv_output_size`).

:func:`conv2d_reference` is that formula as *im2col*: ``unfold`` copies every window into a column, and one
matrix product with the flattened kernel does all the sums. :func:`conv2d` validates its arguments and runs
the fast path of :mod:`resample_lib.functional._conv_polyphase` (one product per kernel tap on a polyphase copy of the
input, or one product of stacked slices when the channels are few).
"""
from __future__ import annotations

from typing import Optional, Union

import torch
import torch.nn.functional as F

from resample_lib.functional._conv_checks import check_conv_args, int_pair
from resample_lib.functional._conv_polyphase import conv2d_polyphase
from resample_lib.functional._validate import IntOrTuple, ntuple
from resample_lib.functional.output_size import conv_output_size

__all__ = ["conv2d", "conv2d_reference"]

Padding = Union[str, IntOrTuple]


def resolve_padding(padding: Padding, kernel: tuple[int, int], stride: tuple[int, int],
                    dilation: tuple[int, int], op: str = "conv2d") -> tuple[int, int, int, int]:
    """The ``(top, bottom, left, right)`` zeros of ``padding``: an int, a pair, ``'valid'`` or ``'same'``.

    ``'same'`` pads :math:`d(k-1)` in all per axis (stride 1 only), the odd pixel, if any, at the bottom/right.

    Examples:
        >>> resolve_padding("same", (2, 3), (1, 1), (1, 1))
        (0, 1, 1, 1)
    """
    if padding == "valid":
        return (0, 0, 0, 0)
    if padding == "same":
        if stride != (1, 1):
            raise ValueError(f"{op}: padding='same' is only supported for stride 1, got stride={stride}")
        total = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return (total[0] // 2, total[0] - total[0] // 2, total[1] // 2, total[1] - total[1] // 2)
    if isinstance(padding, str):
        raise ValueError(f"{op}: padding must be 'same', 'valid', an int or a tuple of 2 ints, got {padding!r}")
    ph, pw = int_pair(padding, "padding", op, minimum=0)
    return (ph, ph, pw, pw)


def conv2d_reference(input: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor] = None,
                     stride: IntOrTuple = 1, padding: Padding = 0, dilation: IntOrTuple = 1,
                     groups: int = 1) -> torch.Tensor:
    """:func:`conv2d` in a few lines: pad, copy every window into a column (``unfold``), one matrix product.

    Examples:
        >>> x, w = torch.randn(2, 4, 9, 9), torch.randn(6, 2, 3, 3)
        >>> y = conv2d_reference(x, w, stride=2, padding=1, groups=2)
        >>> y.shape, torch.allclose(y, conv2d(x, w, stride=2, padding=1, groups=2), atol=1e-5)
        (torch.Size([2, 6, 5, 5]), True)
    """
    x = input if input.dim() == 4 else input.unsqueeze(0)
    N, Co, (KH, KW) = x.shape[0], weight.shape[0], weight.shape[2:]
    stride, dilation = ntuple(stride, 2, "stride"), ntuple(dilation, 2, "dilation")
    top, bottom, left, right = resolve_padding(padding, (KH, KW), stride, dilation)
    x = F.pad(x, (left, right, top, bottom))
    cols = F.unfold(x, (KH, KW), dilation=dilation, stride=stride)       # (N, C * KH * KW, windows)
    cols = cols.view(N, groups, -1, cols.shape[-1])                       # each group's channels
    y = weight.view(groups, Co // groups, -1) @ cols                      # (N, groups, Co / groups, windows)
    Ho, Wo = (conv_output_size(n, k, s, 0, d) for n, k, s, d in zip(x.shape[2:], (KH, KW), stride, dilation))
    y = y.reshape(N, Co, Ho, Wo)
    if bias is not None:
        y = y + bias.view(-1, 1, 1)
    return y if input.dim() == 4 else y.squeeze(0)


def conv2d(input: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor] = None,
           stride: IntOrTuple = 1, padding: Padding = 0, dilation: IntOrTuple = 1, groups: int = 1) -> torch.Tensor:
    r"""2-D convolution (cross-correlation), like :func:`torch.nn.functional.conv2d`.

    .. math::

        y[n, o, i, j] = b[o] + \sum_{c=0}^{C_\text{in}/G - 1} \sum_{k_h, k_w}
            w[o, c, k_h, k_w]\; x_p[n,\; g C_\text{in}/G + c,\; s_h i + d_h k_h,\; s_w j + d_w k_w],
        \qquad g = \lfloor o\, G / C_\text{out} \rfloor

    with :math:`x_p` the zero-padded input and, per axis,
    :math:`H_\text{out} = \lfloor (H + 2p - d(k-1) - 1)/s \rfloor + 1`. Same result as
    :func:`conv2d_reference`, faster (see :mod:`resample_lib.functional._conv_polyphase`).

    Args:
        input: input of shape :math:`(N, C_\text{in}, H, W)` or :math:`(C_\text{in}, H, W)`; the batch may be
            empty, the channels and the image may not (torch's rule).
        weight: filters of shape :math:`(C_\text{out}, C_\text{in}/G, k_H, k_W)`.
        bias: optional bias of shape :math:`(C_\text{out},)`.
        stride: step between output samples, an int or ``(s_h, s_w)``; positive.
        padding: zeros added on both sides, an int or ``(p_h, p_w)``; or ``'valid'``
            (no padding) or ``'same'`` (output as large as the input; only for stride 1;
            a total of :math:`d(k-1)` per axis, the odd pixel, if any, at the bottom/right).
        dilation: spacing between kernel taps, an int or ``(d_h, d_w)``; positive.
        groups: :math:`G`; input channels are split into :math:`G` groups, each
            convolved with its own :math:`C_\text{out}/G` filters.

    Shape:
        - Input: :math:`(N, C_\text{in}, H, W)` or :math:`(C_\text{in}, H, W)`
        - Output: :math:`(N, C_\text{out}, H_\text{out}, W_\text{out})` or
          :math:`(C_\text{out}, H_\text{out}, W_\text{out})`

    Examples:
        >>> x = torch.arange(16.).view(1, 1, 4, 4)
        >>> conv2d(x, torch.ones(1, 1, 2, 2), stride=2)
        tensor([[[[10., 18.],
                  [42., 50.]]]])
        >>> conv2d(torch.randn(3, 8, 8), torch.randn(6, 1, 3, 3), padding="same", groups=3).shape
        torch.Size([6, 8, 8])
    """
    op = "conv2d"
    stride, dilation, groups = check_conv_args(op, input, weight, bias, stride, dilation, groups, transposed=False)
    KH, KW = weight.shape[2:]
    pads = resolve_padding(padding, (KH, KW), stride, dilation)
    Hp, Wp = input.shape[-2] + pads[0] + pads[1], input.shape[-1] + pads[2] + pads[3]
    if Hp < dilation[0] * (KH - 1) + 1 or Wp < dilation[1] * (KW - 1) + 1:
        raise ValueError(
            f"{op}: the dilated kernel ({dilation[0] * (KH - 1) + 1} x {dilation[1] * (KW - 1) + 1}) is larger "
            f"than the padded input ({Hp} x {Wp}); the output would have size "
            f"{conv_output_size(Hp, KH, 1, 0, dilation[0])} x {conv_output_size(Wp, KW, 1, 0, dilation[1])}"
        )
    x = input if input.dim() == 4 else input.unsqueeze(0)
    out = conv2d_polyphase(x, weight, bias, stride, pads, dilation, groups)
    return out if input.dim() == 4 else out.squeeze(0)
