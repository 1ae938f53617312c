"""Layers and palette docks: every change goes through the history."""

import numpy as np
from PySide6.QtCore import QPoint, Qt

from dgx_pixels_app.core.commands import set_pixel
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.formats.palettes import save_palette


def test_layer_duplicate_rename_lock_opacity_merge(window, qtbot):
    window.documents.new_document(4, 4)
    s = window.session
    s.history.push(set_pixel(s.sprite, s.layer.id, s.frame.id, 1, 1, (200, 0, 0, 255)))
    panel = window.layers_panel
    panel.duplicate_layer()
    assert [layer.name for layer in s.sprite.layers] == ["Layer 1", "Layer 1 copy"]
    panel.list.item(0).setText("Hero")
    assert s.sprite.layers[1].name == "Hero"
    panel.lock.setChecked(True)
    assert s.sprite.layers[1].locked
    panel.lock.setChecked(False)
    panel.opacity.setValue(128)
    panel.opacity.sliderReleased.emit()
    assert s.sprite.layers[1].opacity == 128
    s.history.push(set_pixel(s.sprite, s.sprite.layers[1].id, s.frame.id, 2, 2, (0, 0, 200, 255)))
    panel.merge_down()
    assert len(s.sprite.layers) == 1
    merged = s.sprite.composite(0)
    assert merged[2, 2].tolist() == [0, 0, 200, 128] and merged[1, 1].tolist() == [200, 0, 0, 255]
    window.undo_action.trigger()
    assert [layer.name for layer in s.sprite.layers] == ["Layer 1", "Hero"]
    for _ in range(6):
        window.undo_action.trigger()
    assert [layer.name for layer in s.sprite.layers] == ["Layer 1"]


def test_layer_reorder_through_the_model(window, qtbot):
    window.documents.new_document(4, 4)
    panel = window.layers_panel
    panel.add_layer()
    panel.add_layer()
    names = [layer.name for layer in window.session.sprite.layers]
    assert names == ["Layer 1", "Layer 2", "Layer 3"]
    panel.list.model().moveRow(
        panel.list.rootIndex(), 0, panel.list.rootIndex(), 3
    )  # top row to the bottom
    assert [layer.name for layer in window.session.sprite.layers] == [
        "Layer 3",
        "Layer 1",
        "Layer 2",
    ]
    window.undo_action.trigger()
    assert [layer.name for layer in window.session.sprite.layers] == names


def test_palette_add_remove_reorder_load(window, qtbot, tmp_path):
    window.documents.new_document(4, 4)
    panel = window.palette_panel
    s = window.session
    start = list(s.sprite.palette.colors)
    window.canvas.primary = (1, 2, 3, 255)
    panel.add_color()
    assert s.sprite.palette.colors[-1] == (1, 2, 3, 255)
    panel.move_color(-1)
    assert s.sprite.palette.colors[-2] == (1, 2, 3, 255)
    panel.remove_color()
    assert (1, 2, 3, 255) not in s.sprite.palette.colors
    save_palette(Palette([(9, 9, 9), (200, 100, 0)], name="Two"), tmp_path / "two.hex")
    panel.load_from(str(tmp_path / "two.hex"))
    assert s.sprite.palette.colors == [(9, 9, 9, 255), (200, 100, 0, 255)]
    assert "two · 2 colours" in panel.title.text()  # a .hex file has no name: its file name
    (tmp_path / "bad.gpl").write_text("nope")
    panel.load_from(str(tmp_path / "bad.gpl"))
    assert "GIMP" in window.prompter.errors[-1]
    for _ in range(4):
        window.undo_action.trigger()
    assert s.sprite.palette.colors == start


def test_swatch_click_picks_colours(window, qtbot):
    window.documents.new_document(4, 4)
    grid = window.palette_panel.grid
    grid.resize(8 * 18, 80)
    qtbot.mouseClick(
        grid,
        Qt.MouseButton.LeftButton,
        pos=QPoint(*grid.swatch_pos(3)),
    )
    assert window.canvas.primary == window.session.sprite.palette.colors[3]
    qtbot.mouseClick(
        grid,
        Qt.MouseButton.RightButton,
        pos=QPoint(*grid.swatch_pos(5)),
    )
    assert window.canvas.secondary == window.session.sprite.palette.colors[5]
    assert np.asarray(window.canvas.primary).shape == (4,)


def test_drag_a_swatch_to_reorder(window, qtbot):
    window.documents.new_document(4, 4)
    grid = window.palette_panel.grid
    grid.resize(8 * 18, 80)
    colors = list(window.session.sprite.palette.colors)
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=QPoint(*grid.swatch_pos(0)))
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=QPoint(*grid.swatch_pos(3)))
    moved = window.session.sprite.palette.colors
    assert moved[3] == colors[0] and moved[0] == colors[1]
    window.undo_action.trigger()
    assert window.session.sprite.palette.colors == colors
