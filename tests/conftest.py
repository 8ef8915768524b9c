"""Shared test helpers.

``forbid_torch_ops`` replaces torch's own implementations of an operation by
stubs that raise, so a test can prove that ``resample_lib`` computes a result
from elementary operations instead of delegating to the op it re-implements.
Compute torch's reference *before* entering the context, ours inside it.
"""
from __future__ import annotations

import contextlib
import re

import pytest
import torch
import torch.nn.functional as F

# Every place a Python caller can reach a resizing / convolution / pooling kernel.
_NAMESPACES = (torch, F, torch._C._nn)

# Groups of regular expressions, matched against attribute names in _NAMESPACES.
OPS = {
    "resize": [r"^interpolate$", r"^upsample", r"^_upsample", r"^grid_sample", r"^affine_grid",
               r"^adaptive_avg_pool", r"^adaptive_max_pool", r"^avg_pool", r"^max_pool"],
    "conv": [r"^conv\d", r"^conv_tbc$", r"^convolution$", r"^_convolution", r"^conv_transpose",
             r"^mkldnn_convolution", r"^_conv_depthwise", r"^slow_conv", r"^thnn_conv", r"^cudnn_conv"],
    "pool": [r"^avg_pool", r"^max_pool", r"^adaptive_", r"^max_unpool", r"^lp_pool", r"^fractional_max_pool",
             r"^_max_pool", r"^_adaptive", r"^mkldnn_max_pool", r"^quantized_max_pool"],
    "shuffle": [r"^pixel_shuffle$", r"^pixel_unshuffle$", r"^channel_shuffle$", r"^native_channel_shuffle$"],
}


def _forbidden_stub(qualname: str):
    def stub(*args, **kwargs):
        raise AssertionError(f"resample_lib called the forbidden torch op {qualname}")
    return stub


@contextlib.contextmanager
def forbid_torch_ops(*groups: str):
    """Within the block, calling any torch op of the named groups raises AssertionError."""
    patterns = [re.compile(p) for g in groups for p in OPS[g]]
    saved = []
    try:
        for ns in _NAMESPACES:
            for name in dir(ns):
                if any(p.search(name) for p in patterns) and callable(getattr(ns, name, None)):
                    saved.append((ns, name, getattr(ns, name)))
                    setattr(ns, name, _forbidden_stub(f"{getattr(ns, '__name__', ns)}.{name}"))
        yield
    finally:
        for ns, name, fn in reversed(saved):
            setattr(ns, name, fn)


def assert_matches_torch(ours: torch.Tensor, ref: torch.Tensor) -> None:
    """Equality with torch to the book's tolerances: 1e-9 in float64, 2e-4 in float32."""
    assert ours.shape == ref.shape, f"shape {tuple(ours.shape)} != torch's {tuple(ref.shape)}"
    assert ours.dtype == ref.dtype, f"dtype {ours.dtype} != torch's {ref.dtype}"
    tol = 1e-9 if ref.dtype == torch.float64 else 2e-4
    torch.testing.assert_close(ours, ref, atol=tol, rtol=tol)


@pytest.fixture
def forbid():
    """Fixture form of :func:`forbid_torch_ops`."""
    return forbid_torch_ops
