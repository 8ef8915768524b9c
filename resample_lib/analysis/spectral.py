r"""The frequency view of resampling: spectra, filter responses, and an aliasing score.

Everything here is computed with ``torch.fft`` on any device, in the input's
dtype (``float32`` inputs give ``complex64`` transforms, ``float64`` inputs
``complex128``); energies are summed in ``float64``.

**Frequencies.** Frequencies are in *cycles per pixel* (cycles per sample in
1-D). A grid of :math:`n` samples resolves :math:`k/n`; the centred grid of
:func:`spectrum_frequencies` is ``fftshift(fftfreq(n))``,

.. math::
    f_k = \frac{k - \lfloor n/2 \rfloor}{n}, \qquad k = 0, \dots, n-1,

which lies in :math:`[-\tfrac12, \tfrac12)`, with :math:`f = 0` (the mean) at
index :math:`\lfloor n/2 \rfloor`. The Nyquist limit of a grid is
:math:`\tfrac12`; after subsampling by a factor :math:`s` it is
:math:`1/(2s)` cycles per *input* pixel.

**Aliasing.** Subsampling :math:`x[sm]` of a signal with DFT :math:`X` of
length :math:`N` (:math:`s \mid N`, :math:`M = N/s`) gives

.. math::
    Y[k] = \frac1s \sum_{j=0}^{s-1} X[k + jM], \qquad k = 0, \dots, M-1:

every input frequency above :math:`1/(2s)` folds onto one below it. The
*ideal* downsampler (:func:`ideal_downsample`) first removes those frequencies
with a brick-wall low-pass (:func:`ideal_lowpass`), so only the :math:`j = 0`
term survives. :func:`aliasing_score` measures how much of a downsampler's
output is produced by the frequencies the ideal one removes.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Optional, Union

import torch
from torch import Tensor

from resample_lib.functional._validate import ntuple

__all__ = [
    "spectrum_frequencies",
    "power_spectrum",
    "log_spectrum",
    "radial_profile",
    "frequency_response",
    "frequency_response2d",
    "ideal_lowpass",
    "ideal_downsample",
    "alias_decomposition",
    "aliasing_score",
]

WINDOWS = ("hann", "hamming", "blackman", "bartlett")

FloatOrPair = Union[float, tuple[float, float]]


# --------------------------------------------------------------------------- checks
def _check_image(image: object, op: str) -> Tensor:
    if not isinstance(image, Tensor):
        raise TypeError(f"{op}: image must be a torch.Tensor, got {type(image).__name__}")
    if image.dim() < 2:
        raise ValueError(
            f"{op}: expected an image of shape (..., H, W) with at least 2 dimensions, "
            f"got a {image.dim()}-D tensor of shape {tuple(image.shape)}"
        )
    if not image.is_floating_point():
        raise TypeError(f"{op}: image must be a real floating-point tensor, got dtype {image.dtype}")
    if image.shape[-1] == 0 or image.shape[-2] == 0:
        raise ValueError(f"{op}: image must not be empty, got shape {tuple(image.shape)}")
    return image


def _work_dtype(t: Tensor) -> torch.dtype:
    """float64 stays float64; every other float type is transformed in float32."""
    return torch.float64 if t.dtype == torch.float64 else torch.float32


def _check_factor(factor: object, op: str) -> tuple[int, int]:
    if isinstance(factor, bool):
        raise TypeError(f"{op}: factor must be an int or a pair of ints, got {factor!r}")
    fy, fx = ntuple(factor, 2, "factor")
    if fy < 1 or fx < 1:
        raise ValueError(f"{op}: factor must be a positive integer (or a pair of them), got factor={factor!r}")
    return fy, fx


def _check_divisible(image: Tensor, factors: tuple[int, int], op: str) -> None:
    h, w = image.shape[-2:]
    if h % factors[0] or w % factors[1]:
        raise ValueError(
            f"{op}: the image size {h}x{w} must be divisible by the factor {factors[0]}x{factors[1]} "
            "(subsampling is alias-free after the ideal low-pass only when it divides the size)"
        )


def _check_cutoff(cutoff: object, op: str) -> tuple[float, float]:
    if isinstance(cutoff, (int, float)) and not isinstance(cutoff, bool):
        pair = (float(cutoff), float(cutoff))
    elif isinstance(cutoff, (tuple, list)) and len(cutoff) == 2:
        pair = (float(cutoff[0]), float(cutoff[1]))
    else:
        raise TypeError(f"{op}: cutoff must be a float or a pair of floats, got {cutoff!r}")
    if not all(0.0 < c <= 0.5 for c in pair):
        raise ValueError(
            f"{op}: cutoff must lie in (0, 0.5] cycles per pixel (0.5 is the Nyquist limit), got cutoff={cutoff!r}"
        )
    return pair


def _window(name: Optional[str], n: int, dtype: torch.dtype, device) -> Tensor:
    if name is None:
        return torch.ones(n, dtype=dtype, device=device)
    if name not in WINDOWS:
        raise ValueError(f"window must be None or one of {WINDOWS}, got {name!r}")
    if n == 1:
        return torch.ones(1, dtype=dtype, device=device)
    make = getattr(torch, f"{name}_window")
    return make(n, periodic=True, dtype=dtype, device=device)


# --------------------------------------------------------------------------- spectra
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
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"spectrum_frequencies: n must be an int, got {n!r}")
    if n < 1:
        raise ValueError(f"spectrum_frequencies: n must be at least 1, got n={n}")
    return (torch.arange(n, dtype=dtype, device=device) - n // 2) / n


def _centred_spectrum(image: Tensor, window: Optional[str], op: str) -> Tensor:
    """fftshift(fft2(x * w)) / sum(w): a cosine of amplitude A shows A/2 at +-f."""
    image = _check_image(image, op)
    x = image.to(_work_dtype(image))
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
    spectrum = _check_image(spectrum, "radial_profile")
    h, w = spectrum.shape[-2:]
    if nbins is None:
        nbins = max(min(h, w) // 2, 1)
    if isinstance(nbins, bool) or not isinstance(nbins, int):
        raise TypeError(f"radial_profile: nbins must be an int, got {nbins!r}")
    if nbins < 1:
        raise ValueError(f"radial_profile: nbins must be at least 1, got nbins={nbins}")
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
    profile = (sums / counts).to(_work_dtype(spectrum))  # 0/0 = NaN for an empty ring
    radii = torch.arange(ring_len, dtype=torch.float64, device=device) * width
    return radii, profile


# --------------------------------------------------------------------------- filters
def _check_kernel(kernel: object, dim: int, op: str) -> Tensor:
    if not isinstance(kernel, Tensor):
        raise TypeError(f"{op}: kernel must be a torch.Tensor, got {type(kernel).__name__}")
    if kernel.dim() != dim:
        raise ValueError(
            f"{op}: expected a {dim}-D kernel, got a {kernel.dim()}-D tensor of shape {tuple(kernel.shape)}"
        )
    if not kernel.is_floating_point():
        raise TypeError(f"{op}: kernel must be a real floating-point tensor, got dtype {kernel.dtype}")
    if kernel.numel() == 0:
        raise ValueError(f"{op}: kernel must not be empty, got shape {tuple(kernel.shape)}")
    return kernel.to(_work_dtype(kernel))


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
    h = _check_kernel(kernel, 1, "frequency_response")
    length = h.shape[0]
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"frequency_response: n must be an int, got {n!r}")
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
    h = _check_kernel(kernel, 2, "frequency_response2d")
    ly, lx = h.shape
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"frequency_response2d: n must be an int, got {n!r}")
    if n < max(ly, lx):
        raise ValueError(f"frequency_response2d: n must be at least max(Ly, Lx) = {max(ly, lx)}, got n={n}")
    cy, cx = ((ly - 1) / 2, (lx - 1) / 2) if origin is None else (float(origin[0]), float(origin[1]))
    f = torch.fft.fftfreq(n, dtype=h.dtype, device=h.device)
    phase = torch.exp(2j * math.pi * (cy * f[:, None] + cx * f[None, :]))
    response = torch.fft.fftshift(torch.fft.fft2(h, s=(n, n)) * phase)
    return spectrum_frequencies(n, dtype=h.dtype, device=h.device), (response if return_complex else response.abs())


# --------------------------------------------------------------------------- ideal resampling
def ideal_lowpass(image: Tensor, cutoff: FloatOrPair) -> Tensor:
    r"""Brick-wall low-pass: keep the DFT coefficients with :math:`|f_y| \le c_y` and :math:`|f_x| \le c_x`.

    .. math::
        \hat x = \mathcal F^{-1}\big[\, \mathbb 1\{|f_y| \le c_y\}\,
            \mathbb 1\{|f_x| \le c_x\}\; \mathcal F[x] \,\big],

    with :math:`f` from ``torch.fft.fftfreq`` (the image is treated as one
    period of a periodic signal). The pass band is a rectangle, the band that
    subsampling on a rectangular grid preserves, and it includes its edges: at
    :math:`c = 1/(2s)` both :math:`\pm c` are kept, so the mask is symmetric,
    the result is real, and the operation is an orthogonal projection
    (applying it twice changes nothing; :math:`\|x\|^2 = \|\hat x\|^2 + \|x - \hat x\|^2`).

    Args:
        image: real tensor ``(..., H, W)``.
        cutoff: :math:`c` in cycles per pixel, in :math:`(0, 0.5]`, or a pair :math:`(c_y, c_x)`.

    Shape:
        - Input: :math:`(*, H, W)`.
        - Output: :math:`(*, H, W)`, dtype of the input (computed in float64 for
          float64 input, in float32 otherwise).

    Examples:
        >>> x = torch.tensor([[0.0, 1.0, 0.0, 1.0]])
        >>> ideal_lowpass(x, 0.25)  # removes the Nyquist component, keeps the mean
        tensor([[0.5000, 0.5000, 0.5000, 0.5000]])
    """
    image = _check_image(image, "ideal_lowpass")
    cy, cx = _check_cutoff(cutoff, "ideal_lowpass")
    x = image.to(_work_dtype(image))
    h, w = x.shape[-2:]
    # |k| <= c*n on integer bin indices avoids rounding at the band edge.
    ky = torch.fft.fftfreq(h, d=1.0 / h, dtype=torch.float64, device=x.device).abs()
    kx = torch.fft.fftfreq(w, d=1.0 / w, dtype=torch.float64, device=x.device).abs()
    mask = (ky[:, None] <= cy * h + 1e-9) & (kx[None, :] <= cx * w + 1e-9)
    out = torch.fft.ifft2(torch.fft.fft2(x) * mask.to(x.dtype)).real
    return out.to(image.dtype)


def ideal_downsample(image: Tensor, factor: Union[int, tuple[int, int]]) -> Tensor:
    r"""The alias-free reference: ideal low-pass at the new Nyquist limit, then subsample.

    .. math::
        y = \big(\operatorname{ideal\_lowpass}(x, \tfrac{1}{2s})\big)[\,\dots, ::s,\; ::s\,],
        \qquad Y[k] = \tfrac1{s_y s_x} X[k] \text{ for } |k| \le \tfrac{M}{2},

    where :math:`M = N/s` is the output size: each output frequency receives
    only the input frequency it represents (the two halves of an
    output Nyquist bin, :math:`\pm M/2`, meet there as they must). Values are
    not rescaled: a constant image stays the same constant.

    Args:
        image: real tensor ``(..., H, W)`` with :math:`H, W` divisible by the factor.
        factor: integer subsampling factor :math:`s \ge 1`, or :math:`(s_y, s_x)`.

    Shape:
        - Input: :math:`(*, H, W)`.
        - Output: :math:`(*, H / s_y, W / s_x)`.

    Examples:
        >>> ideal_downsample(torch.ones(1, 1, 8, 8), 2).shape
        torch.Size([1, 1, 4, 4])
    """
    image = _check_image(image, "ideal_downsample")
    sy, sx = _check_factor(factor, "ideal_downsample")
    _check_divisible(image, (sy, sx), "ideal_downsample")
    return ideal_lowpass(image, (0.5 / sy, 0.5 / sx))[..., ::sy, ::sx].contiguous()


def alias_decomposition(
    downsample_fn: Callable[[Tensor], Tensor], image: Tensor, factor: Union[int, tuple[int, int]]
) -> tuple[Tensor, Tensor, Tensor]:
    r"""Split a downsampler's output into the part made by representable frequencies and the alias.

    With :math:`x_{\mathrm{lo}} = \operatorname{ideal\_lowpass}(x, 1/(2s))`,
    the content the output grid can represent, and :math:`D` the downsampler,

    .. math::
        D(x) = \underbrace{D(x_{\mathrm{lo}})}_{\text{in band}}
             + \underbrace{D(x) - D(x_{\mathrm{lo}})}_{\text{alias}}.

    For a linear :math:`D` the alias is :math:`D(x - x_{\mathrm{lo}})`, the
    output produced by input frequencies above the new Nyquist limit; it can
    only appear at frequencies the output represents, so all of it is at the
    wrong frequency. The in-band part carries any blur, shift or ringing of
    :math:`D` but, for filter-then-subsample downsamplers, no aliasing. For a
    nonlinear :math:`D` (max pooling) the alias is, by this definition, the
    change the above-Nyquist content makes to the output.

    Args:
        downsample_fn: maps ``image`` to an output of spatial size
            :math:`(H/s_y, W/s_x)`, e.g. ``lambda x: F.avg_pool2d(x, 2)``.
        image: real tensor ``(..., H, W)`` (whatever ``downsample_fn`` accepts),
            :math:`H, W` divisible by the factor.
        factor: the factor :math:`s` (or :math:`(s_y, s_x)`) that ``downsample_fn`` subsamples by.

    Shape:
        - Input: :math:`(*, H, W)`.
        - Output: ``(in_band, alias, reference)``, each :math:`(*, H/s_y, W/s_x)`;
          ``reference`` is :func:`ideal_downsample` of the image.

    Examples:
        >>> x = torch.rand(1, 1, 16, 16, dtype=torch.float64)
        >>> in_band, alias, ref = alias_decomposition(lambda t: t[..., ::2, ::2], x, 2)
        >>> torch.allclose(in_band, ref)  # naive subsampling is ideal on band-limited input
        True
    """
    if not callable(downsample_fn):
        raise TypeError(f"alias_decomposition: downsample_fn must be callable, got {downsample_fn!r}")
    image = _check_image(image, "alias_decomposition")
    sy, sx = _check_factor(factor, "alias_decomposition")
    _check_divisible(image, (sy, sx), "alias_decomposition")
    low = ideal_lowpass(image, (0.5 / sy, 0.5 / sx))
    reference = low[..., ::sy, ::sx].contiguous()
    out, out_low = downsample_fn(image), downsample_fn(low)
    for name, t in (("downsample_fn(image)", out), ("downsample_fn(lowpassed image)", out_low)):
        if not isinstance(t, Tensor) or t.shape != reference.shape:
            got = tuple(t.shape) if isinstance(t, Tensor) else type(t).__name__
            raise ValueError(
                f"alias_decomposition: {name} has shape {got}, expected {tuple(reference.shape)} "
                f"(the image {tuple(image.shape)} subsampled by {sy}x{sx})"
            )
    return out_low, out - out_low, reference


def aliasing_score(
    downsample_fn: Callable[[Tensor], Tensor], image: Tensor, factor: Union[int, tuple[int, int]]
) -> float:
    r"""Alias energy of a downsampler on an image, relative to the detail of the ideal result.

    With the split of :func:`alias_decomposition` and the ideal result
    :math:`r = \operatorname{ideal\_downsample}(x, s)`,

    .. math::
        \operatorname{score} = \frac{\| D(x) - D(x_{\mathrm{lo}}) \|^2}{\| r - \bar r \|^2},
        \qquad x_{\mathrm{lo}} = \operatorname{ideal\_lowpass}(x, \tfrac{1}{2s}),

    where :math:`\bar r` is the mean of each ``(H/s_y, W/s_x)`` map of :math:`r`
    and the norms sum over every element (batch and channels included). The numerator is the energy the
    downsampler puts into its output from frequencies the output cannot
    represent; the denominator, the same for every downsampler, is the energy
    of the detail an alias-free downsampler keeps (the mean is left out so that
    adding a constant to the image changes nothing).

    Properties: 0 (up to rounding) for :func:`ideal_downsample` and for any
    downsampler that ignores the content above :math:`1/(2s)`; blurring the
    pass band does not raise it (blur changes only :math:`D(x_{\mathrm{lo}})`);
    unchanged by adding a constant to the image or scaling it (for linear
    downsamplers and max pooling); it may exceed 1 when the alias carries more
    energy than the kept detail, as naive subsampling of a zone plate does.
    In decibels: :math:`10 \log_{10}(\text{score})`.

    Args:
        downsample_fn: maps ``image`` to an output of spatial size :math:`(H/s_y, W/s_x)`.
        image: real tensor ``(..., H, W)`` with some detail below the new Nyquist limit.
        factor: the subsampling factor :math:`s` or :math:`(s_y, s_x)` of ``downsample_fn``.

    Shape:
        - Input: :math:`(*, H, W)`.
        - Output: a Python float :math:`\ge 0`.

    Examples:
        >>> from resample_lib.helpers.images import zone_plate
        >>> x = zone_plate(64).double()
        >>> aliasing_score(lambda t: ideal_downsample(t, 2), x, 2) < 1e-20
        True
        >>> aliasing_score(lambda t: t[..., ::2, ::2], x, 2) > 1
        True
    """
    _, alias, reference = alias_decomposition(downsample_fn, image, factor)
    ref = reference.to(torch.float64)
    detail = float(((ref - ref.mean(dim=(-2, -1), keepdim=True)) ** 2).sum())
    if detail == 0.0:
        raise ValueError(
            "aliasing_score: the image has no detail below the new Nyquist limit "
            f"1/(2*{factor}) (its ideal downsampling is constant), so the score is undefined"
        )
    return float((alias.to(torch.float64) ** 2).sum()) / detail
