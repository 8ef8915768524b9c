r"""Aliasing measured: the ideal low-pass and downsampler, and the alias in any downsampler's output.

Subsampling by :math:`s` folds every frequency above the new Nyquist limit :math:`1/(2s)` onto one below it.
The ideal downsampler removes those frequencies first (:func:`ideal_lowpass`, :func:`ideal_downsample`);
:func:`alias_decomposition` splits a downsampler's output into what the representable frequencies make and
what the removed ones add (the alias), and :func:`aliasing_score` measures the alias's energy.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Union

import torch
from torch import Tensor

from resample_lib.analysis.spectral.spectrum import _check_real
from resample_lib.functional._validate import opmath_dtype, positive_ntuple

__all__ = ["ideal_lowpass", "ideal_downsample", "alias_decomposition", "aliasing_score"]

FloatOrPair = Union[float, tuple[float, float]]
IntOrPair = Union[int, tuple[int, int]]


def _check_cutoff(cutoff: object, op: str) -> tuple[float, float]:
    """``cutoff`` as a pair of floats in (0, 0.5] cycles per pixel."""
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


def _check_subsampling(image: object, factor: object, op: str) -> tuple[Tensor, int, int]:
    """The image ``(..., H, W)`` and the factor ``(s_y, s_x)``, positive and dividing ``(H, W)``."""
    image = _check_real(image, "image", op)
    sy, sx = positive_ntuple(factor, 2, "factor", op)
    h, w = image.shape[-2:]
    if h % sy or w % sx:
        raise ValueError(
            f"{op}: the image size {h}x{w} must be divisible by the factor {sy}x{sx} "
            "(subsampling is alias-free after the ideal low-pass only when it divides the size)"
        )
    return image, sy, sx


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
    image = _check_real(image, "image", "ideal_lowpass")
    cy, cx = _check_cutoff(cutoff, "ideal_lowpass")
    x = image.to(opmath_dtype(image.dtype))
    h, w = x.shape[-2:]
    # |k| <= c*n on integer bin indices avoids rounding at the band edge.
    ky = torch.fft.fftfreq(h, d=1.0 / h, dtype=torch.float64, device=x.device).abs()
    kx = torch.fft.fftfreq(w, d=1.0 / w, dtype=torch.float64, device=x.device).abs()
    mask = (ky[:, None] <= cy * h + 1e-9) & (kx[None, :] <= cx * w + 1e-9)
    out = torch.fft.ifft2(torch.fft.fft2(x) * mask.to(x.dtype)).real
    return out.to(image.dtype)


def ideal_downsample(image: Tensor, factor: IntOrPair) -> Tensor:
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
    image, sy, sx = _check_subsampling(image, factor, "ideal_downsample")
    return ideal_lowpass(image, (0.5 / sy, 0.5 / sx))[..., ::sy, ::sx].contiguous()


def alias_decomposition(
    downsample_fn: Callable[[Tensor], Tensor], image: Tensor, factor: IntOrPair
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
    image, sy, sx = _check_subsampling(image, factor, "alias_decomposition")
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
    downsample_fn: Callable[[Tensor], Tensor], image: Tensor, factor: IntOrPair
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
