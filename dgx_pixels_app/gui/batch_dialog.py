"""Model ▸ Batch Generate…: paste or load a list of items, pick the options the
``dgx-pixels batch`` command takes, and choose the output folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.words import counted
from dgx_pixels_app.resources import prompt_presets


@dataclass
class BatchSpec:
    items_text: str  # pasted items (one prompt per line), used when no file is chosen
    items_file: str  # a .txt/.csv/.json/.jsonl list
    output: str
    kind: str | None = "item"
    style: str | None = None
    size: int = 64
    count: int = 1
    seed: int | None = None
    steps: int | None = None
    cfg: float | None = None
    resolution: int | None = None  # the model's image size (default: the kind's)
    resume: bool = False


class BatchDialog(QDialog):
    def __init__(self, output: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Batch Generate")
        try:
            kinds, styles = prompt_presets()
        except DgxPixelsError:
            kinds, styles = [], []
        self.items = QPlainTextEdit()
        self.items.setPlaceholderText(
            "One prompt per line, e.g.\niron sword\nhealth potion\n# comments are ignored"
        )
        self.items_file = QLineEdit()
        self.items_file.setPlaceholderText("or a list file: .txt, .csv, .json (per-item overrides)")
        load = QPushButton("Load List…")
        load.clicked.connect(self._choose_list)
        self._build_settings(kinds, styles)
        self.output = QLineEdit(output)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._choose_output)
        self.resume = QCheckBox("Resume the batch already in this folder")
        self.summary = QLabel()
        self.items.textChanged.connect(self._update_summary)
        self.items_file.textChanged.connect(self._update_summary)
        self.count.valueChanged.connect(self._update_summary)

        file_row = QHBoxLayout()
        file_row.addWidget(self.items_file, 1)
        file_row.addWidget(load)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output, 1)
        out_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Kind", self.kind)
        form.addRow("Style", self.style)
        form.addRow("Sprite size", self.size)
        form.addRow("Images per item", self.count)
        form.addRow("Seed", self.seed)
        form.addRow("Steps", self.steps)
        form.addRow("CFG", self.cfg)
        form.addRow("Model image size", self.resolution)
        form.addRow("Output folder", out_row)
        form.addRow("", self.resume)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start Batch")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Items"))
        layout.addWidget(self.items, 1)
        layout.addLayout(file_row)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.resize(560, 620)
        self._update_summary()

    def _build_settings(self, kinds: list, styles: list) -> None:
        self.kind = QComboBox()
        for kind in kinds:
            self.kind.addItem(kind["label"], kind["id"])
        index = self.kind.findData("item")
        self.kind.setCurrentIndex(max(0, index))
        self.style = QComboBox()
        for style in styles:
            self.style.addItem(style["label"], style["id"])
        self.size = QSpinBox()
        self.size.setRange(8, 512)
        self.size.setValue(64)
        self.size.setSuffix(" px")
        self.count = QSpinBox()
        self.count.setRange(1, 64)
        self.seed = QSpinBox()
        self.seed.setRange(-1, 2**31 - 1)
        self.seed.setSpecialValueText("random")
        self.seed.setValue(-1)
        self.steps = QSpinBox()
        self.steps.setRange(0, 150)
        self.steps.setSpecialValueText("kind's default")
        self.cfg = QDoubleSpinBox()
        self.cfg.setRange(0, 30)
        self.cfg.setSingleStep(0.5)
        self.cfg.setSpecialValueText("kind's default")
        self.resolution = QSpinBox()
        self.resolution.setRange(0, 2048)
        self.resolution.setSingleStep(64)
        self.resolution.setSpecialValueText("kind's default")

    def _choose_list(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Load a List of Items",
            "",
            "Item lists (*.txt *.csv *.json *.jsonl);;All files (*)",
        )
        if path:
            self.items_file.setText(path)

    def _choose_output(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Output Folder", self.output.text())
        if folder:
            self.output.setText(folder)

    def _update_summary(self) -> None:
        if self.items_file.text().strip():
            self.summary.setText(f"Items from {Path(self.items_file.text().strip()).name}")
            return
        lines = [
            line
            for line in self.items.toPlainText().splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
        images = len(lines) * self.count.value()
        self.summary.setText(f"{counted(len(lines), 'item')} → {counted(images, 'image')}")

    def spec(self) -> BatchSpec:
        return BatchSpec(
            items_text=self.items.toPlainText(), items_file=self.items_file.text().strip(),
            output=self.output.text().strip(), kind=self.kind.currentData(),
            style=self.style.currentData(), size=self.size.value(), count=self.count.value(),
            seed=None if self.seed.value() < 0 else self.seed.value(),
            steps=self.steps.value() or None, cfg=self.cfg.value() or None,
            resolution=self.resolution.value() or None, resume=self.resume.isChecked(),
        )  # fmt: skip
