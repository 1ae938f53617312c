"""Playback order, timeline commands, GIF/APNG read back with Pillow, palette snapping."""

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from dgx_pixels_app.core.document import Direction, Tag
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.frame_commands import (
    MoveFrame,
    RemoveFrame,
    SetFrameDurations,
    SetTags,
    duplicate_frame_command,
)
from dgx_pixels_app.core.history import History
from dgx_pixels_app.core.playback import Player, sequence
from dgx_pixels_app.formats import aseprite
from dgx_pixels_app.formats.animation import save_animation
from tests.export.test_sheet import animated


@pytest.mark.parametrize(
    ("direction", "order"),
    [
        (Direction.FORWARD, [1, 2, 3, 4]),
        (Direction.REVERSE, [4, 3, 2, 1]),
        (Direction.PINGPONG, [1, 2, 3, 4, 3, 2]),
    ],
)
def test_playback_order_for_each_direction(direction, order):
    sprite = animated(6)
    tag = Tag("t", 1, 4, direction)
    assert sequence(sprite, tag) == order
    player = Player(sprite, tag)
    played = [player.frame] + [player.advance() for _ in range(len(order) * 2 - 1)]
    assert played == order * 2  # loops
    assert sequence(sprite) == list(range(6))


def test_player_honours_durations_speed_and_no_loop():
    sprite = animated(3)
    player = Player(sprite, loop=False, speed=2.0)
    assert player.delay_ms() == 40  # 80 ms at 2x
    player.advance()
    player.advance()
    player.advance()
    assert player.finished and player.frame == 2


def test_timeline_commands_undo_redo():
    sprite = animated(4)
    history = History(sprite)
    ids = [f.id for f in sprite.frames]
    history.push(duplicate_frame_command(sprite, ids[1]))
    assert len(sprite.frames) == 5 and np.array_equal(sprite.composite(2), sprite.composite(1))
    history.push(MoveFrame(ids[3], 0))
    assert sprite.frames[0].id == ids[3]
    history.push(SetFrameDurations([ids[0], ids[2]], 250))
    history.push(RemoveFrame(ids[2]))
    history.push(SetTags([Tag("run", 0, 2, Direction.PINGPONG)]))
    for _ in range(5):
        history.undo()
    assert [f.id for f in sprite.frames] == ids
    assert [f.duration_ms for f in sprite.frames] == [80, 90, 100, 110]
    for _ in range(5):
        history.redo()
    assert len(sprite.frames) == 4 and sprite.tags[0].name == "run"
    with pytest.raises(InvalidInputError):
        history.push(MoveFrame(ids[0], 9))


@pytest.mark.parametrize(("kind", "suffix"), [("gif", ".gif"), ("apng", ".png")])
def test_gif_and_apng_durations_frames_and_transparency(tmp_path, kind, suffix):
    sprite = animated(5)
    path = tmp_path / f"anim{suffix}"
    assert save_animation(sprite, path, kind) == 5
    image = Image.open(path)
    assert image.n_frames == 5
    durations = []
    for i in range(5):
        image.seek(i)
        durations.append(int(image.info["duration"]))
        frame = np.array(image.convert("RGBA"))
        expected = sprite.composite(i)
        assert np.array_equal(frame[..., 3] > 0, expected[..., 3] > 0)  # transparency preserved
        opaque = expected[..., 3] > 0
        assert np.abs(frame[opaque][:, :3].astype(int) - expected[opaque][:, :3]).max() <= 8
    assert durations == [80, 90, 100, 110, 120]
    walk = tmp_path / f"walk{suffix}"
    save_animation(sprite, walk, kind, tag="walk")  # ping-pong 1-2-3-2
    walk_image = Image.open(walk)
    assert walk_image.n_frames == 4


def test_cli_exports_gif_and_apng_of_a_tag(tmp_path):
    aseprite.save(animated(5), tmp_path / "anim.aseprite")
    for args, path, frames in (
        (["-o", tmp_path / "anim.gif", "--format", "gif"], tmp_path / "anim.gif", 5),
        (
            ["-o", tmp_path / "walk.png", "--format", "apng", "--tag", "walk"],
            tmp_path / "walk.png",
            4,
        ),
    ):
        result = subprocess.run([sys.executable, "-m", "dgx_pixels_app", "export", str(tmp_path / "anim.aseprite"), *map(str, args)],
                                capture_output=True, text=True, timeout=60)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert Image.open(path).n_frames == frames
    bad = subprocess.run([sys.executable, "-m", "dgx_pixels_app", "export", str(tmp_path / "anim.aseprite"), "-o", str(tmp_path / "x.gif"), "--tag", "nope"],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert bad.returncode == 2 and "No tag 'nope'" in bad.stderr
