"""resample_lib.nn.resampling_block, upsampling_blocks, downsampling_blocks and small_unet: DDIM's resampling
blocks, the alternatives, their shared base class, the small U-Net.

DDIM's ``Upsample`` / ``Downsample`` are checked against the composition of torch
ops that DDIM's ``models/diffusion.py`` performs, written out here with the
module's own weights; their state dicts against the names and shapes of DDIM's
checkpoints.
"""
from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from resample_lib.functional.shuffle import icnr_
from resample_lib.nn.blur_pool import BlurPool2d
from resample_lib.nn.downsampling_blocks import DOWNSAMPLERS, BlurPoolDownsample, Downsample
from resample_lib.nn.resampling_block import ResamplingBlock, reset_parameters_
from resample_lib.nn.small_unet import SmallUNet, count_macs, count_parameters, trace_shapes
from resample_lib.nn.upsampling_blocks import UPSAMPLERS, PixelShuffleUpsample, Upsample

SIZES = [(4, 4), (6, 8), (5, 7), (9, 3), (1, 1), (2, 5)]  # even and odd
DTYPES = [torch.float32, torch.float64]
DTYPE_IDS = ["float32", "float64"]
CASES = [(size, dtype, seed) for size in SIZES for dtype in DTYPES for seed in range(3)]
BY_CASE = pytest.mark.parametrize(
    "size,dtype,seed", CASES, ids=[f"{h}x{w}-{str(d)[6:]}-seed{s}" for (h, w), d, s in CASES]
)
BLOCKS = {**UPSAMPLERS, **DOWNSAMPLERS}


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# --------------------------------------------------------------------------- #
# DDIM's blocks
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("block", [Upsample, Downsample], ids=["Upsample", "Downsample"])
@pytest.mark.parametrize("channels", [1, 3, 8], ids=lambda c: f"C={c}")
def test_state_dict_matches_ddim(block, channels):
    sd = block(channels, with_conv=True).state_dict()
    assert {k: tuple(v.shape) for k, v in sd.items()} == {
        "conv.weight": (channels, channels, 3, 3),
        "conv.bias": (channels,),
    }
    assert block(channels, with_conv=False).state_dict() == {}


def test_ddim_checkpoint_tensors_load():
    weights = {"conv.weight": torch.randn(4, 4, 3, 3, generator=_gen(1)), "conv.bias": torch.randn(4, generator=_gen(2))}
    for block in (Upsample(4, True), Downsample(4, True)):
        block.load_state_dict(weights, strict=True)
        assert torch.equal(block.conv.weight, weights["conv.weight"])


@BY_CASE
def test_upsample_equals_interpolate_then_conv(size, dtype, seed):
    x = torch.randn(2, 3, *size, generator=_gen(seed), dtype=dtype)
    up = Upsample(3, with_conv=True, generator=_gen(100 + seed)).to(dtype)
    ref = F.conv2d(F.interpolate(x, scale_factor=2.0, mode="nearest"), up.conv.weight, up.conv.bias, 1, 1)
    torch.testing.assert_close(up(x), ref, rtol=0, atol=0)
    plain = Upsample(3, with_conv=False)(x)
    assert torch.equal(plain, x.repeat_interleave(2, -2).repeat_interleave(2, -1))


@BY_CASE
def test_downsample_equals_pad_then_strided_conv(size, dtype, seed):
    x = torch.randn(2, 3, *size, generator=_gen(seed), dtype=dtype)
    down = Downsample(3, with_conv=True, generator=_gen(100 + seed)).to(dtype)
    if min(size) < 2:  # padded side 2 < kernel 3: torch refuses, so must the block
        with pytest.raises(RuntimeError):
            down(x)
        return
    ref = F.conv2d(F.pad(x, (0, 1, 0, 1)), down.conv.weight, down.conv.bias, stride=2)
    torch.testing.assert_close(down(x), ref, rtol=0, atol=0)
    assert down(x).shape[-2:] == (size[0] // 2, size[1] // 2)  # rounds down, like the average pool
    avg = Downsample(3, with_conv=False)(x)
    torch.testing.assert_close(avg, F.avg_pool2d(x, 2, 2), rtol=0, atol=0)


def test_ddim_odd_size_rounds_down_and_skip_fails():
    """DDIM's pad+conv maps odd H to floor(H/2); nearest x2 then gives H - 1, not H."""
    for h in (5, 7, 33):
        down = Downsample(2, True)(torch.zeros(1, 2, h, h))
        assert down.shape[-1] == h // 2
        assert Upsample(2, True)(down).shape[-1] == h - 1


# --------------------------------------------------------------------------- #
# the base class: one set of checks, each message naming the block
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("name", list(BLOCKS))
def test_every_block_is_a_resampling_block_with_the_shared_checks(name):
    block = BLOCKS[name](3, generator=_gen(0))
    cls = type(block).__name__
    assert isinstance(block, ResamplingBlock) and block.in_channels == 3
    assert repr(block).startswith(f"{cls}(\n  3") or repr(block).startswith(f"{cls}(3")
    with pytest.raises(ValueError, match=rf"^{cls}: expected an input of shape \(N, 3, H, W\), got \(1, 2, 4, 4\)$"):
        block(torch.zeros(1, 2, 4, 4))
    with pytest.raises(ValueError, match=rf"^{cls}: expected an input of shape \(N, 3, H, W\), got \(3, 4, 4\)$"):
        block(torch.zeros(3, 4, 4))
    with pytest.raises(ValueError, match=rf"^{cls}: in_channels must be positive, got in_channels=0$"):
        BLOCKS[name](0)
    with pytest.raises(TypeError, match=rf"^{cls}: in_channels must be an int, got 2.0$"):
        BLOCKS[name](2.0)
    with pytest.raises(TypeError, match=rf"^{cls}: generator must be a torch.Generator or None, got int$"):
        BLOCKS[name](3, generator=0)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="even H and W, got \\(5, 4\\)"):
        DOWNSAMPLERS["pixel unshuffle+1x1"](2)(torch.zeros(1, 2, 5, 4))
    with pytest.raises(ValueError, match=r"^SmallUNet: unknown upsampler 'nearest'; expected one of \['nearest\+conv"):
        SmallUNet(up="nearest")
    with pytest.raises(ValueError, match=r"^SmallUNet: unknown downsampler 'strided'"):
        SmallUNet(down="strided")
    with pytest.raises(TypeError, match=r"^SmallUNet: generator must be a torch.Generator or None, got int$"):
        SmallUNet(generator=0)
    with pytest.raises(ValueError, match="in_channels == out_channels"):
        SmallUNet(in_channels=1, out_channels=3, residual=True)
    with pytest.raises(ValueError, match="divisible"):
        icnr_(torch.empty(6, 2, 3, 3), 2)
    with pytest.raises(TypeError, match=r"^reset_parameters_: generator must be a torch.Generator or None, got int$"):
        reset_parameters_(nn.Conv2d(1, 1, 3), 0)


def test_a_subclass_must_say_how_it_resamples():
    with pytest.raises(NotImplementedError, match="ResamplingBlock must implement resample"):
        ResamplingBlock(2)(torch.zeros(1, 2, 4, 4))


# --------------------------------------------------------------------------- #
# registries
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("name", list(UPSAMPLERS))
def test_upsamplers_double(name):
    block = UPSAMPLERS[name](5, generator=_gen(0))
    for h, w in [(4, 6), (8, 8), (3, 5)]:
        y = block(torch.randn(2, 5, h, w, generator=_gen(h)))
        assert y.shape == (2, 5, 2 * h, 2 * w)


@pytest.mark.parametrize("name", list(DOWNSAMPLERS))
def test_downsamplers_halve(name):
    block = DOWNSAMPLERS[name](5, generator=_gen(0))
    for h, w in [(4, 6), (8, 8), (16, 2)]:
        y = block(torch.randn(2, 5, h, w, generator=_gen(h)))
        assert y.shape == (2, 5, h // 2, w // 2)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("with_conv", [False, True], ids=["no conv", "with_conv"])
def test_blur_pool_block_is_conv_then_blur_pool2d(with_conv, dtype):
    block = BlurPoolDownsample(3, with_conv=with_conv, generator=_gen(1)).to(dtype)
    assert isinstance(block.pool, BlurPool2d)
    assert (block.pool.channels, block.pool.filt_size, block.pool.stride, block.pool.pad_mode) == (3, 3, 2, "reflect")
    x = torch.randn(2, 3, 8, 7, generator=_gen(0), dtype=dtype)
    h = F.conv2d(x, block.conv.weight, block.conv.bias, padding=1) if with_conv else x
    b = torch.tensor([1.0, 2.0, 1.0], dtype=dtype)
    k = (torch.outer(b, b) / 16).expand(3, 1, 3, 3)
    ref = F.conv2d(F.pad(h, (1, 1, 1, 1), mode="reflect"), k, stride=2, groups=3)
    torch.testing.assert_close(block(x), ref, rtol=0, atol=0)  # the very composition, bit for bit
    assert set(block.state_dict()) == ({"conv.weight", "conv.bias"} if with_conv else set())


def test_icnr_gives_nearest_upsampling_at_init():
    for seed in range(3):
        block = PixelShuffleUpsample(4, generator=_gen(seed))
        y = block(torch.randn(2, 4, 6, 5, generator=_gen(10 + seed)))
        # every 2x2 output block is constant: y is the nearest upsampling of its own subsample
        torch.testing.assert_close(y, F.interpolate(y[..., ::2, ::2], scale_factor=2.0, mode="nearest"))
        # ... and the four sub-pixel kernels of each output channel are one kernel
        w = block.conv.weight.view(4, 4, 4, 3, 3)
        assert torch.equal(w, w[:, :1].expand_as(w))
    # without ICNR, conv + pixel shuffle has a checkerboard at init
    conv = nn.Conv2d(4, 16, 3, padding=1)
    y = F.pixel_shuffle(conv(torch.randn(1, 4, 6, 5, generator=_gen(0))), 2)
    assert not torch.allclose(y, F.interpolate(y[..., ::2, ::2], scale_factor=2.0))


def test_reset_parameters_follows_torch_defaults():
    conv = reset_parameters_(nn.Conv2d(8, 8, 3), _gen(0))
    bound = 1 / (8 * 9) ** 0.5
    assert conv.weight.abs().max() <= bound and conv.bias.abs().max() <= bound
    assert conv.weight.std() > bound / 3  # a uniform's std is bound / sqrt(3)


# --------------------------------------------------------------------------- #
# SmallUNet and the measuring tools
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("up,down", list(itertools.product(UPSAMPLERS, DOWNSAMPLERS)),
                         ids=[f"{u} | {d}" for u, d in itertools.product(UPSAMPLERS, DOWNSAMPLERS)])
def test_small_unet_shapes(up, down):
    net = SmallUNet(channels=(4, 8, 8), up=up, down=down, seed=0)
    x = torch.randn(2, 1, 16, 12, generator=_gen(0))
    assert net(x).shape == x.shape
    shapes = trace_shapes(net, (2, 1, 16, 12))
    assert shapes["enc1"] == (2, 8, 8, 6) and shapes["enc2"] == (2, 8, 4, 3)
    assert shapes["up1"] == (2, 8, 8, 6) and shapes["up0"] == (2, 8, 16, 12)
    assert shapes["output"] == (2, 1, 16, 12)


def test_small_unet_options():
    net = SmallUNet(in_channels=3, out_channels=2, channels=(8, 16), residual=False, norm_groups=4, seed=1)
    assert net.levels == 2
    assert net(torch.randn(1, 3, 8, 8)).shape == (1, 2, 8, 8)
    single = SmallUNet(channels=(4,), seed=0)  # one level: no resampling at all
    assert single(torch.randn(1, 1, 5, 5)).shape == (1, 1, 5, 5)


def test_residual_output_is_input_plus_network():
    net = SmallUNet(channels=(4, 8), seed=0)
    x = torch.randn(1, 1, 8, 8, generator=_gen(0))
    with torch.no_grad():
        net.head.weight.zero_()
        net.head.bias.zero_()
    assert torch.equal(net(x), x)


@pytest.mark.parametrize("down", ["pad+conv s2 (DDIM)", "avg pool (DDIM)", "conv s2 p1", "blur pool"])
def test_trace_shapes_odd_size_raises(down):
    net = SmallUNet(channels=(4, 8), down=down, seed=0)
    with pytest.raises(ValueError, match=r"skip connection is 33x32.*divisible by 2\*\*\(levels-1\) = 2"):
        trace_shapes(net, (1, 1, 33, 32))
    partial = trace_shapes(net, (1, 1, 33, 32), strict=False)
    expected = 32 if down in ("pad+conv s2 (DDIM)", "avg pool (DDIM)") else 34  # floor vs ceil
    assert partial["up0"][-2] == expected and "error" in partial
    with pytest.raises(ValueError, match="divisible by 2\\*\\*\\(levels-1\\) = 4"):
        SmallUNet(channels=(4, 8, 8), down=down, seed=0)(torch.zeros(1, 1, 18, 16))  # 18 -> 9 is odd


def test_count_parameters():
    net = SmallUNet(channels=(4, 8), seed=0)
    assert count_parameters(net) == sum(p.numel() for p in net.parameters())
    net.head.weight.requires_grad_(False)
    assert count_parameters(net, trainable_only=True) == count_parameters(net) - net.head.weight.numel()


@pytest.mark.parametrize(
    "cin,cout,k,stride,padding,groups,h,w",
    [(3, 5, 3, 1, 1, 1, 8, 8), (4, 6, 3, 2, 0, 2, 9, 7), (6, 6, 5, 2, 2, 6, 11, 10), (2, 3, 1, 1, 0, 1, 4, 5)],
    ids=["3->5 k3 s1 p1 g1 8x8", "4->6 k3 s2 p0 g2 9x7", "6->6 k5 s2 p2 g6 11x10", "2->3 k1 s1 p0 g1 4x5"],
)
def test_count_macs_conv2d(cin, cout, k, stride, padding, groups, h, w):
    conv = nn.Conv2d(cin, cout, k, stride, padding, groups=groups)
    hout = (h + 2 * padding - k) // stride + 1
    wout = (w + 2 * padding - k) // stride + 1
    assert count_macs(conv, (1, cin, h, w)) == cout * cin // groups * k * k * hout * wout
    assert count_macs(conv, (3, cin, h, w)) == 3 * cout * cin // groups * k * k * hout * wout


def test_count_macs_transposed_and_linear():
    tconv = nn.ConvTranspose2d(3, 5, 4, 2, 1)
    assert count_macs(tconv, (2, 3, 6, 7)) == 2 * 3 * 6 * 7 * 5 * 16
    assert count_macs(nn.Linear(10, 4), (3, 10)) == 3 * 10 * 4
    assert count_macs(nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.MaxPool2d(2)), (1, 1, 4, 4)) == 2 * 9 * 16


def test_count_macs_small_unet_adds_its_convs():
    net = SmallUNet(channels=(4, 8), up="transposed k4s2", down="conv s2 p1", seed=0)
    total = count_macs(net, (1, 1, 8, 8))
    assert total == sum(
        count_macs(m, s)
        for m, s in [
            (net.stem, (1, 1, 8, 8)), (net.encoders[0], (1, 4, 8, 8)), (net.downs[0], (1, 4, 8, 8)),
            (net.encoders[1], (1, 4, 4, 4)), (net.ups[0], (1, 8, 4, 4)), (net.decoders[0], (1, 12, 8, 8)),
            (net.head, (1, 4, 8, 8)),
        ]
    )


@pytest.mark.parametrize("up,down", [("pixel shuffle (ICNR)", "pad+conv s2 (DDIM)"), ("transposed k4s2", "blur pool")],
                         ids=["pixel shuffle (ICNR) | pad+conv s2 (DDIM)", "transposed k4s2 | blur pool"])
def test_same_seed_same_weights(up, down):
    a = SmallUNet(channels=(4, 8), up=up, down=down, seed=3).state_dict()
    b = SmallUNet(channels=(4, 8), up=up, down=down, generator=_gen(3)).state_dict()
    c = SmallUNet(channels=(4, 8), up=up, down=down, seed=4).state_dict()
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)
    torch.manual_seed(123)  # the global generator plays no part
    d = SmallUNet(channels=(4, 8), up=up, down=down, seed=3).state_dict()
    assert all(torch.equal(a[k], d[k]) for k in a)
