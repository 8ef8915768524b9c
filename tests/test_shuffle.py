"""pixel_shuffle / pixel_unshuffle equal torch's and invert each other; ICNR gives nearest-neighbour upsampling."""
from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F
from conftest import assert_matches_torch, forbid_torch_ops

from resample_lib.functional.convolution import conv2d
from resample_lib.functional.shuffle import icnr_, pixel_shuffle, pixel_unshuffle


def _case(rng: random.Random) -> dict:
    r = rng.randint(1, 4)
    batch = rng.choice([(), (2,), (1,), (2, 3)])
    return dict(r=r, batch=batch, c=rng.randint(1, 3), h=rng.randint(1, 4), w=rng.randint(1, 4),
                dtype=rng.choice([torch.float32, torch.float64]))


_RNG = random.Random(1618)
CASES = [_case(_RNG) for _ in range(200)]


def case_id(i: int) -> str:
    c = CASES[i]
    return f"r{c['r']}-batch{'x'.join(map(str, c['batch'])) or '-'}-c{c['c']}-{c['h']}x{c['w']}-{str(c['dtype'])[-2:]}"


def _gen(i: int) -> torch.Generator:
    return torch.Generator().manual_seed(i)


@pytest.mark.parametrize("i", range(len(CASES)), ids=case_id)
def test_pixel_shuffle_matches_torch(i):
    c = CASES[i]
    x = torch.randn(*c["batch"], c["c"] * c["r"] ** 2, c["h"], c["w"], generator=_gen(i), dtype=c["dtype"])
    ref = F.pixel_shuffle(x, c["r"])
    with forbid_torch_ops("shuffle"):
        ours = pixel_shuffle(x, c["r"])
    assert_matches_torch(ours, ref)


@pytest.mark.parametrize("i", range(len(CASES)), ids=case_id)
def test_pixel_unshuffle_matches_torch_and_inverts(i):
    c = CASES[i]
    r = c["r"]
    x = torch.randn(*c["batch"], c["c"], c["h"] * r, c["w"] * r, generator=_gen(i), dtype=c["dtype"])
    ref = F.pixel_unshuffle(x, r)
    with forbid_torch_ops("shuffle"):
        ours = pixel_unshuffle(x, r)
        assert torch.equal(pixel_shuffle(ours, r), x)  # shuffle(unshuffle(x)) == x
        y = torch.randn(*c["batch"], c["c"] * r * r, c["h"], c["w"], generator=_gen(i), dtype=c["dtype"])
        assert torch.equal(pixel_unshuffle(pixel_shuffle(y, r), r), y)  # unshuffle(shuffle(y)) == y
    assert_matches_torch(ours, ref)


def test_forbid_patch_works():
    with forbid_torch_ops("shuffle"):
        with pytest.raises(AssertionError, match="forbidden"):
            F.pixel_shuffle(torch.zeros(1, 4, 1, 1), 2)
        with pytest.raises(AssertionError, match="forbidden"):
            torch.pixel_unshuffle(torch.zeros(1, 1, 2, 2), 2)


def test_pixel_shuffle_layout():
    """Channel c*r^2 + i*r + j goes to offset (i, j) of each r x r block."""
    x = torch.arange(8.0).view(8, 1, 1)
    assert pixel_shuffle(x, 2).tolist() == [[[0.0, 1.0], [2.0, 3.0]], [[4.0, 5.0], [6.0, 7.0]]]


# ---------------------------------------------------------------- ICNR

def test_icnr_is_deterministic_given_a_generator():
    a = icnr_(torch.empty(12, 5, 3, 3), 2, generator=torch.Generator().manual_seed(3))
    b = icnr_(torch.empty(12, 5, 3, 3), 2, generator=torch.Generator().manual_seed(3))
    c = icnr_(torch.empty(12, 5, 3, 3), 2, generator=torch.Generator().manual_seed(4))
    assert torch.equal(a, b) and not torch.equal(a, c)


@pytest.mark.parametrize("r", [1, 2, 3])
def test_icnr_gives_nearest_neighbour_upsampling(r):
    g = torch.Generator().manual_seed(r)
    w = icnr_(torch.empty(2 * r * r, 3, 3, 3, dtype=torch.float64), r, generator=g)
    x = torch.randn(1, 3, 5, 6, generator=g, dtype=torch.float64)
    y = pixel_shuffle(conv2d(x, w, padding=1), r)
    low = conv2d(x, w[::r * r], padding=1)  # the shared sub-kernel of each output channel
    nearest = low.repeat_interleave(r, dim=-2).repeat_interleave(r, dim=-1)
    assert_matches_torch(y, F.interpolate(low, scale_factor=r, mode="nearest"))
    assert_matches_torch(y, nearest)


def test_icnr_init_and_scale():
    g = torch.Generator().manual_seed(0)
    w = icnr_(torch.empty(4 * 64, 64, 3, 3), 2, init=torch.nn.init.kaiming_normal_, generator=g)
    std = (2.0 / (64 * 9)) ** 0.5  # kaiming normal, fan_in = C_in * k * k, gain sqrt(2)
    assert abs(w.std().item() / std - 1) < 0.05
    w = icnr_(torch.empty(8, 2, 1, 1), 2, init=torch.nn.init.uniform_, generator=g)
    assert torch.equal(w[:4], w[:1].expand(4, 2, 1, 1))


# ---------------------------------------------------------------- errors

ERRORS = {
    "shuffle_channels": (pixel_shuffle, F.pixel_shuffle, (torch.zeros(1, 6, 2, 2), 2), ValueError, "(6)"),
    "shuffle_rank": (pixel_shuffle, F.pixel_shuffle, (torch.zeros(8, 2), 2), ValueError, "(8, 2)"),
    "shuffle_zero": (pixel_shuffle, F.pixel_shuffle, (torch.zeros(1, 4, 2, 2), 0), ValueError, "upscale_factor=0"),
    "shuffle_negative": (pixel_shuffle, F.pixel_shuffle, (torch.zeros(1, 4, 2, 2), -2), ValueError,
                         "upscale_factor=-2"),
    "shuffle_float": (pixel_shuffle, F.pixel_shuffle, (torch.zeros(1, 4, 2, 2), 2.0), TypeError, "2.0"),
    "unshuffle_height": (pixel_unshuffle, F.pixel_unshuffle, (torch.zeros(1, 2, 5, 4), 2), ValueError, "height (5)"),
    "unshuffle_width": (pixel_unshuffle, F.pixel_unshuffle, (torch.zeros(1, 2, 4, 3), 2), ValueError, "width (3)"),
    "unshuffle_zero": (pixel_unshuffle, F.pixel_unshuffle, (torch.zeros(1, 2, 4, 4), 0), ValueError,
                       "downscale_factor=0"),
    "unshuffle_rank": (pixel_unshuffle, F.pixel_unshuffle, (torch.zeros(4, 4), 2), ValueError, "(4, 4)"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_rejects_what_torch_rejects(name):
    ours, theirs, args, exc, fragment = ERRORS[name]
    with pytest.raises(Exception):
        theirs(*args)
    with pytest.raises(exc) as info:
        ours(*args)
    assert fragment in str(info.value), str(info.value)


def test_icnr_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"out channels \(6\)"):
        icnr_(torch.empty(6, 2, 3, 3), 2)
    with pytest.raises(ValueError, match="upscale_factor=0"):
        icnr_(torch.empty(4, 2, 3, 3), 0)
    with pytest.raises(TypeError, match="list"):
        icnr_([1.0], 2)


def test_icnr_bias_is_shared_by_sub_pixel_channels():
    w, b = torch.empty(12, 5, 3, 3), torch.empty(12)
    icnr_(w, 2, generator=torch.Generator().manual_seed(0), bias=b)
    assert torch.equal(b, b[::4].repeat_interleave(4))  # one value per output channel
    assert b.abs().max() <= 1 / (5 * 9) ** 0.5 and b.unique().numel() == 3
    with pytest.raises(ValueError, match=r"bias of shape \(12,\), got \(3,\)"):
        icnr_(w, 2, bias=torch.empty(3))


@pytest.mark.parametrize("shape", [(0, 4, 2, 2), (2, 0, 2, 2), (2, 4, 0, 2), (2, 4, 2, 0), (0, 0, 4, 2, 2)],
                         ids=["batch0", "c0", "h0", "w0", "batches0-c0"])
def test_empty_inputs_like_torch(shape):
    """Torch shuffles tensors with any size zero; so do we. (Torch's pixel_unshuffle returns an empty input
    unchanged, shape included; ours gives the shape of the formula, which torch gives for non-empty inputs.)"""
    x = torch.randn(shape)
    ref = F.pixel_shuffle(x, 2).shape
    with forbid_torch_ops("shuffle"):
        assert pixel_shuffle(x, 2).shape == ref
        assert pixel_unshuffle(x, 2).shape == (*shape[:-3], shape[-3] * 4, shape[-2] // 2, shape[-1] // 2)
