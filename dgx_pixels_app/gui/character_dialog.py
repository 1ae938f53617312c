"""Animation ▸ Generate Character… and Animation ▸ Add Pose Layer…: pick a template,
directions and body shape, and see the skeletons before anything is generated."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.pose import DIRECTION_SETS, DIRECTIONS
from dgx_pixels_app.core.words import counted
from dgx_pixels_app.formats.pose_image import render_pose
from dgx_pixels_app.jobs.poses import templates

THUMB = 72


def skeleton_strip(skeletons: list, side: int = THUMB, width: int = 480) -> QPixmap:
    """Skeletons side by side, as the pose ControlNet will see them, in ``width`` px at
    most (a 16-frame template keeps the dialog on a 1280 px screen)."""
    side = max(24, min(side, width // max(1, len(skeletons))))
    images = [render_pose(s, side, side) for s in skeletons] or [
        np.zeros((side, side, 3), np.uint8)
    ]
    strip = np.ascontiguousarray(np.concatenate(images, axis=1))
    h, w = strip.shape[:2]
    return QPixmap.fromImage(QImage(strip.data, w, h, w * 3, QImage.Format.Format_RGB888).copy())


def _shape_combo() -> QComboBox:
    combo = QComboBox()
    for label, value in (("Auto (chibi at 32 px and below)", ""), ("Tall", "tall"),
                         ("Chibi (big head)", "chibi")):  # fmt: skip
        combo.addItem(label, value)
    return combo


class PoseLayerDialog(QDialog):
    """A template, a direction and a body shape: the pose layer's skeletons."""

    def __init__(self, size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add Pose Layer")
        self.size_px = size
        self.template = QComboBox()
        for tid, t in sorted(templates().items()):
            self.template.addItem(f"{t.label} ({counted(len(t.frames), 'frame')})", tid)
        self.direction = QComboBox()
        self.direction.addItems(list(DIRECTIONS))
        self.shape = _shape_combo()
        self.view = QComboBox()
        self.view.addItems(["side", "top-down"])
        self.add_frames = QCheckBox("Add frames so every template frame has one")
        self.add_frames.setChecked(True)
        self.preview = QLabel()
        form = QFormLayout(self)
        form.addRow("Template", self.template)
        form.addRow("Facing", self.direction)
        form.addRow("Body", self.shape)
        form.addRow("View", self.view)
        form.addRow(self.add_frames)
        form.addRow(self.preview)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)  # fmt: skip
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        for combo in (self.template, self.direction, self.shape, self.view):
            combo.currentIndexChanged.connect(self._update)
        self._update()

    def choice(self) -> tuple[str, str, str, str]:
        shape = self.shape.currentData() or ("chibi" if self.size_px <= 32 else "tall")
        return (self.template.currentData(), self.direction.currentText(), shape,
                self.view.currentText())  # fmt: skip

    def skeletons(self) -> list:
        template, direction, shape, view = self.choice()
        return templates()[template].skeletons(direction, shape, view)

    def durations(self) -> list[int]:
        return [f.duration_ms for f in templates()[self.choice()[0]].frames]

    def _update(self) -> None:
        try:
            self.preview.setPixmap(skeleton_strip(self.skeletons(), 56))
        except DgxPixelsError as exc:  # a saved pose has its own direction only
            self.preview.setText(str(exc))


class CharacterDialog(QDialog):
    """Reference, what it is, directions, actions, size: and the skeletons it will use."""

    def __init__(self, has_sprite: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Generate Character")
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("a PNG of the character (a sprite)")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.use_frame = QCheckBox("Use the open sprite's current frame")
        self.use_frame.setEnabled(has_sprite)
        self.use_frame.setChecked(has_sprite)
        self.prompt = QLineEdit("character")
        self.directions = QComboBox()
        for n in DIRECTION_SETS:
            self.directions.addItem(f"{n} ({', '.join(DIRECTION_SETS[n])})", n)
        self.directions.setCurrentIndex(2)
        self.actions: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for i, (tid, t) in enumerate(sorted(templates().items())):
            box = QCheckBox(f"{tid} ({len(t.frames)})")
            box.setChecked(tid in ("idle", "walk"))
            box.toggled.connect(self._update)
            self.actions[tid] = box
            grid.addWidget(box, i // 4, i % 4)
        self.size = QSpinBox()
        self.size.setRange(8, 256)
        self.size.setSingleStep(4)
        self.size.setValue(48)
        self.shape = _shape_combo()
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.save_as = QLineEdit()
        self.save_as.setPlaceholderText("optional: keep it as a named character")
        form = QFormLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.reference)
        row.addWidget(browse)
        form.addRow("Reference", row)
        form.addRow("", self.use_frame)
        form.addRow("What it is", self.prompt)
        form.addRow("Directions", self.directions)
        form.addRow("Actions", grid)
        form.addRow("Size (px)", self.size)
        form.addRow("Body", self.shape)
        form.addRow("Skeletons", self.preview)
        form.addRow("Keep as", self.save_as)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.generate = buttons.addButton("Generate", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        for w in (self.directions, self.shape):
            w.currentIndexChanged.connect(self._update)
        self.size.valueChanged.connect(self._update)
        self._update()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Reference image", "", "Images (*.png *.gif *.webp *.jpg)"
        )
        if path:
            self.reference.setText(path)
            self.use_frame.setChecked(False)

    def chosen_actions(self) -> list[str]:
        return [tid for tid, box in self.actions.items() if box.isChecked()]

    def shape_value(self) -> str:
        return self.shape.currentData() or ("chibi" if self.size.value() <= 32 else "tall")

    def _update(self) -> None:
        """The first action's first frame, facing each direction."""
        actions = self.chosen_actions()
        self.generate.setEnabled(bool(actions))
        if not actions:
            self.preview.setText("Tick at least one action.")
            return
        count = self.directions.currentData()
        view = "side" if count <= 2 else "top-down"
        template = templates()[actions[0]]
        try:
            shown = [template.skeletons(d, self.shape_value(), view)[0]
                     for d in DIRECTION_SETS[count]]  # fmt: skip
        except DgxPixelsError as exc:
            self.preview.setText(str(exc))
            return
        self.preview.setPixmap(skeleton_strip(shown, 64))
