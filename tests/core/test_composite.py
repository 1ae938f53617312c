import numpy as np

from dgx_pixels_app.core.commands import set_pixel
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.history import History
from dgx_pixels_app.core.layer_commands import SetLayerProperties


def test_composite_blends_visible_layers_with_opacity():
    sprite = Sprite.new(2, 1, layers=2)
    history = History(sprite)
    bottom, top = sprite.layers
    fid = sprite.frames[0].id
    history.push(set_pixel(sprite, bottom.id, fid, 0, 0, (0, 0, 255, 255)))
    history.push(set_pixel(sprite, top.id, fid, 0, 0, (255, 0, 0, 255)))
    history.push(set_pixel(sprite, top.id, fid, 1, 0, (255, 0, 0, 255)))
    assert sprite.composite(0)[0, 0].tolist() == [255, 0, 0, 255]

    history.push(SetLayerProperties(top.id, opacity=128))
    blended = sprite.composite(0)
    assert blended[0, 0].tolist() == [128, 0, 127, 255]  # half red over blue
    assert blended[0, 1].tolist() == [255, 0, 0, 128]  # half red over nothing

    history.push(SetLayerProperties(top.id, visible=False))
    assert sprite.composite(0)[0, 0].tolist() == [0, 0, 255, 255]
    assert sprite.composite(0)[0, 1].tolist() == [0, 0, 0, 0]


def test_composite_of_region_matches_full():
    rng = np.random.default_rng(1)
    sprite = Sprite.new(16, 16, layers=3)
    history = History(sprite)
    for layer in sprite.layers:
        for _ in range(40):
            x, y = rng.integers(0, 16, 2)
            color = tuple(int(v) for v in rng.integers(0, 256, 4))
            history.push(set_pixel(sprite, layer.id, sprite.frames[0].id, x, y, color))
    history.push(SetLayerProperties(sprite.layers[1].id, opacity=90))
    full = sprite.composite(0)
    assert np.array_equal(sprite.composite(0, (3, 4, 7, 5)), full[4:9, 3:10])


def test_snapshot_is_independent():
    sprite = Sprite.new(4, 4)
    history = History(sprite)
    history.push(set_pixel(sprite, sprite.layers[0].id, sprite.frames[0].id, 0, 0, (1, 2, 3, 255)))
    snap = sprite.snapshot()
    history.push(set_pixel(sprite, sprite.layers[0].id, sprite.frames[0].id, 0, 0, (9, 9, 9, 255)))
    assert snap.composite(0)[0, 0].tolist() == [1, 2, 3, 255]
