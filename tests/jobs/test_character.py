"""``generate-character`` and ``generate-animation --pose`` on the tiny models: the
files read back by independent readers (tags, frame counts and durations as the
templates say, a sheet row per tag, a GIF per tag, Bevy rows by direction), and every
bad input one clear error before the base model loads."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from dgx_pixels_app.cli import main
from dgx_pixels_app.formats.images import write_png
from dgx_pixels_app.jobs.poses import templates
from dgx_pixels_app.settings import update_settings
from tests.helpers import read_with_ase_parser

FAST = ["--steps", "2", "--resolution", "64", "--seed", "3"]


@pytest.fixture
def controls_found(tiny_model):
    """The tiny model's folder (its IP-Adapter and ControlNets) as a models folder."""
    update_settings(lambda s: s.model_folders.append(str(tiny_model[0])))


@pytest.fixture
def hero(tmp_path):
    sprite = np.zeros((32, 24, 4), np.uint8)
    sprite[4:30, 8:16] = (200, 40, 40, 255)
    sprite[2:8, 9:15] = (240, 200, 160, 255)
    sprite[18:30, 8:11] = sprite[18:30, 13:16] = (40, 40, 160, 255)
    path = tmp_path / "hero.png"
    write_png(path, sprite)
    return path


def test_four_directions_two_actions(tmp_path, tiny_model, controls_found, hero, game, capsys):
    out = tmp_path / "hero"
    code = main(["generate-character", "--reference", str(hero), "--directions", "4",
                 "--actions", "idle,walk", "--size", "32", "--model", str(tiny_model[0]),
                 "-o", str(out), "--name", "hero", "--bevy", str(game), *FAST])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    known = templates()
    rows = [(a, d) for a in ("idle", "walk") for d in ("south", "west", "east", "north")]
    parsed = read_with_ase_parser(out / "hero.aseprite")
    expected, start = [], 0
    for action, direction in rows:
        n = len(known[action].frames)
        expected.append((f"{action}_{direction}", start, start + n - 1))
        start += n
    assert [(t["name"], t["from"], t["to"]) for t in parsed["tags"]] == expected
    durations = [f.duration_ms for a, _ in rows for f in known[a].frames]
    assert [f["duration"] for f in parsed["frames"]] == durations
    columns = max(len(known[a].frames) for a, _ in rows)
    with Image.open(out / "hero-sheet.png") as sheet:
        assert sheet.size == (columns * 32, len(rows) * 32)  # one row per tag
    for tag, a, b in expected:
        with Image.open(out / f"hero-{tag}.gif") as gif:
            assert gif.n_frames == b - a + 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert [t["tag"] for t in manifest["tags"]] == [e[0] for e in expected]
    frame = manifest["tags"][5]["frames"][2]
    assert frame["pose"] == "walk/west/2/chibi/top-down" and 0 <= frame["palette_overlap"] <= 1
    assert {"height_drift", "width_drift", "histogram_distance", "flagged"} <= set(frame)
    first = manifest["request"]
    assert first["references"][0]["sha256"] and first["controls"][0]["model"].endswith(
        "controlnet-openpose-sdxl"
    )
    ron = (game / "assets" / "sprites" / "hero.layout.ron").read_text()
    assert f"columns: {columns}," in ron and f"rows: {len(rows)}," in ron
    walk_east = rows.index(("walk", "east"))
    assert f'"walk_east": (first: {walk_east * columns}, last: {walk_east * columns + 7}' in ron
    assert f'("walk", "east", {walk_east}),' in printed and f"COLUMNS: usize = {columns}" in printed
    assert all(f"{tag} " in printed for tag, _, _ in expected)  # a figures line per frame


def test_animation_with_a_pose_and_a_reference(tmp_path, tiny_model, controls_found, hero):
    out = tmp_path / "walk"
    code = main(["generate-animation", "--prompt", "knight", "--reference", str(hero),
                 "--pose", "walk", "--direction", "east", "--size", "32", "--method", "chain",
                 "--model", str(tiny_model[0]), "-o", str(out), "--name", "knight", *FAST])  # fmt: skip
    assert code == 0
    parsed = read_with_ase_parser(out / "knight.aseprite")
    assert [(t["name"], t["from"], t["to"]) for t in parsed["tags"]] == [("walk_east", 0, 7)]
    manifest = json.loads((out / "manifest.json").read_text())
    frames = manifest["tags"][0]["frames"]
    assert [f["pose"] for f in frames] == [f"walk/east/{i}/chibi/side" for i in range(8)]
    assert [f["mode"] for f in frames] == ["txt2img"] + ["img2img"] * 7  # --method chain
    assert [f["started_from"] for f in frames] == [None, 0, 1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--directions", "9"], "Directions must be 1, 2, 4 or 8, not 9"),
        (["--actions", "idle,moonwalk"], "no pose template 'moonwalk'"),
        (["--reference", "README"], "not an image"),
        (["--size", "30"], "size must be a multiple of 4"),
        (["--weight", "3"], "weight must be 0 to 2"),
        ([], "No IP-Adapter for reference images"),
    ],
)
def test_bad_input_is_one_clear_error_before_any_model(tmp_path, hero, capsys, change, message):
    not_a_model = tmp_path / "not-a-model"  # loading it would fail: the check comes first
    not_a_model.mkdir()
    (tmp_path / "README").write_text("hello")
    args = ["generate-character", "--reference", str(hero), "--model", str(not_a_model),
            "-o", str(tmp_path / "out"), *FAST]  # fmt: skip
    args += [a if a != "README" else str(tmp_path / "README") for a in change]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_bad_controls_on_generate(tmp_path, tiny_model, controls_found, hero, capsys):
    wide = tmp_path / "wide.png"
    write_png(wide, np.full((64, 128, 4), 255, np.uint8))
    base = ["generate", "knight", "--model", str(tiny_model[0]), "-o", str(tmp_path / "a.png"),
            "--width", "64", "--height", "64", "--steps", "2"]  # fmt: skip
    cases = [
        (["--control", f"depth={wide}"], "is 128×64; the image is 64×64"),
        (["--control", f"pose={hero}"], "is a sprite, not a skeleton"),
        (["--control", "pose=@dance/east/0"], "no pose template 'dance'"),
        (["--control", "pose=@walk/east/12"], "has 8 frames"),
        (["--control", f"glow={wide}"], "'glow' is not a control type"),
        (["--control", f"tile={wide}:1:0.8-0.2"], "the range must be START-END"),
        (["--reference", str(tmp_path / "missing.png")], "does not exist"),
    ]
    for extra, message in cases:
        assert main(base + extra) == 2, extra
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, (extra, err)
    assert not (tmp_path / "a.png").exists()


def test_a_kept_character_gets_new_actions(tmp_path, tiny_model, controls_found, hero, capsys):
    first = tmp_path / "first"
    assert main(["generate-character", "--reference", str(hero), "--directions", "1",
                 "--actions", "idle", "--size", "32", "--model", str(tiny_model[0]),
                 "-o", str(first), "--save-as", "hero", *FAST]) == 0  # fmt: skip
    assert "saved the character" in capsys.readouterr().out
    hero.unlink()  # the library keeps its own copy of the reference
    later = tmp_path / "later"
    assert main(["generate-animation", "--character", "hero", "--pose", "attack",
                 "--direction", "east", "--model", str(tiny_model[0]), "-o", str(later),
                 "--name", "hero", "--steps", "2", "--resolution", "64"]) == 0  # fmt: skip
    a = json.loads((first / "manifest.json").read_text())
    b = json.loads((later / "manifest.json").read_text())
    assert (b["seed"], b["size"], b["shape"]) == (a["seed"], 32, "chibi")
    assert b["reference"]["sha256"] == a["reference"]["sha256"]
    from dgx_pixels_app.jobs.characters import load

    kept = {tuple(c[:3]) for c in load("hero")[0].palette}
    used = {tuple(c[:3]) for f in read_with_ase_parser(later / "hero.aseprite")["palette"]
            for c in [f] if f[3]}  # fmt: skip
    assert kept and used <= kept  # the new frames keep the character's colours
    parsed = read_with_ase_parser(later / "hero.aseprite")
    assert [t["name"] for t in parsed["tags"]] == ["attack_east"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("villain", "no character 'villain' (the characters: none yet"),
        ("../etc", "looks like a path"),
    ],
)
def test_unknown_or_hostile_character_names(tmp_path, tiny_model, capsys, name, message):
    assert main(["generate-animation", "--character", name, "--pose", "walk",
                 "--model", str(tiny_model[0]), "-o", str(tmp_path / "o"), *FAST]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_damaged_character_file_is_one_error(isolated_home, tiny_model, tmp_path, capsys):
    from dgx_pixels_app.jobs.characters import folder

    home = folder() / "hero"
    home.mkdir(parents=True)
    (home / "character.json").write_text('{"schema": "dgx-pixels/character@1", "name": "hero", '
                                         '"prompt": "x", "seed": "nine", "model": ""}')  # fmt: skip
    assert main(["generate-animation", "--character", "hero", "--pose", "walk",
                 "--model", str(tiny_model[0]), "-o", str(tmp_path / "o"), *FAST]) == 2  # fmt: skip
    assert "has a damaged seed" in capsys.readouterr().err


def test_figures_of_big_frames_against_a_photo_reference():
    """A painting or photo as the reference (every pixel its own colour) and 512 px
    frames: the figures take a table lookup, not pixels × colours of memory."""
    from dgx_pixels_app.jobs.character import Row
    from dgx_pixels_app.jobs.character_files import figures

    rng = np.random.default_rng(0)
    photo = np.dstack(
        [
            rng.integers(100, 256, (512, 512)),
            rng.integers(0, 80, (512, 512)),
            rng.integers(0, 80, (512, 512)),
            np.full((512, 512), 255),
        ]
    ).astype(np.uint8)
    assert len(np.unique(photo.reshape(-1, 4), axis=0)) > 200_000  # a photo's colours
    frame = photo.copy()
    other = np.zeros_like(photo)
    other[100:400, 200:300] = (7, 250, 7, 255)
    row = Row("idle", "east", 2, [100, 100], True)
    same, odd = figures([frame, other], [row], photo)
    assert same.palette_overlap == 1.0 and same.histogram_distance < 0.01
    assert odd.palette_overlap < 0.5 and odd.flagged
