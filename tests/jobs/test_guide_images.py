"""What a ControlNet is shown: a sprite turned into line art, a silhouette or a tile;
a control map scaled (its proportions kept); a reference squared before the encoder's
centre crop; a pose template drawn at the image's size."""

from __future__ import annotations

import numpy as np
import pytest

from dgx_pixels_app.core.control import ControlRef
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.jobs.guides import _enlarge, control_image, pose_image


def _sprite() -> np.ndarray:
    sprite = np.zeros((16, 16, 4), np.uint8)
    sprite[2:14, 4:12] = (200, 40, 40, 255)  # a body
    sprite[2:6, 4:12] = (240, 200, 160, 255)  # a head of another colour
    return sprite


def test_a_sprite_becomes_line_art_a_silhouette_or_a_tile():
    lines = control_image(ControlRef("lineart", "s.png"), _sprite(), 64, 64)
    silhouette = control_image(ControlRef("scribble", "s.png"), _sprite(), 64, 64)
    tile = control_image(ControlRef("tile", "s.png"), _sprite(), 64, 64)
    assert lines.shape == silhouette.shape == tile.shape == (64, 64, 3)
    white = lines[..., 0] == 255
    filled = silhouette[..., 0] == 255
    assert filled.sum() == 8 * 12 * 16  # enlarged ×4, every body pixel
    assert white.sum() < filled.sum() / 2 and not (white & ~filled).any()  # outline inside
    assert white[24, 16:48].all()  # the line between head and body colours is drawn
    assert (tile[0, 0] == 255).all() and tuple(tile[40, 32]) == (200, 40, 40)


def test_a_control_map_is_scaled_and_its_proportions_kept():
    square = np.zeros((32, 32, 4), np.uint8)
    square[..., 3] = 255
    square[8:24, 8:24, :3] = 255
    scaled = control_image(ControlRef("depth", "d.png"), square, 128, 128)
    assert scaled.shape == (128, 128, 3) and scaled[64, 64, 0] == 255 and scaled[0, 0, 0] == 0
    with pytest.raises(InvalidInputError, match="is 32×32; the image is 128×64"):
        control_image(ControlRef("depth", "d.png"), square, 128, 64)
    with pytest.raises(InvalidInputError, match="not a skeleton"):
        control_image(ControlRef("pose", "hero.png"), _sprite(), 64, 64)


def test_a_tall_reference_is_squared_so_nothing_is_cropped():
    tall = np.zeros((32, 12, 4), np.uint8)
    tall[..., :3], tall[..., 3] = 90, 255
    square = _enlarge(tall)
    assert square.shape[0] == square.shape[1] >= 224
    assert (square[..., 3] == 255).sum() == 32 * 12 * (square.shape[0] // 32) ** 2  # all of it


def test_pose_templates_are_drawn_at_any_size():
    for w, h in ((64, 64), (128, 96), (1024, 1024)):
        image = pose_image("walk/south-west/5/chibi/top-down", w, h)
        assert image.shape == (h, w, 3) and image.any()
    with pytest.raises(InvalidInputError, match="Pose 'walk/up'"):
        pose_image("walk/up", 64, 64)
