"""Checker for chapter 05's build-it-yourself exercise: DDIM's ``Upsample`` from indexing and a convolution."""
from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from resample_lib.helpers.exercises import Case, Verdict, check

__all__ = ["check_ddim_upsample", "ddim_upsample_cases"]


def _reference(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    return F.conv2d(F.interpolate(x, scale_factor=2.0, mode="nearest"), weight, bias, stride=1, padding=1)


def ddim_upsample_cases(n: int = 24, seed: int = 0) -> list[Case]:
    """Seeded random inputs: batch 1-3, 1-6 channels, sides 1-9 (odd, even, non-square), float32 and float64."""
    g = torch.Generator().manual_seed(seed)
    cases = []
    for i in range(n):
        nb, c, h, w = (int(v) for v in (torch.randint(1, 4, (1,), generator=g), torch.randint(1, 7, (1,), generator=g),
                                        torch.randint(1, 10, (1,), generator=g), torch.randint(1, 10, (1,), generator=g)))
        dtype = torch.float64 if i % 3 == 2 else torch.float32
        cases.append(Case({"x": torch.randn(nb, c, h, w, generator=g, dtype=dtype),
                           "weight": torch.randn(c, c, 3, 3, generator=g, dtype=dtype),
                           "bias": torch.randn(c, generator=g, dtype=dtype)}))
    return cases


def check_ddim_upsample(student: Callable[..., torch.Tensor], verbose: bool = True) -> Verdict:
    """Compare ``student(x, weight, bias)`` with ``conv2d(interpolate(x, scale_factor=2, 'nearest'), padding=1)``.

    Examples:
        >>> v = check_ddim_upsample(_reference)
        PASS DDIM Upsample: all 24 cases agree with torch.
    """
    return check("DDIM Upsample", student, _reference, ddim_upsample_cases(), atol=1e-4, rtol=1e-4, verbose=verbose)
