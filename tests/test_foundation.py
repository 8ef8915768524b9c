"""Unit tests of the groundwork every chapter uses: images, features, arithmetic, metrics, devices, figures."""
from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import pytest
import torch
import torch.nn.functional as F

import resample_lib as rl
from resample_lib.helpers import viz


@pytest.mark.parametrize("name", rl.PHOTOS)
def test_photos_are_unit_range_nchw(name):
    img = rl.photo(name)
    assert img.dim() == 4 and img.shape[0] == 1 and img.shape[1] in (1, 3)
    assert img.dtype == torch.float32
    assert 0.0 <= img.min() and img.max() <= 1.0 and img.max() > 0.5


def test_photo_gray_and_crop():
    img = rl.photo("astronaut", gray=True, crop=(40, 60))
    assert img.shape == (1, 1, 40, 60)
    full = rl.photo("astronaut")
    top, left = (512 - 40) // 2, (512 - 60) // 2
    expected = (full[..., top:top + 40, left:left + 60] * torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(1)
    torch.testing.assert_close(img[:, 0], expected)


def test_photo_rejects_unknown_name_and_big_crop():
    with pytest.raises(ValueError, match="unknown photo 'lena'"):
        rl.photo("lena")
    with pytest.raises(ValueError, match="does not fit"):
        rl.photo("camera", crop=1000)


def test_zone_plate_local_frequency():
    # Along the middle row, the phase is pi*x^2/N, so the local frequency at x is x/N cycles per pixel:
    # the zero crossings of z - 1/2 get closer towards the edge, and the centre is a maximum.
    n = 128
    z = rl.zone_plate(n)[0, 0].double()
    assert z.shape == (n, n) and 0 <= z.min() and z.max() <= 1
    x = torch.arange(n, dtype=torch.float64) - (n - 1) / 2
    expected_row = 0.5 + 0.5 * torch.cos(math.pi * (x**2 + x[n // 2] ** 2) / n)
    torch.testing.assert_close(z[n // 2], expected_row, atol=1e-6, rtol=0)
    # symmetric about the centre
    torch.testing.assert_close(z, z.flip(0))
    torch.testing.assert_close(z, z.T)


def test_synthetic_patterns():
    cb = rl.checkerboard(16, square=4)[0, 0]
    assert cb[0, 0] == 0 and cb[0, 4] == 1 and cb[4, 4] == 0 and cb.mean() == 0.5
    imp = rl.impulse(7)[0, 0]
    assert imp.sum() == 1 and imp[3, 3] == 1
    d = rl.disk(33, radius=5)[0, 0]
    assert d[16, 16] == 1 and d[0, 0] == 0 and d[16, 21] == 1 and d[16, 22] == 0
    r = rl.ramp(5)[0, 0]
    torch.testing.assert_close(r[2], torch.linspace(0, 1, 5))
    torch.testing.assert_close(rl.ramp(5, axis=-2)[0, 0][:, 1], torch.linspace(0, 1, 5))
    with pytest.raises(ValueError, match="square must be"):
        rl.checkerboard(8, square=0)


def test_feature_bank_is_zero_mean_and_detects_orientation():
    weight, names = rl.filter_bank()
    assert weight.shape == (5, 1, 7, 7) and len(names) == 5
    torch.testing.assert_close(weight.sum(dim=(1, 2, 3)), torch.zeros(5), atol=1e-6, rtol=0)
    # a vertical edge (intensity changes along x) excites the 0° detector most, a horizontal one the 90° detector
    vertical = rl.ramp(32, axis=-1).gt(0.5).float()
    horizontal = rl.ramp(32, axis=-2).gt(0.5).float()
    for img, best in ((vertical, 0), (horizontal, 2)):
        maps, _ = rl.feature_maps(img)
        energy = maps[0, :4].abs().sum(dim=(1, 2))
        assert int(energy.argmax()) == best


def test_feature_maps_flat_image_gives_zero_and_keeps_size():
    maps, _ = rl.feature_maps(torch.full((2, 3, 20, 24), 0.7))
    assert maps.shape == (2, 5, 20, 24)
    assert maps.abs().max() < 1e-6
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        rl.feature_maps(torch.zeros(3, 8, 8))


@pytest.mark.parametrize("seed", range(20))
def test_output_size_arithmetic_matches_torch(seed):
    g = torch.Generator().manual_seed(seed)
    r = lambda lo, hi: int(torch.randint(lo, hi + 1, (1,), generator=g))
    k, s, d = r(1, 5), r(1, 4), r(1, 3)
    p = r(0, k // 2)
    n = r(d * (k - 1) + 1, 20)
    x = torch.zeros(1, 1, n, n)
    w = torch.zeros(1, 1, k, k)
    assert rl.conv_output_size(n, k, s, p, d) == F.conv2d(x, w, stride=s, padding=p, dilation=d).shape[-1]
    op = r(0, max(s, d) - 1)
    assert rl.conv_transpose_output_size(n, k, s, p, op, d) == F.conv_transpose2d(
        x, w, stride=s, padding=p, output_padding=op, dilation=d).shape[-1]
    for ceil in (False, True):
        expected = F.max_pool2d(x, k, s, p, d, ceil_mode=ceil).shape[-1]
        assert rl.pool_output_size(n, k, s, p, d, ceil_mode=ceil) == expected


def test_output_padding_for_recovers_the_input_size():
    # stride 2: inputs of size 7 and 8 both give 4; output_padding picks which one comes back
    for n in (7, 8):
        o = rl.conv_output_size(n, 3, 2, 1)
        op = rl.output_padding_for(o, n, 3, 2, 1)
        assert rl.conv_transpose_output_size(o, 3, 2, 1, op) == n and 0 <= op < 2


def test_psnr():
    a = torch.zeros(10)
    assert rl.psnr(a, a) == math.inf
    assert rl.psnr(a + 0.1, a) == pytest.approx(20.0)
    with pytest.raises(ValueError, match="shapes differ"):
        rl.psnr(torch.zeros(3), torch.zeros(4))


def test_device_and_seed():
    assert rl.get_device().type in ("cpu", "cuda")
    assert rl.get_device("cpu") == torch.device("cpu")
    g1 = rl.manual_seed(3)
    a = torch.rand(4)
    rl.manual_seed(3)
    assert torch.equal(a, torch.rand(4))
    assert torch.equal(torch.rand(2, generator=g1), torch.rand(2, generator=torch.Generator().manual_seed(3)))


def test_viz_figures_have_titles_and_colorbars():
    img = rl.photo("camera", crop=32)
    fig = viz.show_images([img, img[..., ::2, ::2]], ["a", "b"])
    assert [ax.get_title() for ax in fig.axes[:2]] == ["a\n32×32", "b\n16×16"]
    maps, names = rl.feature_maps(img)
    fig = viz.feature_grid(maps[0], names)
    assert len(fig.axes) == 6  # 5 maps + one shared colour bar
    fig = viz.feature_grid(maps[0], names, shared=False)
    assert len(fig.axes) == 10  # one colour bar per map
    for ax in fig.axes:
        assert all(im.get_interpolation() == "nearest" for im in ax.images)
    with pytest.raises(ValueError, match="2 images but 1 titles"):
        viz.show_images([img, img], ["only one"])
    matplotlib.pyplot.close("all")


@pytest.mark.parametrize("n", range(3, 14))
@pytest.mark.parametrize("k,s", [(3, 2), (2, 2), (5, 2), (3, 3), (4, 1)])
def test_tf_same_padding_gives_ceil_n_over_s(n, k, s):
    before, after = rl.tf_same_padding(n, k, s)
    assert 0 <= after - before <= 1  # the odd pixel goes after
    x = F.pad(torch.zeros(1, 1, n, n), (before, after, before, after))
    assert F.conv2d(x, torch.zeros(1, 1, k, k), stride=s).shape[-1] == -(-n // s)


def test_ddim_pad_equals_tf_same_on_even_sizes_only():
    assert all(rl.tf_same_padding(n, 3, 2) == (0, 1) for n in range(4, 40, 2))
    assert all(rl.tf_same_padding(n, 3, 2) == (1, 1) for n in range(5, 40, 2))


@pytest.mark.parametrize("layers", [[(3, 2)], [(3, 2), (3, 2), (3, 2)], [(5, 1), (2, 2), (3, 2)], [(3, 1), (3, 1)]],
                         ids=lambda layers: "+".join(f"k{k}s{s}" for k, s in layers))
def test_receptive_field_matches_gradient_support(layers):
    n = 64
    x = torch.zeros(1, 1, n, n, dtype=torch.float64, requires_grad=True)
    y = x
    for k, s in layers:
        y = F.conv2d(y, torch.ones(1, 1, k, k, dtype=torch.float64), stride=s)
    centre = y.shape[-1] // 2
    (grad,) = torch.autograd.grad(y[0, 0, centre, centre], x)
    rows = grad[0, 0].abs().sum(dim=1).nonzero()
    support = int(rows.max() - rows.min() + 1)
    assert support == rl.receptive_field([k for k, _ in layers], [s for _, s in layers])
