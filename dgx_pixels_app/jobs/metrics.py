"""What each job cost: load time, seconds per image, it/s, peak memory, queue wait.

Every finished job's :class:`JobMetrics` is appended as one JSON line to
``metrics.jsonl`` in the app's data folder (the CLI, batch, the GUI and agents
alike), so a user can compare runs and machines. Reading tolerates damaged
lines (a crash mid-append loses at most that line).
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

MAX_LOG_BYTES = 8 * 2**20  # the log is rotated to metrics.jsonl.1 beyond this


@dataclass
class JobMetrics:
    job: int
    label: str
    backend: str
    status: str  # finished, cancelled, failed
    images: int = 0
    failed: int = 0
    load_seconds: float = 0.0  # model load inside this job (0 when it was resident)
    seconds: float = 0.0  # wall time of the job, load included
    seconds_per_image: float = 0.0  # generation time per image (load excluded)
    it_per_second: float = 0.0
    peak_memory_bytes: int = 0
    queue_wait_seconds: float = 0.0
    model: str = ""
    finished_at: float = field(default_factory=time.time)

    def summary(self) -> str:
        if not self.images and self.load_seconds:
            return f"model ready in {self.load_seconds:.1f} s"
        parts = [f"{self.images} image{'s' if self.images != 1 else ''}"]
        if self.images:
            parts.append(f"{self.seconds_per_image:.2f} s/image")
        if self.it_per_second:
            parts.append(f"{self.it_per_second:.2f} it/s")
        if self.load_seconds:
            parts.append(f"load {self.load_seconds:.1f} s")
        if self.peak_memory_bytes:
            parts.append(f"peak {self.peak_memory_bytes / 2**30:.2f} GiB")
        if self.queue_wait_seconds >= 0.05:
            parts.append(f"waited {self.queue_wait_seconds:.1f} s")
        return " · ".join(parts)


def metrics_path() -> Path:
    from dgx_pixels_app.settings import data_dir

    return data_dir() / "metrics.jsonl"


class MetricsLog:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or metrics_path()

    def append(self, metrics: JobMetrics) -> None:
        """One line per job; errors writing the log never fail the job."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and self.path.stat().st_size > MAX_LOG_BYTES:
                os.replace(self.path, self.path.with_suffix(".jsonl.1"))
            with open(self.path, "a", encoding="utf-8") as stream:
                stream.write(json.dumps(asdict(metrics)) + "\n")
        except OSError:
            pass

    def recent(self, limit: int = 50) -> list[JobMetrics]:
        try:
            with open(self.path, encoding="utf-8", errors="replace") as stream:
                lines = deque(stream, maxlen=limit)
        except OSError:
            return []
        out = []
        for line in lines:
            try:
                metrics = _from_json(json.loads(line))
            except ValueError:
                continue
            if metrics is not None:  # a damaged or foreign line is skipped, never shown
                out.append(metrics)
        return out


_TYPES = {"int": (int,), "float": (int, float), "str": (str,)}


def _from_json(data) -> JobMetrics | None:
    """The metrics of one line, if every field it has is of its type and the ones that
    name the job are there."""
    if not isinstance(data, dict):
        return None
    values = {}
    for f in fields(JobMetrics):
        if f.name in data:
            value = data[f.name]
            if isinstance(value, bool) or not isinstance(value, _TYPES[f.type]):
                return None
            values[f.name] = value
    if not {"job", "label", "backend", "status"} <= set(values):
        return None
    return JobMetrics(**values)
