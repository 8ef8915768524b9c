"""The controlled U-Net experiment: paired initialisation, shapes, statistics, and the sweep script end to end."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from scipy import stats

import resample_lib as rl
from resample_lib.nn.denoising_unet import DenoisingUNet, SweepConfig, make_sweep_data, paired_interval, train_sweep_run

ROOT = Path(__file__).resolve().parents[1]
PAIRS = [(u, "pad+conv s2 (DDIM)") for u in rl.UPSAMPLERS] + [("nearest+conv (DDIM)", d) for d in rl.DOWNSAMPLERS]


def _shared(a: DenoisingUNet, b: DenoisingUNet) -> list[str]:
    sa, sb = a.state_dict(), b.state_dict()
    return [k for k in sa if not k.startswith(("ups.", "downs.")) and not torch.equal(sa[k], sb[k])]


@pytest.mark.parametrize("up,down", PAIRS, ids=[f"{u}|{d}" for u, d in PAIRS])
def test_shared_modules_start_identical(up, down):
    ref = DenoisingUNet((8, 8, 8), seed=3)
    other = DenoisingUNet((8, 8, 8), up=up, down=down, seed=3)
    assert _shared(ref, other) == []
    # and the resamplers themselves are drawn, not left at one fixed value: another seed changes them
    if any(True for _ in other.ups.parameters()) and up != "nearest+conv (DDIM)":
        again = DenoisingUNet((8, 8, 8), up=up, down=down, seed=4)
        assert not torch.equal(next(other.ups.parameters()), next(again.ups.parameters()))


def test_seeds_differ_and_repeat():
    a, b, c = (DenoisingUNet((8, 8, 8), seed=s) for s in (0, 0, 1))
    assert _shared(a, b) == []
    assert _shared(a, c) != []


@pytest.mark.parametrize("up,down", PAIRS, ids=[f"{u}|{d}" for u, d in PAIRS])
def test_shapes(up, down):
    net = DenoisingUNet((4, 8, 8), up=up, down=down, seed=0)
    x = torch.rand(2, 1, 16, 24)
    assert net(x, torch.full((2,), 0.1)).shape == x.shape


@pytest.mark.parametrize("kwargs,message", [
    (dict(channels=(8,)), "at least two"),
    (dict(channels=(8, 6)), "groups=4 must divide"),
    (dict(up="cubic"), "unknown upsampler"),
    (dict(down="strided"), "unknown downsampler"),
])
def test_constructor_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DenoisingUNet(**kwargs)


def test_input_errors():
    net = DenoisingUNet((4, 4, 4), seed=0)
    with pytest.raises(ValueError, match="divisible by 4"):
        net(torch.zeros(1, 1, 18, 16), torch.full((1,), 0.1))
    with pytest.raises(ValueError, match=r"\(N, 1, H, W\)"):
        net(torch.zeros(1, 3, 16, 16), torch.full((1,), 0.1))


def test_paired_interval_matches_scipy():
    g = torch.Generator().manual_seed(0)
    for n in (2, 5, 10, 30):
        d = (torch.randn(n, generator=g, dtype=torch.float64) * 0.3 + 0.1).tolist()
        mean, lo, hi = paired_interval(d)
        ci = stats.ttest_1samp(d, 0.0).confidence_interval(0.95)
        assert mean == pytest.approx(sum(d) / n)
        assert (lo, hi) == pytest.approx((ci.low, ci.high), rel=1e-9)
    with pytest.raises(ValueError, match="at least two"):
        paired_interval([0.1])
    with pytest.raises(ValueError, match="level"):
        paired_interval([0.1, 0.2], level=1.5)


def test_run_is_deterministic_and_stop_after_reproduces_the_curve():
    data = make_sweep_data(train_per_image=4, val_per_image=2, size=16)
    c = SweepConfig(channels=(4, 4, 4), steps=6, val_every=2, batch=2)
    full = train_sweep_run(c, data)
    again = train_sweep_run(c, data)
    short = train_sweep_run(c, data, stop_after=4)
    assert full["curve"] == again["curve"]
    assert short["curve"] == full["curve"][:3]
    assert short["steps"] == 4 and full["steps"] == 6


def test_shift_consistency_of_an_identity_is_infinite():
    from resample_lib.nn.denoising_unet import shift_consistency

    data = make_sweep_data(train_per_image=1, val_per_image=2, size=16)
    ident = lambda x, s: x  # noqa: E731 - an exactly shift-equivariant "denoiser"
    assert all(v == float("inf") for v in shift_consistency(ident, data).values())
    blocky = lambda x, s: torch.nn.functional.avg_pool2d(x, 2).repeat_interleave(2, -1).repeat_interleave(2, -2)  # noqa: E731
    res = shift_consistency(blocky, data)
    assert res[1] < 60 and res[2] == float("inf")


def test_sweep_script_tiny_end_to_end(tmp_path):
    out = tmp_path / "sweep"
    cmd = [sys.executable, str(ROOT / "experiments" / "unet_sweep.py"), "--tiny", "--out", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=300)
    with (out / "unet_sweep.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4
    assert {"up", "down", "seed", "val_psnr_db", "params", "steps"} <= set(rows[0])
    assert sorted((r["up"], int(r["seed"])) for r in rows) == sorted(
        (u, s) for u in ("nearest+conv (DDIM)", "bilinear+conv") for s in (0, 1))
    with (out / "unet_sweep_patch_mse.csv").open() as f:
        patch_rows = list(csv.DictReader(f))
    assert len(patch_rows) == 4 * 3  # every run, every validation noise level
    assert all(len(r["mse"].split()) == 3 * 2 for r in patch_rows)  # 3 photos x 2 patches each
    meta = json.loads((out / "unet_sweep.json").read_text())
    assert meta["torch"] == torch.__version__ and meta["sessions"][0]["runs"] == 4
    # a second call finds every row done and runs nothing
    subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=300)
    meta = json.loads((out / "unet_sweep.json").read_text())
    assert meta["sessions"][-1]["runs"] == 0
    with (out / "unet_sweep.csv").open() as f:
        assert len(list(csv.DictReader(f))) == 4


@pytest.mark.parametrize("low,high,expected", [
    (0.11, 0.5, "better"), (-0.5, -0.11, "worse"), (-0.09, 0.09, "equivalent"),
    (0.01, 0.2, "higher, not resolved against the threshold"), (-0.2, -0.01, "lower, not resolved against the threshold"),
    (-0.2, 0.2, "unresolved"), (-0.05, 0.15, "unresolved"),
])
def test_classify_difference(low, high, expected):
    from resample_lib.nn.denoising_unet import classify_difference

    assert classify_difference(low, high, 0.1) == expected


def test_classify_difference_errors():
    from resample_lib.nn.denoising_unet import classify_difference

    with pytest.raises(ValueError, match="low <= high"):
        classify_difference(0.2, 0.1, 0.1)
    with pytest.raises(ValueError, match="threshold"):
        classify_difference(0.0, 0.1, 0.0)
