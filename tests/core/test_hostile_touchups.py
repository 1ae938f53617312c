"""What a hostile review of the touch-up set found, kept found: the frame limit,
repeated variants, nulls and stray options for agents, non-finite transforms and axes,
a clear outline colour, an indexed sprite's reference."""

import math

import numpy as np
import pytest

from dgx_pixels_app.core import raster
from dgx_pixels_app.core.brush import Brush, stamp
from dgx_pixels_app.core.color_mode import to_indexed
from dgx_pixels_app.core.document import Cel, Reference, Sprite
from dgx_pixels_app.core.errors import InvalidInputError, OptionError
from dgx_pixels_app.core.frame_commands import InsertFrame
from dgx_pixels_app.core.group_commands import SetReference
from dgx_pixels_app.core.history import History
from dgx_pixels_app.core.limits import MAX_FRAMES
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.core.sprite_ops import outline
from dgx_pixels_app.core.transform import Transform, apply
from dgx_pixels_app.jobs.edit import edit_command
from dgx_pixels_app.jobs.recolor import parse_hue_shifts
from dgx_pixels_app.jobs.variants import as_frames_command, named_variants


def test_no_command_makes_more_frames_than_a_file_can_hold():
    sprite = Sprite.new(1, 1, frames=MAX_FRAMES // 2 + 1)
    sprite.cels[(sprite.layers[0].id, sprite.frames[0].id)] = Cel(np.full((1, 1, 4), 255, np.uint8))
    with pytest.raises(InvalidInputError, match="at most 10000: write them as files"):
        as_frames_command(sprite, named_variants(sprite, "120"))
    full = Sprite.new(1, 1, frames=MAX_FRAMES)
    with pytest.raises(InvalidInputError, match="at most 10000 frames"):
        History(full).push(InsertFrame(0, full.frames[0].__class__()))
    assert len(full.frames) == MAX_FRAMES


@pytest.mark.parametrize("text", ["10,10", "0,360", "-0,0", "90,-270"])
def test_the_same_variant_twice_is_refused(text):
    with pytest.raises(OptionError, match="same variant twice"):
        parse_hue_shifts(text)


@pytest.mark.parametrize(
    ("operation", "options", "message"),
    [
        ("hue-saturation", {"hue": None}, "hue needs a value"),
        ("outline", {"color": None}, "color needs a value"),
        ("trim", {"hue": 50}, "hue does nothing for trim"),
        ("canvas-size", {"width": 20, "left": 3}, "give one or the other"),
        ("rotate", {"angle": math.inf}, "angle must be -360 to 360"),
    ],
)
def test_agents_nulls_and_stray_options_are_named(operation, options, message):
    sprite = Sprite.new(4, 4)
    sprite.cels[(sprite.layers[0].id, sprite.frames[0].id)] = Cel(np.full((4, 4, 4), 255, np.uint8))
    with pytest.raises(OptionError, match=message):
        edit_command(sprite, operation, options)


@pytest.mark.parametrize(
    "t",
    [Transform(sx=math.nan), Transform(sx=math.inf), Transform(sx=1e308), Transform(dx=math.nan),
     Transform(dy=1e12), Transform(angle=math.inf)],
)  # fmt: skip
def test_a_transform_that_is_not_finite_or_too_big_is_said(t):
    image = np.zeros((8, 8, 4), np.uint8)
    image[2:4, 2:4] = 255
    with pytest.raises(InvalidInputError):
        apply(image, image[..., 3] > 0, t)


def test_an_axis_off_the_canvas_falls_back_to_the_centre_and_points_may_be_fractional():
    ys, xs = raster.mirror_coords((np.array([0]), np.array([1])), 8, 1, True, False,
                                  (math.nan, None))  # fmt: skip
    assert sorted(xs.tolist()) == [1, 6]
    target = np.zeros((4, 4, 4), np.uint8)
    brush = Brush(np.full((1, 1, 4), 255, np.uint8))
    assert stamp(target, brush, [(1.7, 2.2)], color=(9, 9, 9)) == (1, 2, 1, 1)
    assert target[2, 1].tolist() == [9, 9, 9, 255]


def test_a_clear_outline_colour_is_stored_as_clear():
    image = np.zeros((5, 5, 4), np.uint8)
    image[2, 2] = (200, 0, 0, 255)
    assert np.array_equal(outline(image, (255, 255, 255, 0)), image)  # nothing to change


def test_an_indexed_sprites_reference_is_shown_as_it_will_be_saved():
    sprite = Sprite.new(4, 4, palette=Palette([(200, 30, 30), (30, 30, 200)]))
    history = History(sprite)
    raw = np.zeros((6, 6, 4), np.uint8)
    raw[..., 0], raw[..., 3] = 190, 255
    history.push(SetReference(Reference(raw, 100)))
    assert sprite.reference.image[0, 0].tolist() == [190, 0, 0, 255]  # RGB: as given
    history.push(to_indexed(sprite))
    assert sprite.reference.image[0, 0].tolist() == [200, 30, 30, 255]  # on the palette now
    history.undo()
    assert sprite.reference.image[0, 0].tolist() == [190, 0, 0, 255]
