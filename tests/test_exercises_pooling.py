"""The checker of chapter 04's exercise passes a right answer and fails plausible wrong ones."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from resample_lib import max_pool2d
from resample_lib.helpers.exercises.pooling import check_max_pool2d_with_indices, max_pool_cases


def _unfold_pool(x, kernel_size, stride, padding, *, pad_value=float("-inf"), padded_index=False, plane_width=None):
    """A from-scratch max pool with indices; the keyword arguments inject the usual mistakes."""
    n, c, h, w = x.shape
    k, s, p = kernel_size, stride, padding
    xp = F.pad(x, (p, p, p, p), value=pad_value)
    rows, cols = torch.arange(-p, h + p), torch.arange(-p, w + p)
    if padded_index:  # index into the padded plane instead of the input's
        rows, cols, width = rows + p, cols + p, w + 2 * p
    else:
        width = plane_width or w
    flat = rows[:, None] * width + cols[None, :]
    windows = xp.unfold(2, k, s).unfold(3, k, s)              # (N, C, oh, ow, k, k)
    oh, ow = windows.shape[2:4]
    values, arg = windows.reshape(n, c, oh, ow, k * k).max(-1)
    where = flat.unfold(0, k, s).unfold(1, k, s).reshape(oh, ow, k * k)
    return values, where.expand(n, c, oh, ow, k * k).gather(-1, arg[..., None])[..., 0]


def test_cases_are_valid_and_tie_free():
    cases = max_pool_cases()
    assert len(cases) == 36
    for case in cases:
        x, k, p = case.kwargs["x"], case.kwargs["kernel_size"], case.kwargs["padding"]
        assert x.dim() == 4 and 0 <= p <= k // 2
        assert x.flatten().unique().numel() == x.numel()
    # the edge cases the checker promises
    shapes = [c.kwargs["x"].shape for c in cases]
    assert any(s[-1] != s[-2] for s in shapes)
    assert any(c.kwargs["padding"] > 0 and bool((c.kwargs["x"] < 0).all()) for c in cases)
    assert any(c.kwargs["stride"] > c.kwargs["kernel_size"] for c in cases)


def test_checker_passes_correct_answers():
    assert check_max_pool2d_with_indices(_unfold_pool, verbose=False)
    ours = lambda x, kernel_size, stride, padding: max_pool2d(x, kernel_size, stride, padding, return_indices=True)
    assert check_max_pool2d_with_indices(ours, verbose=False)


def test_checker_fails_zero_padding():
    wrong = lambda x, kernel_size, stride, padding: _unfold_pool(x, kernel_size, stride, padding, pad_value=0.0)
    assert not check_max_pool2d_with_indices(wrong, verbose=False)


def test_checker_fails_indices_into_the_padded_plane():
    wrong = lambda x, kernel_size, stride, padding: _unfold_pool(x, kernel_size, stride, padding, padded_index=True)
    assert not check_max_pool2d_with_indices(wrong, verbose=False)


def test_checker_fails_height_for_width():
    def wrong(x, kernel_size, stride, padding):
        return _unfold_pool(x, kernel_size, stride, padding, plane_width=x.shape[-2])
    assert not check_max_pool2d_with_indices(wrong, verbose=False)


def test_checker_fails_values_only_and_reports_the_stub(capsys):
    values_only = lambda x, kernel_size, stride, padding: F.max_pool2d(x, kernel_size, stride, padding)
    assert not check_max_pool2d_with_indices(values_only, verbose=False)

    def stub(x, kernel_size, stride, padding):
        raise NotImplementedError("write this")
    verdict = check_max_pool2d_with_indices(stub)
    assert not verdict and "not written yet" in capsys.readouterr().out
