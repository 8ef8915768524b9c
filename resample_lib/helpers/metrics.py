"""Error measures shared by the chapters."""
from __future__ import annotations

import math

import torch


def psnr(estimate: torch.Tensor, reference: torch.Tensor, peak: float = 1.0) -> float:
    r"""Peak signal-to-noise ratio in dB: :math:`10 \log_{10}(\mathrm{peak}^2 / \mathrm{MSE})`.

    Args:
        estimate: the tensor to score.
        reference: the tensor it should equal, of the same shape.
        peak: the largest possible value (1 for images in [0, 1], 255 for 8-bit ones).

    Returns:
        The PSNR in dB, a Python float; ``inf`` when the two tensors are equal.

    Examples:
        >>> round(psnr(torch.full((4,), 0.5), torch.full((4,), 0.6)), 2)
        20.0
    """
    if estimate.shape != reference.shape:
        raise ValueError(f"shapes differ: {tuple(estimate.shape)} vs {tuple(reference.shape)}")
    mse = float(((estimate.double() - reference.double()) ** 2).mean())
    return math.inf if mse == 0 else 10 * math.log10(peak**2 / mse)
