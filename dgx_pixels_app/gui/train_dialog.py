"""Model ▸ Train LoRA…: choose the references, start, watch the loss and the samples.

Training runs in its own process (``dgx-pixels train-lora --json-progress``) started
with QProcess: the editor stays responsive, a crash in training cannot take it
down, Cancel is immediate, Pause asks the trainer to checkpoint and stop (SIGTERM)
and Resume continues from that checkpoint. The trainer dies with the app.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QProcess, QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from dgx_pixels_app.core.words import counted
from dgx_pixels_app.gui.image_view import ImageView
from dgx_pixels_app.gui.loss_plot import LossPlot
from dgx_pixels_app.gui.thumbnails import thumbnail
from dgx_pixels_app.training.dataset import IMAGE_SUFFIXES

MAX_THUMBNAILS = 60


class TrainDialog(QDialog):
    trained = Signal(str)  # the LoRA file, when training finished
    busy = Signal(bool)  # a trainer process is using the GPU

    def __init__(
        self, model: str | None, loaded: str | None, folder: str = "", parent=None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Train LoRA")
        self.model, self.loaded = model, loaded
        self.process: QProcess | None = None
        self.state = "idle"  # idle, running, pausing, paused, done
        self._buffer = ""
        self.folder = QLineEdit(folder)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._choose)
        self.folder.editingFinished.connect(self._show_folder)
        self.thumbs = _thumb_strip()
        self.summary = QLabel(
            "Choose a folder of 50–100 reference sprites (captions: same-name .txt)."
        )
        self.summary.setWordWrap(True)
        self._build_settings()
        memory = (
            f"The loaded model ({Path(loaded).name}) is unloaded while training, so both fit "
            "in memory, and loaded again afterwards."
            if loaded
            else "No model is loaded: training has the GPU to itself."
        )
        self.memory = QLabel(memory)
        self.memory.setWordWrap(True)
        self.progress = QProgressBar()
        self.status = QLabel()
        self.plot = LossPlot()
        self.sample = ImageView(placeholder="samples appear here")
        self.sample.setMinimumSize(128, 128)
        self.start = QPushButton("Start")
        self.start.clicked.connect(self.start_training)
        self.pause = QPushButton("Pause")
        self.pause.clicked.connect(self.pause_training)
        self.cancel_button = QPushButton("Cancel Training")
        self.cancel_button.clicked.connect(self.cancel_training)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close)

        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("References", row)
        form.addRow("", self.thumbs)
        form.addRow("", self.summary)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output, 1)
        save_as = QPushButton("Save As…")
        save_as.clicked.connect(self._choose_output)
        out_row.addWidget(save_as)
        form.addRow("LoRA file", out_row)
        form.addRow("Trigger word", self.trigger)
        form.addRow("Rank", self.rank)
        form.addRow("Steps", self.steps)
        form.addRow("Batch", self.batch)
        form.addRow("Resolution", self.resolution)
        form.addRow("Learning rate", self.lr)
        form.addRow("", self.text_encoder)
        form.addRow("Sample every", self.sample_every)
        form.addRow("Sample prompt", self.sample_prompt)
        form.addRow("", self.memory)
        watch = QHBoxLayout()
        watch.addWidget(self.plot, 2)
        watch.addWidget(self.sample, 1)
        buttons = QHBoxLayout()
        for button in (self.start, self.pause, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(watch, 1)
        layout.addLayout(buttons)
        self._set_state("idle")
        if folder:
            self._show_folder()

    def _build_settings(self) -> None:
        self.output = QLineEdit()
        self.trigger = QLineEdit()
        self.trigger.setPlaceholderText("a word for your style, e.g. mystyle")
        self.rank = _spin(1, 128, 16)
        self.steps = _spin(1, 100000, 3000)
        self.batch = _spin(1, 32, 4)
        self.resolution = _spin(128, 2048, 1024, 64)
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(6)
        self.lr.setRange(1e-6, 1e-2)
        self.lr.setSingleStep(1e-5)
        self.lr.setValue(1e-4)
        self.text_encoder = QCheckBox("Also train the text encoders")
        self.sample_every = _spin(0, 100000, 250)
        self.sample_prompt = QLineEdit("pixel art, a knight, game sprite")

    # -- the folder ------------------------------------------------------------------
    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Reference Sprites", self.folder.text())
        if folder:
            self.folder.setText(folder)
            self._show_folder()

    def _show_folder(self) -> None:
        from dgx_pixels_app.core.errors import DgxPixelsError
        from dgx_pixels_app.formats.images import read_rgba

        folder = Path(self.folder.text()).expanduser()
        self.thumbs.clear()
        if not folder.is_dir():
            self.summary.setText(f"'{folder}' is not a folder.")
            return
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        captions = sum(1 for p in files if p.with_suffix(".txt").is_file())
        for path in files[:MAX_THUMBNAILS]:
            try:
                icon = (
                    QIcon(thumbnail(read_rgba(path), 48))
                    if path.suffix.lower() not in (".aseprite", ".ase")
                    else QIcon()
                )
            except DgxPixelsError:
                icon = QIcon()
            self.thumbs.addItem(QListWidgetItem(icon, path.stem))
        self.summary.setText(
            f"{counted(len(files), 'image')}, {counted(captions, 'caption file')} in {folder.name}"
        )
        if not self.output.text():
            self.output.setText(str(folder.parent / f"{folder.name}-style.safetensors"))

    # -- the process -----------------------------------------------------------------
    def arguments(self, resume: bool = False) -> list[str]:
        args = [
            "-m", "dgx_pixels_app", "train-lora", self.folder.text(), "-o", self.output.text(),
            "--rank", str(self.rank.value()), "--alpha", str(self.rank.value()),
            "--steps", str(self.steps.value()), "--batch", str(self.batch.value()),
            "--resolution", str(self.resolution.value()), "--lr", f"{self.lr.value():g}",
            "--save-every", str(max(1, min(500, self.steps.value() // 4 or 1))),
            "--json-progress", "--die-with-parent",
        ]  # fmt: skip
        if self.model:
            args += ["--model", self.model]
        if self.trigger.text().strip():
            args += ["--trigger", self.trigger.text().strip()]
        if self.text_encoder.isChecked():
            args.append("--text-encoder")
        if self.sample_every.value() and self.sample_prompt.text().strip():
            args += ["--sample-every", str(self.sample_every.value()),
                     "--sample-prompt", self.sample_prompt.text().strip()]  # fmt: skip
        if resume:
            args.append("--resume")
        return args

    def start_training(self) -> None:
        resume = self.state == "paused"
        problem = self._missing()
        if problem:
            self.status.setText(problem)
            return
        overwrite = False
        if not resume:
            answer = self._earlier_run()
            if answer == "cancel":
                return
            overwrite = answer == "replace"
            self._clean_slate()
        self.process = QProcess(self)
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        self.process.readyReadStandardOutput.connect(self._read)
        self.process.finished.connect(self._finished)
        self._errors = ""
        self.process.readyReadStandardError.connect(self._read_errors)
        self.process.start(sys.executable, self.arguments(resume) + ["--overwrite"] * overwrite)
        self._set_state("running")
        self.status.setText("Resuming…" if resume else "Preparing the references and the model…")

    def _missing(self) -> str:
        """What must be given before a start (said in the dialog, nothing started)."""
        folder, out = self.folder.text().strip(), self.output.text().strip()
        if not folder or not Path(folder).expanduser().is_dir():
            return "Choose the folder of reference sprites first (Browse…)."
        if not out.endswith(".safetensors") or not Path(out).name.removesuffix(".safetensors"):
            return "Give the LoRA file a name ending in .safetensors (Save As…)."
        return ""

    def _choose_output(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "LoRA file", self.output.text(),
                                              "LoRA (*.safetensors)")  # fmt: skip
        if path:
            self.output.setText(path if path.endswith(".safetensors") else path + ".safetensors")

    def _clean_slate(self) -> None:
        """A new run starts with an empty bar, plot and sample."""
        self.progress.setRange(0, self.steps.value())
        self.progress.setValue(0)
        self.plot.clear()
        self.sample.set_image(None)

    def _earlier_run(self) -> str:
        """ "new" (nothing there, or a free name was picked), "replace", or "cancel": an
        earlier run's LoRA, loss log or checkpoint is never replaced unasked."""
        out = Path(self.output.text()).expanduser()
        earlier = [p for p in _run_files(out) if p.exists()]
        if not earlier:
            return "new"
        answer = self.ask_earlier_run(out.name, [p.name for p in earlier])
        if answer == "rename":
            self.output.setText(str(_free_name(out)))
            return "new"
        return answer

    def ask_earlier_run(self, name: str, files: list[str]) -> str:
        """ "rename", "replace" or "cancel" (tests answer without a dialog)."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Question, "Train LoRA",
                          f"{name} has an earlier run here ({', '.join(files)}).", parent=self)  # fmt: skip
        box.setInformativeText("Keep it and train into a new name, or replace it?")
        rename = box.addButton("New Name", QMessageBox.ButtonRole.AcceptRole)
        replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(rename)
        box.exec()
        clicked = box.clickedButton()
        return "rename" if clicked is rename else "replace" if clicked is replace else "cancel"

    def pause_training(self) -> None:
        if self.process is not None and self.state == "running":
            self._set_state("pausing")
            self.status.setText("Saving a checkpoint, then pausing…")
            self.process.terminate()  # the trainer checkpoints and exits

    def cancel_training(self) -> None:
        if self.process is not None and self.state in ("running", "pausing"):
            self.process.kill()
        self._set_state("idle")
        self.status.setText("Cancelled.")

    def _read_errors(self) -> None:
        self._errors += bytes(self.process.readAllStandardError()).decode(errors="replace")

    def _read(self) -> None:
        self._buffer += bytes(self.process.readAllStandardOutput()).decode(errors="replace")
        *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            try:
                self.handle(json.loads(line))
            except (ValueError, KeyError, TypeError):
                continue

    def handle(self, event: dict) -> None:
        kind = event.get("kind")
        if kind == "summary":
            self.summary.setText(event["text"])
        elif kind == "step":
            self.progress.setRange(0, event["total"])
            self.progress.setValue(event["step"])
            self.plot.add(event["step"], event.get("loss", event["smoothed"]), event["smoothed"])
            self.status.setText(
                f"step {event['step']}/{event['total']} · loss {event['smoothed']:.4f} · "
                f"{event['it_per_s']:.2f} it/s · ETA {_duration(event['eta_s'])}"
            )
        elif kind == "resumed":
            self.progress.setValue(event["step"])
            self.status.setText(f"Resumed from the checkpoint at step {event['step']}…")
        elif kind == "sample":
            from dgx_pixels_app.formats.images import read_rgba

            self.sample.set_image(read_rgba(event["path"]))
        elif kind == "done":
            self._set_state("done")
            self.status.setText(f"Done: {event['path']} — added to the LoRA dock.")
            self.trained.emit(event["path"])

    def _finished(self, code: int, _status) -> None:
        if self.state == "pausing":
            self._set_state("paused")
            self.status.setText("Paused at the last checkpoint: Resume continues.")
        elif self.state == "running":
            message = next((line[len("dgx-pixels: error: "):] for line in self._errors.splitlines()
                            if line.startswith("dgx-pixels: error: ")), "")  # fmt: skip
            self._set_state("idle")
            self.status.setText(f"Training stopped: {message or f'the trainer exited ({code}).'}")

    def _set_state(self, state: str) -> None:
        was = getattr(self, "state", "idle") in ("running", "pausing")
        self.state = state
        now = state in ("running", "pausing")
        if was != now:
            self.busy.emit(now)
        self.start.setText("Resume" if state == "paused" else "Start")
        self.start.setEnabled(state in ("idle", "paused", "done"))
        self.pause.setEnabled(state == "running")
        self.cancel_button.setEnabled(state in ("running", "pausing"))

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.process is not None and self.state in ("running", "pausing"):
            self.process.kill()
            self.process.waitForFinished(5000)
        super().closeEvent(event)


def _thumb_strip() -> QListWidget:
    thumbs = QListWidget()
    thumbs.setViewMode(QListView.ViewMode.IconMode)
    thumbs.setIconSize(QSize(48, 48))
    thumbs.setGridSize(QSize(76, 68))
    thumbs.setResizeMode(QListView.ResizeMode.Adjust)
    thumbs.setMovement(QListView.Movement.Static)
    thumbs.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    thumbs.setFixedHeight(150)  # two rows whatever the dialog's height
    return thumbs


def _run_files(out: Path) -> list[Path]:
    """What a run at ``out`` writes (training/config.py names the same)."""
    stem = out.stem
    return [out, out.with_name(stem + ".train.jsonl"), out.with_name(stem + ".checkpoint.pt"),
            out.with_name(stem + "-samples")]  # fmt: skip


def _free_name(out: Path) -> Path:
    """``name-2.safetensors``, ``name-3``…: the first with no run of its own."""
    for n in range(2, 1000):
        candidate = out.with_name(f"{out.stem}-{n}{out.suffix}")
        if not any(p.exists() for p in _run_files(candidate)):
            return candidate
    return out.with_name(f"{out.stem}-new{out.suffix}")


def _spin(lo: int, hi: int, value: int, step: int = 1) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(lo, hi)
    spin.setSingleStep(step)
    spin.setValue(value)
    return spin


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return (
        f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
        if seconds >= 3600
        else f"{seconds // 60}m{seconds % 60:02d}s"
    )
