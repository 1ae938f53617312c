"""The editor's tools driven by real mouse and keyboard events on the canvas."""

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

RED, BLUE = (255, 0, 0, 255), (0, 0, 255, 255)


def drag(
    qtbot, canvas, points, button=Qt.MouseButton.LeftButton, modifier=Qt.KeyboardModifier.NoModifier
):
    qtbot.mousePress(canvas, button, modifier, canvas.widget_pos(*points[0]))
    for p in points[1:]:
        qtbot.mouseMove(canvas, canvas.widget_pos(*p))
    qtbot.mouseRelease(canvas, button, modifier, canvas.widget_pos(*points[-1]))


def pixels(window):
    return window.session.sprite.composite(window.session.frame_index)


def painted(window):
    return {(int(x), int(y)) for y, x in zip(*np.nonzero(pixels(window)[..., 3]), strict=True)}


def undo_redo_round_trip(window):
    after = pixels(window).copy()
    window.undo_action.trigger()
    before = pixels(window).copy()
    window.redo_action.trigger()
    assert np.array_equal(pixels(window), after)
    return before


def tool(qtbot, canvas, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(canvas, key, modifier)


def test_pencil_stroke_is_one_undo_step(editor, qtbot):
    window, canvas = editor
    tool(qtbot, canvas, Qt.Key.Key_B)
    drag(qtbot, canvas, [(1, 1), (5, 1), (5, 4)])
    assert painted(window) == {(x, 1) for x in range(1, 6)} | {(5, y) for y in range(1, 5)}
    assert not undo_redo_round_trip(window)[..., 3].any()


def test_right_button_paints_secondary_and_x_swaps(editor, qtbot):
    window, canvas = editor
    canvas.secondary = BLUE
    drag(qtbot, canvas, [(2, 2)], Qt.MouseButton.RightButton)
    assert tuple(pixels(window)[2, 2]) == BLUE
    window.toolbar.actions_by_tool["pencil"].trigger()
    canvas.tools.swap_colors()
    assert canvas.primary == BLUE and canvas.secondary == RED


def test_pixel_perfect_removes_the_l_corner(editor, qtbot):
    window, canvas = editor
    window.toolbar.checks["pixel_perfect"].setChecked(True)
    drag(qtbot, canvas, [(1, 1), (2, 1), (2, 2), (3, 2), (3, 3)])  # a staircase drawn with L steps
    assert (2, 1) not in painted(window) and (3, 2) not in painted(window)
    assert painted(window) == {(1, 1), (2, 2), (3, 3)}
    window.toolbar.checks["pixel_perfect"].setChecked(False)
    drag(qtbot, canvas, [(1, 8), (2, 8), (2, 9)])
    assert (2, 8) in painted(window)


def test_bucket_contiguous_versus_global(editor, qtbot):
    window, canvas = editor
    drag(qtbot, canvas, [(8, 0), (8, 15)])  # a wall splitting the canvas
    canvas.primary = BLUE
    tool(qtbot, canvas, Qt.Key.Key_G)
    drag(qtbot, canvas, [(2, 2)])
    image = pixels(window)
    assert tuple(image[5, 3]) == BLUE and image[5, 12, 3] == 0  # only the left side
    undo_redo_round_trip(window)
    window.undo_action.trigger()
    window.toolbar.checks["contiguous"].setChecked(False)
    drag(qtbot, canvas, [(2, 2)])
    image = pixels(window)
    assert tuple(image[5, 3]) == BLUE and tuple(image[5, 12]) == BLUE and tuple(image[4, 8]) == RED


def test_line_and_rectangle_and_ellipse(editor, qtbot):
    window, canvas = editor
    tool(qtbot, canvas, Qt.Key.Key_L)
    drag(qtbot, canvas, [(0, 0), (3, 1), (6, 3)])  # the preview follows; only the final line stays
    assert painted(window) == {(0, 0), (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3)}
    undo_redo_round_trip(window)
    window.undo_action.trigger()
    tool(qtbot, canvas, Qt.Key.Key_U)
    drag(qtbot, canvas, [(2, 2), (6, 5)])
    outline = painted(window)
    assert (2, 2) in outline and (6, 5) in outline and (4, 3) not in outline and len(outline) == 14
    window.toolbar.checks["filled"].setChecked(True)
    drag(qtbot, canvas, [(9, 9), (11, 11)])
    assert {(x, y) for x in range(9, 12) for y in range(9, 12)} <= painted(window)
    tool(qtbot, canvas, Qt.Key.Key_U, Qt.KeyboardModifier.ShiftModifier)
    assert canvas.tools.tool == "ellipse"


def test_eyedropper_and_alt_click(editor, qtbot):
    window, canvas = editor
    canvas.primary = (10, 200, 30, 255)
    drag(qtbot, canvas, [(4, 4)])
    canvas.primary = RED
    tool(qtbot, canvas, Qt.Key.Key_I)
    drag(qtbot, canvas, [(4, 4)])
    assert canvas.primary == (10, 200, 30, 255)
    tool(qtbot, canvas, Qt.Key.Key_B)
    canvas.primary = RED
    drag(qtbot, canvas, [(4, 4)], modifier=Qt.KeyboardModifier.AltModifier)
    assert canvas.primary == (10, 200, 30, 255)
    assert window.session.history.undo_label != "Eyedropper"


def test_selection_move_and_nudge(editor, qtbot):
    window, canvas = editor
    drag(qtbot, canvas, [(2, 2), (3, 2)])
    tool(qtbot, canvas, Qt.Key.Key_M)
    drag(qtbot, canvas, [(1, 1), (4, 3)])
    assert window.session.selection == (1, 1, 4, 3)
    tool(qtbot, canvas, Qt.Key.Key_V)
    drag(qtbot, canvas, [(2, 2), (7, 9)])
    assert painted(window) == {(7, 9), (8, 9)}
    assert window.session.selection == (6, 8, 4, 3)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert painted(window) == {(8, 9), (9, 9)}
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert painted(window) == {(2, 2), (3, 2)}


def test_mirror_drawing(editor, qtbot):
    window, canvas = editor
    window.toolbar.checks["mirror_h"].setChecked(True)
    window.toolbar.checks["mirror_v"].setChecked(True)
    drag(qtbot, canvas, [(1, 2)])
    assert painted(window) == {(1, 2), (14, 2), (1, 13), (14, 13)}
    assert window.session.history.undo_label == "Pencil"


def test_brush_size_eraser_and_dither(editor, qtbot):
    window, canvas = editor
    window.toolbar.brush.setValue(3)
    drag(qtbot, canvas, [(5, 5)])
    assert painted(window) == {(x, y) for x in (4, 5, 6) for y in (4, 5, 6)}
    tool(qtbot, canvas, Qt.Key.Key_E)
    window.toolbar.brush.setValue(1)
    drag(qtbot, canvas, [(5, 5)])
    assert (5, 5) not in painted(window) and len(painted(window)) == 8
    tool(qtbot, canvas, Qt.Key.Key_B)
    window.toolbar.checks["dither"].setChecked(True)
    canvas.secondary = BLUE
    window.toolbar.brush.setValue(2)
    drag(qtbot, canvas, [(11, 11)])
    image = pixels(window)
    assert tuple(image[10, 10]) == RED and tuple(image[10, 11]) == BLUE


def test_copy_paste_flip_rotate(editor, qtbot):
    window, canvas = editor
    drag(qtbot, canvas, [(0, 0), (2, 0)])
    tool(qtbot, canvas, Qt.Key.Key_M)
    drag(qtbot, canvas, [(0, 0), (3, 0)])
    canvas.tools.flip(True)
    assert painted(window) == {(1, 0), (2, 0), (3, 0)}
    canvas.tools.copy()
    drag(qtbot, canvas, [(5, 5), (8, 5)])
    canvas.tools.paste()
    assert {(6, 5), (7, 5), (8, 5)} <= painted(window)
    assert canvas.tools.tool == "move"
    canvas.set_selection(None)
    canvas.tools.rotate(True)  # the whole layer, a quarter turn
    assert len(painted(window)) == 6
    window.undo_action.trigger()
    assert {(6, 5), (7, 5), (8, 5), (1, 0)} <= painted(window)


def test_magic_wand_selects_a_colour_region(editor, qtbot):
    window, canvas = editor
    window.toolbar.checks["filled"].setChecked(True)
    tool(qtbot, canvas, Qt.Key.Key_U)
    drag(qtbot, canvas, [(2, 2), (5, 5)])
    tool(qtbot, canvas, Qt.Key.Key_W)
    drag(qtbot, canvas, [(3, 3)])
    assert window.session.selection == (2, 2, 4, 4)
    tool(qtbot, canvas, Qt.Key.Key_B)
    canvas.primary = BLUE
    drag(qtbot, canvas, [(0, 0), (15, 0), (15, 15), (0, 15), (0, 0), (15, 15)])
    assert tuple(pixels(window)[0, 0]) == (0, 0, 0, 0)  # drawing stays inside the selection


def test_locked_layer_refuses_drawing(editor, qtbot):
    window, canvas = editor
    window.session.sprite.layers[0].locked = True
    drag(qtbot, canvas, [(1, 1)])
    assert not painted(window)
    assert "locked" in window.prompter.errors[-1]


def test_zoom_keeps_the_pixel_under_the_cursor(editor, qtbot):
    window, canvas = editor
    target = canvas.widget_pos(6, 9)
    before = canvas.pixel_at(target)
    event = QWheelEvent(QPointF(target), QPointF(canvas.mapToGlobal(target)), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(canvas, event)
    assert canvas.zoom == 16
    assert canvas.pixel_at(target) == before == (6, 9)


def test_space_drag_pans(editor, qtbot):
    window, canvas = editor
    start = QPointF(canvas.offset)
    qtbot.keyPress(canvas, Qt.Key.Key_Space)
    drag(qtbot, canvas, [(2, 2), (6, 2)])
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    assert canvas.offset.x() > start.x() and not painted(window)


def test_thousand_strokes_undo_instantly_and_memory_stays_bounded(editor, qtbot):
    window, canvas = editor
    history = window.session.history
    from dgx_pixels_app.core.commands import set_pixel

    s = window.session
    for i in range(1000):
        history.push(
            set_pixel(
                s.sprite, s.layer.id, s.frame.id, i % 16, (i // 16) % 16, (i % 256, 0, 0, 255)
            )
        )
    assert history.nbytes < 200_000
    while history.can_undo:
        history.undo()
    assert not painted(window)


def test_scrollbars_follow_and_pan(editor, qtbot):
    window, canvas = editor
    canvas.set_zoom(32)
    area = window.canvas_area
    assert area.hbar.maximum() > 0
    middle = (area.hbar.minimum() + area.hbar.maximum()) // 2
    area.hbar.setValue(middle if middle != area.hbar.value() else middle + 1)
    assert canvas.offset.x() == -area.hbar.value()
    canvas.offset = QPointF(-100, -20)
    canvas.update()
    assert area.hbar.value() == 100 and area.vbar.value() == 20


def test_shading_ink_moves_each_pixel_one_palette_step_once_per_stroke(editor, qtbot):
    from dgx_pixels_app.core.palette import Palette

    window, canvas = editor
    ramp = [(40, 0, 0, 255), (120, 0, 0, 255), (200, 0, 0, 255), (255, 80, 80, 255)]
    window.session.sprite.palette = Palette(ramp)
    canvas.primary = ramp[1]
    drag(qtbot, canvas, [(1, 1), (6, 1)])  # a row of the second ramp colour
    window.toolbar.checks["shading"].setChecked(True)
    drag(qtbot, canvas, [(1, 1), (3, 1), (1, 1), (3, 1)])  # back and forth: one step only
    row = pixels(window)[1]
    assert [tuple(row[x]) for x in (1, 3, 4)] == [ramp[2], ramp[2], ramp[1]]
    drag(qtbot, canvas, [(5, 1)], Qt.MouseButton.RightButton)  # the previous entry
    assert tuple(pixels(window)[1, 5]) == ramp[0]
    drag(qtbot, canvas, [(8, 8)])  # a transparent pixel: shading leaves it
    assert pixels(window)[8, 8, 3] == 0
    window.undo_action.trigger()  # the stroke on nothing was no step: this undoes the click
    assert tuple(pixels(window)[1, 5]) == ramp[1]
