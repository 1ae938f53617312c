"""Pixelize from the GUI: the dialog's live preview, and applying it as one undo step."""

import numpy as np

from dgx_pixels_app.core.document import Cel
from dgx_pixels_app.gui.pixelize_dialog import PixelizeDialog
from dgx_pixels_app.pixelize.pipeline import pixelize
from tests.pixelize.test_pixelize import sprite, upscale


def test_dialog_previews_and_reports_the_detected_cell(qtbot):
    art = sprite(seed=31)
    source = upscale(art, 12.5, blur=0.8)
    dialog = PixelizeDialog(source, palette_of(art))
    qtbot.addWidget(dialog)
    dialog.show()
    settled(qtbot, dialog)
    assert dialog.result.image.shape == art.shape
    assert "12." in dialog.info.text() and "24 × 20 sprite" in dialog.info.text()

    first = dialog.result
    dialog.colors_mode.setCurrentIndex(dialog.colors_mode.findData("count"))
    dialog.count.setValue(2)
    qtbot.waitUntil(
        lambda: dialog.result is not first and len(dialog.result.palette) <= 2, timeout=10000
    )

    dialog.auto_cell.setChecked(False)
    dialog.cell.setValue(25.0)  # override: twice the real cell
    qtbot.waitUntil(lambda: 9 <= dialog.result.image.shape[1] <= 13, timeout=10000)
    dialog.reject()


def settled(qtbot, dialog):
    """Wait for a preview with no newer one on its way: Apply is disabled while the
    preview is recomputed (a resize or a setting can start one right after the first)."""
    qtbot.waitUntil(
        lambda: dialog.result is not None and dialog.apply_button.isEnabled(), timeout=10000
    )


def palette_of(art):
    from dgx_pixels_app.core.palette import Palette

    colors = np.unique(art[art[..., 3] == 255][:, :3], axis=0)
    return Palette([tuple(c) for c in colors])


def test_menu_pixelize_is_one_undo_step(window, qtbot):
    art = sprite(seed=32)
    source = upscale(art, 10)
    window.documents.new_document(source.shape[1], source.shape[0])
    s = window.session
    s.sprite.cels[(s.layer.id, s.frame.id)] = Cel(source.copy())
    window.prompter.pixelize_answer = lambda src: pixelize(src)

    window.pixelize_action.trigger()
    assert (s.sprite.width, s.sprite.height) == (24, 20)
    assert np.array_equal(s.sprite.composite(0)[..., 3] > 0, art[..., 3] > 0)
    assert window.canvas._rgba.shape == (20, 24, 4)
    assert window.undo_action.text() == "&Undo Pixelize"
    assert 2 <= len(s.sprite.palette) <= 8 and "8 colours" not in window.palette_panel.title.text()

    window.undo_action.trigger()
    assert (s.sprite.width, s.sprite.height) == (source.shape[1], source.shape[0])
    assert np.array_equal(s.sprite.composite(0), source)
    assert len(s.sprite.palette) > 8 or len(s.sprite.palette) == 0


def test_pixelize_empty_layer_says_so(window):
    window.new_action.trigger()
    window.pixelize_action.trigger()
    assert "empty" in window.prompter.errors[-1]
    assert "pixelize" not in window.prompter.asked


def test_a_one_colour_sprite_is_said_in_the_singular(qtbot):
    art = np.zeros((16, 16, 4), np.uint8)
    art[4:12, 4:12] = (200, 40, 40, 255)
    dialog = PixelizeDialog(upscale(art, 12.0, bg=(240, 240, 240)), palette_of(art))
    qtbot.addWidget(dialog)
    dialog.show()
    settled(qtbot, dialog)
    assert " sprite, 1 colour, background #" in dialog.info.text()  # not "1 colours"


def test_background_eyedropper_none_and_tinted_cells(qtbot):
    from PySide6.QtCore import QPoint, Qt

    from tests.pixelize.test_background import GHOST, on_paper

    source = on_paper(GHOST, 32.0, seed=4)
    dialog = PixelizeDialog(source, palette_of(GHOST))
    qtbot.addWidget(dialog)
    dialog.resize(1000, 600)
    dialog.show()
    settled(qtbot, dialog)
    auto = dialog.result
    assert np.array_equal(auto.image[..., 3] > 0, GHOST[..., 3] > 0)
    assert "background #" in dialog.info.text() and "tinted" in dialog.info.text()
    assert dialog.after._overlay_data is not None  # the removed cells are tinted
    assert (dialog.after._overlay_data[..., 3] > 0).sum() == (GHOST[..., 3] == 0).sum()

    # None: everything stays, nothing tinted
    dialog.background.setCurrentIndex(dialog.background.findData("none"))
    qtbot.waitUntil(lambda: dialog.result is not auto, timeout=10000)
    qtbot.waitUntil(lambda: (dialog.result.image[..., 3] == 255).all(), timeout=10000)
    assert dialog.after._overlay_data is None and "no background" in dialog.info.text()

    # the eyedropper: Pick, then a click on the paper in the Before view
    kept = dialog.result
    dialog.pick.click()
    target = dialog.before.target_rect()
    corner = QPoint(target.left() + target.width() // 32, target.top() + target.height() // 32)
    qtbot.mouseClick(dialog.before, Qt.MouseButton.LeftButton, pos=corner)
    assert dialog.picked is not None and min(dialog.picked) > 200
    assert dialog.background.currentData() == "picked" and not dialog.pick.isChecked()
    qtbot.waitUntil(lambda: dialog.result is not kept, timeout=10000)
    qtbot.waitUntil(
        lambda: np.array_equal(dialog.result.image[..., 3] > 0, GHOST[..., 3] > 0), timeout=10000
    )

    # an ordinary click (no Pick, no Alt) picks nothing
    before = dialog.picked
    qtbot.mouseClick(dialog.before, Qt.MouseButton.LeftButton, pos=target.center())
    assert dialog.picked == before
    dialog.reject()


def test_opening_the_dialog_computes_one_preview(qtbot, monkeypatch):
    """The first preview is computed once: Apply does not go grey again a moment after
    it came (a second, identical run used to follow the first)."""
    import dgx_pixels_app.gui.pixelize_dialog as module

    runs = []
    monkeypatch.setattr(module, "pixelize", lambda *a, **k: runs.append(1) or pixelize(*a, **k))
    art = sprite(seed=31)
    dialog = PixelizeDialog(upscale(art, 12.5, blur=0.8), palette_of(art))
    qtbot.addWidget(dialog)
    dialog.show()
    settled(qtbot, dialog)
    qtbot.wait(2 * dialog.debounce.interval() + 200)
    assert len(runs) == 1
    assert dialog.apply_button.isEnabled()
    dialog.reject()


def test_close_grids_are_offered_and_one_click_reads_the_picture_at_it(qtbot, monkeypatch):
    from PySide6.QtCore import Qt

    from dgx_pixels_app.pixelize import candidates as module
    from dgx_pixels_app.pixelize.candidates import Candidate

    art = sprite(seed=31)
    source = upscale(art, 12.5, blur=0.8)
    plain = PixelizeDialog(source, palette_of(art))  # an ordinary sprite: nothing offered
    qtbot.addWidget(plain)
    settled(qtbot, plain)
    assert plain.grids.isHidden()
    plain.reject()

    def offered(image, grid):  # as a sheet whose finer reading explains it much better
        cell = grid.x.cell
        return [Candidate(cell / 2, (48, 40), 0.004), Candidate(cell, grid.size, 0.02)]

    monkeypatch.setattr(module, "candidates", offered)
    dialog = PixelizeDialog(source, palette_of(art))
    qtbot.addWidget(dialog)
    dialog.show()
    settled(qtbot, dialog)
    assert dialog.grids.isVisible() and dialog.grids.count() == 2
    assert "48 × 40, 0.4% left inside" in dialog.grids.itemText(0)
    dialog.grids.setFocus()
    qtbot.keyClick(dialog.grids, Qt.Key.Key_Up)  # the finer reading
    assert not dialog.auto_cell.isChecked()
    qtbot.waitUntil(lambda: dialog.result.image.shape[1] == 48, timeout=10000)
    dialog.reject()


def test_a_sheet_of_parts_is_read_part_by_part(qtbot, monkeypatch):
    import sys
    from pathlib import Path

    from dgx_pixels_app.pixelize import grid, lattice

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from degrade import degrade
    from sheet_eval import sheet

    # the whole-picture safeguards off, so the whole reads at the pitch (see
    # tests/pixelize/test_repeating_sheets.py): only the layout finds the cell
    monkeypatch.setattr(grid, "finer_if_too_coarse", lambda image, found, at, low: found)
    monkeypatch.setattr(grid, "thinnest_stroke", lambda edged, faint=False: np.inf)
    monkeypatch.setattr(grid, "stroke_period", lambda edged, period: period)
    monkeypatch.setattr(lattice, "STROKE_APART", np.inf)
    art, (cols, rows) = sheet(5)
    dialog = PixelizeDialog(degrade(art, 5), palette_of(art))
    qtbot.addWidget(dialog)
    dialog.show()
    settled(qtbot, dialog)
    assert dialog.result.image.shape[1] < art.shape[1] // 3
    fooled = dialog.result
    dialog.parts[0].setValue(cols)
    dialog.parts[1].setValue(rows)
    qtbot.waitUntil(lambda: dialog.result is not fooled, timeout=10000)
    settled(qtbot, dialog)
    assert abs(dialog.result.image.shape[1] - art.shape[1]) <= 1
    assert abs(dialog.result.image.shape[0] - art.shape[0]) <= 1
    dialog.auto_cell.setChecked(False)  # a cell of one's own: the layout has no say
    assert not dialog.parts[0].isEnabled() and dialog.options().layout is None
    dialog.reject()


def test_apply_waits_for_the_preview_of_the_newest_settings(qtbot):
    art = sprite(seed=31)
    dialog = PixelizeDialog(upscale(art, 12.5, blur=0.8), palette_of(art))
    qtbot.addWidget(dialog)
    dialog.show()
    settled(qtbot, dialog)
    old = dialog.result
    dialog.parts[0].setValue(2)  # a change: what is shown is for the old settings
    assert not dialog.apply_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.result is not old and dialog.apply_button.isEnabled(),
                    timeout=10000)  # fmt: skip
    dialog.reject()


def test_parts_that_disagree_and_parts_too_small_are_said_in_the_dialog(qtbot):
    fine = upscale(sprite(32, 32, seed=2), 8.0, blur=0.6, noise=2, seed=2)
    coarse = upscale(sprite(16, 16, seed=3), 16.0, blur=0.6, noise=2, seed=3)
    image = np.concatenate([fine, coarse], axis=1)  # two halves, two cells
    dialog = PixelizeDialog(image, None)
    qtbot.addWidget(dialog)
    dialog.show()
    settled(qtbot, dialog)
    before = dialog.result
    dialog.parts[0].setValue(4)
    qtbot.waitUntil(lambda: dialog.result is not before, timeout=10000)
    settled(qtbot, dialog)
    assert "is it 4 x 1?" in dialog.info.text()
    dialog.parts[0].setValue(64)  # 8 px parts: the picture is read whole
    qtbot.waitUntil(lambda: "too small" in dialog.info.text(), timeout=10000)
    settled(qtbot, dialog)
    assert dialog.apply_button.isEnabled() and "read whole" in dialog.info.text()
    dialog.reject()


def test_another_count_of_the_cells_is_offered_and_one_click_reads_at_it(qtbot):
    from PySide6.QtCore import Qt

    from tests.pixelize.test_faint_frames import narrow_room_flag, opaque_part

    art, image = narrow_room_flag()
    dialog = PixelizeDialog(image, palette_of(art))
    qtbot.addWidget(dialog)
    dialog.show()
    settled(qtbot, dialog)
    assert dialog.grids.isVisible(), "no grids offered"
    texts = [dialog.grids.itemText(i) for i in range(dialog.grids.count())]
    wanted = next(i for i, t in enumerate(texts) if "31 × 27" in t)  # the art's size
    dialog.grids.setFocus()
    while dialog.grids.currentIndex() != wanted:  # the keyboard, as a person picks it
        key = Qt.Key.Key_Down if dialog.grids.currentIndex() < wanted else Qt.Key.Key_Up
        qtbot.keyClick(dialog.grids, key)
    qtbot.waitUntil(
        lambda: opaque_part(dialog.result.image).shape[:2] == art.shape[:2], timeout=10000
    )
    assert not dialog.auto_cell.isChecked()
    dialog.reject()
