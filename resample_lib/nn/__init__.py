"""``torch.nn`` modules built on the resampling operations: the up- and downsampling blocks a U-Net swaps
(``blocks``), the small U-Net the book traces and costs (``small_unet``) and the denoising U-Net of the
controlled experiment (``denoising_unet``)."""
