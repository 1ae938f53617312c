"""Animation ▸ Generate Frames: a strip of N poses, the next frame from the current
one, or N variations to pick from, with idle/walk/attack presets."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.jobs.frame_requests import FramesPlan, plan_frames
from dgx_pixels_app.resources import animation_presets, generation_defaults


class FramesDialog(QDialog):
    def __init__(self, base: GenerationRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Generate Frames")
        self.base = base
        try:
            self.presets = animation_presets()
        except DgxPixelsError:
            self.presets = []
        self.mode = QComboBox()
        self.mode.addItem("A strip of N poses in one image (shared palette and grid)", "strip")
        self.mode.addItem("Next frame from the current one (image-to-image, same seed)", "next")
        self.mode.addItem("N variations to pick from (Results ▸ Add as Frame)", "variations")
        self.preset = QComboBox()
        for preset in self.presets:
            self.preset.addItem(preset["label"], preset["id"])
        self.subject = QLineEdit(base.extra.get("subject") or base.prompt)
        self.count = QSpinBox()
        self.count.setRange(1, 16)
        self.strength = QDoubleSpinBox()
        self.strength.setRange(0.05, 1.0)
        self.strength.setSingleStep(0.05)
        self.preset.currentIndexChanged.connect(self._apply_preset)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Mode", self.mode)
        form.addRow("Animation", self.preset)
        form.addRow("Subject", self.subject)
        form.addRow("Frames", self.count)
        form.addRow("Strength (next frame)", self.strength)
        form.addRow(buttons)
        self._apply_preset()

    def current_preset(self) -> dict:
        return next(
            (p for p in self.presets if p["id"] == self.preset.currentData()),
            {"strip": "{subject}", "action": "{subject}"},
        )

    def _apply_preset(self) -> None:
        preset = self.current_preset()
        self.count.setValue(int(preset.get("frames", self.count.value())))
        self.strength.setValue(
            float(preset.get("strength", generation_defaults()["chain_strength"]))
        )

    def plan(self) -> FramesPlan:
        return plan_frames(
            self.mode.currentData(),
            self.subject.text().strip(),
            self.current_preset(),
            self.base,
            self.count.value(),
            self.strength.value(),
        )
