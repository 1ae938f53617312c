"""Prompt dock: what to generate. Builds a ``GenerationRequest`` on the UI thread.

Generation itself needs a loaded model (Model ▸ Load); until one is loaded the
Generate button says so instead of failing.
"""

from __future__ import annotations

import random

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.generation import GenerationRequest

MAX_SEED = 2**32 - 1


class PromptPanel(QWidget):
    generateRequested = Signal(object)  # GenerationRequest

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText("pixel art knight, side view, idle pose, plain background")
        self.prompt.setMaximumHeight(80)
        self.negative = QPlainTextEdit()
        self.negative.setPlaceholderText("blurry, smooth shading, text, watermark")
        self.negative.setMaximumHeight(50)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.lock_seed = QCheckBox("Lock")
        self.lock_seed.setToolTip("Keep this seed; unticked, each generation draws a new one")
        self.steps = QSpinBox()
        self.steps.setRange(1, 150)
        self.steps.setValue(25)
        self.cfg = QDoubleSpinBox()
        self.cfg.setRange(1.0, 30.0)
        self.cfg.setSingleStep(0.5)
        self.cfg.setValue(6.0)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.lock_seed)
        form = QFormLayout()
        form.addRow("Prompt", self.prompt)
        form.addRow("Negative", self.negative)
        form.addRow("Seed", seed_row)
        form.addRow("Steps", self.steps)
        form.addRow("CFG", self.cfg)
        self.generate = QPushButton("Generate")
        self.generate.clicked.connect(self._on_generate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(form)
        layout.addWidget(self.generate)
        layout.addStretch(1)
        self.set_model_loaded(False)

    def set_model_loaded(self, loaded: bool) -> None:
        self.generate.setEnabled(loaded)
        self.generate.setToolTip(
            "Generate sprites (Ctrl+Enter)" if loaded else "Load a model first (Model menu)"
        )

    def request(self) -> GenerationRequest:
        if not self.lock_seed.isChecked():
            self.seed.setValue(random.randint(0, 2**31 - 1))
        return GenerationRequest(
            prompt=self.prompt.toPlainText().strip(),
            negative_prompt=self.negative.toPlainText().strip(),
            seed=self.seed.value(),
            steps=self.steps.value(),
            cfg=self.cfg.value(),
        )

    def _on_generate(self) -> None:
        self.generateRequested.emit(self.request())
