"""resample_lib.analysis.spectral: frequency grids, spectra, filter responses, ideal resampling, the aliasing score.

One section per module of the package: ``spectrum``, ``frequency_responses``, ``aliasing``.
"""
from __future__ import annotations

import doctest
import math

import pytest
import torch
import torch.nn.functional as F

from resample_lib.analysis.spectral import aliasing, frequency_responses, spectrum
from resample_lib.analysis.spectral.aliasing import alias_decomposition, aliasing_score, ideal_downsample, ideal_lowpass
from resample_lib.analysis.spectral.frequency_responses import frequency_response, frequency_response2d
from resample_lib.analysis.spectral.spectrum import log_spectrum, power_spectrum, radial_profile, spectrum_frequencies
from resample_lib.helpers.images import zone_plate

f64 = torch.float64


def _cosines(h: int, w: int, terms, dtype=f64) -> torch.Tensor:
    """Sum of A cos(2 pi (fy m + fx n) + phase) over terms (A, fy, fx, phase), frequencies in cycles/pixel."""
    m, n = torch.meshgrid(torch.arange(h, dtype=dtype), torch.arange(w, dtype=dtype), indexing="ij")
    out = torch.zeros(h, w, dtype=dtype)
    for a, fy, fx, ph in terms:
        out = out + a * torch.cos(2 * math.pi * (fy * m + fx * n) + ph)
    return out


@pytest.mark.parametrize("module", [spectrum, frequency_responses, aliasing],
                         ids=["spectrum", "frequency_responses", "aliasing"])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 2 and result.failed == 0


# --------------------------------------------------------------------------- frequency grid
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 9, 16, 255])
def test_frequency_grid_is_shifted_fftfreq(n):
    f = spectrum_frequencies(n)
    torch.testing.assert_close(f, torch.fft.fftshift(torch.fft.fftfreq(n, dtype=f64)), atol=1e-15, rtol=0)
    assert f.min() >= -0.5 and f.max() < 0.5 and f[n // 2] == 0


# --------------------------------------------------------------------------- 1-D and 2-D filter responses
@pytest.mark.parametrize("length", range(1, 9))
def test_box_response_is_the_dirichlet_kernel(length):
    box = torch.full((length,), 1.0 / length, dtype=f64)
    f, mag = frequency_response(box, n=257)
    torch.testing.assert_close(f, torch.linspace(0, 0.5, 257, dtype=f64), atol=1e-15, rtol=0)
    g = f[1:]
    dirichlet = (torch.sin(math.pi * g * length) / (length * torch.sin(math.pi * g))).abs()
    torch.testing.assert_close(mag[1:], dirichlet, atol=1e-12, rtol=0)
    assert mag[0].item() == pytest.approx(1.0, abs=1e-14)


@pytest.mark.parametrize("origin", [None, 0.0, 2.0, 1.5, -3.0])
def test_response_matches_direct_sum(origin):
    g = torch.Generator().manual_seed(0)
    h = torch.randn(6, generator=g, dtype=f64)
    f, resp = frequency_response(h, n=64, origin=origin, return_complex=True)
    c = 2.5 if origin is None else origin
    j = torch.arange(6, dtype=f64)
    direct = (h[None, :] * torch.exp(-2j * math.pi * f[:, None] * (j[None, :] - c))).sum(-1)
    torch.testing.assert_close(resp, direct, atol=1e-12, rtol=0)
    # the magnitude does not depend on the origin
    torch.testing.assert_close(resp.abs(), frequency_response(h, n=64)[1], atol=1e-12, rtol=0)


def test_symmetric_kernel_has_zero_phase_about_its_centre():
    for h in (torch.tensor([1.0, 2.0, 1.0], dtype=f64) / 4, torch.tensor([1.0, 3.0, 3.0, 1.0], dtype=f64) / 8):
        _, resp = frequency_response(h, n=33, return_complex=True)
        assert resp.imag.abs().max() < 1e-14
    # the binomial [1, 2, 1] / 4 is cos^2(pi f)
    f, mag = frequency_response(torch.tensor([0.25, 0.5, 0.25], dtype=f64), n=101)
    torch.testing.assert_close(mag, torch.cos(math.pi * f) ** 2, atol=1e-14, rtol=0)


def test_separable_2d_response_is_outer_product_of_1d():
    h = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0], dtype=f64) / 16
    f, resp2 = frequency_response2d(torch.outer(h, h), n=32, return_complex=True)
    torch.testing.assert_close(f, spectrum_frequencies(32))
    j = torch.arange(5, dtype=f64) - 2
    h1 = (h[None, :] * torch.exp(-2j * math.pi * f[:, None] * j[None, :])).sum(-1)
    torch.testing.assert_close(resp2, torch.outer(h1, h1), atol=1e-13, rtol=0)
    assert resp2.abs()[16, 16].item() == pytest.approx(1.0)


def test_response_dtype_follows_kernel():
    f, r = frequency_response(torch.ones(3), n=8, return_complex=True)
    assert f.dtype == torch.float32 and r.dtype == torch.complex64
    f, r = frequency_response(torch.ones(3, dtype=f64), n=8)
    assert f.dtype == f64 and r.dtype == f64


# --------------------------------------------------------------------------- spectra
@pytest.mark.parametrize("window", [None, "hann", "blackman"])
def test_sine_spectrum_peaks_at_its_frequency_both_signs(window):
    h, w, ky, kx = 64, 48, 5, -9
    m, n = torch.arange(h, dtype=f64)[:, None], torch.arange(w, dtype=f64)[None, :]
    x = 0.8 * torch.sin(2 * math.pi * (ky / h * m + kx / w * n))
    s = log_spectrum(x, window=window)
    fy, fx = spectrum_frequencies(h), spectrum_frequencies(w)
    top2 = torch.topk(s.flatten(), 2).indices
    peaks = {(round(fy[i // w].item() * h), round(fx[i % w].item() * w)) for i in top2.tolist()}
    assert peaks == {(ky, kx), (-ky, -kx)}
    # amplitude-normalised: a sine of amplitude A shows A/2 at each peak
    assert (s.flatten()[top2].exp() - 1e-8).tolist() == pytest.approx([0.4, 0.4], abs=1e-12)
    if window is None:  # no leakage: everything else sits at the floor log(eps)
        others = s.flatten()[torch.ones(h * w, dtype=torch.bool).index_fill_(0, top2, False)]
        assert others.max() < math.log(1e-8) + 1e-3


def test_window_reduces_leakage_of_an_off_grid_sine():
    n = 64
    x = torch.cos(2 * math.pi * 10.5 / n * torch.arange(n, dtype=f64)).expand(n, n)
    far = spectrum_frequencies(n).abs() > 0.3  # far from the tone at 0.164
    plain, hann = log_spectrum(x)[n // 2, far], log_spectrum(x, window="hann")[n // 2, far]
    assert hann.max() < plain.max() - 3  # e^3 = 20 times less leakage at least


def test_parseval_and_dc():
    g = torch.Generator().manual_seed(1)
    x = torch.rand(2, 3, 20, 17, generator=g, dtype=f64)
    p = power_spectrum(x)
    torch.testing.assert_close(p.sum(dim=(-2, -1)), (x**2).mean(dim=(-2, -1)), atol=1e-12, rtol=0)
    torch.testing.assert_close(p[..., 10, 8], x.mean(dim=(-2, -1)) ** 2, atol=1e-14, rtol=0)
    torch.testing.assert_close(log_spectrum(x, eps=1e-300).exp() ** 2, p, atol=1e-12, rtol=1e-10)


def test_spectrum_keeps_float32_and_batch_shape():
    x = torch.rand(4, 1, 8, 8)
    assert log_spectrum(x).shape == x.shape and log_spectrum(x).dtype == torch.float32
    assert power_spectrum(x, window="hann").dtype == torch.float32


# --------------------------------------------------------------------------- radial profile
def _ring_means_by_loop(s: torch.Tensor, nbins: int) -> list[float]:
    h, w = s.shape
    fy, fx = spectrum_frequencies(h).tolist(), spectrum_frequencies(w).tolist()
    width = 0.5 / nbins
    sums, counts = [0.0] * (nbins + 1), [0] * (nbins + 1)
    for i in range(h):
        for j in range(w):
            b = math.floor(math.hypot(fy[i], fx[j]) / width + 0.5)
            if b <= nbins:
                sums[b] += s[i, j].item()
                counts[b] += 1
    return [a / c if c else math.nan for a, c in zip(sums, counts)]


@pytest.mark.parametrize("shape,nbins", [((16, 16), None), ((12, 9), None), ((10, 14), 3), ((16, 16), 20)],
                         ids=["16x16-default_bins", "12x9-default_bins", "10x14-3_bins", "16x16-20_bins"])
def test_radial_profile_matches_loop(shape, nbins):
    s = torch.rand(*shape, generator=torch.Generator().manual_seed(2), dtype=f64)
    r, p = radial_profile(s, nbins)
    b = nbins or min(shape) // 2
    torch.testing.assert_close(r, torch.arange(b + 1, dtype=f64) * 0.5 / b)
    torch.testing.assert_close(p, torch.tensor(_ring_means_by_loop(s, b), dtype=f64), equal_nan=True)


def test_radial_profile_of_radially_symmetric_map():
    n = 64
    f = spectrum_frequencies(n)
    radius = torch.sqrt(f[:, None] ** 2 + f[None, :] ** 2)
    r, p = radial_profile(torch.exp(-radius / 0.1))
    assert p[0].item() == 1.0  # ring 0 is the DC pixel alone
    # within a ring |f| differs from its centre by at most half a ring width
    assert (p - torch.exp(-r / 0.1)).abs().max() < 0.5 / 32 / 0.1
    # a map equal to the radius averages to within half a ring of the ring centre
    _, pr = radial_profile(radius)
    assert (pr - r).abs().max() <= 0.5 / 32
    # a batch of maps gives a batch of profiles
    _, pb = radial_profile(torch.stack([radius, 2 * radius]))
    torch.testing.assert_close(pb, torch.stack([pr, 2 * pr]))


def test_radial_profile_with_more_rings_than_pixels_gives_nan():
    _, p = radial_profile(torch.ones(8, 8), nbins=40)
    assert torch.isnan(p).any() and (p[~torch.isnan(p)] == 1).all()


# --------------------------------------------------------------------------- ideal low-pass and downsampling
def test_ideal_lowpass_keeps_band_and_removes_the_rest():
    low = _cosines(32, 32, [(1.0, 3 / 32, -5 / 32, 0.3), (0.5, 8 / 32, 8 / 32, 1.0)])  # |f| <= 0.25, edges kept
    high = _cosines(32, 32, [(0.7, 9 / 32, 1 / 32, 0.2), (0.2, 0.5, 0.0, 0.0)])
    torch.testing.assert_close(ideal_lowpass(low + high, 0.25), low, atol=1e-12, rtol=0)
    torch.testing.assert_close(ideal_lowpass(low + high, 0.5), low + high, atol=1e-12, rtol=0)
    # per-axis cutoffs
    torch.testing.assert_close(ideal_lowpass(high, (0.3, 0.05)), _cosines(32, 32, [(0.7, 9 / 32, 1 / 32, 0.2)]),
                               atol=1e-12, rtol=0)


@pytest.mark.parametrize("cutoff", [0.1, 0.25, (0.5, 0.125), 1 / 3], ids=["0.1", "0.25", "0.5x0.125", "1/3"])
def test_ideal_lowpass_is_an_orthogonal_projection(cutoff):
    x = torch.randn(2, 30, 24, generator=torch.Generator().manual_seed(3), dtype=f64)
    lo = ideal_lowpass(x, cutoff)
    torch.testing.assert_close(ideal_lowpass(lo, cutoff), lo, atol=1e-13, rtol=0)
    torch.testing.assert_close((x**2).sum(), (lo**2).sum() + ((x - lo) ** 2).sum(), atol=1e-10, rtol=0)
    assert (lo * (x - lo)).sum().abs() < 1e-10


def test_ideal_downsample_of_band_limited_image_is_plain_subsampling():
    x = _cosines(48, 48, [(1.0, 2 / 48, 5 / 48, 0.1), (0.3, -7 / 48, 4 / 48, 2.0), (0.1, 8 / 48, 0.0, 0.0)])
    torch.testing.assert_close(ideal_downsample(x, 3), x[::3, ::3], atol=1e-12, rtol=0)
    torch.testing.assert_close(ideal_downsample(torch.full((1, 2, 8, 12), 0.7), (2, 4)), torch.full((1, 2, 4, 3), 0.7))


def test_ideal_downsample_folds_nothing():
    """Output DFT = input DFT / (s*s) on the output's band: no other input frequency contributes."""
    x = torch.randn(40, 40, generator=torch.Generator().manual_seed(4), dtype=f64)
    s, m = 4, 10
    y = torch.fft.fft2(ideal_downsample(x, s))
    X = torch.fft.fft2(x)
    k = torch.arange(-(m // 2) + 1, m // 2)  # the output band without its Nyquist bin
    torch.testing.assert_close(y[k][:, k], X[k][:, k] / s**2, atol=1e-10, rtol=0)


# --------------------------------------------------------------------------- aliasing score
@pytest.mark.parametrize("factor", [2, 3, 4, (2, 4)], ids=["2x2", "3x3", "4x4", "2x4"])
def test_ideal_downsampler_scores_zero(factor):
    x = zone_plate(96).double()
    assert aliasing_score(lambda t: ideal_downsample(t, factor), x, factor) < 1e-10
    photo_like = torch.rand(1, 3, 48, 48, generator=torch.Generator().manual_seed(5), dtype=f64)
    assert aliasing_score(lambda t: ideal_downsample(t, factor), photo_like, factor) < 1e-10


def test_naive_subsampling_of_zone_plate_scores_high():
    x = zone_plate(128).double()
    scores = {f: aliasing_score(lambda t: t[..., ::f, ::f], x, f) for f in (2, 4)}
    # local frequency r/N: the band |fy|, |fx| <= 1/(2f) is the central square of side N/f, the
    # rest (area fraction 1 - 1/f^2) aliases with the same energy density: score ~ f^2 - 1
    assert scores[2] == pytest.approx(3, rel=0.15) and scores[4] == pytest.approx(15, rel=0.15)
    assert scores[2] > 1e10 * aliasing_score(lambda t: ideal_downsample(t, 2), x, 2)
    # averaging alias less, max pooling more
    assert aliasing_score(lambda t: F.avg_pool2d(t, 2), x, 2) < 0.2 * scores[2]
    aa = aliasing_score(lambda t: F.interpolate(t, scale_factor=0.5, mode="bilinear", antialias=True), x, 2)
    assert aa < 0.1 * aliasing_score(lambda t: F.avg_pool2d(t, 2), x, 2)


def test_blur_alone_does_not_count_as_aliasing():
    x = zone_plate(64).double()
    f = torch.fft.fftfreq(64, dtype=f64)
    gauss = torch.exp(-(f[:, None] ** 2 + f[None, :] ** 2) / (2 * 0.05**2))

    def blur_then_ideal(t):
        return ideal_downsample(torch.fft.ifft2(torch.fft.fft2(t) * gauss).real, 2)

    assert aliasing_score(blur_then_ideal, x, 2) < 1e-10


def test_alias_is_the_response_to_the_high_band_for_linear_downsamplers():
    x = torch.rand(1, 1, 32, 32, generator=torch.Generator().manual_seed(6), dtype=f64)
    fn = lambda t: F.avg_pool2d(t, 4)  # noqa: E731
    in_band, alias, ref = alias_decomposition(fn, x, 4)
    hi = x - ideal_lowpass(x, 0.125)
    torch.testing.assert_close(alias, fn(hi), atol=1e-13, rtol=0)
    torch.testing.assert_close(in_band + alias, fn(x), atol=1e-14, rtol=0)
    torch.testing.assert_close(ref, ideal_downsample(x, 4))


def test_score_ignores_brightness_offset_and_scale():
    x = zone_plate(64).double()
    for fn in (lambda t: F.max_pool2d(t, 2), lambda t: F.interpolate(t, scale_factor=0.5, mode="bicubic")):
        base = aliasing_score(fn, x, 2)
        assert aliasing_score(fn, x + 0.4, 2) == pytest.approx(base, rel=1e-9)
        assert aliasing_score(fn, 3 * x, 2) == pytest.approx(base, rel=1e-9)


def test_float32_score_is_close_to_float64():
    x = zone_plate(64)
    fn = lambda t: F.avg_pool2d(t, 2)  # noqa: E731
    assert aliasing_score(fn, x, 2) == pytest.approx(aliasing_score(fn, x.double(), 2), rel=1e-4)
    assert aliasing_score(lambda t: ideal_downsample(t, 2), x, 2) < 1e-9
    assert ideal_lowpass(x, 0.2).dtype == torch.float32


# --------------------------------------------------------------------------- bad inputs
#: id -> (a call with one bad value, the message it must raise)
BAD_VALUES = {
    "log_spectrum-1d_image": (lambda: log_spectrum(torch.ones(5)), r"at least 2 dimensions.*1-D.*\(5,\)"),
    "power_spectrum-unknown_window": (lambda: power_spectrum(torch.ones(4, 4), window="kaiser"), r"'kaiser'"),
    "log_spectrum-eps_0": (lambda: log_spectrum(torch.ones(4, 4), eps=0.0), r"eps=0.0"),
    "radial_profile-nbins_0": (lambda: radial_profile(torch.ones(4, 4), nbins=0), r"nbins=0"),
    "ideal_lowpass-cutoff_0": (lambda: ideal_lowpass(torch.ones(4, 4), 0.0), r"\(0, 0.5\].*cutoff=0.0"),
    "ideal_lowpass-cutoff_above_nyquist": (lambda: ideal_lowpass(torch.ones(4, 4), 0.6), r"cutoff=0.6"),
    "ideal_lowpass-negative_cutoff_pair": (
        lambda: ideal_lowpass(torch.ones(4, 4), (0.2, -0.1)),
        r"cutoff=\(0.2, -0.1\)",
    ),
    "ideal_downsample-factor_0": (lambda: ideal_downsample(torch.ones(8, 8), 0), r"positive.*factor=0"),
    "ideal_downsample-factor_negative": (lambda: ideal_downsample(torch.ones(8, 8), -2), r"factor=-2"),
    "ideal_downsample-size_not_divisible": (lambda: ideal_downsample(torch.ones(9, 8), 2), r"9x8.*divisible.*2x2"),
    "ideal_downsample-1d_image": (lambda: ideal_downsample(torch.ones(8), 2), r"1-D"),
    "aliasing_score-output_wrong_shape": (
        lambda: aliasing_score(lambda t: t, zone_plate(16), 2),
        r"shape \(1, 1, 16, 16\), expected \(1, 1, 8, 8\)",
    ),
    "aliasing_score-constant_image": (
        lambda: aliasing_score(lambda t: t[..., ::2, ::2], torch.ones(1, 1, 8, 8), 2),
        r"no detail",
    ),
    "frequency_response-n_too_small": (
        lambda: frequency_response(torch.ones(10), n=4),
        r"n must be at least.*L=10.*n=4",
    ),
    "frequency_response-2d_kernel": (lambda: frequency_response(torch.ones(3, 3)), r"1-D kernel.*\(3, 3\)"),
    "frequency_response2d-n_too_small": (lambda: frequency_response2d(torch.ones(5, 3), n=4), r"n=4"),
    "spectrum_frequencies-n_0": (lambda: spectrum_frequencies(0), r"n=0"),
}


@pytest.mark.parametrize("call,match", list(BAD_VALUES.values()), ids=list(BAD_VALUES))
def test_bad_values_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_types_raise_type_error():
    with pytest.raises(TypeError, match="int64"):
        log_spectrum(torch.ones(4, 4, dtype=torch.int64))
    with pytest.raises(TypeError, match="callable"):
        aliasing_score("avg", zone_plate(16), 2)
    with pytest.raises(TypeError, match="2.5"):
        ideal_downsample(torch.ones(8, 8), 2.5)
