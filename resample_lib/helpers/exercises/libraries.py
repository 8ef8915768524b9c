r"""Checker for the build-it-yourself exercise of "Resizing across libraries": OpenCV's ``INTER_AREA``.

The student writes ``my_area_matrix(n_in, n_out)``, the :math:`(n_\text{out} \times n_\text{in})`
matrix with which ``cv2.resize(..., interpolation=cv2.INTER_AREA)`` shrinks one axis
from ``n_in`` to ``n_out <= n_in`` samples. Output pixel :math:`i` covers the input
interval :math:`[i s, (i+1) s]`, :math:`s = n_\text{in} / n_\text{out}`, and input
pixel :math:`j` covers :math:`[j, j+1]`; the weight is the length of their overlap
divided by :math:`s`:

.. math:: M_{ij} = \frac{|[j, j+1] \cap [i s, (i+1) s]|}{s}.

:func:`check_area_matrix` reads OpenCV's own matrix off ``cv2.resize`` (it resizes an
identity matrix, one impulse per row) and compares it with the student's on seeded
random sizes, integer and non-integer factors, ``n_out = 1`` and ``n_out = n_in``.
The comparison is with OpenCV, not torch: torch's ``area`` mode averages whole
pixels and is a different rule when :math:`s` is not an integer.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from resample_lib.helpers.exercises import Case, Verdict, check

__all__ = ["area_matrix_cases", "area_matrix_reference", "check_area_matrix"]


def area_matrix_reference(n_in: int, n_out: int) -> torch.Tensor:
    """OpenCV's answer: ``cv2.resize`` of the identity with ``INTER_AREA``, as a float64 ``(n_out, n_in)`` matrix.

    Args:
        n_in: input samples.
        n_out: output samples.

    Examples:
        >>> area_matrix_reference(3, 2)
        tensor([[0.6667, 0.3333, 0.0000],
                [0.0000, 0.3333, 0.6667]], dtype=torch.float64)
    """
    import cv2

    eye = np.eye(n_in, dtype=np.float32)  # row j: an impulse at input pixel j
    out = cv2.resize(eye, (n_out, n_in), interpolation=cv2.INTER_AREA)  # dsize is (width, height)
    return torch.from_numpy(np.ascontiguousarray(out)).double().T.contiguous()


def area_matrix_cases(count: int = 30, seed: int = 0) -> list[Case]:
    """Seeded ``(n_in, n_out)`` with ``1 <= n_out <= n_in``: the edge cases first, then random sizes.

    Args:
        count: number of cases (at least the 8 edge cases).
        seed: seed of the random sizes.
    """
    g = torch.Generator().manual_seed(seed)
    pairs = [(1, 1), (7, 7), (9, 1), (8, 4), (12, 3), (5, 3), (64, 40), (10, 7)]
    while len(pairs) < count:
        n_in = int(torch.randint(2, 61, (), generator=g))
        n_out = int(torch.randint(1, n_in + 1, (), generator=g))
        pairs.append((n_in, n_out))
    return [Case({"n_in": a, "n_out": b}) for a, b in pairs[:max(count, 8)]]


def check_area_matrix(student: Callable[[int, int], torch.Tensor], *, count: int = 30, seed: int = 0,
                      verbose: bool = True) -> Verdict:
    """Check ``student(n_in, n_out)`` against OpenCV's ``INTER_AREA`` matrix; print and return the verdict.

    The student's matrix may have any float dtype; it must have shape ``(n_out, n_in)``
    and agree to ``1e-5`` (OpenCV computes in float32).

    Args:
        student: the student's ``my_area_matrix(n_in, n_out)``.
        count: number of cases.
        seed: seed of the random sizes.
        verbose: print the verdict.

    Examples:
        >>> v = check_area_matrix(area_matrix_reference)
        PASS my_area_matrix: all 30 cases agree with OpenCV.
    """
    def as_double(n_in: int, n_out: int) -> torch.Tensor:
        out = student(n_in, n_out)
        return torch.as_tensor(out).double() if isinstance(out, (torch.Tensor, np.ndarray)) else out

    return check("my_area_matrix", as_double, area_matrix_reference,
                 area_matrix_cases(count, seed), atol=1e-5, rtol=0.0, verbose=verbose, against="OpenCV")
