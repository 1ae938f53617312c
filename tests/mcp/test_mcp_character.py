"""Agents: generate_character (and saving a character to add actions later), and
references and controls on generate_sprite — every image path confined to the root."""

from __future__ import annotations

import asyncio
import json

import numpy as np

from dgx_pixels_app.formats.images import png_text, write_png
from dgx_pixels_app.settings import update_settings
from tests.helpers import agent_server, read_with_ase_parser


def _call(server, *calls):
    async def go():
        from mcp.client.client import Client

        async with Client(server) as client:
            return [await client.call_tool(name, args) for name, args in calls]

    return asyncio.run(go())


def _text(result) -> str:
    return "".join(c.text for c in result.content if c.type == "text")


def _setup(tmp_path, tiny_model):
    update_settings(lambda s: s.model_folders.append(str(tiny_model[0])))
    root = tmp_path / "root"
    root.mkdir()
    hero = np.zeros((24, 16, 4), np.uint8)
    hero[2:22, 4:12] = (180, 60, 40, 255)
    write_png(root / "hero.png", hero)
    return root


def test_an_agent_makes_keeps_and_extends_a_character(tmp_path, tiny_model):
    root = _setup(tmp_path, tiny_model)
    server = agent_server(root, tiny_model[0])
    first, second = _call(
        server,
        ("generate_character", {"reference": "hero.png", "directions": 2, "actions": ["walk"],
                                "size": 16, "seed": 4, "output": "hero", "name": "hero",
                                "save_as": "hero"}),
        ("generate_character", {"character": "hero", "directions": 1, "actions": ["attack"],
                                "output": "hero-attack", "name": "hero"}),
    )  # fmt: skip
    assert not first.is_error, _text(first)
    data = first.structured_content
    assert [r["tag"] for r in data["rows"]] == ["walk_east", "walk_west"]
    parsed = read_with_ase_parser(root / "hero" / "hero.aseprite")
    assert [(t["name"], t["from"], t["to"]) for t in parsed["tags"]] == [
        ("walk_east", 0, 7), ("walk_west", 8, 15)]  # fmt: skip
    assert (root / ".dgx-pixels" / "characters" / "hero" / "character.json").is_file()
    assert not second.is_error, _text(second)
    later = json.loads((root / "hero-attack" / "manifest.json").read_text())
    assert later["seed"] == 4 and later["size"] == 16 and later["tags"][0]["tag"] == "attack_east"


def test_references_and_controls_on_generate_sprite(tmp_path, tiny_model):
    root = _setup(tmp_path, tiny_model)
    outside = tmp_path / "outside.png"
    write_png(outside, np.full((8, 8, 4), 255, np.uint8))
    server = agent_server(root, tiny_model[0])
    good, escaped, bad_pose, linked = _call(
        server,
        ("generate_sprite", {"prompt": "knight", "size": 16, "seed": 2, "output": "out",
                             "references": ["hero.png:0.8"],
                             "controls": ["pose=@walk/east/2", "lineart=hero.png:0.5:0-0.6"]}),
        ("generate_sprite", {"prompt": "knight", "references": [str(outside)]}),
        ("generate_sprite", {"prompt": "knight", "controls": ["pose=@../../etc/passwd"]}),
        ("generate_sprite", {"prompt": "knight", "controls": ["depth=../outside.png"]}),
    )  # fmt: skip
    assert not good.is_error, _text(good)
    (made,) = (root / "out").glob("*.png")
    meta = json.loads(png_text(made)["dgx-pixels"])
    assert meta["references"][0]["sha256"] and meta["references"][0]["weight"] == 0.8
    assert [c["type"] for c in meta["controls"]] == ["pose", "lineart"]
    assert meta["controls"][0]["pose"] == "walk/east/2" and meta["controls"][1]["end"] == 0.6
    assert 'ControlNet 1: "lineart' in png_text(made)["parameters"]
    for answer in (escaped, linked):
        assert answer.is_error
        assert "outside the folders" in _text(answer) or "climbs out" in _text(answer)
    assert bad_pose.is_error and "Pose '../../etc/passwd'" in _text(bad_pose)
