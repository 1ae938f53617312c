"""The pixel canvas: a zoomed, nearest-neighbour view of the current frame.

The view keeps a composited RGBA buffer of the frame and refreshes only the
rectangle a change reports. Painting goes through a core command per stroke.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRect, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from dgx_pixels_app.core.commands import PatchPixels
from dgx_pixels_app.core.document import Cel
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.session import Session

MIN_ZOOM, MAX_ZOOM = 1 / 16, 64
ZOOM_LEVELS = [1 / 16, 1 / 8, 1 / 4, 1 / 2, *range(1, 65)]  # below 100 %: halvings only
GRID_MIN_ZOOM = 4
CHECKER = 8  # screen pixels per checkerboard square


class CanvasView(QWidget):
    hovered = Signal(int, int, object)  # x, y, (r, g, b, a) or None outside the sprite
    zoomChanged = Signal(float)
    errorRaised = Signal(str)
    selectionChanged = Signal(object)  # (x, y, w, h) or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(200, 200)
        self.session: Session | None = None
        self.zoom = 8
        self.offset = QPointF(0, 0)
        self.show_grid = True
        self.primary = (0, 0, 0, 255)
        self.secondary = (0, 0, 0, 0)
        self._rgba = np.zeros((1, 1, 4), np.uint8)
        self._image = QImage()
        self._stroke: dict | None = None
        self._pan_from: QPointF | None = None
        self.tool = "pencil"  # "pencil" (B) or "select" (M); the full set comes with the editor
        self._select_from: tuple[int, int] | None = None

    # -- document -----------------------------------------------------------
    def set_session(self, session: Session | None) -> None:
        if self.session is not None:
            self.session.sprite.events.disconnect(self._on_change)
        self.session = session
        if session is not None:
            session.sprite.events.connect(self._on_change)
        self.refresh()
        self.fit()

    def refresh(self, rect: tuple[int, int, int, int] | None = None) -> None:
        """Recomposite the current frame (or only ``rect`` of it) and repaint."""
        if self.session is None:
            self._image = QImage()
            self.update()
            return
        sprite = self.session.sprite
        resized = self._rgba.shape[:2] != (sprite.height, sprite.width)
        if rect is None or resized:
            self._rgba = np.ascontiguousarray(sprite.composite(self.session.frame_index))
            h, w = self._rgba.shape[:2]
            self._image = QImage(self._rgba.data, w, h, w * 4, QImage.Format.Format_RGBA8888)
        else:
            x, y, w, h = rect
            self._rgba[y : y + h, x : x + w] = sprite.composite(self.session.frame_index, rect)
        if resized:
            self.session.selection = None
            self.fit()
        self.update()

    def _on_change(self, change: Change) -> None:
        if self.session is None:
            return
        if change.kind == ChangeKind.PIXELS and change.frame_id not in (
            None,
            self.session.frame.id,
        ):
            return
        if change.kind in (ChangeKind.PALETTE, ChangeKind.TAGS):
            return
        self.refresh(change.rect if change.kind == ChangeKind.PIXELS else None)

    # -- geometry -----------------------------------------------------------
    def set_zoom(self, zoom: float, anchor: QPointF | None = None) -> None:
        """Integer zoom from 1x up (halvings below); the pixel under ``anchor`` stays put."""
        zoom = _snap_zoom(zoom)
        anchor = anchor if anchor is not None else QPointF(self.width() / 2, self.height() / 2)
        sprite_point = (anchor - self.offset) / self.zoom
        self.zoom = zoom
        self.offset = anchor - sprite_point * zoom
        self.zoomChanged.emit(zoom)
        self.update()

    def fit(self) -> None:
        if self.session is None:
            return
        sprite = self.session.sprite
        room = min((self.width() - 20) / sprite.width, (self.height() - 20) / sprite.height)
        self.zoom = max([z for z in ZOOM_LEVELS if z <= room] or [MIN_ZOOM])
        self.offset = QPointF(
            int((self.width() - sprite.width * self.zoom) // 2),
            int((self.height() - sprite.height * self.zoom) // 2),
        )
        self.zoomChanged.emit(self.zoom)
        self.update()

    def pixel_at(self, pos: QPointF | QPoint) -> tuple[int, int]:
        p = (QPointF(pos) - self.offset) / self.zoom
        return int(np.floor(p.x())), int(np.floor(p.y()))

    def widget_pos(self, x: int, y: int) -> QPoint:
        """Centre of sprite pixel (x, y) in widget coordinates (for tests and tools)."""
        return QPoint(
            int(self.offset.x() + (x + 0.5) * self.zoom),
            int(self.offset.y() + (y + 0.5) * self.zoom),
        )

    def _inside(self, x: int, y: int) -> bool:
        s = self.session.sprite if self.session else None
        return s is not None and 0 <= x < s.width and 0 <= y < s.height

    # -- painting -----------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0x2B, 0x2B, 0x30))
        if self.session is None or self._image.isNull():
            painter.setPen(QColor(0xAA, 0xAA, 0xAA))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "File ▸ New (Ctrl+N) to start a sprite"
            )
            return
        sprite = self.session.sprite
        target = QRect(
            int(self.offset.x()),
            int(self.offset.y()),
            round(sprite.width * self.zoom),
            round(sprite.height * self.zoom),
        )
        self._paint_checker(painter, target.intersected(self.rect()))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(target, self._image)
        if self.show_grid and self.zoom >= GRID_MIN_ZOOM:
            self._paint_grid(painter, target)
        selection = self.session.selection
        if selection is not None:
            x, y, w, h = selection
            rect = QRect(
                int(self.offset.x() + x * self.zoom), int(self.offset.y() + y * self.zoom),
                round(w * self.zoom), round(h * self.zoom),
            )  # fmt: skip
            painter.setPen(QPen(QColor(255, 255, 255), 1))
            painter.drawRect(rect)
            painter.setPen(QPen(QColor(0, 0, 0), 1, Qt.PenStyle.DashLine))
            painter.drawRect(rect)
        painter.setPen(QPen(QColor(0, 0, 0, 160), 1))
        painter.drawRect(target.adjusted(-1, -1, 0, 0))

    def _paint_checker(self, painter: QPainter, area: QRect) -> None:
        painter.fillRect(area, QColor(0xCC, 0xCC, 0xCC))
        dark = QColor(0x99, 0x99, 0x99)
        ox, oy = int(self.offset.x()), int(self.offset.y())
        x0 = area.left() - ((area.left() - ox) % CHECKER)
        y0 = area.top() - ((area.top() - oy) % CHECKER)
        for y in range(y0, area.bottom() + 1, CHECKER):
            for x in range(x0, area.right() + 1, CHECKER):
                if ((x - ox) // CHECKER + (y - oy) // CHECKER) % 2:
                    painter.fillRect(QRect(x, y, CHECKER, CHECKER).intersected(area), dark)

    def _paint_grid(self, painter: QPainter, target: QRect) -> None:
        painter.setPen(QPen(QColor(0, 0, 0, 48), 1))
        visible = target.intersected(self.rect())
        first_x = max(0, (visible.left() - target.left()) // self.zoom)
        last_x = min(self.session.sprite.width, (visible.right() - target.left()) // self.zoom + 1)
        for i in range(first_x, last_x + 1):
            x = target.left() + i * self.zoom
            painter.drawLine(x, visible.top(), x, visible.bottom())
        first_y = max(0, (visible.top() - target.top()) // self.zoom)
        last_y = min(self.session.sprite.height, (visible.bottom() - target.top()) // self.zoom + 1)
        for j in range(first_y, last_y + 1):
            y = target.top() + j * self.zoom
            painter.drawLine(visible.left(), y, visible.right(), y)

    # -- input --------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120
        if steps:
            self.set_zoom(self.zoom * 2 if steps > 0 else self.zoom / 2, event.position())

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position()
            return
        if event.button() == Qt.MouseButton.LeftButton and self.tool == "select" and self.session:
            self._select_from = self.pixel_at(event.position())
            self._update_selection(*self._select_from)
            return
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            self._begin_stroke(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan_from is not None:
            self.offset += event.position() - self._pan_from
            self._pan_from = event.position()
            self.update()
            return
        x, y = self.pixel_at(event.position())
        if self._inside(x, y):
            self.hovered.emit(x, y, tuple(int(v) for v in self._rgba[y, x]))
        else:
            self.hovered.emit(x, y, None)
        if self._stroke is not None:
            self._stroke_to(x, y)
        elif self._select_from is not None:
            self._update_selection(x, y)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if key == Qt.Key.Key_B:
            self.tool = "pencil"
        elif key == Qt.Key.Key_M:
            self.tool = "select"
        elif key == Qt.Key.Key_Escape or (
            key == Qt.Key.Key_D and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.set_selection(None)
        else:
            super().keyPressEvent(event)
            return
        self.setCursor(
            Qt.CursorShape.CrossCursor if self.tool == "select" else Qt.CursorShape.ArrowCursor
        )

    def set_selection(self, rect: tuple[int, int, int, int] | None) -> None:
        if self.session is None:
            return
        self.session.selection = rect
        self.selectionChanged.emit(rect)
        self.update()

    def _update_selection(self, x: int, y: int) -> None:
        sprite = self.session.sprite
        x0, y0 = self._select_from
        left, right = sorted((x0, x))
        top, bottom = sorted((y0, y))
        left, top = max(0, left), max(0, top)
        right, bottom = min(sprite.width - 1, right), min(sprite.height - 1, bottom)
        if right < left or bottom < top:
            self.set_selection(None)
        else:
            self.set_selection((left, top, right - left + 1, bottom - top + 1))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = None
        elif self._select_from is not None:
            self._select_from = None
        elif self._stroke is not None:
            self._end_stroke()

    # -- the pencil (the full tool set arrives with the editor) -------------
    def _begin_stroke(self, event: QMouseEvent) -> None:
        if self.session is None:
            return
        layer = self.session.layer
        if layer.locked or not layer.visible:
            self.errorRaised.emit(
                f"Layer '{layer.name}' is {'locked' if layer.locked else 'hidden'}."
            )
            return
        sprite = self.session.sprite
        key = (layer.id, self.session.frame.id)
        cel = sprite.cels.get(key)
        created = cel is None
        if created:
            cel = sprite.cels[key] = Cel(sprite.blank())
        color = self.primary if event.button() == Qt.MouseButton.LeftButton else self.secondary
        self._stroke = {
            "key": key, "before": cel.image.copy(), "created": created, "color": color,
            "last": None, "box": None,
        }  # fmt: skip
        self._stroke_to(*self.pixel_at(event.position()))

    def _stroke_to(self, x: int, y: int) -> None:
        stroke = self._stroke
        assert stroke is not None and self.session is not None
        last = stroke["last"] or (x, y)
        points = _line(last, (x, y))
        stroke["last"] = (x, y)
        sprite = self.session.sprite
        image = sprite.cels[stroke["key"]].image
        for px, py in points:
            if 0 <= px < sprite.width and 0 <= py < sprite.height:
                image[py, px] = stroke["color"]
                box = stroke["box"]
                stroke["box"] = (
                    (px, py, px + 1, py + 1)
                    if box is None
                    else (
                        min(box[0], px),
                        min(box[1], py),
                        max(box[2], px + 1),
                        max(box[3], py + 1),
                    )
                )
                self.refresh((px, py, 1, 1))

    def _end_stroke(self) -> None:
        stroke, self._stroke = self._stroke, None
        assert stroke is not None and self.session is not None
        sprite = self.session.sprite
        layer_id, frame_id = stroke["key"]
        if stroke["box"] is None:
            if stroke["created"]:
                sprite.cels.pop(stroke["key"], None)
            return
        x0, y0, x1, y1 = stroke["box"]
        after = sprite.cels[stroke["key"]].image[y0:y1, x0:x1].copy()
        before = None if stroke["created"] else stroke["before"][y0:y1, x0:x1]
        command = PatchPixels(layer_id, frame_id, x0, y0, before, after, label="Pencil")
        try:
            self.session.history.push(command)
        except DgxPixelsError as exc:
            self.errorRaised.emit(str(exc))


def _snap_zoom(zoom: float) -> float:
    zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
    return float(int(zoom)) if zoom >= 1 else min(ZOOM_LEVELS[:4], key=lambda z: abs(z - zoom))


def _line(a: tuple[int, int], b: tuple[int, int]) -> list[tuple[int, int]]:
    """Bresenham: the pixels a fast drag skips over are painted too."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
    err, points = dx + dy, []
    while True:
        points.append((x0, y0))
        if (x0, y0) == (x1, y1):
            return points
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            x0 += sx
        if e2 <= dx:
            err += dx
            y0 += sy
