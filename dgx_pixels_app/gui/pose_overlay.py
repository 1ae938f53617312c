"""The pose layer on the canvas: the frame's skeleton drawn over the sprite (OpenPose
colours), and its joints dragged with the mouse when the pose layer is the active
one. A whole drag is one undoable command (core.pose_commands.SetPose)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen

from dgx_pixels_app.core.pose import JOINTS, LIMBS
from dgx_pixels_app.core.pose_commands import SetPose, pose_at
from dgx_pixels_app.formats.pose_image import COLORS

GRAB_PX = 10  # how near (screen px) a press must be to grab a joint


def joint_label(index: int) -> str:
    """'r_wrist' as a person says it: 'right wrist'."""
    side, _, name = JOINTS[index].rpartition("_")
    return f"{ {'r': 'right', 'l': 'left'}.get(side, side) } {name}".strip()


class PoseOverlay:
    def __init__(self, view) -> None:
        self.view = view
        self._drag: tuple | None = None  # (layer id, frame id, before, joint index, points)

    def _skeleton(self):
        """(pose layer, points) shown: the active layer's when it is a visible pose
        layer (the one a drag edits), else the topmost visible one's."""
        session = self.view.session
        if session is None:
            return None
        layer = session.layer
        frame_id = session.sprite.frames[session.frame_index].id
        if layer.pose is not None and layer.visible and layer.pose.get(frame_id):
            found = layer, layer.pose[frame_id]
        else:
            found = pose_at(session.sprite, session.frame_index)
        if self._drag is not None and found is not None:
            return found[0], self._drag[4]
        return found

    def _screen(self, target: QRect, point) -> QPointF:
        return QPointF(target.left() + point[0] * target.width(),
                       target.top() + point[1] * target.height())  # fmt: skip

    def paint(self, painter: QPainter, target: QRect) -> None:
        found = self._skeleton()
        if found is None:
            return
        _layer, points = found
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        width = max(2.0, min(target.width(), target.height()) / 90)
        for i, (a, b) in enumerate(LIMBS):
            if points[a] is not None and points[b] is not None:
                pen = QPen(QColor(*COLORS[i], 200))
                pen.setWidthF(width)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                painter.setPen(pen)
                painter.drawLine(self._screen(target, points[a]), self._screen(target, points[b]))
        radius = width * 1.6
        for i, point in enumerate(points):
            if point is not None:
                painter.setPen(QPen(QColor(20, 20, 20), 1))
                painter.setBrush(QBrush(QColor(*COLORS[i])))
                painter.drawEllipse(self._screen(target, point), radius, radius)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def active(self) -> bool:
        """The active layer is a pose layer: the mouse moves joints, not pixels."""
        session = self.view.session
        return session is not None and session.layer.pose is not None

    def press(self, pos: QPointF, target: QRect) -> bool:
        """On a pose layer a press grabs the nearest joint, or does nothing: it never
        paints pixels into the pose layer."""
        if not self.active():
            return False
        found = self._skeleton()
        if found is None or found[0] is not self.view.session.layer:
            return True  # hidden, or no skeleton on this frame
        layer, points = found
        best, best_d = None, GRAB_PX**2
        for i, point in enumerate(points):
            if point is None:
                continue
            p = self._screen(target, point)
            d = (p.x() - pos.x()) ** 2 + (p.y() - pos.y()) ** 2
            if d <= best_d:
                best, best_d = i, d
        if best is None:
            return True  # on a pose layer a press never paints
        frame_id = self.view.session.sprite.frames[self.view.session.frame_index].id
        self._drag = (layer.id, frame_id, list(points), best, list(points))
        return True

    def move(self, pos: QPointF, target: QRect) -> bool:
        if self._drag is None:
            return False
        x = (pos.x() - target.left()) / max(1, target.width())
        y = (pos.y() - target.top()) / max(1, target.height())
        self._drag[4][self._drag[3]] = (min(max(x, -0.5), 1.5), min(max(y, -0.5), 1.5))
        self.view.update()
        return True

    def release(self) -> bool:
        if self._drag is None:
            return False
        layer_id, frame_id, before, joint, after = self._drag
        self._drag = None
        if after != before:
            command = SetPose(layer_id, frame_id, before, after, label=f"Move {joint_label(joint)}")
            self.view.session.history.push(command)
        self.view.update()
        return True
