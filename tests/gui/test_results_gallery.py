"""The Results gallery: a visible selection moved with the keyboard, a large preview and
the settings of the selected result, and its actions — add as a layer (busy feedback),
pixelize with the dialog, use its seed, copy its parameters, delete, open as a sprite
without losing the current one unasked, save all as a batch-format folder."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.formats.images import png_text
from dgx_pixels_app.jobs.manifest import Manifest
from dgx_pixels_app.pixelize.pipeline import PixelizeResult


def fill(window, seeds=(11, 12, 13)):
    images, requests = [], []
    for i, seed in enumerate(seeds):
        image = np.zeros((64, 64, 4), np.uint8)
        image[8:56, 8:56] = (40 * i + 60, 20, 200, 255)
        images.append(image)
        requests.append(GenerationRequest(f"gem {seed}", seed=seed, width=64, height=64))
    window.results_panel.add_results(images, requests)
    return window.results_panel


def click(qtbot, panel, text):
    button = panel.buttons[text]
    assert button.isVisible() and button.isEnabled(), text
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_selection_shows_large_with_its_settings_and_moves_with_keys(window, qtbot):
    panel = fill(window)
    assert panel.list.currentRow() == 0 and panel.current().request.seed == 13  # newest first
    assert "3 results this session, newest first" in panel.heading.text()
    assert "seed 13" in panel.info.text()
    assert panel.preview.width() >= 100 and panel.list.iconSize().width() >= 96
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Right)
    assert panel.current().request.seed == 12 and "seed 12" in panel.info.text()
    assert panel.list.item(1).isSelected()
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert [i.request.seed for i in panel.items] == [13, 11]
    assert panel.current().request.seed == 11


def test_use_seed_and_copy_parameters(window, qtbot):
    panel = fill(window)
    panel.list.setCurrentRow(2)
    click(qtbot, panel, "Use Seed")
    assert window.prompt_panel.seed.value() == 11 and window.prompt_panel.lock_seed.isChecked()
    click(qtbot, panel, "Copy Parameters")
    text = QGuiApplication.clipboard().text()
    assert text.startswith("gem 11") and "Seed: 11" in text


def test_add_as_layer_with_enter_and_pixelize_from_the_dialog(window, qtbot):
    window.documents.new_document(32, 32)
    panel = fill(window)
    panel.pixelize.setChecked(False)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert "layer" in window.statusBar().currentMessage()  # said at once, while it works
    qtbot.waitUntil(lambda: len(window.session.sprite.layers) == 2, timeout=10000)
    small = np.zeros((16, 16, 4), np.uint8)
    small[4:12, 4:12] = (255, 0, 0, 255)
    window.prompter.pixelize_answer = lambda source: PixelizeResult(small, None, None, None)
    click(qtbot, panel, "Pixelize…")
    assert "pixelize" in window.prompter.asked
    qtbot.waitUntil(lambda: len(window.session.sprite.layers) == 3, timeout=10000)


def test_open_as_sprite_asks_before_the_current_one_goes(window, qtbot):
    window.documents.new_document(16, 16)
    window.session.history.mark_dirty()
    panel = fill(window)
    window.prompter.save_answer = "cancel"
    click(qtbot, panel, "Open as Sprite")
    assert window.prompter.asked[-1].startswith("save-changes")
    assert window.session.sprite.width == 16  # kept


def test_save_all_writes_a_batch_format_folder(window, qtbot, tmp_path):
    panel = fill(window)
    window.prompter.results_folder_answer = str(tmp_path / "kept")
    click(qtbot, panel, "Save All…")
    qtbot.waitUntil(lambda: (tmp_path / "kept" / "manifest.json").is_file(), timeout=10000)
    manifest = Manifest.load(tmp_path / "kept" / "manifest.json")
    assert [e["seed"] for e in manifest.images] == [11, 12, 13]  # oldest first, as made
    first = tmp_path / "kept" / manifest.images[0]["file"]
    assert "Seed: 11" in png_text(first)["parameters"]
    window.prompter.results_folder_answer = str(tmp_path / "kept")  # not empty now
    click(qtbot, panel, "Save All…")
    qtbot.waitUntil(lambda: bool(window.prompter.errors), timeout=10000)
    assert "not an empty folder" in window.prompter.errors[-1]


def test_no_result_no_actions(window):
    panel = window.results_panel
    assert not any(button.isEnabled() for button in panel.buttons.values())
    assert "No results" in panel.preview.placeholder
