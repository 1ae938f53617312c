"""Crash safety, tested for real: processes killed with SIGKILL at random moments while
they save, export into a Bevy folder and edit; and a disk that fills up during a save.

    DGX_KILL_RUNS=200 bash packaging/bootstrap.sh test tests/reliability   # the long version
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
from PIL import Image

KILLS = int(os.environ.get("DGX_KILL_RUNS", "6"))

SAVER = textwrap.dedent("""
    import sys, numpy as np
    from dgx_pixels_app.core.document import Cel, Sprite
    from dgx_pixels_app.formats.documents import save_document
    target, start = sys.argv[1], int(sys.argv[2])
    for n in range(start, start + 100000):
        sprite = Sprite.new(256, 256, layers=3, frames=4)
        for layer in sprite.layers:
            for frame in sprite.frames:
                image = np.random.default_rng(n).integers(0, 255, (256, 256, 4), dtype=np.uint8)
                image[0, 0] = (n % 256, n // 256 % 256, 0, 255)
                sprite.cels[(layer.id, frame.id)] = Cel(image)
        save_document(sprite, target)
        print(n, flush=True)
""")


def expected_stamp(path: Path) -> int:
    from dgx_pixels_app.formats import aseprite

    sprite = aseprite.load(path)
    cel = sprite.cels[(sprite.layers[0].id, sprite.frames[0].id)].image
    n = int(cel[0, 0, 0]) + 256 * int(cel[0, 0, 1])
    again = np.random.default_rng(n).integers(0, 255, (256, 256, 4), dtype=np.uint8)
    again[0, 0] = (n % 256, n // 256 % 256, 0, 255)
    assert np.array_equal(cel, again), "a saved file holds pixels no save wrote"
    return n


def run_and_kill(args, delay: float) -> list[str]:
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, text=True)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(30)
    return out.split()


def test_kill_9_during_save_never_corrupts_the_file(tmp_path):
    rng = random.Random(1)
    target = tmp_path / "hero.aseprite"
    script = tmp_path / "saver.py"
    script.write_text(SAVER)
    corrupt = 0
    start = 1
    for kill in range(KILLS):
        done = run_and_kill([str(script), str(target), str(start)], rng.uniform(0.5, 2.5))
        if target.exists():
            stamp = expected_stamp(target)  # opens, and is one complete save
            if done:
                assert stamp in (int(done[-1]), int(done[-1]) + 1)
        start += 1000
        # "Save As" to a new name: the new file is complete or absent
        new = tmp_path / f"copy-{kill}.aseprite"
        run_and_kill([str(script), str(new), "7"], rng.uniform(0.5, 1.5))
        if new.exists():
            expected_stamp(new)
    assert corrupt == 0
    leftovers = list(tmp_path.glob(".*.tmp"))
    if leftovers:  # the next save clears what a kill left behind (once it is a minute old)
        for path in leftovers:
            os.utime(path, (time.time() - 120, time.time() - 120))
        from dgx_pixels_app.core.document import Sprite
        from dgx_pixels_app.formats.documents import save_document

        save_document(Sprite.new(4, 4), target)
        for kill in range(KILLS):
            save_document(Sprite.new(4, 4), tmp_path / f"copy-{kill}.aseprite")
        assert not list(tmp_path.glob(".*.tmp"))


EXPORTER = textwrap.dedent("""
    import sys, numpy as np
    from dgx_pixels_app.core.document import Cel, Sprite
    from dgx_pixels_app.formats.bevy import export_to_bevy
    game = sys.argv[1]
    for n in range(100000):
        sprite = Sprite.new(128, 128, frames=8)
        for frame in sprite.frames:
            image = np.random.default_rng(n).integers(0, 255, (128, 128, 4), dtype=np.uint8)
            sprite.cels[(sprite.layers[0].id, frame.id)] = Cel(image)
        export_to_bevy(sprite, game, "hero", "sprites")
""")


def test_kill_9_during_bevy_export_never_leaves_a_half_file(tmp_path):
    rng = random.Random(2)
    game = tmp_path / "game"
    game.mkdir()
    (game / "Cargo.toml").write_text("[package]\n")
    script = tmp_path / "exporter.py"
    script.write_text(EXPORTER)
    for _ in range(KILLS):
        run_and_kill([str(script), str(game)], rng.uniform(0.8, 2.5))
        folder = game / "assets" / "sprites"
        for png in folder.glob("*.png"):
            with Image.open(png) as image:
                image.load()  # complete, or this raises
        for data in folder.glob("*.json"):
            json.loads(data.read_text())
        for ron in folder.glob("*.ron"):
            assert ron.read_text().rstrip().endswith(")")


EDITOR = textwrap.dedent("""
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication
    from dgx_pixels_app.core.commands import set_pixel
    from dgx_pixels_app.gui.main_window import MainWindow
    from dgx_pixels_app.settings import Settings
    app = QApplication([])
    window = MainWindow(Settings(autosave_seconds=5))
    window.documents.new_document(16, 16)
    app.processEvents()
    session = window.session
    for n in range(1, 100000):
        s = session.sprite
        session.history.push(set_pixel(s, s.layers[0].id, s.frames[0].id, n % 16, n // 16 % 16, (255, 0, 0, 255)))
        print(n, time.time(), flush=True)
        end = time.time() + 0.2
        while time.time() < end:
            app.processEvents()
            time.sleep(0.01)
""")


def test_kill_9_while_editing_then_the_next_start_offers_the_recovery(
    tmp_path, qtbot, isolated_home
):
    script = tmp_path / "editor.py"
    script.write_text(EDITOR)
    env = {**os.environ, "DGX_PIXELS_HOME": str(isolated_home)}
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env
    )
    time.sleep(12)  # two autosaves at least
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(30)
    # the kill can cut the last line short ("12" without its time): drop it
    edits = [parts for parts in (line.split() for line in out.splitlines()) if len(parts) == 2]
    killed_at = time.time()
    recovery = list((isolated_home / "data" / "recovery").glob("*.aseprite"))
    assert len(recovery) == 1
    written = recovery[0].stat().st_mtime
    age = killed_at - written
    assert age <= 30 + 1  # at most 30 s old (here the interval is 5 s)

    from dgx_pixels_app.gui.main_window import MainWindow
    from tests.gui.conftest import FakePrompter

    window = MainWindow(prompter=FakePrompter())
    qtbot.addWidget(window)
    window.offer_recovery()
    assert "recover" in window.prompter.asked
    qtbot.waitUntil(lambda: window.session is not None, timeout=10000)
    painted = int((window.session.sprite.composite(0)[..., 3] > 0).sum())
    last = int(edits[-1][0]) + 1  # the next edit may be applied, its line not yet printed
    saved_edits = [int(n) for n, t in edits if float(t) <= written]
    assert painted >= min(saved_edits[-1], 256) if saved_edits else painted > 0
    assert painted <= min(last, 256)
    window.prompter.save_answer = "discard"
    window.close()


FULL_DISK = textwrap.dedent("""
    import json, os, resource, signal, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full disk: writes fail with EFBIG
    from PySide6.QtWidgets import QApplication
    from dgx_pixels_app.core.commands import set_pixel
    from dgx_pixels_app.gui.main_window import MainWindow
    from tests.gui.conftest import FakePrompter
    app = QApplication([])
    window = MainWindow(prompter=FakePrompter())
    path = sys.argv[1]
    window.documents.open_path(path)
    while window.session is None:
        app.processEvents()
    s = window.session.sprite
    for x in range(64):
        window.session.history.push(set_pixel(s, s.layers[0].id, s.frames[0].id, x, x, (x, 9, 9, 255)))
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    window.save()
    end = time.time() + 10
    while not window.prompter.errors and time.time() < end:
        app.processEvents()
        time.sleep(0.01)
    print(json.dumps({"errors": window.prompter.errors, "dirty": window.documents.dirty,
                      "open": window.session is not None}))
    os._exit(0)
""")


def test_disk_full_during_save(tmp_path, isolated_home):
    from dgx_pixels_app.core.document import Sprite
    from dgx_pixels_app.formats import aseprite
    from tests.helpers import random_cel

    sprite = Sprite.new(64, 64)
    sprite.cels[(sprite.layers[0].id, sprite.frames[0].id)] = random_cel(sprite, 3, coverage=0.9)
    original = tmp_path / "original.aseprite"
    aseprite.save(sprite, original)
    before = original.read_bytes()
    assert len(before) > 4096
    script = tmp_path / "full_disk.py"
    script.write_text(FULL_DISK)
    env = {**os.environ, "DGX_PIXELS_HOME": str(isolated_home),
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}  # fmt: skip
    out = subprocess.run([sys.executable, str(script), str(original)], capture_output=True,
                         text=True, env=env, timeout=120)  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["errors"] and "original.aseprite" in result["errors"][0], result
    assert result["dirty"] and result["open"]  # the work is still there, unsaved
    assert original.read_bytes() == before  # the original is intact
    assert not list(tmp_path.glob(".*.tmp"))
    assert resource.getrlimit(resource.RLIMIT_FSIZE)[0] == resource.RLIM_INFINITY  # not ours
