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

Three modules hold them: :mod:`~resample_lib.analysis.library_rules.matrices` (the rules' matrices, and a
2-D resize with one matrix per axis), :mod:`~resample_lib.analysis.library_rules.table` (which rule each
library's method follows) and :mod:`~resample_lib.analysis.library_rules.resizes` (output sizes, and whole
resizes of torchvision and TensorFlow).

``torchvision`` and ``TensorFlow`` are not imported here (torchvision's wheel needs a CUDA
build of torch; TensorFlow is too large for CI). :func:`torchvision_resize` and
:func:`tensorflow_resize` reproduce what their sources say they do, with torch.
"""
from resample_lib.analysis.library_rules.matrices import (
    KERNELS,
    area_matrix,
    nearest_matrix,
    opencv_area_matrix,
    opencv_lanczos4_matrix,
    resize_with_matrices,
    stretched_kernel_matrix,
)
from resample_lib.analysis.library_rules.resizes import (
    opencv_output_size,
    tensorflow_resize,
    torchvision_output_size,
    torchvision_resize,
)
from resample_lib.analysis.library_rules.table import RULES, rule_matrix

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
