r"""Spectra of images: the centred frequency grid, power and log spectra, and their radial profile.

The spectrum of an image ``(..., H, W)`` is its amplitude-normalised, optionally windowed 2-D DFT after
``fftshift``: rows are the vertical frequency :math:`f_y`, columns the horizontal frequency :math:`f_x`,
both on the grid of :func:`spectrum_frequencies`, in cycles per pixel, with :math:`f = 0` in the centre.
"""
from __future__ import annotations

from typing import Optional

import torch
from torch import Tensor

from resample_lib.functional._validate import check_choice, check_floating, check_int, check_tensor, opmath_dtype

__all__ = ["WINDOWS", "spectrum_frequencies", "power_spectrum", "log_spectrum", "radial_profile"]

#: The windows that :func:`power_spectrum` and :func:`log_spectrum` accept (besides ``None``).
WINDOWS = ("hann", "hamming", "blackman", "bartlett")


def _check_real(value: object, name: str, op: str, ndim: Optional[int] = None) -> Tensor:
    """``value`` as a non-empty real floating-point tensor: ``(..., H, W)``, or exactly ``ndim``-D when given."""
    t = check_tensor(value, name, op)
    if ndim is None and t.dim() < 2:
        raise ValueError(
            f"{op}: {name} must have shape (..., H, W), at least 2 dimensions, "
            f"got a {t.dim()}-D tensor of shape {tuple(t.shape)}"
        )
    if ndim is not None and t.dim() != ndim:
        raise ValueError(f"{op}: expected a {ndim}-D {name}, got a {t.dim()}-D tensor of shape {tuple(t.shape)}")
    check_floating(t, op)
    if 0 in t.shape[-(ndim or 2):]:
        raise ValueError(f"{op}: {name} must not be empty, got shape {tuple(t.shape)}")
    return t


def _window(name: Optional[str], n: int, dtype: torch.dtype, device) -> Tensor:
    """The periodic window ``name`` of ``n`` samples; all ones for ``None`` (and for one sample)."""
    if name is None or n == 1:
        return torch.ones(n, dtype=dtype, device=device)
    return getattr(torch, f"{name}_window")(n, periodic=True, dtype=dtype, device=device)


def spectrum_frequencies(n: int, *, dtype: torch.dtype = torch.float64, device=None) -> Tensor:
    r"""The centred DFT frequency grid of :math:`n` samples, in cycles per pixel.

    .. math:: f_k = \frac{k - \lfloor n/2 \rfloor}{n}, \qquad k = 0, \dots, n-1,

    i.e. ``torch.fft.fftshift(torch.fft.fftfreq(n))``: it lies in
    :math:`[-\tfrac12, \tfrac12)` and index :math:`\lfloor n/2 \rfloor` holds
    :math:`f = 0`. Use it as the axis of :func:`log_spectrum` and
    :func:`power_spectrum` (rows: vertical frequency :math:`f_y`, columns:
    horizontal frequency :math:`f_x`).

    Args:
        n: number of samples, at least 1.
        dtype: dtype of the result.
        device: device of the result.

    Shape:
        - Output: :math:`(n,)`.

    Examples:
        >>> spectrum_frequencies(4)
        tensor([-0.5000, -0.2500,  0.0000,  0.2500], dtype=torch.float64)
        >>> spectrum_frequencies(5)
        tensor([-0.4000, -0.2000,  0.0000,  0.2000,  0.4000], dtype=torch.float64)
    """
    check_int(n, "n", "spectrum_frequencies", minimum=1)
    return (torch.arange(n, dtype=dtype, device=device) - n // 2) / n


def _centred_spectrum(image: Tensor, window: Optional[str], op: str) -> Tensor:
    """fftshift(fft2(x * w)) / sum(w): a cosine of amplitude A shows A/2 at +-f."""
    image = _check_real(image, "image", op)
    if window is not None:
        check_choice(window, "window", op, WINDOWS)
    x = image.to(opmath_dtype(image.dtype))
    h, w = x.shape[-2:]
    wy = _window(window, h, x.dtype, x.device)
    wx = _window(window, w, x.dtype, x.device)
    win = wy[:, None] * wx[None, :]
    spec = torch.fft.fft2(x * win) / win.sum()
    return torch.fft.fftshift(spec, dim=(-2, -1))


def power_spectrum(image: Tensor, window: Optional[str] = None) -> Tensor:
    r"""Centred power spectrum :math:`|X[f_y, f_x]|^2` of an image, amplitude-normalised.

    .. math::
        X[f_y, f_x] = \frac{1}{\sum_{m,n} w[m,n]} \sum_{m,n} w[m,n]\, x[m,n]\,
            e^{-2\pi i (f_y m + f_x n)},

    with the separable window :math:`w[m,n] = w_H[m]\, w_W[n]` (all ones when
    ``window=None``). The normalisation makes :math:`X[0,0]` the (weighted)
    mean and gives a cosine of amplitude :math:`A` the value :math:`A^2/4` at
    each of its two frequencies. Without a window, Parseval's identity reads
    :math:`\sum_f |X[f]|^2 = \operatorname{mean}(x^2)`.

    Args:
        image: real tensor ``(..., H, W)``; the leading dimensions are a batch.
        window: ``None`` (rectangular), or ``'hann'``, ``'hamming'``,
            ``'blackman'``, ``'bartlett'`` (periodic windows from ``torch``),
            which trade resolution for less leakage between frequencies.

    Shape:
        - Input: :math:`(*, H, W)`.
        - Output: :math:`(*, H, W)`; row :math:`i` is :math:`f_y =` ``spectrum_frequencies(H)[i]``,
          column :math:`j` is :math:`f_x =` ``spectrum_frequencies(W)[j]``.

    Examples:
        >>> x = torch.cos(2 * torch.pi * torch.arange(8.0) / 4).expand(8, 8)
        >>> p = power_spectrum(x)
        >>> p[4, 2].item(), p[4, 6].item()  # f_x = -1/4 and +1/4 on the row f_y = 0
        (0.25, 0.25)
    """
    return _centred_spectrum(image, window, "power_spectrum").abs() ** 2


def log_spectrum(image: Tensor, eps: float = 1e-8, window: Optional[str] = None) -> Tensor:
    r"""Centred log-magnitude spectrum :math:`\ln(|X[f_y, f_x]| + \varepsilon)` of an image.

    :math:`X` is the amplitude-normalised, optionally windowed DFT of
    :func:`power_spectrum` after ``fftshift``, so the centre pixel is the mean
    and a cosine of amplitude :math:`A` shows :math:`\ln(A/2)` at its two
    frequencies :math:`\pm f`. Multiply by :math:`20/\ln 10` for decibels.

    Args:
        image: real tensor ``(..., H, W)``.
        eps: added to the magnitude before the logarithm, the floor of the
            plot (``ln(1e-8)`` is about -18.4); must be positive.
        window: ``None`` or the name of a separable window (see :func:`power_spectrum`).

    Shape:
        - Input: :math:`(*, H, W)`.
        - Output: :math:`(*, H, W)`, axes given by :func:`spectrum_frequencies` of ``H`` and ``W``.

    Examples:
        >>> y, x = torch.meshgrid(torch.arange(32.0), torch.arange(32.0), indexing="ij")
        >>> s = log_spectrum(torch.sin(2 * torch.pi * (2 * y + 5 * x) / 32))
        >>> divmod(int(s.argmax()), 32)  # (f_y, f_x) = (-2/32, -5/32); its twin (2/32, 5/32) ties
        (14, 11)
    """
    if not (isinstance(eps, (int, float)) and eps > 0):
        raise ValueError(f"log_spectrum: eps must be a positive number, got eps={eps!r}")
    return torch.log(_centred_spectrum(image, window, "log_spectrum").abs() + eps)


def radial_profile(spectrum: Tensor, nbins: Optional[int] = None) -> tuple[Tensor, Tensor]:
    r"""Mean of a centred spectrum over rings of equal radius :math:`|f|`.

    With :math:`|f| = \sqrt{f_y^2 + f_x^2}` on the grid of
    :func:`spectrum_frequencies` and the ring width :math:`\Delta = 0.5/B`
    (:math:`B` = ``nbins``), ring :math:`b = 0, \dots, B` holds the
    frequencies with :math:`\operatorname{round}(|f| / \Delta) = b`, i.e.
    :math:`(b - \tfrac12)\Delta \le |f| < (b + \tfrac12)\Delta`, and

    .. math:: P[b] = \operatorname{mean}\{\, S[f] : f \in \text{ring } b \,\}.

    Ring 0 is the mean (DC) alone when :math:`\Delta` is the grid step; the
    corners beyond :math:`|f| > 0.5 + \Delta/2` are left out, since no full
    ring reaches them. Pass a power spectrum to average energy; averaging a
    log spectrum gives the log of the geometric mean.

    Args:
        spectrum: real centred map ``(..., H, W)`` (e.g. from :func:`power_spectrum`).
        nbins: number of ring widths between 0 and 0.5; default ``min(H, W) // 2``
            (at least 1), which makes :math:`\Delta` the grid step of the shorter side.

    Shape:
        - Input: :math:`(*, H, W)`.
        - Output: ``(radii, profile)`` with radii :math:`(B + 1,)` (the ring centres
          :math:`b\Delta`, cycles per pixel) and profile :math:`(*, B + 1)`; an empty ring gives NaN.

    Examples:
        >>> r, p = radial_profile(torch.ones(16, 16))
        >>> r.tolist()[:3], p.tolist()[:3]
        ([0.0, 0.0625, 0.125], [1.0, 1.0, 1.0])
    """
    spectrum = _check_real(spectrum, "spectrum", "radial_profile")
    h, w = spectrum.shape[-2:]
    if nbins is None:
        nbins = max(min(h, w) // 2, 1)
    check_int(nbins, "nbins", "radial_profile", minimum=1)
    device = spectrum.device
    fy = spectrum_frequencies(h, device=device)
    fx = spectrum_frequencies(w, device=device)
    radius = torch.sqrt(fy[:, None] ** 2 + fx[None, :] ** 2).flatten()
    width = 0.5 / nbins
    ring = torch.floor(radius / width + 0.5).to(torch.long)
    keep = ring <= nbins
    ring, ring_len = ring[keep], nbins + 1
    values = spectrum.flatten(-2)[..., keep].to(torch.float64)
    sums = torch.zeros(*values.shape[:-1], ring_len, dtype=torch.float64, device=device)
    sums.index_add_(-1, ring, values)
    counts = torch.bincount(ring, minlength=ring_len).to(torch.float64)
    profile = (sums / counts).to(opmath_dtype(spectrum.dtype))  # 0/0 = NaN for an empty ring
    radii = torch.arange(ring_len, dtype=torch.float64, device=device) * width
    return radii, profile
