"""Layers dock: the current frame's layers, top layer first, with visibility toggles."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.commands import InsertLayer, RemoveLayer, SetLayerProperties
from dgx_pixels_app.core.document import Layer
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.session import Session


class LayersPanel(QWidget):
    errorRaised = Signal(str)
    currentLayerChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: Session | None = None
        self.list = QListWidget()
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.currentRowChanged.connect(self._on_row_changed)
        add = QPushButton("New")
        add.setToolTip("New layer above the current one (Shift+N)")
        add.clicked.connect(self.add_layer)
        remove = QPushButton("Delete")
        remove.clicked.connect(self.remove_layer)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self._updating = False

    def set_session(self, session: Session | None) -> None:
        if self.session is not None:
            self.session.sprite.events.disconnect(self._on_change)
        self.session = session
        if session is not None:
            session.sprite.events.connect(self._on_change)
        self.rebuild()

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.LAYERS:
            self.rebuild()

    def rebuild(self) -> None:
        self._updating = True
        self.list.clear()
        if self.session is not None:
            layers = self.session.sprite.layers
            for layer in reversed(layers):
                item = QListWidgetItem(layer.name + ("  🔒" if layer.locked else ""))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked
                )
                item.setData(Qt.ItemDataRole.UserRole, layer.id)
                item.setToolTip("Tick to show, untick to hide")
                self.list.addItem(item)
            self.list.setCurrentRow(len(layers) - 1 - self.session.layer_index)
        self._updating = False

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._updating or self.session is None:
            return
        visible = item.checkState() == Qt.CheckState.Checked
        layer_id = item.data(Qt.ItemDataRole.UserRole)
        if self.session.sprite.layer(layer_id).visible != visible:
            self._push(SetLayerProperties(layer_id, visible=visible, label="Layer Visibility"))

    def _on_row_changed(self, row: int) -> None:
        if self._updating or self.session is None or row < 0:
            return
        self.session.layer_index = len(self.session.sprite.layers) - 1 - row
        self.currentLayerChanged.emit()

    def add_layer(self) -> None:
        if self.session is None:
            return
        index = self.session.layer_index + 1
        self._push(InsertLayer(index, Layer(f"Layer {len(self.session.sprite.layers) + 1}")))
        self.session.layer_index = index
        self.rebuild()

    def remove_layer(self) -> None:
        if self.session is not None:
            self._push(RemoveLayer(self.session.layer.id))

    def _push(self, command) -> None:
        try:
            self.session.history.push(command)
        except DgxPixelsError as exc:
            self.errorRaised.emit(str(exc))
