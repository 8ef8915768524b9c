r"""Fast paths of :func:`~resample_lib.functional.convolution.conv2d` and
:func:`~resample_lib.functional.conv_transpose.conv_transpose2d`: one matrix product per kernel tap.

No argument checks here: the public functions validate, then call these. ``tests/test_convolution.py`` and
``tests/test_transposed.py`` compare them with the reference versions and with torch.

**Polyphase layout.** A stride-:math:`s` convolution reads, for tap :math:`(k_h, k_w)`, the padded input at
:math:`(s i + d k_h,\; s j + d k_w)`. Split the padded image into its :math:`s_h s_w` polyphase components
(component :math:`(r_h, r_w)` holds the pixels :math:`(s a + r_h,\; s b + r_w)`); the tap then reads component
:math:`(d k_h \bmod s,\; d k_w \bmod s)` shifted by :math:`(\lfloor d k_h / s \rfloor,\; \lfloor d k_w / s \rfloor)`.
Store each component channel-major with the whole batch stacked as one tall image, ``(C, N, H_c, W_c)``, and
compute the output on the same grid: the shift becomes one flat offset, and all the pixels one tap reads form
*one contiguous slice* of the flattened component. So each tap costs one matrix product
``(C_out, C_in) @ (C_in, N H_c W_c)``, read in place; grid positions that are not outputs (right of the last
output column, below the last output row) are computed too and dropped. With fewer than 16 input channels per
group those products are too thin to run fast, so the slices of all taps are stacked instead into one column matrix
``(k_h k_w C_in, N H_c W_c)`` and multiplied once.

A transposed convolution runs the same products the other way (the scatter view): tap :math:`(k_h, k_w)`
multiplies the input by :math:`w[:, :, k_h, k_w]^\top` and adds the result, shifted by the same offset, into one
polyphase component of the output.
"""
from __future__ import annotations

from typing import Optional

import torch

Pair = tuple[int, int]


def _polyphase(x: torch.Tensor, pads: tuple[int, int, int, int], stride: Pair, grid: Pair) -> torch.Tensor:
    """The components ``P[r_h, r_w, c, n, a, b] = x_pad[n, c, s_h a + r_h, s_w b + r_w]`` on a ``grid`` of (rows, cols).

    ``x_pad`` is ``x`` with ``pads = (top, bottom, left, right)`` zeros; the grid may be larger (more zeros). Each
    component is one strided copy of ``x``; only its zero border is filled, not the whole buffer.
    """
    N, C, H, W = x.shape
    (sh, sw), (top, _, left, _), (Hc, Wc) = stride, pads, grid
    P = x.new_empty(sh, sw, C, N, Hc, Wc)
    xt = x.transpose(0, 1)
    for rh in range(sh):
        a0, a1 = _inside(top, rh, sh, H, Hc)
        for rw in range(sw):
            b0, b1 = _inside(left, rw, sw, W, Wc)
            part = P[rh, rw]
            part[..., :a0, :].zero_(), part[..., a1:, :].zero_()
            part[..., a0:a1, :b0].zero_(), part[..., a0:a1, b1:].zero_()
            if a1 > a0 and b1 > b0:
                part[..., a0:a1, b0:b1] = xt[..., sh * a0 + rh - top::sh, sw * b0 + rw - left::sw][..., :a1 - a0, :b1 - b0]
    return P


def _inside(pad: int, r: int, s: int, n: int, grid: int) -> tuple[int, int]:
    """The grid indices ``a`` in ``[a0, a1)`` whose padded position ``s a + r`` falls on the input (``pad`` before it)."""
    a0 = max(0, -(-(pad - r) // s))
    return min(a0, grid), max(min(grid, -(-(n + pad - r) // s)), min(a0, grid))


def _taps(kernel: Pair, stride: Pair, dilation: Pair, width: int) -> list[tuple[int, int, int, int, int]]:
    """``(k_h, k_w, r_h, r_w, offset)`` of every tap: its component and its flat shift on a grid ``width`` wide."""
    (KH, KW), (sh, sw), (dh, dw) = kernel, stride, dilation
    return [(kh, kw, kh * dh % sh, kw * dw % sw, kh * dh // sh * width + kw * dw // sw)
            for kh in range(KH) for kw in range(KW)]


def conv2d_polyphase(x: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor], stride: Pair,
                     pads: tuple[int, int, int, int], dilation: Pair, groups: int) -> torch.Tensor:
    """:func:`conv2d` of a 4-D ``x``, zero padded by ``pads = (top, bottom, left, right)``."""
    N, C, H, W = x.shape
    Co, Cig, KH, KW = weight.shape
    (sh, sw), (dh, dw), G = stride, dilation, groups
    Hp, Wp = H + pads[0] + pads[1], W + pads[2] + pads[3]
    Ho, Wo = (Hp - dh * (KH - 1) - 1) // sh + 1, (Wp - dw * (KW - 1) - 1) // sw + 1
    Hc, Wc = -(-Hp // sh), -(-Wp // sw)
    P = _polyphase(x, pads, stride, (Hc, Wc)).view(sh, sw, G, Cig, N * Hc * Wc)
    taps = _taps((KH, KW), stride, dilation, Wc)
    M = max(0, N * Hc * Wc - taps[-1][-1])  # every output lies in [0, M); every tap's slice stays in range
    w = weight.view(G, Co // G, Cig, KH, KW)
    out = x.new_empty(G, Co // G, N * Hc * Wc)  # [M:] is never an output: left as it is
    if Cig >= 16:  # wide enough products: accumulate tap by tap, reading the slices in place
        for g in range(G):  # 2-D products write into the strided slice in place (baddbmm_ would copy it)
            for i, (kh, kw, rh, rw, off) in enumerate(taps):
                out[g, :, :M].addmm_(w[g, :, :, kh, kw], P[rh, rw, g, :, off:off + M], beta=min(i, 1))
    else:  # thin products: gather the slices into one column matrix, then one product
        cols = torch.cat([P[rh, rw, ..., off:off + M] for _, _, rh, rw, off in taps], 1)
        out[..., :M] = torch.matmul(w.permute(0, 1, 3, 4, 2).reshape(G, Co // G, -1), cols)
    y = out.view(Co, N, Hc, Wc)[:, :, :Ho, :Wo].transpose(0, 1).contiguous()
    return y if bias is None else y.add_(bias.view(-1, 1, 1))


def conv_transpose2d_polyphase(x: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor], stride: Pair,
                               padding: Pair, out_hw: Pair, dilation: Pair, groups: int) -> torch.Tensor:
    """:func:`conv_transpose2d` of a 4-D ``x`` whose output is ``out_hw``: the scatter view, one product per tap."""
    N, Ci, H, W = x.shape
    _, Cog, KH, KW = weight.shape
    (sh, sw), (dh, dw), (ph, pw), G = stride, dilation, padding, groups
    Co = Cog * G
    # Output pixel s i + d k (before cropping the padding) is pixel i + (d k) // s of component (d k) % s. The
    # components' grid must hold every stamp and reach past the cropped output.
    Hc = max(H + (KH - 1) * dh // sh, -(-(ph + out_hw[0]) // sh))
    Wc = max(W + (KW - 1) * dw // sw, -(-(pw + out_hw[1]) // sw))
    X = _polyphase(x, (0, 0, 0, 0), (1, 1), (Hc, Wc)).view(G, Ci // G, N * Hc * Wc)
    taps = _taps((KH, KW), stride, dilation, Wc)
    M = max(0, N * Hc * Wc - taps[-1][-1])  # every input pixel lies in [0, M)
    wt = weight.view(G, Ci // G, Cog, KH, KW).transpose(1, 2)
    canvas = x.new_zeros(sh, sw, G, Cog, N * Hc * Wc)
    for kh, kw, rh, rw, off in taps:
        canvas[rh, rw, ..., off:off + M].baddbmm_(wt[..., kh, kw], X[..., :M])
    # Interleave the components, full[n, o, s a + r] = canvas[r, o, n, a], then crop the padding.
    full = canvas.view(sh, sw, Co, N, Hc, Wc).permute(3, 2, 4, 0, 5, 1).reshape(N, Co, Hc * sh, Wc * sw)
    out = full[..., ph:ph + out_hw[0], pw:pw + out_hw[1]]
    return out.contiguous() if bias is None else out + bias.view(-1, 1, 1)
