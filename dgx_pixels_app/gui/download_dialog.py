"""Model ▸ Download from Hugging Face: an explicit, resumable download with progress."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app import settings as app_settings
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.engine.download import download
from dgx_pixels_app.gui.tasks import TaskRunner


class _Bytes(QObject):
    progressed = Signal(int, int)


class DownloadDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Download from Hugging Face")
        self.resize(560, 180)
        self.downloaded: str | None = None
        self.source = QLineEdit("stabilityai/stable-diffusion-xl-base-1.0")
        self.source.setToolTip("owner/repo for a diffusers model, or owner/repo/file.safetensors")
        self.bar = QProgressBar()
        self.info = QLabel(
            f"Saved under {app_settings.models_dir()}. Safetensors only; an interrupted download resumes."
        )
        self.info.setWordWrap(True)
        self.start = QPushButton("Download")
        self.start.clicked.connect(self.begin)
        self.stop = QPushButton("Cancel")
        self.stop.clicked.connect(self._cancel)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.start)
        row.addWidget(self.stop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source)
        layout.addWidget(self.bar)
        layout.addWidget(self.info)
        layout.addLayout(row)
        self.runner = TaskRunner(self, max_threads=1)
        self.bytes = _Bytes(self)
        self.bytes.progressed.connect(self._on_bytes)
        self._cancelled = threading.Event()

    def begin(self) -> None:
        self.start.setEnabled(False)
        self._cancelled.clear()
        source, folder = self.source.text(), app_settings.models_dir()
        emit = self.bytes.progressed.emit
        self.runner.submit(
            lambda: download(source, folder, lambda n, t: emit(n, t), self._cancelled.is_set),
            self._done,
            self._failed,
        )

    @Slot(int, int)
    def _on_bytes(self, done: int, total: int) -> None:
        if total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * done / total))
            self.info.setText(f"{done / 2**20:,.0f} MiB of {total / 2**20:,.0f} MiB")

    def _done(self, path) -> None:
        self.downloaded = str(path)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.start.setEnabled(True)
        self.info.setText(
            str(exc) if isinstance(exc, DgxPixelsError) else f"Download failed: {exc}"
        )

    def _cancel(self) -> None:
        if self.runner.busy:
            self._cancelled.set()
        else:
            self.reject()

    def done(self, result: int) -> None:
        self._cancelled.set()
        self.runner.wait()
        super().done(result)
