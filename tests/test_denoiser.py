"""resample_lib.nn.denoising_unet: the noise-conditioned U-Net of the controlled experiment, its paired
initialisation, shapes and argument checks."""
import pytest
import torch

import resample_lib as rl
from resample_lib.nn.denoising_unet import CondResBlock, DenoisingUNet, NoiseEmbedding

PAIRS = [(u, "pad+conv s2 (DDIM)") for u in rl.UPSAMPLERS] + [("nearest+conv (DDIM)", d) for d in rl.DOWNSAMPLERS]
PAIR_IDS = [f"{u} | {d}" for u, d in PAIRS]


def _shared(a: DenoisingUNet, b: DenoisingUNet) -> list[str]:
    sa, sb = a.state_dict(), b.state_dict()
    return [k for k in sa if not k.startswith(("ups.", "downs.")) and not torch.equal(sa[k], sb[k])]


@pytest.mark.parametrize("up,down", PAIRS, ids=PAIR_IDS)
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


def test_the_global_generator_plays_no_part():
    torch.manual_seed(0)
    a = DenoisingUNet((4, 8, 8), up="transposed k4s2", down="conv s2 p1", seed=2).state_dict()
    torch.manual_seed(1)
    b = DenoisingUNet((4, 8, 8), up="transposed k4s2", down="conv s2 p1", seed=2).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("up,down", PAIRS, ids=PAIR_IDS)
def test_shapes(up, down):
    net = DenoisingUNet((4, 8, 8), up=up, down=down, seed=0)
    x = torch.rand(2, 1, 16, 24)
    assert net(x, torch.full((2,), 0.1)).shape == x.shape


def test_parts():
    e = NoiseEmbedding(8)(torch.tensor([0.05, 0.1]))
    assert e.shape == (2, 8)
    assert CondResBlock(4, 8, emb_dim=8, groups=4)(torch.zeros(2, 4, 5, 5), e).shape == (2, 8, 5, 5)


@pytest.mark.parametrize("kwargs,message", [
    (dict(channels=(8,)), r"^DenoisingUNet: channels must hold at least two positive ints, got \(8,\)$"),
    (dict(channels=(8, 6)), r"^DenoisingUNet: groups=4 must divide every channel count, got \(8, 6\)$"),
    (dict(up="cubic"), r"^DenoisingUNet: unknown upsampler 'cubic'; expected one of \['nearest\+conv \(DDIM\)'"),
    (dict(down="strided"), r"^DenoisingUNet: unknown downsampler 'strided'; expected one of \['pad\+conv"),
], ids=["channels=(8,)", "channels=(8, 6)", "up=cubic", "down=strided"])
def test_constructor_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DenoisingUNet(**kwargs)


def test_input_errors():
    net = DenoisingUNet((4, 4, 4), seed=0)
    with pytest.raises(ValueError, match=r"^DenoisingUNet: H and W must be divisible by 4, got \(18, 16\)$"):
        net(torch.zeros(1, 1, 18, 16), torch.full((1,), 0.1))
    with pytest.raises(ValueError, match=r"^DenoisingUNet: expected an input of shape \(N, 1, H, W\), got \(1, 3, 16, 16\)$"):
        net(torch.zeros(1, 3, 16, 16), torch.full((1,), 0.1))
