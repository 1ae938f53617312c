"""A read-only, nearest-neighbour image preview on a checkerboard (dialogs, results)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget


class ImageView(QWidget):
    clicked = Signal(int, int, object)  # image x, y and the Qt keyboard modifiers

    def __init__(self, parent: QWidget | None = None, placeholder: str = "") -> None:
        super().__init__(parent)
        self._overlay = QImage()
        self._overlay_data: np.ndarray | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 160)
        self.placeholder = placeholder
        self.fixed_scale: int | None = None  # None: fit the widget; else exactly N x
        self._data: np.ndarray | None = None
        self._image = QImage()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, 320)

    def set_image(self, rgba: np.ndarray | None) -> None:
        if rgba is None:
            self._data, self._image = None, QImage()
        else:
            self._data = np.ascontiguousarray(rgba)
            h, w = self._data.shape[:2]
            self._image = QImage(self._data.data, w, h, w * 4, QImage.Format.Format_RGBA8888)
        self.update()

    def set_overlay(self, mask: np.ndarray | None, rgba=(255, 0, 200, 120)) -> None:
        """Tint the pixels where ``mask`` is true (same size as the image), or clear."""
        if mask is None:
            self._overlay_data, self._overlay = None, QImage()
        else:
            h, w = mask.shape
            data = np.zeros((h, w, 4), np.uint8)
            data[mask] = rgba
            self._overlay_data = data
            self._overlay = QImage(data.data, w, h, w * 4, QImage.Format.Format_RGBA8888)
        self.update()

    def image_point(self, pos: QPoint) -> tuple[int, int] | None:
        """The image pixel under a widget position, or None outside the image."""
        if self._image.isNull():
            return None
        target = self.target_rect()
        if not target.contains(pos):
            return None
        x = (pos.x() - target.left()) * self._image.width() // max(1, target.width())
        y = (pos.y() - target.top()) * self._image.height() // max(1, target.height())
        return min(x, self._image.width() - 1), min(y, self._image.height() - 1)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        point = self.image_point(event.position().toPoint())
        if point is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(point[0], point[1], event.modifiers())
        super().mousePressEvent(event)

    def target_rect(self) -> QRect:
        w, h = self._image.width(), self._image.height()
        if self.fixed_scale:
            tw, th = w * self.fixed_scale, h * self.fixed_scale
            return QRect((self.width() - tw) // 2, (self.height() - th) // 2, tw, th)
        scale = max(1, min(self.width() // max(w, 1), self.height() // max(h, 1)))
        if scale == 1 and (w > self.width() or h > self.height()):
            ratio = min(self.width() / w, self.height() / h)
            tw, th = int(w * ratio), int(h * ratio)
        else:
            tw, th = w * scale, h * scale
        return QRect((self.width() - tw) // 2, (self.height() - th) // 2, tw, th)

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0x2B, 0x2B, 0x30))
        if self._image.isNull():
            painter.setPen(QColor(0xAA, 0xAA, 0xAA))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            return
        target = self.target_rect()
        size = 8
        painter.fillRect(target, QColor(0xCC, 0xCC, 0xCC))
        for y in range(target.top(), target.bottom(), size):
            for x in range(
                target.left() + ((y - target.top()) // size % 2) * size, target.right(), 2 * size
            ):
                painter.fillRect(
                    QRect(x, y, size, size).intersected(target), QColor(0x99, 0x99, 0x99)
                )
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(target, self._image)
        if not self._overlay.isNull() and self._overlay.size() == self._image.size():
            painter.drawImage(target, self._overlay)
