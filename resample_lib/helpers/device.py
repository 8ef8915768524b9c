"""Where to run, and how to make runs repeatable.

Every notebook starts with::

    device = resample_lib.get_device()
    resample_lib.manual_seed(0)

so it runs on a CUDA GPU when one is present and on the CPU otherwise, and
draws the same random numbers each time.
"""
from __future__ import annotations

import random

import numpy as np
import torch


def get_device(prefer: str | None = None) -> torch.device:
    """The device to run on: ``cuda`` when available, otherwise ``cpu``.

    Args:
        prefer: a device to use instead, e.g. ``"cpu"`` to force the CPU.

    Returns:
        ``torch.device(prefer)`` if ``prefer`` is given, else ``cuda`` or ``cpu``.

    Examples:
        >>> get_device("cpu")
        device(type='cpu')
    """
    if prefer is not None:
        return torch.device(prefer)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def manual_seed(seed: int = 0) -> torch.Generator:
    """Seed Python's, NumPy's and torch's generators (all devices); return a torch.Generator.

    Args:
        seed: the seed of every generator.

    Returns:
        A new CPU ``torch.Generator`` seeded with ``seed`` too, for functions that take one.

    Examples:
        >>> g = manual_seed(3)
        >>> torch.equal(torch.rand(2, generator=g), torch.rand(2, generator=torch.Generator().manual_seed(3)))
        True
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return torch.Generator().manual_seed(seed)
