"""Layers dock: top layer first, each group above its indented layers. Tick to show;
double-click to rename; drag to reorder; lock, opacity, blend mode, new, duplicate,
delete and merge down, all undoable."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.blend import MODES
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
        self.blend = QComboBox()
        self.blend.setToolTip("Blend mode: how the layer mixes with what is below it")
        for mode in MODES:
            self.blend.addItem(mode.title(), mode)
        self.blend.activated.connect(self._on_blend)
        row = QHBoxLayout()
        row.addWidget(self.lock)
        row.addWidget(self.opacity, 1)
        row.addWidget(self.blend)
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

    def _order(self) -> list[int]:
        return self.session.sprite.display_order() if self.session is not None else []

    def rebuild(self) -> None:
        self._updating = True
        self.list.clear()
        if self.session is not None:
            layers = self.session.sprite.layers
            for index in self._order():
                self.list.addItem(self._item(layers[index]))
            current = self.session.sprite.layer_index(self.session.layer.id)  # clamped
            self.list.setCurrentRow(self._order().index(current))
            self._show_current()
        self._updating = False

    def _item(self, layer: Layer) -> QListWidgetItem:
        item = QListWidgetItem(_label(layer))
        item.setFlags(
            item.flags()
            | Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemIsDragEnabled
        )
        item.setCheckState(Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
        item.setData(Qt.ItemDataRole.UserRole, layer.id)
        extras = [
            "group" if layer.group else "",
            "locked" if layer.locked else "",
            f"{round(layer.opacity / 2.55)}%" if layer.opacity < 255 else "",
            layer.blend.title() if layer.blend != "normal" else "",
        ]
        item.setToolTip(
            " · ".join(e for e in extras if e)
            or "Tick to show, double-click to rename, drag to reorder"
        )
        return item

    def _show_current(self) -> None:
        current = self.session.layer
        self.opacity.setValue(current.opacity)
        self.lock.setChecked(current.locked)
        self.blend.setCurrentIndex(max(0, self.blend.findData(current.blend)))

    def _layer_id(self, item: QListWidgetItem) -> int:
        return item.data(Qt.ItemDataRole.UserRole)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._updating or self.session is None:
            return
        layer = self.session.sprite.layer(self._layer_id(item))
        visible = item.checkState() == Qt.CheckState.Checked
        name = _name(item.text())
        if layer.visible != visible:
            self._push(SetLayerProperties(layer.id, visible=visible, label="Layer Visibility"))
        elif name and name != layer.name:
            self._push(SetLayerProperties(layer.id, name=name, label="Rename Layer"))
        elif not name:
            self.rebuild()

    def _on_rows_moved(self, _parent, start: int, _end: int, _dest, row: int) -> None:
        if self._updating or self.session is None:
            return
        sprite, order = self.session.sprite, self._order()
        to_row = row - 1 if row > start else row
        moved, target = order[start], order[to_row]
        layer_id = sprite.layers[moved].id
        size = sprite.group_end(moved) - moved
        if to_row < start:  # up: just above the row dropped on (above a whole group)
            at = sprite.group_end(target) - (size if target > moved else 0)
        else:  # down: just below it
            at = target - (size if target > moved else 0)
        self._push(MoveLayer(layer_id, at, level=sprite.layers[target].level))
        self.session.layer_index = self.session.sprite.layer_index(layer_id)
        self.rebuild()

    def _on_row_changed(self, row: int) -> None:
        if self._updating or self.session is None or row < 0:
            return
        self.session.layer_index = self._order()[row]
        self._updating = True
        self._show_current()
        self._updating = False
        self.currentLayerChanged.emit()

    def _on_blend(self, _index: int) -> None:
        mode = self.blend.currentData()
        if self.session is not None and not self._updating and mode != self.session.layer.blend:
            self._push(SetLayerProperties(self.session.layer.id, blend=mode, label="Blend Mode"))

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
        current = self.session.layer  # the new layer goes beside it (first inside a group)
        level = current.level + (1 if current.group else 0)
        self.session.layer_index = index
        name = f"Layer {sum(not la.group for la in self.session.sprite.layers) + 1}"
        self._push(InsertLayer(index, Layer(name, level=level)))

    def duplicate_layer(self) -> None:
        if self.session is None:
            return
        try:
            command = duplicate_layer_command(self.session.sprite, self.session.layer.id)
        except DgxPixelsError as exc:
            self.errorRaised.emit(str(exc))
            return
        self.session.layer_index += 1
        self._push(command)

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


def _label(layer: Layer) -> str:
    indent = "    " * layer.level
    text = f"{indent}▾ {layer.name}" if layer.group else f"{indent}{layer.name}"
    return f"{text}  [locked]" if layer.locked else text


def _name(text: str) -> str:
    return text.replace("  [locked]", "").strip().removeprefix("▾ ").strip()
