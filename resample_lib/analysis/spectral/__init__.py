r"""The frequency view of resampling: spectra, filter responses, and an aliasing score.

Three modules, one idea each:

- :mod:`~resample_lib.analysis.spectral.spectrum`: the frequency grid, power and log spectra of images,
  and their radial profile;
- :mod:`~resample_lib.analysis.spectral.frequency_responses`: the frequency response of a 1-D or 2-D
  FIR kernel;
- :mod:`~resample_lib.analysis.spectral.aliasing`: the ideal low-pass and downsampler, and how much of a
  downsampler's output is alias.

Everything here is computed with ``torch.fft`` on any device, in the input's
dtype (``float32`` inputs give ``complex64`` transforms, ``float64`` inputs
``complex128``); energies are summed in ``float64``.

**Frequencies.** Frequencies are in *cycles per pixel* (cycles per sample in
1-D). A grid of :math:`n` samples resolves :math:`k/n`; the centred grid of
:func:`spectrum_frequencies` is ``fftshift(fftfreq(n))``,

.. math::
    f_k = \frac{k - \lfloor n/2 \rfloor}{n}, \qquad k = 0, \dots, n-1,

which lies in :math:`[-\tfrac12, \tfrac12)`, with :math:`f = 0` (the mean) at
index :math:`\lfloor n/2 \rfloor`. The Nyquist limit of a grid is
:math:`\tfrac12`; after subsampling by a factor :math:`s` it is
:math:`1/(2s)` cycles per *input* pixel.

**Aliasing.** Subsampling :math:`x[sm]` of a signal with DFT :math:`X` of
length :math:`N` (:math:`s \mid N`, :math:`M = N/s`) gives

.. math::
    Y[k] = \frac1s \sum_{j=0}^{s-1} X[k + jM], \qquad k = 0, \dots, M-1:

every input frequency above :math:`1/(2s)` folds onto one below it. The
*ideal* downsampler (:func:`ideal_downsample`) first removes those frequencies
with a brick-wall low-pass (:func:`ideal_lowpass`), so only the :math:`j = 0`
term survives. :func:`aliasing_score` measures how much of a downsampler's
output is produced by the frequencies the ideal one removes.
"""
from resample_lib.analysis.spectral.aliasing import (
    alias_decomposition,
    aliasing_score,
    ideal_downsample,
    ideal_lowpass,
)
from resample_lib.analysis.spectral.frequency_responses import frequency_response, frequency_response2d
from resample_lib.analysis.spectral.spectrum import (
    WINDOWS,
    log_spectrum,
    power_spectrum,
    radial_profile,
    spectrum_frequencies,
)

__all__ = [
    "WINDOWS",
    "spectrum_frequencies",
    "power_spectrum",
    "log_spectrum",
    "radial_profile",
    "frequency_response",
    "frequency_response2d",
    "ideal_lowpass",
    "ideal_downsample",
    "alias_decomposition",
    "aliasing_score",
]
