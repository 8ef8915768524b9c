"""Argument checks shared by every operation: one place, one wording.

Each check names the function that failed, the argument, the value it got and the rule it broke, and raises the
exception type torch raises for the same mistake (``TypeError`` for a wrong type, ``ValueError`` for a wrong
value). An operation calls them first, then computes.

Examples:
    >>> ntuple(3, 2, "stride", "conv2d")
    (3, 3)
    >>> positive_ntuple((2, 0), 2, "kernel_size", "max_pool2d")
    Traceback (most recent call last):
    ...
    ValueError: max_pool2d: kernel_size must be positive, got kernel_size=(2, 0)
    >>> check_int(True, "groups", "conv2d")
    Traceback (most recent call last):
    ...
    TypeError: conv2d: groups must be an int, got True
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Optional, Union

import torch

IntOrTuple = Union[int, Sequence[int]]


def is_int(value: object) -> bool:
    """True for a Python int that is not a bool (``True`` is an int to Python, never to torch)."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_int(value: object, name: str, op: str, minimum: Optional[int] = None) -> int:
    """``value`` as an int, or a TypeError; a ValueError if it is below ``minimum``."""
    if not is_int(value):
        raise TypeError(f"{op}: {name} must be an int, got {value!r}")
    if minimum is not None and value < minimum:
        rule = "positive" if minimum == 1 else "non-negative" if minimum == 0 else f"at least {minimum}"
        raise ValueError(f"{op}: {name} must be {rule}, got {name}={value}")
    return value


def ntuple(value: IntOrTuple, n: int, name: str, op: str = "") -> tuple[int, ...]:
    """``value`` as a tuple of ``n`` ints: an int is repeated, a sequence must have length ``n`` (or 1)."""
    prefix = f"{op}: " if op else ""
    if is_int(value):
        return (value,) * n
    if isinstance(value, bool):
        raise TypeError(f"{prefix}{name} must be an int or a tuple of {n} ints, got {value!r}")
    try:
        items = tuple(value)
    except TypeError:
        raise TypeError(f"{prefix}{name} must be an int or a tuple of {n} ints, got {value!r}") from None
    if len(items) == 1:
        items = items * n
    if len(items) != n or not all(is_int(v) for v in items):
        raise ValueError(f"{prefix}{name} must be an int or a tuple of {n} ints, got {value!r}")
    return items


def positive_ntuple(value: IntOrTuple, n: int, name: str, op: str) -> tuple[int, ...]:
    """:func:`ntuple`, and every entry at least 1 (kernel sizes, strides, dilations)."""
    items = ntuple(value, n, name, op)
    if min(items) <= 0:
        raise ValueError(f"{op}: {name} must be positive, got {name}={value!r}")
    return items


def check_tensor(value: object, name: str, op: str) -> torch.Tensor:
    """``value`` if it is a tensor, else a TypeError naming its type."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{op}: {name} must be a torch.Tensor, got {type(value).__name__}")
    return value


def check_rank(input: torch.Tensor, ranks: Sequence[int], op: str, layout: str) -> None:
    """A ValueError unless ``input.dim()`` is one of ``ranks``; ``layout`` is shown, e.g. ``"(N, C, H, W)"``."""
    if input.dim() not in ranks:
        raise ValueError(
            f"{op}: expected a {' or '.join(map(str, ranks))}-D input {layout}, "
            f"got a {input.dim()}-D tensor of shape {tuple(input.shape)}"
        )


def check_non_empty(input: torch.Tensor, op: str, dims: int) -> None:
    """Torch's rule for images: only the batch may be empty, the last ``dims`` sizes (channels and space) not."""
    if any(size == 0 for size in input.shape[-dims:]):
        raise ValueError(
            f"{op}: expected non-empty channel and spatial sizes (only the batch may be empty), "
            f"got input of shape {tuple(input.shape)}"
        )


def check_floating(input: torch.Tensor, op: str) -> None:
    """A TypeError unless ``input`` holds floating-point numbers."""
    if not input.is_floating_point():
        raise TypeError(f"{op}: expected a floating point input, got dtype {input.dtype}")


def check_same_dtype(op: str, input: torch.Tensor, **others: Optional[torch.Tensor]) -> None:
    """A TypeError unless every tensor in ``others`` (None allowed) has ``input``'s dtype."""
    for name, t in others.items():
        if t is not None and t.dtype != input.dtype:
            raise TypeError(f"{op}: {name} has dtype {t.dtype} but input has dtype {input.dtype}; they must match")


def check_choice(value: object, name: str, op: str, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices``, else a ValueError listing them."""
    if value not in choices:
        raise ValueError(f"{op}: {name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value  # type: ignore[return-value]


def opmath_dtype(dtype: torch.dtype) -> torch.dtype:
    """The type torch computes coordinates and weights in: float64 for float64, float32 for every other type."""
    return torch.float64 if dtype == torch.float64 else torch.float32



def check_non_empty_spatial(input: torch.Tensor, op: str) -> None:
    """Torch's rule for adaptive average pooling: H and W non-empty; the batch and the channels may be empty."""
    if input.shape[-2] == 0 or input.shape[-1] == 0:
        raise ValueError(
            f"{op}: expected non-empty spatial sizes H and W (the batch and the channels may be empty), "
            f"got input of shape {tuple(input.shape)}"
        )
