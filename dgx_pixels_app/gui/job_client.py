"""The GUI's handle on the job queue: queue events become signals on the GUI thread.

The queue (Qt-free, :mod:`dgx_pixels_app.jobs.queue`) runs jobs on its own thread
on the back end the factory gives (the ``backend`` setting: local or Ray). The
client never touches the back end itself: the model and the memory in use arrive
as events and are cached here. The queue's listener only emits one signal; because
``JobClient`` lives on the GUI thread, the connection is queued and every slot
here runs on the GUI thread, never on the worker. The UI thread never waits on
the model.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.engine.backend import Backend, ModelInfo
from dgx_pixels_app.engine.settings import EngineSettings
from dgx_pixels_app.jobs.job import (
    BackendState,
    ImageFailed,
    ImageReady,
    Job,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobProgress,
    ModelLoaded,
    Placement,
)
from dgx_pixels_app.jobs.metrics import MetricsLog
from dgx_pixels_app.jobs.queue import JobQueue


def backend_for(settings) -> tuple[Backend, str]:
    """The back end the app's settings name, and "" — or, if that one cannot be made
    (a damaged setting), the local one and why."""
    from dgx_pixels_app.core.errors import DgxPixelsError
    from dgx_pixels_app.engine.factory import make_backend

    engine = EngineSettings.from_settings(settings)
    try:
        return make_backend(settings.backend, engine), ""
    except DgxPixelsError as exc:
        return make_backend("local", engine), f"Running jobs locally. {exc}"


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
    stateChanged = Signal()  # the model or the memory in use changed

    def __init__(self, backend: Backend | None = None, parent: QObject | None = None,
                 metrics: MetricsLog | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        if backend is None:
            from dgx_pixels_app.engine.factory import make_backend

            backend = make_backend()
        self.queue = JobQueue(backend, metrics if metrics is not None else MetricsLog())
        self._bridge = _Bridge()
        self._bridge.event.connect(self._on_event)
        self.queue.subscribe(self._bridge.event.emit)
        self.jobs: dict[int, Job] = {}
        self.model: ModelInfo | None = None  # as the last event said
        self.memory = 0  # bytes in use, as the last event said
        self._tokens: list = []  # CancelTokens of work that runs several jobs

    @property
    def busy(self) -> bool:
        return bool(self.jobs)

    def load_model(self, path: str) -> Job:
        return self.submit_job(Job([], model=str(path), label="load model"))

    def configure(self, settings: EngineSettings) -> Job:
        """New engine options, applied on the queue's thread in queue order."""
        return self.submit_job(Job([], configure=settings, label="engine options"))

    def unload_model(self) -> Job:
        """Free the model after the jobs before it, on the queue's thread."""
        return self.submit_job(Job([], unload=True, label="unload model"))

    def submit(self, request: GenerationRequest, count: int = 1, init_image=None, mask=None,
               place: Placement | None = None, model=None, sources=None) -> Job:  # fmt: skip
        job = Job.single(request, count, init_image, mask, place=place, model=model,
                         label=request.mode or "generate", sources=sources)  # fmt: skip
        return self.submit_job(job)

    def submit_job(self, job: Job) -> Job:
        self.jobs[job.id] = job
        self.busyChanged.emit(True)
        return self.queue.submit(job)

    def cancel_token(self):
        """A token that Cancel sets too: work that runs jobs one after another (a
        character's chained frames) stops between them, not only inside one."""
        from dgx_pixels_app.core.generation import CancelToken

        token = CancelToken()
        self._tokens = [t for t in self._tokens if not t.cancelled] + [token]
        return token

    def cancel_all(self) -> None:
        for token in self._tokens:
            token.cancel()
        self._tokens = []
        self.queue.cancel_all()

    def shutdown(self, wait_s: float = 30.0) -> None:
        self.queue.unsubscribe(self._bridge.event.emit)
        self.queue.shutdown(wait_s)
        self.queue.backend.close()

    @Slot(object)
    def _on_event(self, event) -> None:
        job = event.job
        if isinstance(event, JobProgress):
            self.jobProgress.emit(job.id, event.step, event.total, event.preview)
        elif isinstance(event, ModelLoaded):
            self.model = event.model
            self.modelLoaded.emit(event.model)
        elif isinstance(event, BackendState):
            self.model, self.memory = event.model, event.memory
            self.stateChanged.emit()
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
            if job.changes_model and job.model:
                self.modelFailed.emit(event.message)
            else:
                self.jobFailed.emit(job, event.message)

    def _done(self, job: Job) -> None:
        self.jobs.pop(job.id, None)
        self.busyChanged.emit(self.busy)
