r"""Transposed convolution, four ways that give the same numbers.

A transposed convolution with stride :math:`s`, padding :math:`p`, dilation
:math:`d` and output padding :math:`\mathrm{op}` maps an input of length
:math:`n` to :math:`o = (n-1)s - 2p + d(k-1) + \mathrm{op} + 1` samples
(:func:`resample_lib.functional.output_size.conv_transpose_output_size`). The chapter's views:

1. **scatter** (:func:`conv_transpose2d_reference`, and :func:`conv_transpose2d_scatter` which checks its
   arguments first): every input pixel :math:`x[c, i, j]` stamps a copy
   of the kernel, weighted by its value, into the output at
   :math:`(s_h i - p_h,\; s_w j - p_w)`, taps :math:`d` apart; overlapping
   stamps add up:
   :math:`y[o, s_h i + d_h k_h - p_h, s_w j + d_w k_w - p_w] \mathrel{+}= x[c, i, j]\, w[c, o, k_h, k_w]`.
   :func:`conv_transpose2d` computes the same stamps one kernel tap at a time, one matrix product each
   (:mod:`resample_lib.functional._conv_polyphase`).
2. **zero insertion** (:func:`conv_transpose2d_zero_insertion`): insert
   :math:`s-1` zeros between input pixels, pad by :math:`d(k-1)-p` (crop if
   negative; add :math:`\mathrm{op}` more at the end), then run an ordinary
   stride-1 convolution with the spatially flipped kernel whose in/out channels
   are swapped.
3. **matrix** (:func:`conv2d_matrix`, :func:`conv_transpose2d_matrix`): a
   convolution is a matrix :math:`C` acting on the flattened image; the
   transposed convolution with the same weight is :math:`C^\top`.
4. **gradient**: :math:`C^\top` is also what backpropagation applies to the
   output gradient of the convolution, so ``conv_transpose2d`` is the gradient
   of ``conv2d`` with respect to its input (shown in ``tests/test_transposed.py``).
"""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F

from resample_lib.functional._conv_checks import check_conv_args, check_weight, int_pair
from resample_lib.functional._conv_polyphase import conv_transpose2d_polyphase
from resample_lib.functional._validate import IntOrTuple, ntuple
from resample_lib.functional.convolution import Padding, conv2d, resolve_padding
from resample_lib.functional.output_size import conv_output_size, conv_transpose_output_size

__all__ = [
    "conv_transpose2d",
    "conv_transpose2d_reference",
    "conv_transpose2d_scatter",
    "conv_transpose2d_zero_insertion",
    "conv_transpose2d_matrix",
    "conv2d_matrix",
]

Pair = tuple[int, int]


def _check_transposed_args(op: str, input: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor],
                           stride: IntOrTuple, padding: IntOrTuple, output_padding: IntOrTuple, groups: int,
                           dilation: IntOrTuple) -> tuple[Pair, Pair, Pair, Pair, int, Pair]:
    """Validate like torch; return ``(stride, padding, output_padding, dilation, groups, out_hw)``."""
    stride, dilation, groups = check_conv_args(op, input, weight, bias, stride, dilation, groups, transposed=True)
    if isinstance(padding, str):
        raise TypeError(f"{op}: padding must be an int or a tuple of 2 ints (no 'same'/'valid'), got {padding!r}")
    padding = int_pair(padding, "padding", op, minimum=0)
    output_padding = int_pair(output_padding, "output_padding", op, minimum=0)
    if any(a >= s and a >= d for a, s, d in zip(output_padding, stride, dilation)):
        raise ValueError(f"{op}: output_padding must be smaller than either stride or dilation, got "
                         f"output_padding={output_padding}, stride={stride}, dilation={dilation}")
    (H, W), kernel = input.shape[-2:], weight.shape[2:]
    out_hw = tuple(conv_transpose_output_size(*args) for args in zip((H, W), kernel, stride, padding,
                                                                      output_padding, dilation))
    if min(out_hw) < 1:
        raise ValueError(
            f"{op}: output size {out_hw[0]} x {out_hw[1]} is too small for input {H} x {W}: "
            f"(n-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1 must be >= 1 "
            f"(stride={stride}, padding={padding}, dilation={dilation}, kernel={tuple(kernel)})"
        )
    return stride, padding, output_padding, dilation, groups, out_hw


def conv_transpose2d_reference(input: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor] = None,
                               stride: IntOrTuple = 1, padding: IntOrTuple = 0, output_padding: IntOrTuple = 0,
                               groups: int = 1, dilation: IntOrTuple = 1) -> torch.Tensor:
    """:func:`conv_transpose2d` as a scatter: each input pixel stamps the kernel, weighted by its value.

    Examples:
        >>> x = torch.tensor([[[[1., 2.], [3., 4.]]]])
        >>> conv_transpose2d_reference(x, torch.ones(1, 1, 2, 2), stride=2)
        tensor([[[[1., 1., 2., 2.],
                  [1., 1., 2., 2.],
                  [3., 3., 4., 4.],
                  [3., 3., 4., 4.]]]])
    """
    x = input if input.dim() == 4 else input.unsqueeze(0)
    (N, Ci, H, W), (_, Cog, KH, KW), G = x.shape, weight.shape, groups
    (sh, sw), (ph, pw), (ah, aw), (dh, dw) = (ntuple(v, 2, "") for v in (stride, padding, output_padding, dilation))
    # stamps[n, o, :, :, i, j]: the kernel weighted by pixel (i, j), summed over the channels of o's group
    stamps = torch.einsum("ngchw,gcokl->ngoklhw", x.view(N, G, Ci // G, H, W), weight.view(G, Ci // G, Cog, KH, KW))
    stamps = stamps.reshape(N, G * Cog, KH, KW, H, W)
    Ho = conv_transpose_output_size(H, KH, sh, ph, ah, dh)
    Wo = conv_transpose_output_size(W, KW, sw, pw, aw, dw)
    y = x.new_zeros(N, G * Cog, Ho + 2 * ph, Wo + 2 * pw)  # the output before the padding is cropped
    for i in range(H):
        for j in range(W):  # taps d apart, starting at (s i, s j)
            y[:, :, sh * i:sh * i + dh * (KH - 1) + 1:dh, sw * j:sw * j + dw * (KW - 1) + 1:dw] += stamps[..., i, j]
    y = y[:, :, ph:ph + Ho, pw:pw + Wo]
    if bias is not None:
        y = y + bias.view(-1, 1, 1)
    return y if input.dim() == 4 else y.squeeze(0)


def conv_transpose2d(input: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor] = None,
                     stride: IntOrTuple = 1, padding: IntOrTuple = 0, output_padding: IntOrTuple = 0,
                     groups: int = 1, dilation: IntOrTuple = 1) -> torch.Tensor:
    r"""2-D transposed convolution, like :func:`torch.nn.functional.conv_transpose2d`.

    The adjoint of :func:`resample_lib.conv2d` with the same ``weight``, stride,
    padding, dilation and groups (the matrix :math:`C^\top`), plus a bias: the scatter view

    .. math::

        y[n, o, s_h i + d_h k_h - p_h,\; s_w j + d_w k_w - p_w] \mathrel{+}=
            x[n, c, i, j]\; w[c, o', k_h, k_w]

    with, per axis, :math:`H_\text{out} = (H-1)s - 2p + d(k-1) + \mathrm{op} + 1`. Same result as
    :func:`conv_transpose2d_reference`, faster (see :mod:`resample_lib.functional._conv_polyphase`).

    Args:
        input: input of shape :math:`(N, C_\text{in}, H, W)` or :math:`(C_\text{in}, H, W)`; the batch may be
            empty, the channels and the image may not (torch's rule).
        weight: kernel of shape :math:`(C_\text{in}, C_\text{out}/G, k_H, k_W)` (note: in
            channels first, the transpose of :func:`conv2d`'s layout).
        bias: optional bias of shape :math:`(C_\text{out},)`.
        stride: stride of the convolution this is the transpose of; output pixels
            per input pixel. An int or ``(s_h, s_w)``, positive.
        padding: padding of that convolution; here it *crops* :math:`p` pixels from
            each side of the output. Non-negative int or tuple.
        output_padding: extra pixels added at the bottom/right, to choose among the
            input sizes that a strided convolution maps to the same size. Must be
            smaller than the stride or the dilation (per axis).
        groups: :math:`G`; channels are split into :math:`G` independent groups.
        dilation: spacing between kernel taps, an int or ``(d_h, d_w)``; positive.

    Shape:
        - Input: :math:`(N, C_\text{in}, H, W)` or :math:`(C_\text{in}, H, W)`
        - Output: :math:`(N, C_\text{out}, H_\text{out}, W_\text{out})` or
          :math:`(C_\text{out}, H_\text{out}, W_\text{out})`

    Examples:
        >>> x = torch.randn(2, 4, 5, 5)
        >>> conv_transpose2d(x, torch.randn(4, 3, 3, 3), stride=2, padding=1, output_padding=1).shape
        torch.Size([2, 3, 10, 10])
    """
    stride, padding, _, dilation, groups, out_hw = _check_transposed_args(
        "conv_transpose2d", input, weight, bias, stride, padding, output_padding, groups, dilation)
    x = input if input.dim() == 4 else input.unsqueeze(0)
    out = conv_transpose2d_polyphase(x, weight, bias, stride, padding, out_hw, dilation, groups)
    return out if input.dim() == 4 else out.squeeze(0)


def conv_transpose2d_scatter(input: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor] = None,
                             stride: IntOrTuple = 1, padding: IntOrTuple = 0, output_padding: IntOrTuple = 0,
                             groups: int = 1, dilation: IntOrTuple = 1) -> torch.Tensor:
    r"""The scatter view, :func:`conv_transpose2d_reference`, after :func:`conv_transpose2d`'s argument checks.

    .. math::

        y[n, o, s_h i + d_h k_h - p_h,\; s_w j + d_w k_w - p_w] \mathrel{+}=
            x[n, c, i, j]\; w[c, o', k_h, k_w],
        \qquad o = g\, C_\text{out}/G + o',\; c \in \text{group } g

    Stamps landing outside :math:`[0, H_\text{out}) \times [0, W_\text{out})` are
    dropped. Same signature and result as :func:`conv_transpose2d`.

    Examples:
        >>> x = torch.tensor([[[[1., 2.], [3., 4.]]]])
        >>> conv_transpose2d_scatter(x, torch.ones(1, 1, 2, 2), stride=2)[0, 0, 0]
        tensor([1., 1., 2., 2.])
    """
    args = _check_transposed_args("conv_transpose2d_scatter", input, weight, bias, stride, padding,
                                  output_padding, groups, dilation)
    stride, padding, output_padding, dilation, groups, _ = args
    return conv_transpose2d_reference(input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d_zero_insertion(input: torch.Tensor, weight: torch.Tensor,
                                    bias: Optional[torch.Tensor] = None, stride: IntOrTuple = 1,
                                    padding: IntOrTuple = 0, output_padding: IntOrTuple = 0, groups: int = 1,
                                    dilation: IntOrTuple = 1) -> torch.Tensor:
    r"""Transposed convolution as zero insertion followed by an ordinary convolution.

    1. insert :math:`s-1` zeros between neighbouring input pixels
       (length :math:`(n-1)s + 1`);
    2. pad by :math:`q = d(k-1) - p` on both sides, plus :math:`\mathrm{op}` more at
       the bottom/right; a negative amount crops;
    3. convolve at stride 1 and the same dilation with the kernel flipped in both
       spatial axes and its in/out channels swapped (per group):
       :math:`w'[o, c, k_h, k_w] = w[c, o, k_H-1-k_h, k_W-1-k_w]`.

    This costs about :math:`s_h s_w` times the multiplications of the scatter view,
    most of them by inserted zeros, which is why :func:`conv_transpose2d` does not
    use it. Same signature and result as :func:`conv_transpose2d`.

    Examples:
        >>> x, w = torch.randn(1, 2, 4, 4), torch.randn(2, 3, 3, 3)
        >>> y = conv_transpose2d_zero_insertion(x, w, stride=2, padding=1)
        >>> torch.allclose(y, conv_transpose2d(x, w, stride=2, padding=1), atol=1e-5)
        True
    """
    stride, padding, output_padding, dilation, groups, out_hw = _check_transposed_args(
        "conv_transpose2d_zero_insertion", input, weight, bias, stride, padding, output_padding, groups, dilation
    )
    Ci, Cog, KH, KW = weight.shape
    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    N, _, H, W = x.shape
    (sh, sw), (ph, pw), (ah, aw), (dh, dw) = stride, padding, output_padding, dilation
    z = x.new_zeros(N, Ci, (H - 1) * sh + 1, (W - 1) * sw + 1)
    z[:, :, ::sh, ::sw] = x
    qh, qw = dh * (KH - 1) - ph, dw * (KW - 1) - pw
    z = F.pad(z, (qw, qw + aw, qh, qh + ah))  # negative amounts crop
    flipped = (
        weight.reshape(groups, Ci // groups, Cog, KH, KW).transpose(1, 2)
        .reshape(groups * Cog, Ci // groups, KH, KW).flip(-2, -1)
    )
    out = conv2d(z, flipped, bias, stride=1, padding=0, dilation=dilation, groups=groups)
    return out if batched else out.squeeze(0)


def conv2d_matrix(
    weight: torch.Tensor,
    in_hw: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> torch.Tensor:
    r"""The dense matrix :math:`C` of a convolution on an input of size ``in_hw``.

    For an input ``x`` of shape :math:`(C_\text{in}, H, W)`,
    ``conv2d(x, weight, None, stride, padding, dilation, groups).flatten()
    == conv2d_matrix(weight, (H, W), stride, padding, dilation, groups) @ x.flatten()``.
    Entry by entry (row-major flattening of both sides),

    .. math::

        C[(o, i, j),\, (c, s_h i + d_h k_h - p_h,\, s_w j + d_w k_w - p_w)] = w[o, c - gC_\text{in}/G, k_h, k_w]

    for every tap that lands inside the (unpadded) input: padding only removes
    entries. :math:`C^\top` is the transposed convolution with the same ``weight``.
    Meant for small sizes: :math:`C` has :math:`C_\text{out}H_\text{out}W_\text{out} \times C_\text{in}HW` entries.

    Args:
        weight: filters of shape :math:`(C_\text{out}, C_\text{in}/G, k_H, k_W)`.
        in_hw: input height and width, an int or ``(H, W)``.
        stride, padding, dilation, groups: as in :func:`resample_lib.conv2d`.

    Shape:
        - Output: :math:`(C_\text{out} H_\text{out} W_\text{out},\; C_\text{in} H W)`

    Examples:
        >>> conv2d_matrix(torch.tensor([[[[1., 2.]]]]), (1, 3))
        tensor([[1., 2., 0.],
                [0., 1., 2.]])
    """
    op = "conv2d_matrix"
    groups = check_weight(op, weight, groups, transposed=False)
    H, W = int_pair(in_hw, "in_hw", op)
    stride, dilation = int_pair(stride, "stride", op), int_pair(dilation, "dilation", op)
    Co, Cig, KH, KW = weight.shape
    top, bottom, left, right = resolve_padding(padding, (KH, KW), stride, dilation, op)
    Ho = conv_output_size(H + top + bottom, KH, stride[0], 0, dilation[0])
    Wo = conv_output_size(W + left + right, KW, stride[1], 0, dilation[1])
    if Ho < 1 or Wo < 1:
        raise ValueError(f"{op}: the kernel {(KH, KW)} (dilation {dilation}) is larger than the padded input; "
                         f"output size would be {Ho} x {Wo}")
    dev = weight.device
    o, i, j, c, kh, kw = torch.meshgrid(
        *(torch.arange(n, device=dev) for n in (Co, Ho, Wo, Cig, KH, KW)), indexing="ij"
    )
    rows_in = i * stride[0] + kh * dilation[0] - top   # input row each tap reads
    cols_in = j * stride[1] + kw * dilation[1] - left  # input column each tap reads
    inside = (rows_in >= 0) & (rows_in < H) & (cols_in >= 0) & (cols_in < W)
    channel = (o // (Co // groups)) * Cig + c          # input channel, across groups
    row = ((o * Ho + i) * Wo + j)[inside]
    col = ((channel * H + rows_in) * W + cols_in)[inside]
    values = weight[o, c, kh, kw][inside]
    C = weight.new_zeros(Co * Ho * Wo, Cig * groups * H * W)
    C[row, col] = values  # each (output, input) pair is hit by at most one tap
    return C


def conv_transpose2d_matrix(input: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor] = None,
                            stride: IntOrTuple = 1, padding: IntOrTuple = 0, output_padding: IntOrTuple = 0,
                            groups: int = 1, dilation: IntOrTuple = 1) -> torch.Tensor:
    r"""Transposed convolution as the transpose of the convolution matrix: :math:`y = C^\top x`.

    :math:`C` is :func:`conv2d_matrix` of ``weight`` (read as a convolution from
    :math:`C_\text{out}` to :math:`C_\text{in}` channels) on an input of the
    transposed convolution's output size :math:`(H_\text{out}, W_\text{out})`.
    That convolution returns :math:`H` rows, or more when :math:`\mathrm{op} \ge s`
    (allowed when :math:`\mathrm{op} < d`); the extra rows of :math:`C^\top`'s input
    are taken as zero. Small sizes only. Same signature and result as
    :func:`conv_transpose2d`.

    Examples:
        >>> x, w = torch.randn(2, 3, 3), torch.randn(2, 1, 2, 2)
        >>> y = conv_transpose2d_matrix(x, w, stride=2)
        >>> torch.allclose(y, conv_transpose2d(x, w, stride=2), atol=1e-5)
        True
    """
    stride, padding, output_padding, dilation, groups, out_hw = _check_transposed_args(
        "conv_transpose2d_matrix", input, weight, bias, stride, padding, output_padding, groups, dilation
    )
    Ci, Cog, KH, KW = weight.shape
    H, W = input.shape[-2:]
    C = conv2d_matrix(weight, out_hw, stride, padding, dilation, groups)
    Hc = conv_output_size(out_hw[0], KH, stride[0], padding[0], dilation[0])
    Wc = conv_output_size(out_hw[1], KW, stride[1], padding[1], dilation[1])
    C = C.view(Ci, Hc, Wc, -1)[:, :H, :W].reshape(Ci * H * W, -1)
    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    out = (x.reshape(x.shape[0], Ci * H * W) @ C).view(x.shape[0], Cog * groups, *out_hw)
    if bias is not None:
        out = out + bias.view(-1, 1, 1)
    return out if batched else out.squeeze(0)
