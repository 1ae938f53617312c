"""The gradient tool (Shift+G) by real drags: two colours in an ordered dither along
the dragged line, inside the selection only, one undo step; smooth with Dither off."""

import numpy as np
from PySide6.QtCore import Qt

from dgx_pixels_app.core.gradient import bayer, gradient
from dgx_pixels_app.core.selection import Selection
from tests.gui.test_editor_tools import drag, pixels, tool

RED, BLUE = (255, 0, 0, 255), (0, 0, 255, 255)


def test_a_dithered_gradient_from_primary_to_secondary_in_one_undo_step(editor, qtbot):
    window, canvas = editor
    canvas.tools.secondary = BLUE
    window.toolbar.checks["dither"].click()  # Dither on, as a person ticks it
    tool(qtbot, canvas, Qt.Key.Key_G, Qt.KeyboardModifier.ShiftModifier)
    assert canvas.tools.tool == "gradient"
    drag(qtbot, canvas, [(0, 8), (8, 8), (15, 8)])
    image = pixels(window)
    colors = {tuple(c) for c in image.reshape(-1, 4).tolist()}
    assert colors == {RED, BLUE}  # only the two colours: pixel art's gradient
    blue_share = [(image[:, x, 2] == 255).mean() for x in range(16)]
    assert blue_share[0] == 0 and blue_share[-1] == 1
    assert np.mean(blue_share[2:6]) < np.mean(blue_share[6:10]) < np.mean(blue_share[10:14])
    window.undo_action.trigger()
    assert not pixels(window)[..., 3].any()


def test_the_gradient_stays_in_the_selection_and_right_drag_reverses_it(editor, qtbot):
    window, canvas = editor
    canvas.tools.secondary = BLUE
    assert not window.toolbar.checks["dither"].isChecked()  # off: a smooth blend
    window.canvas.set_selection(Selection.rect(0, 0, 16, 4, 16, 16))
    tool(qtbot, canvas, Qt.Key.Key_G, Qt.KeyboardModifier.ShiftModifier)
    drag(qtbot, canvas, [(0, 0), (15, 0)], button=Qt.MouseButton.RightButton)
    image = pixels(window)
    assert not image[4:, :, 3].any()  # nothing below the selection
    assert tuple(image[0, 0]) == BLUE and tuple(image[0, 15]) == RED
    assert len({tuple(c) for c in image[0].tolist()}) > 8  # smooth: many in-between colours


def test_the_ramp_and_the_matrix():
    assert sorted(bayer(4).ravel().tolist()) == [(i + 0.5) / 16 for i in range(16)]
    flat = gradient(4, 4, (1.5, 1.5), (1.5, 1.5), RED, BLUE)  # a click: the second colour
    assert (flat == BLUE).all()
    half = gradient(64, 8, (0.5, 0), (63.5, 0), RED, BLUE)
    assert abs((half[..., 2] == 255).mean() - 0.5) < 0.05
