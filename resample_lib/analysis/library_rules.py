r"""Other libraries' resize rules, written as resample_lib matrices.

In floating point, every resize of PIL (``Image.resize``), OpenCV (``cv2.resize``),
JAX (``jax.image.resize``), torchvision and TensorFlow is *separable and linear*:
along each axis, output :math:`i` is :math:`y_i = \sum_j M_{ij} x_j` with an
:math:`(n_\text{out} \times n_\text{in})` matrix :math:`M`, and a 2-D resize is
:math:`M_h X M_w^\top`. The libraries differ only in :math:`M`. With
:math:`s = n_\text{in} / n_\text{out}` (input pixels per output pixel), four rules cover
them all:

* **stretched kernel** (:func:`stretched_kernel_matrix`): PIL's filters, torch's
  ``antialias=True``, JAX's ``linear``, ``cubic`` and ``lanczos3`` (``antialias=True``
  is JAX's default) and TensorFlow's ``antialias=True``. The kernel :math:`k` is centred on
  :math:`c_i = s\,(i + \tfrac12)`, stretched by :math:`\sigma = \max(s, 1)` (by 1 when
  antialiasing is off), and only samples inside the image are used:

  .. math::

      M_{ij} = \frac{k\big((j + \tfrac12 - c_i)/\sigma\big)}{\sum_{j'=0}^{n_\text{in}-1} k\big((j' + \tfrac12 - c_i)/\sigma\big)};

* **torch's own rules** (:func:`resample_lib.resample_matrix`): OpenCV's ``INTER_NEAREST``,
  ``INTER_LINEAR`` and ``INTER_CUBIC`` are torch's ``nearest``, ``bilinear`` and
  ``bicubic`` (Keys :math:`a = -0.75`, edge samples repeated); so is JAX's
  ``bicubic-pytorch`` with ``antialias=False``;
* **area overlap** (:func:`area_matrix`): OpenCV's ``INTER_AREA`` and JAX's ``area`` weight
  input pixel :math:`j` by the length of :math:`[j, j+1] \cap [i s, (i+1) s]`, divided by
  :math:`s`. At integer factors this is torch's ``area``; otherwise torch's ``area``
  (adaptive average pooling) averages whole pixels and differs;
* **OpenCV's Lanczos-4** (:func:`opencv_lanczos4_matrix`): 8 taps of
  :math:`\mathrm{sinc}(t)\,\mathrm{sinc}(t/4)` around :math:`u_i = s\,(i+\tfrac12) - \tfrac12`,
  normalised, edge samples repeated, never stretched.

``nearest`` comes in three flavours (:func:`nearest_matrix`): torch's ``nearest`` and
OpenCV's ``INTER_NEAREST`` take :math:`\lfloor s\,i \rfloor`; torch's ``nearest-exact``
and JAX take :math:`\lfloor s\,(i + \tfrac12) \rfloor`; PIL's ``NEAREST`` and OpenCV's
``INTER_NEAREST_EXACT`` take the same except on ties (an output centre exactly on the
border between two input pixels), which floating-point rounding decides.

``torchvision`` and ``TensorFlow`` are not imported here (torchvision's wheel needs a CUDA
build of torch; TensorFlow is too large for CI). :func:`torchvision_resize` and
:func:`tensorflow_resize` reproduce what their sources say they do, with torch.
"""
from __future__ import annotations

import math
import platform
from collections.abc import Callable, Sequence
from typing import Optional, Union

import torch
import torch.nn.functional as F
from torch import Tensor

from resample_lib.functional.interpolation import resample_matrix
from resample_lib.functional.interpolation_kernels import keys_cubic, lanczos, triangle

__all__ = [
    "KERNELS",
    "RULES",
    "area_matrix",
    "nearest_matrix",
    "opencv_area_matrix",
    "opencv_lanczos4_matrix",
    "opencv_output_size",
    "resize_with_matrices",
    "rule_matrix",
    "stretched_kernel_matrix",
    "tensorflow_resize",
    "torchvision_output_size",
    "torchvision_resize",
]

#: Kernels of the stretched-kernel rule: name -> (function of the distance, support radius).
KERNELS: dict[str, tuple[Callable[[Tensor], Tensor], float]] = {
    "box": (lambda t: ((t > -0.5) & (t <= 0.5)).to(t.dtype), 0.5),  # PIL's box: 1 on (-1/2, 1/2]
    "triangle": (triangle, 1.0),
    "cubic": (lambda t: keys_cubic(t, a=-0.5), 2.0),
    "lanczos3": (lambda t: lanczos(t, a=3), 3.0),
    "lanczos5": (lambda t: lanczos(t, a=5), 5.0),
}


def _check(n_in: int, n_out: int, fn: str) -> None:
    for name, v in (("n_in", n_in), ("n_out", n_out)):
        if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
            raise ValueError(f"{fn}: {name} must be a positive int, got {v!r}")


def stretched_kernel_matrix(n_in: int, n_out: int, kernel: str = "triangle", antialias: bool = True,
                            dtype: torch.dtype = torch.float64) -> Tensor:
    r"""The stretched-kernel rule of PIL, torch's ``antialias=True``, JAX and TensorFlow's ``antialias=True``.

    :math:`M_{ij} \propto k\big((j + \tfrac12 - c_i)/\sigma\big)`, :math:`c_i = s\,(i+\tfrac12)`,
    :math:`\sigma = \max(s, 1)` if ``antialias`` else 1, each row normalised over the
    samples inside the image (so near the edges the kernel is cut and renormalised,
    not extended by repeating edge samples).

    Args:
        n_in (int): input samples along the axis.
        n_out (int): output samples.
        kernel (str): one of :data:`KERNELS` (``'box'``, ``'triangle'``, ``'cubic'`` (Keys
            :math:`a=-0.5`), ``'lanczos3'``, ``'lanczos5'``).
        antialias (bool): stretch the kernel by :math:`s` when downsampling.
        dtype (torch.dtype): dtype of the matrix.

    Shape:
        - Output: :math:`(n_\text{out}, n_\text{in})`

    Examples::

        >>> stretched_kernel_matrix(4, 2, "triangle")
        tensor([[0.4286, 0.4286, 0.1429, 0.0000],
                [0.0000, 0.1429, 0.4286, 0.4286]], dtype=torch.float64)
    """
    _check(n_in, n_out, "stretched_kernel_matrix")
    if kernel not in KERNELS:
        raise ValueError(f"stretched_kernel_matrix: unknown kernel {kernel!r}; expected one of {list(KERNELS)}")
    k, support = KERNELS[kernel]
    s = n_in / n_out
    sigma = max(s, 1.0) if antialias else 1.0
    # PIL's arithmetic, in its order (it decides ties of the box kernel): the taps are the
    # samples j with int(c - r*sigma + 1/2) <= j < int(c + r*sigma + 1/2), inside the image
    centre = (torch.arange(n_out, dtype=torch.float64) + 0.5) * s
    j = torch.arange(n_in, dtype=torch.float64)
    lo = (centre - support * sigma + 0.5).trunc().clamp_min(0)
    hi = (centre + support * sigma + 0.5).trunc().clamp_max(n_in)
    inside = (j[None, :] >= lo[:, None]) & (j[None, :] < hi[:, None])
    w = torch.where(inside, k(((j[None, :] - centre[:, None]) + 0.5) * (1.0 / sigma)), 0.0)
    total = w.sum(1, keepdim=True)
    return (w / torch.where(total != 0, total, 1.0)).to(dtype)


def area_matrix(n_in: int, n_out: int, dtype: torch.dtype = torch.float64) -> Tensor:
    r"""OpenCV's ``INTER_AREA`` and JAX's ``area``: the fraction of each output pixel that each input pixel covers.

    :math:`M_{ij} = |[j, j+1] \cap [i s, (i+1) s]| / s`. Rows sum to 1. When
    :math:`s` is an integer this averages :math:`s` whole pixels, like torch's
    ``area``; when upsampling, an output pixel inside one input pixel copies it and
    one that straddles a border blends the two by area.

    Args:
        n_in (int): input samples.
        n_out (int): output samples.
        dtype (torch.dtype): dtype of the matrix.

    Shape:
        - Output: :math:`(n_\text{out}, n_\text{in})`

    Examples::

        >>> area_matrix(3, 2)
        tensor([[0.6667, 0.3333, 0.0000],
                [0.0000, 0.3333, 0.6667]], dtype=torch.float64)
    """
    _check(n_in, n_out, "area_matrix")
    # in units of 1/n_out of an input pixel, every border is an integer: exact overlaps
    lo = torch.arange(n_out, dtype=torch.float64)[:, None] * n_in
    j = torch.arange(n_in, dtype=torch.float64)[None, :] * n_out
    overlap = (torch.minimum(lo + n_in, j + n_out) - torch.maximum(lo, j)).clamp_min(0)
    return (overlap / n_in).to(dtype)


def opencv_area_matrix(n_in: int, n_out: int, dtype: torch.dtype = torch.float64) -> Tensor:
    r"""OpenCV's ``INTER_AREA`` as ``cv::resize`` computes it: :func:`area_matrix`, with its rounding when upsampling.

    Downsampling is the exact overlap of :func:`area_matrix`. Upsampling uses OpenCV's
    two-tap form of the same overlap: with :math:`r = n_\text{out}/n_\text{in}`,
    :math:`j = \lfloor i / r \rfloor` and :math:`f = (i + 1) - (j + 1)\, r` (in float32),
    weight :math:`1 - f'` on :math:`j` and :math:`f'` on :math:`j + 1`, where
    :math:`f' = f - \lfloor f \rfloor` if :math:`f > 0`, else 0. Where an output
    pixel ends exactly on an input border, rounding can move it to the previous pixel.

    Examples::

        >>> opencv_area_matrix(54, 60)[30].argmax().item(), area_matrix(54, 60)[30].argmax().item()
        (26, 27)
    """
    _check(n_in, n_out, "opencv_area_matrix")
    if n_out <= n_in:
        return area_matrix(n_in, n_out, dtype)
    inv = n_out / n_in
    scale = 1.0 / inv
    m = torch.zeros(n_out, n_in, dtype=torch.float64)
    for i in range(n_out):
        j = math.floor(i * scale)
        f = float(torch.tensor((i + 1) - (j + 1) * inv, dtype=torch.float32))
        f = 0.0 if f <= 0 else f - math.floor(f)
        if j >= n_in - 1:
            j, f = n_in - 1, 0.0
        m[i, j] += 1 - f
        if f:
            m[i, j + 1] += f
    return m.to(dtype)


def opencv_lanczos4_matrix(n_in: int, n_out: int, dtype: torch.dtype = torch.float64) -> Tensor:
    r"""OpenCV's ``INTER_LANCZOS4``: 8 taps of Lanczos-4 at the half-pixel coordinate, normalised, never stretched.

    With :math:`u_i = s\,(i + \tfrac12) - \tfrac12` and :math:`j_0 = \lfloor u_i \rfloor`,
    taps :math:`j_0 - 3, \dots, j_0 + 4` get weights
    :math:`\mathrm{sinc}(u_i - j)\,\mathrm{sinc}((u_i - j)/4)` divided by their sum;
    taps outside the image read the nearest edge sample.

    Shape:
        - Output: :math:`(n_\text{out}, n_\text{in})`

    Examples::

        >>> opencv_lanczos4_matrix(4, 8).sum(1)
        tensor([1., 1., 1., 1., 1., 1., 1., 1.], dtype=torch.float64)
    """
    _check(n_in, n_out, "opencv_lanczos4_matrix")
    s = n_in / n_out
    u = (torch.arange(n_out, dtype=torch.float64) + 0.5) * s - 0.5
    taps = u.floor()[:, None] + torch.arange(-3, 5, dtype=torch.float64)
    w = lanczos(u[:, None] - taps, a=4)
    w = w / w.sum(1, keepdim=True)
    m = torch.zeros(n_out, n_in, dtype=torch.float64)
    m.scatter_add_(1, taps.long().clamp(0, n_in - 1), w)
    return m.to(dtype)


def nearest_matrix(n_in: int, n_out: int, rule: str = "half-up", dtype: torch.dtype = torch.float64) -> Tensor:
    r"""One-hot rows of the three ``nearest`` rules.

    * ``'floor'``: :math:`j = \lfloor i\, n_\text{in} / n_\text{out} \rfloor` (torch's ``nearest``,
      OpenCV's ``INTER_NEAREST``), in exact integer arithmetic (``'opencv'``: OpenCV's
      floating-point version of it);
    * ``'half-up'``: :math:`j = \lfloor (2i + 1)\, n_\text{in} / (2 n_\text{out}) \rfloor`
      (torch's ``nearest-exact``, JAX's ``nearest``), exact: the input pixel under the
      output pixel's centre, the right one when the centre lies on a border;
    * ``'pil'``: PIL's ``NEAREST`` (and OpenCV 5's ``INTER_NEAREST_EXACT``, which gives
      the same indices): the same idea, but the centre is a running sum in double precision,
      :math:`x_0 = s/2`, :math:`x_{i+1} = x_i + s`, truncated to an int; on a border the
      accumulated rounding error decides, so a tie may go either way.

    torch and OpenCV compute ``'floor'`` in floating point, torch with a float32 scale,
    OpenCV as :math:`\lfloor i \cdot (1 / (n_\text{out}/n_\text{in})) \rfloor` in double
    (rule ``'opencv'``); on a few size pairs the rounding moves an index by one pixel.

    Examples::

        >>> nearest_matrix(64, 40, "half-up").argmax(1)[6:9], nearest_matrix(64, 40, "pil").argmax(1)[6:9]
        (tensor([10, 12, 13]), tensor([10, 11, 13]))
    """
    _check(n_in, n_out, "nearest_matrix")
    i = torch.arange(n_out, dtype=torch.int64)
    if rule == "floor":
        j = (i * n_in) // n_out
    elif rule == "opencv":  # floor(i * (1 / (n_out / n_in))) in double, as cv::resize computes it
        inv = 1.0 / (n_out / n_in)
        j = torch.tensor([math.floor(k * inv) for k in range(n_out)], dtype=torch.int64)
    elif rule == "half-up":
        j = ((2 * i + 1) * n_in) // (2 * n_out)
    elif rule == "pil":
        step, x, idx = n_in / n_out, n_in / n_out * 0.5, []
        for _ in range(n_out):
            idx.append(int(x))
            x += step
        j = torch.tensor(idx, dtype=torch.int64)
    else:
        raise ValueError(f"nearest_matrix: rule must be 'floor', 'opencv', 'half-up' or 'pil', got {rule!r}")
    return F.one_hot(j.clamp_max(n_in - 1), n_in).to(dtype)


def _torch_rule(mode: str) -> Callable[[int, int], Tensor]:
    return lambda n_in, n_out: resample_matrix(n_in, n_out, mode)


def _stretched(kernel: str, antialias: bool = True) -> Callable[[int, int], Tensor]:
    return lambda n_in, n_out: stretched_kernel_matrix(n_in, n_out, kernel, antialias)


def _nearest(rule: str) -> Callable[[int, int], Tensor]:
    return lambda n_in, n_out: nearest_matrix(n_in, n_out, rule)


#: (library, method, antialias) -> (rule name, function ``(n_in, n_out) -> M``), for float inputs.
#: ``antialias`` is ``None`` where the library has no such switch.
RULES: dict[tuple[str, str, Optional[bool]], tuple[str, Callable[[int, int], Tensor]]] = {
    ("PIL", "NEAREST", None): ("nearest, running-sum centre", _nearest("pil")),
    ("PIL", "BOX", None): ("stretched box", _stretched("box")),
    ("PIL", "BILINEAR", None): ("stretched triangle", _stretched("triangle")),
    ("PIL", "BICUBIC", None): ("stretched Keys a=-0.5", _stretched("cubic")),
    ("PIL", "LANCZOS", None): ("stretched Lanczos-3", _stretched("lanczos3")),
    ("OpenCV", "INTER_NEAREST", None): ("floor(s i), as torch nearest", _nearest("opencv")),
    ("OpenCV", "INTER_NEAREST_EXACT", None): ("nearest, running-sum centre", _nearest("pil")),
    ("OpenCV", "INTER_LINEAR", None): ("torch bilinear", _torch_rule("linear")),
    ("OpenCV", "INTER_CUBIC", None): ("torch bicubic (a=-0.75)", _torch_rule("cubic")),
    ("OpenCV", "INTER_AREA", None): ("area overlap", opencv_area_matrix),
    ("OpenCV", "INTER_LANCZOS4", None): ("OpenCV Lanczos-4", opencv_lanczos4_matrix),
    ("JAX", "nearest", None): ("nearest, centre rounded exactly", _nearest("half-up")),
    ("JAX", "linear", True): ("stretched triangle", _stretched("triangle")),
    ("JAX", "linear", False): ("triangle, not stretched", _stretched("triangle", False)),
    ("JAX", "cubic", True): ("stretched Keys a=-0.5", _stretched("cubic")),
    ("JAX", "cubic", False): ("Keys a=-0.5, not stretched", _stretched("cubic", False)),
    ("JAX", "lanczos3", True): ("stretched Lanczos-3", _stretched("lanczos3")),
    ("JAX", "lanczos5", True): ("stretched Lanczos-5", _stretched("lanczos5")),
    ("JAX", "area", None): ("area overlap", area_matrix),
    ("JAX", "bicubic-pytorch", False): ("torch bicubic (a=-0.75)", _torch_rule("cubic")),
}


def rule_matrix(library: str, method: str, n_in: int, n_out: int, antialias: Optional[bool] = None) -> Tensor:
    """The float64 matrix of ``library``'s ``method`` from ``n_in`` to ``n_out`` samples (see :data:`RULES`).

    Examples::

        >>> rule_matrix("OpenCV", "INTER_AREA", 3, 2).sum(1)
        tensor([1., 1.], dtype=torch.float64)
    """
    key = (library, method, antialias)
    if key not in RULES:
        raise KeyError(f"rule_matrix: no rule for {key}; known: {sorted(RULES, key=str)}")
    return RULES[key][1](n_in, n_out)


def resize_with_matrices(x: Tensor, size: Sequence[int], matrix: Callable[[int, int], Tensor]) -> Tensor:
    r"""Resize the last two axes of ``x`` with one matrix per axis: :math:`M_h X M_w^\top`, in float64.

    Args:
        x (Tensor): ``(..., H, W)``.
        size (sequence of int): ``(h_out, w_out)``.
        matrix (callable): ``(n_in, n_out) -> M`` of shape ``(n_out, n_in)``, e.g. an entry of :data:`RULES`.

    Shape:
        - Input: :math:`(*, H, W)`
        - Output: :math:`(*, h_\text{out}, w_\text{out})`, float64

    Examples::

        >>> resize_with_matrices(torch.ones(1, 1, 4, 6), (2, 3), area_matrix).shape
        torch.Size([1, 1, 2, 3])
    """
    h, w = x.shape[-2:]
    mh, mw = matrix(h, size[0]), matrix(w, size[1])
    return mh @ x.double() @ mw.T


def opencv_output_size(n: int, factor: float) -> int:
    r"""``cv2.resize(src, None, fx=factor)``'s output length: :math:`n \cdot f` rounded half to even (``cvRound``).

    torch's ``interpolate(scale_factor=f)`` takes the floor instead.

    Examples::

        >>> [opencv_output_size(n, 0.5) for n in (5, 6, 7)]
        [2, 3, 4]
    """
    return round(n * factor)  # Python's round is also round-half-to-even


def torchvision_output_size(height: int, width: int, size: Union[int, Sequence[int], None],
                            max_size: Optional[int] = None) -> tuple[int, int]:
    r"""torchvision's ``Resize`` output size (``_compute_resized_output_size``), reproduced.

    * ``size=(h, w)``: exactly that;
    * ``size=n`` (or ``[n]``): the *shorter* side becomes :math:`n`, the longer one
      :math:`\lfloor n \cdot \text{long} / \text{short} \rfloor`; if that exceeds ``max_size``,
      the longer side becomes ``max_size`` and the shorter
      :math:`\lfloor \text{max\_size} \cdot n / \text{long}' \rfloor`;
    * ``size=None`` (v2 only): the longer side becomes ``max_size``.

    Examples::

        >>> torchvision_output_size(375, 500, 256), torchvision_output_size(375, 500, 256, max_size=300)
        ((256, 341), (225, 300))
    """
    short, long = (width, height) if width <= height else (height, width)
    if isinstance(size, int):
        size = [size]
    if size is None:
        if max_size is None:
            raise ValueError("torchvision_output_size: max_size is required when size is None")
        new_short, new_long = int(max_size * short / long), max_size
    elif len(size) == 1:
        new_short, new_long = size[0], int(size[0] * long / short)
        if max_size is not None:
            if max_size <= size[0]:
                raise ValueError(f"max_size = {max_size} must be greater than the requested shorter side {size[0]}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
    else:
        return int(size[0]), int(size[1])
    new_w, new_h = (new_short, new_long) if width <= height else (new_long, new_short)
    return new_h, new_w


def torchvision_resize(image: Tensor, size: Union[int, Sequence[int], None], interpolation: str = "bilinear",
                       max_size: Optional[int] = None, antialias: bool = True,
                       native_uint8: Optional[bool] = None) -> Tensor:
    r"""torchvision's ``transforms.v2.functional.resize`` on a CPU tensor, reproduced with torch (not torchvision).

    What its source (``resize_image`` in ``torchvision/transforms/v2/functional/_geometry.py``) does:

    1. the output size is :func:`torchvision_output_size`; if it equals the input's, the
       input is returned unchanged;
    2. ``bilinear`` and ``bicubic`` call ``F.interpolate(..., align_corners=False,
       antialias=antialias)`` (``antialias=True`` by default since torchvision 0.17);
       ``nearest`` and ``nearest-exact`` always use ``antialias=False``;
    3. ``uint8`` images are resized natively for ``nearest``/``nearest-exact``, for
       ``bicubic``, and for ``bilinear`` only on CPUs with a vectorised kernel (torchvision 0.28 tests for
       ``"AVX2"`` or ``"AVX512"`` in ``torch.backends.cpu.get_cpu_capability()``, or an ARM machine; older
       releases tested ``"AVX2"`` alone); otherwise they are converted to
       float32, resized, clamped to [0, 255] (``bicubic``), rounded and converted back.

    Args:
        image (Tensor): ``(..., C, H, W)``.
        size: ``(h, w)``, an int for the shorter side, or None (then ``max_size`` is the longer side).
        interpolation (str): ``'nearest'`` | ``'nearest-exact'`` | ``'bilinear'`` | ``'bicubic'``.
        max_size (int, optional): cap on the longer side.
        antialias (bool): torchvision's default is True.
        native_uint8 (bool, optional): force the ``uint8`` branch of step 3 for ``bilinear``
            (None: decide from this CPU's capability string, as torchvision does).

    Examples::

        >>> torchvision_resize(torch.zeros(3, 375, 500), 256).shape
        torch.Size([3, 256, 341])
    """
    if interpolation not in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        raise ValueError(f"torchvision_resize: unsupported interpolation {interpolation!r}")
    if interpolation in ("nearest", "nearest-exact"):
        antialias, align_corners = False, None
    else:
        align_corners = False
    c, h, w = image.shape[-3:]
    new_h, new_w = torchvision_output_size(h, w, size, max_size)
    if (new_h, new_w) == (h, w):
        return image
    dtype = image.dtype
    ok = [torch.float32, torch.float64]
    if interpolation in ("nearest", "nearest-exact"):
        ok.append(torch.uint8)
    elif image.device.type == "cpu":
        if native_uint8 is None:
            native_uint8 = torch.backends.cpu.get_cpu_capability() in ("AVX2", "AVX512") or \
                platform.machine().lower() in ("arm64", "aarch64")
        if interpolation == "bicubic" or native_uint8:
            ok.append(torch.uint8)
    x = image.reshape(-1, c, h, w)
    cast = dtype not in ok
    if cast:
        x = x.to(torch.float32)
    x = F.interpolate(x, size=[new_h, new_w], mode=interpolation, align_corners=align_corners, antialias=antialias)
    if cast:
        if interpolation == "bicubic" and dtype == torch.uint8:
            x = x.clamp(0, 255)
        if not dtype.is_floating_point:
            x = x.round()
        x = x.to(dtype)
    return x.reshape(*image.shape[:-3], c, new_h, new_w)


def tensorflow_resize(images: Tensor, size: Sequence[int], method: str = "bilinear",
                      antialias: bool = False) -> Tensor:
    r"""``tf.image.resize`` for ``bilinear`` and ``bicubic`` on float images, reproduced with torch (not TensorFlow).

    What its source (``resize_images_v2`` in ``tensorflow/python/ops/image_ops_impl.py``)
    does: without ``antialias`` (TensorFlow's default), ``bilinear`` calls the
    ``ResizeBilinear`` kernel with half-pixel centres, which is torch's ``bilinear``
    with ``align_corners=False``; with ``antialias=True``, ``bilinear`` and ``bicubic``
    call ``ScaleAndTranslate`` with the ``triangle`` or ``keyscubic`` kernel, the
    stretched-kernel rule (:func:`stretched_kernel_matrix`). The output is float32.
    ``bicubic`` without antialias (``ResizeBicubic``) is not reproduced here.

    Layout: TensorFlow images are ``(N, H, W, C)``; this function takes and returns torch's
    ``(N, C, H, W)``.

    Examples::

        >>> tensorflow_resize(torch.zeros(1, 3, 8, 8), (4, 4), antialias=True).shape
        torch.Size([1, 3, 4, 4])
    """
    if method == "bilinear" and not antialias:
        return F.interpolate(images.float(), size=list(size), mode="bilinear", align_corners=False)
    if antialias and method in ("bilinear", "bicubic"):
        kernel = "triangle" if method == "bilinear" else "cubic"
        out = resize_with_matrices(images, size, lambda n_in, n_out: stretched_kernel_matrix(n_in, n_out, kernel))
        return out.float()
    raise ValueError(f"tensorflow_resize: reproduced only for bilinear, and bicubic with antialias; got {method!r}")
