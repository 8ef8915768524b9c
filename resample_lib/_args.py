"""Argument normalisation shared by the functional ops.

torch accepts an ``int`` or a tuple for most spatial arguments; these helpers
turn either into a tuple of the right length and say what was wrong when they
cannot.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Union

IntOrTuple = Union[int, Sequence[int]]


def ntuple(value: IntOrTuple, n: int, name: str) -> tuple[int, ...]:
    """Return ``value`` as a tuple of ``n`` ints.

    An int is repeated ``n`` times; a sequence must have length ``n`` (or 1).

    >>> ntuple(3, 2, "stride")
    (3, 3)
    >>> ntuple((1, 2), 2, "stride")
    (1, 2)
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int or a tuple of {n} ints, got {value!r}")
    if isinstance(value, int):
        return (value,) * n
    try:
        items = tuple(value)
    except TypeError:
        raise TypeError(f"{name} must be an int or a tuple of {n} ints, got {value!r}") from None
    if len(items) == 1:
        items = items * n
    if len(items) != n or not all(isinstance(v, int) and not isinstance(v, bool) for v in items):
        raise ValueError(f"{name} must be an int or a tuple of {n} ints, got {value!r}")
    return items


def check_input_rank(input, ranks: Sequence[int], op: str, layout: str) -> None:
    """Raise a ValueError unless ``input.dim()`` is one of ``ranks``.

    ``layout`` is the shape notation shown to the user, e.g. ``"(N, C, H, W) or (C, H, W)"``.
    """
    if input.dim() not in ranks:
        raise ValueError(
            f"{op}: expected a {' or '.join(map(str, ranks))}-D input {layout}, "
            f"got a {input.dim()}-D tensor of shape {tuple(input.shape)}"
        )
