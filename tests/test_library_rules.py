"""resample_lib.analysis.library_rules reproduces PIL's, OpenCV's and JAX's resize rules on random sizes.

Each library resizes identity matrices (one impulse per row), which reads its
resampling matrix off directly; the rule must agree with it to float32 rounding.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from resample_lib.analysis.library_rules import (
    RULES,
    area_matrix,
    nearest_matrix,
    opencv_output_size,
    rule_matrix,
    stretched_kernel_matrix,
    tensorflow_resize,
    torchvision_output_size,
    torchvision_resize,
)

cv2 = pytest.importorskip("cv2")
Image = pytest.importorskip("PIL.Image")

TOL = 1e-5  # OpenCV and PIL store float32 weights or results


def _pairs(count: int, hi: int, seed: int) -> list[tuple[int, int]]:
    g = torch.Generator().manual_seed(seed)
    fixed = [(64, 40), (64, 128), (64, 16), (7, 3), (3, 7), (1, 5), (5, 1), (54, 60), (10, 10)]
    return fixed + [tuple(int(v) for v in p) for p in torch.randint(1, hi, (count, 2), generator=g)]


def _pil_matrix(n_in: int, n_out: int, method) -> torch.Tensor:
    eye = np.eye(n_in, dtype=np.float32)
    out = np.array(Image.fromarray(eye, mode="F").resize((n_out, n_in), method))
    return torch.from_numpy(out).double().T


def _cv_matrix(n_in: int, n_out: int, flag: int) -> torch.Tensor:
    eye = np.eye(n_in, dtype=np.float32)
    return torch.from_numpy(cv2.resize(eye, (n_out, n_in), interpolation=flag)).double().T


PIL_METHODS = ["NEAREST", "BOX", "BILINEAR", "BICUBIC", "LANCZOS"]
CV_METHODS = ["INTER_NEAREST", "INTER_NEAREST_EXACT", "INTER_LINEAR", "INTER_CUBIC", "INTER_AREA", "INTER_LANCZOS4"]


@pytest.mark.parametrize("method", PIL_METHODS)
def test_pil_rules(method):
    for n_in, n_out in _pairs(150, 90, seed=1):
        got = _pil_matrix(n_in, n_out, getattr(Image.Resampling, method))
        want = rule_matrix("PIL", method, n_in, n_out)
        assert (got - want).abs().max() < TOL, (method, n_in, n_out)


@pytest.mark.parametrize("method", CV_METHODS)
def test_opencv_rules(method):
    for n_in, n_out in _pairs(150, 90, seed=2):
        got = _cv_matrix(n_in, n_out, getattr(cv2, method))
        want = rule_matrix("OpenCV", method, n_in, n_out)
        assert (got - want).abs().max() < TOL, (method, n_in, n_out)


def test_opencv_nearest_exact_is_pils_nearest():
    for n_in, n_out in _pairs(300, 300, seed=3):
        r = np.arange(n_in, dtype=np.float32)[None]
        cv = cv2.resize(r, (n_out, 1), interpolation=cv2.INTER_NEAREST_EXACT)
        pil = np.array(Image.fromarray(r, mode="F").resize((n_out, 1), Image.Resampling.NEAREST))
        assert (cv == pil).all(), (n_in, n_out)


@pytest.mark.parametrize("method,antialias", [("nearest", None), ("linear", True), ("linear", False),
                                              ("cubic", True), ("cubic", False), ("lanczos3", True),
                                              ("area", None), ("bicubic-pytorch", False)],
                         ids=lambda v: {True: "antialias", False: "no_antialias", None: "no_switch"}.get(v, v))
def test_jax_rules(method, antialias):
    jax = pytest.importorskip("jax")
    kw = {} if antialias is None else {"antialias": antialias}
    for n_in, n_out in [(64, 40), (7, 3), (5, 13)]:  # few: each new shape compiles
        eye = np.eye(n_in, dtype=np.float32)
        got = torch.from_numpy(np.array(jax.image.resize(eye, (n_in, n_out), method, **kw))).double().T
        want = rule_matrix("JAX", method, n_in, n_out, antialias)
        assert (got - want).abs().max() < TOL, (method, antialias, n_in, n_out)


def test_every_rule_has_rows_summing_to_one():
    for (lib, method, aa), (_, fn) in RULES.items():
        for n_in, n_out in [(9, 4), (4, 9), (6, 6)]:
            m = fn(n_in, n_out)
            assert m.shape == (n_out, n_in)
            assert torch.allclose(m.sum(1), torch.ones(n_out, dtype=m.dtype)), (lib, method, aa)


def test_stretched_rule_is_torch_antialias():
    x = torch.rand(1, 1, 37, 23, dtype=torch.float64)
    for mode, kernel in [("bilinear", "triangle"), ("bicubic", "cubic")]:
        for size in [(12, 9), (50, 31)]:
            got = torch.einsum("ij,ncjk,lk->ncil", stretched_kernel_matrix(37, size[0], kernel), x,
                               stretched_kernel_matrix(23, size[1], kernel))
            want = F.interpolate(x, size=size, mode=mode, antialias=True)
            assert torch.allclose(got, want, atol=1e-10), (mode, size)


def test_area_matrix_at_integer_factors_is_torch_area():
    for n_in, k in [(12, 3), (12, 4), (10, 5)]:
        x = torch.rand(2, 3, n_in, dtype=torch.float64)
        assert torch.allclose(x @ area_matrix(n_in, n_in // k).T, F.interpolate(x, size=n_in // k, mode="area"))


def test_nearest_rules():
    assert nearest_matrix(64, 40, "half-up").argmax(1)[7] == 12
    assert nearest_matrix(64, 40, "pil").argmax(1)[7] == 11
    x = torch.arange(40.0)[None, None]
    for n_out in (17, 25, 64):
        assert torch.equal(x @ nearest_matrix(40, n_out, "floor").T.float(), F.interpolate(x, size=n_out))
    with pytest.raises(ValueError):
        nearest_matrix(4, 2, "round")


def test_output_size_rules():
    assert [opencv_output_size(n, 0.5) for n in (5, 6, 7)] == [2, 3, 4]
    assert torchvision_output_size(375, 500, 256) == (256, 341)
    assert torchvision_output_size(500, 375, [256]) == (341, 256)
    assert torchvision_output_size(375, 500, 256, max_size=300) == (225, 300)
    assert torchvision_output_size(375, 500, None, max_size=100) == (75, 100)
    assert torchvision_output_size(375, 500, (10, 20)) == (10, 20)
    with pytest.raises(ValueError):
        torchvision_output_size(375, 500, 256, max_size=256)


def test_torchvision_resize_reproduction():
    img = torch.rand(3, 30, 40)
    out = torchvision_resize(img, 15)
    assert out.shape == (3, 15, 20)
    assert torch.equal(out, F.interpolate(img[None], size=[15, 20], mode="bilinear", antialias=True)[0])
    assert torchvision_resize(img, (30, 40)) is img
    u8 = (img * 255).round().to(torch.uint8)
    native = torchvision_resize(u8, 15, native_uint8=True)
    via_float = torchvision_resize(u8, 15, native_uint8=False)
    assert native.dtype == via_float.dtype == torch.uint8
    assert (native.int() - via_float.int()).abs().max() <= 1
    near = torchvision_resize(u8, 15, "nearest")
    assert torch.equal(near, F.interpolate(u8[None], size=[15, 20], mode="nearest")[0])


def test_tensorflow_reproduction():
    x = torch.rand(1, 2, 16, 12)
    assert torch.equal(tensorflow_resize(x, (8, 6)), F.interpolate(x, size=(8, 6), mode="bilinear"))
    aa = tensorflow_resize(x, (8, 6), antialias=True)
    assert torch.allclose(aa, F.interpolate(x, size=(8, 6), mode="bilinear", antialias=True), atol=1e-6)
    with pytest.raises(ValueError):
        tensorflow_resize(x, (8, 6), "nearest")
