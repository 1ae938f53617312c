"""Agents touch up sprites with edit_sprite: the same operations as the app's Sprite
menu, a new .aseprite inside the root (never over a hand-made file unasked), and every
bad value said by its argument's name."""

from __future__ import annotations

import asyncio

import numpy as np

from dgx_pixels_app.core.document import Cel, Sprite
from dgx_pixels_app.formats import aseprite
from tests.helpers import agent_server, read_with_ase_parser
from tests.mcp.conftest import data_of, image_of, text_of


def _call(server, *calls):
    async def go():
        from mcp.client.client import Client

        async with Client(server) as client:
            return [await client.call_tool(name, args) for name, args in calls]

    return asyncio.run(go())


def _knight(root):
    sprite = Sprite.new(16, 16, frames=2)
    sprite.layers[0].name = "Body"
    for frame in sprite.frames:
        image = np.zeros((16, 16, 4), np.uint8)
        image[4:12, 6:10] = (200, 30, 30, 255)
        sprite.cels[(sprite.layers[0].id, frame.id)] = Cel(image)
    aseprite.save(sprite, root / "knight.aseprite")


def test_an_agent_outlines_recolours_and_resizes_a_sprite(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    _knight(root)
    server = agent_server(root, tmp_path / "no-model")
    outlined, blue, bigger = _call(
        server,
        ("edit_sprite", {"path": "knight.aseprite", "operation": "outline",
                         "options": {"color": "#101010"}, "frame": 2}),
        ("edit_sprite", {"path": "knight-outline.aseprite", "operation": "replace-color",
                         "options": {"from": "#c81e1e", "to": "#1e1ec8"},
                         "output": "variants/knight-blue.aseprite"}),
        ("edit_sprite", {"path": "variants/knight-blue.aseprite", "operation": "canvas-size",
                         "options": {"width": 48, "height": 48}}),
    )  # fmt: skip
    assert data_of(outlined)["cels_changed"] == 1  # only frame 2
    made = aseprite.load(root / "knight-outline.aseprite")
    assert tuple(made.composite(1)[3, 7]) == (16, 16, 16, 255) and not made.composite(0)[3, 7, 3]
    assert data_of(blue)["file"].endswith("variants/knight-blue.aseprite")
    preview = image_of(blue)  # the first frame, scaled up to be seen
    scale = preview.shape[0] // 16
    assert preview[5 * scale, 7 * scale].tolist() == [30, 30, 200, 255]
    assert data_of(bigger)["size"] == [48, 48]
    parsed = read_with_ase_parser(root / "variants" / "knight-blue-canvas-size.aseprite")
    assert (parsed["width"], parsed["height"]) == (48, 48)


def test_bad_values_are_named_and_a_hand_made_file_is_kept(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    _knight(root)
    (root / "mine.aseprite").write_bytes(b"hand made")
    server = agent_server(root, tmp_path / "no-model")
    answers = _call(
        server,
        ("edit_sprite", {"path": "knight.aseprite", "operation": "blur"}),
        ("edit_sprite", {"path": "knight.aseprite", "operation": "hue-saturation",
                         "options": {"hue": 999}}),
        ("edit_sprite", {"path": "knight.aseprite", "operation": "outline",
                         "options": {"glow": 1}}),
        ("edit_sprite", {"path": "knight.aseprite", "operation": "outline", "layer": "Cape"}),
        ("edit_sprite", {"path": "knight.aseprite", "operation": "outline", "frame": 7}),
        ("edit_sprite", {"path": "knight.aseprite", "operation": "outline",
                         "output": "mine.aseprite"}),
        ("edit_sprite", {"path": "knight.aseprite", "operation": "sprite-size",
                         "options": {"percent": 1e9}}),
        ("edit_sprite", {"path": "knight.aseprite", "operation": "trim",
                         "output": "a\nb.aseprite"}),
    )  # fmt: skip
    texts = [text_of(a) for a in answers]
    assert all(a.is_error for a in answers), texts
    assert "blur" in texts[0] and "hue must be -180 to 180" in texts[1]
    assert "glow" in texts[2] and "'Body'" in texts[3] and "frame must be 1 to 2" in texts[4]
    assert "overwrite" in texts[5] and (root / "mine.aseprite").read_bytes() == b"hand made"
    assert "percent" in texts[6]
    assert "control character" in texts[7] and not (root / "a\nb.aseprite").exists()
    assert not any("Traceback" in t or "hit a bug" in t for t in texts)
