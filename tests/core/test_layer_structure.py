"""Blend modes, groups, linked cels and indexed colour: what each does to the
picture, undo of every command, and the bad input each refuses."""

import numpy as np
import pytest

from dgx_pixels_app.core.blend import MODES, check_mode
from dgx_pixels_app.core.color_mode import SetColorMode, to_indexed
from dgx_pixels_app.core.commands import SetPalette, set_pixel
from dgx_pixels_app.core.document import Cel, Sprite
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.group_commands import (
    GroupLayer,
    LinkCels,
    Ungroup,
    UnlinkCel,
    group_layer_command,
)
from dgx_pixels_app.core.history import History
from dgx_pixels_app.core.layer_commands import MoveLayer, RemoveLayer, SetLayerProperties
from dgx_pixels_app.core.palette import Palette


def two_layers(bottom, top) -> tuple[Sprite, History]:
    sprite = Sprite.new(1, 1, layers=2)
    history = History(sprite)
    fid = sprite.frames[0].id
    history.push(set_pixel(sprite, sprite.layers[0].id, fid, 0, 0, bottom))
    history.push(set_pixel(sprite, sprite.layers[1].id, fid, 0, 0, top))
    return sprite, history


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("normal", [200, 100, 50]),
        ("multiply", [78, 78, 49]),  # 200*100/255, 100*200/255, 50*250/255
        ("screen", [222, 222, 251]),
        ("darken", [100, 100, 50]),
        ("lighten", [200, 200, 250]),
        ("addition", [255, 255, 255]),
        ("difference", [100, 100, 200]),
        ("overlay", [157, 188, 247]),  # hard light with the layers swapped
    ],
)
def test_each_blend_mode_mixes_with_the_layer_below(mode, expected):
    sprite, history = two_layers((100, 200, 250, 255), (200, 100, 50, 255))
    history.push(SetLayerProperties(sprite.layers[1].id, blend=mode))
    assert sprite.composite(0)[0, 0, :3].tolist() == expected
    history.undo()
    assert sprite.composite(0)[0, 0, :3].tolist() == [200, 100, 50]


def test_every_saved_mode_renders_and_over_nothing_shows_the_layer_itself():
    for mode in MODES:
        sprite = Sprite.new(1, 1, layers=1)
        History(sprite).push(set_pixel(sprite, sprite.layers[0].id, sprite.frames[0].id,
                                       0, 0, (10, 120, 240, 255)))  # fmt: skip
        sprite.layers[0].blend = mode
        assert sprite.composite(0)[0, 0].tolist() == [10, 120, 240, 255], mode
    for mode in MODES:  # and over a colour, never out of range or NaN
        sprite, _ = two_layers((30, 60, 250, 255), (250, 0, 128, 200))
        sprite.layers[1].blend = mode
        assert sprite.composite(0).dtype == np.uint8


def test_blend_names_are_checked():
    assert check_mode("Color-Dodge") == "color dodge"
    assert check_mode("add") == "addition"
    sprite, history = two_layers((1, 1, 1, 255), (2, 2, 2, 255))
    with pytest.raises(InvalidInputError, match="Unknown blend mode 'glow'"):
        history.push(SetLayerProperties(sprite.layers[1].id, blend="glow"))
    assert sprite.layers[1].blend == "normal"


def test_a_group_is_flattened_first_then_laid_with_its_opacity_once():
    sprite, history = two_layers((255, 0, 0, 255), (0, 0, 255, 255))
    history.push(group_layer_command(sprite, sprite.layers[0].id))
    group = sprite.layers[0]
    assert group.group and group.name == "Group 1"
    assert [layer.level for layer in sprite.layers] == [0, 1, 0]
    history.push(MoveLayer(sprite.layers[2].id, 2))  # the blue layer joins the group
    assert [layer.level for layer in sprite.layers] == [0, 1, 1]
    history.push(SetLayerProperties(group.id, opacity=128))
    # blue covers red inside the group; the group at 50 % is blue at 128, not 192
    assert sprite.composite(0)[0, 0].tolist() == [0, 0, 255, 128]
    history.push(SetLayerProperties(group.id, visible=False))
    assert sprite.composite(0)[0, 0].tolist() == [0, 0, 0, 0]
    assert not sprite.shown(2) and sprite.parents(2) == [group]
    assert sprite.display_order() == [0, 2, 1]  # the group above its children
    while history.can_undo:
        history.undo()
    assert [la.group for la in sprite.layers] == [False, False]
    assert [la.level for la in sprite.layers] == [0, 0]


def test_ungroup_and_delete_a_group_with_everything_in_it():
    sprite, history = two_layers((255, 0, 0, 255), (0, 0, 255, 255))
    top = sprite.layers[1]
    history.push(GroupLayer(top.id, "Armour"))
    group = sprite.layers[1]
    history.push(Ungroup(group.id))
    assert [la.name for la in sprite.layers] == ["Layer 1", "Layer 2"] and top.level == 0
    history.undo()
    history.push(RemoveLayer(group.id))
    assert [la.name for la in sprite.layers] == ["Layer 1"]
    history.undo()
    assert [la.name for la in sprite.layers] == ["Layer 1", "Armour", "Layer 2"]
    assert sprite.composite(0)[0, 0].tolist() == [0, 0, 255, 255]
    lonely = Sprite.new(1, 1)
    History(lonely).push(GroupLayer(lonely.layers[0].id, "Lonely"))
    with pytest.raises(InvalidInputError, match="at least one layer"):
        History(lonely).push(RemoveLayer(lonely.layers[0].id))  # nothing would be left
    assert len(lonely.layers) == 2
    with pytest.raises(InvalidInputError, match="not a group"):
        history.push(Ungroup(top.id))


def test_linked_cels_are_one_image_and_unlinking_copies_it():
    sprite = Sprite.new(4, 4, frames=3)
    history = History(sprite)
    layer = sprite.layers[0].id
    f1, f2, f3 = (f.id for f in sprite.frames)
    history.push(set_pixel(sprite, layer, f1, 0, 0, (255, 0, 0, 255)))
    history.push(LinkCels(layer, [f3, f1, f2]))
    assert sprite.linked(layer, f2) == [f1, f2, f3]
    history.push(set_pixel(sprite, layer, f3, 1, 1, (0, 255, 0, 255)))  # draw on frame 3
    assert sprite.composite(0)[1, 1].tolist() == [0, 255, 0, 255]  # frame 1 has it too
    snapshot = sprite.snapshot()
    assert snapshot.cel(layer, f1) is snapshot.cel(layer, f2)  # a copy keeps the link
    history.push(UnlinkCel(layer, f2))
    history.push(set_pixel(sprite, layer, f2, 2, 2, (0, 0, 255, 255)))
    assert sprite.composite(0)[2, 2].tolist() == [0, 0, 0, 0]
    assert sprite.linked(layer, f1) == [f1, f3]
    history.undo()
    history.undo()
    assert sprite.linked(layer, f1) == [f1, f2, f3]
    history.undo()
    history.undo()
    assert sprite.linked(layer, f1) == [f1] and sprite.cel(layer, f2) is None


def test_link_refuses_an_empty_first_cel_and_a_single_frame():
    sprite = Sprite.new(4, 4, frames=2)
    history = History(sprite)
    ids = [f.id for f in sprite.frames]
    with pytest.raises(InvalidInputError, match="nothing to link"):
        history.push(LinkCels(sprite.layers[0].id, ids))
    with pytest.raises(InvalidInputError, match="two frames"):
        history.push(LinkCels(sprite.layers[0].id, ids[:1]))
    with pytest.raises(InvalidInputError, match="not linked"):
        history.push(UnlinkCel(sprite.layers[0].id, ids[0]))


def knight(palette_colors=((200, 0, 0, 255), (0, 0, 200, 255))) -> tuple[Sprite, History]:
    sprite = Sprite.new(6, 6, palette=Palette(list(palette_colors)))
    image = sprite.blank()
    image[1:3, 1:5] = (200, 0, 0, 255)
    image[4, 2] = (0, 0, 200, 255)
    sprite.cels[(sprite.layers[0].id, sprite.frames[0].id)] = Cel(image)
    return sprite, History(sprite)


def test_indexed_and_back_is_lossless_and_drawing_stays_on_the_palette():
    sprite, history = knight()
    before = sprite.composite(0)
    history.push(to_indexed(sprite))
    assert sprite.indexed and sprite.palette.colors[0] == (0, 0, 0, 0)
    assert np.array_equal(sprite.composite(0), before)
    history.push(set_pixel(sprite, sprite.layers[0].id, sprite.frames[0].id, 0, 0,
                           (10, 10, 190, 255)))  # fmt: skip
    assert sprite.composite(0)[0, 0].tolist() == [0, 0, 200, 255]  # snapped to the palette
    history.undo()
    history.push(SetColorMode(False))
    assert not sprite.indexed and np.array_equal(sprite.composite(0), before)
    history.undo()
    history.undo()
    assert not sprite.indexed and len(sprite.palette) == 2


def test_an_indexed_palette_edit_recolours_its_pixels_and_undo_restores_them():
    sprite, history = knight()
    history.push(to_indexed(sprite))
    palette = sprite.palette.copy()
    palette.colors[1] = (255, 220, 0, 255)  # the red entry becomes gold
    history.push(SetPalette(palette))
    assert sprite.composite(0)[1, 1].tolist() == [255, 220, 0, 255]
    history.undo()
    assert sprite.composite(0)[1, 1].tolist() == [200, 0, 0, 255]
    palette.colors[0] = (0, 0, 0, 255)
    with pytest.raises(InvalidInputError, match="transparent entry"):
        history.push(SetPalette(palette))


def test_indexed_refuses_colours_off_the_palette_unless_asked_to_map_them():
    sprite, history = knight(palette_colors=((200, 0, 0, 255),))
    with pytest.raises(InvalidInputError, match="1 of the sprite's colours are not in the palette"):
        history.push(to_indexed(sprite))
    assert not sprite.indexed
    history.push(to_indexed(sprite, reduce="nearest"))
    assert sprite.composite(0)[4, 2].tolist() == [200, 0, 0, 255]
    history.undo()
    history.push(to_indexed(sprite, reduce="sprite"))
    assert sorted(sprite.palette.colors)[-2:] == [(0, 0, 200, 255), (200, 0, 0, 255)]


def test_indexed_refuses_more_than_255_colours_and_a_big_palette():
    sprite = Sprite.new(32, 32)
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (32, 32, 4), dtype=np.uint8)
    image[..., 3] = 255
    sprite.cels[(sprite.layers[0].id, sprite.frames[0].id)] = Cel(image)
    history = History(sprite)
    with pytest.raises(InvalidInputError, match="more than 255 colours: reduce them first"):
        history.push(to_indexed(sprite, reduce="sprite"))
    sprite.palette = Palette([(i % 256, i // 256, 0, 255) for i in range(300)])
    with pytest.raises(InvalidInputError, match="at most 256 entries, one of them transparent"):
        history.push(to_indexed(sprite, reduce="nearest"))
    assert not sprite.indexed and np.array_equal(sprite.cels[(sprite.layers[0].id,
                                                              sprite.frames[0].id)].image, image)  # fmt: skip


def test_the_composite_cache_follows_an_edit_to_every_linked_frame():
    from dgx_pixels_app.core.composites import CompositeCache

    sprite = Sprite.new(4, 4, frames=2)
    history = History(sprite)
    cache = CompositeCache(sprite)
    layer = sprite.layers[0].id
    f1, f2 = (f.id for f in sprite.frames)
    history.push(set_pixel(sprite, layer, f1, 0, 0, (255, 0, 0, 255)))
    history.push(LinkCels(layer, [f1, f2]))
    assert cache.get(1)[0, 0].tolist() == [255, 0, 0, 255]
    history.push(set_pixel(sprite, layer, f1, 3, 3, (0, 255, 0, 255)))
    assert cache.get(1)[3, 3].tolist() == [0, 255, 0, 255]


def test_drawing_is_refused_on_a_group_and_inside_a_hidden_group():
    from dgx_pixels_app.core.session import Session

    sprite = Sprite.new(2, 2)
    session = Session(sprite)
    session.history.push(GroupLayer(sprite.layers[0].id, "Body"))
    session.layer_index = 0
    assert "is a group" in session.cannot_draw()
    session.layer_index = 1
    assert session.cannot_draw() is None
    sprite.layers[0].visible = False
    assert "hidden group" in session.cannot_draw()


def test_indexed_can_append_the_missing_colours_to_the_palette_keeping_its_order():
    sprite, history = knight(palette_colors=((9, 9, 9, 255), (200, 0, 0, 255)))
    history.push(to_indexed(sprite, reduce="add"))
    assert sprite.palette.colors == [(0, 0, 0, 0), (9, 9, 9, 255), (200, 0, 0, 255),
                                     (0, 0, 200, 255)]  # fmt: skip
    assert sprite.composite(0)[4, 2].tolist() == [0, 0, 200, 255]  # nothing was mapped
    history.undo()
    sprite.palette = Palette([(i, i, 0, 255) for i in range(255)])
    with pytest.raises(InvalidInputError, match="more than 256: map them"):
        history.push(to_indexed(sprite, reduce="add"))


def test_a_layer_can_go_above_a_topmost_group_or_into_it_and_never_detaches_others():
    sprite = Sprite.new(1, 1, layers=2)
    history = History(sprite)
    a = sprite.layers[0]
    history.push(GroupLayer(sprite.layers[1].id, "G"))  # [A, G, child]
    history.push(MoveLayer(a.id, 2, level=0))
    assert [(la.name, la.level) for la in sprite.layers] == [
        ("G", 0), ("Layer 2", 1), ("Layer 1", 0)]  # fmt: skip
    history.undo()
    history.push(MoveLayer(a.id, 2))  # no level asked: it joins the group below
    assert a.level == 1
    history.undo()
    history.push(MoveLayer(a.id, 1, level=0))  # between G and its child: inside, or the
    assert a.level == 1  # child would be left outside any group


def test_indexed_snapping_never_erases_and_a_moved_clear_entry_keeps_clear_pixels():
    sprite, history = knight(palette_colors=((255, 255, 255, 255), (200, 0, 0, 255),
                                             (0, 0, 200, 255)))  # fmt: skip
    history.push(to_indexed(sprite))
    lid, fid = sprite.layers[0].id, sprite.frames[0].id
    history.push(set_pixel(sprite, lid, fid, 0, 0, (0, 0, 0, 255)))  # nearest: not the clear
    assert sprite.composite(0)[0, 0, 3] == 255
    moved = Palette([(200, 0, 0, 255), (1, 1, 1, 255), (0, 0, 0, 0), (0, 0, 200, 255)])
    history.push(SetPalette(moved))
    assert sprite.composite(0)[5, 5].tolist() == [0, 0, 0, 0]  # a clear pixel stays clear


def test_semi_clear_pixels_get_their_own_entries_from_the_sprite():
    sprite, history = knight()
    sprite.cels[(sprite.layers[0].id, sprite.frames[0].id)].image[0, 0] = (200, 0, 0, 128)
    history.push(to_indexed(sprite, reduce="sprite"))
    assert (200, 0, 0, 128) in sprite.palette.colors
    assert sprite.composite(0)[0, 0].tolist() == [200, 0, 0, 128]


def test_a_sprite_wide_operation_on_every_core_equals_cel_by_cel_and_runs_a_link_once():
    from dgx_pixels_app.core.parallel import Progress
    from dgx_pixels_app.core.sprite_ops import outline, pixels_command, targets

    rng = np.random.default_rng(3)
    sprite = Sprite.new(24, 24, layers=3, frames=4)
    for layer in sprite.layers:
        for frame in sprite.frames:
            image = np.zeros((24, 24, 4), np.uint8)
            image[rng.random((24, 24)) < 0.3] = (200, 40, 40, 255)
            sprite.cels[(layer.id, frame.id)] = Cel(image)
    layer = sprite.layers[0].id
    History(sprite).push(LinkCels(layer, [f.id for f in sprite.frames]))
    expected = {k: outline(c.image, (0, 0, 0, 255)) for k, c in sprite.cels.items()}
    calls, progress = [], Progress()

    def counted_outline(image):
        calls.append(1)
        return outline(image, (0, 0, 0, 255))

    keys = targets(sprite, "all", layer, sprite.frames[0].id)
    History(sprite).push(pixels_command(sprite, keys, counted_outline, "Outline", None, progress))
    assert len(calls) == 2 * 4 + 1 and progress.done == progress.total == 9  # the link once
    for key, image in expected.items():
        assert np.array_equal(sprite.cels[key].image, image)
    assert sprite.linked(layer, sprite.frames[0].id) == [f.id for f in sprite.frames]


def test_mirror_coordinates_across_a_moved_axis_drop_what_leaves_the_canvas():
    from dgx_pixels_app.core import raster

    ys, xs = raster.mirror_coords((np.array([0, 0]), np.array([1, 7])), 8, 1, True, False,
                                  (2.0, None))  # fmt: skip
    assert sorted(xs.tolist()) == [1, 2, 7]  # 1 ↔ 2 across x = 2; 7's mirror (-4) is off
    ys, xs = raster.mirror_coords((np.array([0]), np.array([1])), 8, 1, True, False)
    assert sorted(xs.tolist()) == [1, 6]  # the centre by default
