"""Results dock: every generated image with its settings; one click puts it into the
document (pixelized by default) as a new layer, or opens it as a new sprite."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.gui.thumbnails import thumbnail

THUMB = 96
MAX_RESULTS = 64  # older results are dropped so memory stays bounded


@dataclass
class ResultItem:
    image: np.ndarray
    request: GenerationRequest
    selection: object = None  # the part of the sprite an image-to-image or inpaint was for


def describe(request: GenerationRequest) -> str:
    loras = (
        ", ".join(
            f"{lr.path.rsplit('/', 1)[-1]}×{lr.weight:g}" for lr in request.loras if lr.enabled
        )
        or "none"
    )
    return (
        f"{request.extra.get('subject') or request.prompt}\nseed {request.seed} · {request.steps} steps · "
        f"CFG {request.cfg:g} · {request.scheduler or 'euler'} · {request.width}×{request.height} · {request.mode}\n"
        f"LoRAs: {loras}"
    )


class ResultsPanel(QWidget):
    addAsLayer = Signal(object, bool)  # ResultItem, pixelize?
    openAsSprite = Signal(object, bool)
    addAsFrame = Signal(object, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[ResultItem] = []
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setSpacing(4)
        self.list.itemDoubleClicked.connect(lambda _item: self._add())
        self.pixelize = QCheckBox("Pixelize")
        self.pixelize.setChecked(True)
        self.pixelize.setToolTip(
            "Turn the result into true pixel art when it goes into the document"
        )
        add = QPushButton("Add as Layer")
        add.clicked.connect(self._add)
        as_frame = QPushButton("Add as Frame")
        as_frame.setToolTip("A new frame after the current one, snapped to the sprite's palette")
        as_frame.clicked.connect(
            lambda: (
                self.current() and self.addAsFrame.emit(self.current(), self.pixelize.isChecked())
            )
        )
        new = QPushButton("Open as Sprite")
        new.clicked.connect(self._open)
        clear = QPushButton("Clear")
        clear.clicked.connect(self.clear)
        row = QHBoxLayout()
        for widget in (self.pixelize, add, as_frame):
            row.addWidget(widget)
        row2 = QHBoxLayout()
        for widget in (new, clear):
            row2.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addLayout(row2)

    def add_results(
        self, images: list[np.ndarray], requests: list[GenerationRequest], selection=None
    ) -> None:
        for image, request in zip(images, requests, strict=True):
            result = ResultItem(image, request, selection)
            self.items.insert(0, result)
            item = QListWidgetItem(QIcon(thumbnail(image, THUMB)), f"seed {request.seed}")
            item.setToolTip(describe(request))
            item.setData(Qt.ItemDataRole.UserRole, id(result))
            self.list.insertItem(0, item)
        while len(self.items) > MAX_RESULTS:
            self.items.pop()
            self.list.takeItem(self.list.count() - 1)
        self.list.setCurrentRow(0)

    def current(self) -> ResultItem | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _add(self) -> None:
        item = self.current()
        if item is not None:
            self.addAsLayer.emit(item, self.pixelize.isChecked())

    def _open(self) -> None:
        item = self.current()
        if item is not None:
            self.openAsSprite.emit(item, self.pixelize.isChecked())

    def clear(self) -> None:
        self.items.clear()
        self.list.clear()
