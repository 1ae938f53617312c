"""``generate-tileset``, ``generate-animation`` and ``generate KIND PROMPT`` on the tiny
model: every file they write, read back by independent readers; bad input."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from dgx_pixels_app.cli import main
from dgx_pixels_app.formats.images import read_rgba
from tests.helpers import read_with_ase_parser

FAST = ["--steps", "2", "--resolution", "64", "--seed", "3"]


def test_tileset_tiles_sheet_json_tsx_manifest_and_bevy(tmp_path, tiny_model, game, capsys):
    out = tmp_path / "tiles"
    code = main(["generate-tileset", "--prompt", "stone dungeon floor", "--size", "16",
                 "--seamless", "--variations", "5", "--model", str(tiny_model[0]), "-o", str(out),
                 "--padding", "1", "--extrude", "1", "--columns", "3", "--bevy", str(game), *FAST])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    tiles = sorted(out.glob("stone-dungeon-floor-0*.png"))
    assert len(tiles) == 5
    for tile in tiles:
        assert read_rgba(tile).shape == (16, 16, 4)
        assert f"{tile}  seed" in printed and "seam " in printed
    manifest = json.loads((out / "manifest.json").read_text())
    assert [e["seed"] for e in manifest["images"]] == [3, 4, 5, 6, 7]
    assert all(
        e["seam"]["score"] > 0 and e["request"]["seamless"] == "xy" for e in manifest["images"]
    )
    colours = {tuple(c) for t in tiles for c in read_rgba(t).reshape(-1, 4)[:, :3]}
    first = {tuple(c) for c in read_rgba(tiles[0]).reshape(-1, 4)[:, :3]}
    assert colours <= first  # every variation uses the first tile's palette
    root = ET.parse(out / "stone-dungeon-floor.tsx").getroot()
    assert root.tag == "tileset"
    attrs = {
        k: root.get(k)
        for k in ("tilewidth", "tileheight", "tilecount", "columns", "spacing", "margin")
    }
    assert attrs == {"tilewidth": "16", "tileheight": "16", "tilecount": "5", "columns": "3",
                     "spacing": "3", "margin": "1"}  # fmt: skip
    image = root.find("image")
    with Image.open(out / image.get("source")) as sheet:
        assert (str(sheet.width), str(sheet.height)) == (image.get("width"), image.get("height"))
        # Tiled's own arithmetic finds the same tiles: columns from width, margin and spacing
        assert (sheet.width - 2 * 1 + 3) // (16 + 3) == 3
    seeds = [t.find("properties/property[@name='seed']").get("value") for t in root.findall("tile")]
    assert seeds == ["3", "4", "5", "6", "7"]
    data = json.loads((out / "stone-dungeon-floor.json").read_text())
    assert len(data["frames"]) == 5
    assert (game / "assets" / "tilesets" / "stone-dungeon-floor.png").is_file()
    assert (
        "TextureAtlasLayout::from_grid(TILE, 3, 2" in printed and "TILE_COUNT: usize = 5" in printed
    )


def test_animation_strip_files_read_back(tmp_path, tiny_model, game, capsys):
    out = tmp_path / "knight"
    code = main(["generate-animation", "--prompt", "fantasy knight character", "--frames", "4",
                 "--type", "idle", "--size", "32", "--model", str(tiny_model[0]), "-o", str(out),
                 "--bevy", str(game), *FAST])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    frames = [out / f"fantasy-knight-character-{i}.png" for i in range(4)]
    shapes = {read_rgba(f).shape for f in frames}
    assert shapes == {(32, 32, 4)}  # one size for every frame
    parsed = read_with_ase_parser(out / "fantasy-knight-character.aseprite")
    assert parsed["numFrames"] == 4
    assert [f["duration"] for f in parsed["frames"]] == [160] * 4  # the idle preset's
    assert [(t["name"], t["from"], t["to"]) for t in parsed["tags"]] == [("idle", 0, 3)]
    with Image.open(out / "fantasy-knight-character.gif") as gif:
        assert gif.n_frames == 4
        durations = []
        for i in range(gif.n_frames):
            gif.seek(i)
            durations.append(gif.info["duration"])
        assert durations == [160] * 4
    sheet = json.loads((out / "fantasy-knight-character-sheet.json").read_text())
    assert len(sheet["frames"]) == 4 and sheet["meta"]["frameTags"][0]["name"] == "idle"
    manifest = json.loads((out / "manifest.json").read_text())
    assert [f["change"] for f in manifest["frames"]][0] == 0
    assert "changed" in printed and "drift" in printed
    assert (game / "assets" / "sprites" / "fantasy-knight-character.png").is_file()
    assert "SpriteAnimation::named" in printed


def test_animation_chain_shares_the_first_frames_palette(tmp_path, tiny_model):
    out = tmp_path / "walk"
    assert main(["generate-animation", "--prompt", "knight", "--type", "walk", "--frames", "3",
                 "--method", "chain", "--size", "24", "--model", str(tiny_model[0]), "-o", str(out),
                 *FAST, "--steps", "4"]) == 0  # fmt: skip
    frames = [read_rgba(out / f"knight-{i}.png") for i in range(3)]
    assert {f.shape for f in frames} == {(24, 24, 4)}
    first = {tuple(c) for c in frames[0][frames[0][..., 3] > 0][:, :3]}
    for frame in frames[1:]:
        assert {tuple(c) for c in frame[frame[..., 3] > 0][:, :3]} <= first
    manifest = json.loads((out / "manifest.json").read_text())
    assert [f["mode"] for f in manifest["frames"]] == ["txt2img", "img2img", "img2img"]


def test_generate_kind_prompt_uses_the_kind(tmp_path, tiny_model, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "character", "medieval knight", "--model", str(tiny_model[0]),
                 "--width", "64", "--height", "64", "--steps", "1"]) == 0  # fmt: skip
    from dgx_pixels_app.formats.images import png_text

    params = png_text(tmp_path / "medieval-knight.png")["parameters"]
    assert params.startswith("medieval knight, full body game character sprite")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["generate-tileset", "--prompt", "x", "--size", "30"], "multiple of 4 from 8 to 128"),
        (["generate-tileset", "--prompt", "x", "--size", "256"], "multiple of 4 from 8 to 128"),
        (["generate-tileset", "--prompt", "x", "--palette", "BAD"], "palette"),
        (["generate-tileset", "--prompt", "x", "--variations", "0"], "--variations must be"),
        (["generate-animation", "--prompt", "x", "--frames", "1"], "--frames must be 2 to 16"),
        (["generate-animation", "--prompt", "x", "--frames", "17"], "--frames must be 2 to 16"),
        (["generate-animation", "--prompt", "x", "--type", "dance"], "unknown animation type 'dance' (known: idle, walk, attack)"),
        (["generate-animation", "--prompt", "x", "--palette", "BAD"], "palette"),
        (["generate", "spaceship", "x", "-o", "x.png"], "unknown kind 'spaceship' (known: character"),
    ],
)  # fmt: skip
def test_bad_input_one_line_exit_2_nothing_written(
    tmp_path, tiny_model, capsys, monkeypatch, argv, message
):
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "BAD.gpl"
    bad.write_text("not a palette")
    argv = [a if a != "BAD" else str(bad) for a in argv]
    assert main([*argv, "--model", str(tiny_model[0])]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("dgx-pixels: error:"), err
    assert message.lower() in err[0].lower(), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["BAD.gpl"]


def test_output_that_is_a_file_is_refused(tmp_path, tiny_model, capsys):
    target = tmp_path / "taken"
    target.write_text("x")
    for command in (["generate-tileset", "--prompt", "x"], ["generate-animation", "--prompt", "x"]):
        assert main([*command, "-o", str(target), "--model", str(tiny_model[0])]) == 2
        assert "is a file, not a folder" in capsys.readouterr().err
    assert np.array_equal(
        np.frombuffer(target.read_bytes(), np.uint8), np.frombuffer(b"x", np.uint8)
    )


def test_chained_frames_with_too_few_steps_fail_before_any_model(tmp_path, capsys):
    not_a_model = tmp_path / "not-a-model"
    not_a_model.mkdir()  # loading it would fail: the check must come first
    code = main(["generate-animation", "--prompt", "knight", "--method", "chain", "--steps", "2",
                 "--model", str(not_a_model), "-o", str(tmp_path / "o")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "denoise nothing in the chained frames: use at least 3" in err and "Traceback" not in err
