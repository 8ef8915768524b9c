"""The controlled U-Net experiment: resample_lib.helpers.unet_sweep (data, seeded training, measurements),
resample_lib.helpers.paired_statistics (the verdicts) and the sweep script end to end.

Everything here runs on tiny data (a few 16x16 patches, a few steps), in seconds.
"""
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from scipy import stats

from resample_lib.helpers import unet_sweep
from resample_lib.helpers.images import photo
from resample_lib.helpers.metrics import psnr
from resample_lib.helpers.paired_statistics import classify_difference, paired_interval
from resample_lib.helpers.unet_sweep import (
    SweepConfig,
    add_noise,
    make_sweep_data,
    patch_bank,
    shift_consistency,
    single_thread,
    train_sweep_run,
    validation_psnr,
)

ROOT = Path(__file__).resolve().parents[1]
TINY = SweepConfig(channels=(4, 4, 4), steps=6, val_every=2, batch=2)


@pytest.fixture(scope="module")
def tiny_data():
    return make_sweep_data(train_per_image=4, val_per_image=2, size=16)


# --------------------------------------------------------------------------- #
# data
# --------------------------------------------------------------------------- #
def test_patch_bank_shape_range_and_seed():
    a = patch_bank(["camera", "chelsea"], per_image=5, size=24, seed=3)
    assert a.shape == (10, 1, 24, 24) and a.dtype == torch.float32
    assert 0.0 <= a.min() and a.max() <= 1.0 and a.std() > 0.05
    assert torch.equal(a, patch_bank(["camera", "chelsea"], per_image=5, size=24, seed=3))
    assert not torch.equal(a, patch_bank(["camera", "chelsea"], per_image=5, size=24, seed=4))


def test_patch_bank_patches_come_from_the_photo():
    image = photo("coins", gray=True)[0, 0]
    for p in patch_bank(["coins"], per_image=4, size=8, seed=0)[:, 0]:
        windows = image.unfold(0, 8, 1).unfold(1, 8, 1)  # every 8x8 window of the photo
        assert (windows == p).flatten(-2).all(-1).any()


@pytest.mark.parametrize("args,error,message", [
    ((["lena"], 2), ValueError, r"^patch_bank: names must be a non-empty list of"),
    ((["camera"], 0), ValueError, r"^patch_bank: per_image must be positive, got per_image=0$"),
    ((["camera"], 2.0), TypeError, r"^patch_bank: per_image must be an int, got 2.0$"),
    ((["camera"], 1, 4096), ValueError, r"^patch_bank: size 4096 does not fit in the 512x512 photo 'camera'$"),
], ids=["names=lena", "per_image=0", "per_image=2.0", "size=4096"])
def test_patch_bank_rejects_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        patch_bank(*args)


def test_add_noise_is_seeded_and_has_the_right_level():
    x = torch.full((4, 1, 64, 64), 0.5)
    a = add_noise(x, 0.1, torch.Generator().manual_seed(0))
    assert torch.equal(a, add_noise(x, 0.1, torch.Generator().manual_seed(0)))
    assert abs(float((a - x).std()) - 0.1) < 0.005
    assert torch.equal(add_noise(x, 0.0, torch.Generator()), x)
    with pytest.raises(TypeError, match=r"^add_noise: generator must be a torch.Generator, got int$"):
        add_noise(x, 0.1, 0)
    with pytest.raises(ValueError, match=r"^add_noise: sigma must be non-negative, got -1.0$"):
        add_noise(x, -1.0, torch.Generator())


def test_make_sweep_data(tiny_data):
    assert tiny_data.train.shape == (5 * 4, 1, 16, 16)
    assert tiny_data.val_clean.shape == (3 * 2, 1, 16, 16) and set(tiny_data.val_noisy) == {0.05, 0.1, 0.2}
    assert tiny_data.shift_noisy.shape == tiny_data.shift_clean.shape == (3 * 2, 1, 16, 24)
    again = make_sweep_data(train_per_image=4, val_per_image=2, size=16)
    assert all(torch.equal(again.val_noisy[s], tiny_data.val_noisy[s]) for s in tiny_data.val_noisy)
    # each noisy validation input scores about what its sigma predicts, -20 log10(sigma) dB
    for s, noisy in tiny_data.val_noisy.items():
        assert abs(psnr(noisy, tiny_data.val_clean) + 20 * torch.log10(torch.tensor(s)).item()) < 1.5


def test_single_thread_restores():
    previous = torch.get_num_threads()
    with pytest.raises(RuntimeError):
        with single_thread():
            assert torch.get_num_threads() == 1
            raise RuntimeError
    assert torch.get_num_threads() == previous


# --------------------------------------------------------------------------- #
# measurements and training
# --------------------------------------------------------------------------- #
def test_validation_psnr_of_the_noisy_input(tiny_data):
    per_patch = {}
    scores = validation_psnr(lambda x, s: x, tiny_data, batch=4, per_patch=per_patch)
    for s, (p, se) in scores.items():
        assert p == pytest.approx(psnr(tiny_data.val_noisy[s].clamp(0, 1), tiny_data.val_clean), abs=1e-4)
        assert se > 0 and per_patch[s].dtype == torch.float64 and per_patch[s].shape == (6,)


def test_shift_consistency_of_an_identity_is_infinite(tiny_data):
    ident = lambda x, s: x  # noqa: E731 - an exactly shift-equivariant "denoiser"
    assert all(v == float("inf") for v in shift_consistency(ident, tiny_data).values())
    blocky = lambda x, s: torch.nn.functional.avg_pool2d(x, 2).repeat_interleave(2, -1).repeat_interleave(2, -2)  # noqa: E731
    res = shift_consistency(blocky, tiny_data)
    assert res[1] < 60 and res[2] == float("inf")


def test_run_is_deterministic_and_stop_after_reproduces_the_curve(tiny_data):
    full = train_sweep_run(TINY, tiny_data)
    again = train_sweep_run(TINY, tiny_data)
    short = train_sweep_run(TINY, tiny_data, stop_after=4)
    assert full["curve"] == again["curve"]
    assert short["curve"] == full["curve"][:3]
    assert short["steps"] == 4 and full["steps"] == 6
    assert full["params"] == sum(p.numel() for p in full["net"].parameters())


def test_same_result_whatever_the_thread_count(tiny_data):
    config = SweepConfig(up="transposed k4s2", down="conv s2 p1", seed=1, channels=(4, 4, 4), steps=3, batch=2)
    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        a = train_sweep_run(config, tiny_data)
        assert torch.get_num_threads() == 2  # restored
        torch.set_num_threads(1)
        b = train_sweep_run(config, tiny_data)
    finally:
        torch.set_num_threads(previous)
    sa, sb = a["net"].state_dict(), b["net"].state_dict()
    assert a["curve"] == b["curve"] and all(torch.equal(sa[k], sb[k]) for k in sa)


def test_everything_chapter_05_takes_from_the_sweep_module_is_public():
    """Chapter 05 imports this module as ``dn``; each ``dn.<name>`` it uses is in the module's public API."""
    import re

    notebook = json.loads((Path(__file__).resolve().parents[1] / "book" / "05_ddim_unet.ipynb").read_text())
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    used = set(re.findall(r"\bdn\.(\w+)", code))
    assert {"SweepConfig", "make_sweep_data", "train_sweep_run"} <= used
    assert all(name in unet_sweep.__all__ and hasattr(unet_sweep, name) for name in used), sorted(used)


# --------------------------------------------------------------------------- #
# paired statistics
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("n", [2, 5, 10, 30], ids=lambda n: f"n={n}")
def test_paired_interval_matches_scipy(n):
    g = torch.Generator().manual_seed(n)
    d = (torch.randn(n, generator=g, dtype=torch.float64) * 0.3 + 0.1).tolist()
    mean, lo, hi = paired_interval(d)
    ci = stats.ttest_1samp(d, 0.0).confidence_interval(0.95)
    assert mean == pytest.approx(sum(d) / n)
    assert (lo, hi) == pytest.approx((ci.low, ci.high), rel=1e-9)


def test_paired_interval_errors():
    with pytest.raises(ValueError, match=r"^paired_interval: need at least two paired differences, got 1$"):
        paired_interval([0.1])
    with pytest.raises(ValueError, match=r"^paired_interval: level must lie in \(0, 1\), got 1.5$"):
        paired_interval([0.1, 0.2], level=1.5)


@pytest.mark.parametrize("low,high,expected", [
    (0.11, 0.5, "better"), (-0.5, -0.11, "worse"), (-0.09, 0.09, "equivalent"),
    (0.01, 0.2, "higher, not resolved against the threshold"), (-0.2, -0.01, "lower, not resolved against the threshold"),
    (-0.2, 0.2, "unresolved"), (-0.05, 0.15, "unresolved"),
], ids=lambda v: f"{v:+g}" if isinstance(v, float) else v)
def test_classify_difference(low, high, expected):
    assert classify_difference(low, high, 0.1) == expected


def test_classify_difference_errors():
    with pytest.raises(ValueError, match=r"^classify_difference: need low <= high, got \[0.2, 0.1\]$"):
        classify_difference(0.2, 0.1, 0.1)
    with pytest.raises(ValueError, match=r"^classify_difference: threshold must be positive, got 0.0$"):
        classify_difference(0.0, 0.1, 0.0)


# --------------------------------------------------------------------------- #
# the sweep script
# --------------------------------------------------------------------------- #
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
