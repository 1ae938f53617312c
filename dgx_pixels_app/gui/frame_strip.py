"""The frame strip along the bottom: one thumbnail per frame, with its duration."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from dgx_pixels_app.core.commands import InsertFrame
from dgx_pixels_app.core.document import Frame
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.session import Session

THUMB = 48


def thumbnail(rgba: np.ndarray, size: int = THUMB) -> QPixmap:
    """A frame scaled nearest-neighbour onto a neutral square, so pixel art stays crisp."""
    h, w = rgba.shape[:2]
    data = np.ascontiguousarray(rgba)
    image = QImage(data.data, w, h, w * 4, QImage.Format.Format_RGBA8888)
    scaled = image.scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
    )
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0xC8, 0xC8, 0xC8))
    painter = QPainter(pixmap)
    painter.drawImage((size - scaled.width()) // 2, (size - scaled.height()) // 2, scaled)
    painter.end()
    return pixmap


class FrameStrip(QWidget):
    frameSelected = Signal(int)
    errorRaised = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: Session | None = None
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setFixedHeight(THUMB + 40)
        self.list.setMovement(QListView.Movement.Static)
        self.list.currentRowChanged.connect(self._on_row)
        add = QPushButton("+ Frame")
        add.setToolTip("New frame after the current one (Alt+N)")
        add.clicked.connect(self.add_frame)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.list, 1)
        layout.addWidget(add)
        self._updating = False

    def set_session(self, session: Session | None) -> None:
        if self.session is not None:
            self.session.sprite.events.disconnect(self._on_change)
        self.session = session
        if session is not None:
            session.sprite.events.connect(self._on_change)
        self.rebuild()

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.FRAMES or change.kind == ChangeKind.LAYERS:
            self.rebuild()
        elif change.kind == ChangeKind.PIXELS and self.session is not None:
            for i, frame in enumerate(self.session.sprite.frames):
                if change.frame_id in (None, frame.id) and i < self.list.count():
                    self.list.item(i).setIcon(QIcon(thumbnail(self.session.sprite.composite(i))))

    def rebuild(self) -> None:
        self._updating = True
        self.list.clear()
        if self.session is not None:
            sprite = self.session.sprite
            for i, frame in enumerate(sprite.frames):
                item = QListWidgetItem(
                    QIcon(thumbnail(sprite.composite(i))), f"{i + 1} · {frame.duration_ms} ms"
                )
                item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
                self.list.addItem(item)
            self.list.setCurrentRow(self.session.frame_index)
        self._updating = False

    def _on_row(self, row: int) -> None:
        if not self._updating and self.session is not None and row >= 0:
            self.session.frame_index = row
            self.frameSelected.emit(row)

    def add_frame(self) -> None:
        if self.session is None:
            return
        index = self.session.frame_index + 1
        duration = self.session.frame.duration_ms
        try:
            self.session.history.push(InsertFrame(index, Frame(duration)))
        except DgxPixelsError as exc:
            self.errorRaised.emit(str(exc))
            return
        self.session.frame_index = index
        self.rebuild()
        self.frameSelected.emit(index)
