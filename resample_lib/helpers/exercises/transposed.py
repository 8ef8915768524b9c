r"""Checker for the transposed-convolution chapter's build-it-yourself exercise.

The student writes ``my_conv_transpose2d(x, weight, stride, padding, output_padding=0)``
by the scatter formula of the chapter,

.. math::

    y[n, o,\ s i + k_h - p,\ s j + k_w - p] \mathrel{+}= x[n, c, i, j]\ w[c, o, k_h, k_w],

for an input of shape :math:`(N, C_\text{in}, H, W)` and a weight of shape
:math:`(C_\text{in}, C_\text{out}, k_H, k_W)` (no groups, no dilation), with output size
:math:`(H - 1)s - 2p + k_H + \mathrm{op}` by :math:`(W - 1)s - 2p + k_W + \mathrm{op}`.
:func:`check_conv_transpose2d` compares it with :func:`torch.nn.functional.conv_transpose2d`.
"""
from __future__ import annotations

import random
from collections.abc import Callable

import torch
import torch.nn.functional as F

from resample_lib.helpers.exercises import Case, Verdict, check

__all__ = ["conv_transpose2d_cases", "check_conv_transpose2d"]


def _reference(x: torch.Tensor, weight: torch.Tensor, stride: int, padding: int,
               output_padding: int) -> torch.Tensor:
    """torch's answer, ``F.conv_transpose2d``, with the exercise's argument names."""
    return F.conv_transpose2d(x, weight, stride=stride, padding=padding, output_padding=output_padding)


def conv_transpose2d_cases(n: int = 40, seed: int = 0) -> list[Case]:
    """Seeded cases for ``my_conv_transpose2d``: easy ones first, then random ones.

    The random cases draw a batch of 1 or 2, 1 to 3 input and output channels, an input of 1 to 5 pixels per
    side, a kernel of 1 to 4 taps per side (not always square), a stride of 1 to 3, a padding of 0 to 4
    (also larger than the kernel, which crops into the stamps) and an output padding below the stride; a
    draw whose output would be empty is skipped. Values are float64.

    Args:
        n: number of cases in all (at least the 4 easy ones).
        seed: seed of the sizes and values.

    Returns:
        The cases, each holding ``x``, ``weight``, ``stride``, ``padding`` and ``output_padding``.

    Examples:
        >>> cases = conv_transpose2d_cases(6)
        >>> len(cases), tuple(cases[3].kwargs["weight"].shape)
        (6, (3, 2, 4, 4))
    """
    rng = random.Random(seed)
    gen = torch.Generator().manual_seed(seed)

    def case(N, ci, co, H, W, kh, kw, s, p, op):
        return Case({"x": torch.randn(N, ci, H, W, generator=gen, dtype=torch.float64),
                     "weight": torch.randn(ci, co, kh, kw, generator=gen, dtype=torch.float64),
                     "stride": s, "padding": p, "output_padding": op})

    cases = [case(1, 1, 1, 3, 3, 3, 3, 1, 0, 0),   # stride 1: every stamp overlaps its neighbours
             case(1, 1, 1, 3, 3, 3, 3, 2, 0, 0),   # the chapter's animation
             case(1, 1, 1, 3, 3, 3, 3, 2, 1, 1),   # the usual "double the size" layer
             case(2, 3, 2, 4, 5, 4, 4, 2, 1, 0)]   # channels: weight is (C_in, C_out, kH, kW)
    while len(cases) < n:
        N, ci, co = rng.randint(1, 2), rng.randint(1, 3), rng.randint(1, 3)
        H, W, kh, kw = rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 4), rng.randint(1, 4)
        s, p = rng.randint(1, 3), rng.randint(0, 4)
        op = rng.randint(0, s - 1)
        if min((H - 1) * s - 2 * p + kh + op, (W - 1) * s - 2 * p + kw + op) < 1:
            continue
        cases.append(case(N, ci, co, H, W, kh, kw, s, p, op))
    return cases


def check_conv_transpose2d(student: Callable[..., torch.Tensor], *, n: int = 40, seed: int = 0,
                           verbose: bool = True) -> Verdict:
    """Check ``student(x, weight, stride, padding, output_padding)`` against ``F.conv_transpose2d``.

    Prints ``PASS`` or ``FAIL`` with the first failing case; never raises.

    Args:
        student: the student's ``my_conv_transpose2d``.
        n: how many cases :func:`conv_transpose2d_cases` draws.
        seed: its seed.
        verbose: whether to print.

    Returns:
        The :class:`Verdict`, true when every case agrees with torch.

    Examples:
        >>> v = check_conv_transpose2d(lambda x, weight, stride, padding, output_padding: F.conv_transpose2d(
        ...     x, weight, stride=stride, padding=padding, output_padding=output_padding))
        PASS my_conv_transpose2d: all 40 cases agree with torch.
    """
    return check("my_conv_transpose2d", student, _reference, conv_transpose2d_cases(n, seed), atol=1e-9,
                 rtol=1e-9, verbose=verbose)
