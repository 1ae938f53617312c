"""A progress bar in the status bar for sprite-wide work on the task runner: it shows
after 0.3 s (quick operations never flash it) and counts the cels done."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QProgressBar, QStatusBar

from dgx_pixels_app.core.parallel import Progress

SHOW_AFTER_S = 0.3


class OpProgress(QObject):
    def __init__(self, status_bar: QStatusBar, parent: QObject) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.hide()
        status_bar.addPermanentWidget(self.bar)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._poll)
        self._progress: Progress | None = None
        self._title, self._started = "", 0.0

    def track(self, title: str, progress: Progress) -> None:
        self._progress, self._title, self._started = progress, title, time.monotonic()
        self.timer.start()

    def finish(self, progress: Progress | None = None) -> None:
        """The bar goes when the operation it shows ends (another one may have taken it)."""
        if progress is not None and progress is not self._progress:
            return
        self.timer.stop()
        self._progress = None
        self.bar.hide()

    def _poll(self) -> None:
        progress = self._progress
        if progress is None or time.monotonic() - self._started < SHOW_AFTER_S:
            return
        self.bar.setMaximum(max(1, progress.total))
        self.bar.setValue(progress.done)
        self.bar.setFormat(f"{self._title}: {progress.done}/{progress.total} cels")
        self.bar.show()
