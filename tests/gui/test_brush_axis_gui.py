"""Custom brushes (Edit ▸ New Brush, Ctrl+B) and a movable symmetry axis, by real keys
and drags: the pencil stamps the brush in its own colours or the current one, mirrored
across an axis that is not the centre."""

import numpy as np
from PySide6.QtCore import Qt

from dgx_pixels_app.core.commands import SetCel
from dgx_pixels_app.core.document import Cel
from dgx_pixels_app.core.selection import Selection
from tests.gui.test_editor_tools import drag, pixels, tool

RED, BLUE = (255, 0, 0, 255), (0, 0, 255, 255)
CTRL = Qt.KeyboardModifier.ControlModifier


def with_motif(window):
    """A 2×2 motif (red over blue) at the top-left of the 16×16 cel."""
    session = window.session
    image = np.zeros((16, 16, 4), np.uint8)
    image[0, 0:2], image[1, 0:2] = RED, BLUE
    session.history.push(SetCel(session.layer.id, session.frame.id, Cel(image)))
    return session


def test_new_brush_from_the_selection_stamps_along_the_stroke(editor, qtbot):
    window, canvas = editor
    with_motif(window)
    canvas.set_selection(Selection.rect(0, 0, 2, 2, 16, 16))
    qtbot.keyClick(canvas, Qt.Key.Key_B, CTRL)
    assert canvas.tools.brush.size == (2, 2) and canvas.tools.tool == "pencil"
    assert "Brush: 2×2" in window.statusBar().currentMessage()
    canvas.set_selection(None)
    drag(qtbot, canvas, [(6, 8), (9, 8)])  # the brush centred on each point: x - 1 .. x
    image = pixels(window)
    assert [tuple(image[7, x]) for x in range(5, 10)] == [RED] * 5
    assert [tuple(image[8, x]) for x in range(5, 10)] == [BLUE] * 5
    window.undo_action.trigger()
    assert not pixels(window)[8, 5:10, 3].any()


def test_brush_in_current_colour_and_clear_brush(editor, qtbot):
    window, canvas = editor
    with_motif(window)
    canvas.set_selection(Selection.rect(0, 0, 2, 2, 16, 16))
    window.new_brush_action.trigger()
    canvas.set_selection(None)
    window.brush_color_action.trigger()  # checked: the shape in the primary colour
    canvas.tools.primary = (0, 200, 0, 255)
    canvas.setFocus()
    drag(qtbot, canvas, [(10, 10)])
    assert {tuple(pixels(window)[y, x]) for y in (9, 10) for x in (9, 10)} == {(0, 200, 0, 255)}
    window.clear_brush_action.trigger()
    drag(qtbot, canvas, [(14, 14)])
    assert tuple(pixels(window)[14, 14]) == (0, 200, 0, 255)
    assert not pixels(window)[13, 13, 3]  # the round 1 px brush again


def test_new_brush_without_a_selection_and_a_brush_too_big_are_refused(editor, qtbot):
    window, canvas = editor
    window.new_brush_action.trigger()
    assert "Select the pixels for the brush first" in window.prompter.errors[-1]
    with_motif(window)
    window.canvas.select_all()
    window.new_brush_action.trigger()  # 16×16 (its box: 2×2 of content, a 16×16 selection)
    window.documents.new_document(4, 4)
    canvas.set_zoom(8)
    canvas.setFocus()
    tool(qtbot, canvas, Qt.Key.Key_B)
    drag(qtbot, window.canvas, [(1, 1)])
    assert "larger than the 4×4 canvas" in window.prompter.errors[-1]
    assert not pixels(window)[..., 3].any()


def test_mirror_reflects_across_a_moved_axis(editor, qtbot):
    window, canvas = editor
    window.prompter.touchup_answer = lambda d: {**d, "x": 5.5}  # through pixel 5
    window.axis_action.trigger()
    assert canvas.tools.options.axis_x == 5.5
    window.toolbar.checks["mirror_h"].click()
    tool(qtbot, canvas, Qt.Key.Key_B)
    drag(qtbot, canvas, [(2, 3)])
    painted = {(int(x), int(y)) for y, x in zip(*np.nonzero(pixels(window)[..., 3]), strict=True)}
    assert painted == {(2, 3), (8, 3)}  # 5.5 - 2 = 3.5 … 5.5 + 3.5: pixel 8
    drag(qtbot, canvas, [(0, 5)])  # its mirror (10) is on the canvas; one at 11+ would not be
    assert tuple(pixels(window)[5, 10]) == RED
