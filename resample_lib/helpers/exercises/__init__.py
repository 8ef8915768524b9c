r"""Checkers for the book's build-it-yourself exercises.

Each chapter's exercises ask the student to write one operation into a stub.
A checker from this package calls the student's function on seeded random
cases, compares every result with torch's own operation, and prints one
verdict: how many cases agree, or the first case that does not, with its
arguments, the expected and the obtained shape, and the largest difference.

The checkers never raise on a wrong answer (a notebook must run top to bottom
with the stub still empty); they return a :class:`Verdict` that tests inspect.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Optional

import torch

__all__ = ["Case", "Verdict", "check"]


@dataclass(frozen=True)
class Case:
    """One call: keyword arguments for the student's function and the reference.

    Attributes:
        kwargs: the arguments, by name.
    """

    kwargs: Mapping[str, Any]

    def describe(self) -> str:
        """The arguments as a failure message shows them, tensors by shape and dtype.

        Examples:
            >>> Case({"x": torch.zeros(2, 3), "stride": 2}).describe()
            'x=<tensor shape (2, 3), float32>, stride=2'
        """
        parts = []
        for k, v in self.kwargs.items():
            if isinstance(v, torch.Tensor):
                parts.append(f"{k}=<tensor shape {tuple(v.shape)}, {str(v.dtype).removeprefix('torch.')}>")
            else:
                parts.append(f"{k}={v!r}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Verdict:
    """What a checker found; true when every case passed.

    Attributes:
        name: what was checked.
        passed: every case agreed with the reference.
        cases: the number of cases in the check.
        failure: the first failing case and what went wrong, or ``None``.
    """

    name: str
    passed: bool
    cases: int
    failure: Optional[str] = None

    def __bool__(self) -> bool:
        return self.passed


def _compare(got: Any, expected: Any, atol: float, rtol: float) -> Optional[str]:
    """What is wrong with ``got`` (a tensor or a tuple of them), or ``None`` if it matches ``expected``."""
    if isinstance(expected, tuple):
        if not isinstance(got, tuple) or len(got) != len(expected):
            return f"expected a tuple of {len(expected)} tensors, got {type(got).__name__}"
        for i, (g, e) in enumerate(zip(got, expected)):
            msg = _compare(g, e, atol, rtol)
            if msg:
                return f"output {i}: {msg}"
        return None
    if not isinstance(got, torch.Tensor):
        return f"expected a tensor, got {type(got).__name__}"
    if got.shape != expected.shape:
        return f"expected shape {tuple(expected.shape)}, got {tuple(got.shape)}"
    if expected.dtype in (torch.int64, torch.int32, torch.bool, torch.uint8):
        bad = got.to(expected.dtype) != expected
    else:
        bad = ~torch.isclose(got.to(expected.dtype), expected, atol=atol, rtol=rtol, equal_nan=True)
    if bad.any():
        idx = tuple(int(i) for i in bad.nonzero()[0])
        diff = (got.double() - expected.double()).abs().nan_to_num(posinf=float("inf")).max()
        return (f"values differ at index {idx}: expected {expected[idx].item():.6g}, got {got[idx].item():.6g} "
                f"(largest difference {float(diff):.3g})")
    return None


def check(name: str, student: Callable[..., Any], reference: Callable[..., Any], cases: Iterable[Case], *,
          atol: float = 1e-5, rtol: float = 1e-5, verbose: bool = True, against: str = "torch") -> Verdict:
    """Run ``student`` and ``reference`` on every case; print and return the verdict.

    Args:
        name: what is checked, for the message.
        student: the function the student wrote.
        reference: torch's operation with the same keyword arguments.
        cases: the calls to try.
        atol: absolute tolerance of float outputs (integer outputs must match exactly).
        rtol: relative tolerance of float outputs.
        verbose: print the verdict.
        against: what the reference is, for the message (``"torch"``, ``"OpenCV"``, ...).

    Returns:
        The :class:`Verdict`; a student's exception or ``NotImplementedError`` is a
        failure, never raised.

    Examples:
        >>> v = check("double", lambda x: 2 * x, lambda x: x + x, [Case({"x": torch.ones(2)})])
        PASS double: all 1 cases agree with torch.
        >>> v = check("double", lambda x: 3 * x, lambda x: x + x, [Case({"x": torch.ones(2)})])
        FAIL double, case 1 of 1: x=<tensor shape (2,), float32>
             values differ at index (0,): expected 2, got 3 (largest difference 1)
    """
    cases = list(cases)
    for i, case in enumerate(cases, 1):
        expected = reference(**case.kwargs)
        try:
            got = student(**case.kwargs)
        except NotImplementedError:
            msg = "not written yet (the stub raises NotImplementedError)"
        except Exception as e:  # a student's bug: report it, do not stop the notebook
            msg = f"raised {type(e).__name__}: {e}"
        else:
            msg = _compare(got, expected, atol, rtol)
        if msg:
            verdict = Verdict(name, False, len(cases), f"case {i} of {len(cases)}: {case.describe()}\n     {msg}")
            if verbose:
                print(f"FAIL {name}, {verdict.failure}")
            return verdict
    if verbose:
        print(f"PASS {name}: all {len(cases)} cases agree with {against}.")
    return Verdict(name, True, len(cases))
