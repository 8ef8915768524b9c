r"""Checker for the tour's build-it-yourself exercise: a 2x downsampler that does not move the image.

The exercise asks for ``blur_down2(x)``: blur every channel with the 4x4
binomial kernel :math:`b\,b^\top`, :math:`b = [1, 3, 3, 1]/8`, and keep every
second sample, so that output sample :math:`(i, j)` is centred on input
position :math:`(2i + \tfrac12,\ 2j + \tfrac12)`, the centre of the 2x2 block
it replaces (where ``avg_pool2d(x, 2)`` puts it). The borders are padded by
reflection. In one dimension

.. math:: y[i] = \tfrac18\big(x[2i-1] + 3x[2i] + 3x[2i+1] + x[2i+2]\big),

with :math:`x[-1] = x[1]` and :math:`x[H] = x[H-2]`: one sample of padding
on each side, and :math:`H/2` outputs for an even :math:`H`.

:func:`check_blur_down2` compares a student's function with torch
(``F.pad`` + a depthwise ``F.conv2d``) on seeded random inputs and prints one
verdict (see :func:`resample_lib.helpers.exercises.check`).
"""
from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

from resample_lib.helpers.exercises import Case, Verdict, check

__all__ = ["blur_down2_reference", "blur_down2_cases", "check_blur_down2"]


def blur_down2_reference(x: Tensor) -> Tensor:
    """Torch's answer: reflect-pad by one, then a depthwise 4x4 binomial convolution at stride 2.

    Shape:
        - Input: ``(N, C, H, W)`` with even ``H`` and ``W``.
        - Output: ``(N, C, H/2, W/2)``.

    Examples:
        >>> blur_down2_reference(torch.ones(1, 2, 4, 6)).shape
        torch.Size([1, 2, 2, 3])
    """
    if x.dim() != 4 or x.shape[-2] % 2 or x.shape[-1] % 2:
        raise ValueError(f"expected (N, C, H, W) with even H and W, got {tuple(x.shape)}")
    b = torch.tensor([1.0, 3.0, 3.0, 1.0], dtype=x.dtype, device=x.device) / 8
    c = x.shape[1]
    weight = torch.outer(b, b).expand(c, 1, 4, 4).contiguous()
    return F.conv2d(F.pad(x, (1, 1, 1, 1), mode="reflect"), weight, stride=2, groups=c)


def blur_down2_cases(n: int = 30, seed: int = 0) -> list[Case]:
    """``n`` seeded inputs: batch 1-2, 1-4 channels, even sides from 2 to 20, float32 and float64.

    The first cases are the edge cases: the smallest image (2x2), a constant
    image (the kernel must keep the mean), a ramp (it must not shift), a
    non-square image and a non-contiguous input.

    Args:
        n: number of cases in all.
        seed: seed of the random inputs.

    Returns:
        The cases, each holding one input ``x``.

    Examples:
        >>> cases = blur_down2_cases(6)
        >>> [tuple(c.kwargs["x"].shape) for c in cases[:2]]
        [(1, 1, 2, 2), (1, 3, 8, 8)]
    """
    g = torch.Generator().manual_seed(seed)
    xs = [
        torch.rand(1, 1, 2, 2, generator=g),
        torch.full((1, 3, 8, 8), 0.7),
        torch.arange(12.0).expand(1, 1, 12, 12).contiguous(),
        torch.randn(2, 2, 6, 14, generator=g),
        torch.randn(1, 2, 10, 8, generator=g).transpose(-1, -2),
    ]
    while len(xs) < n:
        shape = (int(torch.randint(1, 3, (), generator=g)), int(torch.randint(1, 5, (), generator=g)),
                 2 * int(torch.randint(1, 11, (), generator=g)), 2 * int(torch.randint(1, 11, (), generator=g)))
        dtype = torch.float64 if len(xs) % 4 == 0 else torch.float32
        xs.append(torch.randn(shape, generator=g, dtype=dtype))
    return [Case({"x": x}) for x in xs[:n]]


def check_blur_down2(student: Callable[[Tensor], Tensor], *, verbose: bool = True) -> Verdict:
    """Check a student's ``blur_down2(x)`` against torch on :func:`blur_down2_cases`; print the verdict.

    Args:
        student: the student's ``blur_down2``.
        verbose: print the verdict.

    Returns:
        The :class:`~resample_lib.helpers.exercises.Verdict`; never raises on a wrong answer.

    Examples:
        >>> v = check_blur_down2(blur_down2_reference)
        PASS blur_down2: all 30 cases agree with torch.
    """
    return check("blur_down2", student, blur_down2_reference, blur_down2_cases(), verbose=verbose)
