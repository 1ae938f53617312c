"""What an attacker found, kept found: pipes and devices given as images, JSON nested
past the parser's depth in a saved pose, a character or a pose layer, digits that are
not ASCII, an output folder nobody can write. Each is one line, before any work."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from dgx_pixels_app.cli import main
from dgx_pixels_app.formats.images import write_png

FAST = ["--steps", "2", "--resolution", "64", "--seed", "3"]
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def hero(tmp_path):
    sprite = np.zeros((16, 16, 4), np.uint8)
    sprite[2:14, 4:12] = (200, 40, 40, 255)
    write_png(tmp_path / "hero.png", sprite)
    return tmp_path / "hero.png"


def _one_line(capsys, message: str) -> None:
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1, err


def test_a_pipe_or_a_device_as_the_reference_is_refused_at_once(
    tmp_path, tiny_model, isolated_home
):
    fifo = tmp_path / "hero.png"
    os.mkfifo(fifo)
    for reference in (str(fifo), "/dev/zero"):
        run = subprocess.run(
            [sys.executable, "-m", "dgx_pixels_app", "generate-character", "--reference", reference,
             "--model", str(tiny_model[0]), "-o", str(tmp_path / "o"), *FAST],
            capture_output=True, text=True, timeout=120, env={**os.environ},
        )  # fmt: skip
        assert run.returncode == 2 and "is not a file (a pipe or a device?)" in run.stderr
        assert "Traceback" not in run.stderr


def test_json_nested_past_the_parsers_depth(tmp_path, tiny_model, hero, capsys, isolated_home):
    from dgx_pixels_app.core.document import Sprite
    from dgx_pixels_app.core.pose_commands import pose_layer_command
    from dgx_pixels_app.formats import aseprite
    from dgx_pixels_app.jobs.characters import folder
    from dgx_pixels_app.jobs.poses import templates, user_folder

    user_folder().mkdir(parents=True)
    (user_folder() / "deep.json").write_text(DEEP)  # one bad saved pose: skipped
    assert "walk" in templates()
    (user_folder() / "deep.json").unlink()
    capsys.readouterr()  # its warning said so
    home = folder() / "deepc"
    home.mkdir(parents=True)
    (home / "character.json").write_text(DEEP)
    assert main(["generate-animation", "--character", "deepc", "--pose", "walk",
                 "--model", str(tiny_model[0]), "-o", str(tmp_path / "o"), *FAST]) == 2  # fmt: skip
    _one_line(capsys, "The character 'deepc' is damaged")
    sprite = Sprite.new(8, 8, frames=2)
    pose_layer_command(sprite, "Pose", templates()["walk"].skeletons("east")).apply(sprite)
    data = aseprite.to_bytes(sprite)
    start = data.index(b'"frames":[') + len(b'"frames":[')
    end = data.index(b"]}", start)
    deep = b"[" * ((end - start) // 2) + b"]" * (end - start - (end - start) // 2)
    back = aseprite.from_bytes(data[:start] + deep + data[end:])  # same length: only the text
    assert back.layers[-1].pose == {}


def test_odd_digits_and_unwritable_folders(tmp_path, tiny_model, hero, capsys, isolated_home):
    from dgx_pixels_app.settings import update_settings

    update_settings(lambda s: s.model_folders.append(str(tiny_model[0])))
    base = ["generate", "knight", "--model", str(tiny_model[0]), "-o", str(tmp_path / "a.png"),
            "--width", "64", "--height", "64", "--steps", "2"]  # fmt: skip
    assert main([*base, "--control", "pose=@walk/east/²"]) == 2
    _one_line(capsys, "the frame is a number from 0")
    assert main(["generate-character", "--reference", str(hero), "--model", str(tiny_model[0]),
                 "-o", "/proc/dgx-pixels-test", *FAST]) == 2  # fmt: skip
    err = capsys.readouterr().err  # after the plan's one line, before any generation
    assert "error: Cannot create the folder '/proc/dgx-pixels-test'" in err
    assert "Traceback" not in err and "step" not in err


def test_a_game_whose_sprites_folder_is_a_file(tmp_path, tiny_model, hero, capsys, isolated_home):
    game = tmp_path / "game"
    (game / "assets").mkdir(parents=True)
    (game / "Cargo.toml").write_text('[package]\nname = "g"\n')
    (game / "assets" / "sprites").write_text("not a folder")
    assert main(["generate-character", "--reference", str(hero), "--model", str(tiny_model[0]),
                 "-o", str(tmp_path / "o"), "--bevy", str(game), *FAST]) == 2  # fmt: skip
    _one_line(capsys, "sprites' is a file: the export needs a folder there")
    assert not (tmp_path / "o").exists()


def test_controls_and_sizes_say_what_is_wrong(tmp_path, tiny_model, hero, capsys, isolated_home):
    base = ["generate", "knight", "--model", str(tiny_model[0]), "-o", str(tmp_path / "a.png"),
            "--width", "64", "--height", "64", "--steps", "2"]  # fmt: skip
    for extra, message in (
        (["--control", "pose=@"], "a pose template's name goes after @"),
        (["--control", "lineart=@walk"], "only the pose control takes a pose template"),
        (["--reference", str(tmp_path)], "is a folder, not an image"),
    ):
        assert main(base + extra) == 2
        _one_line(capsys, message)
    assert main(["generate-character", "--reference", str(hero), "--size", "0",
                 "--model", str(tiny_model[0]), "-o", str(tmp_path / "o"), *FAST]) == 2  # fmt: skip
    _one_line(capsys, "size must be a multiple of 4 from 8 to 512, not 0")
