r"""Interpretable feature maps: a fixed bank of oriented edge filters.

A trained network's early feature maps look much like the responses of
oriented band-pass filters. To show what resampling does to *feature maps*,
and not only to photographs, the book uses such a bank, fixed and
deterministic, so every reader sees the same maps.

Each edge filter is an odd (sine-phase) Gabor function

.. math:: g_\theta(x, y) = \exp\!\Big(-\frac{x^2 + y^2}{2\sigma^2}\Big)
          \sin\!\Big(\frac{2\pi}{\lambda}(x\cos\theta + y\sin\theta)\Big),

normalised to zero mean and unit :math:`L^1` norm; the bank also holds a
centre-surround difference of Gaussians that responds to blobs.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

#: Orientations of the bank's edge filters, in degrees.
ORIENTATIONS = (0.0, 45.0, 90.0, 135.0)


def gabor_kernel(size: int = 7, theta_deg: float = 0.0, wavelength: float = 6.0,
                 sigma: float = 1.6) -> torch.Tensor:
    r"""An odd Gabor kernel that responds to edges across ``theta_deg``, zero mean and unit L1 norm.

    Args:
        size: side of the kernel, a positive odd number of taps.
        theta_deg: direction :math:`\theta` across the edges, in degrees (0: vertical edges).
        wavelength: :math:`\lambda`, the sine's period in pixels.
        sigma: :math:`\sigma`, the Gaussian envelope's width in pixels.

    Shape:
        Output: ``(size, size)``.

    Examples:
        >>> g = gabor_kernel(5)
        >>> g.shape, abs(g.sum().item()) < 1e-6, round(g.abs().sum().item(), 6)
        (torch.Size([5, 5]), True, 1.0)
    """
    if size < 1 or size % 2 == 0:
        raise ValueError(f"size must be a positive odd number, got {size}")
    r = torch.arange(size, dtype=torch.float64) - size // 2
    y, x = torch.meshgrid(r, r, indexing="ij")
    t = math.radians(theta_deg)
    u = x * math.cos(t) + y * math.sin(t)
    g = torch.exp(-(x**2 + y**2) / (2 * sigma**2)) * torch.sin(2 * math.pi * u / wavelength)
    g = g - g.mean()
    return (g / g.abs().sum()).to(torch.float32)


def dog_kernel(size: int = 7, sigma: float = 1.0, ratio: float = 2.0) -> torch.Tensor:
    """Difference of Gaussians (centre minus surround), zero mean, unit L1 norm: a blob detector.

    Args:
        size: side of the kernel, in taps.
        sigma: width of the centre Gaussian, in pixels.
        ratio: width of the surround Gaussian, as a multiple of ``sigma``.

    Shape:
        Output: ``(size, size)``.

    Examples:
        >>> k = dog_kernel(7)
        >>> k[3, 3].item() > 0 > k[0, 3].item(), abs(k.sum().item()) < 1e-6
        (True, True)
    """
    r = torch.arange(size, dtype=torch.float64) - size // 2
    d2 = r[:, None] ** 2 + r[None, :] ** 2
    g1 = torch.exp(-d2 / (2 * sigma**2))
    g2 = torch.exp(-d2 / (2 * (ratio * sigma) ** 2))
    k = g1 / g1.sum() - g2 / g2.sum()
    return (k / k.abs().sum()).to(torch.float32)


def filter_bank(size: int = 7) -> tuple[torch.Tensor, list[str]]:
    """The bank as a convolution weight and a name per channel: four edge filters, then the blob filter.

    Args:
        size: side of every kernel, an odd number of taps.

    Returns:
        ``(weight, names)``: the kernels stacked as a ``conv2d`` weight, one output channel
        per filter, and their names (``"edge 0°"``, ..., ``"blob (DoG)"``).

    Shape:
        Output: ``weight`` is ``(5, 1, size, size)``.

    Examples:
        >>> weight, names = filter_bank()
        >>> weight.shape, names
        (torch.Size([5, 1, 7, 7]), ['edge 0°', 'edge 45°', 'edge 90°', 'edge 135°', 'blob (DoG)'])
    """
    kernels = [gabor_kernel(size, th) for th in ORIENTATIONS] + [dog_kernel(size)]
    names = [f"edge {th:.0f}°" for th in ORIENTATIONS] + ["blob (DoG)"]
    return torch.stack(kernels)[:, None], names


def feature_maps(image: torch.Tensor, size: int = 7) -> tuple[torch.Tensor, list[str]]:
    """Responses of :func:`filter_bank` to an image (colour is averaged to gray).

    Borders are reflected, so the maps have the image's height and width.

    Args:
        image: the image batch.
        size: side of every kernel, an odd number of taps.

    Returns:
        ``(maps, names)``: the five response maps, and the name of each channel.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, 5, H, W)``, and the list of 5 channel names.

    Examples:
        >>> maps, names = feature_maps(torch.rand(1, 3, 32, 32))
        >>> maps.shape, names[0]
        (torch.Size([1, 5, 32, 32]), 'edge 0°')
    """
    if image.dim() != 4:
        raise ValueError(f"expected an image of shape (N, C, H, W), got {tuple(image.shape)}")
    gray = image.mean(dim=1, keepdim=True)
    weight, names = filter_bank(size)
    weight = weight.to(device=gray.device, dtype=gray.dtype)
    padded = F.pad(gray, (size // 2,) * 4, mode="reflect")
    return F.conv2d(padded, weight), names
