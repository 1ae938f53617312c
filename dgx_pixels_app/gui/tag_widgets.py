"""The timeline's tag strip (tags drawn above the frames) and the tag dialog."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QWidget,
)

from dgx_pixels_app.core.document import Direction, Tag

TAG_COLORS = [(240, 120, 40), (40, 160, 240), (90, 200, 90), (220, 80, 160), (200, 200, 60)]


class TagBar(QWidget):
    """Coloured bars with names over the frame columns they cover."""

    def __init__(self, table: QTableWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.tags: list[Tag] = []
        self.setFixedHeight(18)

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        header = self.table.horizontalHeader()
        x0 = self.table.verticalHeader().width() + self.table.frameWidth()
        for tag in self.tags:
            if tag.end >= self.table.columnCount():
                continue
            left = x0 + header.sectionViewportPosition(tag.start)
            right = x0 + header.sectionViewportPosition(tag.end) + header.sectionSize(tag.end)
            rect = QRect(left + 1, 1, right - left - 2, 16)
            painter.fillRect(rect, QColor(*tag.color))
            painter.setPen(QColor(0, 0, 0))
            arrow = {"forward": "→", "reverse": "←", "pingpong": "↔"}[str(tag.direction)]
            painter.drawText(
                rect.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, f"{tag.name} {arrow}"
            )


class TagDialog(QDialog):
    def __init__(self, tag: Tag, frame_count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tag")
        self.name = QLineEdit(tag.name)
        self.start = QSpinBox()
        self.end = QSpinBox()
        for box, value in ((self.start, tag.start), (self.end, tag.end)):
            box.setRange(1, frame_count)
            box.setValue(value + 1)
        self.direction = QComboBox()
        for d in Direction:
            self.direction.addItem(d.value, d)
        self.direction.setCurrentIndex(list(Direction).index(tag.direction))
        self.color = QComboBox()
        for c in TAG_COLORS:
            self.color.addItem(f"#{c[0]:02x}{c[1]:02x}{c[2]:02x}", c)
        index = TAG_COLORS.index(tuple(tag.color)) if tuple(tag.color) in TAG_COLORS else 0
        self.color.setCurrentIndex(index)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("From frame", self.start)
        form.addRow("To frame", self.end)
        form.addRow("Direction", self.direction)
        form.addRow("Colour", self.color)
        form.addRow(buttons)

    def tag(self) -> Tag:
        start, end = sorted((self.start.value() - 1, self.end.value() - 1))
        return Tag(
            self.name.text().strip() or "tag",
            start,
            end,
            self.direction.currentData(),
            self.color.currentData(),
        )


def run_tag_dialog(parent, tag: Tag, count: int) -> Tag | None:
    dialog = TagDialog(tag, count, parent)
    return dialog.tag() if dialog.exec() else None
