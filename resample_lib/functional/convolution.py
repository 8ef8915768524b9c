r"""Strided 2-D convolution built from padding, copies and one matrix product.

A convolution (in deep learning: a cross-correlation) with stride :math:`s`,
padding :math:`p` and dilation :math:`d` computes, for output pixel
:math:`(i, j)` of output channel :math:`o` in group :math:`g`,

.. math::

    y[o, i, j] = b[o] + \sum_{c \in g} \sum_{k_h, k_w}
        w[o, c, k_h, k_w] \; x_p[c,\; s_h i + d_h k_h,\; s_w j + d_w k_w]

where :math:`x_p` is the input zero padded by :math:`p`. Along each axis the
output has :math:`o = \lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1` pixels
(:func:`resample_lib.functional.output_size.conv_output_size`).

The implementation is an *im2col* that needs no gather: the padded image is
split into its :math:`s_h s_w` polyphase components (every :math:`s`-th pixel),
each flattened row-major. For one kernel tap the pixels the formula reads form a
*contiguous* slice of one flattened component, shifted by the tap's offset, if
we compute the output on a grid as wide as the component and drop the extra
columns at the end. Stacking the slices of all taps gives the column matrix,
and one matrix product with the reshaped kernel gives the output.

With stride 1, no groups and no autograd, the column matrix is never built: the
output accumulates one matrix product per tap, ``w[:, :, kh, kw] @ slice``,
reading each slice in place. That is the same sum in another order, and it
saves copying a column matrix :math:`k_h k_w` times the size of the input.
(With a stride the per-tap products are small and the column matrix wins.)
"""
from __future__ import annotations

from typing import Optional, Union

import torch
import torch.nn.functional as F

from resample_lib.functional._validate import IntOrTuple, check_input_rank, ntuple
from resample_lib.functional.output_size import conv_output_size

__all__ = ["conv2d"]

Padding = Union[str, IntOrTuple]


def _check_tensor(value, name: str, op: str) -> None:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{op}: {name} must be a torch.Tensor, got {type(value).__name__}")


def _check_positive(values: tuple[int, ...], name: str, op: str) -> None:
    if any(v <= 0 for v in values):
        raise ValueError(f"{op}: {name} must be positive, got {name}={values}")


def _check_groups(groups, op: str) -> int:
    if isinstance(groups, bool) or not isinstance(groups, int):
        raise TypeError(f"{op}: groups must be an int, got {groups!r}")
    if groups <= 0:
        raise ValueError(f"{op}: groups must be positive, got groups={groups}")
    return groups


def _check_dtypes(op: str, input: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor]) -> None:
    if not input.is_floating_point():
        raise TypeError(f"{op}: expected a floating point input, got dtype {input.dtype}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.dtype != input.dtype:
            raise TypeError(f"{op}: {name} has dtype {t.dtype} but input has dtype {input.dtype}; they must match")


def _check_bias(op: str, bias: Optional[torch.Tensor], out_channels: int) -> None:
    if bias is None:
        return
    _check_tensor(bias, "bias", op)
    if tuple(bias.shape) != (out_channels,):
        raise ValueError(
            f"{op}: expected bias of shape ({out_channels},) (one value per output channel), "
            f"got shape {tuple(bias.shape)}"
        )


def _resolve_padding(
    padding: Padding, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]
) -> tuple[int, int, int, int]:
    """Return (top, bottom, left, right) zero padding for ``padding`` of :func:`conv2d`."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0, 0, 0)
        if padding != "same":
            raise ValueError(f"conv2d: padding must be 'same', 'valid', an int or a tuple of 2 ints, got {padding!r}")
        if any(s != 1 for s in stride):
            raise ValueError(f"conv2d: padding='same' is only supported for stride 1, got stride={stride}")
        pads = []
        for k, d in zip(kernel, dilation):
            total = d * (k - 1)  # torch puts the odd pixel, if any, at the end (bottom/right)
            pads += [total // 2, total - total // 2]
        return tuple(pads)
    ph, pw = ntuple(padding, 2, "padding")
    if ph < 0 or pw < 0:
        raise ValueError(f"conv2d: padding must be non-negative, got padding={(ph, pw)}")
    return (ph, ph, pw, pw)


def _conv2d_core(x: torch.Tensor, weight: torch.Tensor, stride: tuple[int, int],
                 dilation: tuple[int, int], groups: int) -> torch.Tensor:
    """Convolution of an already padded 4-D ``x`` (no argument checks)."""
    N, C, Hp, Wp = x.shape
    Co, Cig, KH, KW = weight.shape
    (sh, sw), (dh, dw), G = stride, dilation, groups
    Ho, Wo = (Hp - dh * (KH - 1) - 1) // sh + 1, (Wp - dw * (KW - 1) - 1) // sw + 1
    # Polyphase split: component (rh, rw) holds x[..., rh::sh, rw::sw], as a
    # (Hph, Wph) image with one spare row so every shifted slice stays in range.
    Hph, Wph = -(-Hp // sh) + 1, -(-Wp // sw)
    x = F.pad(x, (0, Wph * sw - Wp, 0, Hph * sh - Hp))
    phases = x.reshape(N, C, Hph, sh, Wph, sw).permute(0, 3, 5, 1, 2, 4)
    phases = phases.reshape(N, sh, sw, G, Cig, Hph * Wph)
    # Tap (kh, kw) reads component (kh*dh % sh, kw*dw % sw), shifted by
    # (kh*dh // sh) rows and (kw*dw // sw) columns: a flat offset.
    taps = [((kh * dh) % sh, (kw * dw) % sw, (kh * dh // sh) * Wph + kw * dw // sw)
            for kh in range(KH) for kw in range(KW)]
    L = Ho * Wph  # outputs on a grid as wide as a component; extra columns dropped
    w = weight.reshape(G, Co // G, Cig, KH * KW).permute(0, 1, 3, 2).reshape(G, Co // G, KH * KW * Cig)
    K = KH * KW * Cig
    # Samples are processed in chunks whose columns fill about 1M elements: large
    # enough that a batch of small images costs a few big matrix products rather
    # than one small product (and 9 small copies) per sample, small enough to
    # stay cache- and memory-friendly on large images (there a chunk is 1 sample).
    chunk = max(1, min(N, (1 << 20) // max(1, G * K * L)))
    if torch.is_grad_enabled() and (x.requires_grad or w.requires_grad):
        # autograd path: no in-place writes into reused buffers
        out = [torch.matmul(w, torch.stack([phases[n:n + chunk, rh, rw, :, :, off:off + L] for rh, rw, off in taps],
                                           2).view(-1, G, K, L)) for n in range(0, N, chunk)]
        out = torch.cat(out) if out else x.new_empty(0, G, Co // G, L)
    elif G == 1 and sh == sw == 1:
        # sum over taps of (Co, C) @ (C, L) products on in-place slices; no column matrix
        w_taps = weight.permute(2, 3, 0, 1).reshape(KH * KW, Co, Cig)
        out = x.new_zeros(N, 1, Co, L)
        for t, (rh, rw, off) in enumerate(taps):
            out[:, 0].baddbmm_(w_taps[t].expand(N, Co, Cig), phases[:, rh, rw, 0, :, off:off + L])
    else:
        cols = x.new_empty(min(chunk, N), G, KH * KW, Cig, L)
        out = x.new_empty(N, G, Co // G, L)
        for n in range(0, N, chunk):
            b = min(chunk, N - n)
            for t, (rh, rw, off) in enumerate(taps):
                cols[:b, :, t].copy_(phases[n:n + b, rh, rw, :, :, off:off + L])
            torch.matmul(w, cols[:b].view(b, G, K, L), out=out[n:n + b])
    return out.view(N, Co, Ho, Wph)[..., :Wo].contiguous()


def conv2d(
    input: torch.Tensor,
    weight: torch.Tensor,
    bias: Optional[torch.Tensor] = None,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> torch.Tensor:
    r"""2-D convolution (cross-correlation), like :func:`torch.nn.functional.conv2d`.

    .. math::

        y[n, o, i, j] = b[o] + \sum_{c=0}^{C_\text{in}/G - 1} \sum_{k_h, k_w}
            w[o, c, k_h, k_w]\; x_p[n,\; g C_\text{in}/G + c,\; s_h i + d_h k_h,\; s_w j + d_w k_w],
        \qquad g = \lfloor o\, G / C_\text{out} \rfloor

    with :math:`x_p` the zero-padded input and, per axis,
    :math:`H_\text{out} = \lfloor (H + 2p - d(k-1) - 1)/s \rfloor + 1`.

    Args:
        input: input of shape :math:`(N, C_\text{in}, H, W)` or :math:`(C_\text{in}, H, W)`.
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
    _check_tensor(input, "input", op)
    _check_tensor(weight, "weight", op)
    check_input_rank(input, (3, 4), op, "(N, C, H, W) or (C, H, W)")
    if weight.dim() != 4:
        raise ValueError(
            f"{op}: expected a 4-D weight (C_out, C_in/groups, kH, kW), got shape {tuple(weight.shape)}"
        )
    stride = ntuple(stride, 2, "stride")
    dilation = ntuple(dilation, 2, "dilation")
    _check_positive(stride, "stride", op)
    _check_positive(dilation, "dilation", op)
    groups = _check_groups(groups, op)
    Co, Cig, KH, KW = weight.shape
    pads = _resolve_padding(padding, (KH, KW), stride, dilation)
    if Co % groups != 0:
        raise ValueError(
            f"{op}: out channels (weight.shape[0]={Co}) must be divisible by groups={groups}"
        )
    C = input.shape[-3]
    if C != Cig * groups:
        raise ValueError(
            f"{op}: input has {C} channels but weight of shape {tuple(weight.shape)} with groups={groups} "
            f"expects {Cig * groups} (= weight.shape[1] * groups)"
        )
    _check_bias(op, bias, Co)
    _check_dtypes(op, input, weight, bias)
    H, W = input.shape[-2:]
    Hp, Wp = H + pads[0] + pads[1], W + pads[2] + pads[3]
    if Hp < dilation[0] * (KH - 1) + 1 or Wp < dilation[1] * (KW - 1) + 1:
        raise ValueError(
            f"{op}: the dilated kernel ({dilation[0] * (KH - 1) + 1} x {dilation[1] * (KW - 1) + 1}) is larger "
            f"than the padded input ({Hp} x {Wp}); the output would have size "
            f"{conv_output_size(Hp, KH, 1, 0, dilation[0])} x {conv_output_size(Wp, KW, 1, 0, dilation[1])}"
        )

    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    if any(pads):
        x = F.pad(x, (pads[2], pads[3], pads[0], pads[1]))
    out = _conv2d_core(x, weight, stride, dilation, groups)
    if bias is not None:
        out = out + bias.view(-1, 1, 1)
    return out if batched else out.squeeze(0)
