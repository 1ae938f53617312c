"""LoRA dock: LoRA files with a weight and an enable toggle each."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.generation import LoraRef


class LoraPanel(QWidget):
    lorasChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["LoRA", "Weight"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        add = QPushButton("Add LoRA…")
        add.clicked.connect(self._choose)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.table.itemChanged.connect(lambda _item: self.lorasChanged.emit())

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Add LoRA", "", "LoRA (*.safetensors)")
        if path:
            self.add_lora(path)

    def add_lora(self, path: str, weight: float = 1.0) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        item = QTableWidgetItem(Path(path).stem)
        item.setToolTip(path)
        item.setData(Qt.ItemDataRole.UserRole, path)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        self.table.setItem(row, 0, item)
        spin = QDoubleSpinBox()
        spin.setRange(-2.0, 2.0)
        spin.setSingleStep(0.05)
        spin.setValue(weight)
        spin.valueChanged.connect(self.lorasChanged)
        self.table.setCellWidget(row, 1, spin)
        self.lorasChanged.emit()

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.lorasChanged.emit()

    def loras(self) -> list[LoraRef]:
        result = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            spin = self.table.cellWidget(row, 1)
            result.append(
                LoraRef(
                    item.data(Qt.ItemDataRole.UserRole),
                    spin.value(),
                    item.checkState() == Qt.CheckState.Checked,
                )
            )
        return result
