"""The Guides dock: reference images (IP-Adapter) and structure controls (ControlNets),
krita-ai-diffusion's "control layers" for the Prompt panel's generations.

A reference is an image file (drop one here) or a layer of the open sprite, with a
weight and style-only. A control is a type (pose, line art, edges, depth, tile,
scribble), a source (a file, a layer of the open sprite, or the pose layer), a
strength and the part of the steps it acts over. Layers are read when Generate is
pressed, on the UI thread (a snapshot); files are read by the job on its own thread.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.control import CONTROL_TYPES, ControlRef, ReferenceRef
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.pose_commands import pose_at

IMAGES = "Images (*.png *.gif *.webp *.jpg *.jpeg *.bmp)"
LAYER, POSE = "layer:", "pose-layer"


def _spin(low: float, high: float, value: float, step: float = 0.05) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setSingleStep(step)
    spin.setDecimals(2)
    spin.setValue(value)
    return spin


def _source_item(source: str) -> QTableWidgetItem:
    shown = source[len(LAYER):] + " (layer)" if source.startswith(LAYER) else (
        "pose layer" if source == POSE else Path(source).name)  # fmt: skip
    item = QTableWidgetItem(shown)
    item.setToolTip(source)
    item.setData(Qt.ItemDataRole.UserRole, source)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class GuidesPanel(QWidget):
    errorRaised = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.session = None  # set by the window: the open sprite (for its layers)
        self.references = QTableWidget(0, 3)
        self.references.setHorizontalHeaderLabels(["Reference", "Weight", "Style only"])
        self.controls = QTableWidget(0, 5)
        self.controls.setHorizontalHeaderLabels(["Control", "From", "Strength", "Start", "End"])
        for table in (self.references, self.controls):
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            table.verticalHeader().hide()
            table.setMinimumHeight(72)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(QLabel("References: the look to keep (drop images here)"))
        layout.addWidget(self.references)
        layout.addLayout(self._buttons((
            ("Add Image…", self._choose_reference), ("Use Layer", self._reference_layer),
            ("Remove", lambda: _remove(self.references)),
        )))  # fmt: skip
        layout.addWidget(QLabel("Controls: pose, line art, depth…"))
        layout.addWidget(self.controls)
        layout.addLayout(self._buttons((
            ("From File…", self._choose_control), ("From Layer", self._control_layer),
            ("Pose Layer", lambda: self.add_control("pose", POSE)),
            ("Remove", lambda: _remove(self.controls)),
        )))  # fmt: skip

    @staticmethod
    def _buttons(specs) -> QHBoxLayout:
        row = QHBoxLayout()
        for text, slot in specs:
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        return row

    # -- rows ---------------------------------------------------------------------
    def add_reference(self, source: str, weight: float = 0.6, style_only: bool = False) -> None:
        row = self.references.rowCount()
        self.references.insertRow(row)
        self.references.setItem(row, 0, _source_item(source))
        self.references.setCellWidget(row, 1, _spin(0, 2, weight))
        box = QCheckBox()
        box.setChecked(style_only)
        self.references.setCellWidget(row, 2, box)

    def add_control(self, kind: str, source: str, strength: float = 1.0, start: float = 0.0,
                    end: float = 1.0) -> None:  # fmt: skip
        row = self.controls.rowCount()
        self.controls.insertRow(row)
        combo = QComboBox()
        combo.addItems(list(CONTROL_TYPES))
        combo.setCurrentText(kind)
        self.controls.setCellWidget(row, 0, combo)
        self.controls.setItem(row, 1, _source_item(source))
        for column, spin in enumerate((_spin(0, 2, strength), _spin(0, 1, start),
                                       _spin(0, 1, end)), start=2):  # fmt: skip
            self.controls.setCellWidget(row, column, spin)

    def _choose_reference(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Reference image", "", IMAGES)
        if path:
            self.add_reference(path)

    def _choose_control(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Control image", "", IMAGES)
        if path:
            self.add_control("lineart", path)

    def _current_layer(self) -> str | None:
        """The active pixel layer's name (a pose layer has no pixels: said plainly)."""
        layer = self.session.layer if self.session is not None else None
        if layer is None:
            self.errorRaised.emit("Open a sprite first: its layer becomes the guide.")
            return None
        if layer.pose is not None:
            self.errorRaised.emit("That is the pose layer: pick a layer with pixels in the "
                                  "Layers panel, or use Pose Layer for a pose control.")  # fmt: skip
            return None
        return layer.name

    def set_session(self, session) -> None:
        """Guides that name the previous sprite's layers go with it."""
        if session is not self.session:
            for table, column in ((self.references, 0), (self.controls, 1)):
                for row in reversed(range(table.rowCount())):
                    if table.item(row, column).data(Qt.ItemDataRole.UserRole).startswith(LAYER):
                        table.removeRow(row)
        self.session = session

    def _reference_layer(self) -> None:
        name = self._current_layer()
        if name:
            self.add_reference(LAYER + name)

    def _control_layer(self) -> None:
        name = self._current_layer()
        if name:
            self.add_control("lineart", LAYER + name)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.add_reference(url.toLocalFile())

    # -- what Generate uses -----------------------------------------------------------
    def guides(self) -> tuple[list[ReferenceRef], list[ControlRef]]:
        refs = [ReferenceRef(self._source(self.references, r),
                             self.references.cellWidget(r, 1).value(),
                             self.references.cellWidget(r, 2).isChecked())
                for r in range(self.references.rowCount())]  # fmt: skip
        controls = []
        for r in range(self.controls.rowCount()):
            cell, source = self.controls.cellWidget, self._source(self.controls, r)
            control = ControlRef(cell(r, 0).currentText(), source, cell(r, 2).value(),
                                 cell(r, 3).value(), cell(r, 4).value())  # fmt: skip
            if source == POSE:  # the skeleton itself goes into the request: it can be redone
                control.image, control.pose = "", "points:" + json.dumps(self._pose_points())
            controls.append(control)
        return refs, controls

    def _pose_points(self) -> list:
        found = pose_at(self.session.sprite, self.session.frame_index) if self.session else None
        if found is None:
            raise InvalidInputError("The pose control needs a visible pose layer with a skeleton "
                                    "on this frame (Animation ▸ Add Pose Layer…).")  # fmt: skip
        return [list(p) if p else None for p in found[1]]

    @staticmethod
    def _source(table: QTableWidget, row: int) -> str:
        return table.item(row, 1 if table.columnCount() == 5 else 0).data(Qt.ItemDataRole.UserRole)

    def snapshot(self, width: int, height: int) -> dict[str, np.ndarray]:
        """The pixels of every layer and pose-layer source, taken now (UI thread)."""
        refs, controls = self.guides()
        wanted = {s for s in [r.path for r in refs] + [c.image for c in controls]
                  if s.startswith(LAYER)}  # fmt: skip
        if not wanted:
            return {}
        if self.session is None:
            raise InvalidInputError("A guide uses a layer: open the sprite it belongs to.")
        sprite, frame = self.session.sprite, self.session.frame_index
        out = {}
        for source in wanted:
            layer = next((la for la in sprite.layers if la.name == source[len(LAYER) :]), None)
            cel = sprite.cel(layer.id, sprite.frames[frame].id) if layer else None
            if cel is None or not cel.image[..., 3].any():
                raise InvalidInputError(
                    f"The layer '{source[len(LAYER) :]}' is empty on this frame."
                )
            out[source] = cel.image.copy()
        return out


def _remove(table: QTableWidget) -> None:
    rows = sorted({i.row() for i in table.selectedIndexes()}, reverse=True)
    for row in rows or ([table.rowCount() - 1] if table.rowCount() else []):
        table.removeRow(row)
