r"""Checker for chapter 01's build-it-yourself exercise: ``linear`` resampling along one axis.

The student writes ``my_resize_1d(x, size, align_corners)`` for ``(N, C, L)``
inputs from the source coordinates of the chapter,

.. math::

    u_i = s\,(i + \tfrac12) - \tfrac12,\ s = L / \text{size} \quad\text{(align\_corners=False)},
    \qquad u_i = s\, i,\ s = \frac{L - 1}{\text{size} - 1} \quad\text{(align\_corners=True)},

and :func:`check_resize_1d` compares it with
``F.interpolate(x, size=size, mode="linear", align_corners=align_corners)`` on
seeded random cases: upsampling and downsampling, both settings, and the edge
cases ``L = 1``, ``size = 1`` and ``size = L``.
"""
from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from resample_lib.helpers.exercises import Case, Verdict, check

__all__ = ["check_resize_1d", "resize_1d_cases", "resize_1d_reference"]


def resize_1d_reference(x: torch.Tensor, size: int, align_corners: bool) -> torch.Tensor:
    """torch's answer: ``F.interpolate(x, size=size, mode="linear", align_corners=align_corners)``.

    Args:
        x: the signals.
        size: number of output samples.
        align_corners: corner rule instead of the half-pixel rule.

    Shape:
        - Input: ``(N, C, L)``.
        - Output: ``(N, C, size)``.

    Examples:
        >>> resize_1d_reference(torch.tensor([[[0.0, 1.0]]]), 4, False)
        tensor([[[0.0000, 0.2500, 0.7500, 1.0000]]])
    """
    return F.interpolate(x, size=size, mode="linear", align_corners=align_corners)


def resize_1d_cases(count: int = 40, seed: int = 0) -> list[Case]:
    """Seeded cases ``(x, size, align_corners)``: the edge cases first, then random sizes up and down.

    Args:
        count: number of cases in all (at least the 10 edge cases).
        seed: seed of the random sizes and values.

    Returns:
        The cases, each holding ``x`` of shape ``(N, C, L)``, ``size`` and ``align_corners``.

    Examples:
        >>> [(c.kwargs["x"].shape[-1], c.kwargs["size"], c.kwargs["align_corners"]) for c in resize_1d_cases()[:2]]
        [(1, 1, False), (1, 1, True)]
    """
    gen = torch.Generator().manual_seed(seed)
    edge = [(1, 1), (1, 6), (6, 1), (7, 7), (2, 9)]  # (L, size): L = 1, size = 1, size = L, a big factor
    shapes = [(L, size, ac) for L, size in edge for ac in (False, True)]
    while len(shapes) < count:
        L = int(torch.randint(2, 17, (1,), generator=gen))
        size = int(torch.randint(1, 25, (1,), generator=gen))
        shapes.append((L, size, len(shapes) % 2 == 1))
    cases = []
    for L, size, ac in shapes[:max(count, len(edge) * 2)]:
        n, c = (int(v) for v in torch.randint(1, 4, (2,), generator=gen))
        x = torch.randn(n, c, L, generator=gen)
        cases.append(Case({"x": x, "size": size, "align_corners": ac}))
    return cases


def check_resize_1d(student: Callable[..., torch.Tensor], *, count: int = 40, seed: int = 0,
                    verbose: bool = True) -> Verdict:
    """Check ``student(x, size, align_corners)`` against ``F.interpolate(..., mode="linear")``.

    Args:
        student: the student's ``my_resize_1d(x, size, align_corners)``.
        count: number of cases, as in :func:`resize_1d_cases`.
        seed: seed of the cases.
        verbose: print the verdict.

    Returns:
        The :class:`~resample_lib.helpers.exercises.Verdict`; prints ``PASS`` or
        ``FAIL`` with the first failing case, and never raises.

    Examples:
        >>> v = check_resize_1d(resize_1d_reference)
        PASS my_resize_1d: all 40 cases agree with torch.
    """
    return check("my_resize_1d", student, resize_1d_reference, resize_1d_cases(count, seed), verbose=verbose)
