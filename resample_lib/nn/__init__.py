"""``torch.nn`` modules built on the resampling operations: the base class of the U-Net's resampling blocks
(``resampling_block``), the up- and downsampling blocks a U-Net swaps (``upsampling_blocks``,
``downsampling_blocks``), blur pooling as a module (``blur_pool``), the small U-Net the book traces and costs
(``small_unet``) and the denoising U-Net of the controlled experiment (``denoising_unet``)."""
