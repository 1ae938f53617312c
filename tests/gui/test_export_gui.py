"""Export from the window: the dialog's live preview, Bevy export, Ctrl+E repeat, import."""

import json

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt

from dgx_pixels_app import settings as app_settings
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.formats.sheet import SheetOptions
from dgx_pixels_app.gui.export_dialog import ExportDialog, ExportSpec
from dgx_pixels_app.gui.import_sheet_dialog import SheetImport
from tests.export.test_sheet import animated


def test_dialog_preview_shows_the_sheet_numbers(qtbot):
    dialog = ExportDialog(animated(), ExportSpec("sheet"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.sheet is not None, timeout=5000)
    assert "5 frames · sheet 60 × 10 px" in dialog.numbers.text()
    dialog.columns.setValue(2)
    dialog.padding.setValue(1)
    qtbot.waitUntil(lambda: "sheet 25 × 32 px" in dialog.numbers.text(), timeout=5000)
    assert "2 columns × 3 rows" in dialog.numbers.text()
    dialog.scale.setValue(9)  # out of range: the spin box clamps to 8
    qtbot.waitUntil(lambda: "sheet 193 × 242 px" in dialog.numbers.text(), timeout=5000)
    dialog.reject()


def test_bevy_export_from_menu_then_ctrl_e_repeats(window, qtbot, tmp_path):
    game = tmp_path / "game"
    (game / "assets").mkdir(parents=True)
    (game / "Cargo.toml").write_text("[package]\n")
    doc = tmp_path / "hero.aseprite"
    window.documents.set_session(Session(animated(), doc))
    window.prompter.export_answer = ExportSpec("bevy", SheetOptions(columns=5), str(game), "hero")
    window.export_action.trigger()
    png = game / "assets" / "sprites" / "hero.png"
    qtbot.waitUntil(lambda: png.exists() and bool(window.prompter.snippets), timeout=5000)
    assert (
        "TextureAtlasLayout::from_grid(UVec2::new(12, 10), 5, 1, None, None)"
        in window.prompter.snippets[0]
    )
    qtbot.waitUntil(
        lambda: app_settings.load_settings().bevy_projects.get(str(doc)) == str(game), timeout=5000
    )

    png.unlink()
    window.repeat_export_action.trigger()  # Ctrl+E: no dialog this time
    qtbot.waitUntil(lambda: png.exists(), timeout=5000)
    assert [a for a in window.prompter.asked if a.startswith("export")] == ["export:sheet:"]


def test_remembered_bevy_project_is_offered_next_time(window, qtbot, tmp_path):
    doc = tmp_path / "hero.aseprite"
    window.settings.bevy_projects[str(doc)] = str(tmp_path / "game")
    window.documents.set_session(Session(animated(), doc))
    window.export_action.trigger()  # the fake answers None: cancelled
    assert window.prompter.asked[-1] == f"export:bevy:{tmp_path / 'game'}"


def test_sheet_export_writes_png_and_json(window, qtbot, tmp_path):
    window.documents.set_session(Session(animated(), None))
    out = tmp_path / "sheet.png"
    window.prompter.export_answer = ExportSpec(
        "sheet", SheetOptions(trim=True, layout="packed"), str(out)
    )
    window.export_action.trigger()
    qtbot.waitUntil(lambda: out.with_suffix(".json").exists(), timeout=5000)
    data = json.loads(out.with_suffix(".json").read_text())
    assert len(data["frames"]) == 5 and data["meta"]["image"] == "sheet.png"


def test_import_sheet_slices_frames(window, qtbot, tmp_path):
    sheet = np.zeros((8, 32, 4), np.uint8)
    for i in range(4):
        sheet[:, i * 8 : i * 8 + 8] = (60 * i, 0, 0, 255)
    Image.fromarray(sheet).save(tmp_path / "strip.png")
    window.prompter.import_answer = SheetImport(
        str(tmp_path / "strip.png"), (8, 8), None, 0, (0, 0), 120
    )
    window.import_sheet_action.trigger()
    qtbot.waitUntil(
        lambda: window.session is not None and len(window.session.sprite.frames) == 4, timeout=5000
    )
    sprite = window.session.sprite
    assert (sprite.width, sprite.height) == (8, 8)
    assert [f.duration_ms for f in sprite.frames] == [120] * 4
    assert sprite.composite(2)[0, 0].tolist() == [120, 0, 0, 255]

    window.prompter.import_answer = SheetImport(
        str(tmp_path / "strip.png"), (7, 8), None, 0, (0, 0), 100
    )
    window.prompter.save_answer = "discard"
    window.import_sheet_action.trigger()
    qtbot.waitUntil(lambda: bool(window.prompter.errors), timeout=5000)
    assert "do not divide" in window.prompter.errors[-1]


def test_a_bevy_export_over_a_hand_made_file_asks_first_and_keeps_it(window, qtbot, tmp_path):
    game = tmp_path / "game"
    sprites = game / "assets" / "sprites"
    sprites.mkdir(parents=True)
    (game / "Cargo.toml").write_text("[package]\n")
    hand_made = b"\x89PNG the artist's own"
    (sprites / "hero.png").write_bytes(hand_made)
    window.documents.set_session(Session(animated(), tmp_path / "hero.aseprite"))
    window.prompter.export_answer = ExportSpec("bevy", SheetOptions(), str(game), "hero")
    window.export_action.trigger()  # the artist says no
    qtbot.waitUntil(
        lambda: "replace:assets/sprites/hero.png" in window.prompter.asked, timeout=5000
    )
    qtbot.wait(200)
    assert sorted(p.name for p in sprites.iterdir()) == ["hero.png"]
    assert (sprites / "hero.png").read_bytes() == hand_made and not window.prompter.errors
    window.prompter.replace_answer = True
    window.export_action.trigger()  # and now yes
    qtbot.waitUntil(lambda: bool(window.prompter.snippets), timeout=5000)
    kept = list((game / ".dgx-pixels" / "replaced").rglob("hero.png"))
    assert len(kept) == 1 and kept[0].read_bytes() == hand_made
    assert (sprites / "hero.png").read_bytes() != hand_made
    assert "replaced 1 hand-made file" in window.statusBar().currentMessage()


def test_export_to_bevy_has_its_own_dialog_and_warns_of_another_bevy(window, qtbot, tmp_path):
    from PySide6.QtWidgets import QDialogButtonBox

    game = tmp_path / "game"
    (game / "assets").mkdir(parents=True)
    (game / "Cargo.toml").write_text('[package]\nname = "g"\n[dependencies]\nbevy = "0.16"\n')
    dialog = ExportDialog(animated(), ExportSpec("bevy", path=str(game)), bevy_only=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Export to Bevy" and not dialog.save_button.isVisible()
    qtbot.waitUntil(lambda: dialog.bevy_note.isVisible(), timeout=5000)
    assert 'bevy = "0.16"' in dialog.bevy_note.text() and "cargo update" in dialog.bevy_note.text()
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert dialog.result() == 0 and not dialog.isVisible()

    window.documents.set_session(Session(animated()))  # new, unsaved: the last game offered
    window.settings.bevy_projects[""] = str(game)
    window.prompter.export_answer = ExportSpec("bevy", SheetOptions(), str(game), "hero")
    window.export_bevy_action.trigger()
    assert window.prompter.asked[-1] == f"export:bevy-only:{game}"
    qtbot.waitUntil(lambda: bool(window.prompter.snippets or window.prompter.errors), timeout=5000)
    assert window.prompter.errors == []
    assert window.prompter.snippets[0].startswith(
        '// NOTE: The game\'s Cargo.toml asks for bevy = "0.16"'
    )
    assert "asks for another Bevy" in window.statusBar().currentMessage()
