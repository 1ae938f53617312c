"""Blend modes, groups, linked cels and indexed colour through ``.aseprite``: our
reader gets them back exactly, and the independent parser (npm ase-parser) sees
what Aseprite would: blend codes, child levels, link cels and 8-bit indices."""

import struct

import numpy as np

from dgx_pixels_app.core.blend import MODES
from dgx_pixels_app.core.color_mode import to_indexed
from dgx_pixels_app.core.commands import set_pixel
from dgx_pixels_app.core.document import Cel, Sprite
from dgx_pixels_app.core.group_commands import GroupLayer, LinkCels
from dgx_pixels_app.core.history import History
from dgx_pixels_app.core.layer_commands import MoveLayer
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.formats import aseprite
from tests.helpers import cel_pixels, random_cel, read_with_ase_parser


def structured_sprite() -> Sprite:
    """Background, a group "Armour" with two layers (multiply, screen) and a linked cel."""
    sprite = Sprite.new(12, 10, layers=3, frames=3)
    for layer in sprite.layers:
        for index, frame in enumerate(sprite.frames):
            sprite.cels[(layer.id, frame.id)] = random_cel(sprite, seed=index + 7 * layer.id)
    history = History(sprite)
    bottom, middle, top = sprite.layers
    history.push(GroupLayer(middle.id, "Armour"))
    history.push(MoveLayer(top.id, 3))  # into the group, above the middle layer
    middle.blend, top.blend = "multiply", "screen"
    sprite.layers[1].opacity = 200
    frames = [f.id for f in sprite.frames]
    history.push(LinkCels(bottom.id, [frames[0], frames[2]]))
    return sprite


def test_groups_blends_and_links_round_trip(tmp_path):
    sprite = structured_sprite()
    path = tmp_path / "knight.aseprite"
    aseprite.save(sprite, path)
    back = aseprite.load(path)
    assert [(la.name, la.group, la.level, la.blend, la.opacity) for la in back.layers] == [
        ("Layer 1", False, 0, "normal", 255),
        ("Armour", True, 0, "normal", 200),
        ("Layer 2", False, 1, "multiply", 255),
        ("Layer 3", False, 1, "screen", 255),
    ]
    bottom = back.layers[0].id
    assert back.linked(bottom, back.frames[0].id) == [back.frames[0].id, back.frames[2].id]
    for index in range(3):
        assert np.array_equal(back.composite(index), sprite.composite(index))


def test_the_independent_parser_sees_groups_blend_codes_and_links(tmp_path):
    path = tmp_path / "knight.aseprite"
    aseprite.save(structured_sprite(), path)
    parsed = read_with_ase_parser(path)
    assert [(la["name"], la["type"], la["level"], la["blend"]) for la in parsed["layers"]] == [
        ("Layer 1", 0, 0, 0),
        ("Armour", 1, 0, 0),
        ("Layer 2", 0, 1, MODES["multiply"]),
        ("Layer 3", 0, 1, MODES["screen"]),
    ]
    assert parsed["layers"][1]["opacity"] == 200
    link = [c for c in parsed["frames"][2]["cels"] if c["layer"] == 0][0]
    source = [c for c in parsed["frames"][0]["cels"] if c["layer"] == 0][0]
    assert (link["type"], link["link"]) == (1, 0)
    assert link["pixels"] == source["pixels"]  # the parser resolves it to frame 0's pixels
    assert all(c["layer"] != 1 for f in parsed["frames"] for c in f["cels"])  # no group cels


def test_every_blend_mode_survives_a_save(tmp_path):
    sprite = Sprite.new(2, 2, layers=len(MODES))
    for layer, mode in zip(sprite.layers, MODES, strict=True):
        layer.blend = mode
    aseprite.save(sprite, tmp_path / "modes.aseprite")
    assert [la.blend for la in aseprite.load(tmp_path / "modes.aseprite").layers] == list(MODES)


def indexed_sprite() -> Sprite:
    sprite = Sprite.new(5, 4, palette=Palette([(200, 0, 0), (0, 0, 200), (255, 255, 0)]))
    history = History(sprite)
    lid, fid = sprite.layers[0].id, sprite.frames[0].id
    for x, color in ((0, (200, 0, 0, 255)), (1, (0, 0, 200, 255)), (4, (255, 255, 0, 255))):
        history.push(set_pixel(sprite, lid, fid, x, 1, color))
    history.push(to_indexed(sprite))
    return sprite


def test_indexed_saves_at_depth_8_with_palette_indices(tmp_path):
    sprite = indexed_sprite()
    path = tmp_path / "indexed.aseprite"
    aseprite.save(sprite, path)
    assert struct.unpack_from("<H", path.read_bytes(), 12)[0] == 8
    parsed = read_with_ase_parser(path)
    assert parsed["colorDepth"] == 8
    cel = parsed["frames"][0]["cels"][0]
    assert cel_pixels(cel, depth=8)[..., 0].tolist() == [[1, 2, 0, 0, 3]]  # 0: transparent
    back = aseprite.load(path)
    assert back.indexed and back.palette.colors == sprite.palette.colors
    assert np.array_equal(back.composite(0), sprite.composite(0))


def test_an_indexed_file_keeps_drawing_on_its_palette(tmp_path):
    path = tmp_path / "indexed.aseprite"
    aseprite.save(indexed_sprite(), path)
    back = aseprite.load(path)
    History(back).push(set_pixel(back, back.layers[0].id, back.frames[0].id, 2, 2,
                                 (250, 250, 30, 255)))  # fmt: skip
    assert back.composite(0)[2, 2].tolist() == [255, 255, 0, 255]


def test_a_damaged_child_level_cannot_detach_a_layer(tmp_path):
    sprite = Sprite.new(2, 2, layers=2)
    sprite.layers[1].level = 5  # no group holds it
    sprite.cels[(sprite.layers[1].id, sprite.frames[0].id)] = Cel(np.full((2, 2, 4), 255, np.uint8))
    back = aseprite.from_bytes(aseprite.to_bytes(sprite))
    assert [la.level for la in back.layers] == [0, 0]
    assert back.composite(0)[0, 0].tolist() == [255, 255, 255, 255]


def test_divide_of_black_by_black_is_black_as_in_aseprite():
    sprite = Sprite.new(1, 1, layers=2)
    for layer in sprite.layers:
        sprite.cels[(layer.id, sprite.frames[0].id)] = Cel(np.array([[[0, 0, 0, 255]]], np.uint8))
    sprite.layers[1].blend = "divide"
    assert sprite.composite(0)[0, 0].tolist() == [0, 0, 0, 255]


def test_a_reference_layer_round_trips_below_the_others_and_stays_out_of_the_picture(tmp_path):
    from dgx_pixels_app.core.document import Reference

    sprite = structured_sprite()
    raw = np.zeros((40, 50, 4), np.uint8)
    raw[..., 0] = 200
    raw[..., 3] = 255
    sprite.reference = Reference(raw, 90)
    path = tmp_path / "traced.aseprite"
    aseprite.save(sprite, path)
    back = aseprite.load(path)
    assert np.array_equal(back.reference.image, raw) and back.reference.opacity == 90
    assert [la.name for la in back.layers] == [la.name for la in sprite.layers]
    for index in range(3):
        assert np.array_equal(back.composite(index), sprite.composite(index))
    parsed = read_with_ase_parser(path)
    assert parsed["layers"][0]["flags"]["reference"] and parsed["layers"][0]["opacity"] == 90
    assert [c["layer"] for c in parsed["frames"][1]["cels"]] == [1, 3, 4]  # the others: 1 on


def test_a_reference_keeps_its_place_visibility_and_its_groups_neighbours(tmp_path):
    from dgx_pixels_app.core.document import Reference

    sprite = structured_sprite()  # Layer 1, the group Armour with two layers
    raw = np.zeros((10, 20, 4), np.uint8)
    raw[..., 1] = raw[..., 3] = 255
    sprite.reference = Reference(raw, 60, (-3.5, 2.25, 30.0, 15.0), visible=False)
    data = aseprite.to_bytes(sprite)
    back = aseprite.from_bytes(data)
    assert back.reference.bounds == (-3.5, 2.25, 30.0, 15.0) and not back.reference.visible
    assert [la.level for la in back.layers] == [0, 0, 1, 1]
    parsed = read_with_ase_parser_bytes(tmp_path, data)
    assert parsed["layers"][0]["flags"]["reference"] and not parsed["layers"][0]["flags"]["visible"]


def read_with_ase_parser_bytes(tmp_path, data: bytes) -> dict:
    path = tmp_path / "r.aseprite"
    path.write_bytes(data)
    return read_with_ase_parser(path)


def test_a_reference_layer_inside_a_group_does_not_detach_the_layers_after_it():
    import struct as st

    sprite = Sprite.new(4, 4, layers=3)
    for layer in sprite.layers:
        sprite.cels[(layer.id, sprite.frames[0].id)] = Cel(np.full((4, 4, 4), 255, np.uint8))
    sprite.layers[1].group, sprite.layers[2].level = True, 1  # Layer 1, group, its child
    sprite.layers.insert(2, sprite.layers[0].__class__("Ref", level=1))  # a layer to mark
    data = bytearray(aseprite.to_bytes(sprite))
    name = data.index(b"Ref")
    flags_at = name - 2 - 16  # the layer chunk's flags, before its 16 bytes of fields
    flags = st.unpack_from("<H", data, flags_at)[0]
    st.pack_into("<H", data, flags_at, flags | 64)
    back = aseprite.from_bytes(bytes(data))
    assert [(la.name, la.level) for la in back.layers] == [
        ("Layer 1", 0), ("Layer 2", 0), ("Layer 3", 1)]  # fmt: skip
