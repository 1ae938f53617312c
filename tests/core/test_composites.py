"""The per-frame composite cache stays equal to a fresh composite through every kind of
change, and answers repeated requests without recompositing."""

import numpy as np

from dgx_pixels_app.core.commands import SetCel, set_pixel
from dgx_pixels_app.core.document import Cel, Sprite
from dgx_pixels_app.core.frame_commands import duplicate_frame_command
from dgx_pixels_app.core.layer_commands import SetLayerProperties
from dgx_pixels_app.core.session import Session
from tests.helpers import random_cel


def session():
    sprite = Sprite.new(32, 24, layers=3, frames=3)
    for li, layer in enumerate(sprite.layers):
        for fi, frame in enumerate(sprite.frames):
            sprite.cels[(layer.id, frame.id)] = random_cel(sprite, li * 10 + fi)
    return Session(sprite)


def fresh(s, index):
    return s.sprite.composite(index)


def test_cache_tracks_every_change():
    s = session()
    cache = s.composites
    for i in range(3):
        assert np.array_equal(cache.get(i), fresh(s, i))
    assert cache.misses == 3
    cache.get(1)
    assert cache.hits == 1
    layer, frame = s.sprite.layers[2], s.sprite.frames[1]
    s.history.push(set_pixel(s.sprite, layer.id, frame.id, 5, 6, (1, 2, 3, 255)))
    assert np.array_equal(cache.get(1), fresh(s, 1)) and cache.get(1)[6, 5].tolist() == [
        1,
        2,
        3,
        255,
    ]
    s.history.push(SetLayerProperties(layer.id, visible=False))
    assert np.array_equal(cache.get(1), fresh(s, 1))
    s.history.undo()
    s.history.push(SetCel(layer.id, frame.id, Cel(np.zeros((24, 32, 4), np.uint8))))
    assert np.array_equal(cache.get(1), fresh(s, 1))
    s.history.push(duplicate_frame_command(s.sprite, s.sprite.frames[0].id))
    for i in range(len(s.sprite.frames)):
        assert np.array_equal(cache.get(i), fresh(s, i))
    s.history.undo()
    s.history.undo()
    assert np.array_equal(cache.get(1), fresh(s, 1))
    assert not cache.get(0).flags.writeable  # views copy before they change it
