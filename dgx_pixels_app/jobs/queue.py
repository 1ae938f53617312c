"""The job queue: jobs run one after another on one back end, with events.

Qt-free. ``submit`` hands a job to the queue's own worker thread (the GUI and the
in-app agent server share one queue, so they share the resident model);
``run`` executes a job on the calling thread (the CLI, benchmarks, tests). Both
go through the same :meth:`JobQueue.execute`, so no front end holds generation
logic another lacks.

Listeners receive every event on the thread that runs the job; a GUI adapter
turns them into signals for its own thread. A job that fails or is cancelled is
reported and the queue goes on with the next one.
"""

from __future__ import annotations

import contextvars
import logging
import queue
import threading
import time
from collections.abc import Callable

from dgx_pixels_app.core.errors import CancelledError, DgxPixelsError
from dgx_pixels_app.engine.backend import Backend, TaskDone, TaskFailed, TaskProgress
from dgx_pixels_app.jobs.job import (
    Event,
    ImageFailed,
    ImageReady,
    ImageResult,
    Job,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobProgress,
    JobResult,
    JobStarted,
    ModelLoaded,
)
from dgx_pixels_app.jobs.metrics import JobMetrics, MetricsLog
from dgx_pixels_app.jobs.post import apply_post

log = logging.getLogger(__name__)
Listener = Callable[[Event], None]


def outcome(event) -> JobResult:
    """What a job's last event means for its caller: the result, or the error."""
    if isinstance(event, JobFinished):
        return event.result
    if isinstance(event, JobCancelled):
        raise CancelledError(event.message)
    raise DgxPixelsError(event.message)


class JobQueue:
    def __init__(self, backend: Backend, metrics: MetricsLog | None = None) -> None:
        self.backend = backend
        self.metrics = metrics
        self._listeners: list[Listener] = []
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._pending: dict[int, Job] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.current: Job | None = None

    # -- listeners and submission -------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def submit(self, job: Job) -> Job:
        """Queue ``job`` behind the others; returns at once. The job runs in a copy of
        the submitter's context, so a confined caller's jobs write only where it may."""
        job.context = contextvars.copy_context()
        with self._lock:
            self._pending[job.id] = job
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="jobs", daemon=True)
                self._thread.start()
        self._jobs.put(job)
        return job

    def cancel(self, job_id: int) -> None:
        with self._lock:
            job = self._pending.get(job_id)
        if job is not None:
            job.token.cancel()

    def cancel_all(self) -> None:
        with self._lock:
            jobs = list(self._pending.values())
        for job in jobs:
            job.token.cancel()

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._pending)

    def pending(self) -> list[Job]:
        with self._lock:
            return list(self._pending.values())

    def join(self, timeout: float | None = None) -> bool:
        """Wait until every submitted job is done (True) or ``timeout`` passes (False)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.busy:
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def shutdown(self, timeout: float = 30.0) -> None:
        self.cancel_all()
        self._jobs.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                job.context.run(self.execute, job)
            finally:
                with self._lock:
                    self._pending.pop(job.id, None)

    # -- running ---------------------------------------------------------------------------
    def run(self, job: Job) -> JobResult:
        """Execute ``job`` on this thread; raises what it failed with (CancelledError…)."""
        outcome: list = []
        self.execute(job, outcome)
        event = outcome[0]
        if isinstance(event, JobFinished):
            return event.result
        if isinstance(event, JobCancelled):
            raise CancelledError(event.message)
        error = outcome[1] if len(outcome) > 1 else None
        raise error if isinstance(error, DgxPixelsError) else DgxPixelsError(event.message)

    def execute(self, job: Job, outcome: list | None = None) -> None:
        """Run one job to its end, reporting every step; never raises."""
        started = time.monotonic()
        wait = started - job.submitted
        self.current = job
        job.backend_name = self.backend.name
        result = JobResult(job)
        load_seconds = 0.0
        peak = [0]
        target_begun = False
        self._emit(JobStarted(job, wait))
        try:
            if job.token.cancelled:
                raise CancelledError("Cancelled before it started.")
            if job.unload:
                self.backend.unload()
            if job.model and not self.backend.is_loaded(job.model):
                t0 = time.perf_counter()
                info = self.backend.load(job.model)
                load_seconds = time.perf_counter() - t0
                self._emit(ModelLoaded(job, info))
            elif job.model and not job.tasks:  # "load this model": it already is
                self._emit(ModelLoaded(job, self.backend.model))
            if job.target is not None:
                job.target.begin(job, self.backend.model)
                target_begun = True
            total = job.image_count

            def on_task(event) -> None:
                if isinstance(event, TaskProgress):
                    self._emit(JobProgress(job, event.index, event.step, event.total,
                                           event.preview, len(result.items), total))  # fmt: skip
                elif isinstance(event, TaskDone):
                    peak[0] = max(peak[0], event.peak_memory)
                    self._deliver(job, event, result, total)
                elif isinstance(event, TaskFailed):
                    result.failures.append((event.index, event.message))
                    if job.target is not None:
                        job.target.fail(event.index, event.message)
                    self._emit(ImageFailed(job, event.index, event.message))

            if job.tasks:
                self.backend.run(job.tasks, on_task, job.token, previews=job.previews)
            if job.target is not None:
                job.target.finish(cancelled=False)
        except CancelledError as exc:
            if target_begun:
                self._finish_target(job, cancelled=True)
            result.seconds = time.monotonic() - started
            self._record(job, result, "cancelled", load_seconds, wait, peak[0])
            event = JobCancelled(job, str(exc), result)
            self._emit(event)
            self._outcome(outcome, event, exc)
            return
        except DgxPixelsError as exc:
            if target_begun:
                self._finish_target(job, cancelled=True)
            self._record(job, result, "failed", load_seconds, wait, peak[0])
            event = JobFailed(job, str(exc))
            self._emit(event)
            self._outcome(outcome, event, exc)
            return
        except Exception as exc:  # a bug: logged with its traceback, reported, queue goes on
            log.exception("job %s failed", job.id)
            if target_begun:
                self._finish_target(job, cancelled=True)
            self._record(job, result, "failed", load_seconds, wait, peak[0])
            event = JobFailed(job, f"The job failed unexpectedly: {exc}")
            self._emit(event)
            self._outcome(outcome, event, exc)
            return
        finally:
            self.current = None
        result.seconds = time.monotonic() - started
        metrics = self._record(job, result, "finished", load_seconds, wait, peak[0])
        event = JobFinished(job, result, metrics)
        self._emit(event)
        self._outcome(outcome, event, None)

    def _deliver(self, job: Job, event: TaskDone, result: JobResult, total: int) -> None:
        gen = event.result
        per_image = gen.seconds / max(1, len(gen.images))
        for number, (raw, request) in enumerate(zip(gen.images, gen.requests, strict=True)):
            art, frames = apply_post(raw, job.post) if job.post is not None else (None, [])
            item = ImageResult(event.index, number, raw, art, frames, request, per_image,
                               gen.steps_per_second, event.worker)  # fmt: skip
            if job.target is not None:
                job.target.write(item)
            result.items.append(item)
            self._emit(ImageReady(job, item, len(result.items), total))

    def _finish_target(self, job: Job, cancelled: bool) -> None:
        try:
            job.target.finish(cancelled=cancelled)
        except DgxPixelsError:
            log.warning("could not finish the job's files", exc_info=True)

    def _record(self, job, result, status, load_seconds, wait, peak) -> JobMetrics:
        images = len(result.items)
        gen_seconds = sum(item.seconds for item in result.items)
        model = self.backend.model
        metrics = JobMetrics(
            job=job.id, label=job.label, backend=self.backend.name, status=status,
            images=images, failed=len(result.failures), load_seconds=round(load_seconds, 3),
            seconds=round(time.monotonic() - job.submitted - wait, 3),
            seconds_per_image=round(gen_seconds / images, 3) if images else 0.0,
            it_per_second=round(result.steps_per_second, 3),
            peak_memory_bytes=int(peak), queue_wait_seconds=round(wait, 3),
            model=str(model.path) if model else "",
        )  # fmt: skip
        if self.metrics is not None and (job.tasks or load_seconds):
            self.metrics.append(metrics)
        return metrics

    @staticmethod
    def _outcome(outcome: list | None, event, exc) -> None:
        if outcome is not None:
            outcome.extend([event, exc] if exc is not None else [event])

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken listener never stops the queue
                log.exception("job listener failed")
