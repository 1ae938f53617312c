"""Tiles in the window: tiled mode on the canvas (strokes wrap at the edges, driven by
real mouse events), the 3x3 tiled preview that follows edits, and the Seamless option."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from tests.gui.test_editor_tools import drag, painted, pixels, tool, undo_redo_round_trip

RED = (255, 0, 0, 255)


@pytest.fixture
def tiled(window, qtbot):
    window.documents.new_document(16, 16)
    canvas = window.canvas
    canvas.set_zoom(8)
    canvas.offset = QPointF(140, 140)  # room for the copies on every side
    canvas.primary = RED
    canvas.setFocus()
    window.tile_mode_action.trigger()
    assert canvas.tile_mode
    return window, canvas


def test_a_stroke_past_the_right_edge_lands_on_the_left(tiled, qtbot):
    window, canvas = tiled
    tool(qtbot, canvas, Qt.Key.Key_B)
    drag(qtbot, canvas, [(13, 5), (18, 5)])  # 18 is two pixels into the right-hand copy
    assert painted(window) == {(13, 5), (14, 5), (15, 5), (0, 5), (1, 5), (2, 5)}
    assert not undo_redo_round_trip(window)[..., 3].any()  # one stroke, one undo step


def test_drawing_on_a_neighbouring_copy_and_shapes_wrap(tiled, qtbot):
    window, canvas = tiled
    tool(qtbot, canvas, Qt.Key.Key_B)
    drag(qtbot, canvas, [(3, -2)])  # the copy above: row 14 of the tile
    assert painted(window) == {(3, 14)}
    tool(qtbot, canvas, Qt.Key.Key_U)  # rectangle across the bottom-right corner
    drag(qtbot, canvas, [(14, 14), (17, 17)])
    outline = {
        (x % 16, y % 16)
        for x in range(14, 18)
        for y in range(14, 18)
        if x in (14, 17) or y in (14, 17)
    }
    assert painted(window) == outline | {(3, 14)}
    assert (15, 15) not in outline and (0, 0) not in outline  # the inside stays empty


def test_without_tile_mode_strokes_stop_at_the_edge(tiled, qtbot):
    window, canvas = tiled
    window.tile_mode_action.trigger()
    tool(qtbot, canvas, Qt.Key.Key_B)
    drag(qtbot, canvas, [(13, 5), (18, 5)])
    assert painted(window) == {(13, 5), (14, 5), (15, 5)}


def test_tiled_preview_repeats_the_frame_and_follows_edits(tiled, qtbot):
    window, canvas = tiled
    preview = window.preview_panel
    qtbot.mouseClick(preview.tiled, Qt.MouseButton.LeftButton)
    assert preview.tiled.isChecked()
    assert preview.view._data.shape == (48, 48, 4)
    tool(qtbot, canvas, Qt.Key.Key_B)
    drag(qtbot, canvas, [(2, 3)])
    qtbot.waitUntil(lambda: preview.view._data[3, 2, 3] == 255, timeout=2000)
    shown = preview.view._data
    assert np.array_equal(shown[3 + 16, 2 + 32], RED)  # every copy shows the new pixel
    assert np.array_equal(shown[:16, :16], pixels(window))


def test_seamless_option_reaches_the_request(window, qtbot):
    panel = window.prompt_panel
    panel.kind.setCurrentIndex(panel.kind.findData("tile"))
    assert panel.seamless.currentData() == "xy"
    panel.prompt.setPlainText("grass")
    assert panel.request().seamless == "xy"
    panel.kind.setCurrentIndex(panel.kind.findData("item"))
    assert panel.request().seamless == ""
