"""The canvas with scroll bars that follow zoom and pan (and pan it when dragged)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QGridLayout, QScrollBar, QWidget

from dgx_pixels_app.gui.canvas import CanvasView

MARGIN = 64  # screen pixels of room around the sprite


class CanvasArea(QWidget):
    def __init__(self, canvas: CanvasView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.hbar = QScrollBar(Qt.Orientation.Horizontal)
        self.vbar = QScrollBar(Qt.Orientation.Vertical)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(canvas, 0, 0)
        layout.addWidget(self.vbar, 0, 1)
        layout.addWidget(self.hbar, 1, 0)
        self._syncing = False
        canvas.viewChanged.connect(self.sync)
        self.hbar.valueChanged.connect(self._scrolled)
        self.vbar.valueChanged.connect(self._scrolled)

    def sync(self) -> None:
        """Scroll bars from the canvas: the sprite's extent plus a margin."""
        session = self.canvas.session
        if session is None:
            return
        self._syncing = True
        sprite, z = session.sprite, self.canvas.zoom
        for bar, extent, view, offset in (
            (self.hbar, sprite.width * z, self.canvas.width(), self.canvas.offset.x()),
            (self.vbar, sprite.height * z, self.canvas.height(), self.canvas.offset.y()),
        ):
            low, high = -MARGIN, int(max(extent + MARGIN - view, -MARGIN))
            bar.setRange(min(low, int(-offset)), max(high, int(-offset)))
            bar.setPageStep(max(1, view))
            bar.setValue(int(-offset))
        self._syncing = False

    def _scrolled(self) -> None:
        if not self._syncing:
            self.canvas.offset = QPointF(-self.hbar.value(), -self.vbar.value())
            self.canvas.update()
