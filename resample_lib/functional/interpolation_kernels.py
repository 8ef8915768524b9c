r"""The one-dimensional kernels behind every interpolation mode.

Each kernel :math:`k` is even, equals 1 at 0 and 0 at every other integer
(it *interpolates*: a sample at an integer position is returned unchanged), and
weights a source sample at distance :math:`t` from the point being
reconstructed. It is zero for :math:`|t| > r`, with :math:`r` its support (given
below), so it touches :math:`2r` samples.

* box (nearest neighbour, area): :math:`k(t) = 1` for :math:`-1/2 \le t < 1/2`;
  :math:`r = 1/2`;
* triangle (linear): :math:`k(t) = \max(0, 1 - |t|)`; :math:`r = 1`;
* Keys cubic with parameter :math:`a` (Keys, 1981), :math:`r = 2`:

  .. math::

     k(t) = \begin{cases}
        (a+2)|t|^3 - (a+3)|t|^2 + 1 & |t| \le 1 \\
        a|t|^3 - 5a|t|^2 + 8a|t| - 4a & 1 < |t| < 2 \\
        0 & \text{otherwise;}
     \end{cases}

  torch uses :math:`a = -0.75` for ``bicubic`` and :math:`a = -0.5` (the
  kernel of PIL and of Keys' paper) for ``bicubic`` with ``antialias=True``;
* Lanczos-:math:`a`: :math:`k(t) = \mathrm{sinc}(t)\,\mathrm{sinc}(t/a)` for
  :math:`|t| < a` (:math:`r = a`), with :math:`\mathrm{sinc}(t) = \sin(\pi t)/(\pi t)`; torch's
  ``lanczos`` mode uses :math:`a = 3`.

All functions work elementwise on a tensor of any shape, dtype and device.
"""
from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["box", "triangle", "keys_cubic", "lanczos"]


def box(t: Tensor) -> Tensor:
    r"""Box kernel :math:`k(t) = 1` for :math:`-1/2 \le t < 1/2`, else 0.

    The half-open interval makes shifted boxes tile the line without overlap.

    Args:
        t (Tensor): distances, in units of the source sample spacing.

    Shape:
        - Input: :math:`(*)`
        - Output: :math:`(*)`, same dtype as ``t``

    Examples:

        >>> box(torch.tensor([-0.5, 0.0, 0.49, 0.5]))
        tensor([1., 1., 1., 0.])
    """
    return ((t >= -0.5) & (t < 0.5)).to(t.dtype)


def triangle(t: Tensor) -> Tensor:
    r"""Triangle (tent) kernel :math:`k(t) = \max(0, 1 - |t|)`, the kernel of linear interpolation.

    Args:
        t (Tensor): distances, in units of the source sample spacing.

    Shape:
        - Input: :math:`(*)`
        - Output: :math:`(*)`

    Examples:

        >>> triangle(torch.tensor([-1.0, -0.25, 0.0, 0.5, 2.0]))
        tensor([0.0000, 0.7500, 1.0000, 0.5000, 0.0000])
    """
    return (1 - t.abs()).clamp_min(0)


def keys_cubic(t: Tensor, a: float = -0.75) -> Tensor:
    r"""Keys' cubic convolution kernel with parameter :math:`a`.

    .. math::

        k(t) = \begin{cases}
            (a+2)|t|^3 - (a+3)|t|^2 + 1 & |t| \le 1 \\
            a|t|^3 - 5a|t|^2 + 8a|t| - 4a & 1 < |t| < 2 \\
            0 & \text{otherwise}
        \end{cases}

    Args:
        t (Tensor): distances, in units of the source sample spacing.
        a (float): the value of :math:`k'(1)`; ``-0.75`` is torch's ``bicubic``,
            ``-0.5`` torch's ``bicubic`` with ``antialias=True`` (and PIL's).

    Shape:
        - Input: :math:`(*)`
        - Output: :math:`(*)`

    Examples:

        >>> keys_cubic(torch.tensor([0.0, 0.5, 1.0, 1.5, 2.0]))
        tensor([ 1.0000,  0.5938,  0.0000, -0.0938,  0.0000])
    """
    x = t.abs()
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return torch.where(x <= 1, near, torch.where(x < 2, far, torch.zeros_like(x)))


def lanczos(t: Tensor, a: int = 3) -> Tensor:
    r"""Lanczos kernel :math:`k(t) = \mathrm{sinc}(t)\,\mathrm{sinc}(t/a)` for :math:`|t| < a`, else 0.

    The ideal low-pass filter :math:`\mathrm{sinc}` windowed by the central lobe
    of a wider sinc, so that it has finite support :math:`2a`.

    Args:
        t (Tensor): distances, in units of the source sample spacing.
        a (int): number of lobes on each side; torch's ``lanczos`` mode uses 3.

    Shape:
        - Input: :math:`(*)`
        - Output: :math:`(*)`

    Examples:

        >>> lanczos(torch.tensor([0.0, 0.5, 1.5, 3.0])).round(decimals=4)
        tensor([ 1.0000,  0.6079, -0.1351,  0.0000])
    """
    if a <= 0:
        raise ValueError(f"lanczos: the number of lobes a must be positive, got {a}")
    x = t.abs()
    inside = x < a
    return torch.where(inside, torch.sinc(x) * torch.sinc(x / a), torch.zeros_like(x))

