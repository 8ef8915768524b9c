"""The transposed-convolution exercise checker passes a correct scatter loop and fails plausible wrong ones."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from resample_lib.helpers.exercises.transposed import check_conv_transpose2d, conv_transpose2d_cases


def _scatter(x, weight, stride, padding, output_padding=0, *, flip=False, crop=True, extra=True, swap=False):
    """A scatter-loop transposed convolution; the keyword flags plant the mistakes students make."""
    if swap:  # reads the weight as conv2d's (C_out, C_in, kH, kW)
        weight = weight.transpose(0, 1)
    if flip:  # flips the kernel, as in the zero-insertion view, although a stamp is not flipped
        weight = weight.flip(-2, -1)
    N, _, H, W = x.shape
    co, (kh, kw) = weight.shape[1], weight.shape[-2:]
    op = output_padding if extra else 0
    p = padding if crop else 0
    Ho, Wo = (H - 1) * stride - 2 * p + kh + op, (W - 1) * stride - 2 * p + kw + op
    canvas = x.new_zeros(N, co, (H - 1) * stride + kh + op, (W - 1) * stride + kw + op)
    for i in range(H):
        for j in range(W):
            canvas[:, :, stride * i:stride * i + kh, stride * j:stride * j + kw] += torch.einsum(
                "nc,cokl->nokl", x[:, :, i, j], weight)
    return canvas[:, :, p:p + Ho, p:p + Wo]


def test_correct_answer_passes():
    assert check_conv_transpose2d(_scatter, verbose=False)


def test_cases_cover_the_edge_cases():
    cases = [c.kwargs for c in conv_transpose2d_cases()]
    assert len(cases) == 40
    assert {c["stride"] for c in cases} == {1, 2, 3}
    assert any(c["padding"] >= c["weight"].shape[-1] for c in cases)  # the crop eats whole stamps
    assert any(c["output_padding"] > 0 for c in cases)
    assert any(c["weight"].shape[-2] != c["weight"].shape[-1] for c in cases)
    assert any(c["weight"].shape[0] != c["weight"].shape[1] for c in cases)
    assert any(min(c["x"].shape[-2:]) == 1 for c in cases)
    for c in cases:  # every case is valid for torch
        F.conv_transpose2d(c["x"], c["weight"], stride=c["stride"], padding=c["padding"],
                           output_padding=c["output_padding"])


def test_stub_fails_politely(capsys):
    def stub(x, weight, stride, padding, output_padding=0):
        raise NotImplementedError("write this")

    verdict = check_conv_transpose2d(stub)
    assert not verdict and "not written yet" in verdict.failure
    assert capsys.readouterr().out.startswith("FAIL my_conv_transpose2d, case 1 of 40")


def test_flipped_kernel_fails():
    verdict = check_conv_transpose2d(lambda **kw: _scatter(**kw, flip=True), verbose=False)
    assert not verdict and "values differ" in verdict.failure


def test_padding_not_cropped_fails():
    verdict = check_conv_transpose2d(lambda **kw: _scatter(**kw, crop=False), verbose=False)
    assert not verdict and "expected shape" in verdict.failure


def test_output_padding_ignored_fails():
    verdict = check_conv_transpose2d(lambda **kw: _scatter(**kw, extra=False), verbose=False)
    assert not verdict and "expected shape" in verdict.failure


def test_conv2d_weight_layout_fails():
    verdict = check_conv_transpose2d(lambda **kw: _scatter(**kw, swap=True), verbose=False)
    assert not verdict
