"""``dgx-pixels mcp`` over stdio, driven by the SDK's own client with the tiny model:
tools and schemas, sprites with an image, deploy into a game, confinement, bad input
as tool errors (the server keeps serving), cancel, and a broken model."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from dgx_pixels_app.formats.images import read_rgba
from tests.mcp.conftest import data_of, image_of, server_args, stdio_session, text_of

TOOLS = {"list_models", "list_loras", "list_presets", "generate_sprite", "generate_animation",
         "generate_tileset", "generate_character", "pixelize_image", "inspect_sprite", "edit_sprite",
         "export_to_bevy", "generate_and_deploy"}  # fmt: skip


def test_an_agent_session(project, tiny_model, tmp_path):
    root, game = project
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"not yours")
    (root / "escape").symlink_to(outside)

    async def session_run():
        async with stdio_session(root, tiny_model[0], tmp_path / "home") as s:
            listed = {t.name: t for t in (await s.list_tools()).tools}
            assert set(listed) == TOOLS
            schema = listed["generate_sprite"].input_schema
            assert {"prompt", "size", "count", "seed", "kind"} <= set(schema["properties"])
            assert schema["required"] == ["prompt"]
            assert "count 1-8" in listed["generate_sprite"].description
            props = schema["properties"]
            assert (props["count"]["minimum"], props["count"]["maximum"]) == (1, 8)
            assert props["size"]["maximum"] == 256 and props["prompt"]["maxLength"] == 1000
            assert {"character", "item", "tile"} <= set(props["kind"]["enum"])
            animation = listed["generate_animation"].input_schema["properties"]
            assert animation["method"]["enum"] == ["strip", "chain"]
            assert "walk" in animation["type"]["enum"] and animation["frames"]["maximum"] == 16
            tileset = listed["generate_tileset"].input_schema["properties"]
            assert tileset["seamless"]["enum"] == ["", "x", "y", "xy"]
            assert tileset["size"]["maximum"] == 128

            presets = data_of(await s.call_tool("list_presets", {}))
            assert (
                "character" in [k["id"] for k in presets["kinds"]] and "db32" in presets["palettes"]
            )

            progress = []

            async def on_progress(done, total, message):
                progress.append((done, total, message))

            made = await s.call_tool("generate_sprite", {"prompt": "a green slime", "size": 16,
                                                         "seed": 8, "count": 2}, progress_callback=on_progress)  # fmt: skip
            sprites = data_of(made)["sprites"]
            assert [sp["seed"] for sp in sprites] == [8, 9]
            assert read_rgba(sprites[0]["file"]).shape == (16, 16, 4)
            assert sprites[0]["file"].startswith(str(root))
            assert image_of(made).shape[:2] == (256, 256)  # the agent sees it, enlarged crisply
            assert progress and progress[-1][0] == progress[-1][1]
            assert [p[0] for p in progress] == sorted(p[0] for p in progress)  # only grows

            deployed = data_of(await s.call_tool(
                "generate_and_deploy",
                {"prompt": "slime enemy", "bevy_project": "slime_game", "animation": "idle",
                 "frames": 4, "size": 16, "seed": 3}))  # fmt: skip
            assert (game / "assets" / "sprites" / "slime_enemy.png").is_file()
            assert (
                deployed["frame_count"] == 4
                and "TextureAtlasLayout::from_grid" in deployed["snippet"]
            )
            assert "slime_enemy" in deployed["asset_path"] and "idle" in deployed["layout_ron"]

            inspected = data_of(
                await s.call_tool(
                    "inspect_sprite", {"path": "slime_game/assets/sprites/slime_enemy.aseprite"}
                )
            )
            assert inspected["frames"] == [160] * 4 and inspected["tags"][0]["name"] == "idle"

            for path, words in (
                ("../outside/secret.png", "climbs out with '..'"),
                (str(outside / "secret.png"), "outside the folders this server may use"),
                ("escape/secret.png", "through a symbolic link"),
            ):
                refused = await s.call_tool("pixelize_image", {"path": path})
                assert refused.is_error and words in text_of(refused), text_of(refused)

            bad_calls = [
                ("generate_sprite", {"prompt": "x", "sizee": 16}, "does not take 'sizee'"),
                ("generate_sprite", {"prompt": "x" * 100_000}, "at most 1000"),
                ("generate_sprite", {"prompt": "x", "count": 10000}, "count must be 1 to 8"),
                ("generate_sprite", {"prompt": "x", "size": -1}, "size must be 8 to 256"),
                (
                    "generate_sprite",
                    {"prompt": "x", "kind": "spaceship"},
                    "kind must be one of character",
                ),
                ("generate_and_deploy", {"prompt": "x", "bevy_project": "."}, "no Cargo.toml"),
                (
                    "export_to_bevy",
                    {"source": "nope.aseprite", "project": "slime_game"},
                    "does not exist",
                ),
                ("generate_tileset", {"prompt": "x", "size": 500}, "size must be 8 to 128"),
                ("generate_animation", {"prompt": "x", "frames": 40}, "frames must be 2 to 16"),
                ("generate_animation", {"prompt": "x", "method": "flip"}, "method must be one of"),
            ]
            for tool, arguments, words in bad_calls:
                answer = await s.call_tool(tool, arguments)
                assert answer.is_error and words in text_of(answer), (tool, text_of(answer))
                assert "--" not in text_of(answer)  # phrased for an agent, not a command line
            still = await s.call_tool("generate_sprite", {"prompt": "bat", "size": 16, "seed": 1})
            assert not still.is_error  # the server kept serving

    asyncio.run(session_run())
    assert not list(root.rglob("*.tmp")) and not list(outside.glob("*.png.*"))


def test_cancel_mid_generation_cancels_the_job(project, tiny_model, tmp_path):
    root, _game = project
    home = tmp_path / "home"

    async def session_run():
        async with stdio_session(root, tiny_model[0], home) as s:
            with anyio.CancelScope() as scope:

                async def cancel_on_progress(done, total, message):
                    scope.cancel()

                await s.call_tool("generate_sprite", {"prompt": "slow", "size": 16, "steps": 60,
                                                      "output": "cancelled"},
                                  progress_callback=cancel_on_progress)  # fmt: skip
            assert scope.cancelled_caught
            after = await s.call_tool(
                "generate_sprite", {"prompt": "next", "size": 16, "output": "next"}
            )
            assert not after.is_error

    asyncio.run(session_run())
    log = [json.loads(line) for line in (home / "data" / "metrics.jsonl").read_text().splitlines()]
    statuses = [entry["status"] for entry in log if entry["label"].startswith("agent")]
    assert statuses == ["cancelled", "finished"]
    assert not (root / "cancelled").exists() or not list((root / "cancelled").iterdir())
    assert list((root / "next").glob("*.png"))


def test_a_model_that_does_not_load_is_a_tool_error(project, tmp_path):
    root, _game = project
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{}" + os.urandom(64))

    async def session_run():
        async with stdio_session(root, broken, tmp_path / "home") as s:
            for _ in range(2):  # and again: the server is still there
                answer = await s.call_tool("generate_sprite", {"prompt": "x", "size": 16})
                assert answer.is_error and "broken.safetensors" in text_of(answer)
            assert not (await s.call_tool("list_presets", {})).is_error

    asyncio.run(session_run())


@pytest.mark.parametrize("both_pipes", [True, False], ids=["both pipes", "its input only"])
def test_a_client_that_dies_mid_job_cancels_it_and_the_server_exits_quietly(
    project, tiny_model, tmp_path, both_pipes
):
    """The client goes away mid-call (its pipes close, as when it is killed): the job is
    cancelled, the server exits 0 within seconds with one line and no traceback, and
    nothing half-written is left. When the server's end of stdin closes before a write
    fails (or none does: the client closed only its input), serving ends without an
    error; the line was missing then (a CI run)."""
    root, _game = project
    home = tmp_path / "home"
    env = {**os.environ, "DGX_PIXELS_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, *server_args(root, tiny_model[0])],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip

    def send(message: dict) -> None:
        server.stdin.write(json.dumps({"jsonrpc": "2.0", **message}) + "\n")
        server.stdin.flush()

    def until(words: str) -> None:
        while words not in (line := server.stdout.readline()):
            assert line, "the server ended early: " + server.stderr.read()

    try:
        send({"id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
              "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}})  # fmt: skip
        until('"id":1')
        send({"method": "notifications/initialized"})
        send({"id": 2, "method": "tools/call", "params": {"name": "generate_sprite",
              "arguments": {"prompt": "slow", "size": 16, "steps": 60, "count": 4, "output": "gone"},
              "_meta": {"progressToken": 7}}})  # fmt: skip
        until("notifications/progress")
        server.stdin.close()  # the client is gone
        if both_pipes:
            server.stdout.close()
        assert server.wait(60) == 0
    finally:
        if server.poll() is None:
            server.kill()
    err = server.stderr.read()
    assert "Traceback" not in err and "the client went away" in err, err
    log = [json.loads(line) for line in (home / "data" / "metrics.jsonl").read_text().splitlines()]
    assert [entry["status"] for entry in log] == ["cancelled"]
    assert not list(root.rglob("*.tmp"))
    assert not (root / "gone").exists() or not list((root / "gone").iterdir())


def test_a_deploy_over_a_hand_made_asset_keeps_it(project, tiny_model, tmp_path):
    """generate_and_deploy and export_to_bevy refuse (before generating) to replace a
    file DGX-Pixels did not write; with overwrite: true the old one is kept and listed."""
    root, game = project
    sprites = game / "assets" / "sprites"
    sprites.mkdir(parents=True)
    hand_made = b"\x89PNG drawn by the artist"
    (sprites / "player.png").write_bytes(hand_made)

    async def session_run():
        async with stdio_session(root, tiny_model[0], tmp_path / "home") as s:
            deploy = {"prompt": "hero", "bevy_project": "slime_game", "name": "player",
                      "size": 16, "seed": 2}  # fmt: skip
            refused = await s.call_tool("generate_and_deploy", deploy)
            text = text_of(refused)
            assert not (tmp_path / "home" / "data" / "metrics.jsonl").exists()  # nothing generated
            assert refused.is_error and "assets/sprites/player.png" in text
            assert "overwrite: true" in text and "--overwrite" not in text
            assert sorted(p.name for p in sprites.iterdir()) == ["player.png"]
            made = data_of(await s.call_tool("generate_and_deploy", {**deploy, "overwrite": True}))
            ((replaced),) = made["replaced"]
            assert replaced["file"] == str(sprites / "player.png")
            assert Path(replaced["kept_at"]).read_bytes() == hand_made
            again = data_of(await s.call_tool(
                "export_to_bevy", {"source": "slime_game/assets/sprites/player.aseprite",
                                   "project": "slime_game", "name": "player"}))  # fmt: skip
            assert again["replaced"] == [] and len(again["updated"]) == 4  # ours now
            (sprites / "player.json").write_text("{}")  # edited by hand since
            edited = await s.call_tool("export_to_bevy", {
                "source": "slime_game/assets/sprites/player.aseprite", "project": "slime_game",
                "name": "player"})  # fmt: skip
            assert edited.is_error and "player.json" in text_of(edited)

    asyncio.run(session_run())
    assert (sprites / "player.json").read_text() == "{}"


def test_an_agents_other_writes_keep_hand_made_files_too(project, tiny_model, tmp_path):
    """pixelize_image, generate_animation and generate_tileset follow the deploy rule: a
    file they did not write is refused unless overwrite, then kept; DGX-Pixels' own
    .dgx-pixels/ folder is not for agents; a link at a target is kept as a link."""
    root, game = project
    art = root / "art"
    art.mkdir()
    hand = b"\x89PNG hand-made"
    (art / "hero.png").write_bytes(hand)
    (art / "knight.aseprite").write_bytes(b"hand-made aseprite")
    from PIL import Image

    Image.new("RGBA", (24, 24), (200, 40, 40, 255)).save(art / "in.png")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"SECRET")
    sprites = game / "assets" / "sprites"
    sprites.mkdir(parents=True)
    (sprites / "leak.png").symlink_to(outside / "secret.png")

    async def session_run():
        async with stdio_session(root, tiny_model[0], tmp_path / "home") as s:
            refused = await s.call_tool(
                "pixelize_image", {"path": "art/in.png", "output": "art/hero.png"}
            )
            assert refused.is_error and "overwrite: true" in text_of(refused)
            fresh = data_of(await s.call_tool("pixelize_image", {"path": "art/in.png"}))
            again = data_of(await s.call_tool("pixelize_image", {"path": "art/in.png"}))
            assert fresh["file"] != again["file"]  # a default name is never reused
            made = data_of(await s.call_tool("pixelize_image", {"path": "art/in.png",
                                                                "output": "art/hero.png", "overwrite": True}))  # fmt: skip
            assert Path(made["replaced"][0]["kept_at"]).read_bytes() == hand
            animation = {"prompt": "knight", "size": 16, "frames": 2, "steps": 1, "seed": 1,
                         "output": "art", "name": "knight"}  # fmt: skip
            refused = await s.call_tool("generate_animation", animation)
            assert refused.is_error and f"knight.aseprite (in {art})" in text_of(refused)
            for where in ("slime_game/.dgx-pixels", ".dgx-pixels/x"):
                answer = await s.call_tool(
                    "generate_tileset", {"prompt": "x", "output": where, "name": "deployed"}
                )
                assert answer.is_error and "own .dgx-pixels/ folder" in text_of(answer)
            bad = await s.call_tool("generate_sprite", {"prompt": "gem", "seed": True})
            assert bad.is_error and "seed must be a whole number" in text_of(bad)
            bad = await s.call_tool("export_to_bevy", {"source": "art/in.png", "project": "slime_game",
                                                       "overwrite": "yes"})  # fmt: skip
            assert bad.is_error and "overwrite must be true or false" in text_of(bad)
            kept = data_of(await s.call_tool("export_to_bevy", {"source": "art/in.png", "name": "leak",
                                                                "project": "slime_game", "overwrite": True}))  # fmt: skip
            copy = Path(kept["replaced"][0]["kept_at"])
            assert copy.is_symlink()  # the link was kept as a link: never read through

    asyncio.run(session_run())
    assert (art / "knight.aseprite").read_bytes() == b"hand-made aseprite"
    assert (outside / "secret.png").read_bytes() == b"SECRET"
    assert b"SECRET" not in b"".join(
        p.read_bytes() for p in game.rglob("*") if p.is_file() and not p.is_symlink()
    )


def test_a_tool_name_that_is_not_text_is_a_tool_error_without_a_traceback(project, tmp_path):
    root, _game = project
    env = {**os.environ, "DGX_PIXELS_HOME": str(tmp_path / "home")}
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
         "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": ["x"], "arguments": {}}},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": {"a": 1}, "arguments": {}}},
    ]  # fmt: skip
    server = subprocess.Popen([sys.executable, "-m", "dgx_pixels_app", "mcp", "--allow-root", str(root)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env)  # fmt: skip
    try:
        server.stdin.write("".join(json.dumps(m) + "\n" for m in messages))
        server.stdin.flush()
        answers = []
        while len(answers) < 3:
            line = server.stdout.readline()
            assert line, server.stderr.read()
            answers.append(json.loads(line))
        server.stdin.close()
        server.wait(30)
    finally:
        if server.poll() is None:
            server.kill()
    errors = [a["result"] for a in answers if a.get("id") in (2, 3)]
    assert len(errors) == 2 and all(e["isError"] for e in errors), answers
    assert "tool name must be text" in json.dumps(errors)
    err = server.stderr.read()
    assert "Traceback" not in err and "unhashable" not in err, err
