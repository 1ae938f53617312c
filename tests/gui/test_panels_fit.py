"""Panels that fit: the Preview fits by default (the 3×3 when tiled), Fit in tiled mode
shows the neighbours, the timeline shows several layer rows at the default layout, no
cursor coordinates without a sprite, and Ctrl+S on a new sprite opens Save As."""

from PySide6.QtCore import QPoint, Qt

from dgx_pixels_app.gui.main_window import MainWindow
from tests.gui.conftest import FakePrompter


def test_preview_fits_and_fits_the_tiles(window, qtbot):
    window.documents.new_document(16, 16)
    preview = window.preview_panel
    assert preview.scale.currentText() == "Fit" and preview.view.fixed_scale is None
    preview.tiled.setChecked(True)
    qtbot.wait(20)
    image = preview.view._data
    assert image.shape[:2] == (48, 48)  # the 3×3, whole, in the dock
    assert preview.view.width() >= 48 and preview.view.height() >= 48


def test_fit_in_tiled_mode_shows_the_neighbours(window, qtbot):
    window.documents.new_document(32, 32)
    canvas = window.canvas
    canvas.fit()
    alone = canvas.zoom
    window.tile_mode_action.trigger()
    assert canvas.zoom <= alone / 2  # three tiles across now fit
    assert 3 * 32 * canvas.zoom <= canvas.width() and 3 * 32 * canvas.zoom <= canvas.height()


def test_no_coordinates_without_a_sprite(window, qtbot):
    qtbot.mouseMove(window.canvas, QPoint(20, 20))
    window.canvas.hovered.emit(3, 4, None)
    assert window.position_label.text() == ""
    window.documents.new_document(8, 8)
    window.canvas.hovered.emit(3, 4, None)
    assert window.position_label.text() == "3, 4"


def test_ctrl_s_on_a_new_sprite_opens_save_as(window, qtbot, tmp_path):
    window.documents.new_document(16, 16)
    window.prompter.save_as_answer = str(tmp_path / "new.aseprite")
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: (tmp_path / "new.aseprite").is_file(), timeout=5000)


def test_the_timeline_shows_several_layer_rows_at_the_default_layout(qtbot):
    win = MainWindow(prompter=FakePrompter())  # a first start: the default dock sizes
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    try:
        assert (win.width(), win.height()) == (1280, 800)
        win.documents.new_document(16, 16)
        table = win.timeline.table
        rows = table.viewport().height() // table.verticalHeader().defaultSectionSize()
        assert rows >= 3, rows
    finally:
        win.close()
