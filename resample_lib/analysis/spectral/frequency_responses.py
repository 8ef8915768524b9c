r"""Frequency responses of FIR kernels: what a filter keeps and what it lets through to be aliased.

A kernel applied before subsampling by :math:`s` should pass the frequencies below the new Nyquist limit
:math:`1/(2s)` and stop the rest; :func:`frequency_response` (1-D) and :func:`frequency_response2d` (2-D)
show how well it does, in cycles per sample.
"""
from __future__ import annotations

import math
from typing import Optional

import torch
from torch import Tensor

from resample_lib.analysis.spectral.spectrum import _check_real, spectrum_frequencies
from resample_lib.functional._validate import check_int, opmath_dtype

__all__ = ["frequency_response", "frequency_response2d"]


def frequency_response(
    kernel: Tensor, n: int = 512, origin: Optional[float] = None, return_complex: bool = False
) -> tuple[Tensor, Tensor]:
    r"""Frequency response of a 1-D FIR kernel on :math:`n` frequencies in :math:`[0, \tfrac12]`.

    For taps :math:`h[0], \dots, h[L-1]` whose sample :math:`h[c]` sits at the
    output position (the *origin* :math:`c`),

    .. math::
        H(f) = \sum_{j=0}^{L-1} h[j]\, e^{-2\pi i f (j - c)},
        \qquad f = \frac{k}{2(n-1)}, \quad k = 0, \dots, n-1,

    computed as a zero-padded real FFT of length :math:`2(n-1) \ge L` times the
    phase :math:`e^{2\pi i f c}`. The magnitude :math:`|H(f)|` does not depend
    on :math:`c`; the default :math:`c = (L-1)/2` (the kernel's centre) makes
    the response of a symmetric kernel real (zero phase). Applying the kernel
    and subsampling by :math:`s` keeps :math:`f < 1/(2s)` and aliases the rest,
    so :math:`|H(f)|` beyond :math:`1/(2s)` is what leaks.

    For a box of length :math:`L` (:math:`h = 1/L`) this is the Dirichlet
    kernel :math:`|H(f)| = |\sin(\pi f L) / (L \sin(\pi f))|`.

    Args:
        kernel: real 1-D tensor of :math:`L` taps.
        n: number of frequencies from 0 to 0.5 inclusive; at least 2 and at
            least :math:`L/2 + 1` (so the FFT does not wrap the kernel).
        origin: position :math:`c` (in taps, may be fractional) of the output
            sample; default the centre :math:`(L-1)/2`.
        return_complex: return :math:`H(f)` itself instead of :math:`|H(f)|`.

    Shape:
        - Input: :math:`(L,)`.
        - Output: ``(freqs, response)``, both :math:`(n,)`; freqs in cycles per sample.

    Examples:
        >>> f, mag = frequency_response(torch.tensor([0.5, 0.5]), n=3)
        >>> f.tolist(), [round(v, 4) for v in mag.tolist()]
        ([0.0, 0.25, 0.5], [1.0, 0.7071, 0.0])
    """
    h = _check_real(kernel, "kernel", "frequency_response", ndim=1)
    h = h.to(opmath_dtype(h.dtype))
    length = h.shape[0]
    check_int(n, "n", "frequency_response")
    m = 2 * (n - 1)
    if n < 2 or m < length:
        raise ValueError(
            f"frequency_response: n must be at least max(2, L/2 + 1) = {max(2, math.ceil(length / 2) + 1)} "
            f"for a kernel of L={length} taps, got n={n}"
        )
    c = (length - 1) / 2 if origin is None else float(origin)
    freqs = torch.arange(n, dtype=h.dtype, device=h.device) / m
    response = torch.fft.rfft(h, n=m) * torch.exp(2j * math.pi * c * freqs)
    return freqs, (response if return_complex else response.abs())


def frequency_response2d(
    kernel: Tensor, n: int = 64, origin: Optional[tuple[float, float]] = None, return_complex: bool = False
) -> tuple[Tensor, Tensor]:
    r"""Frequency response of a 2-D FIR kernel on the centred :math:`n \times n` grid.

    .. math::
        H(f_y, f_x) = \sum_{i,j} h[i, j]\, e^{-2\pi i (f_y (i - c_y) + f_x (j - c_x))},

    with :math:`f_y, f_x` from :func:`spectrum_frequencies` of :math:`n`
    (zero-padded ``fft2``, then ``fftshift``). A separable kernel
    ``torch.outer(h, h)`` has the response :math:`H(f_y) H(f_x)` of the 1-D one.

    Args:
        kernel: real 2-D tensor of :math:`L_y \times L_x` taps.
        n: grid size, at least :math:`\max(L_y, L_x)`.
        origin: :math:`(c_y, c_x)`; default the kernel's centre :math:`((L_y-1)/2, (L_x-1)/2)`.
        return_complex: return :math:`H` itself instead of :math:`|H|`.

    Shape:
        - Input: :math:`(L_y, L_x)`.
        - Output: ``(freqs, response)``: freqs :math:`(n,)` (both axes), response :math:`(n, n)`.

    Examples:
        >>> f, mag = frequency_response2d(torch.full((2, 2), 0.25), n=4)
        >>> mag[2, 2].item(), mag[0, 0].item()  # f = (0, 0) and (-1/2, -1/2)
        (1.0, 0.0)
    """
    h = _check_real(kernel, "kernel", "frequency_response2d", ndim=2)
    h = h.to(opmath_dtype(h.dtype))
    ly, lx = h.shape
    check_int(n, "n", "frequency_response2d")
    if n < max(ly, lx):
        raise ValueError(f"frequency_response2d: n must be at least max(Ly, Lx) = {max(ly, lx)}, got n={n}")
    cy, cx = ((ly - 1) / 2, (lx - 1) / 2) if origin is None else (float(origin[0]), float(origin[1]))
    f = torch.fft.fftfreq(n, dtype=h.dtype, device=h.device)
    phase = torch.exp(2j * math.pi * (cy * f[:, None] + cx * f[None, :]))
    response = torch.fft.fftshift(torch.fft.fft2(h, s=(n, n)) * phase)
    return spectrum_frequencies(n, dtype=h.dtype, device=h.device), (response if return_complex else response.abs())
