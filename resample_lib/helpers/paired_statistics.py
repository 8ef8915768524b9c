r"""Paired statistics: is a difference between two configurations real, and does it matter?

An experiment that runs two configurations with the same seeds gets one difference per seed,
:math:`d_1, \dots, d_n`. :func:`paired_interval` gives the mean difference with its Student-t confidence
interval, and :func:`classify_difference` reads the interval against a threshold of practical relevance
that was declared before looking: better, worse, equivalent, or not resolved. Chapter 05 judges every
resampler against DDIM's pair this way (``experiments/unet_sweep.py``).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import torch

__all__ = ["paired_interval", "classify_difference"]


def paired_interval(diffs: Sequence[float], level: float = 0.95) -> tuple[float, float, float]:
    r"""Mean of paired differences and its Student-t confidence interval.

    :math:`\bar d \pm t_{n-1,\,(1+\text{level})/2}\; s_d/\sqrt n`, with :math:`s_d` the sample standard
    deviation of the :math:`n` differences.

    Args:
        diffs: the paired differences, one per seed (at least two).
        level: the confidence level, in :math:`(0, 1)`.

    Returns:
        ``(mean, low, high)``.

    Examples:
        >>> m, lo, hi = paired_interval([0.1, 0.2, 0.15, 0.12, 0.18])
        >>> round(m, 3), round(lo, 3), round(hi, 3)
        (0.15, 0.099, 0.201)
    """
    from scipy.stats import t

    d = torch.as_tensor(list(diffs), dtype=torch.float64)
    if d.dim() != 1 or len(d) < 2:
        raise ValueError(f"paired_interval: need at least two paired differences, got {len(d)}")
    if not 0 < level < 1:
        raise ValueError(f"paired_interval: level must lie in (0, 1), got {level!r}")
    n = len(d)
    half = float(t.ppf((1 + level) / 2, n - 1)) * float(d.std()) / math.sqrt(n)
    return float(d.mean()), float(d.mean()) - half, float(d.mean()) + half


def classify_difference(low: float, high: float, threshold: float) -> str:
    """Name what a confidence interval ``[low, high]`` for a difference says, against a pre-declared threshold.

    * ``"better"`` / ``"worse"``: the whole interval lies beyond ``+threshold`` / ``-threshold``;
    * ``"equivalent"``: the whole interval lies within ``±threshold``;
    * ``"higher, not resolved against the threshold"`` / ``"lower, ..."``: the interval excludes zero but
      neither lies beyond the threshold nor within it, so whether the difference exceeds the threshold is open;
    * ``"unresolved"``: the interval contains zero and reaches beyond the threshold.

    Args:
        low: lower end of the interval.
        high: upper end of the interval.
        threshold: the smallest difference that matters, positive, fixed before the experiment.

    Examples:
        >>> classify_difference(0.12, 0.30, 0.1), classify_difference(-0.05, 0.04, 0.1)
        ('better', 'equivalent')
        >>> classify_difference(0.02, 0.15, 0.1), classify_difference(-0.2, 0.05, 0.1)
        ('higher, not resolved against the threshold', 'unresolved')
    """
    if not low <= high:
        raise ValueError(f"classify_difference: need low <= high, got [{low}, {high}]")
    if not threshold > 0:
        raise ValueError(f"classify_difference: threshold must be positive, got {threshold!r}")
    if low > threshold:
        return "better"
    if high < -threshold:
        return "worse"
    if -threshold < low and high < threshold:
        return "equivalent"
    if low > 0:
        return "higher, not resolved against the threshold"
    if high < 0:
        return "lower, not resolved against the threshold"
    return "unresolved"
