"""The tools bar: Aseprite's tools and keys, their options, and the two colours."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QSpinBox,
    QToolBar,
    QWidget,
)

from dgx_pixels_app.gui.tools import TOOLS, ToolController

SYMBOLS = {
    "pencil": "✎", "eraser": "⌫", "bucket": "◧", "gradient": "▤", "line": "╱", "rectangle": "▭",
    "ellipse": "◯", "eyedropper": "⊙", "select": "⬚", "ellipse_select": "◌", "lasso": "∿",
    "wand": "✦", "move": "✥",
}  # fmt: skip


class ColorSwatches(QWidget):
    """Primary over secondary, as in Aseprite; click one to pick its colour."""

    clicked = Signal(bool)  # primary?

    def __init__(self, tools: ToolController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tools = tools
        self.setFixedSize(QSize(44, 36))
        self.setToolTip("Primary and secondary colour (X swaps; click to choose)")
        tools.colorsChanged.connect(self.update)

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        for (x, y), color in (((16, 12), self.tools.secondary), ((2, 2), self.tools.primary)):
            painter.fillRect(x, y, 24, 20, QColor(200, 200, 200))
            painter.fillRect(x, y, 12, 10, QColor(150, 150, 150))
            painter.fillRect(x + 12, y + 10, 12, 10, QColor(150, 150, 150))
            painter.fillRect(x, y, 24, 20, QColor(*color))
            painter.setPen(QColor(20, 20, 20))
            painter.drawRect(x, y, 23, 19)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.clicked.emit(event.position().x() < 26 and event.position().y() < 22)


class ToolBar(QToolBar):
    def __init__(self, tools: ToolController, parent: QWidget | None = None) -> None:
        super().__init__("Tools", parent)
        self.setObjectName("toolbar-tools")
        self.tools = tools
        self.actions_by_tool: dict[str, QAction] = {}
        group = QActionGroup(self)
        for tool, (name, key) in TOOLS.items():
            action = QAction(f"{SYMBOLS[tool]}", self)
            action.setToolTip(f"{name} ({key})")
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setCheckable(True)
            action.triggered.connect(lambda _c=False, t=tool: tools.set_tool(t))
            group.addAction(action)
            self.addAction(action)
            self.actions_by_tool[tool] = action
        self.actions_by_tool["pencil"].setChecked(True)
        tools.toolChanged.connect(lambda t: self.actions_by_tool[t].setChecked(True))
        self.addSeparator()
        self.swatches = ColorSwatches(tools)
        self.swatches.clicked.connect(self._choose_color)
        self.addWidget(self.swatches)
        swap = QAction("⇄", self)
        swap.setToolTip("Swap colours (X)")
        swap.setShortcut(QKeySequence("X"))
        swap.triggered.connect(tools.swap_colors)
        self.addAction(swap)
        self.addSeparator()
        self.brush = QSpinBox()
        self.brush.setRange(1, 8)
        self.brush.setPrefix("Brush ")
        self.brush.setToolTip("Brush size 1–8 px ([ and ])")
        self.brush.valueChanged.connect(tools.set_brush)
        self.addWidget(self.brush)
        for key, delta in (("[", -1), ("]", 1)):
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(
                lambda _c=False, d=delta: self.brush.setValue(self.brush.value() + d)
            )
            self.addAction(action)
            self.widgetForAction(action).hide() if self.widgetForAction(action) else None
        self.checks = {}
        for attr, text, tip in (
            ("pixel_perfect", "Pixel-perfect", "Pencil removes L-shaped corners"),
            ("contiguous", "Contiguous", "Bucket and wand: only connected pixels"),
            ("filled", "Filled", "Rectangle and ellipse filled"),
            ("mirror_h", "Mirror H", "Mirror drawing left-right"),
            ("mirror_v", "Mirror V", "Mirror drawing top-bottom"),
            ("dither", "Dither", "Paint a checkerboard of the two colours"),
            (
                "shading",
                "Shading",
                "Pencil shading ink: each pixel one palette step on "
                "(left click: the next entry, right click: the previous)",
            ),
        ):
            box = QCheckBox(text)
            box.setToolTip(tip)
            box.setChecked(getattr(tools.options, attr))
            box.toggled.connect(lambda on, a=attr: setattr(tools.options, a, on))
            self.addWidget(box)
            self.checks[attr] = box
        self.tolerance = QSpinBox()
        self.tolerance.setRange(0, 255)
        self.tolerance.setPrefix("Tol. ")
        self.tolerance.setToolTip("Tolerance (0–255) of the bucket and the magic wand")
        self.tolerance.valueChanged.connect(lambda v: setattr(tools.options, "tolerance", v))
        self.addWidget(self.tolerance)
        self.tile_grid = QComboBox()  # its items name it: the bar fits 1280 px with it
        self.tile_grid.setToolTip("Tile grid: lines every N pixels over the canvas")
        for label, value in (("Grid off", 0), ("Grid 8", 8), ("Grid 16", 16), ("Grid 32", 32)):
            self.tile_grid.addItem(label, value)
        self.addWidget(self.tile_grid)

    def _choose_color(self, primary: bool) -> None:
        current = self.tools.primary if primary else self.tools.secondary
        color = QColorDialog.getColor(
            QColor(*current), self, "Colour", QColorDialog.ColorDialogOption.ShowAlphaChannel
        )
        if color.isValid():
            value = (color.red(), color.green(), color.blue(), color.alpha())
            if primary:
                self.tools.primary = value
            else:
                self.tools.secondary = value
            self.tools.colorsChanged.emit()
