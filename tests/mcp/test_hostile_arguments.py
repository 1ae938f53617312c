"""Every tool, every string argument, hostile values — through the SDK's own client
against ``dgx-pixels mcp``: an absolute path elsewhere, ``..`` chains, a symbolic
link out of the root, ``~``, a NUL, a newline and 10 kB. Nothing may appear (or be
changed) outside the root, a file outside is never read (and the answer does not
say whether it exists), and the server keeps serving."""

from __future__ import annotations

import asyncio
import hashlib
import os

import numpy as np
from PIL import Image

from tests.mcp.conftest import stdio_session, text_of

BASE = {  # fast valid calls: the hostile value replaces one argument at a time
    "generate_sprite": {"prompt": "bat", "size": 16, "steps": 1, "seed": 1},
    "generate_animation": {"prompt": "bat", "size": 16, "frames": 2, "steps": 1, "seed": 1},
    "generate_tileset": {"prompt": "floor", "size": 8, "variations": 1, "steps": 1, "seed": 1},
    "pixelize_image": {"path": "in.png"},
    "inspect_sprite": {"path": "hero.aseprite"},
    "edit_sprite": {"path": "hero.aseprite", "operation": "outline"},
    "export_to_bevy": {"source": "hero.aseprite", "project": "slime_game"},
    "generate_and_deploy": {"prompt": "bat", "bevy_project": "slime_game", "size": 16, "steps": 1},
    "generate_character": {
        "reference": "in.png",
        "directions": 1,
        "actions": ["idle"],
        "size": 16,
        "steps": 1,
        "seed": 1,
    },
}
LISTS = {"loras": "{}", "references": "{}", "actions": "{}", "controls": "lineart={}"}


def hostile(outside) -> list[str]:
    return [
        str(outside / "evil"), str(outside / "pal.gpl"), "../outside/evil",
        "../" * 12 + "tmp/dgx-evil", "escape/evil", "escape/pal.gpl", "~/dgx-evil",
        "~nobody-here-dgx/evil", "loop/evil",
        "evil\x00.png", "evil\nname", "A" * 10240,
    ]  # fmt: skip


def snapshot(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "/"
        for p in sorted(folder.rglob("*"))
    }  # fmt: skip


def string_arguments(tool) -> list[str]:
    names = []
    for name, spec in tool.input_schema["properties"].items():
        kinds = {spec.get("type")} | {s.get("type") for s in spec.get("anyOf", [])}
        items = spec.get("items") or next(
            (s.get("items") for s in spec.get("anyOf", []) if s.get("items")), {}
        )
        if "string" in kinds or (kinds & {"array"} and items.get("type") == "string"):
            names.append(name)
    return names


def test_every_string_argument_of_every_tool_stays_inside_the_root(project, tiny_model, tmp_path):
    root, game = project
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "pal.gpl").write_text("GIMP Palette\n255 0 0\tred\n0 0 255\tblue\n")
    (outside / "evil").write_text("do not touch")
    (root / "escape").symlink_to(outside)
    (root / "loop").symlink_to(root / "loop")  # a loop of links
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (32, 32, 4), np.uint8)).save(
        root / "in.png"
    )
    from dgx_pixels_app.core.document import Sprite
    from dgx_pixels_app.formats import aseprite
    from tests.helpers import random_cel

    hero = Sprite.new(8, 8, frames=2)
    for frame in hero.frames:
        hero.cels[(hero.layers[0].id, frame.id)] = random_cel(hero, 1)
    aseprite.save(hero, root / "hero.aseprite")
    home = tmp_path / "home"
    before = snapshot(outside)
    around = {p.name for p in tmp_path.iterdir()}
    answers: dict[tuple[str, str, str], str] = {}

    async def session_run():
        async with stdio_session(root, tiny_model[0], home) as s:
            tools = {t.name: t for t in (await s.list_tools()).tools}
            assert set(BASE) <= set(tools)
            covered = 0
            for name, tool in sorted(tools.items()):
                for argument in string_arguments(tool):
                    for value in hostile(outside):
                        args = {
                            **BASE.get(name, {}),
                            argument: [LISTS[argument].format(value)]
                            if argument in LISTS
                            else value,
                        }
                        answer = await s.call_tool(name, args)
                        answers[(name, argument, value[:40])] = text_of(answer)
                        covered += 1
            assert covered >= 31 * 12  # every string argument of every tool, every value
            assert not (await s.call_tool("list_presets", {})).is_error  # still serving

    asyncio.run(session_run())
    assert snapshot(outside) == before, "something outside the root was written or changed"
    assert {p.name for p in tmp_path.iterdir()} == around | {"home"}
    assert not os.path.exists("/tmp/dgx-evil") and not os.path.exists(
        os.path.expanduser("~/dgx-evil")
    )
    for (name, argument, value), text in answers.items():
        if "pal.gpl" in value and argument == "palette":  # refused before it is ever opened
            assert "outside the folders" in text, (name, text)
            assert "red" not in text and "does not exist" not in text
    for key, text in answers.items():
        assert "Traceback" not in text and "hit a bug" not in text, (key, text)
    made = sum(not t.startswith("Error executing tool") for t in answers.values())
    assert made >= 30  # hostile-looking values that are fine (a prompt, a name made safe) ran
