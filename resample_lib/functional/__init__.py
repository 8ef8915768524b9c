"""The operations the book teaches, built from scratch with ``torch.nn.functional``'s names and signatures.

Each module holds one family and is checked against torch by ``tests/``: ``interpolation`` (``interpolate``
and its sampling arithmetic), ``convolution`` (``conv2d``), ``conv_transpose`` (``conv_transpose2d``),
``shuffle`` (``pixel_shuffle``, ``pixel_unshuffle``), ``pooling`` (max, average, adaptive pooling and
unpooling) and ``blur_pool``; ``output_size`` writes every output-length formula once and ``_validate`` every
argument check.
"""
