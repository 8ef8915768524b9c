r"""Checker for the strided-convolution chapter's exercise: a convolution with any stride and any zero padding.

The student writes ``my_strided_conv2d(x, weight, stride, pad)``, where ``pad``
is ``(left, right, top, bottom)`` in the order of :func:`torch.nn.functional.pad`,
so that DDIM's ``Downsample`` is ``my_strided_conv2d(x, w, 2, (0, 1, 0, 1))``.
The reference is torch's own composition

.. math:: y = \operatorname{conv2d}(\operatorname{pad}(x, (l, r, t, b)),\; w,\; \text{stride}=s),

with, per axis, :math:`H_\text{out} = \lfloor (H + t + b - k_H)/s \rfloor + 1`.

The cases start with the ones a wrong answer trips on (DDIM's pad, the pad
order, non-square inputs and kernels, several channels, a last row no window
reads, a kernel as large as the padded input, stride 1 and 3), then seeded
random ones.
"""
from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from resample_lib.helpers.exercises import Case, Verdict, check

__all__ = ["reference_strided_conv2d", "strided_conv2d_cases", "check_strided_conv2d"]


def reference_strided_conv2d(x: torch.Tensor, weight: torch.Tensor, stride: int,
                             pad: tuple[int, int, int, int]) -> torch.Tensor:
    r"""torch's answer: ``F.conv2d(F.pad(x, pad), weight, stride=stride)``.

    Args:
        x: the input batch.
        weight: the kernels.
        stride: the stride (both axes).
        pad: zeros ``(left, right, top, bottom)``, as in :func:`torch.nn.functional.pad`.

    Shape:
        - Input: ``x`` is ``(N, C_in, H, W)``, ``weight`` is ``(C_out, C_in, kH, kW)``.
        - Output: ``(N, C_out, H_out, W_out)``, :math:`H_\text{out} = \lfloor (H + t + b - k_H)/s \rfloor + 1`.

    Examples:
        >>> reference_strided_conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 3, 3), 2, (0, 1, 0, 1))
        tensor([[[[9., 6.],
                  [6., 4.]]]])
    """
    return F.conv2d(F.pad(x, pad), weight, stride=stride)


def _case(gen: torch.Generator, n: int, c_in: int, c_out: int, h: int, w: int, kh: int, kw: int,
          stride: int, pad: tuple[int, int, int, int]) -> Case:
    """One case with random ``x`` ``(n, c_in, h, w)`` and ``weight`` ``(c_out, c_in, kh, kw)`` drawn from ``gen``."""
    x = torch.randn(n, c_in, h, w, generator=gen)
    weight = torch.randn(c_out, c_in, kh, kw, generator=gen)
    return Case({"x": x, "weight": weight, "stride": stride, "pad": pad})


def strided_conv2d_cases(n_random: int = 24, seed: int = 0) -> list[Case]:
    """Fixed edge cases followed by ``n_random`` seeded random ones (float32 inputs).

    Every case has ``x`` of shape ``(N, C_in, H, W)``, ``weight`` of shape
    ``(C_out, C_in, kH, kW)``, an int ``stride`` and ``pad = (left, right, top, bottom)``,
    with the padded input at least as large as the kernel.

    Args:
        n_random: number of random cases after the 12 fixed ones.
        seed: seed of every case's values and of the random cases' sizes.

    Returns:
        The cases.

    Examples:
        >>> len(strided_conv2d_cases()), strided_conv2d_cases()[0].kwargs["pad"]
        (36, (0, 1, 0, 1))
    """
    gen = torch.Generator().manual_seed(seed)
    fixed = [  # n, c_in, c_out, h, w, kh, kw, stride, pad
        (1, 1, 1, 8, 8, 3, 3, 2, (0, 1, 0, 1)),     # DDIM's Downsample on an even size
        (1, 1, 1, 7, 7, 3, 3, 2, (0, 1, 0, 1)),     # ... on an odd size: the padded row is never read
        (1, 1, 1, 6, 9, 3, 3, 2, (2, 0, 1, 3)),     # four different pads, non-square input
        (1, 1, 1, 9, 6, 3, 3, 2, (0, 1, 2, 0)),     # pads on one side per axis
        (2, 3, 4, 8, 10, 3, 3, 2, (1, 1, 1, 1)),    # channels and a batch, symmetric pad 1
        (1, 2, 3, 8, 8, 3, 3, 1, (1, 1, 1, 1)),     # stride 1
        (1, 1, 2, 11, 10, 3, 3, 3, (0, 2, 1, 0)),   # stride 3
        (1, 2, 2, 9, 7, 2, 4, 2, (1, 0, 0, 1)),     # non-square kernel
        (1, 1, 1, 8, 8, 4, 4, 2, (1, 1, 1, 1)),     # even kernel
        (1, 1, 1, 8, 8, 3, 3, 2, (0, 0, 0, 0)),     # no padding: the last row is never read
        (1, 1, 1, 5, 4, 1, 1, 2, (0, 0, 0, 0)),     # a 1x1 kernel is plain subsampling
        (1, 2, 1, 3, 4, 5, 5, 2, (1, 0, 2, 0)),     # kernel as large as the padded input: one output
    ]
    cases = [_case(gen, *args) for args in fixed]
    for _ in range(n_random):
        kh, kw = (int(v) for v in torch.randint(1, 5, (2,), generator=gen))
        stride = int(torch.randint(1, 4, (1,), generator=gen))
        pad = tuple(int(v) for v in torch.randint(0, 3, (4,), generator=gen))
        h = max(int(torch.randint(1, 12, (1,), generator=gen)), kh - pad[2] - pad[3])
        w = max(int(torch.randint(1, 12, (1,), generator=gen)), kw - pad[0] - pad[1])
        n, c_in, c_out = (int(v) for v in torch.randint(1, 4, (3,), generator=gen))
        cases.append(_case(gen, n, c_in, c_out, h, w, kh, kw, stride, pad))
    return cases


def check_strided_conv2d(student: Callable[..., torch.Tensor], *, verbose: bool = True) -> Verdict:
    """Compare ``student(x, weight, stride, pad)`` with ``F.conv2d(F.pad(x, pad), weight, stride=stride)``.

    Args:
        student: the student's ``my_strided_conv2d``.
        verbose: print the verdict.

    Returns:
        The :class:`~resample_lib.helpers.exercises.Verdict`; prints ``PASS`` with the
        number of cases, or ``FAIL`` with the first case that differs (its arguments,
        and the shapes or values that disagree), and never raises.

    Examples:
        >>> v = check_strided_conv2d(reference_strided_conv2d)
        PASS my_strided_conv2d: all 36 cases agree with torch.
    """
    return check("my_strided_conv2d", student, reference_strided_conv2d, strided_conv2d_cases(),
                 atol=1e-4, rtol=1e-4, verbose=verbose)
