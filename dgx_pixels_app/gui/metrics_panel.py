"""Metrics dock: the cost of recent jobs (s/image, it/s, load time, peak memory,
queue wait), newest first, as logged to ``metrics.jsonl``."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from dgx_pixels_app.jobs.metrics import JobMetrics

COLUMNS = ("Job", "Status", "Images", "s/image", "it/s", "Load s", "Peak GiB", "Wait s", "Back end")
MAX_ROWS = 200


def _cells(m: JobMetrics) -> list[str]:
    return [
        m.label or f"job {m.job}", m.status, f"{m.images}" + (f" ({m.failed} failed)" if m.failed else ""),
        f"{m.seconds_per_image:.2f}" if m.images else "—", f"{m.it_per_second:.2f}" if m.it_per_second else "—",
        f"{m.load_seconds:.1f}" if m.load_seconds else "—",
        f"{m.peak_memory_bytes / 2**30:.2f}" if m.peak_memory_bytes else "—",
        f"{m.queue_wait_seconds:.1f}", m.backend,
    ]  # fmt: skip


class MetricsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        self.metrics: list[JobMetrics] = []

    def add(self, metrics: JobMetrics) -> None:
        """Newest first; the oldest rows go beyond MAX_ROWS."""
        self.metrics.insert(0, metrics)
        self.table.insertRow(0)
        for column, text in enumerate(_cells(metrics)):
            self.table.setItem(0, column, QTableWidgetItem(text))
        while self.table.rowCount() > MAX_ROWS:
            self.table.removeRow(self.table.rowCount() - 1)
            self.metrics.pop()

    def load(self, history: list[JobMetrics]) -> None:
        for metrics in history:  # oldest first, so the newest ends on top
            self.add(metrics)
