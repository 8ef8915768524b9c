"""The aliasing chapter's checker passes a right answer and fails plausible wrong ones."""
from __future__ import annotations

import math

import torch

import resample_lib as rl
from resample_lib.helpers.exercises.aliasing import (
    check_frequency_response,
    frequency_response_cases,
    reference_frequency_response,
)


def direct_sum(taps, n_freqs):
    """The DTFT summed term by term: the answer the exercise expects."""
    f = torch.linspace(0, 0.5, n_freqs, dtype=taps.dtype)
    j = torch.arange(taps.numel(), dtype=taps.dtype)
    return (taps * torch.exp(-2j * math.pi * f[:, None] * j)).sum(-1).abs()


def test_cases_are_many_and_valid():
    cases = frequency_response_cases()
    assert 20 <= len(cases) <= 50
    lengths = {c.kwargs["taps"].numel() for c in cases}
    assert 1 in lengths and max(lengths) >= 12
    for c in cases:  # every case is inside the documented domain: the FFT does not wrap the kernel
        assert 2 * (c.kwargs["n_freqs"] - 1) >= c.kwargs["taps"].numel()
    assert any(2 * (c.kwargs["n_freqs"] - 1) in (c.kwargs["taps"].numel(), c.kwargs["taps"].numel() + 1)
               for c in cases), "the smallest allowed n_freqs must be tried"


def test_reference_agrees_with_library():
    for c in frequency_response_cases():
        _, lib = rl.frequency_response(c.kwargs["taps"], n=c.kwargs["n_freqs"])
        assert torch.allclose(reference_frequency_response(**c.kwargs), lib, atol=1e-12)


def test_right_answers_pass(capsys):
    assert check_frequency_response(direct_sum)
    assert check_frequency_response(lambda taps, n_freqs: rl.frequency_response(taps, n=n_freqs)[1])
    float32 = check_frequency_response(lambda taps, n_freqs: direct_sum(taps.float(), n_freqs))
    assert float32, float32.failure
    assert "PASS frequency response: all 32 cases agree" in capsys.readouterr().out


def test_stub_fails_without_raising(capsys):
    def stub(taps, n_freqs):
        raise NotImplementedError("write this")

    verdict = check_frequency_response(stub)
    assert not verdict and "not written yet" in verdict.failure
    assert capsys.readouterr().out.startswith("FAIL frequency response, case 1 of 32")


def test_wrong_answers_fail():
    wrong = {
        # f = k / (2 n): one step too fine, never reaches 1/2
        "spacing off by one": lambda taps, n_freqs: torch.fft.rfft(taps, n=2 * n_freqs)[:n_freqs].abs(),
        # n equally spaced points in [0, 1/2) instead of [0, 1/2]
        "half-open interval": lambda taps, n_freqs: direct_sum_at(
            taps, torch.arange(n_freqs, dtype=taps.dtype) / (2 * n_freqs)),
        # radians per sample where cycles per sample are meant (e^{-i f j})
        "radians, not cycles": lambda taps, n_freqs: direct_sum_at(
            taps, torch.linspace(0, 0.5, n_freqs, dtype=taps.dtype) / (2 * math.pi)),
        # the real part instead of the magnitude
        "real part": lambda taps, n_freqs: torch.fft.rfft(taps, n=2 * (n_freqs - 1)).real,
        # no zero padding: as many frequencies as the taps give
        "no zero padding": lambda taps, n_freqs: torch.fft.rfft(taps).abs(),
        # squared magnitude (a power response)
        "power, not magnitude": lambda taps, n_freqs: direct_sum(taps, n_freqs) ** 2,
    }
    for name, fn in wrong.items():
        verdict = check_frequency_response(fn, verbose=False)
        assert not verdict, f"the checker passed a wrong answer: {name}"


def direct_sum_at(taps, f):
    j = torch.arange(taps.numel(), dtype=taps.dtype)
    return (taps * torch.exp(-2j * math.pi * f[:, None] * j)).sum(-1).abs()
