"""Free transform on the canvas (Edit ▸ Transform, Ctrl+T): a box with eight handles
around the selected pixels. Drag inside to move, a handle to scale (past the other
side flips), outside the box to turn (Shift: 15° steps); Enter applies — to this
cel, or with Edit ▸ Transform Every Frame to the same area of each frame of the
layer — and Esc puts everything back. The pixel work is core/transform.py."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPen, QPolygonF

from dgx_pixels_app.core import raster
from dgx_pixels_app.core.commands import patch_between
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.selection import Selection
from dgx_pixels_app.core.sprite_ops import pixels_command
from dgx_pixels_app.core.transform import Transform, apply

HANDLE = 5  # px on screen: a handle takes presses this close
EDGES = {  # handle: which edges it moves (x: -1 left, 1 right, 0 none; y likewise)
    "nw": (-1, -1), "n": (0, -1), "ne": (1, -1), "e": (1, 0),
    "se": (1, 1), "s": (0, 1), "sw": (-1, 1), "w": (-1, 0),
}  # fmt: skip


class TransformOverlay(QObject):
    errorRaised = Signal(str)
    messageRaised = Signal(str)

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.active = False
        self.every_frame = False
        self.submit = None  # the task runner's submit(fn, done, failed), set by the window
        self.t = Transform()
        self._grab = None
        self._held = Qt.KeyboardModifier.NoModifier

    # -- mode ------------------------------------------------------------------------------
    def start(self) -> None:
        session = self.canvas.session
        self.cancel()  # one transform at a time (an open one elsewhere is put away)
        if session is None:
            return
        if (why := session.cannot_draw()) is not None:
            self.errorRaised.emit(why)
            return
        sprite, key = session.sprite, (session.layer.id, session.frame.id)
        cel = sprite.cels.get(key)
        image = cel.image.copy() if cel is not None else sprite.blank()
        mask = session.selection.mask.copy() if session.selection is not None else image[..., 3] > 0
        if not (mask & (image[..., 3] > 0)).any():
            self.errorRaised.emit("Nothing to transform: select some pixels of this layer first.")
            return
        self.active, self.key, self.before, self.mask = True, key, image, mask
        self.session = session
        sprite.events.connect(self._on_change)
        self.box, self.t, self.token = raster.bbox(mask), Transform(), sprite.events.count
        self.messageRaised.emit("Transform: drag inside to move, a handle to scale, outside to "
                                "turn (Shift: 15°); Enter applies, Esc cancels")  # fmt: skip
        self.canvas.update()

    def cancel(self) -> None:
        if self.active:
            self._end()
            self._show(None)

    def _end(self) -> None:
        self.active = False
        self.session.sprite.events.disconnect(self._on_change)

    def _on_change(self, _change) -> None:
        """Any edit while the transform is open puts the transform away unapplied."""
        if self.active:
            self._end()
            self.messageRaised.emit("Transform put away: the sprite changed")
            self.canvas.update()

    @property
    def showing(self) -> bool:
        """Active on the sprite in view (another document makes it inert)."""
        return self.active and self.canvas.session is self.session

    def commit(self) -> None:
        """Enter: the command is built on the task runner (RotSprite over every frame can
        take a while); the preview stays until it lands."""
        if not self.active:
            return
        session, token = self.session, self.token
        self._end()
        if self.canvas.session is not session or session.sprite.events.count != token:
            self._refused(session, "the sprite changed meanwhile; nothing applied")
            return
        make = self._maker(session)

        def done(result) -> None:
            if self.canvas.session is not session or session.sprite.events.count != token:
                self._refused(session, "the sprite changed meanwhile; nothing applied")
                return
            command, new_mask = result
            if command is not None:
                session.history.push(command)
            else:
                self._show(None)
            self.canvas.set_selection(Selection(new_mask) if new_mask.any() else None)

        def failed(exc) -> None:
            self._refused(session, str(exc) if isinstance(exc, DgxPixelsError)
                          else "the sprite changed meanwhile; nothing applied")  # fmt: skip

        if self.submit is None:  # no runner (a bare canvas): here and now
            done(make())
        else:
            self.submit(make, done, failed)

    def _refused(self, session, why: str) -> None:
        if self.canvas.session is session:
            self.canvas.refresh()
        self.errorRaised.emit(f"Transform: {why[:1].lower()}{why[1:]}")

    def _maker(self, session):
        """What the runner computes: the command and where the pixels landed."""
        before, mask, t, key = self.before, self.mask, self.t, self.key
        sprite = session.sprite
        keys = [(key[0], f.id) for f in sprite.frames if (key[0], f.id) in sprite.cels]

        def make():
            after, new_mask = apply(before, mask, t)
            if not self.every_frame:
                return patch_between(sprite, *key, before, after, "Transform"), new_mask
            command = pixels_command(sprite, keys, lambda im: apply(im, mask, t)[0],
                                     "Transform Every Frame")  # fmt: skip
            return command, new_mask

        return make

    def _show(self, image: np.ndarray | None) -> None:
        """The preview (``image`` as the cel), or the sprite itself (None); the sprite is
        never changed before Enter."""
        if self.canvas.session is not self.session:
            return
        if image is None:
            self.canvas.refresh()
        else:
            self.canvas.show_floating(self.key[0], image)

    # -- geometry --------------------------------------------------------------------------
    def _frame(self) -> tuple[float, float, float, float]:
        """The transformed box (x, y, w, h) in sprite pixels, before turning."""
        x, y, w, h = self.box
        nw, nh = w * abs(self.t.sx), h * abs(self.t.sy)
        cx, cy = x + w / 2 + self.t.dx, y + h / 2 + self.t.dy
        return cx - nw / 2, cy - nh / 2, nw, nh

    def _screen(self, px: float, py: float) -> QPointF:
        return self.canvas.offset + QPointF(px, py) * self.canvas.zoom

    def _sprite(self, pos: QPointF) -> tuple[float, float]:
        p = (QPointF(pos) - self.canvas.offset) / self.canvas.zoom
        return p.x(), p.y()

    def _turn(self, px: float, py: float, degrees: float, centre=None) -> tuple[float, float]:
        """(px, py) turned ``degrees`` clockwise about ``centre`` (the box's, by default)."""
        if centre is None:
            x, y, w, h = self._frame()
            centre = (x + w / 2, y + h / 2)
        cx, cy = centre
        a = math.radians(degrees)
        dx, dy = px - cx, py - cy
        return cx + dx * math.cos(a) - dy * math.sin(a), cy + dx * math.sin(a) + dy * math.cos(a)

    def _handles(self) -> dict[str, QPointF]:
        """The eight handles, on the turned box."""
        x, y, w, h = self._frame()
        return {name: self._screen(*self._turn(x + (ex + 1) / 2 * w, y + (ey + 1) / 2 * h,
                                               self.t.angle))
                for name, (ex, ey) in EDGES.items()}  # fmt: skip

    # -- mouse (widget coordinates) --------------------------------------------------------
    def press(self, pos: QPointF, _rect, modifiers) -> bool:
        if not self.showing:
            return False
        for name, point in self._handles().items():
            if math.hypot(point.x() - pos.x(), point.y() - pos.y()) <= HANDLE:
                self._grab = ("scale", name, self.t)
                self._held = modifiers
                return True
        x, y, w, h = self._frame()
        px, py = self._sprite(pos)
        lx, ly = self._turn(px, py, -self.t.angle)  # in the box's own axes
        inside = x <= lx <= x + w and y <= ly <= y + h
        self._grab = ("move" if inside else "turn", (px, py), self.t)
        self._held = modifiers  # Shift at the press keeps snapping the turn
        return True

    def move(self, pos: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> bool:
        if not self.showing or self._grab is None:
            return self.showing
        kind, where, t0 = self._grab
        px, py = self._sprite(pos)
        if kind == "move":
            self.t = Transform(t0.dx + round(px - where[0]), t0.dy + round(py - where[1]),
                               t0.sx, t0.sy, t0.angle)  # fmt: skip
        elif kind == "turn":
            held = modifiers | self._held  # Shift at the press keeps snapping
            self.t = Transform(t0.dx, t0.dy, t0.sx, t0.sy, self._angle(where, px, py, t0, held))
        else:
            self.t = self._scaled(where, px, py, t0)
        try:
            self._show(apply(self.before, self.mask, self.t)[0])
        except DgxPixelsError as exc:
            self.t = t0
            self.errorRaised.emit(str(exc))
        return True

    def _angle(self, start, px, py, t0: Transform, modifiers) -> float:
        x, y, w, h = self._frame()
        cx, cy = x + w / 2, y + h / 2
        turn = math.degrees(math.atan2(py - cy, px - cx) - math.atan2(start[1] - cy, start[0] - cx))
        angle = (t0.angle + turn + 180) % 360 - 180
        return round(angle / 15) * 15 if modifiers & Qt.KeyboardModifier.ShiftModifier else angle

    def _scaled(self, name: str, px: float, py: float, t0: Transform) -> Transform:
        """The handle follows the pointer; the opposite side stays put (in the box's own
        axes when it is turned)."""
        ex, ey = EDGES[name]
        bx, by, bw, bh = self.box
        centre = (bx + bw / 2 + t0.dx, by + bh / 2 + t0.dy)  # as at the press
        lx, ly = self._turn(px, py, -t0.angle, centre)
        sx, sy, ox, oy = t0.sx, t0.sy, 0.0, 0.0
        if ex:
            fixed = centre[0] - ex * bw * abs(t0.sx) / 2
            span = round(lx - fixed) * ex
            sx = (span if span else 1) / bw * (1 if t0.sx > 0 else -1)
            ox = fixed + ex * span / 2 - centre[0]
        if ey:
            fixed = centre[1] - ey * bh * abs(t0.sy) / 2
            span = round(ly - fixed) * ey
            sy = (span if span else 1) / bh * (1 if t0.sy > 0 else -1)
            oy = fixed + ey * span / 2 - centre[1]
        a = math.radians(t0.angle)  # the centre's shift, back in the sprite's axes
        dx = ox * math.cos(a) - oy * math.sin(a)
        dy = ox * math.sin(a) + oy * math.cos(a)
        return Transform(t0.dx + dx, t0.dy + dy, sx, sy, t0.angle)

    def release(self) -> bool:
        if not self.showing:
            return False
        self._grab = None
        return True

    # -- paint -----------------------------------------------------------------------------
    def paint(self, painter) -> None:
        if not self.showing:
            return
        painter.save()  # the canvas paints on after this: leave its pen and brush as found
        self._paint_box(painter)
        painter.restore()

    def _paint_box(self, painter) -> None:
        x, y, w, h = self._frame()
        corners = [self._screen(*self._turn(cx, cy, self.t.angle))
                   for cx, cy in ((x, y), (x + w, y), (x + w, y + h), (x, y + h))]  # fmt: skip
        painter.setPen(QPen(QColor(255, 200, 0), 1, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolygon(QPolygonF(corners))
        bottom_right = max(corners, key=lambda p: (p.x(), p.y()))
        painter.setPen(QPen(QColor(0, 0, 0), 1))
        painter.setBrush(QColor(255, 255, 255))
        for point in self._handles().values():
            painter.drawRect(QRectF(point.x() - 3, point.y() - 3, 6, 6))
        if self.t.angle:
            painter.setPen(QColor(255, 200, 0))
            painter.drawText(bottom_right + QPointF(6, 0), f"{self.t.angle:.0f}°")
