"""The checker of "Resizing across libraries" passes a right answer and fails plausible wrong ones."""
from __future__ import annotations

import math

import pytest
import torch

pytest.importorskip("cv2")

from resample_lib.helpers.exercises.libraries import area_matrix_cases, check_area_matrix  # noqa: E402


def right(n_in, n_out):
    s = n_in / n_out
    m = torch.zeros(n_out, n_in, dtype=torch.float64)
    for i in range(n_out):
        for j in range(n_in):
            m[i, j] = max(0.0, min(j + 1, (i + 1) * s) - max(j, i * s)) / s
    return m


def torch_area(n_in, n_out):
    """torch's 'area' (adaptive average pooling): whole pixels from floor(i s) to ceil((i+1) s)."""
    m = torch.zeros(n_out, n_in, dtype=torch.float64)
    for i in range(n_out):
        lo, hi = math.floor(i * n_in / n_out), math.ceil((i + 1) * n_in / n_out)
        m[i, lo:hi] = 1.0 / (hi - lo)
    return m


def test_cases_cover_the_edges():
    pairs = {(c.kwargs["n_in"], c.kwargs["n_out"]) for c in area_matrix_cases()}
    assert len(area_matrix_cases()) == 30
    assert {(1, 1), (7, 7), (9, 1), (8, 4), (64, 40)} <= pairs
    assert all(1 <= b <= a for a, b in pairs)


def test_a_right_answer_passes():
    assert check_area_matrix(right, verbose=False).passed


def test_a_float32_answer_passes():
    assert check_area_matrix(lambda a, b: right(a, b).float(), verbose=False).passed


def test_a_stub_fails_without_raising(capsys):
    def stub(n_in, n_out):
        raise NotImplementedError("write this")

    assert not check_area_matrix(stub).passed
    assert "not written yet" in capsys.readouterr().out


def test_torchs_whole_pixel_area_fails():
    verdict = check_area_matrix(torch_area, verbose=False)
    assert not verdict.passed and "n_in=5, n_out=3" in verdict.failure


def test_forgetting_to_divide_by_s_fails():
    assert not check_area_matrix(lambda a, b: right(a, b) * (a / b), verbose=False).passed


def test_the_transposed_matrix_fails():
    assert not check_area_matrix(lambda a, b: right(a, b).T, verbose=False).passed
