"""Model ▸ Compare: the same prompt and seed across 2–4 model/LoRA configurations,
side by side with their settings; pick the winner into the document."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.generation import parse_lora
from dgx_pixels_app.gui.image_view import ImageView
from dgx_pixels_app.gui.results_panel import ResultItem, describe

SLOTS = 4


def _lora_text(loras) -> str:
    return ", ".join(f"{lr.path}:{lr.weight:g}" for lr in loras if lr.enabled)


class CompareDialog(QDialog):
    def __init__(self, engine_client, request, loras, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare Models and LoRAs")
        self.resize(1100, 760)
        self.client = engine_client
        self.request = replace(request, seed=request.seed)
        self.winner: ResultItem | None = None
        self.items: dict[int, ResultItem] = {}
        self._jobs: dict[int, int] = {}  # job id -> slot
        current = str(engine_client.model.path) if engine_client.model else ""
        grid = QGridLayout()
        self.models, self.loras, self.views, self.labels, self.picks = [], [], [], [], []
        defaults = [_lora_text(loras), "", "", ""]
        for slot in range(SLOTS):
            box = QGroupBox(f"Configuration {slot + 1}")
            column = QVBoxLayout(box)
            model = QLineEdit(current if slot < 2 else "")
            model.setPlaceholderText("model (empty: skip this slot)")
            lora = QLineEdit(defaults[slot])
            lora.setPlaceholderText("LoRAs: file.safetensors:0.8, other.safetensors:0.5")
            view = ImageView(placeholder="")
            label = QLabel()
            label.setWordWrap(True)
            pick = QRadioButton("Winner")
            pick.setEnabled(False)
            for widget in (model, lora, view, label, pick):
                column.addWidget(widget)
            grid.addWidget(box, slot // 2, slot % 2)
            self.models.append(model)
            self.loras.append(lora)
            self.views.append(view)
            self.labels.append(label)
            self.picks.append(pick)
        self.status = QLabel(f"Prompt: {request.prompt[:120]} · seed {request.seed}")
        self.status.setWordWrap(True)
        run = QPushButton("Run")
        run.clicked.connect(self.run)
        use = QPushButton("Use Winner")
        use.clicked.connect(self._use)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (run, use, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addLayout(buttons)
        engine_client.jobFinished.connect(self._finished)
        engine_client.jobFailed.connect(self._failed)

    def run(self) -> None:
        self.items.clear()
        for slot in range(SLOTS):
            model = self.models[slot].text().strip()
            if not model:
                continue
            try:
                loras = [
                    parse_lora(t.strip()) for t in self.loras[slot].text().split(",") if t.strip()
                ]
            except DgxPixelsError as exc:
                self.labels[slot].setText(str(exc))
                continue
            self.labels[slot].setText("Queued…")
            job = self.client.submit(replace(self.request, loras=loras), 1, model=model)
            self._jobs[job.id] = slot

    def _finished(self, job, result) -> None:
        slot = self._jobs.pop(job.id, None) if job else None
        if slot is None:
            return
        item = ResultItem(result.images[0], result.requests[0])
        self.items[slot] = item
        self.views[slot].set_image(item.image)
        self.labels[slot].setText(f"{describe(item.request)}\nmodel: {item.request.model}")
        self.picks[slot].setEnabled(True)

    def _failed(self, job, message: str) -> None:
        slot = self._jobs.pop(job.id, None) if job else None
        if slot is not None:
            self.labels[slot].setText(message)

    def _use(self) -> None:
        for slot, pick in enumerate(self.picks):
            if pick.isChecked() and slot in self.items:
                self.winner = self.items[slot]
                self.accept()
                return
        self.status.setText("Pick a winner first.")

    def done(self, result: int) -> None:
        self.client.jobFinished.disconnect(self._finished)
        self.client.jobFailed.disconnect(self._failed)
        super().done(result)
