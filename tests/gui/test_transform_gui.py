"""Free transform (Edit ▸ Transform, Ctrl+T) by real drags on its handles: move, scale
with nearest neighbour, flip past the other side, turn with RotSprite; Enter applies
as one undo step, Esc and Undo put it back; Transform Every Frame does each frame."""

import numpy as np
from PySide6.QtCore import QPoint, Qt

from dgx_pixels_app.core.commands import SetCel
from dgx_pixels_app.core.document import Cel
from dgx_pixels_app.core.selection import Selection
from tests.gui.test_editor_tools import pixels

RED, BLUE = (255, 0, 0, 255), (0, 0, 255, 255)


def block(window, frames=1):
    """A 4×2 bar (red, its left pixel blue) at x 2..5, y 2..3, selected."""
    session = window.session
    for _ in range(frames - 1):
        window.timeline.add_frame()
    for frame in session.sprite.frames:
        image = np.zeros((16, 16, 4), np.uint8)
        image[2:4, 2:6] = RED
        image[2:4, 2] = BLUE
        session.history.push(SetCel(session.layer.id, frame.id, Cel(image)))
    window.canvas.set_selection(Selection.rect(2, 2, 4, 2, 16, 16))
    return session


def grab(qtbot, canvas, start: QPoint, end: QPoint, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, modifier, start)
    qtbot.mouseMove(canvas, (start + end) / 2)
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, modifier, end)


def enter(qtbot, window, canvas):
    """Enter, and wait for the transform built on the task runner to land."""
    position = window.session.history.position
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.history.position != position
                    or bool(window.prompter.errors), timeout=10000)  # fmt: skip


def handle(canvas, name):
    point = canvas.transform._handles()[name]
    return QPoint(int(point.x()), int(point.y()))


def opaque(window):
    return {(int(x), int(y)) for y, x in zip(*np.nonzero(pixels(window)[..., 3]), strict=True)}


def test_move_then_enter_is_one_undo_step(editor, qtbot):
    window, canvas = editor
    block(window)
    qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert canvas.transform.showing and "Enter applies" in window.statusBar().currentMessage()
    shot = canvas.grab().toImage()  # the box and handles over the sprite, not over a blank
    assert shot.pixelColor(canvas.widget_pos(2, 2)).blue() == 255  # the blue pixel
    assert shot.pixelColor(canvas.widget_pos(12, 12)).red() != 255  # still the checkerboard
    before = pixels(window).copy()
    grab(qtbot, canvas, canvas.widget_pos(3, 2), canvas.widget_pos(9, 8))
    assert np.array_equal(pixels(window), before)  # only a preview until Enter
    enter(qtbot, window, canvas)
    assert opaque(window) == {(x, y) for x in range(8, 12) for y in range(8, 10)}
    assert window.session.selection == (8, 8, 4, 2)
    window.undo_action.trigger()
    assert np.array_equal(pixels(window), before)


def test_a_handle_scales_with_nearest_neighbour_and_past_the_side_flips(editor, qtbot):
    window, canvas = editor
    block(window)
    window.transform_action.trigger()
    grab(qtbot, canvas, handle(canvas, "e"), canvas.widget_pos(9, 3) + QPoint(4, 0))  # x = 10
    enter(qtbot, window, canvas)
    image = pixels(window)
    assert [tuple(image[2, x]) for x in range(2, 10)] == [BLUE, BLUE] + [RED] * 6  # 2× wide
    window.canvas.set_selection(Selection.rect(2, 2, 8, 2, 16, 16))
    window.transform_action.trigger()
    grab(qtbot, canvas, handle(canvas, "w"), canvas.widget_pos(13, 3) + QPoint(4, 0))  # x = 14
    enter(qtbot, window, canvas)  # the left edge dragged past the right: a flip
    row = [tuple(c) for c in pixels(window)[2].tolist()]
    # 8 wide to 4 (every other pixel: B R R R), mirrored: the blue end is now on the right
    assert row[10:14] == [RED, RED, RED, BLUE] and not any(c[3] for c in row[:10])


def test_turn_with_shift_snaps_and_esc_or_undo_cancel(editor, qtbot):
    window, canvas = editor
    block(window)
    before = pixels(window).copy()
    window.transform_action.trigger()
    centre = QPoint(int(canvas.offset.x() + 4 * 8), int(canvas.offset.y() + 3 * 8))  # the box's
    grab(qtbot, canvas, centre + QPoint(60, 0), centre + QPoint(6, 60),
         Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    assert canvas.transform.t.angle == 90
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert not canvas.transform.showing and np.array_equal(pixels(window), before)
    window.transform_action.trigger()
    grab(qtbot, canvas, centre + QPoint(60, 0), centre + QPoint(6, 60),
         Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    window.undo_action.trigger()  # puts the open transform away, undoes nothing else
    assert not canvas.transform.showing and np.array_equal(pixels(window), before)
    window.transform_action.trigger()
    grab(qtbot, canvas, centre + QPoint(60, 0), centre + QPoint(6, 60),
         Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    enter(qtbot, window, canvas)
    assert opaque(window) == {(x, y) for x in (3, 4) for y in range(1, 5)}  # upright now
    assert {tuple(c) for c in pixels(window).reshape(-1, 4).tolist()} <= {RED, BLUE, (0, 0, 0, 0)}


def test_transform_every_frame_moves_the_same_area_of_each_frame(editor, qtbot):
    window, canvas = editor
    session = block(window, frames=3)
    window.every_frame_action.trigger()
    window.transform_action.trigger()
    grab(qtbot, canvas, canvas.widget_pos(3, 2), canvas.widget_pos(3, 10))
    enter(qtbot, window, canvas)
    for index in range(3):
        image = session.sprite.composite(index)
        assert image[10, 3, 3] and not image[2, 3, 3], index
    window.undo_action.trigger()
    assert all(session.sprite.composite(i)[2, 3, 3] for i in range(3))


def test_nothing_to_transform_and_an_edit_meanwhile_are_said(editor, qtbot):
    window, canvas = editor
    window.transform_action.trigger()
    assert "Nothing to transform" in window.prompter.errors[-1]
    session = block(window)
    window.transform_action.trigger()
    from dgx_pixels_app.core.commands import set_pixel

    session.history.push(set_pixel(session.sprite, session.layer.id, session.frame.id, 15, 15, RED))
    assert not canvas.transform.showing
    assert "put away" in window.statusBar().currentMessage()


def test_a_turned_box_scales_along_its_own_axes(editor, qtbot):
    window, canvas = editor
    block(window)
    window.transform_action.trigger()
    centre = QPoint(int(canvas.offset.x() + 4 * 8), int(canvas.offset.y() + 3 * 8))
    grab(qtbot, canvas, centre + QPoint(60, 0), centre + QPoint(6, 60),
         Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    east = handle(canvas, "e")  # the bar's right end, now at the bottom
    assert east.y() > centre.y() + 8 and abs(east.x() - centre.x()) <= 1
    grab(qtbot, canvas, east, east + QPoint(0, 4 * 8))  # 4 px longer, along the bar
    enter(qtbot, window, canvas)
    xs, ys = zip(*opaque(window), strict=True)
    assert (max(xs) - min(xs) + 1, max(ys) - min(ys) + 1) == (2, 8)
