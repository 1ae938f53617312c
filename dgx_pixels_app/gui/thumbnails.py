"""Crisp thumbnails of sprite images for lists, strips and the timeline."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap

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
