"""The Sprite menu's touch-up operations from the window: a generated-looking knight gets
an outline, a colour swap, a hue shift inside a selection, a 48×48 canvas with the
knight centred, and a trim — each one undo step, each refused clearly when it can't."""

import numpy as np
from PySide6.QtCore import Qt

from dgx_pixels_app.core.commands import SetCel
from dgx_pixels_app.core.document import Cel
from dgx_pixels_app.core.selection import Selection
from dgx_pixels_app.gui.touchup_controller import _pixel_ops
from dgx_pixels_app.gui.touchup_dialog import TouchupDialog

RED = (200, 30, 30, 255)


def knight(window, qtbot):
    window.documents.new_document(16, 16)
    session = window.session
    image = np.zeros((16, 16, 4), np.uint8)
    image[4:12, 6:10] = RED
    session.history.push(SetCel(session.layer.id, session.frame.id, Cel(image)))
    return session


def pixels(session):
    return session.sprite.cel(session.layer.id, session.frame.id).image


def wait_status(window, qtbot, text):
    qtbot.waitUntil(lambda: text in window.statusBar().currentMessage(), timeout=10000)


def test_outline_then_undo_from_the_menu_and_keys(window, qtbot):
    session = knight(window, qtbot)
    window.prompter.touchup_answer = lambda d: {**d, "color": (0, 0, 0, 255)}
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
    wait_status(window, qtbot, "Outline: 1 cel changed")
    assert (pixels(session)[3, 6:10] == (0, 0, 0, 255)).all()
    assert (pixels(session)[3, 5] == 0).all()  # 4-connected: no corner
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (pixels(session)[3, 6:10] == 0).all()


def test_replace_colour_and_a_hue_shift_inside_the_selection(window, qtbot):
    session = knight(window, qtbot)
    window.prompter.touchup_answer = lambda d: {**d, "old": RED, "new": (30, 30, 200, 255)}
    window.replace_color_action.trigger()
    wait_status(window, qtbot, "Replace Colour: 1 cel changed")
    assert (pixels(session)[5, 7] == (30, 30, 200, 255)).all()
    window.canvas.set_selection(Selection.rect(0, 0, 16, 8, 16, 16))
    window.prompter.touchup_answer = lambda d: {**d, "hue": 120}
    window.hue_action.trigger()
    wait_status(window, qtbot, "Hue/Saturation: 1 cel changed")
    top, bottom = pixels(session)[5, 7], pixels(session)[9, 7]
    assert tuple(bottom) == (30, 30, 200, 255) and tuple(top) != tuple(bottom)


def test_canvas_size_centres_and_trim_cuts_back(window, qtbot):
    session = knight(window, qtbot)
    window.prompter.touchup_answer = lambda d: {**d, "width": 48, "height": 48}
    window.canvas_size_action.trigger()  # built on the task runner
    qtbot.waitUntil(lambda: session.sprite.width == 48, timeout=10000)
    assert (session.sprite.width, session.sprite.height) == (48, 48)
    assert (pixels(session)[20:28, 22:26] == RED).all()  # centred: moved by 16
    window.trim_action.trigger()
    qtbot.waitUntil(lambda: session.sprite.width == 4, timeout=10000)
    assert (session.sprite.width, session.sprite.height) == (4, 8)
    window.undo()
    window.undo()
    assert (session.sprite.width, session.sprite.height) == (16, 16)


def test_refusals_are_said_and_change_nothing(window, qtbot):
    session = knight(window, qtbot)
    session.layer.locked = True
    window.prompter.touchup_answer = lambda d: d
    window.outline_action.trigger()
    assert "locked" in window.prompter.errors[-1]
    session.layer.locked = False
    window.prompter.touchup_answer = lambda d: {**d, "width": 100000}
    window.canvas_size_action.trigger()
    qtbot.waitUntil(lambda: "8192" in window.prompter.errors[-1], timeout=10000)
    assert session.sprite.width == 16
    window.prompter.touchup_answer = None  # cancelled
    window.sprite_size_action.trigger()
    assert session.sprite.width == 16


def test_the_dialog_previews_each_value(qtbot):
    image = np.zeros((8, 8, 4), np.uint8)
    image[2:6, 2:6] = RED
    title, fields, fn = _pixel_ops((0, 0, 0, 255), (255, 255, 255, 255))["hue_saturation"]
    dialog = TouchupDialog(title, fields, image, fn)
    qtbot.addWidget(dialog)
    first = dialog.preview._data.copy()
    dialog.widgets["hue"].setValue(120)
    assert not np.array_equal(first, dialog.preview._data)
    assert dialog.ok.isEnabled() and dialog.values()["scope"] == "cel"


def test_select_menu_inverse_contract_and_colour_range(window, qtbot):
    knight(window, qtbot)
    window.canvas.primary = RED
    window.prompter.touchup_answer = lambda d: d
    window.touchups.select_color_range()
    assert window.session.selection == (6, 4, 4, 8)
    window.prompter.touchup_answer = lambda d: {**d, "by": 1}
    window.touchups.select_modify("contract")
    assert window.session.selection == (7, 5, 2, 6)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_I,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    assert int(window.session.selection.mask.sum()) == 256 - 12
    window.canvas.set_selection(None)
    window.touchups.select_modify("expand")
    assert "Select something first" in window.prompter.errors[-1]


def test_palette_ramp_sort_and_from_sprite(window, qtbot):
    session = knight(window, qtbot)
    before = len(session.sprite.palette)
    window.canvas.primary, window.canvas.secondary = (20, 20, 60, 255), (240, 220, 160, 255)
    window.prompter.touchup_answer = lambda d: {**d, "steps": 4}
    window.touchups.palette_ramp()
    colors = session.sprite.palette.colors
    assert len(colors) == before + 4 and colors[-1] == (240, 220, 160, 255)
    window.touchups.palette_from_sprite()
    assert session.sprite.palette.colors == [RED]
    window.undo()
    assert len(session.sprite.palette) == before + 4
    window.touchups.palette_sort("lightness")
    lights = [sum(c[:3]) for c in session.sprite.palette.colors]
    assert lights[0] <= lights[-1]


def test_a_reference_layer_lies_under_the_sprite_is_saved_and_never_exported(
    window, qtbot, tmp_path
):
    from PySide6.QtGui import QImage

    from dgx_pixels_app.formats.documents import open_document
    from dgx_pixels_app.formats.images import write_png
    from tests.helpers import read_with_ase_parser

    session = knight(window, qtbot)
    raw = np.zeros((64, 64, 4), np.uint8)
    raw[..., 1] = 255
    raw[..., 3] = 255
    write_png(tmp_path / "raw.png", raw)
    window.prompter.reference_answer = str(tmp_path / "raw.png")
    window.reference_action.trigger()
    qtbot.waitUntil(lambda: session.sprite.reference is not None, timeout=5000)
    shot = window.canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    corner = window.canvas.widget_pos(0, 0)  # a transparent sprite pixel: green shows through
    assert shot.pixelColor(corner).green() > shot.pixelColor(corner).red()
    assert session.sprite.composite(0)[0, 0, 3] == 0  # not part of the picture
    window.prompter.touchup_answer = {"opacity": 20}
    window.touchups.reference_opacity()
    assert session.sprite.reference.opacity == 51
    window.prompter.save_as_answer = str(tmp_path / "k.aseprite")
    window.save()
    qtbot.waitUntil(lambda: (tmp_path / "k.aseprite").is_file(), timeout=5000)
    saved = open_document(tmp_path / "k.aseprite")
    assert len(saved.layers) == 1 and saved.reference.image.shape == (64, 64, 4)
    assert saved.reference.opacity == 51 and saved.composite(0)[0, 0, 3] == 0
    parsed = read_with_ase_parser(tmp_path / "k.aseprite")
    assert parsed["layers"][0]["name"] == "Reference" and parsed["layers"][0]["flags"]["reference"]
    assert (parsed["frames"][0]["cels"][0]["w"], parsed["frames"][0]["cels"][0]["h"]) == (64, 64)
    window.undo()  # the opacity, then the reference itself: each one undo step
    window.undo()
    assert session.sprite.reference is None
    (tmp_path / "bad.png").write_bytes(b"not an image")
    window.prompter.reference_answer = str(tmp_path / "bad.png")
    window.reference_action.trigger()
    qtbot.waitUntil(lambda: bool(window.prompter.errors), timeout=5000)
    assert session.sprite.reference is None


def test_rotate_by_an_angle_from_the_edit_menu(window, qtbot):
    session = knight(window, qtbot)
    window.prompter.touchup_answer = lambda d: {**d, "angle": 90}
    window.rotate_angle_action.trigger()
    wait_status(window, qtbot, "Rotate: 1 cel changed")
    assert (pixels(session)[6:10, 4:12] == RED).all()  # the 8×4 bar now lies across


def test_a_long_operation_shows_progress_and_is_dropped_if_the_sprite_changed_meanwhile(
    window, qtbot, monkeypatch
):
    import time

    from dgx_pixels_app.core import sprite_ops
    from dgx_pixels_app.core.commands import set_pixel
    from dgx_pixels_app.gui import touchup_controller

    def slow(*args, **kwargs):
        time.sleep(0.8)  # a 1024² sprite of 64 cels on a small machine
        return sprite_ops.pixels_command(*args, **kwargs)

    monkeypatch.setattr(touchup_controller, "pixels_command", slow)
    session = knight(window, qtbot)
    window.prompter.touchup_answer = lambda d: {**d, "color": (0, 0, 0, 255)}
    bar = window.touchups.progress.bar
    window.outline_action.trigger()
    qtbot.waitUntil(bar.isVisible, timeout=5000)  # after 0.3 s, not before
    session.history.push(set_pixel(session.sprite, session.layer.id, session.frame.id, 0, 0,
                                   (9, 9, 9, 255)))  # fmt: skip
    qtbot.waitUntil(lambda: "changed meanwhile" in " ".join(window.prompter.errors), timeout=5000)
    assert not bar.isVisible()
    assert (pixels(session)[3, 6:10] == 0).all()  # no outline was pushed over the new edit
    window.outline_action.trigger()  # and again, untouched: it lands
    wait_status(window, qtbot, "Outline: 1 cel changed")
    assert (pixels(session)[3, 6:10] == (0, 0, 0, 255)).all()


def test_canvas_size_by_margins_and_sprite_size_by_percent(window, qtbot):
    session = knight(window, qtbot)
    window.prompter.touchup_answer = lambda d: {**d, "left": 4, "top": -2, "right": 0,
                                                "bottom": 6}  # fmt: skip
    window.canvas_size_action.trigger()
    qtbot.waitUntil(lambda: session.sprite.width == 20, timeout=10000)
    assert session.sprite.height == 20
    assert (pixels(session)[2:10, 10:14] == RED).all()  # moved right 4, up 2
    window.prompter.touchup_answer = lambda d: {**d, "percent": 200}
    window.sprite_size_action.trigger()
    qtbot.waitUntil(lambda: session.sprite.width == 40, timeout=10000)
    assert (pixels(session)[4:20, 20:28] == RED).all()  # whole pixels doubled
    window.prompter.touchup_answer = lambda d: {**d, "left": -40}  # nothing would be left
    window.canvas_size_action.trigger()
    qtbot.waitUntil(lambda: "empty" in " ".join(window.prompter.errors), timeout=10000)
    assert session.sprite.width == 40


def test_an_operation_that_trips_over_an_edit_made_meanwhile_says_so(window, qtbot, monkeypatch):
    import time

    from dgx_pixels_app.core.commands import set_pixel
    from dgx_pixels_app.gui import touchup_controller

    def trips(*args, **kwargs):
        time.sleep(0.5)
        raise KeyError((1, 3))  # as reading a cel an undo took away

    monkeypatch.setattr(touchup_controller, "pixels_command", trips)
    session = knight(window, qtbot)
    window.prompter.touchup_answer = lambda d: d
    window.outline_action.trigger()
    session.history.push(set_pixel(session.sprite, session.layer.id, session.frame.id, 0, 0,
                                   (9, 9, 9, 255)))  # fmt: skip
    qtbot.waitUntil(lambda: bool(window.prompter.errors), timeout=5000)
    assert "changed meanwhile" in window.prompter.errors[-1]


def test_a_colour_field_has_a_swatch_that_opens_the_colour_chooser(qtbot, monkeypatch):
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QColorDialog

    image = np.zeros((8, 8, 4), np.uint8)
    image[2:6, 2:6] = RED
    title, fields, fn = _pixel_ops((0, 0, 0, 255), (255, 255, 255, 255))["outline"]
    dialog = TouchupDialog(title, fields, image, fn)
    qtbot.addWidget(dialog)
    line = dialog.widgets["color"]
    (swatch,) = line.actions()
    assert not swatch.icon().isNull()
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor(10, 200, 30))
    swatch.trigger()
    assert line.text() == "#0ac81e" and dialog.values()["color"] == (10, 200, 30, 255)
    assert tuple(dialog.preview._data[1, 3]) == (10, 200, 30, 255)  # the ring, in the new colour
