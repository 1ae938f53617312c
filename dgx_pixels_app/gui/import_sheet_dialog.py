"""File ▸ Import Sprite Sheet: slice a PNG sheet into frames by a grid."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)


@dataclass
class SheetImport:
    path: str
    cell: tuple[int, int] | None
    grid: tuple[int, int] | None
    padding: int
    offset: tuple[int, int]
    duration_ms: int


class ImportSheetDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import Sprite Sheet")
        self.path = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.mode = QComboBox()
        self.mode.addItem("Cell size (width × height)", "cell")
        self.mode.addItem("Columns × rows", "grid")
        self.a, self.b = self._spin(1, 8192, 16), self._spin(1, 8192, 16)
        self.padding = self._spin(0, 256, 0)
        self.ox, self.oy = self._spin(0, 8192, 0), self._spin(0, 8192, 0)
        self.duration = self._spin(1, 65535, 100)
        self.duration.setSuffix(" ms")
        pair = QHBoxLayout()
        pair.addWidget(self.a)
        pair.addWidget(self.b)
        offset = QHBoxLayout()
        offset.addWidget(self.ox)
        offset.addWidget(self.oy)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Sheet", row)
        form.addRow("Slice by", self.mode)
        form.addRow("Size", pair)
        form.addRow("Padding", self.padding)
        form.addRow("Offset x, y", offset)
        form.addRow("Frame duration", self.duration)
        form.addRow(buttons)

    def _spin(self, low: int, high: int, value: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(low, high)
        box.setValue(value)
        return box

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Sprite sheet", "", "Images (*.png *.gif *.bmp *.webp)"
        )
        if path:
            self.path.setText(path)

    def choice(self) -> SheetImport:
        pair = (self.a.value(), self.b.value())
        by_cell = self.mode.currentData() == "cell"
        return SheetImport(
            self.path.text().strip(),
            pair if by_cell else None,
            None if by_cell else pair,
            self.padding.value(),
            (self.ox.value(), self.oy.value()),
            self.duration.value(),
        )
