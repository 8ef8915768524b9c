"""The strided-convolution exercise's checker passes a correct answer and fails plausible wrong ones."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from resample_lib.helpers.exercises.strided import check_strided_conv2d, strided_conv2d_cases


def taps_solution(x, weight, stride, pad):
    """A correct answer without F.pad or F.conv2d: zero padding by slicing, one product per kernel tap."""
    left, right, top, bottom = pad
    n, c, h, w = x.shape
    xp = x.new_zeros(n, c, h + top + bottom, w + left + right)
    xp[..., top : top + h, left : left + w] = x
    c_out, _, kh, kw = weight.shape
    ho = (xp.shape[-2] - kh) // stride + 1
    wo = (xp.shape[-1] - kw) // stride + 1
    out = x.new_zeros(n, c_out, ho, wo)
    for a in range(kh):
        for b in range(kw):
            window = xp[..., a : a + stride * (ho - 1) + 1 : stride, b : b + stride * (wo - 1) + 1 : stride]
            out += torch.einsum("oc,nchw->nohw", weight[:, :, a, b], window)
    return out


def unfold_solution(x, weight, stride, pad):
    """A correct answer with unfold (im2col) and one matrix product."""
    xp = F.pad(x, pad)
    c_out, _, kh, kw = weight.shape
    ho = (xp.shape[-2] - kh) // stride + 1
    wo = (xp.shape[-1] - kw) // stride + 1
    cols = F.unfold(xp, (kh, kw), stride=stride)  # (N, C*kh*kw, L)
    return (weight.view(c_out, -1) @ cols).view(x.shape[0], c_out, ho, wo)


def test_cases_are_valid_and_seeded():
    a, b = strided_conv2d_cases(), strided_conv2d_cases()
    assert len(a) >= 30
    for ca, cb in zip(a, b):
        assert torch.equal(ca.kwargs["x"], cb.kwargs["x"]) and ca.kwargs["pad"] == cb.kwargs["pad"]
    assert any(c.kwargs["pad"] == (0, 1, 0, 1) for c in a)
    assert {c.kwargs["stride"] for c in a} >= {1, 2, 3}


def test_checker_passes_correct_answers():
    assert check_strided_conv2d(taps_solution, verbose=False)
    assert check_strided_conv2d(unfold_solution, verbose=False)


def test_checker_reports_a_stub(capsys):
    def stub(x, weight, stride, pad):
        raise NotImplementedError("write this")

    verdict = check_strided_conv2d(stub)
    assert not verdict and "not written yet" in capsys.readouterr().out


def test_checker_fails_pad_order_swapped():
    # (top, bottom, left, right): the order of the padding= argument, not of F.pad
    def wrong(x, weight, stride, pad):
        left, right, top, bottom = pad
        return F.conv2d(F.pad(x, (top, bottom, left, right)), weight, stride=stride)

    assert not check_strided_conv2d(wrong, verbose=False)


def test_checker_fails_symmetric_padding():
    # torch's padding= pads both sides: only the left/top amounts are honoured
    def wrong(x, weight, stride, pad):
        return F.conv2d(x, weight, stride=stride, padding=(pad[2], pad[0]))

    assert not check_strided_conv2d(wrong, verbose=False)


def test_checker_fails_ceil_output_size():
    # rounding the output size up reads a window that hangs over the padded input
    def wrong(x, weight, stride, pad):
        xp = F.pad(x, pad)
        kh, kw = weight.shape[-2:]
        ho = -(-(xp.shape[-2] - kh) // stride) + 1
        wo = -(-(xp.shape[-1] - kw) // stride) + 1
        xp = F.pad(xp, (0, (wo - 1) * stride + kw - xp.shape[-1], 0, (ho - 1) * stride + kh - xp.shape[-2]))
        return F.conv2d(xp, weight, stride=stride)

    assert not check_strided_conv2d(wrong, verbose=False)


def test_checker_fails_flipped_kernel():
    # a textbook convolution flips the kernel; deep learning's conv2d does not
    def wrong(x, weight, stride, pad):
        return F.conv2d(F.pad(x, pad), weight.flip(-1, -2), stride=stride)

    assert not check_strided_conv2d(wrong, verbose=False)
