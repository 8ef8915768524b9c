"""conv2d equals torch's, and the output-size arithmetic equals the shapes torch produces."""
from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F
from conftest import assert_matches_torch, forbid_torch_ops

from resample_lib.functional.output_size import conv_output_size, pool_output_size
from resample_lib.functional.convolution import conv2d, conv2d_reference


def _tuple_or_int(rng: random.Random, lo: int, hi: int):
    a, b = rng.randint(lo, hi), rng.randint(lo, hi)
    return a if rng.random() < 0.5 else (a, b)


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _padded_ok(hw, kernel, padding, dilation) -> bool:
    if isinstance(padding, str):
        padding = (0, 0) if padding == "valid" else tuple(d * (k - 1) / 2 for k, d in zip(kernel, dilation))
    return all(n + 2 * p >= d * (k - 1) + 1 for n, k, p, d in zip(hw, kernel, _pair(padding), dilation))


def _conv_case(rng: random.Random) -> dict:
    while True:
        groups = rng.choice([1, 1, 2, 3])
        kernel = (rng.randint(1, 5), rng.randint(1, 5))
        dilation = _tuple_or_int(rng, 1, 3)
        stride = _tuple_or_int(rng, 1, 3)
        padding = rng.choice(["same", "valid", "int", "tuple"])
        if padding == "same":
            stride = rng.choice([1, (1, 1)])
        elif padding == "int":
            padding = rng.randint(0, 3)
        elif padding == "tuple":
            padding = (rng.randint(0, 3), rng.randint(0, 3))
        hw = (rng.randint(1, 10), rng.randint(1, 10))
        if _padded_ok(hw, kernel, padding, _pair(dilation)):
            return dict(
                batch=rng.choice([None, 1, 2, 3]), cin=groups * rng.randint(1, 3), cout=groups * rng.randint(1, 3),
                hw=hw, kernel=kernel, stride=stride, padding=padding, dilation=dilation, groups=groups,
                bias=rng.random() < 0.5, dtype=rng.choice([torch.float32, torch.float64]),
            )


def _wide_case(rng: random.Random) -> dict:
    """A case with 16 or more input channels per group: conv2d's tap-by-tap products instead of columns."""
    c = _conv_case(rng)
    return dict(c, cin=c["groups"] * rng.randint(16, 24))


def case_id(c: dict) -> str:
    """``n2-c3to6-7x5-k3x2-s2-p1-d1-g3-bias-f64``: the configuration, readable in the test's name."""
    def v(x):
        return x if isinstance(x, (int, str)) else "x".join(map(str, x))
    return (f"n{'-' if c['batch'] is None else c['batch']}-c{c['cin']}to{c['cout']}-{v(c['hw'])}-k{v(c['kernel'])}"
            f"-s{v(c['stride'])}-p{v(c['padding'])}-d{v(c['dilation'])}-g{c['groups']}"
            f"{'-bias' if c['bias'] else ''}-{str(c['dtype'])[-2:]}")


_RNG = random.Random(20240601)
CASES = [_conv_case(_RNG) for _ in range(320)]
WIDE = [_wide_case(_RNG) for _ in range(12)]


def _tensors(case: dict, seed: int):
    g = torch.Generator().manual_seed(seed)
    shape = (case["cin"], *case["hw"]) if case["batch"] is None else (case["batch"], case["cin"], *case["hw"])
    x = torch.randn(shape, generator=g, dtype=case["dtype"])
    w = torch.randn(case["cout"], case["cin"] // case["groups"], *case["kernel"], generator=g, dtype=case["dtype"])
    b = torch.randn(case["cout"], generator=g, dtype=case["dtype"]) if case["bias"] else None
    return x, w, b


def _args(case: dict) -> tuple:
    return (case["stride"], case["padding"], case["dilation"], case["groups"])


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("case", CASES + WIDE, ids=case_id)
def test_conv2d_and_reference_match_torch(case):
    x, w, b = _tensors(case, 0)
    ref = F.conv2d(x, w, b, *_args(case))
    with forbid_torch_ops("conv"):
        ours, reference = conv2d(x, w, b, *_args(case)), conv2d_reference(x, w, b, *_args(case))
    assert_matches_torch(ours, ref)
    assert_matches_torch(reference, ref)


@pytest.mark.parametrize("case", CASES[::8] + WIDE, ids=case_id)
def test_fast_path_matches_reference_in_float64(case):
    x, w, b = _tensors(dict(case, dtype=torch.float64), 1)
    torch.testing.assert_close(conv2d(x, w, b, *_args(case)), conv2d_reference(x, w, b, *_args(case)),
                               atol=1e-12, rtol=1e-12)


def test_forbid_patch_works():
    x, w = torch.randn(1, 1, 4, 4), torch.randn(1, 1, 3, 3)
    with forbid_torch_ops("conv"):
        for fn in (F.conv2d, torch.conv2d, torch.convolution, F.conv_transpose2d):
            with pytest.raises(AssertionError, match="forbidden"):
                fn(x, w)
        conv2d(x, w)  # ours still works
    F.conv2d(x, w)  # and torch's is restored


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_same_even_kernel_pads_bottom_right():
    """torch's 'same' puts the odd pixel of padding after the input, not before."""
    x = torch.arange(25.0).view(1, 1, 5, 5)
    w = torch.ones(1, 1, 2, 2)
    ours = conv2d(x, w, padding="same")
    assert ours[0, 0, 0, 0] == 0 + 1 + 5 + 6  # first window starts at the first pixel
    assert ours[0, 0, -1, -1] == 24  # the last one sees one pixel and three zeros
    assert_matches_torch(ours, F.conv2d(x, w, padding="same"))


def test_output_is_contiguous_and_unbatched_shape():
    x, w = torch.randn(3, 7, 9), torch.randn(4, 3, 3, 2)
    y = conv2d(x, w, stride=2)
    assert y.shape == (4, 3, 4) and y.is_contiguous()


# ---------------------------------------------------------------- arithmetic

@pytest.mark.parametrize("case", [c for c in CASES if not isinstance(c["padding"], str)], ids=case_id)
def test_conv_output_size_matches_torch_shape(case):
    x, w, _ = _tensors(case, 0)
    out = F.conv2d(x, w, None, case["stride"], case["padding"], case["dilation"], case["groups"])
    expected = tuple(
        conv_output_size(n, k, s, p, d)
        for n, k, s, p, d in zip(case["hw"], case["kernel"], _pair(case["stride"]),
                                 _pair(case["padding"]), _pair(case["dilation"]))
    )
    assert tuple(out.shape[-2:]) == expected


def _pool_case(rng: random.Random) -> dict:
    while True:
        k = rng.randint(1, 5)
        s = rng.randint(1, 4)
        p = rng.randint(0, k // 2)
        d = rng.randint(1, 3)
        n = rng.randint(1, 14)
        if n + 2 * p >= d * (k - 1) + 1:
            return dict(n=n, k=k, s=s, p=p, d=d, ceil=rng.random() < 0.6)


_PRNG = random.Random(7)
POOL_CASES = [_pool_case(_PRNG) for _ in range(200)]


@pytest.mark.parametrize("c", POOL_CASES, ids=lambda c: f"n{c['n']}-k{c['k']}-s{c['s']}-p{c['p']}-d{c['d']}"
                                                   f"{'-ceil' if c['ceil'] else ''}")
def test_pool_output_size_matches_torch_shape(c):
    x = torch.zeros(1, 1, c["n"], c["n"] + 1)
    out = F.max_pool2d(x, c["k"], c["s"], c["p"], c["d"], ceil_mode=c["ceil"])
    expected = (pool_output_size(c["n"], c["k"], c["s"], c["p"], c["d"], c["ceil"]),
                pool_output_size(c["n"] + 1, c["k"], c["s"], c["p"], c["d"], c["ceil"]))
    assert tuple(out.shape[-2:]) == expected
    if c["d"] == 1:  # avg_pool2d has no dilation but shares the rule
        out = F.avg_pool2d(x, c["k"], c["s"], c["p"], ceil_mode=c["ceil"])
        assert tuple(out.shape[-2:]) == expected


def test_pool_ceil_mode_drops_window_starting_in_padding():
    # n=5, k=2, s=2, p=1: ceil gives 4 windows, but the 4th would start at 6 >= n + p.
    assert pool_output_size(5, 2, 2, 1, ceil_mode=True) == 3
    assert F.max_pool2d(torch.zeros(1, 1, 5, 5), 2, 2, 1, ceil_mode=True).shape[-1] == 3


# ---------------------------------------------------------------- errors

def _x(*shape, dtype=torch.float32):
    return torch.randn(*shape, dtype=dtype)


ERRORS = {
    # name: (args, kwargs, exception type, fragment of our message)
    "kernel_larger_than_input": ((_x(1, 2, 5, 5), _x(2, 2, 6, 6)), {}, ValueError, "larger than the padded input (5 x 5)"),
    "dilated_kernel_too_large": ((_x(1, 1, 5, 5), _x(1, 1, 3, 3)), dict(dilation=3), ValueError, "(7 x 7)"),
    "stride_zero": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(stride=0), ValueError, "stride=(0, 0)"),
    "stride_negative": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(stride=(1, -1)), ValueError, "stride=(1, -1)"),
    "dilation_zero": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(dilation=0), ValueError, "dilation=(0, 0)"),
    "padding_negative": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(padding=-1), ValueError, "padding=(-1, -1)"),
    "same_with_stride": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(padding="same", stride=2), ValueError, "stride=(2, 2)"),
    "unknown_padding": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(padding="full"), ValueError, "'full'"),
    "padding_three": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(padding=(1, 1, 1)), ValueError, "(1, 1, 1)"),
    "stride_float": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(stride=1.5), TypeError, "1.5"),
    "out_not_divisible": ((_x(1, 3, 5, 5), _x(4, 1, 3, 3)), dict(groups=3), ValueError, "weight.shape[0]=4"),
    "in_not_divisible": ((_x(1, 4, 5, 5), _x(3, 1, 3, 3)), dict(groups=3), ValueError, "input has 4 channels"),
    "groups_zero": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(groups=0), ValueError, "groups=0"),
    "weight_rank": ((_x(1, 2, 5, 5), _x(2, 3, 3)), {}, ValueError, "(2, 3, 3)"),
    "input_rank_2": ((_x(5, 5), _x(2, 2, 3, 3)), {}, ValueError, "(5, 5)"),
    "input_rank_5": ((_x(1, 1, 2, 5, 5), _x(2, 2, 3, 3)), {}, ValueError, "(1, 1, 2, 5, 5)"),
    "channels_mismatch": ((_x(1, 3, 5, 5), _x(2, 2, 3, 3)), {}, ValueError, "input has 3 channels"),
    "bias_wrong_length": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3), _x(3)), {}, ValueError, "got shape (3,)"),
    "bias_wrong_rank": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3), _x(2, 1)), {}, ValueError, "got shape (2, 1)"),
    "dtype_mismatch": ((_x(1, 2, 5, 5, dtype=torch.float64), _x(2, 2, 3, 3)), {}, TypeError, "torch.float32"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_rejects_what_torch_rejects(name: str):
    args, kwargs, exc, fragment = ERRORS[name]
    with pytest.raises(Exception):
        F.conv2d(*args, **kwargs)
    with pytest.raises(exc) as info:
        conv2d(*args, **kwargs)
    assert fragment in str(info.value), str(info.value)


def test_rejects_non_tensor():
    with pytest.raises(TypeError, match="list"):
        conv2d([[1.0]], torch.ones(1, 1, 1, 1))


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("case", CASES[::10] + WIDE[::3], ids=case_id)
def test_conv2d_gradients_match_torch(case):
    """Our conv2d and its reference are differentiable, with torch's gradients for input, weight and bias."""
    x, w, b = _tensors(dict(case, dtype=torch.float64), 2)
    leaves = [t.requires_grad_() for t in (x, w, b) if t is not None]
    ref = torch.autograd.grad(F.conv2d(x, w, b, *_args(case)).square().sum(), leaves)
    with forbid_torch_ops("conv"):
        for fn in (conv2d, conv2d_reference):
            ours = torch.autograd.grad(fn(x, w, b, *_args(case)).square().sum(), leaves)
            for o, r in zip(ours, ref):
                assert_matches_torch(o, r)


# ---------------------------------------------------------------- empty inputs

@pytest.mark.parametrize("shape,padding", [((0, 2, 5, 5), 0), ((0, 2, 5, 5), 1), ((0, 2, 0, 5), 1)],
                         ids=["batch0", "batch0-p1", "batch0-h0-p1"])
def test_empty_batch_gives_empty_output_like_torch(shape, padding):
    x, w = torch.randn(shape), torch.randn(4, 2, 1, 3)
    with forbid_torch_ops("conv"):
        ours = conv2d(x, w, torch.randn(4), padding=padding)
    assert ours.shape == F.conv2d(x, w, torch.randn(4), padding=padding).shape


@pytest.mark.parametrize("shape", [(2, 2, 0, 5), (2, 2, 5, 0), (2, 0, 5), (2, 5, 0)], ids=["h0", "w0", "chw-h0", "chw-w0"])
def test_empty_image_rejected_like_torch(shape):
    x, w = torch.randn(shape), torch.randn(4, 2, 1, 1)
    with pytest.raises(RuntimeError, match="Only zero batch or zero channel"):
        F.conv2d(x, w, padding=1)
    with pytest.raises(ValueError, match=r"conv2d: expected non-empty channel and spatial sizes"):
        conv2d(x, w, padding=1)
