"""conv_transpose2d equals torch's; its four views (scatter, zero insertion, matrix, gradient) agree."""
from __future__ import annotations

import itertools
import random

import pytest
import torch
import torch.nn.functional as F
from conftest import assert_matches_torch, forbid_torch_ops

from resample_lib.functional.output_size import conv_output_size, conv_transpose_output_size, output_padding_for
from resample_lib.functional.convolution import conv2d
from resample_lib.functional.conv_transpose import (
    conv2d_matrix, conv_transpose2d, conv_transpose2d_matrix, conv_transpose2d_reference, conv_transpose2d_scatter,
    conv_transpose2d_zero_insertion,
)

VIEWS = [conv_transpose2d_scatter, conv_transpose2d_zero_insertion, conv_transpose2d_matrix]


def _tuple_or_int(rng: random.Random, lo: int, hi: int):
    a, b = rng.randint(lo, hi), rng.randint(lo, hi)
    return a if rng.random() < 0.5 else (a, b)


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _out_hw(c: dict, output_padding) -> tuple[int, int]:
    return tuple(
        conv_transpose_output_size(n, k, s, p, a, d)
        for n, k, s, p, a, d in zip(c["hw"], c["kernel"], _pair(c["stride"]), _pair(c["padding"]),
                                    _pair(output_padding), _pair(c["dilation"]))
    )


def _transposed_case(rng: random.Random, max_hw: int = 6) -> dict:
    """A random configuration torch accepts; output_padding drawn from its legal values."""
    while True:
        groups = rng.choice([1, 1, 2, 3])
        c = dict(
            batch=rng.choice([None, 1, 2, 3]), cin=groups * rng.randint(1, 3), cout=groups * rng.randint(1, 3),
            hw=(rng.randint(1, max_hw), rng.randint(1, max_hw)), kernel=(rng.randint(1, 5), rng.randint(1, 5)),
            stride=_tuple_or_int(rng, 1, 4), padding=_tuple_or_int(rng, 0, 3), dilation=_tuple_or_int(rng, 1, 3),
            groups=groups, bias=rng.random() < 0.5, dtype=rng.choice([torch.float32, torch.float64]),
        )
        limits = [max(s, d) for s, d in zip(_pair(c["stride"]), _pair(c["dilation"]))]
        op = (rng.randrange(limits[0]), rng.randrange(limits[1]))
        c["output_padding"] = op if op[0] != op[1] or rng.random() < 0.5 else op[0]
        if min(_out_hw(c, c["output_padding"])) >= 1:
            return c


def _legal_output_paddings(c: dict):
    limits = [max(s, d) for s, d in zip(_pair(c["stride"]), _pair(c["dilation"]))]
    return [op for op in itertools.product(range(limits[0]), range(limits[1])) if min(_out_hw(c, op)) >= 1]


def case_id(c: dict) -> str:
    """``n2-c3to6-5x4-k3x2-s2-p1-op1-d1-g3-bias-f64``: the configuration, readable in the test's name."""
    def v(x):
        return x if isinstance(x, int) else "x".join(map(str, x))
    return (f"n{'-' if c['batch'] is None else c['batch']}-c{c['cin']}to{c['cout']}-{v(c['hw'])}-k{v(c['kernel'])}"
            f"-s{v(c['stride'])}-p{v(c['padding'])}-op{v(c['output_padding'])}-d{v(c['dilation'])}-g{c['groups']}"
            f"{'-bias' if c['bias'] else ''}-{str(c['dtype'])[-2:]}")


def conv_case_id(c: dict) -> str:
    def v(x):
        return x if isinstance(x, (int, str)) else "x".join(map(str, x))
    return (f"c{c['cin']}to{c['cout']}-{v(c['hw'])}-k{v(c['kernel'])}-s{v(c['stride'])}-p{v(c['padding'])}"
            f"-d{v(c['dilation'])}-g{c['groups']}")


_RNG = random.Random(31415)
CASES = [_transposed_case(_RNG) for _ in range(320)]
SMALL = [_transposed_case(_RNG, max_hw=4) for _ in range(60)]  # for every-op sweeps and the matrix view


def _tensors(c: dict, seed: int, dtype=None):
    dtype = dtype or c["dtype"]
    g = torch.Generator().manual_seed(seed)
    shape = (c["cin"], *c["hw"]) if c["batch"] is None else (c["batch"], c["cin"], *c["hw"])
    x = torch.randn(shape, generator=g, dtype=dtype)
    w = torch.randn(c["cin"], c["cout"] // c["groups"], *c["kernel"], generator=g, dtype=dtype)
    b = torch.randn(c["cout"], generator=g, dtype=dtype) if c["bias"] else None
    return x, w, b


def _args(c: dict, output_padding=None):
    op = c["output_padding"] if output_padding is None else output_padding
    return (c["stride"], c["padding"], op, c["groups"], c["dilation"])


@pytest.mark.parametrize("c", CASES, ids=case_id)
def test_conv_transpose2d_and_reference_match_torch(c):
    x, w, b = _tensors(c, 0)
    ref = F.conv_transpose2d(x, w, b, *_args(c))
    with forbid_torch_ops("conv"):
        ours, reference = conv_transpose2d(x, w, b, *_args(c)), conv_transpose2d_reference(x, w, b, *_args(c))
    assert_matches_torch(ours, ref)
    assert_matches_torch(reference, ref)


@pytest.mark.parametrize("c", CASES[::8] + [dict(c, cin=c["groups"] * 17) for c in CASES[1:40:4]], ids=case_id)
def test_fast_path_matches_reference_in_float64(c):
    x, w, b = _tensors(c, 1, dtype=torch.float64)
    torch.testing.assert_close(conv_transpose2d(x, w, b, *_args(c)), conv_transpose2d_reference(x, w, b, *_args(c)),
                               atol=1e-12, rtol=1e-12)


@pytest.mark.parametrize("c", SMALL, ids=case_id)
def test_every_legal_output_padding_and_every_view(c):
    """Each view equals torch at every legal output_padding of this configuration."""
    x, w, b = _tensors(c, 1000)
    for op in _legal_output_paddings(c):
        ref = F.conv_transpose2d(x, w, b, *_args(c, op))
        with forbid_torch_ops("conv"):
            for view in VIEWS:
                assert_matches_torch(view(x, w, b, *_args(c, op)), ref)


@pytest.mark.parametrize("c", CASES[::4], ids=case_id)
def test_views_equal_each_other(c):
    x, w, b = _tensors(c, 0, dtype=torch.float64)
    with forbid_torch_ops("conv"):
        outs = [view(x, w, b, *_args(c)) for view in VIEWS]
    for other in outs[1:]:
        torch.testing.assert_close(other, outs[0], atol=1e-10, rtol=1e-10)


# ---------------------------------------------------------------- matrix view

def _conv_case(rng: random.Random) -> dict:
    while True:
        groups = rng.choice([1, 1, 2])
        c = dict(cin=groups * rng.randint(1, 2), cout=groups * rng.randint(1, 2), hw=(rng.randint(1, 7), rng.randint(1, 7)),
                 kernel=(rng.randint(1, 4), rng.randint(1, 4)), stride=_tuple_or_int(rng, 1, 3),
                 padding=_tuple_or_int(rng, 0, 2), dilation=_tuple_or_int(rng, 1, 2), groups=groups)
        if rng.random() < 0.2:
            c["padding"], c["stride"] = rng.choice(["same", "valid"]), 1
        pads = (0, 0) if isinstance(c["padding"], str) else _pair(c["padding"])
        if c["padding"] == "same" or all(
            n + 2 * p >= d * (k - 1) + 1 for n, k, p, d in zip(c["hw"], c["kernel"], pads, _pair(c["dilation"]))
        ):
            return c


_CRNG = random.Random(2718)
CONV_CASES = [_conv_case(_CRNG) for _ in range(80)]


def _conv_tensors(c: dict, seed: int):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(c["cin"], *c["hw"], generator=g, dtype=torch.float64)
    w = torch.randn(c["cout"], c["cin"] // c["groups"], *c["kernel"], generator=g, dtype=torch.float64)
    return x, w


def _conv_args(c: dict):
    return (c["stride"], c["padding"], c["dilation"], c["groups"])


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("i", range(len(CONV_CASES)), ids=lambda i: conv_case_id(CONV_CASES[i]))
def test_conv2d_matrix_times_x_is_conv2d(i):
    c = CONV_CASES[i]
    x, w = _conv_tensors(c, i)
    ref = F.conv2d(x, w, None, *_conv_args(c))
    with forbid_torch_ops("conv"):
        C = conv2d_matrix(w, c["hw"], *_conv_args(c))
    assert C.shape == (ref.numel(), x.numel())
    assert_matches_torch((C @ x.flatten()).view(ref.shape), ref)


@pytest.mark.parametrize("i", [i for i, c in enumerate(CONV_CASES) if not isinstance(c["padding"], str)],
                         ids=lambda i: conv_case_id(CONV_CASES[i]))
def test_adjointness(i):
    """<C x, y> == <x, C^T y> == <x, conv_transpose2d(y)>: the transposed convolution is C^T."""
    c = CONV_CASES[i]
    x, w = _conv_tensors(c, i)
    C = conv2d_matrix(w, c["hw"], *_conv_args(c))
    cx = conv2d(x, w, None, *_conv_args(c))
    y = torch.randn(cx.shape, generator=torch.Generator().manual_seed(i), dtype=torch.float64)
    op = tuple(output_padding_for(m, n, k, s, p, d) for n, m, k, s, p, d in zip(
        c["hw"], cx.shape[-2:], c["kernel"], _pair(c["stride"]), _pair(c["padding"]), _pair(c["dilation"])))
    ty = conv_transpose2d(y, w, None, c["stride"], c["padding"], op, c["groups"], c["dilation"])
    assert ty.shape == x.shape
    lhs = torch.dot(cx.flatten(), y.flatten())
    torch.testing.assert_close(torch.dot(C @ x.flatten(), y.flatten()), lhs, atol=1e-10, rtol=1e-10)
    torch.testing.assert_close(torch.dot(x.flatten(), C.T @ y.flatten()), lhs, atol=1e-10, rtol=1e-10)
    torch.testing.assert_close(torch.dot(x.flatten(), ty.flatten()), lhs, atol=1e-10, rtol=1e-10)
    torch.testing.assert_close(ty.flatten(), C.T @ y.flatten(), atol=1e-10, rtol=1e-10)


# ---------------------------------------------------------------- gradient view

@pytest.mark.parametrize("i", [i for i, c in enumerate(CONV_CASES) if not isinstance(c["padding"], str)],
                         ids=lambda i: conv_case_id(CONV_CASES[i]))
def test_gradient_of_conv2d_is_conv_transpose2d(i):
    """d<conv2d(x), g>/dx = conv_transpose2d(g), with the output_padding that restores x's size."""
    c = CONV_CASES[i]
    x, w = _conv_tensors(c, i)
    x = x.unsqueeze(0).requires_grad_()
    with forbid_torch_ops("conv"):
        y = conv2d(x, w, None, *_conv_args(c))
        g = torch.randn(y.shape, generator=torch.Generator().manual_seed(i), dtype=y.dtype)
        (grad,) = torch.autograd.grad(y, x, g)
        op = tuple(output_padding_for(m, n, k, s, p, d) for n, m, k, s, p, d in zip(
            c["hw"], y.shape[-2:], c["kernel"], _pair(c["stride"]), _pair(c["padding"]), _pair(c["dilation"])))
        ours = conv_transpose2d(g, w, None, c["stride"], c["padding"], op, c["groups"], c["dilation"])
    torch.testing.assert_close(ours, grad, atol=1e-10, rtol=1e-10)


# ---------------------------------------------------------------- arithmetic

@pytest.mark.parametrize("c", CASES, ids=case_id)
def test_transpose_arithmetic_matches_torch_shape(c):
    x, w, _ = _tensors(c, 0)
    out = F.conv_transpose2d(x, w, None, *_args(c))
    assert tuple(out.shape[-2:]) == _out_hw(c, c["output_padding"])
    # output_padding_for recovers the output_padding from the sizes, as nn.ConvTranspose2d(output_size=...) does
    ops = tuple(output_padding_for(n, m, k, s, p, d) for n, m, k, s, p, d in zip(
        c["hw"], out.shape[-2:], c["kernel"], _pair(c["stride"]), _pair(c["padding"]), _pair(c["dilation"])))
    assert ops == _pair(c["output_padding"])
    # and conv2d maps the output size back to the input size when op < stride
    for n, m, k, s, p, d, a in zip(c["hw"], out.shape[-2:], c["kernel"], _pair(c["stride"]), _pair(c["padding"]),
                                   _pair(c["dilation"]), _pair(c["output_padding"])):
        if a < s and m + 2 * p >= d * (k - 1) + 1:
            assert conv_output_size(m, k, s, p, d) == n


def test_output_padding_picks_among_inputs_of_same_conv_size():
    """Inputs of size 7 and 8 both give 4 under k=3, s=2, p=1; output_padding chooses which comes back."""
    w = torch.randn(1, 1, 3, 3)
    assert conv2d(torch.randn(1, 1, 7, 7), w, stride=2, padding=1).shape[-1] == 4
    assert conv2d(torch.randn(1, 1, 8, 8), w, stride=2, padding=1).shape[-1] == 4
    y = torch.randn(1, 1, 4, 4)
    assert conv_transpose2d(y, w, stride=2, padding=1).shape[-1] == 7
    assert conv_transpose2d(y, w, stride=2, padding=1, output_padding=1).shape[-1] == 8


def test_scatter_stamps_kernel():
    """Stride = kernel size: each input pixel becomes its own weighted copy of the kernel."""
    x = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    k = torch.tensor([[[[1.0, 10.0], [100.0, 1000.0]]]])
    y = conv_transpose2d_scatter(x, k, stride=2)
    assert torch.equal(y[0, 0, 2:, :2], 3 * k[0, 0])
    assert torch.equal(y[0, 0, :2, 2:], 2 * k[0, 0])


# ---------------------------------------------------------------- errors

def _x(*shape, dtype=torch.float32):
    return torch.randn(*shape, dtype=dtype)


ERRORS = {
    "output_too_small": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(padding=5), ValueError, "output size -3 x -3"),
    "stride_zero": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(stride=0), ValueError, "stride=(0, 0)"),
    "padding_negative": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(padding=(0, -1)), ValueError, "padding=(0, -1)"),
    "padding_same": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(padding="same"), TypeError, "'same'"),
    "dilation_zero": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(dilation=0), ValueError, "dilation=(0, 0)"),
    "output_padding_eq_stride": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(stride=2, output_padding=2), ValueError,
                                 "output_padding=(2, 2), stride=(2, 2)"),
    "output_padding_eq_dilation": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(dilation=3, output_padding=3), ValueError,
                                   "output_padding=(3, 3), stride=(1, 1), dilation=(3, 3)"),
    "output_padding_one_axis": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(stride=(2, 1), dilation=(2, 1),
                                output_padding=(0, 1)), ValueError, "output_padding=(0, 1)"),
    "output_padding_negative": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(stride=2, output_padding=-1), ValueError,
                                "output_padding=(-1, -1)"),
    "in_not_divisible": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(groups=3), ValueError, "weight.shape[0]=2"),
    "groups_zero": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3)), dict(groups=0), ValueError, "groups=0"),
    "weight_rank": ((_x(1, 2, 5, 5), _x(2, 3, 3)), {}, ValueError, "(2, 3, 3)"),
    "input_rank": ((_x(5, 5), _x(2, 2, 3, 3)), {}, ValueError, "(5, 5)"),
    "channels_mismatch": ((_x(1, 3, 5, 5), _x(2, 2, 3, 3)), {}, ValueError, "input has 3 channels"),
    "bias_wrong_length": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3), _x(3)), {}, ValueError, "got shape (3,)"),
    "bias_wrong_length_groups": ((_x(1, 2, 5, 5), _x(2, 2, 3, 3), _x(2)), dict(groups=2), ValueError,
                                 "expected bias of shape (4,)"),
    "dtype_mismatch": ((_x(1, 2, 5, 5, dtype=torch.float64), _x(2, 2, 3, 3)), {}, TypeError, "torch.float32"),
}


@pytest.mark.parametrize("view", [conv_transpose2d, *VIEWS], ids=lambda f: f.__name__)
@pytest.mark.parametrize("name", list(ERRORS))
def test_rejects_what_torch_rejects(name, view):
    args, kwargs, exc, fragment = ERRORS[name]
    with pytest.raises(Exception):
        F.conv_transpose2d(*args, **kwargs)
    with pytest.raises(exc) as info:
        view(*args, **kwargs)
    assert fragment in str(info.value), str(info.value)


@pytest.mark.parametrize("shape,stride", [((0, 2, 5, 5), 1), ((0, 2, 3, 3), 2), ((0, 2, 0, 5), 1)],
                         ids=["batch0", "batch0-s2", "batch0-h0"])
def test_empty_batch_gives_empty_output_like_torch(shape, stride):
    x, w = torch.randn(shape), torch.randn(2, 4, 3, 3)
    ref = F.conv_transpose2d(x, w, stride=stride)
    views = [conv_transpose2d, *VIEWS] if shape[2] else [conv_transpose2d, *VIEWS[:2]]  # no matrix of an empty image
    with forbid_torch_ops("conv"):
        for view in views:
            assert view(x, w, stride=stride).shape == ref.shape


@pytest.mark.parametrize("shape", [(2, 2, 0, 5), (2, 2, 5, 0), (2, 5, 0)], ids=["h0", "w0", "chw-w0"])
def test_empty_image_rejected_like_torch(shape):
    x, w = torch.randn(shape), torch.randn(2, 4, 3, 3)
    with pytest.raises(RuntimeError, match="Only zero batch or zero channel"):
        F.conv_transpose2d(x, w)
    with pytest.raises(ValueError, match=r"conv_transpose2d: expected non-empty channel and spatial sizes"):
        conv_transpose2d(x, w)


def test_conv2d_matrix_rejects_bad_arguments():
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv2d_matrix(torch.randn(1, 1, 5, 5), (3, 3))
    with pytest.raises(ValueError, match="stride=.2, 2."):
        conv2d_matrix(torch.randn(1, 1, 3, 3), (3, 3), stride=2, padding="same")
    with pytest.raises(ValueError, match="weight.shape.0.=3"):
        conv2d_matrix(torch.randn(3, 1, 3, 3), (3, 3), groups=2)


@pytest.mark.parametrize("c", CASES[::10], ids=case_id)
def test_conv_transpose2d_gradients_match_torch(c):
    """Every view is differentiable, with torch's gradients for input, weight and bias."""
    x, w, b = _tensors(c, 2, dtype=torch.float64)
    leaves = [t.requires_grad_() for t in (x, w, b) if t is not None]
    ref = torch.autograd.grad(F.conv_transpose2d(x, w, b, *_args(c)).square().sum(), leaves)
    with forbid_torch_ops("conv"):
        for view in [conv_transpose2d, *VIEWS]:
            ours = torch.autograd.grad(view(x, w, b, *_args(c)).square().sum(), leaves)
            for o, r in zip(ours, ref):
                assert_matches_torch(o, r)
