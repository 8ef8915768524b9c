"""resample_lib.functional.blur_pool: the binomial filter, and blur-then-subsample against a conv2d reference."""
from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F
from conftest import assert_matches_torch, forbid_torch_ops

from resample_lib.functional.blur_pool import binomial_filter, binomial_filter2d, blur_pool2d
from resample_lib.nn.blur_pool import BlurPool2d

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


MODULE_CASES = [(3, 2, "reflect"), (4, 2, "zeros"), (5, 3, "circular"), (2, 2, "replicate"), (1, 2, "reflect")]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("filt_size,stride,pad_mode", MODULE_CASES,
                         ids=[f"f{f}-s{s}-{p}" for f, s, p in MODULE_CASES])
def test_module_equals_the_function(filt_size, stride, pad_mode, dtype):
    """The module (torch's depthwise conv2d) and the function (slices) compute one operation, to rounding."""
    x = torch.randn(2, 4, 11, 10, dtype=dtype, generator=torch.Generator().manual_seed(filt_size))
    pool = BlurPool2d(4, filt_size, stride, pad_mode).to(dtype)
    assert_matches_torch(pool(x), blur_pool2d(x, filt_size, stride, pad_mode))
    assert_matches_torch(pool(x), _reference(x, filt_size, stride, pad_mode))
    any_channels = BlurPool2d(None, filt_size, stride, pad_mode).to(dtype)
    assert torch.equal(any_channels(x), pool(x))
    assert torch.equal(any_channels(x[0]), pool(x[0]))  # unbatched (C, H, W)


def test_module_buffer():
    pool = BlurPool2d(4, filt_size=5, stride=2)
    assert pool.state_dict() == {} and len(list(pool.parameters())) == 0  # a constant, not a weight
    assert pool.weight.shape == (4, 1, 5, 5) and BlurPool2d(filt_size=5).weight.shape == (1, 1, 5, 5)
    assert torch.equal(pool.filt, binomial_filter(5)) and torch.equal(pool.filt2d, binomial_filter2d(5))
    pool = pool.double()
    assert pool.weight.dtype == pool.filt.dtype == pool.filt2d.dtype == torch.float64
    assert repr(pool) == "BlurPool2d(channels=4, filt_size=5, stride=2, pad_mode='reflect')"


@pytest.mark.parametrize(
    "kwargs,error,message",
    [
        (dict(channels=0), ValueError, "BlurPool2d: channels must be positive, got channels=0"),
        (dict(channels=2.0), TypeError, "BlurPool2d: channels must be an int, got 2.0"),
        (dict(filt_size=0), ValueError, "BlurPool2d: filt_size must be positive, got filt_size=0"),
        (dict(stride=True), TypeError, "BlurPool2d: stride must be an int, got True"),
        (dict(pad_mode="refl"), ValueError,
         "BlurPool2d: pad_mode must be one of 'circular', 'reflect', 'replicate', 'zeros', got 'refl'"),
    ],
    ids=["channels=0", "channels=2.0", "filt_size=0", "stride=True", "pad_mode=refl"],
)
def test_module_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error) as info:
        BlurPool2d(**kwargs)
    assert str(info.value) == message


def test_module_rejects_bad_inputs():
    with pytest.raises(ValueError, match=r"^BlurPool2d: expected 4 channels, got input of shape \(2, 3, 11, 10\)$"):
        BlurPool2d(4)(torch.randn(2, 3, 11, 10))
    with pytest.raises(ValueError, match="BlurPool2d.*filt_size=9"):  # reflect padding of 4 on a 4-wide input
        BlurPool2d(filt_size=9)(torch.randn(1, 2, 6, 4))
    with pytest.raises(TypeError, match="BlurPool2d"):
        BlurPool2d()(torch.zeros(1, 2, 6, 4, dtype=torch.int64))


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
