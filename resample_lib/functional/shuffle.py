r"""Pixel shuffle (sub-pixel convolution) and ICNR initialisation.

``pixel_shuffle`` moves :math:`r^2` channels into an :math:`r \times r` block of
pixels (Shi et al., 2016):

.. math::

    y[c, r h + i, r w + j] = x[c r^2 + i r + j, h, w], \qquad 0 \le i, j < r

``pixel_unshuffle`` is its inverse. A convolution with :math:`C r^2` outputs
followed by ``pixel_shuffle`` is an upsampling layer; ICNR (Aitken et al., 2017)
initialises it so that, at the start of training, it equals a convolution
followed by nearest-neighbour upsampling, which has no checkerboard artifacts.
"""
from __future__ import annotations

import math
from typing import Callable, Optional

import torch

from resample_lib.functional._validate import check_int, check_tensor

__all__ = ["pixel_shuffle", "pixel_unshuffle", "icnr_"]


def _check_input(op: str, input: object) -> torch.Tensor:
    """A tensor of at least 3 dimensions (*, C, H, W); any size may be zero, as in torch."""
    check_tensor(input, "input", op)
    if input.dim() < 3:
        raise ValueError(
            f"{op}: expected an input of at least 3 dimensions (*, C, H, W), "
            f"got a {input.dim()}-D tensor of shape {tuple(input.shape)}"
        )
    return input


def pixel_shuffle(input: torch.Tensor, upscale_factor: int) -> torch.Tensor:
    r"""Rearrange channels into space, like :func:`torch.nn.functional.pixel_shuffle`.

    .. math::

        y[\ldots, c, r h + i, r w + j] = x[\ldots, c r^2 + i r + j, h, w]

    A reshape to :math:`(*, C, r, r, H, W)`, a permutation to
    :math:`(*, C, H, r, W, r)` and a reshape.

    Args:
        input: tensor of shape :math:`(*, C r^2, H, W)`.
        upscale_factor: :math:`r`, a positive int dividing the channels' square root out.

    Shape:
        - Input: :math:`(*, C r^2, H, W)`, any number of leading dims
        - Output: :math:`(*, C, H r, W r)`

    Examples:
        >>> pixel_shuffle(torch.arange(4.).view(1, 4, 1, 1), 2)
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """
    op = "pixel_shuffle"
    _check_input(op, input)
    r = check_int(upscale_factor, "upscale_factor", op, minimum=1)
    *batch, C, H, W = input.shape
    if C % (r * r) != 0:
        raise ValueError(
            f"{op}: the channel dimension ({C}) must be divisible by upscale_factor**2 = {r * r}, "
            f"got input of shape {tuple(input.shape)}"
        )
    b = len(batch)
    x = input.reshape(*batch, C // (r * r), r, r, H, W)
    x = x.permute(*range(b), b, b + 3, b + 1, b + 4, b + 2)
    return x.reshape(*batch, C // (r * r), H * r, W * r)


def pixel_unshuffle(input: torch.Tensor, downscale_factor: int) -> torch.Tensor:
    r"""Rearrange space into channels, the inverse of :func:`pixel_shuffle`.

    .. math::

        y[\ldots, c r^2 + i r + j, h, w] = x[\ldots, c, r h + i, r w + j]

    Args:
        input: tensor of shape :math:`(*, C, H r, W r)`.
        downscale_factor: :math:`r`, a positive int dividing both spatial sizes.

    Shape:
        - Input: :math:`(*, C, H r, W r)`, any number of leading dims
        - Output: :math:`(*, C r^2, H, W)`

    Examples:
        >>> pixel_unshuffle(torch.arange(4.).view(1, 1, 2, 2), 2).flatten()
        tensor([0., 1., 2., 3.])
    """
    op = "pixel_unshuffle"
    _check_input(op, input)
    r = check_int(downscale_factor, "downscale_factor", op, minimum=1)
    *batch, C, H, W = input.shape
    if H % r != 0 or W % r != 0:
        raise ValueError(
            f"{op}: height ({H}) and width ({W}) must be divisible by downscale_factor={r}, "
            f"got input of shape {tuple(input.shape)}"
        )
    b = len(batch)
    x = input.reshape(*batch, C, H // r, r, W // r, r)
    x = x.permute(*range(b), b, b + 2, b + 4, b + 1, b + 3)
    return x.reshape(*batch, C * r * r, H // r, W // r)


def icnr_(
    weight: torch.Tensor,
    upscale_factor: int,
    init: Callable[..., torch.Tensor] = torch.nn.init.kaiming_normal_,
    generator: Optional[torch.Generator] = None,
    bias: Optional[torch.Tensor] = None,
) -> torch.Tensor:
    r"""Fill a conv weight feeding :func:`pixel_shuffle` with ICNR, in place.

    ICNR (Aitken et al., 2017, "Checkerboard artifact free sub-pixel convolution"):
    initialise a kernel :math:`w_0` of shape :math:`(C, C_\text{in}, k_H, k_W)` with
    ``init`` and give all :math:`r^2` sub-pixel channels of an output channel the
    same kernel,

    .. math::

        w[c r^2 + i r + j] = w_0[c], \qquad 0 \le i, j < r,

    so ``pixel_shuffle(conv2d(x, w), r)`` equals nearest-neighbour upsampling of
    ``conv2d(x, w_0)`` at initialisation.

    Args:
        weight: conv weight of shape :math:`(C r^2, C_\text{in}, k_H, k_W)`; overwritten.
        upscale_factor: :math:`r`, a positive int.
        init: an in-place initialiser called as ``init(w0, generator=generator)``
            (any ``torch.nn.init`` function that takes a generator).
        generator: the random generator, for reproducible weights.
        bias: optional conv bias of shape :math:`(C r^2)`, overwritten the same way: one value
            per output channel, drawn (after the weight) from torch's default conv bias
            distribution :math:`U(-1/\sqrt{\text{fan\_in}}, 1/\sqrt{\text{fan\_in}})` and copied
            to its :math:`r^2` sub-pixel channels.

    Returns:
        ``weight``, filled.

    Examples:
        >>> w = icnr_(torch.empty(8, 3, 3, 3), 2, generator=torch.Generator().manual_seed(0))
        >>> bool((w[0] == w[3]).all()), bool((w[3] == w[4]).all())
        (True, False)
    """
    op = "icnr_"
    check_tensor(weight, "weight", op)
    if weight.dim() < 2:
        raise ValueError(f"{op}: expected a conv weight (C*r^2, C_in, ...), got shape {tuple(weight.shape)}")
    r = check_int(upscale_factor, "upscale_factor", op, minimum=1)
    if weight.shape[0] % (r * r) != 0:
        raise ValueError(
            f"{op}: out channels ({weight.shape[0]}) must be divisible by upscale_factor**2 = {r * r}, "
            f"got weight of shape {tuple(weight.shape)}"
        )
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ValueError(f"{op}: expected a bias of shape ({weight.shape[0]},), got {tuple(bias.shape)}")
    sub = weight.new_empty(weight.shape[0] // (r * r), *weight.shape[1:])
    with torch.no_grad():
        init(sub, generator=generator)
        weight.copy_(sub.repeat_interleave(r * r, dim=0))
        if bias is not None:
            bound = 1 / math.sqrt(sub[0].numel())
            b = bias.new_empty(weight.shape[0] // (r * r)).uniform_(-bound, bound, generator=generator)
            bias.copy_(b.repeat_interleave(r * r))
    return weight
