"""resample_lib.functional.pooling equals torch's pooling on hundreds of random configurations.

torch's reference is computed first; ours runs inside ``forbid_torch_ops("pool")``,
so a delegation to any torch pooling kernel would fail the test.
"""
from __future__ import annotations

import itertools
import random

import pytest
import torch
import torch.nn.functional as F
from conftest import assert_matches_torch, forbid_torch_ops

from resample_lib.functional import pooling as P
from resample_lib.functional.output_size import pool_output_size

DTYPES = (torch.float32, torch.float64)


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #
def _assert_values(ours: torch.Tensor, ref: torch.Tensor) -> None:
    """assert_matches_torch, with NaN required in the same places."""
    assert ours.shape == ref.shape, f"shape {tuple(ours.shape)} != torch's {tuple(ref.shape)}"
    assert torch.equal(ours.isnan(), ref.isnan()), "NaNs in different places"
    assert_matches_torch(torch.where(ours.isnan(), 0, ours), torch.where(ref.isnan(), 0, ref))


def _assert_indices(ours: torch.Tensor, ref: torch.Tensor) -> None:
    assert ours.dtype == ref.dtype == torch.int64, f"index dtype {ours.dtype}, torch's {ref.dtype}"
    assert torch.equal(ours, ref), f"indices differ:\nours  {ours}\ntorch {ref}"


def _random_input(rng: random.Random, shape, dtype, special: bool) -> torch.Tensor:
    """Random values; with ``special``, small integers (many ties), -inf and NaN."""
    gen = torch.Generator().manual_seed(rng.randrange(2**31))
    if not special:
        return torch.randn(*shape, generator=gen, dtype=dtype)
    x = torch.randint(-2, 3, shape, generator=gen).to(dtype)
    u = torch.rand(*shape, generator=gen)
    x[u < 0.08] = float("-inf")
    if rng.random() < 0.5:
        x[u > 0.95] = float("nan")
    return x


def _random_shape(rng: random.Random, max_hw: int = 12) -> tuple[int, ...]:
    hw = (rng.randint(1, max_hw), rng.randint(1, max_hw))
    if rng.random() < 0.3:
        return (rng.randint(1, 3), *hw)  # unbatched
    return (rng.randint(1, 2), rng.randint(1, 3), *hw)


def _pair(rng: random.Random, lo: int, hi: int):
    """An int or a tuple, at random."""
    if rng.random() < 0.5:
        return rng.randint(lo, hi)
    return (rng.randint(lo, hi), rng.randint(lo, hi))


def _as_pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _window_config(rng: random.Random, dilation: bool) -> dict:
    """Kernel, stride, padding (up to half the kernel), dilation, ceil_mode."""
    kernel = _pair(rng, 1, 5)
    kh, kw = _as_pair(kernel)
    cfg = {"kernel_size": kernel}
    if rng.random() < 0.8:
        cfg["stride"] = _pair(rng, 1, 4)
    if rng.random() < 0.7:
        cfg["padding"] = (rng.randint(0, kh // 2), rng.randint(0, kw // 2))
    if dilation and rng.random() < 0.5:
        cfg["dilation"] = _pair(rng, 1, 3)
    cfg["ceil_mode"] = rng.random() < 0.5
    return cfg


def _torch_accepts(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except RuntimeError:
        return None


# --------------------------------------------------------------------------- #
# the patch itself
# --------------------------------------------------------------------------- #
def test_forbid_patch_blocks_torch_pooling():
    x = torch.randn(1, 1, 4, 4)
    y, idx = F.max_pool2d(x, 2, return_indices=True)
    with forbid_torch_ops("pool"):
        for call in (
            lambda: F.max_pool2d(x, 2),
            lambda: F.max_pool2d(x, 2, return_indices=True),
            lambda: F.avg_pool2d(x, 2),
            lambda: F.adaptive_avg_pool2d(x, 2),
            lambda: F.adaptive_max_pool2d(x, 2),
            lambda: F.max_unpool2d(y, idx, 2),
            lambda: torch.max_pool2d(x, 2),
        ):
            with pytest.raises(AssertionError, match="forbidden torch op"):
                call()
    F.max_pool2d(x, 2)  # restored afterwards


# --------------------------------------------------------------------------- #
# max_pool2d
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("case", range(150))
def test_max_pool2d_matches_torch(case):
    rng = random.Random(1000 + case)
    while True:
        shape = _random_shape(rng)
        dtype = rng.choice(DTYPES)
        cfg = _window_config(rng, dilation=True)
        x = _random_input(rng, shape, dtype, special=rng.random() < 0.35)
        ref = _torch_accepts(F.max_pool2d, x, return_indices=True, **cfg)
        if ref is not None:
            break
    ref_plain = F.max_pool2d(x, **cfg)
    with forbid_torch_ops("pool"):
        ours, ours_idx = P.max_pool2d(x, return_indices=True, **cfg)
        ours_plain = P.max_pool2d(x, **cfg)
    _assert_values(ours, ref[0])
    _assert_indices(ours_idx, ref[1])
    _assert_values(ours_plain, ref_plain)


# (n, k, s, p) where ceil_mode's last window would start in the right padding.
_DROPPED = [
    (n, k, s, p)
    for n, k, s, p in itertools.product(range(1, 9), range(1, 5), range(1, 5), range(3))
    if p <= k // 2 and (n + 2 * p - k + s - 1) // s + 1 != pool_output_size(n, k, s, p, 1, True)
]


@pytest.mark.parametrize("n,k,s,p", _DROPPED[::3])
def test_ceil_mode_drops_window_starting_in_padding(n, k, s, p):
    x = torch.randn(2, n, n + 1, dtype=torch.float64)
    ref_max = F.max_pool2d(x, k, s, p, ceil_mode=True, return_indices=True)
    ref_avg = F.avg_pool2d(x, k, s, p, ceil_mode=True)
    ref_avg_nopad = F.avg_pool2d(x, k, s, p, ceil_mode=True, count_include_pad=False)
    assert ref_max[0].shape[-2] == pool_output_size(n, k, s, p, 1, True)
    with forbid_torch_ops("pool"):
        ours_max = P.max_pool2d(x, k, s, p, ceil_mode=True, return_indices=True)
        ours_avg = P.avg_pool2d(x, k, s, p, ceil_mode=True)
        ours_avg_nopad = P.avg_pool2d(x, k, s, p, ceil_mode=True, count_include_pad=False)
    assert_matches_torch(ours_max[0], ref_max[0])
    _assert_indices(ours_max[1], ref_max[1])
    assert_matches_torch(ours_avg, ref_avg)
    assert_matches_torch(ours_avg_nopad, ref_avg_nopad)


def test_max_pool2d_ties_nan_and_inf_rules():
    # Ties: the first maximum in row-major order.
    x = torch.ones(1, 2, 2)
    # NaN: the last NaN in row-major order.
    y = torch.tensor([[[float("nan"), 1.0], [float("nan"), 1.0]]])
    # All valid taps -inf: the first tap inside the input, even next to padding.
    z = torch.full((1, 2, 2), float("-inf"))
    for t, kw in ((x, {}), (y, {}), (z, {"padding": 1})):
        ref = F.max_pool2d(t, 2, return_indices=True, **kw)
        with forbid_torch_ops("pool"):
            ours = P.max_pool2d(t, 2, return_indices=True, **kw)
        _assert_values(ours[0], ref[0])
        _assert_indices(ours[1], ref[1])
    assert P.max_pool2d(x, 2, return_indices=True)[1].item() == 0
    assert P.max_pool2d(y, 2, return_indices=True)[1].item() == 2


def test_max_pool2d_window_without_valid_tap():
    # Taps at rows -1 and 2 of a 2-row input: no valid tap. torch reports -inf
    # and the index of the first tap at or past the padding, 2 * W + w, which
    # lies outside the 2 x 5 plane.
    x = torch.randn(1, 2, 5)
    cfg = dict(kernel_size=(2, 1), stride=1, padding=(1, 0), dilation=(3, 1))
    ref = F.max_pool2d(x, return_indices=True, **cfg)
    with forbid_torch_ops("pool"):
        ours = P.max_pool2d(x, return_indices=True, **cfg)
    _assert_values(ours[0], ref[0])
    _assert_indices(ours[1], ref[1])
    assert ours[1].min() >= x.shape[-2] * x.shape[-1]


def test_max_pool2d_empty_batch_integer_half_and_channels_last():
    cases = [
        (torch.randn(0, 3, 6, 6), dict(kernel_size=3, stride=2, padding=1)),
        (torch.randint(-50, 50, (2, 3, 7, 7), dtype=torch.int32), dict(kernel_size=3, padding=1)),
        (torch.randint(-50, 50, (2, 3, 7, 7)), dict(kernel_size=2, ceil_mode=True)),
        (torch.randn(2, 3, 7, 7).half(), dict(kernel_size=3, stride=2)),
        (torch.randn(2, 3, 7, 7).to(memory_format=torch.channels_last), dict(kernel_size=3, stride=2, padding=1)),
    ]
    for x, cfg in cases:
        ref = F.max_pool2d(x, return_indices=True, **cfg)
        with forbid_torch_ops("pool"):
            ours = P.max_pool2d(x, return_indices=True, **cfg)
        assert ours[0].dtype == ref[0].dtype
        assert torch.equal(ours[0], ref[0])
        _assert_indices(ours[1], ref[1])


# --------------------------------------------------------------------------- #
# avg_pool2d
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("case", range(150))
def test_avg_pool2d_matches_torch(case):
    rng = random.Random(2000 + case)
    while True:
        shape = _random_shape(rng)
        dtype = rng.choice(DTYPES)
        cfg = _window_config(rng, dilation=False)
        cfg["count_include_pad"] = rng.random() < 0.5
        if rng.random() < 0.25:
            cfg["divisor_override"] = rng.choice([1, 2, 3, 5, 7, -2])
        x = _random_input(rng, shape, dtype, special=False)
        ref = _torch_accepts(F.avg_pool2d, x, **cfg)
        if ref is not None:
            break
    with forbid_torch_ops("pool"):
        ours = P.avg_pool2d(x, **cfg)
    assert_matches_torch(ours, ref)


def test_avg_pool2d_ceil_mode_divisor_counts_padding_not_overhang():
    # 6 wide, k=3, s=2, p=1, ceil: 4 windows; the last covers input column 5,
    # the right padding column 6 and column 7 beyond it. torch divides by 2
    # (column 5 and the padding), not 3 (the kernel) nor 1 (the input).
    x = torch.ones(1, 1, 6, dtype=torch.float64)
    ref = F.avg_pool2d(x, (1, 3), (1, 2), (0, 1), ceil_mode=True)
    with forbid_torch_ops("pool"):
        ours = P.avg_pool2d(x, (1, 3), (1, 2), (0, 1), ceil_mode=True)
    assert_matches_torch(ours, ref)
    assert ours[0, 0, -1].item() == 0.5


def test_avg_pool2d_int64_truncates_like_torch():
    x = torch.randint(-20, 20, (2, 3, 7, 6))
    for cfg in (dict(kernel_size=3, padding=1), dict(kernel_size=2, divisor_override=-3, ceil_mode=True)):
        ref = F.avg_pool2d(x, **cfg)
        with forbid_torch_ops("pool"):
            ours = P.avg_pool2d(x, **cfg)
        assert ours.dtype == ref.dtype and torch.equal(ours, ref)


# --------------------------------------------------------------------------- #
# adaptive pooling
# --------------------------------------------------------------------------- #
def _adaptive_config(rng: random.Random, shape):
    H, W = shape[-2:]

    def one(n):
        r = rng.random()
        if r < 0.15:
            return None
        if r < 0.35:
            return rng.randint(n, 2 * n + 3)  # output larger than input: repeated rows
        return rng.randint(1, n)

    if rng.random() < 0.2:
        return rng.randint(1, max(H, W) + 2)
    return (one(H), one(W))


@pytest.mark.parametrize("case", range(70))
def test_adaptive_avg_pool2d_matches_torch(case):
    rng = random.Random(3000 + case)
    shape = _random_shape(rng, max_hw=17)
    x = _random_input(rng, shape, rng.choice(DTYPES), special=False)
    size = _adaptive_config(rng, shape)
    ref = F.adaptive_avg_pool2d(x, size)
    with forbid_torch_ops("pool"):
        ours = P.adaptive_avg_pool2d(x, size)
    assert_matches_torch(ours, ref)


@pytest.mark.parametrize("case", range(70))
def test_adaptive_max_pool2d_matches_torch(case):
    rng = random.Random(4000 + case)
    shape = _random_shape(rng, max_hw=17)
    x = _random_input(rng, shape, rng.choice(DTYPES), special=rng.random() < 0.4)
    size = _adaptive_config(rng, shape)
    ref = F.adaptive_max_pool2d(x, size, return_indices=True)
    ref_plain = F.adaptive_max_pool2d(x, size)
    with forbid_torch_ops("pool"):
        ours = P.adaptive_max_pool2d(x, size, return_indices=True)
        ours_plain = P.adaptive_max_pool2d(x, size)
    _assert_values(ours[0], ref[0])
    _assert_indices(ours[1], ref[1])
    _assert_values(ours_plain, ref_plain)


def test_adaptive_zero_output_and_global_pooling():
    x = torch.randn(2, 3, 7, 5, dtype=torch.float64)
    for size in (0, (0, 3), (1, 1), (None, 1), (7, 5), (14, 11)):
        ref_avg = F.adaptive_avg_pool2d(x, size)
        ref_max = F.adaptive_max_pool2d(x, size, return_indices=True)
        with forbid_torch_ops("pool"):
            ours_avg = P.adaptive_avg_pool2d(x, size)
            ours_max = P.adaptive_max_pool2d(x, size, return_indices=True)
        assert_matches_torch(ours_avg, ref_avg)
        assert_matches_torch(ours_max[0], ref_max[0])
        _assert_indices(ours_max[1], ref_max[1])


# --------------------------------------------------------------------------- #
# max_unpool2d
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("case", range(70))
def test_max_unpool2d_matches_torch(case):
    rng = random.Random(5000 + case)
    while True:
        shape = _random_shape(rng)
        dtype = rng.choice(DTYPES)
        cfg = _window_config(rng, dilation=False)
        cfg.pop("ceil_mode")
        x = _random_input(rng, shape, dtype, special=False)
        pooled = _torch_accepts(F.max_pool2d, x, return_indices=True, **cfg)
        if pooled is None:
            continue
        y, idx = pooled
        kwargs = dict(cfg)
        if rng.random() < 0.5:
            # The pooled input's own size, when torch allows it; (N, C, H, W) form sometimes.
            size = tuple(x.shape[-2:])
            if rng.random() < 0.3 and x.dim() == 4:
                size = tuple(x.shape)
            kwargs["output_size"] = size
        try:
            ref = F.max_unpool2d(y, idx, **kwargs)
        except (RuntimeError, ValueError):
            continue
        break
    with forbid_torch_ops("pool"):
        ours = P.max_unpool2d(y, idx, **kwargs)
    assert_matches_torch(ours, ref)


def test_max_unpool2d_round_trip_keeps_only_maxima():
    x = torch.randn(2, 3, 8, 8, dtype=torch.float64)
    y, idx = F.max_pool2d(x, 2, return_indices=True)
    with forbid_torch_ops("pool"):
        ours_y, ours_idx = P.max_pool2d(x, 2, return_indices=True)
        up = P.max_unpool2d(ours_y, ours_idx, 2)
    assert_matches_torch(up, F.max_unpool2d(y, idx, 2))
    assert int((up != 0).sum()) == y.numel()
    assert_matches_torch(torch.where(up != 0, x, 0), up)


# --------------------------------------------------------------------------- #
# what torch rejects, we reject, and say what was given
# --------------------------------------------------------------------------- #
_X = torch.randn(2, 3, 7, 7)
_Y, _IDX = F.max_pool2d(_X, 2, return_indices=True)

REJECTED = {
    "max: padding above half the kernel": ("max_pool2d", (_X, 3), dict(padding=2), ValueError, "padding=2"),
    "max: padding above half, dilated": ("max_pool2d", (_X, 2), dict(padding=2, dilation=3), ValueError, "padding=2"),
    "max: negative padding": ("max_pool2d", (_X, 2), dict(padding=-1), ValueError, "padding=-1"),
    "max: zero kernel": ("max_pool2d", (_X, 0), {}, ValueError, "kernel_size=0"),
    "max: negative kernel": ("max_pool2d", (_X, -2), dict(stride=1), ValueError, "kernel_size=-2"),
    "max: zero stride": ("max_pool2d", (_X, 2), dict(stride=0), ValueError, "stride=0"),
    "max: negative stride": ("max_pool2d", (_X, 2), dict(stride=(1, -1)), ValueError, "stride=(1, -1)"),
    "max: zero dilation": ("max_pool2d", (_X, 2), dict(dilation=0), ValueError, "dilation=0"),
    "max: output too small": ("max_pool2d", (_X, 8), {}, ValueError, "7x7"),
    "max: 2-D input": ("max_pool2d", (torch.randn(7, 7), 2), {}, ValueError, "2-D"),
    "max: 5-D input": ("max_pool2d", (torch.randn(1, 1, 1, 7, 7), 2), {}, ValueError, "5-D"),
    "max: empty channels": ("max_pool2d", (torch.randn(2, 0, 7, 7), 2), {}, ValueError, "(2, 0, 7, 7)"),
    "max: three-entry kernel": ("max_pool2d", (_X, (2, 2, 2)), {}, ValueError, "(2, 2, 2)"),
    "max: float stride": ("max_pool2d", (_X, 2), dict(stride=2.0), TypeError, "2.0"),
    "avg: padding above half the kernel": ("avg_pool2d", (_X, 3), dict(padding=2), ValueError, "padding=2"),
    "avg: zero kernel": ("avg_pool2d", (_X, 0), {}, ValueError, "kernel_size=0"),
    "avg: zero stride": ("avg_pool2d", (_X, 2), dict(stride=0), ValueError, "stride=0"),
    "avg: output too small": ("avg_pool2d", (_X, (2, 9)), {}, ValueError, "7x7"),
    "avg: zero divisor": ("avg_pool2d", (_X, 2), dict(divisor_override=0), ValueError, "got 0"),
    "avg: float divisor": ("avg_pool2d", (_X, 2), dict(divisor_override=2.5), TypeError, "2.5"),
    "avg: int32 input": ("avg_pool2d", (_X.int(), 2), {}, TypeError, "int32"),
    "adaptive avg: negative size": ("adaptive_avg_pool2d", (_X, -1), {}, ValueError, "-1"),
    "adaptive avg: three sizes": ("adaptive_avg_pool2d", (_X, (3, 3, 3)), {}, ValueError, "(3, 3, 3)"),
    "adaptive avg: 2-D input": ("adaptive_avg_pool2d", (torch.randn(7, 7), 3), {}, ValueError, "2-D"),
    "adaptive avg: empty height": (
        "adaptive_avg_pool2d", (torch.randn(2, 3, 0, 7), 3), {}, ValueError, "(2, 3, 0, 7)"),
    "adaptive max: negative size": ("adaptive_max_pool2d", (_X, (2, -3)), {}, ValueError, "-3"),
    "adaptive max: 2-D input": ("adaptive_max_pool2d", (torch.randn(7, 7), 3), {}, ValueError, "2-D"),
    "unpool: indices shape": ("max_unpool2d", (_Y, _IDX[..., :2], 2), {}, ValueError, "(2, 3, 3, 2)"),
    "unpool: indices dtype": ("max_unpool2d", (_Y, _IDX.int(), 2), {}, TypeError, "int32"),
    "unpool: output_size too large": ("max_unpool2d", (_Y, _IDX, 2), dict(output_size=(8, 8)), ValueError, "8"),
    "unpool: output_size too small": ("max_unpool2d", (_Y, _IDX, 2), dict(output_size=(4, 6)), ValueError, "4"),
    "unpool: output_size length 3": (
        "max_unpool2d", (_Y, _IDX, 2), dict(output_size=(3, 7, 7)), ValueError, "(3, 7, 7)"),
    "unpool: index out of range": (
        "max_unpool2d", (_Y, _IDX + 100, 2), {}, ValueError, str(int(_IDX[0, 0, 0, 0]) + 100)),
    "unpool: negative index": (
        "max_unpool2d", (_Y, _IDX - 100, 2), {}, ValueError, str(int(_IDX[0, 0, 0, 0]) - 100)),
    "unpool: 2-D input": ("max_unpool2d", (_Y[0, 0], _IDX[0, 0], 2), {}, ValueError, "2-D"),
}


@pytest.mark.parametrize("name", list(REJECTED))
def test_rejects_what_torch_rejects(name):
    fn, args, kwargs, error, fragment = REJECTED[name]
    with pytest.raises(Exception):
        getattr(F, fn)(*args, **kwargs)
    with pytest.raises(error) as info:
        getattr(P, fn)(*args, **kwargs)
    assert fragment in str(info.value), f"message {str(info.value)!r} does not name {fragment!r}"


def test_accepts_what_torch_accepts_at_the_edges():
    # Adaptive output 0, negative divisor, an empty batch, stride=[]: torch accepts all four.
    with forbid_torch_ops("pool"):
        assert P.adaptive_avg_pool2d(_X, 0).shape == (2, 3, 0, 0)
        assert P.avg_pool2d(torch.randn(0, 3, 7, 7), 2).shape == (0, 3, 3, 3)
        neg = P.avg_pool2d(_X, 2, divisor_override=-4)
        same = P.max_pool2d(_X, 2, stride=[])
    assert_matches_torch(neg, F.avg_pool2d(_X, 2, divisor_override=-4))
    assert_matches_torch(same, F.max_pool2d(_X, 2, stride=[]))


# --------------------------------------------------------------------------- #
# gradients
# --------------------------------------------------------------------------- #
def _grads(fn, x, *args, **kwargs):
    x = x.detach().clone().requires_grad_(True)
    out = fn(x, *args, **kwargs)
    out = out[0] if isinstance(out, tuple) else out
    weight = torch.linspace(-1, 2, out.numel(), dtype=out.dtype).view(out.shape)
    (out * weight).sum().backward()
    return out.detach(), x.grad


GRAD_CASES = [
    ("max_pool2d", dict(kernel_size=3, stride=2, padding=1)),
    ("max_pool2d", dict(kernel_size=(2, 3), stride=1, dilation=(2, 1), ceil_mode=True, return_indices=True)),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("avg_pool2d", dict(kernel_size=(2, 3), padding=1, count_include_pad=False)),
    ("adaptive_avg_pool2d", dict(output_size=(3, 5))),
    ("adaptive_max_pool2d", dict(output_size=(4, None))),
]


@pytest.mark.parametrize("name,cfg", GRAD_CASES)
@pytest.mark.parametrize("ties", [False, True])
def test_gradients_match_torch(name, cfg, ties):
    gen = torch.Generator().manual_seed(11)
    x = torch.randn(2, 3, 7, 8, dtype=torch.float64, generator=gen)
    if ties:  # ties: torch gives a window's whole gradient to its first maximum
        x = x.round()
    ref_out, ref_grad = _grads(getattr(F, name), x, **cfg)
    with forbid_torch_ops("pool"):
        out, grad = _grads(getattr(P, name), x, **cfg)
    assert_matches_torch(out, ref_out)
    assert_matches_torch(grad, ref_grad)


def test_max_unpool2d_gradient_matches_torch():
    x = torch.randn(2, 3, 8, 8, dtype=torch.float64)
    y, idx = F.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
    ref_out, ref_grad = _grads(F.max_unpool2d, y, idx, 3, 2, 1, output_size=(8, 8))
    with forbid_torch_ops("pool"):
        out, grad = _grads(P.max_unpool2d, y, idx, 3, 2, 1, output_size=(8, 8))
    assert_matches_torch(out, ref_out)
    assert_matches_torch(grad, ref_grad)
