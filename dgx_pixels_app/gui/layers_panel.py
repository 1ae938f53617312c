"""Layers dock: top layer first. Tick to show; double-click to rename; drag to reorder;
lock, opacity, new, duplicate, delete and merge down, all undoable."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.document import Layer
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.layer_commands import (
    InsertLayer,
    MoveLayer,
    RemoveLayer,
    SetLayerProperties,
    duplicate_layer_command,
    merge_down_command,
)
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.gui.observer import SessionObserver


class LayersPanel(SessionObserver, QWidget):
    errorRaised = Signal(str)
    currentLayerChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: Session | None = None
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.currentRowChanged.connect(self._on_row_changed)
        self.list.model().rowsMoved.connect(self._on_rows_moved)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 255)
        self.opacity.setToolTip("Layer opacity")
        self.opacity.sliderReleased.connect(self._on_opacity)
        self.lock = QToolButton()
        self.lock.setText("Lock")
        self.lock.setCheckable(True)
        self.lock.setToolTip("Lock the layer against edits")
        self.lock.toggled.connect(self._on_lock)
        row = QHBoxLayout()
        row.addWidget(self.lock)
        row.addWidget(self.opacity, 1)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for text, tip, slot in (
            ("New", "New layer above the current one", self.add_layer),
            ("Copy", "Duplicate the layer", self.duplicate_layer),
            ("Merge", "Merge down into the layer below", self.merge_down),
            ("Delete", "Delete the layer", self.remove_layer),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addLayout(buttons)
        self._updating = False

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.LAYERS:
            self.rebuild()

    def rebuild(self) -> None:
        self._updating = True
        self.list.clear()
        if self.session is not None:
            layers = self.session.sprite.layers
            for layer in reversed(layers):
                item = QListWidgetItem(layer.name)
                item.setFlags(
                    item.flags()
                    | Qt.ItemFlag.ItemIsUserCheckable
                    | Qt.ItemFlag.ItemIsEditable
                    | Qt.ItemFlag.ItemIsDragEnabled
                )
                item.setCheckState(
                    Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked
                )
                item.setData(Qt.ItemDataRole.UserRole, layer.id)
                extras = [
                    "locked" if layer.locked else "",
                    f"{round(layer.opacity / 2.55)}%" if layer.opacity < 255 else "",
                ]
                item.setToolTip(
                    " · ".join(e for e in extras if e)
                    or "Tick to show, double-click to rename, drag to reorder"
                )
                if layer.locked:
                    item.setText(f"{layer.name}  [locked]")
                self.list.addItem(item)
            self.list.setCurrentRow(len(layers) - 1 - self.session.layer_index)
            current = self.session.layer
            self.opacity.setValue(current.opacity)
            self.lock.setChecked(current.locked)
        self._updating = False

    def _layer_id(self, item: QListWidgetItem) -> int:
        return item.data(Qt.ItemDataRole.UserRole)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._updating or self.session is None:
            return
        layer = self.session.sprite.layer(self._layer_id(item))
        visible = item.checkState() == Qt.CheckState.Checked
        name = item.text().replace("  [locked]", "").strip()
        if layer.visible != visible:
            self._push(SetLayerProperties(layer.id, visible=visible, label="Layer Visibility"))
        elif name and name != layer.name:
            self._push(SetLayerProperties(layer.id, name=name, label="Rename Layer"))
        elif not name:
            self.rebuild()

    def _on_rows_moved(self, _parent, start: int, _end: int, _dest, row: int) -> None:
        if self._updating or self.session is None:
            return
        count = len(self.session.sprite.layers)
        to_row = row - 1 if row > start else row
        layer_id = self.session.sprite.layers[count - 1 - start].id
        self.session.layer_index = count - 1 - to_row
        self._push(MoveLayer(layer_id, count - 1 - to_row))

    def _on_row_changed(self, row: int) -> None:
        if self._updating or self.session is None or row < 0:
            return
        self.session.layer_index = len(self.session.sprite.layers) - 1 - row
        layer = self.session.layer
        self._updating = True
        self.opacity.setValue(layer.opacity)
        self.lock.setChecked(layer.locked)
        self._updating = False
        self.currentLayerChanged.emit()

    def _on_opacity(self) -> None:
        if (
            self.session is not None
            and not self._updating
            and self.opacity.value() != self.session.layer.opacity
        ):
            self._push(
                SetLayerProperties(
                    self.session.layer.id, opacity=self.opacity.value(), label="Layer Opacity"
                )
            )

    def _on_lock(self, locked: bool) -> None:
        if self.session is not None and not self._updating and locked != self.session.layer.locked:
            self._push(
                SetLayerProperties(
                    self.session.layer.id,
                    locked=locked,
                    label="Lock Layer" if locked else "Unlock Layer",
                )
            )

    def add_layer(self) -> None:
        if self.session is None:
            return
        index = self.session.layer_index + 1
        self.session.layer_index = index
        self._push(InsertLayer(index, Layer(f"Layer {len(self.session.sprite.layers) + 1}")))

    def duplicate_layer(self) -> None:
        if self.session is not None:
            self.session.layer_index += 1
            self._push(
                duplicate_layer_command(
                    self.session.sprite, self.session.sprite.layers[self.session.layer_index - 1].id
                )
            )

    def merge_down(self) -> None:
        if self.session is None:
            return
        try:
            command = merge_down_command(self.session.sprite, self.session.layer.id)
        except DgxPixelsError as exc:
            self.errorRaised.emit(str(exc))
            return
        self.session.layer_index = max(0, self.session.layer_index - 1)
        self._push(command)

    def remove_layer(self) -> None:
        if self.session is not None:
            layer_id = self.session.layer.id
            self.session.layer_index = max(0, self.session.layer_index - 1)
            self._push(RemoveLayer(layer_id))
