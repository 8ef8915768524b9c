r"""Whole resizes of other libraries, reproduced with torch: output sizes, torchvision's and TensorFlow's resize.

torchvision and TensorFlow are not imported (torchvision's wheel needs a CUDA build of torch; TensorFlow is
too large for CI): :func:`torchvision_resize` and :func:`tensorflow_resize` do what their sources say they
do, with torch. :func:`opencv_output_size` and :func:`torchvision_output_size` give the output lengths that
``cv2.resize`` and torchvision's ``Resize`` choose.
"""
from __future__ import annotations

import platform
from collections.abc import Sequence
from typing import Optional, Union

import torch
import torch.nn.functional as F
from torch import Tensor

from resample_lib.analysis.library_rules.matrices import resize_with_matrices, stretched_kernel_matrix
from resample_lib.functional._validate import check_choice, check_int, check_tensor

__all__ = ["opencv_output_size", "tensorflow_resize", "torchvision_output_size", "torchvision_resize"]


def opencv_output_size(n: int, factor: float) -> int:
    r"""``cv2.resize(src, None, fx=factor)``'s output length: :math:`n \cdot f` rounded half to even (``cvRound``).

    torch's ``interpolate(scale_factor=f)`` takes the floor instead.

    Args:
        n: input length, positive.
        factor: the scale factor ``fx`` (or ``fy``).

    Examples:
        >>> [opencv_output_size(n, 0.5) for n in (5, 6, 7)]
        [2, 3, 4]
    """
    check_int(n, "n", "opencv_output_size", minimum=1)
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

    Args:
        height: input height, positive.
        width: input width, positive.
        size: ``(h, w)``, an int (or ``[n]``) for the shorter side, or None.
        max_size: cap on the longer side; required when ``size`` is None.

    Examples:
        >>> torchvision_output_size(375, 500, 256), torchvision_output_size(375, 500, 256, max_size=300)
        ((256, 341), (225, 300))
    """
    op = "torchvision_output_size"
    check_int(height, "height", op, minimum=1)
    check_int(width, "width", op, minimum=1)
    short, long = (width, height) if width <= height else (height, width)
    if isinstance(size, int):
        size = [size]
    if size is None:
        if max_size is None:
            raise ValueError(f"{op}: max_size is required when size is None")
        new_short, new_long = int(max_size * short / long), max_size
    elif len(size) == 1:
        new_short, new_long = size[0], int(size[0] * long / short)
        if max_size is not None:
            if max_size <= size[0]:
                raise ValueError(
                    f"{op}: max_size = {max_size} must be greater than the requested shorter side {size[0]}"
                )
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
        image: the image to resize, ``(..., C, H, W)``.
        size: ``(h, w)``, an int for the shorter side, or None (then ``max_size`` is the longer side).
        interpolation: ``'nearest'`` | ``'nearest-exact'`` | ``'bilinear'`` | ``'bicubic'``.
        max_size: cap on the longer side.
        antialias: torchvision's default is True.
        native_uint8: force the ``uint8`` branch of step 3 for ``bilinear``
            (None: decide from this CPU's capability string, as torchvision does).

    Shape:
        - Input: :math:`(*, C, H, W)`
        - Output: :math:`(*, C, h_\text{out}, w_\text{out})`, dtype of the input

    Examples:
        >>> torchvision_resize(torch.zeros(3, 375, 500), 256).shape
        torch.Size([3, 256, 341])
    """
    op = "torchvision_resize"
    check_tensor(image, "image", op)
    check_choice(interpolation, "interpolation", op, ("nearest", "nearest-exact", "bilinear", "bicubic"))
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

    Args:
        images: the images to resize, ``(N, C, H, W)``.
        size: ``(h_out, w_out)``.
        method: ``'bilinear'``, or ``'bicubic'`` with ``antialias=True``.
        antialias: TensorFlow's switch; its default is False.

    Shape:
        - Input: :math:`(N, C, H, W)`
        - Output: :math:`(N, C, h_\text{out}, w_\text{out})`, float32

    Examples:
        >>> tensorflow_resize(torch.zeros(1, 3, 8, 8), (4, 4), antialias=True).shape
        torch.Size([1, 3, 4, 4])
    """
    check_tensor(images, "images", "tensorflow_resize")
    check_choice(method, "method", "tensorflow_resize", ("bilinear", "bicubic"))
    if method == "bilinear" and not antialias:
        return F.interpolate(images.float(), size=list(size), mode="bilinear", align_corners=False)
    if not antialias:
        raise ValueError("tensorflow_resize: bicubic is reproduced only with antialias=True (ResizeBicubic is not)")
    kernel = "triangle" if method == "bilinear" else "cubic"
    return resize_with_matrices(images, size, lambda n_in, n_out: stretched_kernel_matrix(n_in, n_out, kernel)).float()
