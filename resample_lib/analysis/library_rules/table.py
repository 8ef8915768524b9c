r"""Which rule each library's resize method follows: :data:`RULES` and :func:`rule_matrix`.

For float inputs, every method of PIL, OpenCV and JAX that the book compares is one of the matrices of
:mod:`~resample_lib.analysis.library_rules.matrices` or one of torch's own rules
(:func:`resample_lib.resample_matrix`); the table says which, and ``tests/test_library_rules.py`` checks
each entry against the library itself.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Optional

from torch import Tensor

from resample_lib.analysis.library_rules.matrices import (
    area_matrix,
    nearest_matrix,
    opencv_area_matrix,
    opencv_lanczos4_matrix,
    stretched_kernel_matrix,
)
from resample_lib.functional.interpolation import resample_matrix

__all__ = ["RULES", "rule_matrix"]


def _torch_rule(mode: str) -> Callable[[int, int], Tensor]:
    return lambda n_in, n_out: resample_matrix(n_in, n_out, mode)


def _stretched(kernel: str, antialias: bool = True) -> Callable[[int, int], Tensor]:
    return lambda n_in, n_out: stretched_kernel_matrix(n_in, n_out, kernel, antialias)


def _nearest(rule: str) -> Callable[[int, int], Tensor]:
    return lambda n_in, n_out: nearest_matrix(n_in, n_out, rule)


#: (library, method, antialias) -> (rule name, function ``(n_in, n_out) -> M``), for float inputs.
#: ``antialias`` is ``None`` where the library has no such switch.
RULES: dict[tuple[str, str, Optional[bool]], tuple[str, Callable[[int, int], Tensor]]] = {
    ("PIL", "NEAREST", None): ("nearest, running-sum centre", _nearest("pil")),
    ("PIL", "BOX", None): ("stretched box", _stretched("box")),
    ("PIL", "BILINEAR", None): ("stretched triangle", _stretched("triangle")),
    ("PIL", "BICUBIC", None): ("stretched Keys a=-0.5", _stretched("cubic")),
    ("PIL", "LANCZOS", None): ("stretched Lanczos-3", _stretched("lanczos3")),
    ("OpenCV", "INTER_NEAREST", None): ("floor(s i), as torch nearest", _nearest("opencv")),
    ("OpenCV", "INTER_NEAREST_EXACT", None): ("nearest, running-sum centre", _nearest("pil")),
    ("OpenCV", "INTER_LINEAR", None): ("torch bilinear", _torch_rule("linear")),
    ("OpenCV", "INTER_CUBIC", None): ("torch bicubic (a=-0.75)", _torch_rule("cubic")),
    ("OpenCV", "INTER_AREA", None): ("area overlap", opencv_area_matrix),
    ("OpenCV", "INTER_LANCZOS4", None): ("OpenCV Lanczos-4", opencv_lanczos4_matrix),
    ("JAX", "nearest", None): ("nearest, centre rounded exactly", _nearest("half-up")),
    ("JAX", "linear", True): ("stretched triangle", _stretched("triangle")),
    ("JAX", "linear", False): ("triangle, not stretched", _stretched("triangle", False)),
    ("JAX", "cubic", True): ("stretched Keys a=-0.5", _stretched("cubic")),
    ("JAX", "cubic", False): ("Keys a=-0.5, not stretched", _stretched("cubic", False)),
    ("JAX", "lanczos3", True): ("stretched Lanczos-3", _stretched("lanczos3")),
    ("JAX", "lanczos5", True): ("stretched Lanczos-5", _stretched("lanczos5")),
    ("JAX", "area", None): ("area overlap", area_matrix),
    ("JAX", "bicubic-pytorch", False): ("torch bicubic (a=-0.75)", _torch_rule("cubic")),
}


def rule_matrix(library: str, method: str, n_in: int, n_out: int, antialias: Optional[bool] = None) -> Tensor:
    r"""The float64 matrix of ``library``'s ``method`` from ``n_in`` to ``n_out`` samples (see :data:`RULES`).

    Args:
        library: ``'PIL'``, ``'OpenCV'`` or ``'JAX'``.
        method: the library's name of the method, e.g. ``'BICUBIC'``, ``'INTER_AREA'``, ``'lanczos3'``.
        n_in: input samples.
        n_out: output samples.
        antialias: JAX's ``antialias`` switch; ``None`` for methods without one.

    Shape:
        - Output: :math:`(n_\text{out}, n_\text{in})`

    Examples:
        >>> rule_matrix("OpenCV", "INTER_AREA", 3, 2).sum(1)
        tensor([1., 1.], dtype=torch.float64)
    """
    key = (library, method, antialias)
    if key not in RULES:
        raise KeyError(f"rule_matrix: no rule for {key}; known: {sorted(RULES, key=str)}")
    return RULES[key][1](n_in, n_out)
