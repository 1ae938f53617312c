"""--speed turbo with a Lightning-shaped LoRA in the user's LoRA folder: 4 steps of
trailing Euler, and the same image for the same seed from the engine, the CLI, batch
and an agent (the app's Prompt panel: tests/gui/test_generate_gui.py)."""

from __future__ import annotations

import asyncio
import json

import numpy as np
import pytest

from dgx_pixels_app.cli import main
from dgx_pixels_app.formats.images import png_text, read_rgba
from dgx_pixels_app.jobs.requests import Choices, build_request
from tests.helpers import agent_server

FAST = ["--width", "64", "--height", "64", "--seed", "5"]


@pytest.fixture
def lightning(tiny_model, isolated_home):
    """The tiny model's LoRA, as SDXL-Lightning's 4-step file in the app's models folder."""
    from dgx_pixels_app.settings import models_dir

    folder = models_dir() / "loras"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sdxl_lightning_4step_lora.safetensors"
    path.write_bytes(tiny_model[1].read_bytes())
    return path


@pytest.fixture
def fresh_engine(tiny_model):
    """An engine with the model as loaded (the session's has had LoRAs fused in and out)."""
    from dgx_pixels_app.engine.engine import Engine

    engine = Engine()
    engine.load(tiny_model[0])
    return engine


def _expected(engine, lightning, seed=5):
    request = build_request(Choices("a frog", seed=seed, width=64, height=64,
                                    options={"speed": "turbo"}))  # fmt: skip
    assert (request.recipe, request.steps, request.cfg) == ("lightning-4step", 4, 0.0)
    assert request.loras[-1].path == str(lightning.resolve())
    return engine.generate(request).images[0]


def test_the_cli_runs_turbo_and_makes_the_engines_image(tmp_path, tiny_model, lightning,
                                                        fresh_engine):  # fmt: skip
    out = tmp_path / "frog.png"
    assert main(["generate", "a frog", "--model", str(tiny_model[0]), *FAST, "--raw",
                 "--speed", "turbo", "-o", str(out)]) == 0  # fmt: skip
    meta = json.loads(png_text(out)["dgx-pixels"])
    assert (meta["recipe"], meta["steps"], meta["speed"]) == ("lightning-4step", 4, "turbo")
    assert "Sampler: lightning-4step" in png_text(out)["parameters"]
    assert np.array_equal(read_rgba(out), _expected(fresh_engine, lightning))


def test_turbo_without_a_distilled_lora_is_one_line_naming_what_to_get(
    tmp_path, tiny_model, capsys
):
    code = main(["generate", "a frog", "--model", str(tiny_model[0]), *FAST, "--speed", "turbo",
                 "-o", str(tmp_path / "x.png")])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err
    assert "needs a distilled LoRA" in err and "sdxl_lightning_4step_lora.safetensors" in err
    assert not (tmp_path / "x.png").exists()


def test_batch_items_choose_their_speed(tmp_path, tiny_model, lightning):
    items = tmp_path / "items.csv"
    items.write_text("prompt,speed\nsword,turbo\nshield,\n")
    assert main(["batch", str(items), "-o", str(tmp_path / "out"), "--model", str(tiny_model[0]),
                 "--steps", "2", "--resolution", "64", "--size", "16"]) == 0  # fmt: skip
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    runs = [(e["request"]["recipe"], e["request"]["steps"]) for e in manifest["images"]]
    assert runs == [("lightning-4step", 4), ("", 2)]


def test_an_agent_asks_for_turbo_and_gets_the_same_request(tmp_path, tiny_model, lightning):
    server = agent_server(tmp_path, tiny_model[0])

    async def call():
        from mcp.client.client import Client

        async with Client(server) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            schema = tools["generate_sprite"].input_schema["properties"]["options"]
            assert schema["anyOf"][0]["properties"]["speed"]["enum"] == ["quality", "fast", "turbo"]
            return await client.call_tool("generate_sprite", {
                "prompt": "a frog", "size": 16, "seed": 5, "options": {"speed": "turbo"},
                "output": str(tmp_path)})  # fmt: skip

    result = asyncio.run(call())
    assert not result.is_error, result.content[0].text
    (made,) = sorted(tmp_path.glob("*.png"))
    meta = json.loads(png_text(made)["dgx-pixels"])
    assert (meta["recipe"], meta["steps"], meta["seed"]) == ("lightning-4step", 4, 5)


def test_link_loops_pipes_and_devices_in_a_lora_folder_are_passed_over(lightning):
    """One odd file in a LoRA folder must not crash or hang every fast request."""
    import os
    import signal

    folder = lightning.parent
    (folder / "loop.safetensors").symlink_to(folder / "loop.safetensors")
    (folder / "zero.safetensors").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.safetensors")
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("looking for LoRAs hung"))
    signal.alarm(20)
    try:
        request = build_request(Choices("a frog", options={"speed": "turbo"}))
    finally:
        signal.alarm(0)
    assert request.loras[-1].path == str(lightning.resolve())
