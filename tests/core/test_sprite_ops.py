"""Sprite-wide touch-up operations: what each does to real pixels, that one undo puts
everything back, scopes and locked layers, and bad values said before any change."""

import numpy as np
import pytest

from dgx_pixels_app.core.canvas_ops import canvas_size_command, sprite_size_command, trim_command
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.frame_commands import duplicate_frame_command
from dgx_pixels_app.core.history import History
from dgx_pixels_app.core.sprite_ops import (
    brightness_contrast,
    hue_saturation,
    outline,
    pixels_command,
    replace_color,
    targets,
)

RED, BLUE, BLACK = (200, 30, 30, 255), (30, 30, 200, 255), (0, 0, 0, 255)


def knight(w=8, h=8):
    sprite = Sprite.new(w, h)
    history = History(sprite)
    image = np.zeros((h, w, 4), np.uint8)
    image[2:6, 3:5] = RED
    layer, frame = sprite.layers[0], sprite.frames[0]
    from dgx_pixels_app.core.commands import SetCel
    from dgx_pixels_app.core.document import Cel

    history.push(SetCel(layer.id, frame.id, Cel(image)))
    history.push(duplicate_frame_command(sprite, frame.id))
    return sprite, history


def images(sprite):
    return {key: cel.image.copy() for key, cel in sprite.cels.items()}


def test_outline_outside_and_inside_four_and_eight_connected():
    sprite, _ = knight()
    image = next(iter(sprite.cels.values())).image
    ring4 = outline(image, BLACK)
    assert (ring4[1, 3:5] == BLACK).all() and (ring4[1, 2] == 0).all()  # no corners at 4
    ring8 = outline(image, BLACK, diagonal=True)
    assert (ring8[1, 2] == BLACK).all()
    inner = outline(image, BLACK, outside=False)
    assert (inner[2, 3] == BLACK).all() and (inner[1, 3] == 0).all()
    assert (ring4[2:6, 3:5] == RED).all()  # the shape itself untouched outside


def test_one_undo_puts_every_frame_back_and_scopes_choose_the_cels():
    sprite, history = knight()
    before = images(sprite)
    layer, first = sprite.layers[0].id, sprite.frames[0].id
    assert len(targets(sprite, "all", layer, first)) == 2
    assert targets(sprite, "cel", layer, first) == [(layer, first)]
    command = pixels_command(sprite, targets(sprite, "layer", layer, first),
                             lambda im: outline(im, BLACK), "Outline")  # fmt: skip
    history.push(command)
    assert all((im[1, 3] == BLACK).all() for im in images(sprite).values())
    history.undo()
    assert all(np.array_equal(before[k], im) for k, im in images(sprite).items())


def test_locked_layers_are_left_alone_and_nothing_changing_is_no_command():
    sprite, _ = knight()
    sprite.layers[0].locked = True
    assert targets(sprite, "all", sprite.layers[0].id, sprite.frames[0].id) == []
    sprite.layers[0].locked = False
    keys = targets(sprite, "all", sprite.layers[0].id, sprite.frames[0].id)
    assert pixels_command(sprite, keys, lambda im: im.copy(), "Nothing") is None


def test_replace_color_with_tolerance_and_a_selection_mask():
    sprite, _ = knight()
    image = next(iter(sprite.cels.values())).image.copy()
    image[2, 3] = (205, 35, 25, 255)
    exact = replace_color(image, RED, BLUE)
    assert (exact[2, 3] != BLUE).any() and (exact[3, 3] == BLUE).all()
    near = replace_color(image, RED, BLUE, tolerance=6)
    assert (near[2, 3] == BLUE).all()
    mask = np.zeros(image.shape[:2], bool)
    mask[:4] = True
    keys = [next(iter(sprite.cels))]
    command = pixels_command(sprite, keys, lambda im: replace_color(im, RED, BLUE), "Replace",
                             mask=mask)  # fmt: skip
    command.apply(sprite)
    changed = sprite.cels[keys[0]].image
    assert (changed[3, 3] == BLUE).all() and (changed[4, 3] == RED).all()


def test_hue_shift_turns_red_blue_and_keeps_alpha_and_transparency():
    image = np.zeros((2, 2, 4), np.uint8)
    image[0, 0] = (255, 0, 0, 255)
    image[0, 1] = (255, 0, 0, 128)
    shifted = hue_saturation(image, hue=-120)
    assert tuple(shifted[0, 0]) == (0, 0, 255, 255) and shifted[0, 1, 3] == 128
    assert (shifted[1] == 0).all()
    grey = hue_saturation(image, saturation=-100)
    assert grey[0, 0, 0] == grey[0, 0, 1] == grey[0, 0, 2]
    assert (hue_saturation(image, lightness=100)[0, 0, :3] == 255).all()
    brighter = brightness_contrast(image, brightness=20)
    assert brighter[0, 0, 1] == 51 and brighter[1, 1, 3] == 0


@pytest.mark.parametrize(("call", "message"), [
    (lambda im: hue_saturation(im, hue=float("nan")), "hue"),
    (lambda im: hue_saturation(im, saturation=101), "saturation"),
    (lambda im: brightness_contrast(im, contrast=-1e9), "contrast"),
    (lambda im: replace_color(im, (1, 2), BLUE), "colour"),
    (lambda im: replace_color(im, RED, (0, 0, 300)), "colour"),
    (lambda im: replace_color(im, RED, BLUE, tolerance=-1), "tolerance"),
    (lambda im: outline(im, "black"), "colour"),
])  # fmt: skip
def test_bad_values_are_said(call, message):
    with pytest.raises(InvalidInputError, match=message):
        call(np.zeros((4, 4, 4), np.uint8))


def test_canvas_size_anchors_and_undo():
    sprite, history = knight()
    before = images(sprite)
    history.push(canvas_size_command(sprite, 12, 10, "bottom-right"))
    assert (sprite.width, sprite.height) == (12, 10)
    image = next(iter(sprite.cels.values())).image
    assert (image[4:8, 7:9] == RED).all()  # moved by (4, 2)
    history.undo()
    assert (sprite.width, sprite.height) == (8, 8) and all(
        np.array_equal(before[k], im) for k, im in images(sprite).items())  # fmt: skip
    history.push(canvas_size_command(sprite, 4, 4, "center"))  # a crop
    assert (next(iter(sprite.cels.values())).image[0:4, 1:3] == RED).all()


def test_sprite_size_is_nearest_and_trim_cuts_to_every_frames_content():
    sprite, history = knight()
    history.push(sprite_size_command(sprite, 16, 16))
    image = next(iter(sprite.cels.values())).image
    assert (image[4:12, 6:10] == RED).all() and len(np.unique(image.reshape(-1, 4), axis=0)) == 2
    history.undo()
    history.push(trim_command(sprite))
    assert (sprite.width, sprite.height) == (2, 4)
    assert trim_command(sprite) is None  # already tight


@pytest.mark.parametrize("size", [(0, 8), (8, -1), (100000, 8)])
def test_impossible_sizes_change_nothing(size):
    sprite, _ = knight()
    for build in (canvas_size_command, sprite_size_command):
        with pytest.raises(InvalidInputError):
            build(sprite, *size)
    assert (sprite.width, sprite.height) == (8, 8)


def test_an_empty_sprite_cannot_be_trimmed():
    with pytest.raises(InvalidInputError, match="Nothing to trim"):
        trim_command(Sprite.new(8, 8))


def test_selection_inverse_expand_contract_border_and_colour_range():
    from dgx_pixels_app.core import selection as sel

    box = sel.Selection.rect(2, 2, 4, 4, 8, 8)
    inverse = sel.inverse(box, 8, 8)
    assert int(inverse.mask.sum()) == 64 - 16 and sel.inverse(None, 8, 8).mask.all()
    assert sel.inverse(sel.Selection(np.ones((8, 8), bool)), 8, 8) is None
    assert sel.expand(box, 1) == (1, 1, 6, 6)
    assert sel.contract(box, 1) == (3, 3, 2, 2) and sel.contract(box, 2) is None
    assert int(sel.border(box, 1).mask.sum()) == 16 - 4
    sprite, _ = knight()
    image = next(iter(sprite.cels.values())).image.copy()
    image[0, 0] = RED  # not touching the shape: still in the range
    picked = sel.color_range(image, RED)
    assert picked.mask[0, 0] and int(picked.mask.sum()) == 9
    assert sel.color_range(image, (1, 2, 3, 255)) is None
    for bad in (0, 101):
        with pytest.raises(InvalidInputError, match="pixels"):
            sel.expand(box, bad)


def test_shade_steps_along_the_palette_and_clamps_at_its_ends():
    from dgx_pixels_app.core.raster import shade

    ramp = [(10, 10, 10, 255), (20, 20, 20, 255), (30, 30, 30, 255)]
    pixels = np.array([[10, 10, 10, 255], [30, 30, 30, 255], [99, 1, 1, 255], [10, 10, 10, 0]],
                      np.uint8)  # fmt: skip
    up = shade(pixels, ramp, 1)
    assert [tuple(p) for p in up] == [ramp[1], ramp[2], (99, 1, 1, 255), (10, 10, 10, 0)]
    assert tuple(shade(pixels, ramp, -1)[0]) == ramp[0]
    assert np.array_equal(shade(pixels, [], 1), pixels)


def test_palette_ramp_sort_and_from_sprite():
    from dgx_pixels_app.core.palette_ops import from_sprite, ramp, sort_colors

    steps = ramp((20, 20, 60, 255), (240, 220, 160, 255), 5, hue_shift=30)
    assert len(steps) == 5 and steps[0] == (20, 20, 60, 255) and steps[-1] == (240, 220, 160, 255)
    lights = [sum(c[:3]) for c in steps]
    assert lights == sorted(lights)  # dark to light
    straight = ramp((20, 20, 60, 255), (240, 220, 160, 255), 5)
    assert steps[2] != straight[2]  # the hue shift bends the middle
    assert sort_colors([(255, 255, 255, 255), (0, 0, 0, 255)]) == [
        (0, 0, 0, 255),
        (255, 255, 255, 255),
    ]
    sprite, _ = knight()
    palette = from_sprite(sprite)
    assert palette.colors == [RED]
    for bad in (lambda: ramp(RED, BLUE, 1), lambda: ramp(RED, BLUE, 4, 400),
                lambda: sort_colors([], "size"), lambda: from_sprite(sprite, 0)):  # fmt: skip
        with pytest.raises(InvalidInputError):
            bad()


def test_rotsprite_keeps_colours_and_right_angles_exact():
    from dgx_pixels_app.core.rotsprite import rotate, scale2x

    image = np.zeros((16, 16, 4), np.uint8)
    image[4:12, 6:10] = RED
    image[4:6, 6:10] = BLUE
    assert np.array_equal(rotate(image, 90), np.rot90(image, -1))
    assert np.array_equal(rotate(image, 0), image)
    turned = rotate(image, 30)
    colours = {tuple(c) for c in turned.reshape(-1, 4)}
    assert colours <= {tuple(c) for c in image.reshape(-1, 4)}  # no new colour
    assert abs(int((turned[..., 3] > 0).sum()) - 32) <= 6  # about the same area
    big = scale2x(np.array([[RED, BLUE], [BLUE, BLUE]], np.uint8))
    assert big.shape == (4, 4, 4) and tuple(big[1, 1]) == BLUE  # the corner rounds off
    with pytest.raises(InvalidInputError, match="angle"):
        rotate(image, float("nan"))


def test_per_colour_work_gives_exactly_the_direct_result():
    from dgx_pixels_app.core.sprite_ops import _hsl_shift, _levels, per_color

    rng = np.random.default_rng(3)
    palette = rng.integers(0, 256, (12, 4), dtype=np.uint8)
    few = palette[rng.integers(0, 12, (40, 40))]
    many = rng.integers(0, 256, (40, 40, 4), dtype=np.uint8)  # a photo: the direct path
    for image in (few, many):
        assert np.array_equal(per_color(image, lambda im: _hsl_shift(im, 70, 20, -10)),
                              _hsl_shift(image, 70, 20, -10))  # fmt: skip
        assert np.array_equal(per_color(image, lambda im: _levels(im, 15, -30)),
                              _levels(image, 15, -30))  # fmt: skip


def test_outline_in_a_darker_shade_of_the_pixel_beside_it():
    from dgx_pixels_app.core.sprite_ops import outline

    image = np.zeros((5, 5, 4), np.uint8)
    image[2, 1] = (200, 100, 50, 255)
    image[2, 2] = (100, 200, 250, 255)
    ring = outline(image, (0, 0, 0, 255), shade=True)
    assert tuple(ring[2, 0]) == (120, 60, 30, 255)  # left of the orange pixel: 60 % of it
    assert tuple(ring[2, 3]) == (60, 120, 150, 255)  # right of the blue one
    assert tuple(ring[1, 2]) == (60, 120, 150, 255)
    inside = outline(image, (0, 0, 0, 255), outside=False, shade=True)
    assert tuple(inside[2, 1]) == (120, 60, 30, 255)  # the edge pixel itself, darker


def _plain_rotsprite(image, degrees):
    """RotSprite the long way: Scale2x three times over the whole image, every sample."""
    import math

    from dgx_pixels_app.core.rotsprite import scale2x

    big = scale2x(scale2x(scale2x(image)))
    h, w = image.shape[:2]
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    ys, xs = np.mgrid[0:h, 0:w]
    cx, cy = (xs + 0.5) * 8 - w * 4, (ys + 0.5) * 8 - h * 4
    sx = np.floor(cos * cx + sin * cy + w * 4).astype(np.int64)
    sy = np.floor(-sin * cx + cos * cy + h * 4).astype(np.int64)
    inside = (sx >= 0) & (sx < w * 8) & (sy >= 0) & (sy < h * 8)
    out = np.zeros_like(image)
    out[inside] = big[sy[inside], sx[inside]]
    return out


@pytest.mark.parametrize("angle", [15, 30, -73.3, 100, 181, 270.5])
def test_rotsprite_on_the_content_only_equals_the_plain_method(angle):
    from dgx_pixels_app.core.rotsprite import rotate

    rng = np.random.default_rng(int(angle * 10) % 97)
    palette = rng.integers(0, 256, (5, 4), dtype=np.uint8)
    palette[:, 3] = 255
    for box in ((0, 0, 37, 30), (10, 8, 12, 9), (25, 0, 12, 4)):  # full, middle, at an edge
        image = np.zeros((30, 37, 4), np.uint8)
        x, y, w, h = box
        image[y : y + h, x : x + w] = palette[rng.integers(0, 5, (h, w))]
        image[rng.random((30, 37)) < 0.2] = 0
        assert np.array_equal(rotate(image, angle), _plain_rotsprite(image, angle)), box
