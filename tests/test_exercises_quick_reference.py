"""The checker of the quick reference's exercise passes a right answer and fails plausible wrong ones."""
from __future__ import annotations

from resample_lib.helpers.exercises.quick_reference import check_output_length, output_length_cases


def right(op, n, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False, output_padding=0, *,
          drop_last=True, transposed_padding_sign=-2):
    span = dilation * (kernel_size - 1)
    if op == "conv_transpose":
        return (n - 1) * stride + transposed_padding_sign * padding + span + output_padding + 1
    room = n + 2 * padding - span - 1
    if op == "conv" or not ceil_mode:
        return room // stride + 1
    out = -(-room // stride) + 1
    if drop_last and (out - 1) * stride >= n + padding:
        out -= 1
    return out


def test_cases_are_varied():
    ops = [c.kwargs["op"] for c in output_length_cases()]
    assert len(ops) == 48 and all(ops.count(op) >= 10 for op in set(ops))
    assert any(c.kwargs["ceil_mode"] for c in output_length_cases())


def test_a_right_answer_passes():
    assert check_output_length(right, verbose=False).passed


def test_ceil_mode_without_the_dropped_window_fails():
    wrong = lambda **kw: right(**kw, drop_last=False)  # noqa: E731
    verdict = check_output_length(wrong, verbose=False)
    assert not verdict.passed and "ceil_mode=True" in verdict.failure


def test_adding_the_padding_in_a_transposed_convolution_fails():
    wrong = lambda **kw: right(**kw, transposed_padding_sign=2)  # noqa: E731
    assert not check_output_length(wrong, verbose=False).passed


def test_ignoring_dilation_fails():
    wrong = lambda **kw: right(**{**kw, "dilation": 1})  # noqa: E731
    assert not check_output_length(wrong, verbose=False).passed


def test_a_stub_fails_without_raising(capsys):
    def stub(**kw):
        raise NotImplementedError("write this")

    assert not check_output_length(stub).passed
    assert "not written yet" in capsys.readouterr().out
