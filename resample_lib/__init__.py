"""resample_lib: up- and downsampling in deep learning, built from scratch.

Each operation the book teaches lives in a module named for it and mirrors the
signature of its ``torch.nn.functional`` namesake; ``tests/`` proves the two
equal. Helpers for images, feature maps, figures and devices live beside them.
"""
from . import arithmetic, features, images, viz
from .arithmetic import conv_output_size, conv_transpose_output_size, output_padding_for, pool_output_size
from .device import get_device, manual_seed
from .features import feature_maps, filter_bank
from .metrics import psnr
from .images import checkerboard, disk, impulse, photo, ramp, zone_plate

__version__ = "0.1.0"
