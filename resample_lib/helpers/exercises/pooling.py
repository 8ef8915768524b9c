r"""Checker for chapter 04's build-it-yourself exercise: max pooling with indices.

The student writes ``my_max_pool2d_with_indices(x, kernel_size, stride, padding)``
for ``(N, C, H, W)`` inputs and integer window arguments. It must return what
``F.max_pool2d(x, kernel_size, stride, padding, return_indices=True)`` returns:
the maxima, and for each one the flat index ``h * W + w`` of the winning input
inside its own ``H x W`` plane (padding never wins: it counts as :math:`-\infty`).

The cases are seeded and every input holds distinct values, so no window has a
tie and the indices are unique. They cover the edge cases a first attempt tends
to miss: windows that reach into the padding of an all-negative input (zero
padding would win there), non-square inputs (``h * H + w`` is not ``h * W + w``),
strides larger than the kernel (gaps), smaller (overlaps), ``kernel_size=1`` and
the largest padding torch allows, ``kernel_size // 2``.
"""
from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from resample_lib.helpers.exercises import Case, Verdict, check

__all__ = ["max_pool_cases", "check_max_pool2d_with_indices"]


def _distinct(shape: tuple[int, ...], g: torch.Generator, negative: bool = False) -> torch.Tensor:
    """A float tensor of ``shape`` whose entries are all different (half of them negative, or all)."""
    n = 1
    for s in shape:
        n *= s
    values = torch.randperm(n, generator=g).float()
    values = -(values + 1) if negative else values - n // 2
    return (values / 4).reshape(shape)


def max_pool_cases(n_random: int = 30, seed: int = 0) -> list[Case]:
    """Six hand-picked edge cases, then ``n_random`` seeded random ones.

    Each case holds ``x`` (float32, ``(N, C, H, W)``, distinct values) and the
    integers ``kernel_size``, ``stride`` and ``padding`` (``0 <= padding <=
    kernel_size // 2``, as torch requires).

    Args:
        n_random: number of random cases after the 6 fixed ones.
        seed: seed of the inputs and of the random cases' sizes.

    Returns:
        The cases.

    Examples:
        >>> cases = max_pool_cases(2)
        >>> len(cases), tuple(cases[0].kwargs["x"].shape), cases[0].kwargs["kernel_size"]
        (8, (1, 1, 4, 4), 2)
    """
    g = torch.Generator().manual_seed(seed)
    fixed = [
        ((1, 1, 4, 4), 2, 2, 0, False),   # the textbook case
        ((2, 3, 5, 7), 3, 2, 1, False),   # non-square, padded, batch and channels
        ((1, 1, 6, 6), 3, 1, 1, True),    # all negative: padding must not win
        ((1, 2, 7, 5), 2, 3, 0, False),   # stride larger than the kernel: gaps
        ((1, 1, 5, 6), 1, 2, 0, False),   # kernel 1: plain subsampling
        ((2, 1, 6, 9), 4, 1, 2, True),    # the largest padding allowed, overlapping windows
    ]
    cases = [Case({"x": _distinct(shape, g, neg), "kernel_size": k, "stride": s, "padding": p})
             for shape, k, s, p, neg in fixed]
    for _ in range(n_random):
        k = int(torch.randint(1, 5, (1,), generator=g))
        s = int(torch.randint(1, 5, (1,), generator=g))
        p = int(torch.randint(0, k // 2 + 1, (1,), generator=g))
        h, w = (int(v) for v in torch.randint(max(1, k - 2 * p), 11, (2,), generator=g))
        n, c = (int(v) for v in torch.randint(1, 3, (2,), generator=g))
        negative = bool(torch.rand(1, generator=g) < 0.2)
        cases.append(Case({"x": _distinct((n, c, h, w), g, negative), "kernel_size": k, "stride": s, "padding": p}))
    return cases


def _reference(x: torch.Tensor, kernel_size: int, stride: int, padding: int):
    """torch's answer: ``F.max_pool2d(x, kernel_size, stride, padding, return_indices=True)``."""
    return F.max_pool2d(x, kernel_size, stride, padding, return_indices=True)


def check_max_pool2d_with_indices(student: Callable[..., tuple[torch.Tensor, torch.Tensor]], *,
                                  n_random: int = 30, seed: int = 0, verbose: bool = True) -> Verdict:
    """Compare ``student(x, kernel_size, stride, padding)`` with ``F.max_pool2d(..., return_indices=True)``.

    Values must agree to float tolerance and indices exactly.

    Args:
        student: the student's ``my_max_pool2d_with_indices``, returning ``(values, indices)``.
        n_random: number of random cases, as in :func:`max_pool_cases`.
        seed: seed of the cases.
        verbose: print the verdict.

    Returns:
        The :class:`~resample_lib.helpers.exercises.Verdict`; prints ``PASS`` or the
        first failing case, and never raises.

    Examples:
        >>> from resample_lib import max_pool2d
        >>> v = check_max_pool2d_with_indices(
        ...     lambda x, kernel_size, stride, padding: max_pool2d(x, kernel_size, stride, padding,
        ...                                                        return_indices=True))
        PASS max_pool2d with indices: all 36 cases agree with torch.
    """
    return check("max_pool2d with indices", student, _reference, max_pool_cases(n_random, seed), verbose=verbose)
