"""Behaviour the suite did not reach before: window shortcuts sent as key events, every
editing tool undone, the ellipse drawn, dithering and samplers that change the result,
the Generate Frames menu and dialog, GIF/APNG and hash-form sheet JSON opened."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from dgx_pixels_app.gui.export_dialog import ExportSpec
from tests.gui.test_editor_tools import BLUE, RED, drag, painted, pixels, tool

CTRL = Qt.KeyboardModifier.ControlModifier


def undone(window, qtbot, before):
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # the window's Undo shortcut, as a key event
    assert np.array_equal(pixels(window), before)


def test_every_tool_is_undone_with_ctrl_z(editor, qtbot):
    window, canvas = editor
    blank = pixels(window).copy()
    drag(qtbot, canvas, [(2, 2), (9, 2)])
    assert painted(window)
    undone(window, qtbot, blank)
    qtbot.keyClick(window, Qt.Key.Key_Y, CTRL)  # redo
    stroke = pixels(window).copy()
    tool(qtbot, canvas, Qt.Key.Key_E)  # eraser
    drag(qtbot, canvas, [(3, 2), (5, 2)])
    assert (4, 2) not in painted(window)
    undone(window, qtbot, stroke)
    tool(qtbot, canvas, Qt.Key.Key_U)  # rectangle
    drag(qtbot, canvas, [(1, 5), (6, 9)])
    undone(window, qtbot, stroke)
    tool(qtbot, canvas, Qt.Key.Key_U, Qt.KeyboardModifier.ShiftModifier)  # ellipse
    drag(qtbot, canvas, [(4, 4), (12, 10)])
    ring = painted(window) - {(x, 2) for x in range(2, 10)}
    assert (
        (8, 4) in ring and (4, 7) in ring and (12, 7) in ring and (8, 10) in ring
    )  # its four sides
    assert (8, 7) not in ring and (4, 4) not in ring  # hollow, corners left out
    undone(window, qtbot, stroke)
    tool(qtbot, canvas, Qt.Key.Key_B)
    window.toolbar.checks["dither"].setChecked(True)
    canvas.secondary = BLUE
    window.toolbar.brush.setValue(2)
    drag(qtbot, canvas, [(12, 12)])
    assert tuple(pixels(window)[11, 11]) == RED and tuple(pixels(window)[11, 12]) == BLUE
    undone(window, qtbot, stroke)
    window.toolbar.checks["dither"].setChecked(False)
    window.toolbar.brush.setValue(1)
    window.toolbar.checks["mirror_h"].setChecked(True)
    drag(qtbot, canvas, [(1, 14)])
    assert {(1, 14), (14, 14)} <= painted(window)
    undone(window, qtbot, stroke)
    window.toolbar.checks["mirror_h"].setChecked(False)
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ShiftModifier)  # flip horizontal
    assert (13, 2) in painted(window) and (2, 2) not in painted(window)
    undone(window, qtbot, stroke)
    tool(qtbot, canvas, Qt.Key.Key_M)
    drag(qtbot, canvas, [(2, 2), (4, 2)])
    qtbot.keyClick(window, Qt.Key.Key_C, CTRL)
    drag(qtbot, canvas, [(8, 12), (10, 12)])
    qtbot.keyClick(window, Qt.Key.Key_V, CTRL)
    assert {(8, 12), (9, 12), (10, 12)} <= painted(window)
    undone(window, qtbot, stroke)


def test_ctrl_s_saves_and_ctrl_e_repeats_the_export(editor, qtbot, tmp_path):
    window, canvas = editor
    drag(qtbot, canvas, [(3, 3)])
    window.prompter.save_as_answer = str(tmp_path / "hero.aseprite")
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(
        lambda: (tmp_path / "hero.aseprite").exists() and not window.documents.dirty, timeout=5000
    )
    window.session.last_export = ExportSpec("sheet", path=str(tmp_path / "hero.png"), name="hero")
    qtbot.keyClick(window, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: (tmp_path / "hero.json").exists(), timeout=5000)
    first = (tmp_path / "hero.png").stat().st_mtime_ns
    drag(qtbot, canvas, [(5, 5)])
    qtbot.keyClick(window, Qt.Key.Key_E, CTRL)  # again, without asking
    qtbot.waitUntil(lambda: (tmp_path / "hero.png").stat().st_mtime_ns != first, timeout=5000)
    assert "export" not in " ".join(window.prompter.asked)


def test_generate_frames_menu_and_dialog(window, qtbot, tiny_model):
    window.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: window.jobs.model is not None, timeout=60000)
    window.documents.new_document(32, 32)
    qtbot.waitUntil(lambda: window.session is not None, timeout=5000)
    panel = window.prompt_panel
    panel.size.setCurrentIndex(panel.add_size(128, 128))
    panel.steps.setValue(2)
    panel.prompt.setPlainText("knight")
    seen = {}

    def drive_dialog():
        dialog = QApplication.activeModalWidget()
        seen["title"] = dialog.windowTitle()
        dialog.mode.setCurrentIndex(dialog.mode.findData("strip"))
        dialog.preset.setCurrentIndex(dialog.preset.findData("walk"))
        dialog.count.selectAll()
        qtbot.keyClicks(dialog.count, "3")
        qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                         Qt.MouseButton.LeftButton)  # fmt: skip

    QTimer.singleShot(200, drive_dialog)
    window.generate_frames_action.trigger()  # the menu item: a modal dialog, driven above
    assert seen["title"] == "Generate Frames"
    qtbot.waitUntil(lambda: len(window.session.sprite.frames) == 4, timeout=60000)
    assert [f.duration_ms for f in window.session.sprite.frames[1:]] == [100, 100, 100]  # walk


def test_dither_and_samplers_change_the_result(engine):
    from dgx_pixels_app.core.generation import SCHEDULERS, GenerationRequest
    from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize

    ramp = np.zeros((64, 64, 4), np.uint8)
    ramp[..., 0] = np.linspace(0, 255, 64, dtype=np.uint8)[None, :]
    ramp[..., 3] = 255
    plain = pixelize(
        ramp, PixelizeOptions(detect_grid=False, colors=3, remove_background=False)
    ).image
    dithered = pixelize(
        ramp, PixelizeOptions(detect_grid=False, colors=3, dither=True, remove_background=False)
    ).image
    assert not np.array_equal(plain, dithered)
    images = {}
    for name in SCHEDULERS:
        request = GenerationRequest("x", seed=5, steps=4, width=64, height=64, scheduler=name)
        images[name] = engine.generate(request).images[0]
    names = list(images)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not np.array_equal(images[a], images[b]), (a, b)


def test_gif_apng_and_hash_sheet_json_open(tmp_path):
    from dgx_pixels_app.core.document import Direction, Sprite, Tag
    from dgx_pixels_app.formats.animation import save_animation
    from dgx_pixels_app.formats.documents import open_document
    from dgx_pixels_app.formats.sheet import SheetOptions
    from dgx_pixels_app.formats.sheet_json import write_sheet_files
    from tests.helpers import random_cel

    sprite = Sprite.new(8, 6, frames=3)
    for i, frame in enumerate(sprite.frames):
        sprite.cels[(sprite.layers[0].id, frame.id)] = random_cel(sprite, i, coverage=1.0)
        frame.duration_ms = [33, 47, 101][i]  # not multiples of 10
    sprite.tags = [Tag("blink", 1, 2, Direction.PINGPONG)]
    save_animation(sprite, tmp_path / "a.png", "apng")
    apng = open_document(tmp_path / "a.png")
    assert [f.duration_ms for f in apng.frames] == [33, 47, 101]  # APNG keeps the millisecond
    for i in range(3):
        assert np.array_equal(apng.composite(i), sprite.composite(i))
    save_animation(sprite, tmp_path / "a.gif", "gif")
    gif = open_document(tmp_path / "a.gif")
    assert len(gif.frames) == 3 and [f.duration_ms for f in gif.frames] == [
        30,
        50,
        100,
    ]  # 10 ms steps
    write_sheet_files(sprite, SheetOptions(columns=2), tmp_path / "sheet.png", "hash")
    sheet = open_document(tmp_path / "sheet.json")
    assert [f.duration_ms for f in sheet.frames] == [33, 47, 101]
    assert [(t.name, t.start, t.end, t.direction) for t in sheet.tags] == [
        ("blink", 1, 2, Direction.PINGPONG)
    ]
    assert np.array_equal(sheet.composite(2), sprite.composite(2))
