"""Every question the window asks a person, in one replaceable object.

The main window never builds a QMessageBox or QFileDialog itself; tests swap in
an object with the same methods that answers without a modal loop.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from dgx_pixels_app.formats.documents import OPEN_FILTER
from dgx_pixels_app.formats.recovery import RecoveryEntry
from dgx_pixels_app.gui.new_sprite_dialog import NewSpriteDialog

SAVE_FILTER = "Aseprite project (*.aseprite);;PNG image, current frame (*.png)"


class Prompter:
    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def ask_save_changes(self, title: str) -> str:
        """'save', 'discard' or 'cancel'."""
        box = QMessageBox(self.parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved changes")
        box.setText(f"Save the changes to “{title}” before closing?")
        box.setInformativeText("Your changes will be lost if you don't save them.")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {
            QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard",
        }.get(QMessageBox.StandardButton(answer), "cancel")

    def ask_recover(self, entry: RecoveryEntry) -> bool:
        name = Path(entry.original).name if entry.original else "an untitled sprite"
        answer = QMessageBox.question(
            self.parent,
            "Recover unsaved work?",
            f"DGX-Pixels closed unexpectedly while {name} had unsaved changes.\n\n"
            "Open the automatically saved copy?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_replace(self, files: list[str]) -> bool:
        """Replace files in the game that DGX-Pixels did not write? (No is the default.)"""
        shown = "\n".join(files[:8]) + (f"\n… and {len(files) - 8} more" if len(files) > 8 else "")
        box = QMessageBox(self.parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Replace files in the game?")
        box.setText(
            f"{len(files)} file{'s' if len(files) != 1 else ''} in the game {'were' if len(files) != 1 else 'was'} "
            "not written by DGX-Pixels (made by hand, or changed since):"
        )
        box.setInformativeText(f"{shown}\n\nReplace? The old versions are kept in the game's "
                               ".dgx-pixels/replaced/ folder.")  # fmt: skip
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("Replace")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def choose(self, title: str, text: str, options: list[tuple[str, str]]) -> str | None:
        """One of ``options`` (key, button text), or None for Cancel."""
        box = QMessageBox(self.parent)
        box.setWindowTitle(title)
        box.setText(text)
        buttons = {box.addButton(label, QMessageBox.ButtonRole.AcceptRole): key
                   for key, label in options}  # fmt: skip
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return buttons.get(box.clickedButton())

    def error(self, message: str) -> None:
        QMessageBox.warning(self.parent, "DGX-Pixels", message)

    def new_sprite_size(self) -> tuple[int, int] | None:
        dialog = NewSpriteDialog(self.parent)
        return dialog.chosen_size() if dialog.exec() else None

    def pixelize(self, source, palette):
        """Run the pixelize dialog; its PixelizeResult, or None if cancelled."""
        from dgx_pixels_app.gui.pixelize_dialog import PixelizeDialog

        dialog = PixelizeDialog(source, palette, self.parent)
        return dialog.result if dialog.exec() else None

    def export(self, sprite, spec, bevy_only: bool = False):
        """The export dialog (File ▸ Export to Bevy: its Bevy form only); the ExportSpec
        chosen, or None if closed."""
        from dgx_pixels_app.gui.export_dialog import ExportDialog

        dialog = ExportDialog(sprite, spec, self.parent, bevy_only=bevy_only)
        return dialog.spec if dialog.exec() else None

    def show_snippet(self, title: str, snippet: str) -> None:
        from dgx_pixels_app.gui.export_dialog import SnippetDialog

        SnippetDialog(title, snippet, self.parent).exec()

    def import_sheet(self):
        from dgx_pixels_app.gui.import_sheet_dialog import ImportSheetDialog

        dialog = ImportSheetDialog(self.parent)
        return dialog.choice() if dialog.exec() and dialog.path.text().strip() else None

    def model_path(self, folder: bool) -> str | None:
        if folder:
            return (
                QFileDialog.getExistingDirectory(self.parent, "Diffusers SDXL model folder") or None
            )
        path, _ = QFileDialog.getOpenFileName(
            self.parent, "SDXL checkpoint", "", "Safetensors (*.safetensors)"
        )
        return path or None

    def models_folder(self) -> str | None:
        return (
            QFileDialog.getExistingDirectory(
                self.parent, "A models folder (ComfyUI models/ or A1111 models/)"
            )
            or None
        )

    def animation_path(self, suggestion: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            self.parent, "Export Animation", suggestion, "GIF (*.gif);;APNG (*.png *.apng)"
        )
        return path or None

    def open_path(self, folder: str = "") -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, "Open Sprite", folder, OPEN_FILTER)
        return path or None

    def touchup(self, title: str, fields: list, source=None, apply=None) -> dict | None:
        """A Sprite-menu operation's values (with a live preview of ``source``), or None."""
        from dgx_pixels_app.gui.touchup_dialog import TouchupDialog

        dialog = TouchupDialog(title, fields, source, apply, self.parent)
        return dialog.values() if dialog.exec() else None

    def reference_path(self, folder: str = "") -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent, "Reference Image", folder,
            "Images (*.png *.jpg *.jpeg *.webp *.gif *.bmp)",
        )  # fmt: skip
        return path or None

    def results_folder(self) -> str | None:
        """A new or empty folder for the Results gallery's images and manifest."""
        folder = QFileDialog.getExistingDirectory(
            self.parent, "Save All Results: a new or empty folder"
        )
        return folder or None

    def agent_root(self) -> str | None:
        """The folder agents may write into (e.g. the Bevy project)."""
        folder = QFileDialog.getExistingDirectory(
            self.parent, "Agent Access: the folder agents may write into (e.g. your Bevy game)"
        )
        return folder or None

    def batch(self, output: str):
        from dgx_pixels_app.gui.batch_dialog import BatchDialog

        dialog = BatchDialog(output, self.parent)
        return dialog.spec() if dialog.exec() else None

    def save_path(self, suggestion: str) -> str | None:
        path, chosen = QFileDialog.getSaveFileName(
            self.parent, "Save Sprite As", suggestion, SAVE_FILTER
        )
        if path and not Path(path).suffix:
            path += ".png" if "png" in chosen.lower() else ".aseprite"
        return path or None
