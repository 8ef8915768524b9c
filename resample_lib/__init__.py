"""resample_lib: up- and downsampling in deep learning, built from scratch.

Three layers, one folder each:

- ``functional/`` and ``analysis/``: the operations the book teaches, from elementary tensor operations, with
  ``torch.nn.functional``'s names and signatures, and the instruments that measure them (spectra, aliasing,
  other libraries' resize rules). ``tests/`` proves every operation equal to torch.
- ``nn/``: ``torch.nn`` modules built on torch's own operations: the U-Net's up- and downsampling blocks and
  the networks of the experiments.
- ``helpers/``: what the book needs to show and measure: images, figures, diagrams, animations, experiment
  drivers and exercise checkers.

The names below are the public API, as the chapters use it (``import resample_lib as rl; rl.interpolate``); each
operation's short reference version is there too (``rl.interpolate_reference``, ``rl.conv2d_reference``, ...).
Importing the package does not import matplotlib; figures come from ``resample_lib.helpers.viz``.
"""
from resample_lib.analysis.spectral import (
    alias_decomposition,
    aliasing_score,
    frequency_response,
    frequency_response2d,
    ideal_downsample,
    ideal_lowpass,
    log_spectrum,
    power_spectrum,
    radial_profile,
    spectrum_frequencies,
)
from resample_lib.functional.blur_pool import binomial_filter, binomial_filter2d, blur_pool2d
from resample_lib.functional.conv_transpose import (
    conv2d_matrix,
    conv_transpose2d,
    conv_transpose2d_matrix,
    conv_transpose2d_reference,
    conv_transpose2d_scatter,
    conv_transpose2d_zero_insertion,
)
from resample_lib.functional.convolution import conv2d, conv2d_reference
from resample_lib.functional.interpolation import (
    MODES,
    interpolate,
    interpolate_reference,
    resample_matrix,
    resample_taps,
)
from resample_lib.functional.interpolation_kernels import box, keys_cubic, lanczos, triangle
from resample_lib.functional.output_size import (
    conv_output_size,
    conv_transpose_output_size,
    interpolate_output_size,
    output_padding_for,
    pool_output_size,
    receptive_field,
    tf_same_padding,
)
from resample_lib.functional.pooling import (
    adaptive_avg_pool2d,
    adaptive_avg_pool2d_reference,
    adaptive_max_pool2d,
    adaptive_max_pool2d_reference,
    avg_pool2d,
    avg_pool2d_reference,
    max_pool2d,
    max_pool2d_reference,
    max_unpool2d,
)
from resample_lib.functional.sampling_coordinates import pixel_scale, source_coordinates
from resample_lib.functional.shuffle import icnr_, pixel_shuffle, pixel_unshuffle
from resample_lib.helpers.device import get_device, manual_seed
from resample_lib.helpers.filter_bank import feature_maps, filter_bank
from resample_lib.helpers.images import PHOTOS, checkerboard, disk, impulse, photo, ramp, zone_plate
from resample_lib.helpers.metrics import psnr
from resample_lib.nn.blur_pool import BlurPool2d
from resample_lib.nn.downsampling_blocks import (
    DOWNSAMPLERS,
    BlurPoolDownsample,
    Downsample,
    MaxPoolDownsample,
    PixelUnshuffleDownsample,
    StridedConvDownsample,
)
from resample_lib.nn.small_unet import SmallUNet, count_macs, count_parameters, trace_shapes
from resample_lib.nn.upsampling_blocks import (
    UPSAMPLERS,
    BilinearUpsample,
    PixelShuffleUpsample,
    TransposedUpsample,
    Upsample,
)

__version__ = "0.1.0"
