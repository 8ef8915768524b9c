"""Instruments that measure resampling: spectra, frequency responses and aliasing (``spectral``), and the
resize rules of other libraries written as resampling matrices (``library_rules``)."""
