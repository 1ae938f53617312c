"""The GUI's handle on the job queue: queue events become signals on the GUI thread.

The queue (Qt-free, :mod:`dgx_pixels_app.jobs.queue`) runs jobs on its own thread
against the resident local engine. Its listener only emits one signal; because
``JobClient`` lives on the GUI thread, the connection is queued and every slot
here runs on the GUI thread, never on the worker. The UI thread never waits on
the model.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.engine.backend import LocalBackend
from dgx_pixels_app.engine.engine import Engine
from dgx_pixels_app.jobs.job import (
    ImageFailed,
    ImageReady,
    Job,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobProgress,
    ModelLoaded,
)
from dgx_pixels_app.jobs.metrics import MetricsLog
from dgx_pixels_app.jobs.queue import JobQueue

LOAD = "load-model"
UNLOAD = "unload-model"


class _Bridge(QObject):
    event = Signal(object)


class JobClient(QObject):
    """Submit jobs, load models, cancel; all signals arrive on the GUI thread."""

    modelLoaded = Signal(object)  # ModelInfo
    modelUnloaded = Signal()
    modelFailed = Signal(str)
    jobProgress = Signal(int, int, int, object)  # job id, step, total, preview
    imageReady = Signal(object, object)  # Job, ImageResult
    imageFailed = Signal(object, int, str)  # Job, task index, message
    jobFinished = Signal(object, object)  # Job, JobResult
    jobCancelled = Signal(object, str)
    jobFailed = Signal(object, str)
    jobMetrics = Signal(object)  # JobMetrics
    busyChanged = Signal(bool)

    def __init__(self, engine: Engine | None = None, parent: QObject | None = None,
                 metrics: MetricsLog | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.backend = LocalBackend(engine)
        self.queue = JobQueue(self.backend, metrics if metrics is not None else MetricsLog())
        self._bridge = _Bridge()
        self._bridge.event.connect(self._on_event)
        self.queue.subscribe(self._bridge.event.emit)
        self.jobs: dict[int, Job] = {}

    @property
    def engine(self) -> Engine:
        return self.backend.engine

    @property
    def busy(self) -> bool:
        return bool(self.jobs)

    @property
    def loading(self) -> bool:
        return any(job.tag == LOAD for job in self.jobs.values())

    def load_model(self, path: str) -> Job:
        return self.submit_job(Job([], model=str(path), tag=LOAD, label="load model"))

    def unload_model(self) -> Job:
        """Free the model after the jobs before it, on the queue's thread."""
        return self.submit_job(Job([], unload=True, tag=UNLOAD, label="unload model"))

    def submit(self, request: GenerationRequest, count: int = 1, init_image=None, mask=None,
               tag=None, model=None) -> Job:  # fmt: skip
        job = Job.single(request, count, init_image, mask, tag=tag, model=model,
                         label=request.mode or "generate")  # fmt: skip
        return self.submit_job(job)

    def submit_job(self, job: Job) -> Job:
        self.jobs[job.id] = job
        self.busyChanged.emit(True)
        return self.queue.submit(job)

    def cancel_all(self) -> None:
        self.queue.cancel_all()

    def shutdown(self, wait_s: float = 30.0) -> None:
        self.queue.unsubscribe(self._bridge.event.emit)
        self.queue.shutdown(wait_s)

    @Slot(object)
    def _on_event(self, event) -> None:
        job = event.job
        if isinstance(event, JobProgress):
            self.jobProgress.emit(job.id, event.step, event.total, event.preview)
        elif isinstance(event, ModelLoaded):
            self.modelLoaded.emit(event.model)
        elif isinstance(event, ImageReady):
            self.imageReady.emit(job, event.image)
        elif isinstance(event, ImageFailed):
            self.imageFailed.emit(job, event.index, event.message)
        elif isinstance(event, JobFinished):
            self._done(job)
            if job.tasks or event.metrics.load_seconds:
                self.jobMetrics.emit(event.metrics)
            if job.unload:
                self.modelUnloaded.emit()
            if not job.tasks:
                return
            result = event.result
            if job.target is None and not result.items and result.failures:
                self.jobFailed.emit(job, result.failures[0][1])  # nothing made: it failed
            else:
                self.jobFinished.emit(job, result)
        elif isinstance(event, JobCancelled):
            self._done(job)
            self.jobCancelled.emit(job, event.message)
        elif isinstance(event, JobFailed):
            self._done(job)
            if job.tag == LOAD:
                self.modelFailed.emit(event.message)
            else:
                self.jobFailed.emit(job, event.message)

    def _done(self, job: Job) -> None:
        self.jobs.pop(job.id, None)
        self.busyChanged.emit(self.busy)
