"""The engine on its own QThread: the UI thread never waits on the model.

``EngineClient`` lives on the GUI thread. It sends work to ``_EngineWorker`` (moved
to a QThread) through queued signals, so jobs run one after another in order, and
the worker's signals arrive at the client's slots on the GUI thread. Cancelling
sets a thread-safe token that the engine checks at every step.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from dgx_pixels_app.core.errors import CancelledError, DgxPixelsError
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.engine.engine import CancelToken, Engine, GenerationResult, Progress

log = logging.getLogger(__name__)


@dataclass
class Job:
    id: int
    request: GenerationRequest
    count: int = 1
    init_image: np.ndarray | None = None
    mask: np.ndarray | None = None
    tag: object = None  # what the GUI needs to place the result (e.g. a selection)
    model: str | None = None  # load this model first if it is not the loaded one
    token: CancelToken = field(default_factory=CancelToken)


class _EngineWorker(QObject):
    loaded = Signal(object)  # LoadedModel
    loadFailed = Signal(str)
    progress = Signal(int, int, int, object)  # job id, step, total, preview
    finished = Signal(int, object)  # job id, GenerationResult
    cancelled = Signal(int, str)
    failed = Signal(int, str)

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine

    @Slot(str)
    def load(self, path: str) -> None:
        try:
            self.loaded.emit(self.engine.load(path))
        except DgxPixelsError as exc:
            self.loadFailed.emit(str(exc))
        except Exception as exc:  # reported, never swallowed
            log.exception("model load failed")
            self.loadFailed.emit(f"Could not load the model: {exc}")

    @Slot(object)
    def run(self, job: Job) -> None:
        if job.token.cancelled:
            self.cancelled.emit(job.id, "Cancelled before it started.")
            return
        try:
            if job.model and (
                self.engine.model is None or str(self.engine.model.path) != job.model
            ):
                self.loaded.emit(self.engine.load(job.model))
            result = self.engine.generate(
                job.request, job.count, job.init_image, job.mask,
                progress=lambda p: self._progress(job.id, p), cancel=job.token,
            )  # fmt: skip
        except CancelledError as exc:
            self.cancelled.emit(job.id, str(exc))
        except DgxPixelsError as exc:
            self.failed.emit(job.id, str(exc))
        except Exception as exc:
            log.exception("generation failed")
            self.failed.emit(job.id, f"Generation failed: {exc}. The model is still loaded.")
        else:
            self.finished.emit(job.id, result)

    def _progress(self, job_id: int, p: Progress) -> None:
        self.progress.emit(job_id, p.step, p.total, p.preview)


class EngineClient(QObject):
    """The GUI's handle on the engine. All signals arrive on the GUI thread."""

    modelLoaded = Signal(object)
    modelFailed = Signal(str)
    jobProgress = Signal(int, int, int, object)
    jobFinished = Signal(object, object)  # Job, GenerationResult
    jobCancelled = Signal(object, str)
    jobFailed = Signal(object, str)
    busyChanged = Signal(bool)

    _load = Signal(str)
    _run = Signal(object)

    def __init__(self, engine: Engine | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine or Engine()
        self.thread = QThread()
        self.thread.setObjectName("engine")
        self.worker = _EngineWorker(self.engine)
        self.worker.moveToThread(self.thread)
        self._load.connect(self.worker.load)
        self._run.connect(self.worker.run)
        self.worker.loaded.connect(self._on_loaded)
        self.worker.loadFailed.connect(self._on_load_failed)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.failed.connect(self._on_failed)
        self.thread.start()
        self.jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self.loading = False

    @property
    def busy(self) -> bool:
        return self.loading or bool(self.jobs)

    def load_model(self, path: str) -> None:
        self.loading = True
        self.busyChanged.emit(True)
        self._load.emit(str(path))

    def submit(
        self,
        request: GenerationRequest,
        count: int = 1,
        init_image=None,
        mask=None,
        tag=None,
        model=None,
    ) -> Job:
        job = Job(next(self._ids), request, count, init_image, mask, tag, model)
        self.jobs[job.id] = job
        self.busyChanged.emit(True)
        self._run.emit(job)
        return job

    def cancel_all(self) -> None:
        for job in self.jobs.values():
            job.token.cancel()

    def shutdown(self, wait_ms: int = 30000) -> None:
        self.cancel_all()
        self.thread.quit()
        self.thread.wait(wait_ms)

    @Slot(object)
    def _on_loaded(self, model) -> None:
        self.loading = False
        self.modelLoaded.emit(model)
        self.busyChanged.emit(self.busy)

    @Slot(str)
    def _on_load_failed(self, message: str) -> None:
        self.loading = False
        self.modelFailed.emit(message)
        self.busyChanged.emit(self.busy)

    @Slot(int, int, int, object)
    def _on_progress(self, job_id: int, step: int, total: int, preview) -> None:
        self.jobProgress.emit(job_id, step, total, preview)

    @Slot(int, object)
    def _on_finished(self, job_id: int, result: GenerationResult) -> None:
        job = self.jobs.pop(job_id, None)
        self.jobFinished.emit(job, result)
        self.busyChanged.emit(self.busy)

    @Slot(int, str)
    def _on_cancelled(self, job_id: int, message: str) -> None:
        job = self.jobs.pop(job_id, None)
        self.jobCancelled.emit(job, message)
        self.busyChanged.emit(self.busy)

    @Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        job = self.jobs.pop(job_id, None)
        self.jobFailed.emit(job, message)
        self.busyChanged.emit(self.busy)
