"""Painting the canvas's layers beyond the sprite itself: the checkerboard, the pixel
and tile grids, onion skins, tiled-mode neighbours and the selection outline.
Functions of the view (gui/canvas.py) they paint for."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLine, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPixmap

CHECKER = 8  # screen pixels per checkerboard square


def checker_brush() -> QBrush:
    tile = QPixmap(2 * CHECKER, 2 * CHECKER)
    tile.fill(QColor(0xCC, 0xCC, 0xCC))
    painter = QPainter(tile)
    painter.fillRect(CHECKER, 0, CHECKER, CHECKER, QColor(0x99, 0x99, 0x99))
    painter.fillRect(0, CHECKER, CHECKER, CHECKER, QColor(0x99, 0x99, 0x99))
    painter.end()
    return QBrush(tile)


def paint_tiles(view, painter: QPainter, target: QRect, exposed: QRect) -> None:
    """The eight neighbouring copies of the frame around it (tile mode)."""
    w, h = target.width(), target.height()
    around = target.adjusted(-w, -h, w, h).intersected(exposed)
    painter.setBrushOrigin(target.topLeft())
    painter.fillRect(around, view._checker)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            copy = target.translated(dx * w, dy * h)
            if (dx or dy) and copy.intersects(exposed):
                painter.drawImage(copy, view._image)
    painter.fillRect(around, QColor(0x2B, 0x2B, 0x30, 70))  # the neighbours sit back a little


def grid_brush(view, zoom: int) -> QBrush:
    """One cell of the pixel grid as a pattern: the whole grid is a single fill."""
    cached = getattr(view, "_grid_cache", None)
    if cached is None or cached[0] != zoom:
        tile = QPixmap(zoom, zoom)
        tile.fill(Qt.GlobalColor.transparent)
        painter = QPainter(tile)
        painter.setPen(QPen(QColor(0, 0, 0, 72), 1))
        painter.drawLine(0, 0, zoom - 1, 0)
        painter.drawLine(0, 1, 0, zoom - 1)
        painter.end()
        view._grid_cache = cached = (zoom, QBrush(tile))
    return cached[1]


def onion_images(view) -> list[QImage]:
    """Neighbouring frames tinted (earlier red, later blue), fading with distance."""
    session = view.session
    if not view.onion_frames or session is None or len(session.sprite.frames) < 2:
        return []
    sprite = session.sprite
    key = (session.frame_index, view.onion_frames, view.onion_opacity, session.history.position,
           len(sprite.frames), sprite.width, sprite.height)  # fmt: skip
    if view._onion is None or view._onion[0] != key:
        images = []
        for distance in range(view.onion_frames, 0, -1):
            for index, tint in (
                (session.frame_index - distance, (255, 60, 60)),
                (session.frame_index + distance, (60, 120, 255)),
            ):
                if 0 <= index < len(sprite.frames):
                    rgba = session.composites.get(index).astype(np.float32)
                    rgba[..., :3] = rgba[..., :3] * 0.5 + np.array(tint, np.float32) * 0.5
                    rgba[..., 3] *= view.onion_opacity / distance
                    data = np.ascontiguousarray(rgba.astype(np.uint8))
                    h, w = data.shape[:2]
                    images.append(
                        (QImage(data.data, w, h, w * 4, QImage.Format.Format_RGBA8888), data)
                    )
        view._onion = (key, images)
    return [image for image, _data in view._onion[1]]


def paint_grid(
    view, painter: QPainter, target: QRect, area: QRect, step: int, color: QColor
) -> None:
    painter.setPen(QPen(color, 1))
    sprite = view.session.sprite
    first_x = max(0, int((area.left() - target.left()) / view.zoom) // step * step)
    last_x = min(sprite.width, int((area.right() - target.left()) / view.zoom) + 1)
    first_y = max(0, int((area.top() - target.top()) / view.zoom) // step * step)
    last_y = min(sprite.height, int((area.bottom() - target.top()) / view.zoom) + 1)
    left, top, z = target.left(), target.top(), view.zoom
    lines = [
        QLine(int(left + i * z), area.top(), int(left + i * z), area.bottom())
        for i in range(first_x, last_x + 1, step)
    ]
    lines += [
        QLine(area.left(), int(top + j * z), area.right(), int(top + j * z))
        for j in range(first_y, last_y + 1, step)
    ]
    painter.drawLines(lines)


def paint_selection(view, painter: QPainter) -> None:
    selection = view.session.selection
    if selection is None or selection.empty:
        return
    box = selection.bbox
    if not selection.is_rect:  # its edge pixels tinted: the colours inside stay true
        x, y, w, h = box
        inside = np.pad(selection.mask[y : y + h, x : x + w], 1)
        core = inside[1:-1, 1:-1] & inside[:-2, 1:-1] & inside[2:, 1:-1] & inside[1:-1, :-2] \
            & inside[1:-1, 2:]  # fmt: skip
        overlay = np.zeros((h, w, 4), np.uint8)
        overlay[inside[1:-1, 1:-1] & ~core] = (60, 140, 255, 120)
        image = QImage(overlay.data, w, h, w * 4, QImage.Format.Format_RGBA8888)
        painter.drawImage(view._screen_rect(*box), image)
    rect = view._screen_rect(*box)
    painter.setPen(QPen(QColor(255, 255, 255), 1))
    painter.drawRect(rect)
    painter.setPen(QPen(QColor(0, 0, 0), 1, Qt.PenStyle.DashLine))
    painter.drawRect(rect)


def paint_axes(view, painter: QPainter, target: QRect) -> None:
    """The symmetry axes while mirror drawing is on (Aseprite's symmetry lines)."""
    options = view.tools.options
    if not (options.mirror_h or options.mirror_v):
        return
    sprite = view.session.sprite
    painter.setPen(QPen(QColor(255, 80, 200, 200), 1, Qt.PenStyle.DashLine))
    if options.mirror_h:
        x = target.left() + (sprite.width / 2 if options.axis_x is None else options.axis_x) \
            * view.zoom  # fmt: skip
        painter.drawLine(int(x), target.top(), int(x), target.bottom())
    if options.mirror_v:
        y = target.top() + (sprite.height / 2 if options.axis_y is None else options.axis_y) \
            * view.zoom  # fmt: skip
        painter.drawLine(target.left(), int(y), target.right(), int(y))
