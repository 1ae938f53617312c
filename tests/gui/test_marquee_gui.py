"""The elliptical marquee (Shift+M) and the lasso (Q) by real mouse drags; Shift adds to
the selection, Alt takes away; drawing then stays inside, as in Aseprite."""

from PySide6.QtCore import Qt

from tests.gui.test_editor_tools import drag, painted, tool

SHIFT, ALT = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.AltModifier


def selected(window):
    mask = window.session.selection.mask
    return {(int(x), int(y)) for y, x in zip(*mask.nonzero(), strict=True)}


def test_the_elliptical_marquee_selects_a_round_area_and_the_pencil_keeps_inside(editor, qtbot):
    window, canvas = editor
    tool(qtbot, canvas, Qt.Key.Key_M, SHIFT)
    assert window.canvas.tools.tool == "ellipse_select"
    drag(qtbot, canvas, [(2, 2), (12, 12)])
    area = selected(window)
    assert (7, 7) in area and (2, 7) in area and (7, 2) in area
    assert (2, 2) not in area and (12, 12) not in area  # the corners are outside
    tool(qtbot, canvas, Qt.Key.Key_B)
    drag(qtbot, canvas, [(0, 2), (15, 2)])  # along the top edge of the box
    assert painted(window) and painted(window) <= area


def test_the_lasso_follows_the_pointer_and_shift_adds_alt_takes_away(editor, qtbot):
    window, canvas = editor
    tool(qtbot, canvas, Qt.Key.Key_Q)
    assert window.canvas.tools.tool == "lasso"
    drag(qtbot, canvas, [(1, 1), (10, 1), (1, 10)])  # a triangle
    triangle = selected(window)
    assert {(1, 1), (10, 1), (1, 10), (3, 3)} <= triangle and (9, 9) not in triangle
    drag(qtbot, canvas, [(12, 12), (15, 12), (15, 15)], modifier=SHIFT)
    assert triangle < selected(window) and (14, 13) in selected(window)
    drag(qtbot, canvas, [(0, 0), (4, 0), (4, 4), (0, 4)], modifier=ALT)
    assert (3, 3) not in selected(window) and (8, 1) in selected(window)
    window.undo_action.trigger()  # selections are not edits: nothing to undo, nothing lost
    assert (8, 1) in selected(window)
