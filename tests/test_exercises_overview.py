"""The tour's build-it-yourself checker passes a correct answer and fails plausible wrong ones."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from resample_lib import blur_pool2d
from resample_lib.helpers.exercises import overview


def _weight(x, taps):
    b = torch.tensor(taps, dtype=x.dtype) / sum(taps)
    return torch.outer(b, b).expand(x.shape[1], 1, len(taps), len(taps)).contiguous()


def test_reference_passes():
    assert overview.check_blur_down2(overview.blur_down2_reference, verbose=False)


def test_independent_answers_pass():
    def separable(x):  # two 1-D passes with explicit slices, no convolution
        for dim in (-1, -2):
            x = torch.cat([x.narrow(dim, 1, 1), x, x.narrow(dim, x.shape[dim] - 2, 1)], dim=dim)
            n = x.shape[dim] - 2
            taps = [x.narrow(dim, k, n - 1).unfold(dim, 1, 2).squeeze(-1) for k in range(4)]
            x = (taps[0] + 3 * taps[1] + 3 * taps[2] + taps[3]) / 8
        return x

    assert overview.check_blur_down2(separable, verbose=False)


def test_reference_is_zhangs_blur_pool():
    # Zhang's 4-tap blur pool pads 1 before and 2 after; for even sides the extra sample is never read
    x = torch.randn(2, 3, 10, 6, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(overview.blur_down2_reference(x), blur_pool2d(x, filt_size=4, stride=2))


def test_cases_cover_the_edges():
    cases = overview.blur_down2_cases()
    shapes = [tuple(c.kwargs["x"].shape) for c in cases]
    assert len(cases) == 30 and (1, 1, 2, 2) in shapes
    assert any(s[-2] != s[-1] for s in shapes) and any(s[1] > 1 for s in shapes) and any(s[0] > 1 for s in shapes)
    assert {c.kwargs["x"].dtype for c in cases} == {torch.float32, torch.float64}
    assert any(not c.kwargs["x"].is_contiguous() for c in cases)


def test_wrong_answers_fail(capsys):
    def three_tap(x):  # the chapter's [1, 2, 1] blur: centred on 2i, half a pixel off
        return F.conv2d(F.pad(x, (1, 1, 1, 1), mode="reflect"), _weight(x, [1, 2, 1]), stride=2,
                        groups=x.shape[1])[..., : x.shape[-2] // 2, : x.shape[-1] // 2]

    def zero_padding(x):  # darkens the borders
        return F.conv2d(x, _weight(x, [1, 3, 3, 1]), stride=2, padding=1, groups=x.shape[1])

    def shifted(x):  # pads two samples before, none after: centred on 2i - 1/2
        return F.conv2d(F.pad(x, (2, 0, 2, 0), mode="reflect"), _weight(x, [1, 3, 3, 1]), stride=2,
                        groups=x.shape[1])

    def unnormalised(x):  # each 1-D pass divided by 8, but the 2-D kernel by 8 only once
        w = _weight(x, [1, 3, 3, 1]) * 8
        return F.conv2d(F.pad(x, (1, 1, 1, 1), mode="reflect"), w, stride=2, groups=x.shape[1])

    def no_groups(x):  # mixes channels (and fails for C > 1)
        w = _weight(x, [1, 3, 3, 1])[:1].expand(1, x.shape[1], 4, 4)
        return F.conv2d(F.pad(x, (1, 1, 1, 1), mode="reflect"), w, stride=2)

    def stub(x):
        raise NotImplementedError("write this")

    for wrong in (three_tap, zero_padding, shifted, unnormalised, no_groups, stub):
        verdict = overview.check_blur_down2(wrong, verbose=False)
        assert not verdict and verdict.failure, wrong.__name__
    assert "not written yet" in overview.check_blur_down2(stub, verbose=False).failure
    overview.check_blur_down2(zero_padding)
    assert capsys.readouterr().out.startswith("FAIL blur_down2, case 1 of 30")
