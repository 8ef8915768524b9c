r"""Test images: real photographs shipped with scikit-image, and synthetic patterns.

Every function returns a float tensor of shape ``(1, C, H, W)`` with values in
``[0, 1]``, ready for ``torch.nn.functional`` and ``resample_lib`` alike.
Nothing is downloaded: the photographs live inside scikit-image's wheel.

The zone plate is the standard aliasing test. With centred coordinates
:math:`x, y` on an :math:`N \times N` grid it is

.. math:: z(x, y) = \tfrac12 + \tfrac12 \cos\!\big(\pi k (x^2 + y^2) / N\big),

whose local frequency at radius :math:`r` is :math:`k r / N` cycles per
pixel: zero at the centre, the Nyquist limit :math:`1/2` at the middle of
each edge (for :math:`k = 1`), and above it in the corners.
"""
from __future__ import annotations

import numpy as np
import torch

# Photographs that scikit-image ships inside its wheel (no network needed).
PHOTOS = ("astronaut", "camera", "coins", "chelsea", "coffee", "brick", "grass", "gravel")


def _to_tensor(array: np.ndarray) -> torch.Tensor:
    """An ``(H, W)`` or ``(H, W, C)`` array (``uint8`` scaled to [0, 1]) as a float ``(1, C, H, W)`` tensor."""
    t = torch.from_numpy(np.ascontiguousarray(array)).to(torch.float32)
    if array.dtype == np.uint8:
        t = t / 255.0
    if t.dim() == 2:
        t = t[None]
    else:
        t = t.permute(2, 0, 1)
    return t[None].contiguous()


def photo(name: str, gray: bool = False, crop: int | tuple[int, int] | None = None) -> torch.Tensor:
    """A photograph from scikit-image's data module as a ``(1, C, H, W)`` tensor in [0, 1].

    Args:
        name: one of :data:`PHOTOS`.
        gray: convert a colour photo to one channel (ITU-R 601 luma weights).
        crop: side, or ``(height, width)``, of a centred crop; ``None`` keeps the whole image.

    Shape:
        Output: ``(1, 3, H, W)`` for colour photos, ``(1, 1, H, W)`` for gray ones.

    Examples:
        >>> photo("camera", crop=128).shape
        torch.Size([1, 1, 128, 128])
    """
    if name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}; expected one of {PHOTOS}")
    import skimage.data

    t = _to_tensor(getattr(skimage.data, name)())
    if gray and t.shape[1] == 3:
        luma = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)
        t = (t * luma).sum(dim=1, keepdim=True)
    if crop is not None:
        ch, cw = (crop, crop) if isinstance(crop, int) else crop
        h, w = t.shape[-2:]
        if not (0 < ch <= h and 0 < cw <= w):
            raise ValueError(f"crop {crop!r} does not fit in the {h}x{w} photo {name!r}")
        top, left = (h - ch) // 2, (w - cw) // 2
        t = t[..., top : top + ch, left : left + cw].contiguous()
    return t


def _grid(size: int | tuple[int, int]) -> tuple[torch.Tensor, torch.Tensor, int, int]:
    """Centred float64 coordinates ``(yy, xx)`` of an ``(H, W)`` grid, and ``H``, ``W``."""
    h, w = (size, size) if isinstance(size, int) else size
    if h < 1 or w < 1:
        raise ValueError(f"size must be positive, got {size!r}")
    y = torch.arange(h, dtype=torch.float64) - (h - 1) / 2
    x = torch.arange(w, dtype=torch.float64) - (w - 1) / 2
    yy, xx = torch.meshgrid(y, x, indexing="ij")
    return yy, xx, h, w


def _out(t: torch.Tensor) -> torch.Tensor:
    """An ``(H, W)`` pattern as the float32 ``(1, 1, H, W)`` tensor every function here returns."""
    return t.to(torch.float32)[None, None].contiguous()


def zone_plate(size: int | tuple[int, int] = 256, k: float = 1.0) -> torch.Tensor:
    """Circular zone plate (chirp rings); local frequency ``k * r / N`` cycles per pixel.

    Args:
        size: side, or ``(height, width)``; ``N`` is the larger of the two.
        k: chirp rate: ``k = 1`` reaches the Nyquist limit at the middle of each edge.

    Shape:
        Output: ``(1, 1, H, W)``.

    Examples:
        >>> zone_plate(64).shape
        torch.Size([1, 1, 64, 64])
    """
    yy, xx, h, w = _grid(size)
    n = max(h, w)
    return _out(0.5 + 0.5 * torch.cos(torch.pi * k * (xx**2 + yy**2) / n))


def checkerboard(size: int | tuple[int, int] = 64, square: int = 8) -> torch.Tensor:
    """Black and white squares of side ``square`` pixels, starting with black at the top left.

    Args:
        size: side, or ``(height, width)``.
        square: side of one square, in pixels.

    Shape:
        Output: ``(1, 1, H, W)``.

    Examples:
        >>> checkerboard(4, square=2)[0, 0]
        tensor([[0., 0., 1., 1.],
                [0., 0., 1., 1.],
                [1., 1., 0., 0.],
                [1., 1., 0., 0.]])
    """
    if square < 1:
        raise ValueError(f"square must be a positive number of pixels, got {square}")
    h, w = (size, size) if isinstance(size, int) else size
    iy = torch.arange(h)[:, None] // square
    ix = torch.arange(w)[None, :] // square
    return _out(((iy + ix) % 2).to(torch.float64))


def disk(size: int | tuple[int, int] = 64, radius: float | None = None) -> torch.Tensor:
    """A white disk on black, hard-edged, centred on the image.

    Args:
        size: side, or ``(height, width)``.
        radius: radius in pixels (default: a quarter of the shorter side).

    Shape:
        Output: ``(1, 1, H, W)``.

    Examples:
        >>> disk(5, radius=1)[0, 0]
        tensor([[0., 0., 0., 0., 0.],
                [0., 0., 1., 0., 0.],
                [0., 1., 1., 1., 0.],
                [0., 0., 1., 0., 0.],
                [0., 0., 0., 0., 0.]])
    """
    yy, xx, h, w = _grid(size)
    r = min(h, w) / 4 if radius is None else radius
    return _out((xx**2 + yy**2 <= r**2).to(torch.float64))


def impulse(size: int | tuple[int, int] = 15, at: tuple[int, int] | None = None) -> torch.Tensor:
    """Zeros with a single one.

    Args:
        size: side, or ``(height, width)``.
        at: ``(row, column)`` of the one (default: the centre pixel, ``(H // 2, W // 2)``).

    Shape:
        Output: ``(1, 1, H, W)``.

    Examples:
        >>> impulse(3)[0, 0]
        tensor([[0., 0., 0.],
                [0., 1., 0.],
                [0., 0., 0.]])
    """
    h, w = (size, size) if isinstance(size, int) else size
    t = torch.zeros(h, w, dtype=torch.float64)
    i, j = (h // 2, w // 2) if at is None else at
    t[i, j] = 1.0
    return _out(t)


def ramp(size: int | tuple[int, int] = 64, axis: int = -1) -> torch.Tensor:
    """A linear ramp from 0 to 1, constant across the other axis.

    Args:
        size: side, or ``(height, width)``.
        axis: -1: from left to right; -2: from top to bottom.

    Shape:
        Output: ``(1, 1, H, W)``.

    Examples:
        >>> ramp((2, 5))[0, 0]
        tensor([[0.0000, 0.2500, 0.5000, 0.7500, 1.0000],
                [0.0000, 0.2500, 0.5000, 0.7500, 1.0000]])
    """
    yy, xx, h, w = _grid(size)
    if axis not in (-1, -2):
        raise ValueError(f"axis must be -1 (width) or -2 (height), got {axis}")
    t = (xx + (w - 1) / 2) / max(w - 1, 1) if axis == -1 else (yy + (h - 1) / 2) / max(h - 1, 1)
    return _out(t)
