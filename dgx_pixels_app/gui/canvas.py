"""The pixel canvas: a zoomed, nearest-neighbour view of the current frame.

The view keeps a composited RGBA buffer of the frame and refreshes only the
rectangle a change reports; painting is a checkerboard brush, one scaled image and
the grid lines, so a repaint costs the same whatever the document holds. Mouse and
keys for drawing go to the ToolController (gui/tools.py).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen, QPixmap, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.session import Session
from dgx_pixels_app.gui.canvas_paint import (
    checker_brush,
    grid_brush,
    onion_images,
    paint_axes,
    paint_grid,
    paint_selection,
    paint_tiles,
)
from dgx_pixels_app.gui.observer import SessionObserver
from dgx_pixels_app.gui.pose_overlay import PoseOverlay
from dgx_pixels_app.gui.tools import TOOLS, ToolController
from dgx_pixels_app.gui.transform_overlay import TransformOverlay

MIN_ZOOM, MAX_ZOOM = 1 / 16, 64
ZOOM_LEVELS = [1 / 16, 1 / 8, 1 / 4, 1 / 2, *range(1, 65)]  # below 100 %: halvings only
GRID_MIN_ZOOM = 4


class CanvasView(SessionObserver, QWidget):
    hovered = Signal(int, int, object)  # x, y, (r, g, b, a) or None outside the sprite
    zoomChanged = Signal(float)
    errorRaised = Signal(str)
    selectionChanged = Signal(object)  # Selection or None
    viewChanged = Signal()  # zoom or pan changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(200, 200)
        self.session: Session | None = None
        self.zoom: float = 8
        self.offset = QPointF(0, 0)
        self.show_grid = True
        self.tile_grid = 0  # 0 = off, else 8/16/32
        self.tile_mode = False  # Aseprite's tiled mode: 3x3 copies, strokes wrap at the edges
        self.tools = ToolController(self)
        self.poses = PoseOverlay(self)  # the pose layer's skeleton and its joints
        self.transform = TransformOverlay(self)  # Edit ▸ Transform's box and handles
        self.tools.errorRaised.connect(self.errorRaised)
        self.transform.errorRaised.connect(self.errorRaised)
        self._rgba = np.zeros((1, 1, 4), np.uint8)
        self._image = QImage()
        self._checker = checker_brush()
        self._reference: tuple | None = None  # (the sprite's reference image, its QPixmap)
        self._pan_from: QPointF | None = None
        self._space = False
        self.onion_frames = 0  # 0 = off; else frames shown before and after
        self.onion_opacity = 0.35
        self._onion: tuple | None = None  # (key, [(QImage, array)])

    # compatibility for callers that set colours on the canvas
    @property
    def primary(self):
        return self.tools.primary

    @primary.setter
    def primary(self, color) -> None:
        self.tools.primary = tuple(color)
        self.tools.colorsChanged.emit()

    @property
    def secondary(self):
        return self.tools.secondary

    @secondary.setter
    def secondary(self, color) -> None:
        self.tools.secondary = tuple(color)
        self.tools.colorsChanged.emit()

    # -- document -----------------------------------------------------------
    def rebuild(self) -> None:
        """A new document: composite it and fit it to the window."""
        self.refresh()
        self.fit()

    def composited(self) -> np.ndarray:
        return self._rgba

    def refresh(self, rect: tuple[int, int, int, int] | None = None) -> None:
        """Recomposite the current frame (or only ``rect`` of it) and repaint that part."""
        if self.session is None:
            self._image = QImage()
            self.update()
            return
        sprite = self.session.sprite
        resized = self._rgba.shape[:2] != (sprite.height, sprite.width)
        if rect is None or resized:
            self._rgba = self.session.composites.get(self.session.frame_index).copy()
            h, w = self._rgba.shape[:2]
            self._image = QImage(self._rgba.data, w, h, w * 4, QImage.Format.Format_RGBA8888)
            if resized:
                self.session.selection = None
                self.fit()
            self.update()
            return
        x, y, w, h = rect
        self._rgba[y : y + h, x : x + w] = sprite.composite(self.session.frame_index, rect)
        self.update(self._screen_rect(x, y, w, h).adjusted(-1, -1, 1, 1))

    def _reference_pixmap(self) -> QPixmap | None:
        """The sprite's reference layer as a pixmap, made once per image (not per paint)."""
        reference = self.session.sprite.reference if self.session is not None else None
        if reference is None or not reference.visible:
            return None
        if self._reference is None or self._reference[0] is not reference.image:
            data = np.ascontiguousarray(reference.image)
            h, w = data.shape[:2]
            image = QImage(data.data, w, h, w * 4, QImage.Format.Format_RGBA8888)
            self._reference = (reference.image, QPixmap.fromImage(image))
        return self._reference[1]

    def show_floating(self, layer_id: int, image) -> None:
        """Show ``image`` as the current cel of ``layer_id`` without changing the sprite
        (a transform's preview); ``refresh()`` shows the sprite again."""
        sprite = self.session.sprite
        self._rgba = sprite.composite(self.session.frame_index, override={layer_id: image})
        h, w = self._rgba.shape[:2]
        self._image = QImage(self._rgba.data, w, h, w * 4, QImage.Format.Format_RGBA8888)
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

    def set_selection(self, selection) -> None:
        if self.session is None:
            return
        self.session.selection = selection
        self.selectionChanged.emit(selection)
        self.update()

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

    def zoom_by(self, factor: float) -> None:
        self.set_zoom(self.zoom * factor)

    def fit(self) -> None:
        if self.session is None:
            return
        sprite = self.session.sprite
        tiles = 3 if self.tile_mode else 1  # tiled mode: the neighbours in view too
        room = min((self.width() - 20) / (sprite.width * tiles),
                   (self.height() - 20) / (sprite.height * tiles))  # fmt: skip
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

    def _screen_rect(self, x: float, y: float, w: float, h: float) -> QRect:
        return QRect(
            int(np.floor(self.offset.x() + x * self.zoom)),
            int(np.floor(self.offset.y() + y * self.zoom)),
            int(np.ceil(w * self.zoom)),
            int(np.ceil(h * self.zoom)),
        )

    def _sprite_rect(self) -> QRect:
        sprite = self.session.sprite if self.session else None
        return self._screen_rect(0, 0, sprite.width, sprite.height) if sprite else QRect()

    def _inside(self, x: int, y: int) -> bool:
        s = self.session.sprite if self.session else None
        return s is not None and 0 <= x < s.width and 0 <= y < s.height

    # -- painting -----------------------------------------------------------
    def update(self, *args) -> None:  # noqa: D401 (Qt API)
        super().update(*args)
        if (
            not args
            and self.session is not None
            and (self.zoom, self.offset.x(), self.offset.y()) != getattr(self, "_view", None)
        ):
            self._view = (self.zoom, self.offset.x(), self.offset.y())
            self.viewChanged.emit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.viewChanged.emit()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor(0x2B, 0x2B, 0x30))
        if self.session is None or self._image.isNull():
            painter.setPen(QColor(0xAA, 0xAA, 0xAA))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "File ▸ New (Ctrl+N) to start a sprite"
            )
            return
        sprite = self.session.sprite
        target = self._screen_rect(0, 0, sprite.width, sprite.height)
        if self.tile_mode:
            paint_tiles(self, painter, target, event.rect())
        area = target.intersected(event.rect())
        painter.setBrushOrigin(target.topLeft())
        painter.fillRect(area, self._checker)
        if (pixmap := self._reference_pixmap()) is not None:  # traced over, never exported
            x, y, w, h = sprite.reference.placed(sprite.width, sprite.height)
            painter.setOpacity(sprite.reference.opacity / 255)
            painter.drawPixmap(QRectF(self.offset + QPointF(x, y) * self.zoom,
                                      QSizeF(w, h) * self.zoom), pixmap, QRectF(pixmap.rect()))  # fmt: skip
            painter.setOpacity(1.0)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.setClipRect(area)
        for image in onion_images(
            self,
        ):
            painter.drawImage(target, image)
        # scale only the sprite pixels that are on screen
        x0 = max(0, int((area.left() - target.left()) / self.zoom))
        y0 = max(0, int((area.top() - target.top()) / self.zoom))
        x1 = min(sprite.width, int(np.ceil((area.right() + 1 - target.left()) / self.zoom)))
        y1 = min(sprite.height, int(np.ceil((area.bottom() + 1 - target.top()) / self.zoom)))
        if x1 > x0 and y1 > y0:
            painter.drawImage(
                self._screen_rect(x0, y0, x1 - x0, y1 - y0),
                self._image,
                QRect(x0, y0, x1 - x0, y1 - y0),
            )
        if self.show_grid and self.zoom >= GRID_MIN_ZOOM and float(self.zoom).is_integer():
            painter.setBrushOrigin(target.topLeft())
            painter.fillRect(area, grid_brush(self, int(self.zoom)))
        if self.tile_grid and self.zoom * self.tile_grid >= 8:
            paint_grid(self, painter, target, area, self.tile_grid, QColor(40, 120, 255, 140))
        painter.setClipping(False)
        self.poses.paint(painter, target)
        paint_selection(self, painter)
        paint_axes(self, painter, target)
        self.transform.paint(painter)
        painter.setPen(QPen(QColor(0, 0, 0, 160), 1))
        painter.drawRect(target.adjusted(-1, -1, 0, 0))

    def set_tile_mode(self, on: bool) -> None:
        self.tile_mode = on
        self.fit()  # the 3×3 in view when it turns on; the sprite alone when it goes off
        self.update()

    # -- input --------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120
        if steps:
            self.set_zoom(self.zoom * 2 if steps > 0 else self.zoom / 2, event.position())

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.MiddleButton or (
            self._space and event.button() == Qt.MouseButton.LeftButton
        ):
            self._pan_from = event.position()
            return
        if event.button() == Qt.MouseButton.LeftButton and self.transform.press(
            event.position(), self._sprite_rect(), event.modifiers()
        ):
            return
        if event.button() == Qt.MouseButton.LeftButton and self.poses.press(
            event.position(), self._sprite_rect()
        ):
            return
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            self.tools.press(*self.pixel_at(event.position()), event.button(), event.modifiers())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan_from is not None:
            self.offset += event.position() - self._pan_from
            self._pan_from = event.position()
            self.update()
            return
        x, y = self.pixel_at(event.position())
        self.hovered.emit(
            x, y, tuple(int(v) for v in self._rgba[y, x]) if self._inside(x, y) else None
        )
        if self.transform.move(event.position(), event.modifiers()):
            return
        if self.poses.move(event.position(), self._sprite_rect()):
            return
        if event.buttons() & (Qt.MouseButton.LeftButton | Qt.MouseButton.RightButton):
            self.tools.move(x, y)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan_from is not None and event.button() in (
            Qt.MouseButton.MiddleButton,
            Qt.MouseButton.LeftButton,
        ):
            self._pan_from = None
            return
        if self.transform.release() or self.poses.release():
            return
        self.tools.release()
        self.update()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        arrows = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        if self.transform.showing and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.transform.commit()
        elif self.transform.showing and key == Qt.Key.Key_Escape:
            self.transform.cancel()
        elif key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        elif (
            key in arrows
            and self.session is not None
            and (self.tools.tool == "move" or self.session.selection is not None)
        ):
            self.tools.nudge(*arrows[key])
        elif key == Qt.Key.Key_Escape:
            self.set_selection(None)
        elif (tool := _tool_for_key(event)) is not None:
            self.tools.set_tool(tool)  # when no window shortcut took the key (tests, docks hidden)
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self._pan_from = None
            self.unsetCursor()
        else:
            super().keyReleaseEvent(event)

    def select_all(self) -> None:
        if self.session is not None:
            from dgx_pixels_app.core.selection import Selection

            s = self.session.sprite
            self.set_selection(Selection.rect(0, 0, s.width, s.height, s.width, s.height))


def _tool_for_key(event) -> str | None:
    shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
    text = event.text().upper()
    for tool, (_name, key) in TOOLS.items():
        if key == (f"Shift+{text}" if shift else text):
            return tool
    return None


def _snap_zoom(zoom: float) -> float:
    zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
    return float(int(zoom)) if zoom >= 1 else min(ZOOM_LEVELS[:4], key=lambda z: abs(z - zoom))
