"""Chapter 05's checker accepts DDIM's Upsample and rejects plausible mistakes."""
import torch
import torch.nn.functional as F

from resample_lib.helpers.exercises.unet import check_ddim_upsample


def test_accepts_a_correct_answer():
    def ours(x, weight, bias):
        r, c = torch.arange(2 * x.shape[-2]) // 2, torch.arange(2 * x.shape[-1]) // 2
        return F.conv2d(x[..., r, :][..., c], weight, bias, padding=1)

    assert check_ddim_upsample(ours, verbose=False)


def test_rejects_bilinear_instead_of_nearest():
    wrong = lambda x, weight, bias: F.conv2d(  # noqa: E731
        F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False), weight, bias, padding=1)
    v = check_ddim_upsample(wrong, verbose=False)
    assert not v and "values differ" in v.failure


def test_rejects_missing_padding():
    wrong = lambda x, weight, bias: F.conv2d(F.interpolate(x, scale_factor=2.0), weight, bias)  # noqa: E731
    v = check_ddim_upsample(wrong, verbose=False)
    assert not v and "expected shape" in v.failure


def test_reports_the_stub():
    def stub(x, weight, bias):
        raise NotImplementedError("write this")

    v = check_ddim_upsample(stub, verbose=False)
    assert not v and "not written yet" in v.failure and v.failure.startswith("case 1 of 24")
