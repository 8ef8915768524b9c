"""``resample_lib.functional.interpolation`` against ``torch.nn.functional.interpolate``.

Three implementations are compared: torch's kernels, ``interpolate_reference``
(one resampling matrix per axis, the version the book shows) and ``interpolate``
(the same taps applied by the private fast paths ``_interpolation_plan``,
``_interpolation_lattice`` and ``_interpolation_uint8``). Both of ours are
checked against torch on hundreds of small random configurations, and the fast
one against the reference on larger ones, built to reach every fast path (named
cases check that each path is taken). Every comparison computes torch's result
first, then ours inside ``forbid_torch_ops("resize")``, so ours cannot delegate
to torch's resizing or pooling kernels.
"""
from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F
from conftest import assert_matches_torch, forbid_torch_ops

from resample_lib.functional import _interpolation_lattice, _interpolation_plan
from resample_lib.functional.interpolation import (MODES, interpolate, interpolate_reference, pixel_scale,
                                                   resample_matrix, resample_taps, source_coordinates)
from resample_lib.functional.interpolation_kernels import box, keys_cubic, lanczos, triangle
from resample_lib.functional.output_size import interpolate_output_size

N_RANDOM = 480
ANTIALIAS = ("bilinear", "bicubic", "lanczos")


def _random_case(rng: random.Random) -> dict:
    """One valid configuration of interpolate, drawn from ``rng``."""
    mode = rng.choice(list(MODES))
    rank = rng.choice(MODES[mode])
    d = rank - 2
    side = 12 if d < 3 else 6
    in_sizes = [rng.choice([1, rng.randint(1, side), rng.randint(2, side)]) for _ in range(d)]
    kw: dict = {"mode": mode}
    if mode not in ("nearest", "nearest-exact", "area"):
        kw["align_corners"] = rng.choice([None, False, True])
    if mode in ANTIALIAS:
        kw["antialias"] = mode == "lanczos" or rng.random() < 0.5
    if mode == "lanczos":
        kw["align_corners"] = rng.choice([None, False])
    if rng.random() < 0.5:
        out = [rng.choice([1, rng.randint(1, 2 * side), 2 * n, max(1, n // 2)]) for n in in_sizes]
        kw["size"] = out[0] if len(set(out)) == 1 and rng.random() < 0.5 else tuple(out)
    else:
        pool = [0.5, 2.0, 3.0, 0.25, 1.0, 1 / 3, 1.5, 0.7, round(rng.uniform(0.3, 3.5), 3)]
        factors = [rng.choice(pool) for _ in range(d)]
        factors = [max(f, 1.0 / n + 1e-6) for f, n in zip(factors, in_sizes)]  # at least one output sample
        kw["scale_factor"] = factors[0] if len(set(factors)) == 1 and rng.random() < 0.5 else tuple(factors)
        kw["recompute_scale_factor"] = rng.choice([None, False, True])
    out = interpolate_output_size(in_sizes, kw.get("size"), kw.get("scale_factor"))
    if kw.get("antialias") and out[-1] == 1 and out[-2] != in_sizes[-2]:
        return _random_case(rng)  # torch bug, see test_antialias_to_width_one_is_separable
    dtype = rng.choice([torch.float32, torch.float64])
    layout = rng.choice(["contiguous", "contiguous", "channels_last" if rank > 3 else "contiguous", "strided"])
    return {"shape": (rng.randint(1, 2), rng.randint(1, 3), *in_sizes), "dtype": dtype, "layout": layout,
            "kwargs": kw, "seed": rng.randrange(2**31)}


def _case_id(case: dict) -> str:
    """A test id that says what the case resizes: mode, rank, size or factor, options, dtype and layout."""
    kw = case["kwargs"]
    what = f"size={kw['size']}" if "size" in kw else f"scale={kw['scale_factor']}"
    options = (("align", kw.get("align_corners")), ("aa", kw.get("antialias") and kw["mode"] != "lanczos"),
               ("recompute", kw.get("recompute_scale_factor")))
    flags = [name for name, on in options if on]
    dtype = str(case.get("dtype", torch.float64)).replace("torch.", "")
    return "-".join([kw["mode"], "in=" + "x".join(map(str, case["shape"][2:])), what.replace(" ", ""), *flags,
                     dtype, case.get("layout", "contiguous")])


_RNG = random.Random(20240611)
RANDOM_CASES = [_random_case(_RNG) for _ in range(N_RANDOM)]
RANDOM_IDS = [f"{i:03d}-{_case_id(c)}" for i, c in enumerate(RANDOM_CASES)]

# Corner cases named for what they check.
CORNER_CASES = {
    "output_size_1": {"shape": (1, 2, 9, 7), "kwargs": {"mode": "bilinear", "size": 1}},
    "input_size_1_up": {"shape": (1, 2, 1, 1), "kwargs": {"mode": "bicubic", "size": (5, 3)}},
    "input_size_1_align": {"shape": (1, 2, 1, 4), "kwargs": {"mode": "bilinear", "size": (3, 7), "align_corners": True}},
    "align_corners_out_1": {"shape": (1, 1, 6), "kwargs": {"mode": "linear", "size": 1, "align_corners": True}},
    "downscale_non_integer": {"shape": (1, 2, 17, 13), "kwargs": {"mode": "bilinear", "scale_factor": 0.37}},
    "downscale_non_integer_cubic": {"shape": (1, 2, 17, 13), "kwargs": {"mode": "bicubic", "scale_factor": (0.61, 0.29)}},
    "area_not_dividing": {"shape": (1, 2, 7, 11), "kwargs": {"mode": "area", "size": (3, 4)}},
    "area_up_not_dividing": {"shape": (1, 2, 3, 4), "kwargs": {"mode": "area", "size": (7, 10)}},
    "area_scale_factor": {"shape": (1, 1, 10, 9, 8), "kwargs": {"mode": "area", "scale_factor": 0.3}},
    "aa_downscale": {"shape": (1, 2, 19, 20), "kwargs": {"mode": "bilinear", "size": (5, 3), "antialias": True}},
    "aa_upscale_bicubic": {"shape": (1, 2, 5, 6), "kwargs": {"mode": "bicubic", "size": (11, 13), "antialias": True}},
    "aa_bicubic_upscale_is_keys_half": {"shape": (1, 1, 4, 4), "kwargs": {"mode": "bicubic", "scale_factor": 2.0, "antialias": True}},
    "aa_align_corners": {"shape": (1, 2, 15, 9), "kwargs": {"mode": "bilinear", "size": (4, 20), "antialias": True, "align_corners": True}},
    "lanczos_down": {"shape": (1, 2, 20, 18), "kwargs": {"mode": "lanczos", "size": (6, 7), "antialias": True}},
    "lanczos_up": {"shape": (1, 2, 4, 5), "kwargs": {"mode": "lanczos", "scale_factor": 2.5, "antialias": True}},
    "nearest_scale_not_recomputed": {"shape": (1, 1, 7, 12), "kwargs": {"mode": "nearest", "scale_factor": (2.088, 0.5)}},
    "nearest_1d_same_size_other_scale": {"shape": (1, 1, 3), "kwargs": {"mode": "nearest", "scale_factor": 1.3}},
    "linear_same_size_other_scale": {"shape": (1, 1, 3), "kwargs": {"mode": "linear", "scale_factor": 1.3}},
    "bicubic_same_size_other_scale": {"shape": (1, 1, 3, 3), "kwargs": {"mode": "bicubic", "scale_factor": 1.3}},
    "nearest_exact_third": {"shape": (1, 1, 9, 9, 9), "kwargs": {"mode": "nearest-exact", "scale_factor": 1 / 3}},
    "trilinear_recompute": {"shape": (1, 2, 3, 4, 5), "kwargs": {"mode": "trilinear", "scale_factor": 1.7, "recompute_scale_factor": True}},
}


def _make_input(case: dict) -> torch.Tensor:
    gen = torch.Generator().manual_seed(case.get("seed", 0))
    dtype = case.get("dtype", torch.float64)
    shape = case["shape"]
    layout = case.get("layout", "contiguous")
    if layout == "strided":  # a transposed view: same values, non-contiguous memory
        x = torch.randn(*shape[:2], *shape[2:][::-1], generator=gen, dtype=dtype)
        return x.permute(0, 1, *range(x.dim() - 1, 1, -1))
    x = torch.randn(*shape, generator=gen, dtype=dtype)
    if layout == "channels_last":
        x = x.contiguous(memory_format=torch.channels_last if x.dim() == 4 else torch.channels_last_3d)
    return x


def _check_against_torch(case: dict, fn=interpolate) -> None:
    x = _make_input(case)
    ref = F.interpolate(x, **case["kwargs"])
    with forbid_torch_ops("resize"):
        ours = fn(x, **case["kwargs"])
    assert_matches_torch(ours, ref)


@pytest.mark.parametrize("i", range(N_RANDOM), ids=RANDOM_IDS)
def test_random_configuration_matches_torch(i: int) -> None:
    _check_against_torch(RANDOM_CASES[i])


@pytest.mark.parametrize("i", range(N_RANDOM), ids=RANDOM_IDS)
def test_reference_random_configuration_matches_torch(i: int) -> None:
    _check_against_torch(RANDOM_CASES[i], interpolate_reference)


@pytest.mark.parametrize("name", sorted(CORNER_CASES))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("fn", [interpolate, interpolate_reference], ids=["fast", "reference"])
def test_corner_case_matches_torch(name: str, dtype: torch.dtype, fn) -> None:
    _check_against_torch({**CORNER_CASES[name], "dtype": dtype}, fn)


def test_random_cases_cover_every_option() -> None:
    seen = {(c["kwargs"]["mode"], len(c["shape"]), c["kwargs"].get("antialias", False), "size" in c["kwargs"])
            for c in RANDOM_CASES}
    for mode, ranks in MODES.items():
        for rank in ranks:
            for by_size in (True, False):
                assert (mode, rank, mode == "lanczos", by_size) in seen, (mode, rank, by_size)
    for mode in ("bilinear", "bicubic"):
        assert (mode, 4, True, True) in seen and (mode, 4, True, False) in seen
    assert {c["kwargs"].get("align_corners") for c in RANDOM_CASES} == {None, False, True}
    assert {c["kwargs"].get("recompute_scale_factor") for c in RANDOM_CASES if "scale_factor" in c["kwargs"]} == {
        None, False, True}


INT_CASES = [
    (mode, dtype, size)
    for mode in ("nearest", "nearest-exact")
    for dtype in (torch.uint8,)  # torch's only integer type for resizing
    for size in ((3, 5, 4), (7, 2, 9), (1, 1, 1), (10, 12, 8), (2, 3, 2))
]


@pytest.mark.parametrize("mode,dtype,size", INT_CASES,
                         ids=[f"{m}-size={'x'.join(map(str, s))}" for m, _, s in INT_CASES])
@pytest.mark.parametrize("fn", [interpolate, interpolate_reference], ids=["fast", "reference"])
def test_integer_nearest_matches_torch(mode: str, dtype: torch.dtype, size: tuple[int, int, int], fn) -> None:
    gen = torch.Generator().manual_seed(1)
    for rank in (3, 4, 5):
        x = torch.randint(0, 200, (2, 2, *(5, 6, 4)[:rank - 2]), generator=gen).to(dtype)
        ref = F.interpolate(x, size=size[:rank - 2], mode=mode)
        with forbid_torch_ops("resize"):
            ours = fn(x, size=size[:rank - 2], mode=mode)
        assert ours.dtype == dtype
        assert torch.equal(ours, ref)


UINT8_CASES = [
    (mode, aa, ac, kw)
    for mode in ("bilinear", "bicubic")
    for aa in (False, True)
    for ac in (False, True)
    for kw in ({"size": (13, 7)}, {"size": (5, 21)}, {"scale_factor": (1.7, 0.45)}, {"scale_factor": 3.0})
]


def _kwargs_id(kw: dict) -> str:
    return "-".join(f"{k}={v}".replace(" ", "") for k, v in kw.items())


UINT8_IDS = [f"{m}-{'aa-' if aa else ''}{'align-' if ac else ''}{_kwargs_id(kw)}" for m, aa, ac, kw in UINT8_CASES]


@pytest.mark.parametrize("mode,antialias,align_corners,kwargs", UINT8_CASES, ids=UINT8_IDS)
def test_uint8_matches_torch_exactly(mode: str, antialias: bool, align_corners: bool, kwargs: dict) -> None:
    gen = torch.Generator().manual_seed(2)
    x = torch.randint(0, 256, (1, 3, 11, 14), generator=gen, dtype=torch.uint8)
    ref = F.interpolate(x, mode=mode, antialias=antialias, align_corners=align_corners, **kwargs)
    with forbid_torch_ops("resize"):
        ours = interpolate(x, mode=mode, antialias=antialias, align_corners=align_corners, **kwargs)
        reference = interpolate_reference(x, mode=mode, antialias=antialias, align_corners=align_corners, **kwargs)
    assert ours.dtype == torch.uint8 and reference.dtype == torch.uint8
    assert torch.equal(ours, ref)
    # the reference rounds after each axis too, but in float32 rather than torch's fixed point
    assert int((reference.int() - ref.int()).abs().max()) <= 1


def test_forbid_patch_blocks_torch_resizing() -> None:
    x = torch.randn(1, 1, 4, 4)
    with forbid_torch_ops("resize"):
        with pytest.raises(AssertionError, match="forbidden"):
            F.interpolate(x, scale_factor=2, mode="bilinear")
        with pytest.raises(AssertionError, match="forbidden"):
            F.adaptive_avg_pool2d(x, 2)
    assert F.interpolate(x, scale_factor=2).shape == (1, 1, 8, 8)  # restored afterwards


def test_antialias_to_width_one_is_separable() -> None:
    # torch 2.13's CPU antialias kernels return the first output row everywhere when the
    # output width is 1 and the height changes; ours is the separable product M_h x M_w^T.
    x = torch.randn(1, 1, 6, 5, dtype=torch.float64)
    for mode, kind in (("bilinear", "linear"), ("bicubic", "cubic"), ("lanczos", "lanczos")):
        ours = interpolate(x, size=(4, 1), mode=mode, antialias=True)
        m_h = resample_matrix(6, 4, kind, antialias=True)
        m_w = resample_matrix(5, 1, kind, antialias=True)
        torch.testing.assert_close(ours[0, 0], m_h @ x[0, 0] @ m_w.T)


MATRIX_CASES = [
    ("nearest", None, False, 5, 8), ("nearest", None, False, 8, 3), ("nearest-exact", None, False, 7, 4),
    ("linear", False, False, 4, 9), ("linear", True, False, 4, 9), ("linear", False, False, 9, 4),
    ("cubic", False, False, 5, 11), ("cubic", True, False, 11, 5), ("cubic", False, False, 1, 3),
    ("area", None, False, 10, 3), ("area", None, False, 3, 7),
    ("linear", False, True, 13, 4), ("cubic", False, True, 13, 5), ("lanczos", False, True, 13, 4),
    ("linear", False, True, 4, 9), ("cubic", True, True, 4, 10), ("lanczos", False, True, 5, 12),
]
_TORCH_MODE = {"linear": "bilinear", "cubic": "bicubic"}


@pytest.mark.parametrize("kind,align_corners,antialias,n_in,n_out", MATRIX_CASES)
def test_resample_matrix_is_interpolate_of_identity(kind, align_corners, antialias, n_in, n_out) -> None:
    m = resample_matrix(n_in, n_out, kind, align_corners=align_corners, antialias=antialias)
    assert m.shape == (n_out, n_in)
    # Columns of M are the responses to one-hot inputs: the batch of rows of the identity.
    eye = torch.eye(n_in, dtype=torch.float64).reshape(n_in, 1, 1, n_in)
    mode = _TORCH_MODE.get(kind, kind) if (antialias or kind in ("cubic", "lanczos")) else kind
    if mode in ("bilinear", "bicubic", "lanczos"):
        ref = F.interpolate(eye, size=(1, n_out), mode=mode, align_corners=align_corners, antialias=antialias)
    else:
        ref = F.interpolate(eye.reshape(n_in, 1, n_in), size=n_out, mode=mode, align_corners=align_corners)
    torch.testing.assert_close(m, ref.reshape(n_in, n_out).T, atol=1e-12, rtol=0)
    # ... and along an axis, interpolation is x @ M.T
    x = torch.randn(3, 2, n_in, dtype=torch.float64)
    torch.testing.assert_close(x @ m.T, (ref.reshape(n_in, n_out).T @ x.unsqueeze(-1)).squeeze(-1))


@pytest.mark.parametrize("kind", ["nearest", "nearest-exact", "linear", "cubic", "area", "lanczos"])
@pytest.mark.parametrize("n_in,n_out", [(5, 12), (12, 5), (7, 7), (1, 4), (9, 1)])
def test_resample_matrix_rows_sum_to_one(kind: str, n_in: int, n_out: int) -> None:
    for antialias in ((False, True) if kind in ("linear", "cubic") else (False,)):
        m = resample_matrix(n_in, n_out, kind, antialias=antialias)
        torch.testing.assert_close(m.sum(1), torch.ones(n_out, dtype=torch.float64))
    if kind in ("nearest", "nearest-exact"):
        assert torch.equal((m == 1).sum(1), torch.ones(n_out, dtype=torch.int64))


def test_resample_taps_shapes_and_dtype() -> None:
    index, weight = resample_taps(20, 5, "cubic", antialias=True, dtype=torch.float32)
    assert index.dtype == torch.int64 and weight.dtype == torch.float32
    assert index.shape == weight.shape and index.shape[0] == 5
    assert int(index.min()) >= 0 and int(index.max()) <= 19
    # Keys a=-0.5 stretched by s=4 reaches 2*4 samples on each side: 17 taps per row
    assert index.shape[1] == 17


def test_source_coordinates_formulas() -> None:
    u = source_coordinates(4, 6)
    torch.testing.assert_close(u, (torch.arange(6, dtype=torch.float64) + 0.5) * 4 / 6 - 0.5)
    u = source_coordinates(4, 6, align_corners=True)
    torch.testing.assert_close(u, torch.arange(6, dtype=torch.float64) * 3 / 5)
    u = source_coordinates(10, 17, scale_factor=1.7)  # the user's factor, not 17/10
    torch.testing.assert_close(u, (torch.arange(17, dtype=torch.float64) + 0.5) / 1.7 - 0.5)
    # Linear interpolation of the ramp 0..n-1 returns the clamped coordinates.
    ramp = torch.arange(10, dtype=torch.float64).reshape(1, 1, 10)
    for kw in ({"size": 17}, {"scale_factor": 1.7}, {"size": 4, "align_corners": True}):
        y = F.interpolate(ramp, mode="linear", **kw).flatten()
        u = source_coordinates(10, y.numel(), kw.get("align_corners", False), kw.get("scale_factor"))
        torch.testing.assert_close(y, u.clamp(0, 9))


def test_pixel_scale_and_output_size() -> None:
    assert pixel_scale(4, 8) == 0.5
    assert pixel_scale(4, 1, align_corners=True) == 0.0
    assert pixel_scale(4, 8, align_corners=True) == 3 / 7
    assert pixel_scale(10, 17, scale_factor=1.7) == 1 / 1.7
    assert pixel_scale(3, 7, dtype=torch.float32) == float(torch.tensor(3.0) / 7)
    assert interpolate_output_size([10, 100, 5], scale_factor=(0.3, 0.29, 2.5)) == [3, 28, 12]
    assert F.interpolate(torch.zeros(1, 1, 100), scale_factor=0.29).shape[-1] == 28
    assert interpolate_output_size([10, 9], size=4) == [4, 4]


def test_kernels_interpolate_and_partition_unity() -> None:
    ints = torch.arange(-4, 5, dtype=torch.float64)
    for k in (triangle, keys_cubic, lambda t: keys_cubic(t, a=-0.5), lanczos):
        torch.testing.assert_close(k(ints), (ints == 0).to(torch.float64), atol=1e-15, rtol=0)
    t = torch.linspace(0, 1, 11, dtype=torch.float64)[:, None] - torch.arange(-4, 5, dtype=torch.float64)
    for k in (triangle, keys_cubic, lambda t: keys_cubic(t, a=-0.5), box):
        torch.testing.assert_close(k(t).sum(1), torch.ones(11, dtype=torch.float64))
    # Lanczos is not a partition of unity, which is why torch normalizes its weights.
    assert (lanczos(t).sum(1) - 1).abs().max() > 1e-4
    with pytest.raises(ValueError, match="got 0"):
        lanczos(t, a=0)


GRADIENT_CASES = [  # (input shape, mode, kwargs): small tables, then sizes where the fast paths take over
    ((1, 2, 6, 8), "bilinear", {"size": (7, 5)}), ((1, 2, 6, 8), "bicubic", {"scale_factor": 1.5}),
    ((1, 2, 6, 8), "area", {"size": (3, 4)}), ((1, 2, 6, 8), "bilinear", {"size": (3, 2), "antialias": True}),
    ((1, 2, 6, 8), "nearest", {"scale_factor": 2}), ((1, 2, 16, 16), "bilinear", {"scale_factor": 2}),
    ((1, 2, 16, 16), "bicubic", {"scale_factor": 0.5}), ((1, 2, 32, 32), "bilinear", {"scale_factor": 0.25}),
    ((1, 1, 16, 16, 16), "trilinear", {"scale_factor": 0.25}), ((1, 2, 24), "linear", {"scale_factor": 3}),
    ((1, 2, 16, 16), "area", {"scale_factor": 0.5}), ((1, 2, 8, 8), "nearest-exact", {"scale_factor": 3}),
]


@pytest.mark.parametrize("shape,mode,kw", GRADIENT_CASES,
                         ids=[f"{m}-in={'x'.join(map(str, s[2:]))}-{_kwargs_id(kw)}" for s, m, kw in GRADIENT_CASES])
@pytest.mark.parametrize("fn", [interpolate, interpolate_reference], ids=["fast", "reference"])
def test_gradient_matches_torch(shape: tuple[int, ...], mode: str, kw: dict, fn) -> None:
    x = torch.randn(*shape, dtype=torch.float64, requires_grad=True)
    ref = F.interpolate(x, mode=mode, **kw)
    g = torch.randn_like(ref)
    (ref_grad,) = torch.autograd.grad(ref, x, g)
    with forbid_torch_ops("resize"):
        ours = fn(x, mode=mode, **kw)
        (our_grad,) = torch.autograd.grad(ours, x, g)
    torch.testing.assert_close(our_grad, ref_grad)


def test_output_is_new_tensor_with_input_dtype() -> None:
    x = torch.randn(1, 1, 4, 4)
    y = interpolate(x, size=4, mode="bilinear")
    assert y.dtype == x.dtype and y.data_ptr() != x.data_ptr()
    assert torch.equal(y, x)
    assert interpolate(x, size=(0, 2), mode="area").shape == (1, 1, 0, 2)  # like adaptive_avg_pool2d


BAD_INPUTS = [
    # (name, input shape, kwargs, our exception, text the message must contain)
    ("both_size_and_scale", (1, 1, 4), {"size": 2, "scale_factor": 2.0}, ValueError, "size=2"),
    ("neither_size_nor_scale", (1, 1, 4), {}, ValueError, "neither"),
    ("align_corners_nearest", (1, 1, 4), {"size": 2, "align_corners": True}, ValueError, "mode='nearest'"),
    ("align_corners_area", (1, 1, 4, 4), {"size": 2, "mode": "area", "align_corners": False}, ValueError, "'area'"),
    ("align_corners_nearest_exact", (1, 1, 4), {"size": 2, "mode": "nearest-exact", "align_corners": True},
     ValueError, "nearest-exact"),
    ("bilinear_on_3d", (1, 1, 4), {"size": 2, "mode": "bilinear"}, NotImplementedError, "3-D tensor"),
    ("linear_on_4d", (1, 1, 4, 4), {"size": 2, "mode": "linear"}, NotImplementedError, "'linear'"),
    ("trilinear_on_4d", (1, 1, 4, 4), {"size": 2, "mode": "trilinear"}, NotImplementedError, "5-D"),
    ("bicubic_on_5d", (1, 1, 2, 4, 4), {"size": 2, "mode": "bicubic"}, NotImplementedError, "5-D tensor"),
    ("rank_2_input", (4, 4), {"size": 2}, NotImplementedError, "2-D tensor"),
    ("unknown_mode", (1, 1, 4), {"size": 2, "mode": "cubic"}, NotImplementedError, "'cubic'"),
    ("zero_size", (1, 1, 4), {"size": 0, "mode": "linear"}, ValueError, "[0]"),
    ("negative_size", (1, 1, 4, 4), {"size": (-1, 3), "mode": "bilinear"}, ValueError, "[-1, 3]"),
    ("negative_scale", (1, 1, 4), {"scale_factor": -2.0}, ValueError, "-2.0"),
    ("zero_scale", (1, 1, 4), {"scale_factor": 0.0, "mode": "linear"}, ValueError, "0.0"),
    ("scale_gives_size_0", (1, 1, 4), {"scale_factor": 0.1, "mode": "linear"}, ValueError, "[0]"),
    ("size_tuple_too_long", (1, 1, 4), {"size": (2, 2)}, ValueError, "(2, 2)"),
    ("scale_tuple_too_short", (1, 1, 4, 4, 4), {"scale_factor": (2.0, 2.0)}, ValueError, "(2.0, 2.0)"),
    ("float_size", (1, 1, 4, 4), {"size": (2.5, 3)}, TypeError, "2.5"),
    ("recompute_with_size", (1, 1, 4), {"size": 3, "recompute_scale_factor": True}, ValueError, "size=3"),
    ("antialias_nearest", (1, 1, 4, 4), {"size": 2, "antialias": True}, ValueError, "mode='nearest'"),
    ("antialias_linear_3d", (1, 1, 4), {"size": 2, "mode": "linear", "antialias": True}, ValueError, "'linear'"),
    ("antialias_trilinear", (1, 1, 4, 4, 4), {"size": 2, "mode": "trilinear", "antialias": True}, ValueError,
     "'trilinear'"),
    ("lanczos_without_antialias", (1, 1, 4, 4), {"size": 2, "mode": "lanczos"}, ValueError, "antialias=False"),
    ("lanczos_align_corners", (1, 1, 4, 4), {"size": 2, "mode": "lanczos", "antialias": True, "align_corners": True},
     ValueError, "align_corners=True"),
    ("lanczos_3d", (1, 1, 4), {"size": 2, "mode": "lanczos", "antialias": True}, ValueError, "3-D"),
    ("empty_spatial_input", (1, 1, 0, 4), {"size": 2, "mode": "bilinear"}, ValueError, "[0, 4]"),
    ("area_negative_size", (1, 1, 4, 4), {"size": (-1, 2), "mode": "area"}, ValueError, "[-1, 2]"),
]


@pytest.mark.parametrize("name,shape,kwargs,exc,text", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
@pytest.mark.parametrize("fn", [interpolate, interpolate_reference], ids=["fast", "reference"])
def test_bad_input_is_rejected_like_torch(name, shape, kwargs, exc, text, fn) -> None:
    x = torch.randn(*shape)
    with pytest.raises(Exception):
        F.interpolate(x, **kwargs)
    with pytest.raises(exc) as info:
        fn(x, **kwargs)
    assert text in str(info.value), str(info.value)


def test_integer_input_with_interpolating_mode_is_rejected_like_torch() -> None:
    x = torch.arange(5, dtype=torch.uint8).reshape(1, 1, 5)
    with pytest.raises(Exception):
        F.interpolate(x, size=7, mode="linear")
    with pytest.raises(NotImplementedError, match="torch.uint8"):
        interpolate(x, size=7, mode="linear")
    for mode in ("nearest", "bilinear"):
        y = torch.zeros(1, 1, 4, 4, dtype=torch.int32)
        with pytest.raises(Exception):
            F.interpolate(y, size=3, mode=mode)
        with pytest.raises(NotImplementedError, match="torch.int32"):
            interpolate(y, size=3, mode=mode)


def test_resample_taps_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="'bogus'"):
        resample_taps(4, 2, "bogus")
    with pytest.raises(ValueError, match="out_size must be positive, got 0"):
        resample_taps(4, 0)
    with pytest.raises(ValueError, match="'nearest'"):
        resample_taps(4, 2, "nearest", align_corners=True)
    with pytest.raises(ValueError, match="'area'"):
        resample_taps(4, 2, "area", antialias=True)


# --------------------------------------------------------------------------------------------------------------
# The fast paths against the reference: larger inputs and integer factors, where the taps form lattices
# --------------------------------------------------------------------------------------------------------------
N_ENGINE = 160


def _engine_case(rng: random.Random) -> dict:
    """A configuration at sizes where ``interpolate``'s fast paths take over, drawn from ``rng``."""
    mode = rng.choice(list(MODES))
    rank = rng.choice(MODES[mode])
    d = rank - 2
    sides = [12, 24, 36, 48, rng.randint(12, 48)] if d < 3 else [8, 12, 16, rng.randint(6, 20)]
    in_sizes = [rng.choice(sides) for _ in range(d)]
    kw: dict = {"mode": mode}
    if mode not in ("nearest", "nearest-exact", "area", "lanczos"):
        kw["align_corners"] = rng.choice([None, False, True])
    if mode in ANTIALIAS:
        kw["antialias"] = mode == "lanczos" or rng.random() < 0.5
    factors = [rng.choice([2, 3, 4, 0.5, 1 / 3, 0.25, 1, 1.5, 2.5]) for _ in range(d)]
    if rng.random() < 0.5:
        kw["size"] = tuple(max(1, int(n * f)) for n, f in zip(in_sizes, factors))
    else:
        kw["scale_factor"] = tuple(float(f) for f in factors)
    dtype = rng.choice([torch.float32, torch.float64])
    layout = rng.choice(["contiguous", "contiguous", "channels_last" if rank > 3 else "contiguous", "strided"])
    return {"shape": (rng.randint(1, 2), rng.randint(1, 3), *in_sizes), "dtype": dtype, "layout": layout,
            "kwargs": kw, "seed": rng.randrange(2**31)}


_ENGINE_RNG = random.Random(20261130)
ENGINE_CASES = [_engine_case(_ENGINE_RNG) for _ in range(N_ENGINE)]


@pytest.mark.parametrize("i", range(N_ENGINE), ids=[f"{i:03d}-{_case_id(c)}" for i, c in enumerate(ENGINE_CASES)])
def test_fast_matches_reference(i: int) -> None:
    case = ENGINE_CASES[i]
    x = _make_input(case)
    with forbid_torch_ops("resize"):
        reference = interpolate_reference(x, **case["kwargs"])
        ours = interpolate(x, **case["kwargs"])
    assert_matches_torch(ours, reference)  # the same tolerances: 1e-9 in float64, 2e-4 in float32


# Each fast path of _interpolation_plan, reached by a case built for it: (input shape, kwargs, paths taken).
FAST_PATH_CASES = {
    # (the innermost axis is repeated by a gather: copying a broadcast innermost axis is slow)
    "nearest_up_by_views": ((1, 2, 16, 16), {"mode": "nearest", "scale_factor": 2}, {"views", "gather"}),
    "nearest_exact_down_by_views": ((1, 2, 12, 12, 12), {"mode": "nearest-exact", "size": 4}, {"views"}),
    "nearest_odd_size_gathered": ((1, 2, 16, 16), {"mode": "nearest", "size": (23, 29)}, {"gather"}),
    "trilinear_quarter_by_windows": ((1, 2, 16, 16, 16), {"mode": "trilinear", "scale_factor": 0.25}, {"windows"}),
    "bilinear_quarter_by_windows": ((2, 3, 32, 24), {"mode": "bilinear", "scale_factor": 0.25}, {"windows"}),
    "linear_third_by_windows": ((1, 2, 30), {"mode": "linear", "size": 10}, {"windows"}),
    "area_half_lattice": ((1, 2, 16, 16), {"mode": "area", "scale_factor": 0.5}, {"lattice"}),
    "bilinear_up_lattice_and_padded": ((1, 2, 16, 16), {"mode": "bilinear", "scale_factor": 2},
                                       {"lattice", "padded lattice"}),
    "bicubic_down_lattice_edges_gathered": ((1, 2, 32, 32), {"mode": "bicubic", "scale_factor": 0.25}, {"lattice"}),
    "bilinear_aa_down_lattice": ((1, 2, 32, 32), {"mode": "bilinear", "scale_factor": 0.25, "antialias": True},
                                 {"lattice"}),
    "lanczos_up_lattice": ((1, 2, 16, 16), {"mode": "lanczos", "scale_factor": 2, "antialias": True}, {"lattice"}),
    "bicubic_odd_size_gathered": ((1, 2, 16, 16), {"mode": "bicubic", "size": (23, 29)}, {"gather"}),
    "trilinear_mixed_factors": ((1, 2, 8, 16, 12), {"mode": "trilinear", "size": (16, 4, 17)},
                                {"lattice", "gather"}),
}


@pytest.mark.parametrize("name", sorted(FAST_PATH_CASES))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_fast_path_is_taken_and_matches_reference(name: str, dtype: torch.dtype, monkeypatch) -> None:
    shape, kwargs, paths = FAST_PATH_CASES[name]
    taken = set()

    def spy(path_of, fn):
        def wrapper(*args, **kw):
            out = fn(*args, **kw)
            path = path_of(args, out)
            if path:
                taken.add(path)
            return out
        return wrapper

    plan = _interpolation_plan
    monkeypatch.setattr(plan, "_nearest_by_views",
                        spy(lambda a, out: out is not None and "views", plan._nearest_by_views))
    monkeypatch.setattr(plan, "_downsample_by_windows",
                        spy(lambda a, out: out is not None and "windows", plan._downsample_by_windows))
    monkeypatch.setattr(plan, "apply_lattice",
                        spy(lambda a, out: "padded lattice" if any(a[2].pad) else "lattice", plan.apply_lattice))
    monkeypatch.setattr(plan, "apply_taps", spy(lambda a, out: "gather", plan.apply_taps))
    x = torch.randn(*shape, dtype=dtype, generator=torch.Generator().manual_seed(3))
    with forbid_torch_ops("resize"):
        reference = interpolate_reference(x, **kwargs)
        ours = interpolate(x, **kwargs)
    assert taken == paths, sorted(taken)
    assert_matches_torch(ours, reference)


def test_lattices_of_tap_tables() -> None:
    # linear x2: period 2, stride 1; the two outer rows of each end are clamped, which padding the input absorbs
    index, weight = resample_taps(16, 32, "linear", scale_factor=2.0)
    lat = _interpolation_lattice.find_lattice(index, weight)
    assert (lat.period, lat.stride, lat.lo, lat.hi) == (2, 1, 1, 15)
    assert lat.taps == (((-1, 0.25), (0, 0.75)), ((0, 0.75), (1, 0.25)))
    padded = _interpolation_lattice.pad_lattice(lat, index, weight, 16)
    assert padded.pad == (1, 1) and padded.edge_rows.numel() == 0
    # linear /2: period 1, stride 2, every row regular
    lat = _interpolation_lattice.find_lattice(*resample_taps(16, 8, "linear", scale_factor=0.5))
    assert (lat.period, lat.stride, lat.taps, lat.edge_rows.numel()) == (1, 2, (((0, 0.5), (1, 0.5)),), 0)
    # 16 -> 23 repeats with no period up to 8: gathered
    assert _interpolation_lattice.find_lattice(*resample_taps(16, 23, "linear")) is None


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("mode,factor,first", [("bilinear", 2, 1), ("bilinear", 4, 2), ("bicubic", 2, 3)],
                         ids=["bilinear-x2", "bilinear-x4", "bicubic-x2"])
def test_upsampling_commutes_with_cropping_bit_for_bit(mode: str, factor: int, first: int, dtype: torch.dtype) -> None:
    # Upsample an 8x8 crop (offset 4) and compare with the same outputs of the whole upsampled 16x16 image, from
    # the first output whose taps all lie inside the crop. The crop's outer rows are gathered edge rows, the
    # image's are lattice rows: the same numbers only if both compute a row the same way.
    x = torch.rand(1, 2, 16, 16, dtype=dtype, generator=torch.Generator().manual_seed(5))
    rows = slice(first, 8 * factor - first)
    shifted = slice(4 * factor + first, 12 * factor - first)
    crop = interpolate(x[..., 4:12, 4:12], scale_factor=factor, mode=mode)[..., rows, rows]
    assert torch.equal(crop, interpolate(x, scale_factor=factor, mode=mode)[..., shifted, shifted])


def test_other_float_dtypes_are_computed_in_float32() -> None:
    x = torch.randn(1, 2, 16, 16, generator=torch.Generator().manual_seed(4))
    for dtype in (torch.float16, torch.bfloat16):
        for kw in ({"mode": "bilinear", "scale_factor": 2}, {"mode": "bicubic", "size": (9, 23)},
                   {"mode": "area", "scale_factor": 0.25}, {"mode": "nearest", "size": (5, 40)}):
            ref = F.interpolate(x.to(dtype), **kw)
            with forbid_torch_ops("resize"):
                ours, reference = interpolate(x.to(dtype), **kw), interpolate_reference(x.to(dtype), **kw)
            assert ours.dtype == reference.dtype == dtype
            torch.testing.assert_close(ours, reference)  # float32 results, rounded once to the input's dtype
            torch.testing.assert_close(ours.float(), ref.float(), atol=2e-2, rtol=2e-2)
