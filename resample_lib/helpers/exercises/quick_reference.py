r"""Checker for the quick reference's build-it-yourself exercise: every output-length rule in one function.

The student writes ``my_output_length(op, n, kernel_size, stride, padding, dilation,
ceil_mode, output_padding)`` for ``op`` in ``'conv'``, ``'conv_transpose'``,
``'max_pool'`` and ``'avg_pool'``: the length of the output along one axis,

.. math::

    o_\text{conv} = \Big\lfloor \frac{n + 2p - d(k-1) - 1}{s} \Big\rfloor + 1, \qquad
    o_\text{transposed} = (n - 1)s - 2p + d(k-1) + \text{output\_padding} + 1,

and for pooling the convolution's rule, rounded up with ``ceil_mode``, except that a
last window starting in the right padding is dropped. :func:`check_output_length`
asks torch itself: it runs ``conv1d``, ``conv_transpose1d``, ``max_pool1d`` or
``avg_pool1d`` on zeros of length ``n`` and reads the output's length.
"""
from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from resample_lib.helpers.exercises import Case, Verdict, check

__all__ = ["OPS", "check_output_length", "output_length_cases", "output_length_reference"]

OPS = ("conv", "conv_transpose", "max_pool", "avg_pool")


def output_length_reference(op: str, n: int, kernel_size: int, stride: int = 1, padding: int = 0,
                            dilation: int = 1, ceil_mode: bool = False, output_padding: int = 0) -> torch.Tensor:
    """torch's answer, as a 0-d int64 tensor: the length of the op's output on zeros of length ``n``.

    Args:
        op: one of :data:`OPS`.
        n: input length.
        kernel_size, stride, padding, dilation, ceil_mode, output_padding: the op's arguments, as in
            ``torch.nn.functional`` (``dilation`` is ignored by ``avg_pool``, ``ceil_mode`` by the
            convolutions, ``output_padding`` by all but ``conv_transpose``).

    Examples:
        >>> output_length_reference("max_pool", 5, 2, 2, ceil_mode=True)
        tensor(3)
    """
    x = torch.zeros(1, 1, n)
    w = torch.zeros(1, 1, kernel_size)
    if op == "conv":
        y = F.conv1d(x, w, stride=stride, padding=padding, dilation=dilation)
    elif op == "conv_transpose":
        y = F.conv_transpose1d(x, w, stride=stride, padding=padding, output_padding=output_padding,
                               dilation=dilation)
    elif op == "max_pool":
        y = F.max_pool1d(x, kernel_size, stride, padding, dilation, ceil_mode)
    elif op == "avg_pool":
        y = F.avg_pool1d(x, kernel_size, stride, padding, ceil_mode)
    else:
        raise ValueError(f"op must be one of {OPS}, got {op!r}")
    return torch.tensor(y.shape[-1])


def output_length_cases(count: int = 48, seed: int = 0) -> list[Case]:
    """Seeded valid calls of every op: the classic edge cases first, then random ones.

    Edge cases: DDIM's stride-2 3x3 convolution on even and odd sizes, ``ceil_mode``
    where the last window would start in the padding, ``output_padding``, dilation.

    Args:
        count: number of cases (at least the 10 edge cases).
        seed: seed of the random calls.
    """
    fixed = [
        ("conv", 8, 3, 2, 1, 1, False, 0), ("conv", 7, 3, 2, 1, 1, False, 0), ("conv", 9, 3, 2, 0, 1, False, 0),
        ("conv_transpose", 4, 4, 2, 1, 1, False, 0), ("conv_transpose", 4, 3, 2, 1, 1, False, 1),
        ("max_pool", 5, 2, 2, 0, 1, True, 0), ("max_pool", 6, 3, 2, 1, 1, True, 0),
        ("avg_pool", 5, 3, 3, 1, 1, True, 0), ("max_pool", 10, 3, 1, 0, 2, False, 0),
        ("conv", 10, 3, 1, 0, 3, False, 0),
    ]
    g = torch.Generator().manual_seed(seed)

    def r(lo: int, hi: int) -> int:
        return int(torch.randint(lo, hi + 1, (), generator=g))

    calls = list(fixed)
    while len(calls) < count:
        op = OPS[len(calls) % 4]
        k, s = r(1, 5), r(1, 4)
        d = 1 if op == "avg_pool" else r(1, 2)
        p = r(0, k // 2) if op.endswith("pool") else r(0, 2)
        span = d * (k - 1) + 1
        n = r(max(1, span - 2 * p), 20)
        if op == "conv_transpose":
            n = r(1, 12)
            p = min(p, ((n - 1) * s + span - 1) // 2)
        ceil = op.endswith("pool") and r(0, 1) == 1
        out_pad = r(0, max(s, d) - 1) if op == "conv_transpose" else 0
        calls.append((op, n, k, s, p, d, ceil, out_pad))
    names = ("op", "n", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "output_padding")
    return [Case(dict(zip(names, c))) for c in calls[:max(count, len(fixed))]]


def check_output_length(student: Callable[..., int], *, count: int = 48, seed: int = 0,
                        verbose: bool = True) -> Verdict:
    """Check ``student(op, n, kernel_size, stride, padding, dilation, ceil_mode, output_padding)`` against torch.

    The student returns a Python int (or a 0-d tensor); the checker compares it exactly.

    Args:
        student: the student's ``my_output_length``.
        count: number of cases.
        seed: seed of the random calls.
        verbose: print the verdict.

    Examples:
        >>> v = check_output_length(lambda **kw: int(output_length_reference(**kw)))
        PASS my_output_length: all 48 cases agree with torch.
    """
    def as_tensor(**kw) -> torch.Tensor:
        out = student(**kw)
        return torch.as_tensor(out, dtype=torch.int64) if isinstance(out, (int, torch.Tensor)) else out

    return check("my_output_length", as_tensor, output_length_reference, output_length_cases(count, seed),
                 verbose=verbose)
