"""File > New: a size preset (from presets/new-sprite-sizes.toml) or a custom size."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from dgx_pixels_app.core.limits import MAX_SIDE
from dgx_pixels_app.resources import new_sprite_sizes

CUSTOM = "Custom…"


class NewSpriteDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Sprite")
        sizes, default = new_sprite_sizes()
        self.preset = QComboBox()
        for label, w, h in sizes:
            self.preset.addItem(label, (w, h))
        self.preset.addItem(CUSTOM, None)
        self.width_box = QSpinBox()
        self.height_box = QSpinBox()
        for box in (self.width_box, self.height_box):
            box.setRange(1, MAX_SIDE)
            box.setSuffix(" px")
        self.preset.currentIndexChanged.connect(self._on_preset)
        self.width_box.valueChanged.connect(self._sync_preset)
        self.height_box.valueChanged.connect(self._sync_preset)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Size", self.preset)
        form.addRow("Width", self.width_box)
        form.addRow("Height", self.height_box)
        form.addRow(buttons)
        index = next((i for i, (_l, w, _h) in enumerate(sizes) if w == default), 0)
        self.preset.setCurrentIndex(index)
        self._on_preset(index)

    def _on_preset(self, index: int) -> None:
        size = self.preset.itemData(index)
        if size:
            self.width_box.blockSignals(True)
            self.height_box.blockSignals(True)
            self.width_box.setValue(size[0])
            self.height_box.setValue(size[1])
            self.width_box.blockSignals(False)
            self.height_box.blockSignals(False)

    def _sync_preset(self) -> None:
        size = (self.width_box.value(), self.height_box.value())
        for i in range(self.preset.count()):
            if self.preset.itemData(i) == size:
                self.preset.setCurrentIndex(i)
                return
        self.preset.setCurrentIndex(self.preset.count() - 1)

    def chosen_size(self) -> tuple[int, int]:
        return self.width_box.value(), self.height_box.value()
