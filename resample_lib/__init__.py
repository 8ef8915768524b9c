"""resample_lib: up- and downsampling in deep learning, built from scratch.

Each operation the book teaches lives in a module named for it and mirrors the
signature of its ``torch.nn.functional`` namesake; ``tests/`` proves the two
equal. Helpers for images, feature maps, figures and devices live beside them.
"""
from . import arithmetic, features, images, kernels, spectral, viz
from .arithmetic import (
    conv_output_size,
    conv_transpose_output_size,
    output_padding_for,
    pool_output_size,
    receptive_field,
    tf_same_padding,
)
from .blocks import (
    DOWNSAMPLERS,
    UPSAMPLERS,
    BilinearUpsample,
    BlurPoolDownsample,
    Downsample,
    MaxPoolDownsample,
    PixelShuffleUpsample,
    PixelUnshuffleDownsample,
    StridedConvDownsample,
    TransposedUpsample,
    Upsample,
)
from .blur_pool import BlurPool2d, binomial_filter, binomial_filter2d, blur_pool2d
from .convolution import conv2d
from .device import get_device, manual_seed
from .features import feature_maps, filter_bank
from .images import checkerboard, disk, impulse, photo, ramp, zone_plate
from .interpolation import (
    MODES,
    interpolate,
    interpolate_output_size,
    pixel_scale,
    resample_matrix,
    resample_taps,
    source_coordinates,
)
from .kernels import box, keys_cubic, lanczos, triangle
from .metrics import psnr
from .pooling import adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d, max_pool2d, max_unpool2d
from .shuffle import icnr_, pixel_shuffle, pixel_unshuffle
from .spectral import (
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
from .unet import SmallUNet, count_macs, count_parameters, trace_shapes
from .transposed import (
    conv2d_matrix,
    conv_transpose2d,
    conv_transpose2d_matrix,
    conv_transpose2d_scatter,
    conv_transpose2d_zero_insertion,
)

__version__ = "0.1.0"
