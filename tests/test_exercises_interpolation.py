"""The checker of chapter 01's build-it-yourself exercise passes a right answer and fails plausible wrong ones."""
from __future__ import annotations

import torch

from resample_lib.helpers.exercises.interpolation import check_resize_1d, resize_1d_cases


def _resize(x, size, align_corners, *, half_pixel=True, clamp=True, corner_scale=None):
    """Linear resampling along the last axis from source coordinates; the flags inject mistakes."""
    L = x.shape[-1]
    i = torch.arange(size, dtype=torch.float64)
    if align_corners:
        s = corner_scale(L, size) if corner_scale else ((L - 1) / (size - 1) if size > 1 else 0.0)
        u = s * i
    else:
        s = L / size
        u = s * (i + 0.5) - 0.5 if half_pixel else s * i
    if clamp:
        u = u.clamp(0, L - 1)
    j0 = u.floor().long().clamp(0, max(L - 2, 0))
    j1 = (j0 + 1).clamp_max(L - 1)
    lam = (u - j0).to(x.dtype)
    return (1 - lam) * x[..., j0] + lam * x[..., j1]


def right(x, size, align_corners):
    return _resize(x, size, align_corners)


def test_cases_cover_the_edges():
    cases = resize_1d_cases()
    shapes = {(c.kwargs["x"].shape[-1], c.kwargs["size"], c.kwargs["align_corners"]) for c in cases}
    assert len(cases) == 40
    assert {(1, 6, False), (1, 6, True), (6, 1, False), (6, 1, True), (7, 7, True)} <= shapes
    assert any(size > L > 1 for L, size, _ in shapes) and any(1 < size < L for L, size, _ in shapes)


def test_a_right_answer_passes():
    assert check_resize_1d(right, verbose=False).passed


def test_a_stub_fails_without_raising(capsys):
    def stub(x, size, align_corners):
        raise NotImplementedError("write this")

    verdict = check_resize_1d(stub)
    assert not verdict.passed
    assert "not written yet" in capsys.readouterr().out


def test_ignoring_align_corners_fails():
    assert not check_resize_1d(lambda x, size, align_corners: _resize(x, size, False), verbose=False).passed


def test_forgetting_the_half_pixel_fails():
    wrong = lambda x, size, align_corners: _resize(x, size, align_corners, half_pixel=False)  # noqa: E731
    assert not check_resize_1d(wrong, verbose=False).passed


def test_extrapolating_beyond_the_edge_samples_fails():
    wrong = lambda x, size, align_corners: _resize(x, size, align_corners, clamp=False)  # noqa: E731
    assert not check_resize_1d(wrong, verbose=False).passed


def test_the_half_pixel_scale_with_align_corners_fails():
    wrong = lambda x, size, align_corners: _resize(x, size, align_corners, corner_scale=lambda L, m: L / m)  # noqa: E731
    verdict = check_resize_1d(wrong, verbose=False)
    assert not verdict.passed and "align_corners=True" in verdict.failure
