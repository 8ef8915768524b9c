r"""Checker for the aliasing chapter's build-it-yourself exercise: a filter's frequency response.

The student writes ``my_frequency_response(taps, n_freqs)``: the magnitude of
the discrete-time Fourier transform (DTFT) of a 1-D filter,

.. math::
    |H(f_k)| = \Big| \sum_{j=0}^{L-1} h[j]\, e^{-2\pi i f_k j} \Big|,
    \qquad f_k = \frac{k}{2(n-1)}, \quad k = 0, \dots, n-1,

at :math:`n` = ``n_freqs`` equally spaced frequencies from 0 to :math:`\tfrac12`
cycle per sample, both included. The reference is torch's real FFT of the taps
zero-padded to length :math:`2(n-1)`, whose bins are exactly those
frequencies; the cases keep :math:`2(n-1) \ge L`, so the FFT does not wrap the
kernel and both routes give the same numbers.
"""
from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from resample_lib.helpers.exercises import Case, Verdict, check

__all__ = ["reference_frequency_response", "frequency_response_cases", "check_frequency_response"]


def reference_frequency_response(taps: Tensor, n_freqs: int) -> Tensor:
    r"""``|H(f)|`` at ``n_freqs`` frequencies in [0, 1/2], from a zero-padded ``torch.fft.rfft``.

    Args:
        taps: the filter's taps :math:`h[0], \dots, h[L-1]`.
        n_freqs: number of frequencies from 0 to 1/2, both included.

    Shape:
        - Input: ``taps`` :math:`(L,)`, with :math:`2(n_{freqs} - 1) \ge L`.
        - Output: :math:`(n_{freqs},)`.

    Examples:
        >>> reference_frequency_response(torch.tensor([0.5, 0.5], dtype=torch.float64), 3)
        tensor([1.0000, 0.7071, 0.0000], dtype=torch.float64)
    """
    if n_freqs < 2 or 2 * (n_freqs - 1) < taps.numel():
        raise ValueError(f"need n_freqs >= 2 and 2 (n_freqs - 1) >= len(taps) = {taps.numel()}, got n_freqs={n_freqs}")
    return torch.fft.rfft(taps, n=2 * (n_freqs - 1)).abs()


def frequency_response_cases(seed: int = 0) -> list[Case]:
    r"""32 seeded cases: a delta, boxes, binomial and interpolation filters, signed and random taps.

    Lengths run from 1 to 13 taps, ``n_freqs`` from the smallest allowed
    (``max(2, ceil(L / 2) + 1)``, where the zero-padded FFT is as short as the
    kernel) to 129; taps are float64, the random ones scaled to
    :math:`\sum |h| = 1` (so :math:`|H| \le 1` and a float32 answer is
    within the tolerance of :math:`10^{-5}`).

    Args:
        seed: seed of the random taps and sizes.
    """
    g = torch.Generator().manual_seed(seed)
    d = torch.float64
    fixed = [
        torch.tensor([1.0], dtype=d),                                  # a delta: |H| = 1 everywhere
        torch.tensor([0.5, 0.5], dtype=d),                             # 2-tap box: cos(pi f), 0 at 1/2
        torch.full((3,), 1 / 3, dtype=d),                              # 3-tap box: a zero inside the band
        torch.tensor([1.0, 2.0, 1.0], dtype=d) / 4,                    # binomial
        torch.tensor([1.0, 3.0, 3.0, 1.0], dtype=d) / 8,               # antialiased bilinear by 2
        torch.tensor([-0.25, 1.5, -0.25], dtype=d),                    # sharpening: peak 2 at Nyquist
        torch.tensor([-1.0, 0.0, 9.0, 16.0, 9.0, 0.0, -1.0], dtype=d) / 32,  # half-band, negative taps
        torch.tensor([0.0, 0.0, 1.0], dtype=d),                        # a delayed delta: phase only
        torch.tensor([1.0, -1.0], dtype=d),                            # a difference: 0 at DC, 2 at Nyquist
        torch.tensor([0.1, 0.7, 0.2], dtype=d),                        # asymmetric
    ]
    cases = []
    for taps in fixed:
        low = max(2, -(-taps.numel() // 2) + 1)
        for n in (low, 9):
            cases.append(Case({"taps": taps, "n_freqs": max(n, low)}))
    while len(cases) < 32:
        length = int(torch.randint(1, 14, (1,), generator=g))
        taps = torch.randn(length, generator=g, dtype=d)
        taps = taps / taps.abs().sum()  # |H| <= 1, so float32 arithmetic stays within the tolerance
        low = max(2, -(-length // 2) + 1)
        n = int(torch.randint(low, 130, (1,), generator=g))
        cases.append(Case({"taps": taps, "n_freqs": n}))
    return cases


def check_frequency_response(student: Callable[..., Tensor], *, verbose: bool = True) -> Verdict:
    """Compare ``student(taps=..., n_freqs=...)`` with :func:`reference_frequency_response` on 32 cases.

    Prints ``PASS`` or ``FAIL`` with the first failing case, and returns the
    :class:`~resample_lib.helpers.exercises.Verdict`; never raises on a wrong answer.

    Args:
        student: the student's ``my_frequency_response(taps, n_freqs)``.
        verbose: print the verdict.

    Examples:
        >>> import math
        >>> def direct(taps, n_freqs):
        ...     f = torch.linspace(0, 0.5, n_freqs, dtype=taps.dtype)
        ...     j = torch.arange(taps.numel(), dtype=taps.dtype)
        ...     return (taps * torch.exp(-2j * math.pi * f[:, None] * j)).sum(-1).abs()
        >>> v = check_frequency_response(direct)
        PASS frequency response: all 32 cases agree with torch.
    """
    return check("frequency response", student, reference_frequency_response, frequency_response_cases(),
                 atol=1e-5, rtol=1e-5, verbose=verbose)
