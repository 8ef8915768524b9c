"""resample_lib.helpers.denoising_experiment: data, seeded training, evaluation, the deterministic memory count.

Everything here runs on tiny data (a few 16x16 patches, a few steps), in seconds.
"""
from __future__ import annotations

import pytest
import torch
from torch import nn

from resample_lib.helpers.denoising_experiment import (
    DataSpec,
    TrainConfig,
    add_noise,
    evaluate,
    make_denoising_data,
    patch_bank,
    run_experiments,
    single_thread,
    train_denoiser,
    training_memory,
)
from resample_lib.helpers.metrics import psnr

TINY = DataSpec(train_per_image=8, val_per_image=4, size=16)


@pytest.fixture(scope="module")
def tiny_data():
    return make_denoising_data(TINY)


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
    from resample_lib.helpers.images import photo

    image = photo("coins", gray=True)[0, 0]
    for p in patch_bank(["coins"], per_image=4, size=8, seed=0)[:, 0]:
        windows = image.unfold(0, 8, 1).unfold(1, 8, 1)  # every 8x8 window of the photo
        assert (windows == p).flatten(-2).all(-1).any()


def test_patch_bank_rejects_bad_arguments():
    with pytest.raises(ValueError, match="names"):
        patch_bank(["lena"], 2)
    with pytest.raises(ValueError, match="per_image"):
        patch_bank(["camera"], 0)
    with pytest.raises(ValueError, match="does not fit"):
        patch_bank(["camera"], 1, size=4096)


def test_add_noise_is_seeded_and_has_the_right_level():
    x = torch.full((4, 1, 64, 64), 0.5)
    a = add_noise(x, 0.1, torch.Generator().manual_seed(0))
    assert torch.equal(a, add_noise(x, 0.1, torch.Generator().manual_seed(0)))
    assert abs(float((a - x).std()) - 0.1) < 0.005
    assert torch.equal(add_noise(x, 0.0, torch.Generator()), x)
    with pytest.raises(TypeError):
        add_noise(x, 0.1, 0)
    with pytest.raises(ValueError):
        add_noise(x, -1.0, torch.Generator())


def test_make_denoising_data(tiny_data):
    assert tiny_data.train.shape == (32, 1, 16, 16)
    assert tiny_data.val_clean.shape == tiny_data.val_noisy.shape == (8, 1, 16, 16)
    assert torch.equal(make_denoising_data(TINY).val_noisy, tiny_data.val_noisy)
    # the noisy validation input scores what sigma = 0.1 predicts, 20 dB, give or take
    assert 19.0 < psnr(tiny_data.val_noisy, tiny_data.val_clean) < 21.0


# --------------------------------------------------------------------------- #
# training
# --------------------------------------------------------------------------- #
def test_evaluate_identity_scores_the_clamped_input(tiny_data):
    score = evaluate(nn.Identity(), tiny_data.val_noisy, tiny_data.val_clean, batch=3)
    assert score == psnr(tiny_data.val_noisy.clamp(0, 1), tiny_data.val_clean)


@pytest.mark.parametrize("channels_last", [True, False])
def test_same_seed_same_result_whatever_the_thread_count(tiny_data, channels_last):
    config = TrainConfig(up="transposed k4s2", down="conv s2 p1", seed=1, channels=(4, 8), steps=4,
                         channels_last=channels_last)
    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        a = train_denoiser(config, tiny_data)
        assert torch.get_num_threads() == 2  # restored
        torch.set_num_threads(1)
        b = train_denoiser(config, tiny_data)
    finally:
        torch.set_num_threads(previous)
    assert a.psnr == b.psnr and a.losses == b.losses and len(a.losses) == 4
    assert a.state_dict.keys() == b.state_dict.keys()
    assert all(torch.equal(a.state_dict[k], b.state_dict[k]) for k in a.state_dict)
    c = train_denoiser(TrainConfig(up="transposed k4s2", down="conv s2 p1", seed=2, channels=(4, 8), steps=4,
                                   channels_last=channels_last), tiny_data)
    assert c.losses != a.losses


def test_training_lowers_the_loss_and_the_model_round_trips(tiny_data):
    r = train_denoiser(TrainConfig(seed=0, channels=(4, 8), steps=30, lr=5e-3), tiny_data)
    assert sum(r.losses[-5:]) < sum(r.losses[:5])
    net = r.model()
    assert not net.training
    # rebuilt in the default memory format: equal up to the order of float additions
    assert evaluate(net, tiny_data.val_noisy, tiny_data.val_clean) == pytest.approx(r.psnr, abs=1e-3)


def test_single_thread_restores():
    previous = torch.get_num_threads()
    with pytest.raises(RuntimeError):
        with single_thread():
            assert torch.get_num_threads() == 1
            raise RuntimeError
    assert torch.get_num_threads() == previous


def test_run_experiments_in_workers_equals_in_process():
    configs = [TrainConfig(up=u, seed=s, channels=(4, 8), steps=3)
               for u in ("nearest+conv (DDIM)", "pixel shuffle (ICNR)") for s in (0, 1)]
    here = run_experiments(configs, TINY, workers=1, progress=False)
    there = run_experiments(configs, TINY, workers=2, progress=False)
    assert [r.config for r in there] == configs
    assert [r.psnr for r in here] == [r.psnr for r in there]
    assert [r.losses for r in here] == [r.losses for r in there]
    with pytest.raises(ValueError, match="workers"):
        run_experiments(configs, TINY, workers=0)


# --------------------------------------------------------------------------- #
# memory
# --------------------------------------------------------------------------- #
def test_training_memory_equals_a_hand_count():
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1, bias=False), nn.SiLU(), nn.Conv2d(2, 1, 1))
    m = training_memory(model, (2, 1, 4, 4))
    # conv1 saves its input x (2*1*16), SiLU its input (2*2*16), conv2 its input (2*2*16),
    # the loss the output (2*1*16) and the target (2*1*16): 224 float32 values
    assert m.saved_for_backward == 224 * 4
    n_params = 18 + 2 + 1
    assert (m.parameters, m.gradients, m.optimizer_state) == (n_params * 4, n_params * 4, 2 * n_params * 4)
    assert m.total == 224 * 4 + 4 * n_params * 4
    assert training_memory(model, (2, 1, 4, 4), optimizer="sgd").optimizer_state == 0


def test_training_memory_counts_a_shared_storage_once():
    class Twice(nn.Module):  # the same activation is saved by two multiplications
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.ones(1))

        def forward(self, x):
            h = torch.exp(x * self.w)  # exp saves its result h
            return h * self.w + h * self.w  # both products save h (and w) again

    m = training_memory(Twice(), (1, 10))
    # x (saved by x * w), h once, the output and the target: 40 values; w is a parameter
    assert m.saved_for_backward == 40 * 4


def test_training_memory_is_deterministic_and_scales_with_batch():
    from resample_lib.nn.small_unet import SmallUNet

    net = SmallUNet(channels=(4, 8), seed=0)
    a = training_memory(net, (2, 1, 16, 16))
    assert a == training_memory(net, (2, 1, 16, 16))
    b = training_memory(net, (4, 1, 16, 16))
    assert b.saved_for_backward == 2 * a.saved_for_backward
    assert b.parameters == a.parameters
    with pytest.raises(ValueError):
        training_memory(net, (2, 1, 16, 16), optimizer="lbfgs")
