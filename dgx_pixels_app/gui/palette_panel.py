"""Palette dock: the document palette as swatches. Left click picks the primary
colour, right click the secondary; add, edit (double-click), remove and reorder
swatches; load and save .gpl/.hex/.pal; switch to a built-in palette. Every change is
one undoable SetPalette."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.commands import SetPalette
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.formats.palettes import PALETTE_FILTER, load_palette, save_palette
from dgx_pixels_app.gui.observer import SessionObserver
from dgx_pixels_app.resources import builtin_palettes

SWATCH = 18


class SwatchGrid(QWidget):
    picked = Signal(object, bool)  # (r, g, b, a), primary?
    edit = Signal(int)
    moved = Signal(int, int)  # a swatch dragged from one index to another

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors: list[tuple[int, int, int, int]] = []
        self.selected = -1
        self.setMinimumHeight(SWATCH * 2)

    def columns(self) -> int:
        return max(1, self.width() // SWATCH)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(8 * SWATCH, max(1, (len(self.colors) + 7) // 8) * SWATCH)

    def set_colors(self, colors) -> None:
        self.colors = list(colors)
        self.selected = min(self.selected, len(self.colors) - 1)
        rows = -(-len(self.colors) // max(1, max(self.width(), 8 * SWATCH) // SWATCH))
        self.setMinimumHeight(max(1, rows) * SWATCH)
        self.update()

    def index_at(self, x: int, y: int) -> int:
        index = (y // SWATCH) * self.columns() + x // SWATCH
        return index if 0 <= x < self.columns() * SWATCH and index < len(self.colors) else -1

    def swatch_pos(self, index: int):
        cols = self.columns()
        return (index % cols) * SWATCH + SWATCH // 2, (index // cols) * SWATCH + SWATCH // 2

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        cols = self.columns()
        for i, (r, g, b, a) in enumerate(self.colors):
            x, y = (i % cols) * SWATCH, (i // cols) * SWATCH
            painter.fillRect(x, y, SWATCH - 1, SWATCH - 1, QColor(r, g, b, a))
            if i == self.selected:
                painter.setPen(QPen(QColor(255, 255, 255), 2))
                painter.drawRect(x + 1, y + 1, SWATCH - 3, SWATCH - 3)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        index = self.index_at(int(event.position().x()), int(event.position().y()))
        self._drag_from = index if event.button() == Qt.MouseButton.LeftButton else -1
        if index >= 0:
            self.selected = index
            self.update()
            self.picked.emit(self.colors[index], event.button() != Qt.MouseButton.RightButton)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        start = getattr(self, "_drag_from", -1)
        self._drag_from = -1
        target = self.index_at(int(event.position().x()), int(event.position().y()))
        if start >= 0 and target >= 0 and target != start:
            self.selected = target
            self.moved.emit(start, target)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        index = self.index_at(int(event.position().x()), int(event.position().y()))
        if index >= 0:
            self.edit.emit(index)


class PalettePanel(SessionObserver, QWidget):
    colorPicked = Signal(object, bool)
    errorRaised = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: Session | None = None
        self.primary_source = lambda: (
            0,
            0,
            0,
            255,
        )  # set by the window: the current primary colour
        self.title = QLabel()
        self.grid = SwatchGrid()
        self.grid.picked.connect(self.colorPicked)
        self.grid.edit.connect(self.edit_color)
        self.grid.moved.connect(self.move_color_to)
        self.presets = QComboBox()
        self.presets.addItem("Built-in palettes…", None)
        for name in builtin_palettes():
            self.presets.addItem(name, name)
        self.presets.activated.connect(self._use_builtin)
        buttons = QGridLayout()
        for i, (text, tip, slot) in enumerate(
            (
                ("+", "Add the primary colour", self.add_color),
                ("−", "Remove the selected colour", self.remove_color),
                ("◀", "Move the selected colour left", lambda: self.move_color(-1)),
                ("▶", "Move the selected colour right", lambda: self.move_color(1)),
                ("Load", "Load a .gpl, .hex or .pal palette", self.load),
                ("Save", "Save the palette as .gpl, .hex or .pal", self.save),
            )
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button, 0, i)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.grid)
        layout.addLayout(buttons)
        layout.addWidget(self.presets)
        layout.addStretch(1)

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.PALETTE:
            self.rebuild()

    def rebuild(self) -> None:
        palette = self.session.sprite.palette if self.session else None
        self.grid.set_colors(palette.colors if palette else [])
        self.title.setText(
            "" if palette is None else f"{palette.name or 'Palette'} · {len(palette)} colours"
        )

    # -- edits (each one undoable) ----------------------------------------------------
    def _set(self, colors, names=None, name=None, label="Palette") -> None:
        if self.session is None:
            return
        current = self.session.sprite.palette
        palette = Palette(
            list(colors),
            list(names) if names is not None else [],
            name if name is not None else current.name,
        )
        try:
            self.session.history.push(SetPalette(palette, label=label))
        except DgxPixelsError as exc:
            self.errorRaised.emit(str(exc))

    def add_color(self, color=None) -> None:
        if self.session is None:
            return
        palette = self.session.sprite.palette
        color = tuple(color or self.primary_source())
        self._set([*palette.colors, color], [*palette.names, ""], label="Add Colour")
        self.grid.selected = len(palette.colors)

    def remove_color(self) -> None:
        index = self.grid.selected
        if self.session is None or index < 0:
            return
        palette = self.session.sprite.palette
        self._set(
            palette.colors[:index] + palette.colors[index + 1 :],
            palette.names[:index] + palette.names[index + 1 :],
            label="Remove Colour",
        )

    def move_color(self, step: int) -> None:
        index = self.grid.selected
        if self.session is None or index < 0:
            return
        palette = self.session.sprite.palette
        target = index + step
        if not 0 <= target < len(palette):
            return
        colors, names = list(palette.colors), list(palette.names)
        colors[index], colors[target] = colors[target], colors[index]
        names[index], names[target] = names[target], names[index]
        self.grid.selected = target
        self._set(colors, names, label="Reorder Colours")

    def move_color_to(self, start: int, target: int) -> None:
        """Drag and drop a swatch to a new place in the palette."""
        if self.session is None:
            return
        palette = self.session.sprite.palette
        colors, names = list(palette.colors), list(palette.names)
        colors.insert(target, colors.pop(start))
        names.insert(target, names.pop(start))
        self.grid.selected = target
        self._set(colors, names, label="Reorder Colours")

    def edit_color(self, index: int) -> None:
        palette = self.session.sprite.palette
        color = QColorDialog.getColor(
            QColor(*palette.colors[index]),
            self,
            "Palette colour",
            QColorDialog.ColorDialogOption.ShowAlphaChannel,
        )
        if color.isValid():
            colors = list(palette.colors)
            colors[index] = (color.red(), color.green(), color.blue(), color.alpha())
            self._set(colors, palette.names, label="Edit Colour")

    def load_from(self, path: str) -> None:
        try:
            palette = load_palette(path)
        except DgxPixelsError as exc:
            self.errorRaised.emit(str(exc))
            return
        self._set(palette.colors, palette.names, palette.name, label="Load Palette")

    def load(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load Palette", "", PALETTE_FILTER)
        if path:
            self.load_from(path)

    def save(self) -> None:
        if self.session is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save Palette", "palette.gpl", PALETTE_FILTER)
        if path:
            try:
                save_palette(self.session.sprite.palette, path)
            except DgxPixelsError as exc:
                self.errorRaised.emit(str(exc))

    def _use_builtin(self, index: int) -> None:
        name = self.presets.itemData(index)
        if name:
            self.load_from(str(builtin_palettes()[name]))
        self.presets.setCurrentIndex(0)
