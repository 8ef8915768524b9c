"""resample_lib.functional.blur_pool: the binomial filter, and blur-then-subsample against a conv2d reference."""
from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F
from conftest import assert_matches_torch, forbid_torch_ops

from resample_lib.functional.blur_pool import BlurPool2d, binomial_filter, binomial_filter2d, blur_pool2d

PAD_MODES = {"reflect": "reflect", "replicate": "replicate", "circular": "circular", "zeros": "constant"}


def _pascal_row(n: int) -> list[int]:
    """Row n of Pascal's triangle by repeated addition (independent of math.comb)."""
    row = [1]
    for _ in range(n):
        row = [a + b for a, b in zip([0] + row, row + [0])]
    return row


def _reference(x: torch.Tensor, filt_size: int, stride: int, pad_mode: str) -> torch.Tensor:
    """Zhang's BlurPool with torch's own ops: pad (floor left, ceil right), depthwise conv2d."""
    row = torch.tensor(_pascal_row(filt_size - 1), dtype=x.dtype)
    filt = row[:, None] * row[None, :]
    filt = filt / filt.sum()
    C = x.shape[-3]
    left, right = (filt_size - 1) // 2, -(-(filt_size - 1) // 2)
    xp = F.pad(x, (left, right, left, right), mode=PAD_MODES[pad_mode])
    return F.conv2d(xp, filt.expand(C, 1, filt_size, filt_size), stride=stride, groups=C)


@pytest.mark.parametrize("size", range(1, 13))
def test_binomial_filter_is_normalised_pascal_row(size):
    row = _pascal_row(size - 1)
    expected = torch.tensor(row, dtype=torch.float64) / sum(row)
    b = binomial_filter(size, dtype=torch.float64)
    assert torch.equal(b, expected)
    assert b.sum().item() == 1.0
    assert torch.equal(b, b.flip(0))
    b2 = binomial_filter2d(size, dtype=torch.float64)
    assert torch.equal(b2, expected[:, None] * expected[None, :])
    assert b2.sum().item() == pytest.approx(1.0, abs=1e-15)


def test_binomial_filter_is_repeated_box_convolution():
    # [1/2, 1/2] convolved with itself f-1 times.
    box = torch.tensor([[[0.5, 0.5]]], dtype=torch.float64)
    b = torch.tensor([[[1.0]]], dtype=torch.float64)
    for size in range(2, 8):
        b = F.conv1d(F.pad(b, (1, 1)), box.flip(-1))
        assert torch.equal(b.flatten(), binomial_filter(size, dtype=torch.float64))


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_filt_size_one_is_plain_subsampling(stride):
    x = torch.randn(2, 3, 9, 8)
    with forbid_torch_ops("conv", "pool"):
        ours = blur_pool2d(x, filt_size=1, stride=stride)
    assert torch.equal(ours, x[..., ::stride, ::stride])


@pytest.mark.parametrize("case", range(60))
def test_blur_pool2d_matches_conv2d_reference(case):
    rng = random.Random(7000 + case)
    filt_size = rng.randint(1, 7)
    stride = rng.randint(1, 3)
    pad_mode = rng.choice(list(PAD_MODES))
    dtype = rng.choice((torch.float32, torch.float64))
    hw = (rng.randint(filt_size // 2 + 1, 15), rng.randint(filt_size // 2 + 1, 15))
    shape = (rng.randint(1, 3), *hw) if rng.random() < 0.3 else (rng.randint(1, 2), rng.randint(1, 4), *hw)
    x = torch.randn(*shape, dtype=dtype, generator=torch.Generator().manual_seed(case))
    ref = _reference(x, filt_size, stride, pad_mode)
    with forbid_torch_ops("conv", "pool"):
        ours = blur_pool2d(x, filt_size, stride, pad_mode)
    assert_matches_torch(ours, ref)
    assert ours.shape[-2:] == tuple(-(-n // stride) for n in hw)  # ceil(n / s), as x[::s]


def test_module_buffer_and_forward():
    pool = BlurPool2d(4, filt_size=5, stride=2)
    assert "filt" in pool.state_dict() and len(list(pool.parameters())) == 0
    assert torch.equal(pool.filt2d, binomial_filter2d(5))
    x = torch.randn(2, 4, 11, 10, dtype=torch.float64)
    ref = _reference(x, 5, 2, "reflect")
    pool = pool.double()
    assert pool.filt.dtype == torch.float64
    with forbid_torch_ops("conv", "pool"):
        ours = pool(x)
    assert_matches_torch(ours, ref)
    assert_matches_torch(blur_pool2d(x, 5, 2), ours)
    with pytest.raises(ValueError, match="expected 4 channels"):
        pool(torch.randn(2, 3, 11, 10, dtype=torch.float64))


@pytest.mark.parametrize(
    "kwargs,error,fragment",
    [
        (dict(filt_size=0), ValueError, "filt_size=0"),
        (dict(filt_size=2.0), TypeError, "2.0"),
        (dict(stride=0), ValueError, "stride=0"),
        (dict(pad_mode="refl"), ValueError, "'refl'"),
        (dict(filt_size=9), ValueError, "filt_size=9"),  # reflect padding of 4 on a 4-wide input
    ],
)
def test_blur_pool2d_rejects_bad_arguments(kwargs, error, fragment):
    with pytest.raises(error) as info:
        blur_pool2d(torch.randn(1, 2, 6, 4), **kwargs)
    assert fragment in str(info.value)


def test_blur_pool2d_rejects_bad_inputs():
    with pytest.raises(ValueError, match="2-D"):
        blur_pool2d(torch.randn(6, 6))
    with pytest.raises(TypeError, match="int64"):
        blur_pool2d(torch.ones(1, 6, 6, dtype=torch.int64))


def test_blur_pool2d_gradient_matches_conv2d_reference():
    x = torch.randn(2, 3, 9, 10, dtype=torch.float64)
    grads = []
    for fn in (lambda t: _reference(t, 4, 2, "reflect"), lambda t: blur_pool2d(t, 4, 2, "reflect")):
        t = x.clone().requires_grad_(True)
        out = fn(t)
        (out * torch.linspace(-1, 2, out.numel(), dtype=out.dtype).view(out.shape)).sum().backward()
        grads.append(t.grad)
    assert_matches_torch(grads[1], grads[0])
