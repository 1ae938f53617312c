"""Palette dock: the document palette as swatches; left click picks the primary
colour, right click the secondary."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.session import Session

SWATCH = 18


class SwatchGrid(QWidget):
    picked = Signal(object, bool)  # (r, g, b, a), primary?

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors: list[tuple[int, int, int, int]] = []
        self.setMinimumHeight(SWATCH * 2)

    def columns(self) -> int:
        return max(1, self.width() // SWATCH)

    def sizeHint(self) -> QSize:  # noqa: N802
        rows = (len(self.colors) + 7) // 8
        return QSize(8 * SWATCH, max(1, rows) * SWATCH)

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return max(1, -(-len(self.colors) // max(1, width // SWATCH))) * SWATCH

    def set_colors(self, colors: list[tuple[int, int, int, int]]) -> None:
        self.colors = list(colors)
        self.setMinimumHeight(self.heightForWidth(max(self.width(), 8 * SWATCH)))
        self.update()

    def index_at(self, x: int, y: int) -> int:
        index = (y // SWATCH) * self.columns() + x // SWATCH
        return index if 0 <= x < self.columns() * SWATCH and index < len(self.colors) else -1

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        cols = self.columns()
        for i, (r, g, b, a) in enumerate(self.colors):
            x, y = (i % cols) * SWATCH, (i // cols) * SWATCH
            painter.fillRect(x, y, SWATCH - 1, SWATCH - 1, QColor(r, g, b, a))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        index = self.index_at(int(event.position().x()), int(event.position().y()))
        if index >= 0:
            self.picked.emit(self.colors[index], event.button() != Qt.MouseButton.RightButton)


class PalettePanel(QWidget):
    colorPicked = Signal(object, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: Session | None = None
        self.title = QLabel()
        self.grid = SwatchGrid()
        self.grid.picked.connect(self.colorPicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.grid)
        layout.addStretch(1)

    def set_session(self, session: Session | None) -> None:
        if self.session is not None:
            self.session.sprite.events.disconnect(self._on_change)
        self.session = session
        if session is not None:
            session.sprite.events.connect(self._on_change)
        self.rebuild()

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.PALETTE:
            self.rebuild()

    def rebuild(self) -> None:
        palette = self.session.sprite.palette if self.session else None
        self.grid.set_colors(palette.colors if palette else [])
        if palette is None:
            self.title.setText("")
        else:
            self.title.setText(f"{palette.name or 'Palette'} · {len(palette)} colours")
