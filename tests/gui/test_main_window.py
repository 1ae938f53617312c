"""The main window driven as a person would: menus, clicks, files on disk."""

import json
import os

import numpy as np
from PySide6.QtCore import Qt

from dgx_pixels_app import settings as app_settings
from dgx_pixels_app.core.commands import set_pixel
from dgx_pixels_app.formats import aseprite
from dgx_pixels_app.gui.main_window import MainWindow
from tests.gui.conftest import FakePrompter

GREEN = (0, 200, 0, 255)


def menu_titles(window):
    return [a.text().replace("&", "") for a in window.menuBar().actions()]


def test_window_opens_with_docks_and_menus(window):
    assert menu_titles(window) == [
        "File",
        "Edit",
        "Sprite",
        "Layer",
        "View",
        "Model",
        "Animation",
        "Help",
    ]
    assert set(window.docks) == {
        "Prompt",
        "LoRAs",
        "Guides",
        "Layers",
        "Palette",
        "Timeline",
        "Preview",
        "Results",
        "Metrics",
    }
    assert all(dock.isVisible() for dock in window.docks.values())
    assert window.windowTitle() == "DGX-Pixels"


def test_new_draw_save_open_shows_the_pixel(window, qtbot, tmp_path):
    window.new_action.trigger()
    session = window.session
    assert (session.sprite.width, session.sprite.height) == (16, 16)
    assert len(session.sprite.palette) == 32  # the default palette from presets/
    session.history.push(set_pixel(session.sprite, session.layer.id, session.frame.id, 3, 4, GREEN))
    assert window.windowTitle().startswith("Untitled*")

    target = tmp_path / "hero.aseprite"
    window.prompter.save_as_answer = str(target)
    window.save_action.trigger()  # Save on an untitled document asks where
    qtbot.waitUntil(lambda: not window.documents.saving and target.exists(), timeout=5000)
    assert not window.session.history.is_dirty
    assert window.windowTitle().startswith("hero.aseprite (16×16)")
    assert aseprite.load(target).composite(0)[4, 3].tolist() == list(GREEN)

    window.new_action.trigger()
    assert window.session.sprite.composite(0)[4, 3].tolist() == [0, 0, 0, 0]
    window.prompter.open_answer = str(target)
    window.open_action.trigger()
    qtbot.waitUntil(lambda: window.session.path == target, timeout=5000)
    assert window.canvas._rgba[4, 3].tolist() == list(GREEN)  # what the canvas shows
    qtbot.waitUntil(lambda: str(target) in app_settings.load_settings().recent_files, timeout=5000)


def test_canvas_click_paints_and_menu_undo_reverts(window, qtbot):
    window.new_action.trigger()
    canvas = window.canvas
    canvas.primary = GREEN
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_pos(5, 6))
    sprite = window.session.sprite
    assert sprite.composite(0)[6, 5].tolist() == list(GREEN)
    assert window.undo_action.isEnabled() and "Pencil" in window.undo_action.text()

    window.undo_action.trigger()
    assert sprite.composite(0)[6, 5].tolist() == [0, 0, 0, 0]
    assert canvas._rgba[6, 5].tolist() == [0, 0, 0, 0]
    window.redo_action.trigger()
    assert canvas._rgba[6, 5].tolist() == list(GREEN)


def test_drag_is_one_undo_step(window, qtbot):
    window.new_action.trigger()
    canvas = window.canvas
    canvas.primary = GREEN
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_pos(1, 1))
    qtbot.mouseMove(canvas, canvas.widget_pos(8, 1))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_pos(8, 1))
    row = window.session.sprite.composite(0)[1, 1:9]
    assert (row == GREEN).all()  # the pixels between the two mouse positions too
    window.undo_action.trigger()
    assert not window.session.sprite.composite(0).any()
    assert not window.session.history.can_undo


def test_close_with_unsaved_changes_asks(window, qtbot):
    window.new_action.trigger()
    s = window.session
    s.history.push(set_pixel(s.sprite, s.layer.id, s.frame.id, 0, 0, GREEN))
    window.prompter.save_answer = "cancel"
    window.close()
    assert window.isVisible()
    assert window.prompter.asked == ["save-changes:Untitled"]
    window.prompter.save_answer = "discard"
    window.close()
    assert not window.isVisible()


def test_open_corrupt_file_shows_error_and_keeps_work(window, qtbot, tmp_path):
    window.new_action.trigger()
    s = window.session
    s.history.push(set_pixel(s.sprite, s.layer.id, s.frame.id, 0, 0, GREEN))
    s.history.mark_clean()
    bad = tmp_path / "bad.aseprite"
    bad.write_bytes(b"\0" * 300)
    window.open_path(bad)
    qtbot.waitUntil(lambda: bool(window.prompter.errors), timeout=5000)
    assert "bad.aseprite" in window.prompter.errors[0]
    assert window.session is s and s.sprite.composite(0)[0, 0].tolist() == list(GREEN)


def test_autosave_then_crash_offers_recovery(window, qtbot):
    window.new_action.trigger()
    s = window.session
    s.history.push(set_pixel(s.sprite, s.layer.id, s.frame.id, 2, 2, GREEN))
    window.documents.autosave()
    folder = app_settings.recovery_dir()
    qtbot.waitUntil(lambda: len(list(folder.glob("*.json"))) == 1, timeout=5000)
    # Simulate a crash: the process that wrote the copy is gone.
    meta_path = next(folder.glob("*.json"))
    meta = json.loads(meta_path.read_text())
    meta["pid"] = 2**22 + 12345
    meta_path.write_text(json.dumps(meta))

    second = MainWindow(prompter=FakePrompter())
    qtbot.addWidget(second)
    second.offer_recovery()
    assert second.prompter.asked == ["recover"]
    qtbot.waitUntil(lambda: second.session is not None, timeout=5000)
    assert second.session.sprite.composite(0)[2, 2].tolist() == list(GREEN)
    assert second.session.history.is_dirty  # recovered work still needs a save
    assert not meta_path.exists()
    second.prompter.save_answer = "discard"
    second.close()


def test_layout_is_remembered(window, qtbot):
    window.docks["LoRAs"].hide()
    window.prompter.save_answer = "discard"
    window.close()
    assert os.path.exists(app_settings.config_dir() / "window.ini")
    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    assert not again.docks["LoRAs"].isVisible()
    assert again.docks["Layers"].isVisible()
    again.close()


def test_layers_panel_edits_through_history(window, qtbot):
    window.new_action.trigger()
    panel = window.layers_panel
    panel.add_layer()
    assert [la.name for la in window.session.sprite.layers] == ["Layer 1", "Layer 2"]
    item = panel.list.item(0)
    item.setCheckState(Qt.CheckState.Unchecked)
    assert not window.session.sprite.layers[1].visible
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert len(window.session.sprite.layers) == 1
    assert np.array_equal(window.session.sprite.composite(0), np.zeros((16, 16, 4), np.uint8))


def test_a_damaged_backend_setting_runs_jobs_locally_and_says_so(qtbot):
    from dgx_pixels_app.engine.local import LocalBackend
    from dgx_pixels_app.gui.main_window import MainWindow
    from dgx_pixels_app.settings import load_settings, update_settings
    from tests.gui.conftest import FakePrompter

    update_settings(lambda s: setattr(s, "backend", "carrier-pigeon"))
    win = MainWindow(load_settings(), prompter=FakePrompter())
    qtbot.addWidget(win)
    assert isinstance(win.jobs.queue.backend, LocalBackend)
    assert "carrier-pigeon" in win.statusBar().currentMessage()
