"""One small dialog for every Sprite-menu operation, built from a list of fields (data,
not a dialog class per operation), with a live preview of the current cel for the
pixel operations: the preview follows each change of a value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QAction, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.gui.image_view import ImageView

PREVIEW_MAX_PIXELS = 512 * 512  # larger cels: no live preview (the result is still exact)

SCOPE_CHOICES = [("cel", "This cel"), ("layer", "All frames of this layer"),
                 ("frame", "All layers of this frame"), ("all", "Everything")]  # fmt: skip


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str  # int, float, choice, color, bool, text
    default: object = None
    low: float = 0
    high: float = 100
    choices: tuple = ()  # (value, text) pairs


class TouchupDialog(QDialog):
    def __init__(self, title: str, fields: list[Field], source: np.ndarray | None = None,
                 apply: Callable[[np.ndarray, dict], np.ndarray] | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(title)
        self.fields, self.source, self.apply = fields, source, apply
        self.widgets = {field.key: self._widget(field) for field in fields}
        form = QFormLayout()
        for field in fields:
            form.addRow(field.label, self.widgets[field.key])
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)  # fmt: skip
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.problem)
        left.addStretch(1)
        left.addWidget(buttons)
        row = QHBoxLayout(self)
        row.addLayout(left)
        self.preview = None
        if source is not None and apply is not None and source[..., 0].size <= PREVIEW_MAX_PIXELS:
            self.preview = ImageView(placeholder="")
            self.preview.setMinimumSize(200, 200)
            row.addWidget(self.preview, 1)
        self.refresh()

    def _widget(self, field: Field) -> QWidget:
        if field.kind == "int":
            widget = QSpinBox()
            widget.setRange(int(field.low), int(field.high))
            widget.setValue(int(field.default or 0))
            widget.valueChanged.connect(self.refresh)
        elif field.kind == "float":
            widget = QDoubleSpinBox()
            widget.setRange(field.low, field.high)
            widget.setValue(float(field.default or 0))
            widget.valueChanged.connect(self.refresh)
        elif field.kind == "choice":
            widget = QComboBox()
            for value, text in field.choices:
                widget.addItem(text, value)
            widget.setCurrentIndex(max(0, widget.findData(field.default)))
            widget.currentIndexChanged.connect(self.refresh)
        elif field.kind == "bool":
            widget = QCheckBox()
            widget.setChecked(bool(field.default))
            widget.toggled.connect(self.refresh)
        elif field.kind == "text":
            widget = QLineEdit(str(field.default or ""))
            widget.setMaxLength(400)
            widget.textChanged.connect(self.refresh)
        else:  # a colour as #rrggbb (the primary or secondary colour by default)
            widget = QLineEdit(QColor(*field.default[:3]).name() if field.default else "#000000")
            widget.setInputMask("\\#HHHHHH")
            widget.textChanged.connect(self.refresh)
            widget.addAction(self._picker(widget), QLineEdit.ActionPosition.TrailingPosition)
        return widget

    def _picker(self, line: QLineEdit) -> QAction:
        """A swatch of the colour in the field; click it to choose one (Qt's colour dialog,
        with the screen picker to take one from the sprite)."""
        action = QAction(self)

        def show() -> None:
            pixmap = QPixmap(14, 14)
            pixmap.fill(QColor(line.text()))
            action.setIcon(QIcon(pixmap))

        def choose() -> None:
            color = QColorDialog.getColor(QColor(line.text()), self, "Colour")
            if color.isValid():
                line.setText(color.name())

        action.setToolTip("Choose a colour")
        action.triggered.connect(choose)
        line.textChanged.connect(show)
        show()
        return action

    def values(self) -> dict:
        out = {}
        for field in self.fields:
            widget = self.widgets[field.key]
            if field.kind in ("int", "float"):
                out[field.key] = widget.value()
            elif field.kind == "choice":
                out[field.key] = widget.currentData()
            elif field.kind == "bool":
                out[field.key] = widget.isChecked()
            elif field.kind == "text":
                out[field.key] = widget.text()
            else:
                color = QColor(widget.text())
                out[field.key] = (color.red(), color.green(), color.blue(), 255)
        return out

    def refresh(self) -> None:
        """The preview with the values now; a value the operation refuses is said and OK
        waits for a good one."""
        if self.apply is None or self.source is None:
            return
        try:
            result = self.apply(self.source, self.values())
        except DgxPixelsError as exc:
            self.problem.setText(str(exc))
            self.ok.setEnabled(False)
            return
        self.problem.clear()
        self.ok.setEnabled(True)
        if self.preview is not None:
            self.preview.set_image(result)
