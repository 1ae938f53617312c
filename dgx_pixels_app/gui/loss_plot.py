"""The training dialog's loss plot: no plotting library needed for two lines."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget


class LossPlot(QWidget):
    """The loss so far: each step's (thin) and the smoothed curve (bold), on axes with
    step and loss ticks, so a small wiggle reads as small."""

    MARGIN_LEFT, MARGIN_BOTTOM = 52, 18

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[int] = []
        self.raw: list[float] = []
        self.smoothed: list[float] = []
        self.setMinimumSize(QSize(320, 140))

    def clear(self) -> None:
        self.steps, self.raw, self.smoothed = [], [], []
        self.update()

    def add(self, step: int, raw: float, smoothed: float) -> None:
        self.steps.append(step)
        self.raw.append(raw)
        self.smoothed.append(smoothed)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0x2B, 0x2B, 0x30))
        painter.setPen(QColor(0xAA, 0xAA, 0xAA))
        if len(self.steps) < 2:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "loss per step")
            return
        lo, hi = min(self.raw + self.smoothed), max(self.raw + self.smoothed)
        hi = hi if hi > lo else lo + 1e-6
        x0, x1 = self.MARGIN_LEFT, self.width() - 8
        y0, y1 = 6, self.height() - self.MARGIN_BOTTOM
        first, last = self.steps[0], max(self.steps[-1], self.steps[0] + 1)

        def point(step: int, value: float) -> QPointF:
            return QPointF(x0 + (x1 - x0) * (step - first) / (last - first),
                           y1 - (y1 - y0) * (value - lo) / (hi - lo))  # fmt: skip

        self._axes(painter, (x0, y0, x1, y1), (lo, hi), (first, last))
        for values, color, width in ((self.raw, QColor(90, 140, 110), 1),
                                     (self.smoothed, QColor(110, 230, 140), 2)):  # fmt: skip
            pen = QPen(color)
            pen.setWidth(width)
            painter.setPen(pen)
            painter.drawPolyline([point(s, v) for s, v in zip(self.steps, values, strict=True)])
        painter.setPen(QColor(0xDD, 0xDD, 0xDD))
        painter.drawText(x0 + 6, y0 + 12, f"loss {self.smoothed[-1]:.4f} (smoothed)")

    def _axes(self, painter: QPainter, box, values, steps) -> None:
        x0, y0, x1, y1 = box
        painter.setPen(QColor(0x77, 0x77, 0x77))
        painter.drawLine(x0, y0, x0, y1)
        painter.drawLine(x0, y1, x1, y1)
        painter.setPen(QColor(0xAA, 0xAA, 0xAA))
        for i in range(3):  # loss ticks: bottom, middle, top
            value = values[0] + (values[1] - values[0]) * i / 2
            y = int(y1 - (y1 - y0) * i / 2)
            painter.drawLine(x0 - 3, y, x0, y)
            painter.drawText(2, y + 4, f"{value:.3g}")
        for i in range(3):  # step ticks: first, middle, last
            step = round(steps[0] + (steps[1] - steps[0]) * i / 2)
            x = int(x0 + (x1 - x0) * i / 2)
            painter.drawLine(x, y1, x, y1 + 3)
            painter.drawText(x - (40 if i == 2 else 0), y1 + 15, f"step {step}")
