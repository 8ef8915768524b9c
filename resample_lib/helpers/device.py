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
    """``cuda`` when available (or ``prefer`` if given), otherwise ``cpu``.

    Examples:
        >>> get_device("cpu")
        device(type='cpu')
    """
    if prefer is not None:
        return torch.device(prefer)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def manual_seed(seed: int = 0) -> torch.Generator:
    """Seed Python's, NumPy's and torch's generators (all devices); return a torch.Generator.

    The returned CPU generator is seeded with ``seed`` too, for functions that take one.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return torch.Generator().manual_seed(seed)
