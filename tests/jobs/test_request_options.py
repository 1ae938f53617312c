"""A declared generation option (clip_skip) reaches the engine from every front end."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import numpy as np
import pytest

from dgx_pixels_app.cli import main
from dgx_pixels_app.core.errors import InvalidInputError, OptionError
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.formats.images import png_text, read_rgba
from dgx_pixels_app.jobs.requests import Choices, build_request
from tests.helpers import agent_server

FAST = ["--steps", "2", "--width", "64", "--height", "64", "--seed", "5", "--raw"]


def test_the_engine_uses_it_and_provenance_records_it(engine):
    request = build_request(Choices("a frog", seed=5, steps=2, resolution=64,
                                    options={"clip_skip": 1}))  # fmt: skip
    assert request.clip_skip == 1
    plain = engine.generate(replace(request, clip_skip=0))
    skipped = engine.generate(request)
    again = engine.generate(request)
    assert not np.array_equal(plain.images[0], skipped.images[0])
    assert np.array_equal(skipped.images[0], again.images[0])
    assert skipped.requests[0].clip_skip == 1
    assert GenerationRequest.from_json(skipped.requests[0].to_json()).clip_skip == 1
    with pytest.raises(InvalidInputError, match="CLIP skip at most 1"):
        engine.generate(GenerationRequest("a frog", steps=2, width=64, height=64, clip_skip=3))


def test_the_cli_has_a_flag_for_it(tmp_path, tiny_model):
    out = tmp_path / "frog.png"
    assert main(["generate", "a frog", "--model", str(tiny_model[0]), *FAST,
                 "--clip-skip", "1", "-o", str(out)]) == 0  # fmt: skip
    text = png_text(out)
    assert json.loads(text["dgx-pixels"])["clip_skip"] == 1
    assert "Clip skip: 3" in text["parameters"]
    assert main(["generate", "a frog", "--model", str(tiny_model[0]), *FAST,
                 "--clip-skip", "9", "-o", str(tmp_path / "x.png")]) == 2  # fmt: skip


def test_batch_takes_it_for_every_item(tmp_path, tiny_model):
    items = tmp_path / "items.txt"
    items.write_text("sword\nshield\n")
    assert main(["batch", str(items), "-o", str(tmp_path / "out"), "--model", str(tiny_model[0]),
                 "--steps", "1", "--resolution", "64", "--size", "16", "--clip-skip", "1"]) == 0  # fmt: skip
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [e["request"]["clip_skip"] for e in manifest["images"]] == [1, 1]


def test_the_builder_checks_it_naming_the_option():
    with pytest.raises(OptionError, match="clip_skip must be 0 to 4, not 7"):
        build_request(Choices("x", options={"clip_skip": 7}))
    with pytest.raises(OptionError, match="clip_skip must be a whole number"):
        build_request(Choices("x", options={"clip_skip": True}))
    with pytest.raises(OptionError, match="is not a generation option"):
        build_request(Choices("x", options={"vae_magic": 1}))


def test_agents_see_it_in_the_schema_and_can_use_it(tmp_path, tiny_model):
    server = agent_server(tmp_path, tiny_model[0])

    async def call():
        from mcp.client.client import Client

        async with Client(server) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            schema = tools["generate_sprite"].input_schema["properties"]["options"]
            assert schema["anyOf"][0]["properties"]["clip_skip"]["maximum"] == 4
            refused = await client.call_tool("generate_sprite", {
                "prompt": "a frog", "options": {"clip_skip": 9}})  # fmt: skip
            assert refused.is_error and "clip_skip must be 0 to 4" in refused.content[0].text
            return await client.call_tool("generate_sprite", {
                "prompt": "a frog", "size": 16, "seed": 3, "options": {"clip_skip": 1},
                "output": str(tmp_path)})  # fmt: skip

    assert not asyncio.run(call()).is_error
    made = sorted(tmp_path.glob("*.png"))
    assert len(made) == 1 and read_rgba(made[0]).shape[2] == 4
    assert json.loads(png_text(made[0])["dgx-pixels"])["clip_skip"] == 1


def test_batch_items_can_carry_it_per_item(tmp_path):
    from dgx_pixels_app.jobs.batch import BatchOptions, plan_images
    from dgx_pixels_app.jobs.items import parse_items

    items = parse_items("prompt,clip_skip\nsword,1\nshield,\n", "csv", "items.csv")
    options = BatchOptions(output=tmp_path / "out", model=str(tmp_path), kind="item",
                           options={"clip_skip": 2})  # fmt: skip
    entries = plan_images(items, options)
    assert [e["request"]["clip_skip"] for e in entries] == [1, 2]  # the item's, else the batch's
    with pytest.raises(InvalidInputError, match="items.csv, line 2: clip_skip must be a number"):
        parse_items("prompt,clip_skip\nsword,lots\n", "csv", "items.csv")
    bad = parse_items('[{"prompt": "sword", "clip_skip": 9}]', "json", "items.json")
    with pytest.raises(
        InvalidInputError, match="items.json, item 1: clip_skip must be 0 to 4, not 9"
    ):
        plan_images(bad, options)


def test_a_damaged_declaration_file_is_one_line_not_a_traceback(monkeypatch, tmp_path, capsys):
    import shutil

    from dgx_pixels_app import resources

    presets = tmp_path / "presets"
    shutil.copytree(resources.data_dir("presets"), presets)
    (presets / "request-options.toml").write_text("[[option]]\nname = 5\n")
    monkeypatch.setattr(resources, "preset_path", lambda *parts: presets.joinpath(*parts))
    assert main(["generate", "x", "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dgx-pixels: error:") and "request-options.toml" in err
    assert "Traceback" not in err
