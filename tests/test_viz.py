"""The book's figure helpers: integer zooms, antialiased shrinking, self-contained animations."""
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.animation import FuncAnimation  # noqa: E402

from resample_lib.helpers import viz  # noqa: E402


@pytest.mark.parametrize("h,w,ncols", [(8, 8, 1), (32, 32, 4), (64, 48, 3), (256, 256, 2), (700, 100, 1)])
def test_display_zoom_fits_the_page_with_an_integer_zoom(h, w, ncols):
    zoom, shrink = viz.display_zoom(h, w, ncols)
    assert isinstance(zoom, int) and isinstance(shrink, int) and zoom >= 1 and shrink >= 1
    assert ncols * (w // shrink * zoom + 14) + 14 <= viz.MAX_WIDTH_PX
    assert zoom == 1 or shrink == 1


def test_show_images_draws_whole_pixels():
    fig = viz.show_images([torch.rand(1, 1, 16, 16), torch.rand(1, 1, 8, 8)], ["a", "b"])
    a, b = fig.axes
    for ax, n in ((a, 16), (b, 8)):
        width_px = ax.get_position().width * fig.get_figwidth() * viz.DPI
        assert abs(width_px / n - round(width_px / n)) < 1e-6  # each image pixel is a whole number of screen pixels
    plt.close(fig)


def test_shrink_for_display_averages():
    x = torch.arange(16.0).view(1, 1, 4, 4)
    assert torch.equal(viz.shrink_for_display(x, 2), torch.nn.functional.avg_pool2d(x, 2))


def test_animation_html_is_self_contained_and_has_alt_text():
    fig, ax = plt.subplots(figsize=(2, 2))
    im = ax.imshow([[0.0, 1.0], [1.0, 0.0]])
    anim = FuncAnimation(fig, lambda i: (im.set_data([[i, 1.0], [1.0, 0.0]]),), frames=2)
    html = viz.animation_html(anim, 'a "quoted" test').data
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert '<img alt="a &quot;quoted&quot; test" style="width: 200px' in html
    with pytest.raises(ValueError, match="alt text"):
        viz.animation_html(anim, " ")
