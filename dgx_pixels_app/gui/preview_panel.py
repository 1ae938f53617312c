"""Preview dock: the current (or playing) frame at 1x, 2x or 4x, as the game shows it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget


class _Pixels(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.scale = 2
        self._data = None
        self._image = QImage()
        self.setMinimumSize(96, 96)

    def set_image(self, rgba: np.ndarray | None) -> None:
        if rgba is None:
            self._data, self._image = None, QImage()
        else:
            self._data = np.ascontiguousarray(rgba)
            h, w = self._data.shape[:2]
            self._image = QImage(self._data.data, w, h, w * 4, QImage.Format.Format_RGBA8888)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0x3A, 0x3A, 0x40))
        if self._image.isNull():
            return
        w, h = self._image.width() * self.scale, self._image.height() * self.scale
        target = QRect((self.width() - w) // 2, (self.height() - h) // 2, w, h)
        painter.drawImage(target, self._image)


class PreviewPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = None
        self.scale = QComboBox()
        for n in (1, 2, 4):
            self.scale.addItem(f"{n}×", n)
        self.scale.setCurrentIndex(1)
        self.view = _Pixels()
        self.scale.currentIndexChanged.connect(self._on_scale)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.scale)
        layout.addWidget(self.view, 1)

    def _on_scale(self) -> None:
        self.view.scale = self.scale.currentData()
        self.view.update()

    def set_session(self, session) -> None:
        self.session = session
        self.show_frame(session.frame_index if session else None)

    def show_frame(self, index: int | None) -> None:
        if self.session is None or index is None:
            self.view.set_image(None)
        else:
            self.view.set_image(self.session.sprite.composite(index))
