"""File ▸ Export Sprite Sheet: options, a live preview of the sheet and its numbers,
and the two destinations (PNG + JSON, or a Bevy project)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.words import counted
from dgx_pixels_app.formats.sheet import SheetOptions, build_sheet
from dgx_pixels_app.gui.image_view import ImageView
from dgx_pixels_app.gui.tasks import TaskRunner


@dataclass
class ExportSpec:
    """What an export did, so Ctrl+E can do it again."""

    kind: str  # "sheet" or "bevy"
    options: SheetOptions = field(default_factory=SheetOptions)
    path: str = ""  # sheet: the PNG path; bevy: the project folder
    name: str = ""
    subfolder: str = "sprites"
    include_aseprite: bool = False
    json_form: str = "hash"
    overwrite: bool | frozenset = False  # files DGX-Pixels did not write that may be replaced


class ExportDialog(QDialog):
    def __init__(self, sprite: Sprite, spec: ExportSpec, parent: QWidget | None = None,
                 bevy_only: bool = False) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("Export to Bevy" if bevy_only else "Export Sprite Sheet")
        self.resize(980, 620)
        self.sprite = sprite
        self.spec: ExportSpec | None = None  # set when the user picks a destination
        self.runner = TaskRunner(self, max_threads=1)
        self.sheet = None
        self.debounce = QTimer(self, singleShot=True, interval=100)
        self.debounce.timeout.connect(self.refresh)

        form = self._build_form(spec, sprite)
        self.preview = ImageView(placeholder="Preparing…")
        self.numbers = QLabel()
        self.numbers.setWordWrap(True)
        preview_box = QGroupBox("Preview")
        pv = QVBoxLayout(preview_box)
        pv.addWidget(self.preview, 1)
        pv.addWidget(self.numbers)

        self.save_button = QPushButton("Save Sheet (PNG + JSON)…")
        self.save_button.clicked.connect(self._choose_sheet)
        bevy_box = self._build_bevy_box(spec)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        left = QVBoxLayout()
        if bevy_only:  # the game first; the sheet's options below it
            left.addWidget(bevy_box)
        left.addLayout(form)
        if not bevy_only:
            left.addWidget(self.save_button)
            left.addWidget(bevy_box)
        left.addStretch(1)
        left.addWidget(close)
        self.save_button.setVisible(not bevy_only)
        top = QHBoxLayout(self)
        holder = QWidget()
        holder.setLayout(left)
        holder.setMaximumWidth(380)
        top.addWidget(holder)
        top.addWidget(preview_box, 1)
        self.refresh()

    def _build_form(self, spec: ExportSpec, sprite: Sprite) -> QFormLayout:
        o = spec.options
        self.layout_box = QComboBox()
        for label, value in (("By rows", "rows"), ("By columns", "columns"), ("Packed", "packed")):
            self.layout_box.addItem(label, value)
        self.layout_box.setCurrentIndex(max(0, self.layout_box.findData(o.layout)))
        self.columns = self._spin(0, 4096, o.columns or 0, "auto")
        self.padding = self._spin(0, 256, o.padding)
        self.border = self._spin(0, 256, o.border)
        self.extrude = self._spin(0, 64, o.extrude)
        self.scale = self._spin(1, 8, o.scale)
        self.scale.setSuffix("×")
        self.trim = QCheckBox("Trim transparent borders", checked=o.trim)
        self.merge = QCheckBox("Merge duplicate frames", checked=o.merge_duplicates)
        self.pow2 = QCheckBox("Power-of-two size", checked=o.power_of_two)
        self.tag = QComboBox()
        self.tag.addItem("All frames", None)
        for t in sprite.tags:
            self.tag.addItem(f"Tag: {t.name} ({t.start}–{t.end})", t.name)
        self.tag.setCurrentIndex(max(0, self.tag.findData(o.tag)))
        self.layer = QComboBox()
        self.layer.addItem("Visible layers merged", None)
        for layer in reversed(sprite.layers):
            self.layer.addItem(f"Layer: {layer.name}", layer.name)
        self.layer.setCurrentIndex(max(0, self.layer.findData(o.layer)))
        self.json_form = QComboBox()
        self.json_form.addItem("JSON hash", "hash")
        self.json_form.addItem("JSON array", "array")
        self.json_form.setCurrentIndex(max(0, self.json_form.findData(spec.json_form)))
        form = QFormLayout()
        for label, widget in (
            ("Layout", self.layout_box), ("Columns", self.columns), ("Padding", self.padding),
            ("Border", self.border), ("Extrude", self.extrude), ("Scale", self.scale), ("", self.trim),
            ("", self.merge), ("", self.pow2), ("Frames", self.tag), ("Layers", self.layer), ("Data", self.json_form),
        ):  # fmt: skip
            form.addRow(label, widget)
        for widget in (self.layout_box, self.tag, self.layer):
            widget.currentIndexChanged.connect(self.debounce.start)
        for widget in (self.columns, self.padding, self.border, self.extrude, self.scale):
            widget.valueChanged.connect(self.debounce.start)
        for widget in (self.trim, self.merge, self.pow2):
            widget.toggled.connect(self.debounce.start)
        return form

    def _build_bevy_box(self, spec: ExportSpec) -> QGroupBox:
        self.bevy_dir = QLineEdit(spec.path if spec.kind == "bevy" else "")
        self.bevy_dir.setPlaceholderText("Bevy project folder (with Cargo.toml)")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._choose_bevy)
        self.bevy_name = QLineEdit(spec.name)
        self.bevy_sub = QLineEdit(spec.subfolder)
        self.with_ase = QCheckBox(
            "Also copy the .aseprite (bevy_aseprite_ultra)", checked=spec.include_aseprite
        )
        self.bevy_button = QPushButton("Export to Bevy")
        self.bevy_button.clicked.connect(self._bevy)
        self.bevy_note = QLabel()
        self.bevy_note.setWordWrap(True)
        self.bevy_note.setStyleSheet("color: #b35c00;")
        self.bevy_note.hide()
        self.bevy_dir.textChanged.connect(self._check_project)
        bevy_box = QGroupBox("Bevy project")
        bf = QFormLayout(bevy_box)
        row = QHBoxLayout()
        row.addWidget(self.bevy_dir, 1)
        row.addWidget(browse)
        bf.addRow("Project", row)
        bf.addRow("Name", self.bevy_name)
        bf.addRow("assets/", self.bevy_sub)
        bf.addRow("", self.with_ase)
        bf.addRow("", self.bevy_button)
        bf.addRow("", self.bevy_note)  # below: the button never moves under the cursor
        self._check_project()
        return bevy_box

    def _check_project(self) -> None:
        """The game's Bevy against the snippet's, said before exporting (read off the UI
        thread)."""
        from dgx_pixels_app.formats.bevy_version import version_note

        folder = self.bevy_dir.text().strip()
        if not folder:
            self.bevy_note.hide()
            return

        def show(note: str) -> None:
            if self.bevy_dir.text().strip() == folder:
                self.bevy_note.setText(note)
                self.bevy_note.setVisible(bool(note))

        self.runner.submit(lambda: version_note(Path(folder).expanduser()), show,
                           lambda _exc: self.bevy_note.hide())  # fmt: skip

    def _spin(self, low: int, high: int, value: int, special: str = "") -> QSpinBox:
        box = QSpinBox()
        box.setRange(low, high)
        box.setValue(value)
        if special:
            box.setSpecialValueText(special)
        return box

    def options(self) -> SheetOptions:
        return SheetOptions(
            layout=self.layout_box.currentData(),
            columns=self.columns.value() or None,
            padding=self.padding.value(),
            border=self.border.value(),
            extrude=self.extrude.value(),
            trim=self.trim.isChecked(),
            merge_duplicates=self.merge.isChecked(),
            power_of_two=self.pow2.isChecked(),
            scale=self.scale.value(),
            tag=self.tag.currentData(),
            layer=self.layer.currentData(),
        )

    def refresh(self) -> None:
        options, sprite = self.options(), self.sprite
        self.runner.submit(lambda: build_sheet(sprite, options), self._show, self._failed)

    def _show(self, sheet) -> None:
        self.sheet = sheet
        self.preview.set_image(sheet.image)
        h, w = sheet.image.shape[:2]
        text = f"{counted(len(sheet.frames), 'frame')} · sheet {w} × {h} px"
        if sheet.grid:
            g = sheet.grid
            text += (
                f" · tiles {g['tile_size'][0]} × {g['tile_size'][1]} · "
                f"{counted(g['columns'], 'column')} × {counted(g['rows'], 'row')}"
                f" · padding {g['padding'][0]} · offset {g['offset'][0]}"
            )
        else:
            text += " · packed/trimmed: use the JSON rectangles"
        self.numbers.setText(text)
        for button in (self.save_button, self.bevy_button):
            button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self.sheet = None
        self.preview.set_image(None)
        self.numbers.setText(
            str(exc) if isinstance(exc, DgxPixelsError) else f"Cannot build the sheet: {exc}"
        )
        for button in (self.save_button, self.bevy_button):
            button.setEnabled(False)

    def _choose_sheet(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save Sprite Sheet", "", "PNG image (*.png)")
        if path:
            if not path.lower().endswith(".png"):
                path += ".png"
            self.spec = ExportSpec(
                "sheet", self.options(), path, json_form=self.json_form.currentData()
            )
            self.accept()

    def _choose_bevy(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Bevy project (the folder with Cargo.toml)")
        if folder:
            self.bevy_dir.setText(folder)

    def _bevy(self) -> None:
        if not self.bevy_dir.text().strip():
            self._choose_bevy()
            if not self.bevy_dir.text().strip():
                return
        self.spec = ExportSpec(
            "bevy", self.options(), self.bevy_dir.text().strip(), self.bevy_name.text().strip(),
            self.bevy_sub.text().strip() or "sprites", self.with_ase.isChecked(),
        )  # fmt: skip
        self.accept()

    def done(self, result: int) -> None:
        self.debounce.stop()
        self.runner.wait()
        super().done(result)


class SnippetDialog(QDialog):
    """Shows the Rust snippet after a Bevy export, with a Copy button."""

    def __init__(self, title: str, snippet: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(820, 640)
        notes = [line.removeprefix("// NOTE: ") for line in snippet.splitlines()
                 if line.startswith("// NOTE: ")]  # fmt: skip
        self.note = QLabel(" ".join(notes))
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #b35c00; font-weight: bold;")
        self.note.setVisible(bool(notes))
        self.text = QPlainTextEdit(snippet)
        self.text.setReadOnly(True)
        self.text.setFont(QFont("monospace"))
        copy = QPushButton("Copy to Clipboard")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(snippet))
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(copy)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
