"""resample_lib.functional.pooling equals torch's pooling on hundreds of random configurations.

Each operation is checked three ways: its reference version (the few lines the chapter shows) against torch, the
public function (the fast paths of ``_pool_fast`` and ``_pool_adaptive``) against torch, and the two against each
other. torch's result is computed first; ours runs inside ``forbid_torch_ops("pool")``, so a delegation to any
torch pooling kernel would fail the test. Test ids name the configuration: ``k3x2-s2-p1x0-d2-ceil-2x3x7x5-f64-ties``
is a 3x2 kernel, stride 2, padding (1, 0), dilation 2, ceil_mode, on a float64 input of shape (2, 3, 7, 5) with
many ties.
"""
from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass, field

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


def _pool_output_ok(shape, cfg: dict) -> bool:
    """torch accepts the configuration: every output size at least 1 (padding is at most half the kernel)."""
    kernel = _as_pair(cfg["kernel_size"])
    per_axis = zip(shape[-2:], kernel, _as_pair(cfg.get("stride", kernel)), _as_pair(cfg.get("padding", 0)),
                   _as_pair(cfg.get("dilation", 1)))
    return all(pool_output_size(n, k, s, p, d, cfg.get("ceil_mode", False)) >= 1 for n, k, s, p, d in per_axis)


def _short(v) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    return "x".join(map(str, v)) if isinstance(v, (tuple, list)) else str(v)


_KEY_NAMES = {"kernel_size": "k", "stride": "s", "padding": "p", "dilation": "d", "divisor_override": "div",
              "output_size": "out"}


@dataclass
class Case:
    """One random configuration: input shape, dtype and values ('randn', 'ties', 'special'), and the kwargs."""

    seed: int
    shape: tuple
    dtype: torch.dtype
    values: str
    cfg: dict = field(default_factory=dict)

    def input(self) -> torch.Tensor:
        """Random values; 'ties': small integers; 'special': small integers, -inf and NaN."""
        gen = torch.Generator().manual_seed(self.seed)
        if self.values == "randn":
            return torch.randn(*self.shape, generator=gen, dtype=self.dtype)
        x = torch.randint(-2, 3, self.shape, generator=gen).to(self.dtype)
        if self.values == "special":
            u = torch.rand(*self.shape, generator=gen)
            x[u < 0.08] = float("-inf")
            x[u > 0.95] = float("nan")
        return x

    @property
    def id(self) -> str:
        words = []
        for key, value in self.cfg.items():
            if key in _KEY_NAMES:
                words.append(f"{_KEY_NAMES[key]}{_short(value)}")
            elif value is True or value is False:
                words.append({"ceil_mode": "ceil", "count_include_pad": "incl_pad"}[key] if value else "")
        words += [_short(self.shape), str(self.dtype).replace("torch.float", "f"), self.values]
        return "-".join(w for w in words if w)


def _window_cases(n: int, seed: int, dilation: bool, avg: bool = False) -> list:
    rng = random.Random(seed)
    cases = []
    while len(cases) < n:
        shape, cfg = _random_shape(rng), _window_config(rng, dilation)
        if avg:
            cfg["count_include_pad"] = rng.random() < 0.5
            if rng.random() < 0.25:
                cfg["divisor_override"] = rng.choice([1, 2, 3, 5, 7, -2])
        if _pool_output_ok(shape, cfg):
            values = "randn" if avg else rng.choice(["randn", "ties", "ties", "special"])
            case = Case(rng.randrange(2**31), shape, rng.choice(DTYPES), values, cfg)
            cases.append(pytest.param(case, id=case.id))
    return cases


def _adaptive_size(rng: random.Random, shape):
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


def _adaptive_cases(n: int, seed: int, values: tuple) -> list:
    rng = random.Random(seed)
    cases = []
    for _ in range(n):
        shape = _random_shape(rng, max_hw=17)
        case = Case(rng.randrange(2**31), shape, rng.choice(DTYPES), rng.choice(values),
                    {"output_size": _adaptive_size(rng, shape)})
        cases.append(pytest.param(case, id=case.id.replace("None", "keep")))
    return cases


MAX_CASES = _window_cases(150, 1000, dilation=True)
AVG_CASES = _window_cases(150, 2000, dilation=False, avg=True)
ADAPTIVE_AVG_CASES = _adaptive_cases(70, 3000, ("randn",))
ADAPTIVE_MAX_CASES = _adaptive_cases(70, 4000, ("randn", "ties", "special"))


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
def _ours_and_reference(fn: str, x: torch.Tensor, cfg: dict):
    """Our public function and its reference version on ``x``, both run with torch's pooling forbidden."""
    with forbid_torch_ops("pool"):
        return getattr(P, fn)(x, **cfg), getattr(P, f"{fn}_reference")(x, **cfg)


def _check_max_pooling(fn: str, case: Case) -> None:
    """Values and indices of ours and of the reference version against torch's, with and without indices."""
    x = case.input()
    ref, ref_idx = getattr(F, fn)(x, return_indices=True, **case.cfg)
    ours, reference = _ours_and_reference(fn, x, dict(case.cfg, return_indices=True))
    for values, _ in (ours, reference):
        _assert_values(values, ref)
    _assert_indices(ours[1], ref_idx)
    if case.values != "special":  # the reference leaves torch's index rules for NaN and -inf to the fast path
        _assert_indices(reference[1], ref_idx)
    with forbid_torch_ops("pool"):
        plain = getattr(P, fn)(x, **case.cfg)
    _assert_values(plain, getattr(F, fn)(x, **case.cfg))


@pytest.mark.parametrize("case", MAX_CASES)
def test_max_pool2d_matches_torch(case):
    _check_max_pooling("max_pool2d", case)


@pytest.mark.parametrize("case", MAX_CASES)
def test_max_pool2d_fast_paths_match_reference(case):
    """The three fast paths (values only, with indices, with autograd) give the reference's values and gradient."""
    x = case.input()
    expected, expected_idx = P.max_pool2d_reference(x, return_indices=True, **case.cfg)
    with forbid_torch_ops("pool"):
        values_only = P.max_pool2d(x, **case.cfg)
        values, indices = P.max_pool2d(x, return_indices=True, **case.cfg)
    for ours in (values_only, values):
        assert torch.equal(ours.isnan(), expected.isnan()) and torch.equal(ours.nan_to_num(), expected.nan_to_num())
    if case.values != "special":
        _assert_indices(indices, expected_idx)
        out, grad = _grads(P.max_pool2d, x, **case.cfg)
        ref_out, ref_grad = _grads(P.max_pool2d_reference, x, **case.cfg)
        assert torch.equal(out, ref_out)
        assert_matches_torch(grad, ref_grad)  # the same argmax gets each gradient; sums may round differently


# (n, k, s, p) where ceil_mode's last window would start in the right padding.
_DROPPED = [
    (n, k, s, p)
    for n, k, s, p in itertools.product(range(1, 9), range(1, 5), range(1, 5), range(3))
    if p <= k // 2 and (n + 2 * p - k + s - 1) // s + 1 != pool_output_size(n, k, s, p, 1, True)
]


@pytest.mark.parametrize("n,k,s,p", _DROPPED[::3], ids=[f"n{n}-k{k}-s{s}-p{p}" for n, k, s, p in _DROPPED[::3]])
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
        for ours in _ours_and_reference("max_pool2d", x, dict(cfg, return_indices=True)):
            assert ours[0].dtype == ref[0].dtype
            assert torch.equal(ours[0], ref[0])
            _assert_indices(ours[1], ref[1])


# --------------------------------------------------------------------------- #
# avg_pool2d
# --------------------------------------------------------------------------- #
def _check_average_pooling(fn: str, case: Case) -> None:
    """Ours and the reference version against torch, and against each other."""
    x = case.input()
    ref = getattr(F, fn)(x, **case.cfg)
    ours, reference = _ours_and_reference(fn, x, case.cfg)
    assert_matches_torch(ours, ref)
    assert_matches_torch(reference, ref)
    assert_matches_torch(ours, reference)  # fast path and reference


@pytest.mark.parametrize("case", AVG_CASES)
def test_avg_pool2d_matches_torch(case):
    _check_average_pooling("avg_pool2d", case)


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
        for ours in _ours_and_reference("avg_pool2d", x, cfg):
            assert ours.dtype == ref.dtype and torch.equal(ours, ref)


# --------------------------------------------------------------------------- #
# adaptive pooling
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("case", ADAPTIVE_AVG_CASES)
def test_adaptive_avg_pool2d_matches_torch(case):
    _check_average_pooling("adaptive_avg_pool2d", case)


@pytest.mark.parametrize("case", ADAPTIVE_MAX_CASES)
def test_adaptive_max_pool2d_matches_torch(case):
    _check_max_pooling("adaptive_max_pool2d", case)


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
def _unpool_cases(n: int, seed: int) -> list:
    """Max-pooling configurations, and sometimes an output_size (the pooled input's size, or in (N, C, H, W) form)."""
    rng = random.Random(seed)
    cases = []
    while len(cases) < n:
        shape, cfg = _random_shape(rng), _window_config(rng, dilation=False)
        cfg.pop("ceil_mode")
        if not _pool_output_ok(shape, cfg):
            continue
        if rng.random() < 0.5:
            cfg["output_size"] = shape if rng.random() < 0.3 and len(shape) == 4 else shape[-2:]
        case = Case(rng.randrange(2**31), shape, rng.choice(DTYPES), "randn", cfg)
        cases.append(pytest.param(case, id=case.id))
    return cases


@pytest.mark.parametrize("case", _unpool_cases(70, 5000))
def test_max_unpool2d_matches_torch(case):
    x = case.input()
    pool_cfg = {k: v for k, v in case.cfg.items() if k != "output_size"}
    y, idx = F.max_pool2d(x, return_indices=True, **pool_cfg)
    try:
        ref = F.max_unpool2d(y, idx, **case.cfg)
    except (RuntimeError, ValueError):  # an output_size torch rejects, or one too small for the indices
        with pytest.raises(ValueError, match="output_size|out of range"):
            P.max_unpool2d(y, idx, **case.cfg)
        return
    with forbid_torch_ops("pool"):
        ours = P.max_unpool2d(y, idx, **case.cfg)
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
    for ours in (getattr(P, fn), getattr(P, f"{fn}_reference", None)):
        if ours is None:  # max_unpool2d is its own reference
            continue
        with pytest.raises(error) as info:
            ours(*args, **kwargs)
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
# empty inputs: what torch accepts (an empty batch, and for adaptive average
# pooling empty channels), we accept with the same result; what it rejects, we
# reject with the shape in the message
# --------------------------------------------------------------------------- #
EMPTY_KWARGS = {
    "max_pool2d": dict(kernel_size=3, stride=2, padding=1, return_indices=True),
    "avg_pool2d": dict(kernel_size=2, ceil_mode=True),
    "adaptive_avg_pool2d": dict(output_size=(2, 3)),
    "adaptive_max_pool2d": dict(output_size=(2, 3), return_indices=True),
    "max_unpool2d": dict(kernel_size=2),
}
EMPTY_SHAPES = [
    (0, 3, 6, 6), (0, 6, 6), (2, 0, 6, 6), (0, 0, 6, 6), (3, 0, 6), (2, 3, 0, 6), (2, 3, 6, 0), (0, 3, 0, 6),
]


def _empty_call(impl, fn: str, shape):
    """``impl`` (torch's ``fn``, ours, or our reference version) on a random input of ``shape``."""
    x = torch.randn(shape)
    args = (x, torch.zeros(shape, dtype=torch.int64)) if fn == "max_unpool2d" else (x,)
    return impl(*args, **EMPTY_KWARGS[fn])


def _torch_on_empty(fn: str, shape) -> str:
    try:
        _empty_call(getattr(F, fn), fn, shape)
    except RuntimeError:
        return "torch_rejects"
    return "torch_accepts"


EMPTY_CASES = [
    pytest.param(fn, shape, id=f"{fn}-{_short(shape)}-{_torch_on_empty(fn, shape)}")
    for fn in EMPTY_KWARGS for shape in EMPTY_SHAPES
]


@pytest.mark.parametrize("fn,shape", EMPTY_CASES)
def test_empty_inputs_as_torch(fn, shape):
    try:
        ref = _empty_call(getattr(F, fn), fn, shape)
    except RuntimeError:
        ref = None
    for impl in (getattr(P, fn), getattr(P, f"{fn}_reference", None)):
        if impl is None:  # max_unpool2d is its own reference
            continue
        if ref is None:
            with pytest.raises(ValueError, match=re.escape(str(shape))):
                _empty_call(impl, fn, shape)
            continue
        with forbid_torch_ops("pool"):
            ours = _empty_call(impl, fn, shape)
        pairs = zip(ours, ref, strict=True) if isinstance(ref, tuple) else [(ours, ref)]
        for a, b in pairs:
            assert a.shape == b.shape and a.dtype == b.dtype, f"{a.shape} {a.dtype} != torch's {b.shape} {b.dtype}"


def test_max_unpool2d_empty_batch():
    """Once an internal reshape error: an empty batch unpools to an empty batch of the right size."""
    y, idx = torch.randn(0, 3, 4, 4), torch.zeros(0, 3, 4, 4, dtype=torch.int64)
    with forbid_torch_ops("pool"):
        out = P.max_unpool2d(y, idx, 3, stride=2, padding=1, output_size=(8, 8))
    assert out.shape == (0, 3, 8, 8) == F.max_unpool2d(y, idx, 3, 2, 1, output_size=(8, 8)).shape


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


def _grad_id(case) -> str:
    name, cfg = case
    return "-".join([name, *(f"{_KEY_NAMES.get(k, k)}{_short(v)}" for k, v in cfg.items())]).replace("None", "keep")


@pytest.mark.parametrize("name,cfg", GRAD_CASES, ids=[_grad_id(c) for c in GRAD_CASES])
@pytest.mark.parametrize("ties", [False, True], ids=["distinct", "ties"])
@pytest.mark.parametrize("version", ["", "_reference"], ids=["public", "reference"])
def test_gradients_match_torch(name, cfg, ties, version):
    gen = torch.Generator().manual_seed(11)
    x = torch.randn(2, 3, 7, 8, dtype=torch.float64, generator=gen)
    if ties:  # ties: torch gives a window's whole gradient to its first maximum
        x = x.round()
    ref_out, ref_grad = _grads(getattr(F, name), x, **cfg)
    with forbid_torch_ops("pool"):
        out, grad = _grads(getattr(P, name + version), x, **cfg)
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
