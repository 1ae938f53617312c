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


def test_a_group_of_commands_is_all_or_nothing():
    from dgx_pixels_app.core.commands import Group, set_pixel

    sprite = Sprite.new(2, 2)
    lid, fid = sprite.layers[0].id, sprite.frames[0].id
    with pytest.raises(InvalidInputError):
        History(sprite).push(
            Group(
                [
                    set_pixel(sprite, lid, fid, 1, 1, (9, 9, 9, 255)),
                    InsertFrame(0, sprite.frames[0].__class__()),
                    InsertFrame(99, sprite.frames[0].__class__()),
                ]
            )
        )  # fails
    assert len(sprite.frames) == 1 and sprite.cel(lid, fid) is None  # the first steps undone


def test_canvas_and_sprite_size_and_duplicate_keep_cels_linked_and_the_reference_in_place():
    from dgx_pixels_app.core.canvas_ops import canvas_size_command, sprite_size_command
    from dgx_pixels_app.core.group_commands import LinkCels
    from dgx_pixels_app.core.layer_commands import duplicate_layer_command

    sprite = Sprite.new(4, 4, frames=3)
    history = History(sprite)
    lid = sprite.layers[0].id
    sprite.cels[(lid, sprite.frames[0].id)] = Cel(np.full((4, 4, 4), 200, np.uint8))
    history.push(LinkCels(lid, [f.id for f in sprite.frames]))
    sprite.reference = Reference(np.zeros((2, 2, 4), np.uint8), 90, (0.0, 0.0, 4.0, 4.0))
    history.push(canvas_size_command(sprite, 8, 8, "center"))
    assert len(sprite.linked(lid, sprite.frames[0].id)) == 3
    assert sprite.reference.bounds == (2.0, 2.0, 4.0, 4.0)  # over the same pixels
    history.push(sprite_size_command(sprite, 16, 16))
    assert len(sprite.linked(lid, sprite.frames[0].id)) == 3
    assert sprite.reference.bounds == (4.0, 4.0, 8.0, 8.0)
    history.push(duplicate_layer_command(sprite, lid))
    copy = sprite.layers[1].id
    assert len(sprite.linked(copy, sprite.frames[0].id)) == 3
    assert sprite.cel(copy, sprite.frames[0].id) is not sprite.cel(lid, sprite.frames[0].id)
    history.undo()
    history.undo()
    history.undo()
    assert sprite.reference.bounds == (0.0, 0.0, 4.0, 4.0) and sprite.width == 4


def test_an_indexed_palette_edit_recolours_the_reference_too_and_undo_restores_it():
    from dgx_pixels_app.core.commands import SetPalette

    sprite = Sprite.new(2, 2, palette=Palette([(200, 30, 30), (30, 30, 200)]))
    history = History(sprite)
    history.push(to_indexed(sprite))
    red = np.zeros((2, 2, 4), np.uint8)
    red[...] = (200, 30, 30, 255)
    history.push(SetReference(Reference(red, 100)))
    gold = sprite.palette.copy()
    gold.colors[1] = (250, 200, 0, 255)
    history.push(SetPalette(gold))
    assert sprite.reference.image[0, 0].tolist() == [250, 200, 0, 255]
    history.undo()
    assert sprite.reference.image[0, 0].tolist() == [200, 30, 30, 255]
