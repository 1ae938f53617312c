"""The command line as a user runs it: a real subprocess, real files, exit codes."""

import json
import subprocess
import sys

from dgx_pixels_app import __version__
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.formats import aseprite
from tests.helpers import random_cel


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "dgx_pixels_app", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_version_starts_without_torch_or_qt():
    probe = (
        "import sys; from dgx_pixels_app.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'PySide6', 'diffusers') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert f"dgx-pixels {__version__}" in out.stdout
    assert "HEAVY []" in out.stdout


def test_info_reports_versions_device_and_model_folders(isolated_home):
    result = run("info")
    assert result.returncode == 0, result.stderr
    for key in ("python:", "torch:", "diffusers:", "device:", "memory:", "model folders:"):
        assert key in result.stdout
    assert "CPU" in result.stdout or "CUDA" in result.stdout
    assert str(isolated_home) in result.stdout  # the app's own models folder


def test_inspect_reads_our_file(tmp_path):
    sprite = Sprite.new(8, 8, frames=2)
    sprite.cels[(sprite.layers[0].id, sprite.frames[0].id)] = random_cel(sprite, 1)
    aseprite.save(sprite, tmp_path / "a.aseprite")
    result = run("inspect", str(tmp_path / "a.aseprite"), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["width"], data["frames"]) == (8, [100, 100])


def test_bad_input_is_one_clear_line_and_exit_2(tmp_path):
    (tmp_path / "broken.aseprite").write_bytes(b"garbage" * 30)
    for path, words in (
        (tmp_path / "broken.aseprite", "not an Aseprite file"),
        (tmp_path / "missing.aseprite", "does not exist"),
    ):
        result = run("inspect", str(path))
        assert result.returncode == 2
        assert words in result.stderr
        assert "Traceback" not in result.stderr


def test_gui_without_a_display_says_so(tmp_path):
    import os

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = run("gui", env=env)
    assert result.returncode == 2
    assert "No display found" in result.stderr and "Traceback" not in result.stderr
